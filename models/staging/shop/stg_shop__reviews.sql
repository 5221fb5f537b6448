-- Clean reviews: the rows of base_shop__reviews that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__reviews') }}
),

final as (
    select
        review_id,
        order_id,
        product_id,
        rating,
        reviewed_at
    from checked
    where dq_rule is null
)

select * from final
