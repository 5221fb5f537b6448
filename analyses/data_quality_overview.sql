-- Quality score per source table and the rules that removed rows, worst table first.

with

scorecard as (
    select * from {{ ref('dq_scorecard') }}
)

select
    scorecard.source_table,
    scorecard.rows_received,
    scorecard.rows_kept,
    scorecard.table_quality_score,
    scorecard.dq_rule,
    scorecard.rows_broken_rule
from scorecard
where scorecard.rows_broken_rule > 0
order by scorecard.table_quality_score, scorecard.source_table, scorecard.rule_priority
