-- One row per customer x human session known to be theirs x how it is known: the
-- customer's logged-in sessions (order_id null), the anonymous sessions of a visitor (device)
-- stitched to them (order_id null; see int_visitors_stitched_to_customers), and the
-- sessions their orders were placed in, which may not be logged in (one row per such order).
-- An anonymous session can be both stitched and an order's own session: it then has a
-- 'same_visitor' row and an 'order_session' row, as a logged-in order session has a
-- 'logged_in' and an 'order_session' row; readers take distinct sessions. The candidate
-- touches of attribution (a paid order: the customer's sessions with order_id null plus the
-- order's own session) and of registration credit (every session of the customer) both read
-- it; the lookback window is applied by the macro is_within_lookback.

-- A table, not a view: two marts and five tests read it, and a view would be computed for
-- each of them (DECISIONLOG.md "Intermediate tables read many times").
{{ config(materialized='table') }}

with

human_sessions as (
    select * from {{ ref('int_human_sessions') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

stitched_visitors as (
    select * from {{ ref('int_visitors_stitched_to_customers') }}
),

logged_in as (
    select
        human_sessions.customer_id,
        human_sessions.session_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        'logged_in' as linked_by
    from human_sessions
    where human_sessions.customer_id is not null
),

-- Anonymous visits before (or after) the customer logged in on the same device.
same_visitor as (
    select
        stitched_visitors.customer_id,
        human_sessions.session_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        'same_visitor' as linked_by
    from human_sessions
    inner join stitched_visitors
        on human_sessions.visitor_id = stitched_visitors.visitor_id
    where
        human_sessions.customer_id is null
        and stitched_visitors.customer_id is not null
),

order_sessions as (
    select
        orders.customer_id,
        orders.session_id,
        orders.order_id,
        'order_session' as linked_by
    from orders
    where orders.session_id is not null
),

links as (
    select * from logged_in
    union all
    select * from same_visitor
    union all
    select * from order_sessions
),

final as (
    select
        {{ surrogate_key(['links.customer_id', 'links.session_id', 'links.order_id']) }}
            as customer_session_id,
        links.customer_id,
        links.session_id,
        links.order_id,
        links.linked_by,
        human_sessions.started_at,
        human_sessions.channel,
        human_sessions.campaign_id
    from links
    inner join human_sessions
        on links.session_id = human_sessions.session_id
)

select * from final
