-- A few quarantined rows to look at: the first three (in file order) of each table and rule,
-- with the file and line they came from and the start of the row as delivered (personal
-- data already masked by staging). One row per example; marts.dq_quarantine holds them all.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (source_table is null),
-- which the pages skip.
with

ranked as (
    select
        q.*,
        row_number() over (
            partition by q.source_table, q.dq_rule
            order by q.source_file, q.source_line, q.quarantined_row_id
        ) as example_number
    from marts.dq_quarantine as q
),

found as (
    select
        ranked.source_table,
        t.display_order as table_order,
        t.name_en as table_name_en,
        t.name_zh as table_name_zh,
        ranked.dq_rule,
        r.display_order as rule_order,
        r.name_en as rule_name_en,
        r.name_zh as rule_name_zh,
        ranked.example_number,
        ranked.row_key,
        ranked.source_file,
        ranked.source_line,
        case
            when length(ranked.raw_values) > 160 then left(ranked.raw_values, 157) || '...'
            else ranked.raw_values
        end as raw_values_start
    from ranked
    left join reference.code_labels as t
        on t.label_kind = 'source_table' and ranked.source_table = t.code
    left join reference.code_labels as r
        on r.label_kind = 'dq_rule' and ranked.dq_rule = r.code
    where ranked.example_number <= 3
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.table_order, found.rule_order, found.example_number
