-- One row per product (SKU).

with

products as (
    select * from {{ ref('stg_shop__products') }}
),

final as (
    select
        products.product_id,
        products.sku,
        products.product_name,
        products.category,
        products.list_price_cny,
        products.unit_cost_cny,
        {{ safe_divide(
            'products.list_price_cny - products.unit_cost_cny', 'products.list_price_cny'
        ) }} as list_margin_rate,
        products.launched_at,
        cast(products.launched_at as date) as launched_date
    from products
)

select * from final
