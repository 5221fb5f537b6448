-- One row per day x landing page x channel with sessions: bounce rate 跳出率 by landing page
-- and channel (over human sessions with events, as agg_traffic_days), slow landing-page
-- loads, payments, and bot sessions counted apart.

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

counted as (
    select
        sessions.session_date as date_day,
        sessions.landing_page,
        sessions.channel,
        sum(case when sessions.is_bot then 0 else 1 end) as sessions,
        sum(case when not sessions.is_bot and sessions.has_events then 1 else 0 end)
            as sessions_with_events,
        sum(case when not sessions.is_bot and sessions.is_bounce then 1 else 0 end)
            as bounced_sessions,
        sum(case when not sessions.is_bot and sessions.is_slow_page_load then 1 else 0 end)
            as slow_load_sessions,
        sum(case when not sessions.is_bot and sessions.reached_payment then 1 else 0 end)
            as payment_sessions,
        sum(case when sessions.is_bot then 1 else 0 end) as bot_sessions
    from sessions
    group by sessions.session_date, sessions.landing_page, sessions.channel
),

final as (
    select
        {{ surrogate_key(['counted.date_day', 'counted.landing_page', 'counted.channel']) }}
            as landing_page_day_id,
        counted.date_day,
        counted.landing_page,
        case
            when counted.landing_page = '/' then 'home'
            when counted.landing_page like '/c/%' then 'category'
            when counted.landing_page like '/p/%' then 'product'
            when counted.landing_page like '/campaign/%' then 'campaign'
            else 'other'
        end as landing_page_type,
        counted.channel,
        counted.sessions,
        counted.sessions_with_events,
        counted.bounced_sessions,
        counted.slow_load_sessions,
        counted.payment_sessions,
        counted.bot_sessions,
        {{ safe_divide('counted.bounced_sessions', 'counted.sessions_with_events') }}
            as bounce_rate,
        {{ safe_divide('counted.slow_load_sessions', 'counted.sessions') }}
            as slow_load_share,
        coalesce(
            counted.sessions_with_events >= {{ var('bounce_alert_min_sessions') }}
            and counted.bounced_sessions
            > {{ var('bounce_alert_rate') }} * counted.sessions_with_events,
            false
        ) as is_bounce_alert
    from counted
)

select * from final
