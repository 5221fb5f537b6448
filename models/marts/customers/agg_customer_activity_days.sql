-- One row per customer x day they were active: a non-bot session of the customer, or an
-- order placed (any status). The one definition of an "active" customer that 7-day
-- retention and member activity both count.

with

sessions as (
    select * from {{ ref('int_human_sessions') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

final as (
    select
        sessions.customer_id,
        sessions.session_date as activity_date
    from sessions
    where sessions.customer_id is not null
    union
    select
        orders.customer_id,
        orders.order_date as activity_date
    from orders
)

select * from final
