-- Every alert and every evaluation is at the grain and slice its rule in seed
-- kpi_alert_rules declares (slice_kind may list several, joined by '|'). Returns the rows
-- that are not.

with

rules as (
    select * from {{ ref('kpi_alert_rules') }}
),

evaluations as (
    select * from {{ ref('kpi_alert_evaluations') }}
),

final as (
    select
        evaluations.evaluation_id,
        evaluations.rule_id,
        evaluations.period_grain,
        evaluations.slice_kind,
        rules.period_grain as rule_period_grain,
        rules.slice_kind as rule_slice_kind
    from evaluations
    inner join rules
        on evaluations.rule_id = rules.rule_id
    where
        evaluations.period_grain != rules.period_grain
        or not {{ delimited_list_contains('rules.slice_kind', '|', 'evaluations.slice_kind') }}
)

select * from final
