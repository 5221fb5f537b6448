-- The scorecard's per-rule counts are the quarantine's rows, table by table.

with

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
        count(*) as quarantined_rows
    from quarantine
    group by quarantine.source_table, quarantine.dq_rule
)

select
    scorecard.source_table,
    scorecard.dq_rule,
    scorecard.rows_broken_rule,
    quarantine_counts.quarantined_rows
from scorecard
left join quarantine_counts
    on
        scorecard.source_table = quarantine_counts.source_table
        and scorecard.dq_rule = quarantine_counts.dq_rule
where scorecard.rows_broken_rule <> coalesce(quarantine_counts.quarantined_rows, 0)
