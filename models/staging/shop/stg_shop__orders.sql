-- Clean orders: the rows of base_shop__orders that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__orders') }}
),

final as (
    select
        order_id,
        customer_id,
        session_id,
        ordered_at,
        paid_at,
        shipped_at,
        delivered_at,
        status,
        is_paid,
        platform,
        coupon_code,
        discount_amount_cny,
        shipping_fee_cny
    from checked
    where dq_rule is null
)

select * from final
