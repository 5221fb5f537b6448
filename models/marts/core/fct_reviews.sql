-- One row per product review.

with

reviews as (
    select * from {{ ref('stg_shop__reviews') }}
),

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

products as (
    select * from {{ ref('stg_shop__products') }}
),

final as (
    select
        reviews.review_id,
        reviews.order_id,
        reviews.product_id,
        orders.customer_id,
        products.category,
        reviews.rating,
        reviews.rating <= {{ var('negative_review_max_rating') }} as is_negative,
        reviews.reviewed_at,
        cast(reviews.reviewed_at as date) as review_date
    from reviews
    inner join orders
        on reviews.order_id = orders.order_id
    inner join products
        on reviews.product_id = products.product_id
)

select * from final
