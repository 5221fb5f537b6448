-- Clean order items: the rows of base_shop__order_items that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__order_items') }}
),

final as (
    select
        order_id,
        line_number,
        product_id,
        quantity,
        unit_price_cny,
        discount_amount_cny
    from checked
    where dq_rule is null
)

select * from final
