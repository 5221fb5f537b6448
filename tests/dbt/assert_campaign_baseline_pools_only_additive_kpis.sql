-- kpi_campaign_baseline pools a KPI over a window's days only when its days add up: for every
-- KPI it pools (pooled_ratio, mean_per_day), each ISO week of kpi_values' shop total must hold
-- the sums of its days' numerators and denominators. A distinct count (UV: a visitor of two
-- days is one visitor of the week) or a statistic measured whole would fail here if pooled.

with

baseline as (
    select * from {{ ref('kpi_campaign_baseline') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

pooled_kpis as (
    select distinct kpi_id
    from baseline
    where pooling_method in ('pooled_ratio', 'mean_per_day')
),

day_sums as (
    select
        kpi_values.kpi_id,
        cast({{ dbt.date_trunc('week', 'kpi_values.period_start_date') }} as date)
            as week_start_date,
        sum(kpi_values.numerator) as numerator,
        sum(kpi_values.denominator) as denominator
    from kpi_values
    inner join pooled_kpis
        on kpi_values.kpi_id = pooled_kpis.kpi_id
    where kpi_values.period_grain = 'day' and kpi_values.slice_kind = 'total'
    group by
        kpi_values.kpi_id,
        cast({{ dbt.date_trunc('week', 'kpi_values.period_start_date') }} as date)
),

weeks as (
    select
        kpi_values.kpi_id,
        kpi_values.period_start_date as week_start_date,
        kpi_values.numerator,
        kpi_values.denominator
    from kpi_values
    inner join pooled_kpis
        on kpi_values.kpi_id = pooled_kpis.kpi_id
    where kpi_values.period_grain = 'week' and kpi_values.slice_kind = 'total'
),

final as (
    select
        weeks.kpi_id,
        weeks.week_start_date,
        weeks.numerator as week_numerator,
        day_sums.numerator as summed_day_numerator,
        weeks.denominator as week_denominator,
        day_sums.denominator as summed_day_denominator
    from weeks
    full outer join day_sums
        on
            weeks.kpi_id = day_sums.kpi_id
            and weeks.week_start_date = day_sums.week_start_date
    where
        weeks.numerator is distinct from day_sums.numerator
        or weeks.denominator is distinct from day_sums.denominator
)

select * from final
