-- One row per session (visit): channel, campaign, device, landing page, page load, bounce,
-- furthest funnel step reached and the bot flag. Sessions without any event keep null
-- event figures (bounce unknown) rather than looking like bounces.

-- Loaded incrementally: a run re-computes the sessions started from the day before the
-- late-arrival window on (a session's events follow its start within the day) and the
-- sessions it does not hold yet (e.g. one whose customer arrived late); see
-- macros/incremental.sql.

{{ config(
    materialized=incremental_materialization(),
    incremental_strategy=incremental_strategy(),
    unique_key='session_id',
) }}

-- depends_on: {{ ref('stg_shop__events') }}
{%- set window_start = late_window_start('session_date', where=none) %}

with

sessions as (
    select * from {{ ref('stg_shop__sessions') }}
    {%- if loads_incrementally() %}
        where
            cast(started_at as date) >= {{ window_start }} - 1
            or session_id not in (select loaded.session_id from {{ this }} as loaded)
    {%- endif %}
),

session_events as (
    {%- if loads_incrementally() %}
        {{ summarise_session_events(
            '(select * from ' ~ ref('stg_shop__events')
            ~ ' where session_id in (select sessions.session_id from sessions))'
        ) }}
    {%- else %}
        select * from {{ ref('int_sessions_summarised_from_events') }}
    {%- endif %}
),

channels as (
    select * from {{ ref('channels') }}
),

joined as (
    select
        sessions.session_id,
        sessions.visitor_id,
        sessions.customer_id,
        sessions.started_at,
        cast(sessions.started_at as date) as session_date,
        sessions.channel,
        channels.channel_group,
        channels.is_paid as is_paid_channel,
        channels.is_organic as is_organic_channel,
        channels.is_private_domain as is_private_domain_channel,
        sessions.traffic_source,
        sessions.traffic_medium,
        sessions.campaign_id,
        sessions.device,
        sessions.landing_page,
        sessions.page_load_ms,
        sessions.page_load_ms > {{ var('slow_page_load_ms') }} as is_slow_page_load,
        session_events.session_id is not null as has_events,
        coalesce(session_events.event_count, 0) as event_count,
        coalesce(session_events.pages_viewed, 0) as pages_viewed,
        coalesce(session_events.page_view_events, 0) as page_view_events,
        coalesce(session_events.product_view_events, 0) as product_view_events,
        coalesce(session_events.add_to_cart_events, 0) as add_to_cart_events,
        coalesce(session_events.checkout_events, 0) as checkout_events,
        coalesce(session_events.payment_events, 0) as payment_events,
        coalesce(session_events.impression_events, 0) > 0 as has_ad_impression,
        coalesce(session_events.click_events, 0) > 0 as has_ad_click,
        coalesce(session_events.homepage_views, 0) as homepage_views,
        coalesce(session_events.homepage_dwell_ms, 0) as homepage_dwell_ms,
        coalesce(session_events.furthest_funnel_step_rank, 1) as furthest_funnel_step_rank,
        coalesce(session_events.furthest_funnel_step, 'landing') as furthest_funnel_step,
        session_events.event_span_seconds,
        sessions.is_bot_flagged,
        coalesce(
            session_events.event_count >= {{ var('bot_min_events') }}
            and session_events.event_span_seconds <= {{ var('bot_max_session_seconds') }},
            false
        ) as is_bot_by_timing
    from sessions
    left join session_events
        on sessions.session_id = session_events.session_id
    left join channels
        on sessions.channel = channels.channel
),

final as (
    select
        joined.*,
        case
            when joined.has_events
                then joined.pages_viewed <= 1 and joined.furthest_funnel_step_rank <= 2
        end as is_bounce,
        joined.furthest_funnel_step_rank >= 2 as reached_product_view,
        joined.furthest_funnel_step_rank >= 3 as reached_add_to_cart,
        joined.furthest_funnel_step_rank >= 4 as reached_checkout,
        joined.furthest_funnel_step_rank >= 5 as reached_payment,
        coalesce(joined.is_bot_flagged, false) or joined.is_bot_by_timing as is_bot
    from joined
)

select * from final
