-- Conversion alerts 轉化預警 (catalogue section 2), one row per rule x slice x period judged:
-- the session conversion rate 轉化率 of a complete ISO week against the week before, shop-wide
-- and per channel (kpi_values). The rule's threshold_basis says whether the drop is measured
-- in percentage points (the default) or as a share of last week's rate.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

conversion_periods as (
    {{ kpi_alert_period_changes('kpi_values', 'rules', 'conversion_drop') }}
),

conversion_drop as (
    select
        {{ kpi_alert_evaluation(
            'conversion_drop', 'conversion_periods.kpi_id', 'conversion_periods.slice_kind',
            'conversion_periods.slice_value', 'conversion_periods.period_grain',
            'conversion_periods.period_start_date',
            dbt.dateadd('day', 1, 'conversion_periods.period_end_date'),
            value=kpi_alert_change(
                'conversion_periods.kpi_value', 'conversion_periods.previous_value',
                'conversion_periods', direction='fall'
            ),
            threshold='conversion_periods.threshold',
            is_condition_met=kpi_alert_compare(
                kpi_alert_change(
                    'conversion_periods.kpi_value', 'conversion_periods.previous_value',
                    'conversion_periods', direction='fall'
                ),
                'conversion_periods.threshold', 'conversion_periods'
            ),
            reference_value='conversion_periods.previous_value',
            volume='conversion_periods.volume',
            min_volume='conversion_periods.min_volume'
        ) }}
    from conversion_periods
),

final as (
    select * from conversion_drop
)

select * from final
