-- One row per day of shop-wide traffic 流量: UV and PV, human sessions by channel group
-- (organic 自然流量 and private-domain 私域 shares), bounce rate, slow page loads, homepage
-- dwell, bot sessions, and the first-purchase conversion of the day's new visitors.

with

dates as (
    select * from {{ ref('dim_dates') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

visitors as (
    select * from {{ ref('dim_visitors') }}
),

human_sessions as (
    select * from {{ ref('int_human_sessions') }}
),

last_day as (
    select max(dates.date_day) as date_day from dates
),

new_visitors as (
    select
        visitors.first_visit_date as date_day,
        count(*) as new_visitors,
        sum(case when visitors.is_first_purchase_within_window then 1 else 0 end)
            as new_visitors_buying_within_window
    from visitors
    group by visitors.first_visit_date
),

daily as (
    select
        human_sessions.session_date as date_day,
        count(distinct human_sessions.visitor_id) as unique_visitors,
        sum(human_sessions.pages_viewed) as page_views,
        count(*) as sessions,
        sum(case when human_sessions.channel_group = 'paid' then 1 else 0 end) as paid_sessions,
        sum(case when human_sessions.is_organic_channel then 1 else 0 end) as organic_sessions,
        sum(case when human_sessions.is_private_domain_channel then 1 else 0 end)
            as private_domain_sessions,
        sum(case when human_sessions.channel_group = 'referral' then 1 else 0 end)
            as referral_sessions,
        sum(case when human_sessions.has_events then 1 else 0 end) as sessions_with_events,
        sum(case when human_sessions.is_bounce then 1 else 0 end) as bounced_sessions,
        sum(case when human_sessions.is_slow_page_load then 1 else 0 end)
            as slow_page_load_sessions,
        sum(human_sessions.homepage_views) as homepage_views,
        sum(human_sessions.homepage_dwell_ms) as homepage_dwell_ms
    from human_sessions
    group by human_sessions.session_date
),

bots as (
    select
        sessions.session_date as date_day,
        count(*) as bot_sessions
    from sessions
    where sessions.is_bot
    group by sessions.session_date
),

final as (
    select
        dates.date_day,
        coalesce(daily.unique_visitors, 0) as unique_visitors,
        coalesce(daily.page_views, 0) as page_views,
        coalesce(daily.sessions, 0) as sessions,
        coalesce(daily.paid_sessions, 0) as paid_sessions,
        coalesce(daily.organic_sessions, 0) as organic_sessions,
        coalesce(daily.private_domain_sessions, 0) as private_domain_sessions,
        coalesce(daily.referral_sessions, 0) as referral_sessions,
        coalesce(daily.sessions_with_events, 0) as sessions_with_events,
        coalesce(daily.bounced_sessions, 0) as bounced_sessions,
        coalesce(daily.slow_page_load_sessions, 0) as slow_page_load_sessions,
        coalesce(daily.homepage_views, 0) as homepage_views,
        coalesce(daily.homepage_dwell_ms, 0) as homepage_dwell_ms,
        coalesce(bots.bot_sessions, 0) as bot_sessions,
        coalesce(new_visitors.new_visitors, 0) as new_visitors,
        coalesce(new_visitors.new_visitors_buying_within_window, 0)
            as new_visitors_buying_within_window,
        {{ safe_divide('daily.organic_sessions', 'daily.sessions') }} as organic_share,
        {{ safe_divide('daily.private_domain_sessions', 'daily.sessions') }}
            as private_domain_share,
        {{ safe_divide('daily.bounced_sessions', 'daily.sessions_with_events') }} as bounce_rate,
        {{ safe_divide('daily.slow_page_load_sessions', 'daily.sessions') }}
            as slow_page_load_share,
        {{ safe_divide(
            double_divide('daily.homepage_dwell_ms', '1000.0'), 'daily.homepage_views'
        ) }}
            as average_homepage_dwell_seconds,
        {{ safe_divide(
            'new_visitors.new_visitors_buying_within_window', 'new_visitors.new_visitors'
        ) }} as first_purchase_conversion_rate,
        -- New visitors of the last days have not had their whole window yet.
        {{ dbt.dateadd('day', var('first_purchase_window_days'), 'dates.date_day') }}
        <= last_day.date_day as is_first_purchase_window_complete
    from dates
    cross join last_day
    left join daily
        on dates.date_day = daily.date_day
    left join bots
        on dates.date_day = bots.date_day
    left join new_visitors
        on dates.date_day = new_visitors.date_day
)

select * from final
