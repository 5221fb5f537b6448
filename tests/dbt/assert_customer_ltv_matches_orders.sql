-- Per cohort month, the net revenue to date of snap_customer_ltv is exactly the net revenue
-- of the cohort's paid orders in fct_orders up to the as-of date, to the cent.

with

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

customer_ltv as (
    select * from {{ ref('snap_customer_ltv') }}
),

paid as (
    select
        customers.first_paid_month as cohort_month,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by customers.first_paid_month
),

ltv as (
    select
        customer_ltv.cohort_month,
        sum(customer_ltv.net_revenue_to_date_cny) as net_revenue_cny
    from customer_ltv
    group by customer_ltv.cohort_month
)

select
    coalesce(paid.cohort_month, ltv.cohort_month) as cohort_month,
    paid.net_revenue_cny as orders_net_revenue_cny,
    ltv.net_revenue_cny as ltv_net_revenue_cny
from paid
full outer join ltv
    on paid.cohort_month = ltv.cohort_month
where coalesce(paid.net_revenue_cny, 0) <> coalesce(ltv.net_revenue_cny, 0)
