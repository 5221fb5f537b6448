-- fct_orders and fct_order_items agree to the cent on every money column.

with

orders as (
    select * from {{ ref('fct_orders') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

line_totals as (
    select
        order_items.order_id,
        sum(order_items.gross_item_revenue_cny) as gross_item_revenue_cny,
        sum(order_items.discount_cny) as discount_cny,
        sum(order_items.gmv_cny) as gmv_cny,
        sum(order_items.refund_cny) as refund_cny,
        sum(order_items.net_revenue_cny) as net_revenue_cny,
        sum(order_items.cogs_cny) as cogs_cny
    from order_items
    group by order_items.order_id
)

select
    orders.order_id,
    orders.net_revenue_cny,
    line_totals.net_revenue_cny as lines_net_revenue_cny
from orders
inner join line_totals
    on orders.order_id = line_totals.order_id
where
    orders.gross_item_revenue_cny <> line_totals.gross_item_revenue_cny
    or orders.discount_cny <> line_totals.discount_cny
    or orders.gmv_cny <> line_totals.gmv_cny
    or orders.refund_cny <> line_totals.refund_cny
    or orders.net_revenue_cny <> line_totals.net_revenue_cny
    or orders.cogs_cny <> line_totals.cogs_cny
