-- Every month, each attribution model of agg_channel_months credits exactly the net revenue
-- of the month's paid orders (booked on the paid date), to the cent.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

channel_months as (
    select * from {{ ref('agg_channel_months') }}
),

models as (
    select distinct channel_months.attribution_model
    from channel_months
),

revenue as (
    select
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as month_start_date,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    where orders.is_paid
    group by cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date)
),

credited as (
    select
        channel_months.month_start_date,
        channel_months.attribution_model,
        sum(channel_months.attributed_net_revenue_cny) as net_revenue_cny
    from channel_months
    group by channel_months.month_start_date, channel_months.attribution_model
),

expected as (
    select
        revenue.month_start_date,
        models.attribution_model,
        revenue.net_revenue_cny
    from revenue
    cross join models
)

select
    coalesce(expected.month_start_date, credited.month_start_date) as month_start_date,
    coalesce(expected.attribution_model, credited.attribution_model) as attribution_model,
    expected.net_revenue_cny,
    credited.net_revenue_cny as credited_net_revenue_cny
from expected
full outer join credited
    on
        expected.month_start_date = credited.month_start_date
        and expected.attribution_model = credited.attribution_model
where coalesce(expected.net_revenue_cny, 0) <> coalesce(credited.net_revenue_cny, 0)
