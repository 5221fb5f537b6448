-- KPI scorecard 指標記分卡: one row per KPI value (KPI x period x slice) with the target it
-- is held to, its attainment and its status, and the external benchmarks beside it.
-- Targets come from the shop's own kpi_targets file where it has a row for the KPI, else
-- from seed kpi_registry: an absolute target (a per-day one times the days of the period),
-- or a change on the same period last year. Benchmarks come from the shop's kpi_benchmarks
-- file: per kind (industry, competitor, top shop), the row for this very period, else the
-- one for its grain, else the one for every period. Attainment is direction-aware (value /
-- reference when higher is better, reference / value when lower is better); status bands
-- are vars scorecard_on_target_from and scorecard_watch_from (DECISIONLOG "Scorecard").

with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

shop_targets as (
    select * from {{ ref('stg_shop__kpi_targets') }}
),

benchmarks as (
    select * from {{ ref('stg_shop__kpi_benchmarks') }}
),

shop_target_kpis as (
    select distinct kpi_id from shop_targets
),

-- The KPI's target before slices: the shop's row for the whole KPI (no slice_value) in place
-- of the registry's number. A shop target for a KPI the registry sets none for is absolute.
kpi_targets as (
    select
        registry.kpi_id,
        registry.unit,
        registry.direction,
        registry.is_core,
        registry.target_slice_value,
        case
            when registry.target is not null and registry.target_basis <> 'none'
                then registry.target_basis
            when shop_target_kpis.kpi_id is not null then 'absolute'
            else 'none'
        end as target_basis,
        coalesce(
            shop_targets.kpi_target,
            case when registry.target_basis <> 'none' then registry.target end
        ) as kpi_target,
        case
            when shop_targets.kpi_target is not null then 'shop'
            when registry.target is not null and registry.target_basis <> 'none' then 'registry'
        end as kpi_target_source,
        coalesce(shop_targets.is_target_per_day, registry.is_target_per_day)
            as kpi_target_is_per_day
    from registry
    left join shop_targets
        on
            registry.kpi_id = shop_targets.kpi_id
            and shop_targets.slice_value is null
    left join shop_target_kpis
        on registry.kpi_id = shop_target_kpis.kpi_id
),

-- Which rows a target applies to. A shop row naming the value's slice applies to it alone.
-- Otherwise the KPI's target applies within the registry's scope: a target named for a
-- slice only to that slice; a shop-size target (an absolute amount or count) only to the
-- shop's total; a rate's to every slice.
targeted as (
    select
        kpi_values.*,
        kpi_targets.unit as registry_unit,
        kpi_targets.direction,
        kpi_targets.is_core,
        kpi_targets.target_basis,
        case
            when slice_targets.kpi_target is not null then slice_targets.kpi_target
            when kpi_targets.kpi_target is null then null
            when kpi_targets.target_slice_value is not null
                then case
                        when
                            kpi_values.slice_value = kpi_targets.target_slice_value
                            then kpi_targets.kpi_target
                    end
            when kpi_targets.target_basis = 'absolute' and kpi_targets.unit in ('count', 'cny')
                then case when kpi_values.slice_kind = 'total' then kpi_targets.kpi_target end
            else kpi_targets.kpi_target
        end as base_target,
        case
            when slice_targets.kpi_target is not null then 'shop'
            else kpi_targets.kpi_target_source
        end as candidate_target_source,
        case
            when slice_targets.kpi_target is not null
                then coalesce(slice_targets.is_target_per_day, kpi_targets.kpi_target_is_per_day)
            else kpi_targets.kpi_target_is_per_day
        end as is_target_per_day,
        {{ dbt.datediff('kpi_values.period_start_date', 'kpi_values.period_end_date', 'day') }}
        + 1 as days_in_period
    from kpi_values
    inner join kpi_targets
        on kpi_values.kpi_id = kpi_targets.kpi_id
    left join shop_targets as slice_targets
        on
            kpi_values.kpi_id = slice_targets.kpi_id
            and kpi_values.slice_value = slice_targets.slice_value
),

resolved as (
    select
        *,
        case
            when base_target is null then null
            when target_basis = 'change_vs_last_year'
                then last_year_value * (1 + base_target)
            when is_target_per_day and period_grain <> 'campaign_phase'
                then base_target * days_in_period
            else base_target
        end as target_value,
        case when base_target is not null then candidate_target_source end as target_source
    from targeted
),

-- Benchmarks a value can be compared with: those of its KPI for its period, its grain or
-- every period. Like a shop-size target, a benchmark of an amount or a count is for the
-- shop's total only.
benchmark_candidates as (
    select
        resolved.kpi_value_id,
        benchmarks.benchmark_kind,
        benchmarks.benchmark_value,
        row_number() over (
            partition by resolved.kpi_value_id, benchmarks.benchmark_kind
            order by
                benchmarks.period_start_date is not null desc,
                benchmarks.period_grain is not null desc
        ) as specificity_rank
    from resolved
    inner join benchmarks
        on
            resolved.kpi_id = benchmarks.kpi_id
            and (
                benchmarks.period_grain is null
                or resolved.period_grain = benchmarks.period_grain
            )
            and (
                benchmarks.period_start_date is null
                or resolved.period_start_date = benchmarks.period_start_date
            )
    where resolved.registry_unit not in ('count', 'cny') or resolved.slice_kind = 'total'
),

benchmarked as (
    select
        kpi_value_id,
        max(case when benchmark_kind = 'industry' then benchmark_value end)
            as benchmark_industry,
        max(case when benchmark_kind = 'competitor' then benchmark_value end)
            as benchmark_competitor,
        max(case when benchmark_kind = 'top_shop' then benchmark_value end)
            as benchmark_top_shop
    from benchmark_candidates
    where specificity_rank = 1
    group by kpi_value_id
),

attained as (
    select
        resolved.*,
        benchmarked.benchmark_industry,
        benchmarked.benchmark_competitor,
        benchmarked.benchmark_top_shop,
        {{ kpi_attainment('resolved.kpi_value', 'resolved.target_value', 'resolved.direction') }}
            as attainment
    from resolved
    left join benchmarked
        on resolved.kpi_value_id = benchmarked.kpi_value_id
),

final as (
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
        slice_kind,
        slice_value,
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
        kpi_value - target_value as gap_to_target,
        attainment,
        {{ kpi_status('attainment') }} as status,
        benchmark_industry,
        benchmark_competitor,
        benchmark_top_shop,
        {{ kpi_attainment('kpi_value', 'benchmark_industry', 'direction') }}
            as attainment_vs_industry,
        {{ kpi_attainment('kpi_value', 'benchmark_competitor', 'direction') }}
            as attainment_vs_competitor,
        {{ kpi_attainment('kpi_value', 'benchmark_top_shop', 'direction') }}
            as attainment_vs_top_shop,
        is_complete_period,
        is_provisional
    from attained
)

select * from final
