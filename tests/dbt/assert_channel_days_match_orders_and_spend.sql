-- Every day, each attribution model of agg_channel_days credits exactly the net revenue of
-- the day's paid orders (booked on the paid date) and holds exactly the day's spend of
-- fct_ad_spend, to the cent.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

channel_days as (
    select * from {{ ref('agg_channel_days') }}
),

models as (
    select distinct channel_days.attribution_model
    from channel_days
),

revenue as (
    select
        orders.paid_date as date_day,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    where orders.is_paid
    group by orders.paid_date
),

spend as (
    select
        ad_spend.spend_date as date_day,
        sum(ad_spend.spend_cny) as spend_cny
    from ad_spend
    group by ad_spend.spend_date
),

credited as (
    select
        channel_days.date_day,
        channel_days.attribution_model,
        sum(channel_days.attributed_net_revenue_cny) as net_revenue_cny,
        sum(channel_days.spend_cny) as spend_cny
    from channel_days
    group by channel_days.date_day, channel_days.attribution_model
),

days as (
    select revenue.date_day from revenue
    union
    select spend.date_day from spend
    union
    select credited.date_day from credited
),

expected as (
    select
        days.date_day,
        models.attribution_model,
        coalesce(revenue.net_revenue_cny, 0) as net_revenue_cny,
        coalesce(spend.spend_cny, 0) as spend_cny
    from days
    cross join models
    left join revenue
        on days.date_day = revenue.date_day
    left join spend
        on days.date_day = spend.date_day
)

select
    expected.date_day,
    expected.attribution_model,
    expected.net_revenue_cny,
    credited.net_revenue_cny as credited_net_revenue_cny,
    expected.spend_cny,
    credited.spend_cny as channel_days_spend_cny
from expected
left join credited
    on
        expected.date_day = credited.date_day
        and expected.attribution_model = credited.attribution_model
where
    coalesce(credited.net_revenue_cny, 0) <> expected.net_revenue_cny
    or coalesce(credited.spend_cny, 0) <> expected.spend_cny
