-- Campaign alerts 活動預警 (catalogue section 5), one row per rule x slice x period judged,
-- each campaign read against its own channel's baseline window (agg_campaign_phases): the
-- campaign's ROI over its run against the campaign target, the burst's conversion against
-- the baseline conversion, and intraday monitoring 實時監測 in the plans' 4-hour review
-- windows of the burst and tail (agg_campaign_hours). The warm-up is not judged on its own:
-- its pre-sale deposits are paid, and credited, in the burst.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

phases as (
    select * from {{ ref('agg_campaign_phases') }}
),

campaign_hours as (
    select * from {{ ref('agg_campaign_hours') }}
),

baselines as (
    select
        phases.campaign_id,
        phases.channel_conversion_rate as baseline_conversion_rate
    from phases
    where phases.phase = 'baseline'
),

campaign_runs as (
    select
        phases.campaign_id,
        min(phases.starts_at) as starts_at,
        max(phases.ends_at) as ends_at,
        sum(phases.spend_cny) as spend_cny,
        sum(phases.campaign_attributed_net_revenue_cny) as attributed_net_revenue_cny,
        sum(phases.campaign_attributed_orders) as attributed_orders
    from phases
    where phases.phase in ('warmup', 'burst', 'tail')
    group by phases.campaign_id
),

campaign_roi_low as (
    select
        {{ kpi_alert_evaluation(
            'campaign_roi_low', 'rules.kpi_id', 'rules.slice_kind', 'campaign_runs.campaign_id',
            'rules.period_grain', 'campaign_runs.starts_at', 'campaign_runs.ends_at',
            value=safe_divide(
                'campaign_runs.attributed_net_revenue_cny', 'campaign_runs.spend_cny'
            ),
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                safe_divide('campaign_runs.attributed_net_revenue_cny', 'campaign_runs.spend_cny'),
                'rules.threshold', 'rules'
            ),
            volume='campaign_runs.spend_cny',
            min_volume='rules.min_volume',
            detail=format_text(
                '%.0f orders credited, %.2f CNY revenue on %.2f CNY spend',
                [
                    'campaign_runs.attributed_orders',
                    'campaign_runs.attributed_net_revenue_cny',
                    'campaign_runs.spend_cny',
                ]
            )
        ) }}
    from campaign_runs
    inner join rules
        on rules.rule_id = 'campaign_roi_low'
),

bursts as (
    select
        phases.campaign_id,
        phases.starts_at,
        phases.ends_at,
        phases.campaign_sessions,
        phases.campaign_paying_sessions,
        phases.campaign_conversion_rate,
        baselines.baseline_conversion_rate
    from phases
    inner join baselines
        on phases.campaign_id = baselines.campaign_id
    where phases.phase = 'burst'
),

campaign_burst_below_baseline as (
    select
        {{ kpi_alert_evaluation(
            'campaign_burst_below_baseline', 'rules.kpi_id', 'rules.slice_kind',
            'bursts.campaign_id', 'rules.period_grain', 'bursts.starts_at', 'bursts.ends_at',
            value=safe_divide('bursts.campaign_conversion_rate', 'bursts.baseline_conversion_rate'),
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                safe_divide('bursts.campaign_conversion_rate', 'bursts.baseline_conversion_rate'),
                'rules.threshold', 'rules'
            ),
            reference_value='bursts.baseline_conversion_rate',
            volume='bursts.campaign_sessions',
            min_volume='rules.min_volume',
            detail=format_text(
                'burst: %d of %d sessions paid (%.1f%%), baseline %.1f%%',
                [
                    'bursts.campaign_paying_sessions',
                    'bursts.campaign_sessions',
                    '100 * bursts.campaign_conversion_rate',
                    '100 * bursts.baseline_conversion_rate',
                ]
            )
        ) }}
    from bursts
    inner join rules
        on rules.rule_id = 'campaign_burst_below_baseline'
),

-- The review windows are the shop clock's 4-hour blocks (00-04, 04-08, ... 20-24); a
-- campaign's first or last window may hold fewer of its hours.
judged_hours as (
    select
        campaign_hours.*,
        {{ dbt.dateadd(
            'hour', '-(campaign_hours.hour_of_day % 4)', 'campaign_hours.hour_starts_at'
        ) }} as window_starts_at
    from campaign_hours
    where campaign_hours.phase in ('burst', 'tail')
),

hour_windows as (
    select
        judged_hours.campaign_id,
        judged_hours.window_starts_at,
        min_by(judged_hours.phase, judged_hours.hour_starts_at) as phase,
        sum(judged_hours.campaign_sessions) as campaign_sessions,
        sum(judged_hours.campaign_paying_sessions) as campaign_paying_sessions
    from judged_hours
    group by judged_hours.campaign_id, judged_hours.window_starts_at
),

windows_against_baseline as (
    select
        hour_windows.*,
        {{ safe_divide('hour_windows.campaign_paying_sessions', 'hour_windows.campaign_sessions') }}
            as conversion_rate,
        baselines.baseline_conversion_rate
    from hour_windows
    inner join baselines
        on hour_windows.campaign_id = baselines.campaign_id
),

campaign_hours_below_baseline as (
    select
        {{ kpi_alert_evaluation(
            'campaign_hours_below_baseline', 'rules.kpi_id', 'rules.slice_kind',
            'windows_against_baseline.campaign_id', 'rules.period_grain',
            'windows_against_baseline.window_starts_at',
            dbt.dateadd('hour', 4, 'windows_against_baseline.window_starts_at'),
            value=safe_divide(
                'windows_against_baseline.conversion_rate',
                'windows_against_baseline.baseline_conversion_rate'
            ),
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                safe_divide(
                    'windows_against_baseline.conversion_rate',
                    'windows_against_baseline.baseline_conversion_rate'
                ),
                'rules.threshold', 'rules'
            ),
            reference_value='windows_against_baseline.baseline_conversion_rate',
            volume='windows_against_baseline.campaign_sessions',
            min_volume='rules.min_volume',
            detail=format_text(
                '%s: %d of %d sessions paid, baseline %.1f%%',
                [
                    'windows_against_baseline.phase',
                    'windows_against_baseline.campaign_paying_sessions',
                    'windows_against_baseline.campaign_sessions',
                    '100 * windows_against_baseline.baseline_conversion_rate',
                ]
            )
        ) }}
    from windows_against_baseline
    inner join rules
        on rules.rule_id = 'campaign_hours_below_baseline'
),

final as (
    select * from campaign_roi_low
    union all
    select * from campaign_burst_below_baseline
    union all
    select * from campaign_hours_below_baseline
)

select * from final
