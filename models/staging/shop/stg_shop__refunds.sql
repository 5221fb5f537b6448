-- Clean refunds: the rows of base_shop__refunds that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__refunds') }}
),

final as (
    select
        refund_id,
        order_id,
        product_id,
        refunded_at,
        refund_amount_cny,
        reason
    from checked
    where dq_rule is null
)

select * from final
