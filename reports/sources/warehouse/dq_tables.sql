-- The data-quality scorecard 數據質量評分卡: rows each raw contract table delivered, kept and
-- quarantined by staging, the quarantined share and the table's quality score (kept ÷
-- received), with the table's names. One row per contract table.
select
    s.source_table,
    s.table_order,
    t.name_en as table_name_en,
    t.name_zh as table_name_zh,
    s.rows_received,
    s.rows_kept,
    s.rows_quarantined,
    s.quarantined_share,
    s.table_quality_score
from marts.dq_scorecard as s
left join reference.code_labels as t
    on t.label_kind = 'source_table' and s.source_table = t.code
order by s.table_order
