-- One row per registered customer: the channel the registration is credited to. The touch
-- is the customer's non-bot session (or the session of one of their orders, which may not be
-- logged in) that started last at or before registration, within
-- var attribution_lookback_days; when none did, the first one that started within
-- var registration_touch_after_hours after it (a visitor logs in once registered). No such
-- session credits the registration to 'unattributed'.

with

customers as (
    select * from {{ ref('dim_customers') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

human_sessions as (
    select
        sessions.session_id,
        sessions.customer_id,
        sessions.started_at,
        sessions.channel,
        sessions.campaign_id
    from sessions
    where not sessions.is_bot
),

candidate_touches as (
    select
        human_sessions.customer_id,
        human_sessions.session_id
    from human_sessions
    where human_sessions.customer_id is not null
    union
    select
        orders.customer_id,
        orders.session_id
    from orders
    where orders.session_id is not null
),

touches as (
    select
        customers.customer_id,
        human_sessions.session_id,
        human_sessions.channel,
        human_sessions.campaign_id,
        human_sessions.started_at,
        human_sessions.started_at <= customers.registered_at as is_before_registration
    from customers
    inner join candidate_touches
        on customers.customer_id = candidate_touches.customer_id
    inner join human_sessions
        on candidate_touches.session_id = human_sessions.session_id
    where
        human_sessions.started_at >= {{ dbt.dateadd(
            'day', -1 * var('attribution_lookback_days'), 'customers.registered_at'
        ) }}
        and human_sessions.started_at <= {{ dbt.dateadd(
            'hour', var('registration_touch_after_hours'), 'customers.registered_at'
        ) }}
),

-- The last touch before registration wins; otherwise the first one after it.
touches_ranked as (
    select
        touches.*,
        row_number() over (
            partition by touches.customer_id
            order by
                touches.is_before_registration desc,
                case when touches.is_before_registration then touches.started_at end desc,
                touches.started_at asc,
                touches.session_id asc
        ) as touch_rank
    from touches
),

final as (
    select
        customers.customer_id,
        customers.registered_at,
        customers.registered_date,
        cast({{ dbt.date_trunc('month', 'customers.registered_date') }} as date)
            as registration_month,
        touches_ranked.session_id as registration_session_id,
        coalesce(touches_ranked.channel, 'unattributed') as registration_channel,
        touches_ranked.campaign_id as registration_campaign_id,
        touches_ranked.started_at as registration_session_started_at,
        coalesce(touches_ranked.is_before_registration, false) as is_touch_before_registration
    from customers
    left join touches_ranked
        on
            customers.customer_id = touches_ranked.customer_id
            and touches_ranked.touch_rank = 1
    where customers.registered_at is not null
)

select * from final
