-- Quality score per source table and the rules that removed rows, worst table first.

with

scorecard as (
    select * from {{ ref('dq_scorecard') }}
),

rule_counts as (
    select * from {{ ref('dq_rule_counts') }}
)

select
    scorecard.source_table,
    scorecard.rows_received,
    scorecard.rows_kept,
    scorecard.table_quality_score,
    rule_counts.dq_rule,
    rule_counts.rows_quarantined
from scorecard
inner join rule_counts
    on scorecard.source_table = rule_counts.source_table
where rule_counts.rows_quarantined > 0
order by scorecard.table_quality_score, scorecard.source_table, rule_counts.rule_priority
