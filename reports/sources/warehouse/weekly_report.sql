-- The weekly report 營銷效果周報: every ISO week x the 30 core KPIs, this week against last
-- week, the target, status (named in both languages), industry benchmark and the same week
-- last year. KPIs measured only by month show the latest month ended by the week's Sunday
-- (value_grain month). One row per week and core KPI.
select
    w.week_start_date,
    w.week_end_date,
    w.iso_year,
    w.iso_week,
    cast(w.iso_year as varchar) || '-W' || lpad(cast(w.iso_week as varchar), 2, '0') as week_label,
    w.is_complete_week,
    w.is_latest_complete_week,
    w.kpi_id,
    w.display_order,
    w.kpi_name_en,
    w.kpi_name_zh,
    w.dimension,
    w.dimension_name_en,
    w.dimension_name_zh,
    w.unit,
    w.direction,
    w.value_grain,
    g.name_en as value_grain_name_en,
    g.name_zh as value_grain_name_zh,
    w.value_period_start_date,
    w.value_period_end_date,
    w.kpi_value,
    w.previous_value,
    w.change_vs_previous,
    w.change_vs_previous_rate,
    w.target_value,
    w.attainment,
    w.status,
    st.name_en as status_name_en,
    st.name_zh as status_name_zh,
    st.display_order as status_order,
    w.benchmark_industry,
    w.benchmark_competitor,
    w.benchmark_top_shop,
    w.last_year_value,
    w.change_vs_last_year,
    w.is_provisional
from metrics.kpi_weekly_report as w
left join reference.code_labels as st
    on st.label_kind = 'kpi_status' and w.status = st.code
left join reference.code_labels as g
    on g.label_kind = 'period_grain' and w.value_grain = g.code
order by w.week_start_date, w.display_order
