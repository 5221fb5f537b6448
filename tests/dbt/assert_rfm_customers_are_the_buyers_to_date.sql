-- snap_customer_rfm holds exactly the customers with a paid order on or before the as-of
-- date, with their paid orders and net revenue to that date; snap_customer_lifecycle holds
-- every one of them as a buyer.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

as_of as (
    select * from {{ ref('int_customer_value_as_of') }}
),

rfm as (
    select * from {{ ref('snap_customer_rfm') }}
),

lifecycle as (
    select * from {{ ref('snap_customer_lifecycle') }}
),

buyers as (
    select
        orders.customer_id,
        count(*) as paid_orders,
        sum(orders.net_revenue_cny) as net_revenue_cny
    from orders
    cross join as_of
    where
        orders.is_paid
        and orders.paid_date <= as_of.as_of_date
    group by orders.customer_id
)

select
    coalesce(buyers.customer_id, rfm.customer_id) as customer_id,
    buyers.paid_orders,
    rfm.frequency,
    lifecycle.is_buyer
from buyers
full outer join rfm
    on buyers.customer_id = rfm.customer_id
left join lifecycle
    on coalesce(buyers.customer_id, rfm.customer_id) = lifecycle.customer_id
where
    buyers.customer_id is null
    or rfm.customer_id is null
    or buyers.paid_orders != rfm.frequency
    or buyers.net_revenue_cny != rfm.monetary_cny
    or not coalesce(lifecycle.is_buyer, false)
