-- Clean products: the rows of base_shop__products that broke no data-quality rule.

with

checked as (
    select * from {{ ref('base_shop__products') }}
),

final as (
    select
        product_id,
        sku,
        product_name,
        category,
        list_price_cny,
        unit_cost_cny,
        launched_at
    from checked
    where dq_rule is null
)

select * from final
