-- Rows quarantined per raw contract table and rule (every rule that applies to the table,
-- 0 when none failed), with the rule's names and description in both languages. One row
-- per table and rule.
select
    c.source_table,
    c.table_order,
    t.name_en as table_name_en,
    t.name_zh as table_name_zh,
    c.dq_rule,
    c.rule_priority,
    r.name_en as rule_name_en,
    r.name_zh as rule_name_zh,
    c.rule_description as rule_description_en,
    d.name_zh as rule_description_zh,
    c.rows_quarantined,
    c.share_of_rows_received
from marts.dq_rule_counts as c
left join reference.code_labels as t
    on t.label_kind = 'source_table' and c.source_table = t.code
left join reference.code_labels as r
    on r.label_kind = 'dq_rule' and c.dq_rule = r.code
left join reference.code_labels as d
    on d.label_kind = 'dq_rule_description' and c.dq_rule = d.code
order by c.table_order, c.rule_priority
