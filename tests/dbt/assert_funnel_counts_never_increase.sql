-- Funnel counts never increase from one step to the next, on any row.

with

funnel as (
    select * from {{ ref('agg_funnel_days') }}
)

select
    funnel_day_id,
    sessions,
    product_view_sessions,
    add_to_cart_sessions,
    checkout_sessions,
    payment_sessions
from funnel
where
    product_view_sessions > sessions
    or add_to_cart_sessions > product_view_sessions
    or checkout_sessions > add_to_cart_sessions
    or payment_sessions > checkout_sessions
