-- The alerts table 預警表 of the 8 alert modules 八大預警模塊: one row per rule firing (rule x
-- slice x period whose evaluation fired), plus one 'resolved' row for the first period
-- judged after a run of firings in which the rule no longer fires. State: new (it did not
-- fire in the previous period judged for the same rule and slice), ongoing (it did),
-- resolved. A period without enough volume to be judged neither continues nor ends a run.
-- is_open marks the firings of each rule's latest period judged: the alerts a manager acts
-- on now, with the prescribed action in both languages.

with

evaluations as (
    select * from {{ ref('kpi_alert_evaluations') }}
    where has_enough_volume
),

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

sequenced as (
    select
        evaluations.*,
        lag(evaluations.is_firing) over slice_periods as was_firing_before,
        row_number() over (
            partition by evaluations.rule_id, evaluations.slice_kind, evaluations.slice_value
            order by evaluations.period_start_at desc
        ) = 1 as is_latest_of_slice,
        evaluations.period_start_at
        = max(evaluations.period_start_at) over (partition by evaluations.rule_id)
            as is_rule_latest_period
    from evaluations
    window slice_periods as (
        partition by evaluations.rule_id, evaluations.slice_kind, evaluations.slice_value
        order by evaluations.period_start_at
    )
),

stated as (
    select
        sequenced.*,
        case
            when sequenced.is_firing and coalesce(sequenced.was_firing_before, false)
                then 'ongoing'
            when sequenced.is_firing then 'new'
            when sequenced.was_firing_before then 'resolved'
        end as state
    from sequenced
),

-- Each run of firings, and the resolved row that ends it, gets the run's number. A firing's
-- severity is its own where the rule sets one per row, else the rule's; a resolved row
-- keeps the severity of the last firing of its run.
runs as (
    select
        stated.*,
        -- The frame is spelled out: Spark cannot extend a named window.
        sum(case when stated.state = 'new' then 1 else 0 end) over (
            partition by stated.rule_id, stated.slice_kind, stated.slice_value
            order by stated.period_start_at
            rows between unbounded preceding and current row
        ) as run_number,
        case
            when stated.state = 'resolved'
                then lag(coalesce(stated.severity, rules.severity)) over slice_periods
            else coalesce(stated.severity, rules.severity)
        end as alert_severity
    from stated
    inner join rules
        on stated.rule_id = rules.rule_id
    where stated.state is not null
    window slice_periods as (
        partition by stated.rule_id, stated.slice_kind, stated.slice_value
        order by stated.period_start_at
    )
),

with_run as (
    select
        runs.*,
        min(runs.period_start_at) over run_periods as first_fired_at,
        count(case when runs.is_firing then 1 end) over (
            partition by runs.rule_id, runs.slice_kind, runs.slice_value, runs.run_number
            order by runs.period_start_at
            rows between unbounded preceding and current row
        ) as firing_periods
    from runs
    window run_periods as (
        partition by runs.rule_id, runs.slice_kind, runs.slice_value, runs.run_number
    )
),

final as (
    select
        {{ surrogate_key([
            'with_run.rule_id', 'with_run.slice_kind', 'with_run.slice_value',
            'with_run.period_start_at'
        ]) }} as alert_id,
        with_run.rule_id,
        rules.alert_module,
        rules.alert_module_zh,
        rules.module_order,
        with_run.kpi_id,
        registry.kpi_name_en,
        registry.kpi_name_zh,
        with_run.slice_kind,
        with_run.slice_value,
        with_run.period_grain,
        with_run.period_start_date,
        with_run.period_start_at,
        with_run.period_end_at,
        with_run.value,
        rules.value_unit,
        rules.comparison,
        with_run.threshold,
        with_run.reference_value,
        with_run.volume,
        with_run.min_volume,
        with_run.alert_severity as severity,
        rules.action_code,
        rules.action_en,
        rules.action_zh,
        with_run.state,
        with_run.is_firing
        and with_run.is_latest_of_slice
        and with_run.is_rule_latest_period as is_open,
        with_run.first_fired_at,
        with_run.firing_periods,
        with_run.detail,
        rules.rule_en,
        rules.rule_zh
    from with_run
    inner join rules
        on with_run.rule_id = rules.rule_id
    left join registry
        on with_run.kpi_id = registry.kpi_id
)

select * from final
