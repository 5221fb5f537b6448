-- One row per source table x data-quality rule: the rows staging quarantined from the table
-- under the rule (dq_quarantine), and their share of the table's rows received. Every rule
-- appears for every table, with 0 when nothing broke it, so the shape does not depend on the
-- data. Summed over a table's rules, rows_quarantined is dq_scorecard.rows_quarantined.

with

rules as (
    select * from {{ ref('dq_rules') }}
),

scorecard as (
    select * from {{ ref('dq_scorecard') }}
),

quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

quarantine_counts as (
    select
        quarantine.source_table,
        quarantine.dq_rule,
        count(*) as rows_quarantined
    from quarantine
    group by quarantine.source_table, quarantine.dq_rule
),

final as (
    select
        scorecard.source_table,
        rules.dq_rule,
        scorecard.table_order,
        rules.priority as rule_priority,
        rules.description as rule_description,
        coalesce(quarantine_counts.rows_quarantined, 0) as rows_quarantined,
        {{ safe_divide(
            'coalesce(quarantine_counts.rows_quarantined, 0)', 'scorecard.rows_received'
        ) }} as share_of_rows_received
    from scorecard
    cross join rules
    left join quarantine_counts
        on
            scorecard.source_table = quarantine_counts.source_table
            and rules.dq_rule = quarantine_counts.dq_rule
)

select * from final
