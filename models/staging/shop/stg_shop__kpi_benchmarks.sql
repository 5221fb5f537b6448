-- Clean external KPI benchmarks: rows of base_shop__kpi_benchmarks that broke no rule.

with

checked as (
    select * from {{ ref('base_shop__kpi_benchmarks') }}
),

final as (
    select
        kpi_id,
        benchmark_kind,
        period_grain,
        period_start_date,
        benchmark_value,
        benchmark_source
    from checked
    where dq_rule is null
)

select * from final
