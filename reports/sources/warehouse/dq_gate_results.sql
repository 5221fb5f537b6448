-- The latest run of the quality gate, expectation by expectation: the suite and what it
-- checked, the staging rule it reports (raw tables), its severity, whether it held and how
-- many rows failed. One row per expectation of the latest run; none when the gate has not run.
-- Evidence writes no file for an empty result, and a site whose table has no file fails to
-- load: when there is no such row the table holds one row of nulls (run_id is null),
-- which the pages skip.
with

latest as (
    select max(run_id) as run_id
    from quality.gx_validation_results
),

found as (
    select
        g.run_id,
        g.suite_name,
        g.check_kind,
        k.name_en as check_kind_name_en,
        k.name_zh as check_kind_name_zh,
        k.display_order as check_kind_order,
        g.table_name,
        coalesce(t.name_en, g.table_name) as table_label_en,
        coalesce(t.name_zh, g.table_name) as table_label_zh,
        g.expectation_id,
        g.expectation_type,
        g.column_name,
        g.dq_rule,
        r.name_en as rule_name_en,
        r.name_zh as rule_name_zh,
        g.severity,
        s.name_en as severity_name_en,
        s.name_zh as severity_name_zh,
        s.display_order as severity_order,
        g.success and not coalesce(g.raised_exception, false) as passed,
        g.raised_exception,
        g.exception_message,
        g.element_count,
        g.unexpected_count,
        g.unexpected_percent,
        g.observed_value
    from quality.gx_validation_results as g
    inner join latest
        on g.run_id = latest.run_id
    left join reference.code_labels as k
        on k.label_kind = 'gate_check_kind' and g.check_kind = k.code
    left join reference.code_labels as t
        on
            t.label_kind = 'source_table'
            and g.check_kind = 'raw'
            and g.table_name = 'raw.' || t.code
    left join reference.code_labels as r
        on r.label_kind = 'dq_rule' and g.dq_rule = r.code
    left join reference.code_labels as s
        on s.label_kind = 'gate_severity' and g.severity = s.code
)

select found.*
from (select 1 as anchor) as anchor
left join found
    on true
order by found.passed, found.severity_order, found.check_kind_order, found.suite_name, found.expectation_id
