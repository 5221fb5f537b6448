-- The weekly report shows every core KPI of the registry in every week it covers, and one
-- week is the latest complete week (none when the data holds no complete week).

with

weekly_report as (
    select * from {{ ref('kpi_weekly_report') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

core_kpi_count as (
    select count(*) as core_kpis
    from registry
    where is_core
),

week_counts as (
    select
        week_start_date,
        count(*) as kpis
    from weekly_report
    group by week_start_date
),

short_weeks as (
    select
        'week without every core KPI' as problem,
        week_counts.week_start_date
    from week_counts
    cross join core_kpi_count
    where week_counts.kpis <> core_kpi_count.core_kpis
),

latest_weeks as (
    select
        count(distinct case when is_latest_complete_week then week_start_date end) as weeks,
        count(distinct case when is_complete_week then week_start_date end) as complete_weeks
    from weekly_report
),

final as (
    select * from short_weeks
    union all
    select
        'not exactly one latest complete week' as problem,
        cast(null as date) as week_start_date
    from latest_weeks
    where weeks <> least(complete_weeks, 1)
)

select * from final
