-- One row per order line, with the order's discount and refunds allocated to it.

-- Loaded incrementally: a run re-computes the lines of the orders placed, paid or refunded
-- in the late-arrival window or not held yet (all lines of an order are deleted and
-- inserted together); see macros/incremental.sql.
-- depends_on: {{ ref('stg_shop__refunds') }}

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key='order_id',
) }}

{%- set window_start = late_window_start('order_date', where=none) %}

with

{%- if loads_incrementally() %}

    changed_orders as (
        {{ orders_changed_since(window_start) }}
    ),
{%- endif %}

order_lines as (
    select * from {{ ref('int_order_lines_allocated') }}
    {%- if loads_incrementally() %}
        where order_id in (select changed_orders.order_id from changed_orders)
    {%- endif %}
),

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

final as (
    select
        {{ surrogate_key(['order_lines.order_id', 'order_lines.line_number']) }} as order_item_id,
        order_lines.order_id,
        order_lines.line_number,
        orders.customer_id,
        order_lines.product_id,
        order_lines.category,
        orders.is_paid,
        cast(orders.ordered_at as date) as order_date,
        cast(orders.paid_at as date) as paid_date,
        order_lines.quantity,
        order_lines.unit_price_cny,
        order_lines.unit_cost_cny,
        order_lines.gross_item_revenue_cny,
        order_lines.line_discount_cny,
        order_lines.order_discount_allocated_cny,
        order_lines.discount_cny,
        order_lines.gmv_cny,
        order_lines.refund_cny,
        order_lines.net_revenue_cny,
        order_lines.cogs_cny,
        cast(order_lines.net_revenue_cny - order_lines.cogs_cny as decimal(18, 2))
            as gross_margin_cny
    from order_lines
    inner join orders
        on order_lines.order_id = orders.order_id
)

select * from final
