-- The KPI scorecard for the whole shop (slice total) by week and by month: value, previous
-- period, last year, target, benchmarks and status (named in both languages). One row per
-- KPI, grain and period.
select
    kpi_value_id,
    kpi_id,
    kpi_name_en,
    kpi_name_zh,
    dimension,
    unit,
    direction,
    is_core,
    period_grain,
    period_start_date,
    period_end_date,
    kpi_value,
    previous_value,
    change_vs_previous,
    change_vs_previous_rate,
    last_year_value,
    change_vs_last_year,
    change_vs_last_year_rate,
    target_basis,
    target_source,
    target_value,
    gap_to_target,
    attainment,
    status,
    st.name_en as status_name_en,
    st.name_zh as status_name_zh,
    benchmark_industry,
    benchmark_competitor,
    benchmark_top_shop,
    is_complete_period,
    is_provisional
from metrics.kpi_scorecard as s
left join reference.code_labels as st
    on st.label_kind = 'kpi_status' and s.status = st.code
where slice_kind = 'total'
    and period_grain in ('week', 'month')
order by kpi_id, period_grain, period_start_date
