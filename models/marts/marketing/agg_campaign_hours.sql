-- One row per campaign x hour from the start of its warm-up to its end: intraday monitoring
-- 實時監測 of the campaign's sessions, participation, conversion, credited orders, new
-- customers and revenue, hour by hour (the plans review every 4 hours and adjust every 8).

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

campaign_days as (
    {{ date_spine(
        '(select min(campaigns.warmup_start_date) from campaigns)',
        '(select max(campaigns.end_date) from campaigns)'
    ) }}
),

hours_of_day as (
    {{ hour_numbers() }}
),

hours as (
    select
        campaigns.campaign_id,
        campaigns.channel,
        {{ dbt.dateadd('hour', 'hours_of_day.hour_number', 'campaign_days.date_day') }}
            as hour_starts_at,
        campaign_days.date_day,
        hours_of_day.hour_number as hour_of_day,
        case
            when {{ dbt.dateadd('hour', 'hours_of_day.hour_number', 'campaign_days.date_day') }}
                < {{ dbt.date_trunc('hour', 'campaigns.burst_starts_at') }}
                then 'warmup'
            when {{ dbt.dateadd('hour', 'hours_of_day.hour_number', 'campaign_days.date_day') }}
                < {{ dbt.date_trunc('hour', 'campaigns.tail_starts_at') }}
                then 'burst'
            else 'tail'
        end as phase
    from campaigns
    inner join campaign_days
        on campaign_days.date_day between campaigns.warmup_start_date and campaigns.end_date
    cross join hours_of_day
    where
        {{ dbt.dateadd('hour', 'hours_of_day.hour_number', 'campaign_days.date_day') }}
        >= {{ dbt.date_trunc('hour', 'campaigns.warmup_starts_at') }}
        and {{ dbt.dateadd('hour', 'hours_of_day.hour_number', 'campaign_days.date_day') }}
        < campaigns.ends_at
),

session_hours as (
    select
        sessions.campaign_id,
        {{ dbt.date_trunc('hour', 'sessions.started_at') }} as hour_starts_at,
        sum(case when sessions.is_bot then 0 else 1 end) as campaign_sessions,
        count(distinct case when not sessions.is_bot then sessions.visitor_id end)
            as campaign_visitors,
        count(distinct case
            when not sessions.is_bot and sessions.reached_product_view then sessions.visitor_id
        end) as participating_visitors,
        sum(case when not sessions.is_bot and sessions.reached_payment then 1 else 0 end)
            as campaign_paying_sessions,
        sum(case when sessions.is_bot then 1 else 0 end) as bot_sessions
    from sessions
    where sessions.campaign_id is not null
    group by sessions.campaign_id, {{ dbt.date_trunc('hour', 'sessions.started_at') }}
),

order_hours as (
    select
        attribution.campaign_id,
        {{ dbt.date_trunc('hour', 'orders.paid_at') }} as hour_starts_at,
        sum(attribution.weight) as campaign_attributed_orders,
        sum(case when attribution.is_first_paid_order then attribution.weight else 0 end)
            as campaign_new_customers,
        sum(attribution.attributed_net_revenue_cny) as campaign_attributed_net_revenue_cny
    from attribution
    inner join orders
        on attribution.order_id = orders.order_id
    where
        {{ is_default_attribution_model('attribution.attribution_model') }}
        and attribution.campaign_id is not null
    group by attribution.campaign_id, {{ dbt.date_trunc('hour', 'orders.paid_at') }}
),

final as (
    select
        {{ surrogate_key(['hours.campaign_id', 'hours.hour_starts_at']) }} as campaign_hour_id,
        hours.campaign_id,
        hours.channel,
        hours.phase,
        hours.date_day,
        hours.hour_of_day,
        hours.hour_starts_at,
        coalesce(session_hours.campaign_sessions, 0) as campaign_sessions,
        coalesce(session_hours.campaign_visitors, 0) as campaign_visitors,
        coalesce(session_hours.participating_visitors, 0) as participating_visitors,
        {{ safe_divide(
            'session_hours.participating_visitors', 'session_hours.campaign_visitors'
        ) }} as participation_rate,
        coalesce(session_hours.campaign_paying_sessions, 0) as campaign_paying_sessions,
        {{ safe_divide(
            'session_hours.campaign_paying_sessions', 'session_hours.campaign_sessions'
        ) }} as campaign_conversion_rate,
        coalesce(session_hours.bot_sessions, 0) as bot_sessions,
        coalesce(order_hours.campaign_attributed_orders, 0) as campaign_attributed_orders,
        coalesce(order_hours.campaign_new_customers, 0) as campaign_new_customers,
        cast(coalesce(order_hours.campaign_attributed_net_revenue_cny, 0) as decimal(18, 2))
            as campaign_attributed_net_revenue_cny
    from hours
    left join session_hours
        on
            hours.campaign_id = session_hours.campaign_id
            and hours.hour_starts_at = session_hours.hour_starts_at
    left join order_hours
        on
            hours.campaign_id = order_hours.campaign_id
            and hours.hour_starts_at = order_hours.hour_starts_at
)

select * from final
