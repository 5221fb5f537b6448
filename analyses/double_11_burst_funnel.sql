-- The funnel of the Double 11 burst 雙11爆發期轉化漏斗
--
-- The festival's campaigns (dim_campaigns.campaign_event 'double_11', one per channel) and
-- each one's burst 爆發 and baseline windows (agg_campaign_phases: the burst
-- [burst_starts_at, tail_starts_at) and the var campaign_baseline_days (28) before
-- warm-up). For each campaign channel, all its human sessions (agg_funnel_days, campaign
-- tagged or not, so the burst reads like for like against the baseline) reaching each
-- funnel step — landing, product view, add to cart, checkout, payment — in the burst days
-- and in the baseline days: counts, counts per day (the windows differ in length), the
-- step conversion from the step before and from landing, and the step with the biggest
-- drop-off (lowest step conversion; ties go to the earlier step, as in agg_funnel_days).
-- A day belongs to the window running at its midnight. Counts are summed, rates pooled.
-- One row per channel x step, plus 'all_festival_channels' (the channels together) first.
--
-- Festival and year: var analysis_campaign_event (default 'double_11'; any campaign_event
-- of seed campaign_events, e.g. '618') and var analysis_event_year (e.g. 2024); empty
-- (the default) means the latest year the festival has campaigns.
--
-- Run it from the project folder, on a built warehouse (README "Worked analyses"):
--   dbt show --select double_11_burst_funnel --limit 50
--   dbt show --select double_11_burst_funnel --limit 50 --vars '{analysis_event_year: 2024}'
-- dbt show prints the first columns only. For every column:
--   dbt compile --select double_11_burst_funnel
-- then run the SQL it writes to target/compiled/shopkpi/analyses/double_11_burst_funnel.sql
-- in a read-only DuckDB connection to the warehouse file.

{%- set campaign_event = var('analysis_campaign_event', 'double_11') %}
{%- set event_year = var('analysis_event_year', '') %}

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

phases as (
    select * from {{ ref('agg_campaign_phases') }}
),

funnel as (
    select * from {{ ref('agg_funnel_days') }}
),

dates as (
    select * from {{ ref('dim_dates') }}
),

channels as (
    select * from {{ ref('dim_channels') }}
),

campaign_events as (
    select * from {{ ref('campaign_events') }}
),

festival_year as (
    select
        coalesce(
            cast(nullif('{{ event_year }}', '') as integer),
            max(extract(year from campaigns.campaign_event_date))
        ) as event_year
    from campaigns
    where campaigns.campaign_event = '{{ campaign_event }}'
),

festival_campaigns as (
    select
        campaigns.campaign_id,
        campaigns.channel,
        campaigns.campaign_event,
        campaigns.campaign_event_date
    from campaigns
    inner join festival_year
        on extract(year from campaigns.campaign_event_date) = festival_year.event_year
    where campaigns.campaign_event = '{{ campaign_event }}'
),

-- The days of each campaign channel's burst and baseline windows (a channel with two of the
-- festival's campaigns counts each day once).
window_days as (
    select distinct
        festival_campaigns.channel,
        phases.phase,
        dates.date_day
    from festival_campaigns
    inner join phases
        on festival_campaigns.campaign_id = phases.campaign_id
    inner join dates
        on
            cast(dates.date_day as timestamp) >= phases.starts_at
            and cast(dates.date_day as timestamp) < phases.ends_at
    where phases.phase in ('baseline', 'burst')
),

channel_windows as (
    select
        window_days.channel,
        window_days.phase,
        min(window_days.date_day) as first_date,
        max(window_days.date_day) as last_date,
        count(*) as day_count
    from window_days
    group by window_days.channel, window_days.phase
),

festival_windows as (
    select
        'all_festival_channels' as channel,
        window_days.phase,
        min(window_days.date_day) as first_date,
        max(window_days.date_day) as last_date,
        count(distinct window_days.date_day) as day_count
    from window_days
    group by window_days.phase
),

channel_counts as (
    select
        window_days.channel,
        window_days.phase,
        coalesce(sum(funnel.sessions), 0) as landing,
        coalesce(sum(funnel.product_view_sessions), 0) as product_view,
        coalesce(sum(funnel.add_to_cart_sessions), 0) as add_to_cart,
        coalesce(sum(funnel.checkout_sessions), 0) as checkout,
        coalesce(sum(funnel.payment_sessions), 0) as payment
    from window_days
    left join funnel
        on
            window_days.date_day = funnel.date_day
            and window_days.channel = funnel.channel
    group by window_days.channel, window_days.phase
),

counts as (
    select * from channel_counts
    union all
    select
        'all_festival_channels' as channel,
        channel_counts.phase,
        sum(channel_counts.landing) as landing,
        sum(channel_counts.product_view) as product_view,
        sum(channel_counts.add_to_cart) as add_to_cart,
        sum(channel_counts.checkout) as checkout,
        sum(channel_counts.payment) as payment
    from channel_counts
    group by channel_counts.phase
),

windows as (
    select * from channel_windows
    union all
    select * from festival_windows
),

