-- Every month of the member and Gen-Z marts holds exactly the paid orders of fct_orders up
-- to the as-of date (orders and GMV to the cent), and the monthly repurchase totals count
-- the same orders and buyers.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

member_gmv_months as (
    select * from {{ ref('agg_member_gmv_months') }}
),

gen_z_months as (
    select * from {{ ref('agg_gen_z_months') }}
),

repurchase_periods as (
    select * from {{ ref('agg_repurchase_periods') }}
),

order_months as (
    select
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as month_start_date,
        count(*) as paid_orders,
        count(distinct orders.customer_id) as buying_customers,
        sum(orders.gmv_cny) as gmv_cny
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date)
),

member_months as (
    select
        member_gmv_months.month_start_date,
        sum(member_gmv_months.paid_orders) as paid_orders,
        sum(member_gmv_months.gmv_cny) as gmv_cny,
        max(member_gmv_months.month_gmv_cny) as month_gmv_cny
    from member_gmv_months
    group by member_gmv_months.month_start_date
),

generation_months as (
    select
        gen_z_months.month_start_date,
        sum(gen_z_months.paid_orders) as paid_orders,
        sum(gen_z_months.buying_customers) as buying_customers,
        sum(gen_z_months.gmv_cny) as gmv_cny
    from gen_z_months
    group by gen_z_months.month_start_date
),

repurchase_months as (
    select
        repurchase_periods.period_start_date as month_start_date,
        repurchase_periods.paid_orders,
        repurchase_periods.buying_customers
    from repurchase_periods
    where
        repurchase_periods.period_grain = 'month'
        and repurchase_periods.acquisition_channel = 'all'
        and repurchase_periods.customer_group = 'all'
),

compared as (
    select
        coalesce(
            order_months.month_start_date,
            member_months.month_start_date,
            generation_months.month_start_date,
            repurchase_months.month_start_date
        ) as month_start_date,
        coalesce(order_months.paid_orders, 0) as order_paid_orders,
        coalesce(order_months.buying_customers, 0) as order_buying_customers,
        coalesce(order_months.gmv_cny, 0) as order_gmv_cny,
        coalesce(member_months.paid_orders, 0) as member_paid_orders,
        coalesce(member_months.gmv_cny, 0) as member_gmv_cny,
        coalesce(member_months.month_gmv_cny, 0) as member_month_gmv_cny,
        coalesce(generation_months.paid_orders, 0) as generation_paid_orders,
        coalesce(generation_months.buying_customers, 0) as generation_buying_customers,
        coalesce(generation_months.gmv_cny, 0) as generation_gmv_cny,
        coalesce(repurchase_months.paid_orders, 0) as repurchase_paid_orders,
        coalesce(repurchase_months.buying_customers, 0) as repurchase_buying_customers
    from order_months
    full outer join member_months
        on order_months.month_start_date = member_months.month_start_date
    full outer join generation_months
        on
            coalesce(order_months.month_start_date, member_months.month_start_date)
            = generation_months.month_start_date
    full outer join repurchase_months
        on
            coalesce(
                order_months.month_start_date,
                member_months.month_start_date,
                generation_months.month_start_date
            )
            = repurchase_months.month_start_date
)

select *
from compared
where
    order_paid_orders <> member_paid_orders
    or order_gmv_cny <> member_gmv_cny
    or order_gmv_cny <> member_month_gmv_cny
    or order_paid_orders <> generation_paid_orders
    or order_buying_customers <> generation_buying_customers
    or order_gmv_cny <> generation_gmv_cny
    or order_paid_orders <> repurchase_paid_orders
    or order_buying_customers <> repurchase_buying_customers
