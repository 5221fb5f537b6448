-- Every order-level discount and every refund of an order with lines reaches the lines:
-- allocation neither loses nor invents a cent.

with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

refunds as (
    select * from {{ ref('stg_shop__refunds') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

orders_with_lines as (
    select distinct order_items.order_id
    from order_items
),

expected as (
    select
        'order_discount' as amount,
        sum(orders.discount_amount_cny) as expected_cny
    from orders
    inner join orders_with_lines
        on orders.order_id = orders_with_lines.order_id
    union all
    select
        'refund' as amount,
        sum(refunds.refund_amount_cny) as expected_cny
    from refunds
    inner join orders_with_lines
        on refunds.order_id = orders_with_lines.order_id
),

allocated as (
    select
        'order_discount' as amount,
        sum(order_items.order_discount_allocated_cny) as allocated_cny
    from order_items
    union all
    select
        'refund' as amount,
        sum(order_items.refund_cny) as allocated_cny
    from order_items
)

select
    expected.amount,
    expected.expected_cny,
    allocated.allocated_cny
from expected
inner join allocated
    on expected.amount = allocated.amount
where coalesce(expected.expected_cny, 0) <> coalesce(allocated.allocated_cny, 0)
