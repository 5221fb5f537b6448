-- Attribution credits paid orders only: no row of fct_order_attribution names an order that
-- is unpaid or not in fct_orders (assert_attribution_credits_every_paid_order_once checks
-- that every paid order is credited in full).

with

orders as (
    select * from {{ ref('fct_orders') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
)

select
    attribution.order_attribution_id,
    attribution.order_id,
    attribution.attribution_model,
    orders.is_paid
from attribution
left join orders
    on attribution.order_id = orders.order_id
where not coalesce(orders.is_paid, false)
