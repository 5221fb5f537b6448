-- The paid orders of fct_orders (DECISIONLOG.md "Paid order"), the only orders the sales
-- KPIs count, booked on their paid date. The semantic layer's sales measures read this view,
-- so none of them can count an unpaid order or a day-less one.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

final as (
    select
        orders.order_id,
        orders.customer_id,
        orders.session_id,
        orders.session_channel,
        orders.session_device,
        orders.platform,
        orders.status,
        orders.is_first_paid_order,
        orders.paid_date,
        orders.units,
        orders.gross_item_revenue_cny,
        orders.discount_cny,
        orders.gmv_cny,
        orders.refund_cny,
        orders.has_refund,
        orders.net_revenue_cny,
        orders.cogs_cny,
        orders.gross_margin_cny,
        orders.shipping_cost_cny
    from orders
    where orders.is_paid
)

select * from final
