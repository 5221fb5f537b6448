-- Traffic KPIs 流量 (catalogue section 1) by day, ISO week and month: UV, PV, sessions and
-- their shares by channel group, bounce, homepage dwell, slow loads, CTR and CPC.
-- One row per KPI x period x slice with the pooled numerator and denominator; UV, a
-- distinct count, is counted again per week and month instead of summed.

with

traffic_days as (
    select * from {{ ref('agg_traffic_days') }}
),

channel_days as (
    select * from {{ ref('agg_channel_days') }}
    where is_default_attribution_model
),

landing_page_days as (
    select * from {{ ref('agg_landing_page_days') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend') }}
),

human_sessions as (
    select * from {{ ref('int_human_sessions') }}
),

day_rows as (
    {{ kpi_day_rows('pv', 'traffic_days', 'page_views') }}
    union all
    {{ kpi_day_rows('sessions', 'traffic_days', 'sessions') }}
    union all
    {{ kpi_day_rows(
        'sessions', 'channel_days', 'sessions', slice_kind='channel', slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows('organic_share', 'traffic_days', 'organic_sessions', 'sessions') }}
    union all
    {{ kpi_day_rows(
        'private_domain_share', 'traffic_days', 'private_domain_sessions', 'sessions'
    ) }}
    union all
    {{ kpi_day_rows('referral_share', 'traffic_days', 'referral_sessions', 'sessions') }}
    union all
    {{ kpi_day_rows('paid_share', 'traffic_days', 'paid_sessions', 'sessions') }}
    union all
    {{ kpi_day_rows('bounce_rate', 'traffic_days', 'bounced_sessions', 'sessions_with_events') }}
    union all
    {{ kpi_day_rows(
        'bounce_rate', 'landing_page_days', 'bounced_sessions', 'sessions_with_events',
        slice_kind='channel', slice_value='channel'
    ) }}
    union all
    {{ kpi_day_rows(
        'bounce_rate', 'landing_page_days', 'bounced_sessions', 'sessions_with_events',
        slice_kind='landing_page', slice_value='landing_page'
    ) }}
    union all
    {{ kpi_day_rows(
        'homepage_dwell_seconds', 'traffic_days', double_divide('homepage_dwell_ms', '1000.0'),
        'homepage_views'
    ) }}
    union all
    {{ kpi_day_rows('slow_load_share', 'traffic_days', 'slow_page_load_sessions', 'sessions') }}
    union all
    {{ kpi_day_rows(
        'slow_load_share', 'landing_page_days', 'slow_load_sessions', 'sessions',
        slice_kind='landing_page', slice_value='landing_page'
    ) }}
    {%- set ad_slices = [('total', "'all'"), ('channel', 'channel'), ('campaign', 'campaign_id')] %}
    {%- for slice_kind, slice_value in ad_slices %}
        union all
    {{ kpi_day_rows(
        'ctr', 'ad_spend', 'clicks', 'impressions', slice_kind=slice_kind,
        slice_value=slice_value, date_column='spend_date',
        where=('campaign_id is not null' if slice_kind == 'campaign' else none)
    ) }}
        union all
    {{ kpi_day_rows(
        'cpc', 'ad_spend', 'spend_cny', 'clicks', slice_kind=slice_kind,
        slice_value=slice_value, date_column='spend_date',
        where=('campaign_id is not null' if slice_kind == 'campaign' else none)
    ) }}
    {%- endfor %}
),

-- Sessions of each channel over all human sessions of the day.
channel_share_days as (
    select
        'traffic_share' as kpi_id,
        channel_days.date_day,
        'channel' as slice_kind,
        channel_days.channel as slice_value,
        cast(channel_days.sessions as decimal(38, 6)) as numerator,
        cast(traffic_days.sessions as decimal(38, 6)) as denominator
    from channel_days
    inner join traffic_days
        on channel_days.date_day = traffic_days.date_day
),

rolled_up as (
    {{ kpi_day_rollup('day_rows') }}
    union all
    {{ kpi_day_rollup('channel_share_days') }}
),

-- UV 訪客數: distinct visitors of the day (the mart's), of the ISO week and of the month.
unique_visitors as (
    select
        'uv' as kpi_id,
        'day' as period_grain,
        date_day as period_start_date,
        'total' as slice_kind,
        'all' as slice_value,
        unique_visitors as numerator,
        null as denominator
    from traffic_days
    {%- for grain in ['week', 'month'] %}
        union all
        select
            'uv' as kpi_id,
            '{{ grain }}' as period_grain,
            cast({{ dbt.date_trunc(grain, 'session_date') }} as date) as period_start_date,
            'total' as slice_kind,
            'all' as slice_value,
            count(distinct visitor_id) as numerator,
            null as denominator
        from human_sessions
        group by {{ dbt.date_trunc(grain, 'session_date') }}
    {%- endfor %}
),

final as (
    select * from rolled_up
    union all
    {{ kpi_measures('unique_visitors') }}
)

select * from final
