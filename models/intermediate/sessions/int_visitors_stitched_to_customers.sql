-- One row per visitor (device cookie) with a human session that identifies a customer: a
-- logged-in session, or a session one of their orders was placed in. The visitor is
-- stitched to a customer when exactly one customer was ever identified on it and that
-- customer logged in on it; a visitor on which two or more customers were identified is a
-- shared device, ambiguous, and stitched to nobody. int_customer_sessions reads the stitch
-- to count the visitor's anonymous sessions as the customer's ('same_visitor'); dim_visitors
-- shows it.

with

human_sessions as (
    select * from {{ ref('int_human_sessions') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

-- Every customer identified on a visitor's human sessions, and how.
identities as (
    select
        human_sessions.visitor_id,
        human_sessions.customer_id,
        human_sessions.started_at as logged_in_at
    from human_sessions
    where human_sessions.customer_id is not null
    union all
    select
        human_sessions.visitor_id,
        orders.customer_id,
        cast(null as {{ dbt.type_timestamp() }}) as logged_in_at
    from orders
    inner join human_sessions
        on orders.session_id = human_sessions.session_id
),

visitors as (
    select
        identities.visitor_id,
        count(distinct identities.customer_id) as identified_customers,
        min(identities.customer_id) as only_customer_id,
        min(identities.logged_in_at) as first_logged_in_at
    from identities
    group by identities.visitor_id
),

final as (
    select
        visitors.visitor_id,
        case
            when visitors.identified_customers = 1 and visitors.first_logged_in_at is not null
                then visitors.only_customer_id
        end as customer_id,
        visitors.identified_customers,
        visitors.identified_customers >= 2 as is_shared,
        visitors.first_logged_in_at
    from visitors
)

select * from final
