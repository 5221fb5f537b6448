-- One row per human session x product category viewed in it (a product_view event of one of
-- the category's products), with the session's day, channel and device, the category's
-- add-to-cart events in the session and whether a paid order placed in the session has a
-- line of the category. The building block of category conversion 品類轉化率: sessions that
-- bought the category / sessions that viewed it (the category sales radar). A session that
-- bought a category without viewing one of its products is not a viewer of it, so the rate
-- stays within 0-1; orders without a tracked session (marketplace orders) have no viewing
-- session and do not count.

-- A table, not a view: the category radar and ten tests read it, and a view would be
-- computed for each of them (DECISIONLOG.md "Intermediate tables read many times").
{{ config(materialized='table') }}

with

human_sessions as (
    select * from {{ ref('int_human_sessions') }}
),

events as (
    select * from {{ ref('stg_shop__events') }}
    where event_type in ('product_view', 'add_to_cart')
),

products as (
    select * from {{ ref('dim_products') }}
),

paid_orders as (
    select * from {{ ref('fct_orders') }}
    where is_paid and session_id is not null
),

paid_order_items as (
    select * from {{ ref('fct_order_items') }}
    where is_paid
),

category_events as (
    select
        events.session_id,
        products.category,
        sum(case when events.event_type = 'product_view' then 1 else 0 end)
            as product_view_events,
        sum(case when events.event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_events
    from events
    inner join products
        on events.product_id = products.product_id
    group by events.session_id, products.category
),

-- The categories bought in each session: the lines of the paid orders placed in it.
purchased_categories as (
    select distinct
        paid_orders.session_id,
        paid_order_items.category
    from paid_orders
    inner join paid_order_items
        on paid_orders.order_id = paid_order_items.order_id
),

final as (
    select
        {{ surrogate_key(['human_sessions.session_id', 'category_events.category']) }}
            as session_category_id,
        human_sessions.session_id,
        human_sessions.session_date,
        human_sessions.channel,
        human_sessions.device,
        human_sessions.campaign_id,
        category_events.category,
        category_events.product_view_events,
        category_events.add_to_cart_events,
        purchased_categories.session_id is not null as has_paid_order_of_category
    from category_events
    inner join human_sessions
        on category_events.session_id = human_sessions.session_id
    left join purchased_categories
        on
            category_events.session_id = purchased_categories.session_id
            and category_events.category = purchased_categories.category
    where category_events.product_view_events > 0
)

select * from final
