-- The states of one rule x slice follow each other: a run starts 'new' (first, or after a
-- 'resolved'), goes on 'ongoing', and a 'resolved' row ends it; every firing of
-- kpi_alert_evaluations is an alert row new or ongoing, and an alert is open only while it
-- fires. Returns the rows that break this.

with

alerts as (
    select * from {{ ref('kpi_alerts') }}
),

evaluations as (
    select * from {{ ref('kpi_alert_evaluations') }}
),

sequenced as (
    select
        alerts.alert_id,
        alerts.rule_id,
        alerts.slice_kind,
        alerts.slice_value,
        alerts.period_start_at,
        alerts.state,
        alerts.is_open,
        lag(alerts.state) over (
            partition by alerts.rule_id, alerts.slice_kind, alerts.slice_value
            order by alerts.period_start_at
        ) as previous_state
    from alerts
),

out_of_order as (
    select
        sequenced.alert_id,
        sequenced.rule_id,
        sequenced.slice_value,
        sequenced.period_start_at,
        sequenced.state || ' after ' || coalesce(sequenced.previous_state, 'nothing') as problem
    from sequenced
    where
        (sequenced.state = 'new' and sequenced.previous_state in ('new', 'ongoing'))
        or (
            sequenced.state in ('ongoing', 'resolved')
            and coalesce(sequenced.previous_state, 'resolved') = 'resolved'
        )
        or (sequenced.state = 'resolved' and sequenced.is_open)
),

firings_missing as (
    select
        evaluations.evaluation_id as alert_id,
        evaluations.rule_id,
        evaluations.slice_value,
        evaluations.period_start_at,
        'firing without an alert row' as problem
    from evaluations
    left join alerts
        on
            evaluations.rule_id = alerts.rule_id
            and evaluations.slice_kind = alerts.slice_kind
            and evaluations.slice_value = alerts.slice_value
            and evaluations.period_start_at = alerts.period_start_at
            and alerts.state in ('new', 'ongoing')
    where evaluations.is_firing and alerts.alert_id is null
),

final as (
    select * from out_of_order
    union all
    select * from firings_missing
)

select * from final
