-- The lines of paid orders (fct_order_items), booked on the order's paid date: sales by
-- product and category in the semantic layer.

with

order_items as (
    select * from {{ ref('fct_order_items') }}
),

final as (
    select
        order_items.order_item_id,
        order_items.order_id,
        order_items.product_id,
        order_items.category,
        order_items.paid_date,
        order_items.quantity,
        order_items.gmv_cny,
        order_items.refund_cny,
        order_items.net_revenue_cny,
        order_items.cogs_cny,
        order_items.gross_margin_cny
    from order_items
    where order_items.is_paid
)

select * from final
