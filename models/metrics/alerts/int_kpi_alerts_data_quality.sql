-- Data-quality alerts 數據質量預警 (catalogue section 8), one row per rule x slice x period
-- judged: a raw table whose load quarantined rows (dq_scorecard, as of the last day with
-- data), and anomalies in the core KPIs: a day whose sessions or page views, the two feeds
-- of the tracker, fall far below the median day of the 28 days before (kpi_values), which is
-- what a tracker outage or a missing or half-loaded file looks like. Festival peaks are not
-- anomalies: the campaign alerts watch them.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

scorecard as (
    select * from {{ ref('dq_scorecard') }}
),

reporting_window as (
    select * from {{ ref('int_kpi_reporting_window') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

quarantine_share as (
    select
        {{ kpi_alert_evaluation(
            'quarantine_share', 'rules.kpi_id', 'rules.slice_kind', 'scorecard.source_table',
            'rules.period_grain', 'reporting_window.data_end_date',
            dbt.dateadd('day', 1, 'reporting_window.data_end_date'),
            value='scorecard.quarantined_share',
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                'scorecard.quarantined_share', 'rules.threshold', 'rules'
            ),
            volume='scorecard.rows_received',
            min_volume='rules.min_volume',
            detail=format_text(
                '%d of %d rows quarantined',
                [
                    'scorecard.rows_quarantined',
                    'scorecard.rows_received',
                ]
            )
        ) }}
    from scorecard
    cross join reporting_window
    inner join rules
        on rules.rule_id = 'quarantine_share'
),

traffic_days as (
    select
        kpi_values.kpi_id,
        kpi_values.period_start_date,
        kpi_values.kpi_value
    from kpi_values
    where
        kpi_values.kpi_id in ('sessions', 'pv')
        and kpi_values.period_grain = 'day'
        and kpi_values.slice_kind = 'total'
),

-- The baseline is the median of the 28 days before; a day with fewer than 28 days of
-- history has none. (A self-join, not a window: Spark has no median over a frame.)
with_baseline as (
    select
        traffic_days.kpi_id,
        traffic_days.period_start_date,
        traffic_days.kpi_value,
        percentile_cont(0.5) within group (order by history.kpi_value) as baseline_value,
        count(history.period_start_date) as history_days
    from traffic_days
    left join traffic_days as history
        on
            traffic_days.kpi_id = history.kpi_id
            and cast({{ dbt.dateadd('day', -28, 'traffic_days.period_start_date') }} as date)
            <= history.period_start_date
            and traffic_days.period_start_date > history.period_start_date
    group by
        traffic_days.kpi_id,
        traffic_days.period_start_date,
        traffic_days.kpi_value
),

core_kpi_anomaly as (
    select
        {{ kpi_alert_evaluation(
            'core_kpi_anomaly', 'with_baseline.kpi_id', 'rules.slice_kind',
            'with_baseline.kpi_id', 'rules.period_grain', 'with_baseline.period_start_date',
            dbt.dateadd('day', 1, 'with_baseline.period_start_date'),
            value=safe_divide('with_baseline.kpi_value', 'with_baseline.baseline_value'),
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                safe_divide('with_baseline.kpi_value', 'with_baseline.baseline_value'),
                'rules.threshold', 'rules'
            ),
            reference_value='with_baseline.baseline_value',
            volume='case when with_baseline.history_days = 28 then with_baseline.baseline_value end',
            min_volume='rules.min_volume'
        ) }}
    from with_baseline
    inner join rules
        on rules.rule_id = 'core_kpi_anomaly'
),

final as (
    select * from quarantine_share
    union all
    select * from core_kpi_anomaly
)

select * from final
