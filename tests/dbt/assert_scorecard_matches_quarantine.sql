-- The data-quality marts agree with the quarantine, table by table and rule by rule:
-- dq_scorecard's rows quarantined (raw rows minus kept rows) are the table's rows of
-- dq_quarantine, and so are dq_rule_counts' rows summed over the table's rules; each rule's
-- count is the quarantine's rows under that rule.

with

scorecard as (
    select * from {{ ref('dq_scorecard') }}
),

rule_counts as (
    select * from {{ ref('dq_rule_counts') }}
),

quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

quarantine_by_rule as (
    select
        quarantine.source_table,
        quarantine.dq_rule,
        count(*) as quarantined_rows
    from quarantine
    group by quarantine.source_table, quarantine.dq_rule
),

quarantine_by_table as (
    select
        quarantine_by_rule.source_table,
        sum(quarantine_by_rule.quarantined_rows) as quarantined_rows
    from quarantine_by_rule
    group by quarantine_by_rule.source_table
),

rule_counts_by_table as (
    select
        rule_counts.source_table,
        sum(rule_counts.rows_quarantined) as rows_quarantined
    from rule_counts
    group by rule_counts.source_table
),

table_mismatches as (
    select
        scorecard.source_table,
        cast(null as {{ dbt.type_string() }}) as dq_rule,
        scorecard.rows_quarantined as mart_rows,
        coalesce(quarantine_by_table.quarantined_rows, 0) as quarantined_rows,
        rule_counts_by_table.rows_quarantined as rule_count_rows
    from scorecard
    left join quarantine_by_table
        on scorecard.source_table = quarantine_by_table.source_table
    left join rule_counts_by_table
        on scorecard.source_table = rule_counts_by_table.source_table
    where
        scorecard.rows_quarantined <> coalesce(quarantine_by_table.quarantined_rows, 0)
        or scorecard.rows_quarantined <> coalesce(rule_counts_by_table.rows_quarantined, 0)
),

rule_mismatches as (
    select
        rule_counts.source_table,
        rule_counts.dq_rule,
        rule_counts.rows_quarantined as mart_rows,
        coalesce(quarantine_by_rule.quarantined_rows, 0) as quarantined_rows,
        rule_counts.rows_quarantined as rule_count_rows
    from rule_counts
    left join quarantine_by_rule
        on
            rule_counts.source_table = quarantine_by_rule.source_table
            and rule_counts.dq_rule = quarantine_by_rule.dq_rule
    where rule_counts.rows_quarantined <> coalesce(quarantine_by_rule.quarantined_rows, 0)
),

-- A quarantined row whose table or rule has no row in the marts is counted nowhere.
unlisted as (
    select
        quarantine_by_rule.source_table,
        quarantine_by_rule.dq_rule,
        cast(null as {{ dbt.type_bigint() }}) as mart_rows,
        quarantine_by_rule.quarantined_rows,
        cast(null as {{ dbt.type_bigint() }}) as rule_count_rows
    from quarantine_by_rule
    left join rule_counts
        on
            quarantine_by_rule.source_table = rule_counts.source_table
            and quarantine_by_rule.dq_rule = rule_counts.dq_rule
    where rule_counts.source_table is null
)

select * from table_mismatches
union all
select * from rule_mismatches
union all
select * from unlisted
