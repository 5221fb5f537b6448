-- Retention alerts 留存預警 (catalogue section 3), one row per rule x slice x period judged:
-- the churn warning 流失預警 snap_customer_lifecycle raises on each active buyer past
-- var churn_warning_cycle_multiple x their expected repurchase cycle, counted per RFM
-- segment as of the customer-value as-of date (a snapshot: one period).

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

lifecycle as (
    select * from {{ ref('snap_customer_lifecycle') }}
),

-- Dormant buyers never carry the warning (they are the reactivation population): the
-- segment's volume is its buyers who can.
segments as (
    select
        lifecycle.as_of_date,
        lifecycle.segment_code,
        count(case when lifecycle.lifecycle_stage != 'dormant' then 1 end) as active_buyers,
        count(case when lifecycle.is_churn_warning then 1 end) as warned_buyers
    from lifecycle
    where lifecycle.is_buyer
    group by lifecycle.as_of_date, lifecycle.segment_code
),

churn_warning as (
    select
        {{ kpi_alert_evaluation(
            'churn_warning', 'rules.kpi_id', 'rules.slice_kind', 'segments.segment_code',
            'rules.period_grain', 'segments.as_of_date',
            dbt.dateadd('day', 1, 'segments.as_of_date'),
            value='segments.warned_buyers',
            threshold='rules.threshold',
            is_condition_met=kpi_alert_compare(
                'segments.warned_buyers', 'rules.threshold', 'rules'
            ),
            volume='segments.active_buyers',
            min_volume='rules.min_volume'
        ) }}
    from segments
    inner join rules
        on rules.rule_id = 'churn_warning'
),

final as (
    select * from churn_warning
)

select * from final