-- One row per channel x phase x step.
steps as (
    select
        counts.channel,
        counts.phase,
        funnel_steps.step_order,
        funnel_steps.step,
        case funnel_steps.step
            when 'landing' then counts.landing
            when 'product_view' then counts.product_view
            when 'add_to_cart' then counts.add_to_cart
            when 'checkout' then counts.checkout
            when 'payment' then counts.payment
        end as step_sessions,
        counts.landing as landing_sessions
    from counts
    cross join (
        values
        (1, 'landing'),
        (2, 'product_view'),
        (3, 'add_to_cart'),
        (4, 'checkout'),
        (5, 'payment')
    ) as funnel_steps (step_order, step)
),

step_rates as (
    select
        steps.*,
        {{ safe_divide(
            'steps.step_sessions',
            'lag(steps.step_sessions) over (
                partition by steps.channel, steps.phase order by steps.step_order
            )'
        ) }} as step_conversion_rate,
        {{ safe_divide('steps.step_sessions', 'steps.landing_sessions') }}
            as conversion_from_landing
    from steps
),

-- The biggest drop-off of each channel and phase: the lowest step conversion.
drop_off_ranks as (
    select
        step_rates.*,
        row_number() over (
            partition by step_rates.channel, step_rates.phase
            order by step_rates.step_conversion_rate asc nulls last, step_rates.step_order asc
        ) as drop_off_rank
    from step_rates
),

drop_offs as (
    select
        drop_off_ranks.channel,
        max(drop_off_ranks.step) filter (
            where drop_off_ranks.phase = 'burst' and drop_off_ranks.drop_off_rank = 1
        ) as burst_biggest_drop_off_step,
        max(drop_off_ranks.step) filter (
            where drop_off_ranks.phase = 'baseline' and drop_off_ranks.drop_off_rank = 1
        ) as baseline_biggest_drop_off_step
    from drop_off_ranks
    where drop_off_ranks.step_conversion_rate is not null
    group by drop_off_ranks.channel
),

burst as (
    select step_rates.*
    from step_rates
    where step_rates.phase = 'burst'
),

baseline as (
    select step_rates.*
    from step_rates
    where step_rates.phase = 'baseline'
),

burst_windows as (
    select windows.*
    from windows
    where windows.phase = 'burst'
),

baseline_windows as (
    select windows.*
    from windows
    where windows.phase = 'baseline'
),

festival as (
    select distinct
        festival_campaigns.campaign_event,
        festival_campaigns.campaign_event_date
    from festival_campaigns
),

final as (
    select
        festival.campaign_event,
        festival.campaign_event_date,
        campaign_events.event_name_en,
        campaign_events.event_name_zh,
        burst.channel,
        coalesce(channels.channel_name_en, 'All festival channels') as channel_name_en,
        coalesce(channels.channel_name_zh, '全部活動渠道') as channel_name_zh,
        burst_windows.first_date as burst_start_date,
        burst_windows.last_date as burst_end_date,
        burst_windows.day_count as burst_days,
        baseline_windows.first_date as baseline_start_date,
        baseline_windows.last_date as baseline_end_date,
        baseline_windows.day_count as baseline_days,
        burst.step_order,
        burst.step,
        burst.step_sessions as burst_sessions,
        baseline.step_sessions as baseline_sessions,
        round(burst.step_sessions / burst_windows.day_count, 2) as burst_sessions_per_day,
        round(baseline.step_sessions / baseline_windows.day_count, 2) as baseline_sessions_per_day,
        round({{ safe_divide(
            'burst.step_sessions / burst_windows.day_count',
            'baseline.step_sessions / baseline_windows.day_count'
        ) }}, 2) as sessions_per_day_lift,
        round(burst.step_conversion_rate, 4) as burst_step_conversion_rate,
        round(baseline.step_conversion_rate, 4) as baseline_step_conversion_rate,
        round(burst.step_conversion_rate - baseline.step_conversion_rate, 4)
            as step_conversion_rate_change,
        round(burst.conversion_from_landing, 4) as burst_conversion_from_landing,
        round(baseline.conversion_from_landing, 4) as baseline_conversion_from_landing,
        coalesce(burst.step = drop_offs.burst_biggest_drop_off_step, false)
            as is_burst_biggest_drop_off,
        drop_offs.burst_biggest_drop_off_step,
        drop_offs.baseline_biggest_drop_off_step
    from burst
    cross join festival
    left join baseline
        on
            burst.channel = baseline.channel
            and burst.step_order = baseline.step_order
    left join burst_windows
        on burst.channel = burst_windows.channel
    left join baseline_windows
        on burst.channel = baseline_windows.channel
    left join drop_offs
        on burst.channel = drop_offs.channel
    left join channels
        on burst.channel = channels.channel
    left join campaign_events
        on
            festival.campaign_event = campaign_events.campaign_event
            and coalesce(
                campaign_events.event_year, extract(year from festival.campaign_event_date)
            ) = extract(year from festival.campaign_event_date)
)

select * from final
order by
    channel = 'all_festival_channels' desc,
    channel asc,
    step_order asc
