-- One row per registered customer: the channel the registration is credited to. The touch
-- is the customer's non-bot session (logged in, an anonymous visit of a device stitched to
-- them, or the session of one of their orders) that started last at or before registration,
-- within var attribution_lookback_days; when none did, the first one that started within
-- var registration_touch_after_hours after it (a visitor logs in once registered). No such
-- session credits the registration to 'unattributed'.

with

customers as (
    select * from {{ ref('dim_customers') }}
),

customer_sessions as (
    select * from {{ ref('int_customer_sessions') }}
),

touches as (
    select distinct
        customers.customer_id,
        customer_sessions.session_id,
        customer_sessions.channel,
        customer_sessions.campaign_id,
        customer_sessions.started_at,
        customer_sessions.started_at <= customers.registered_at as is_before_registration
    from customers
    inner join customer_sessions
        on customers.customer_id = customer_sessions.customer_id
    where {{ is_within_lookback(
        'customer_sessions.started_at', 'customers.registered_at',
        after_hours=var('registration_touch_after_hours')
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
