-- KPI scorecard 指標記分卡: one row per KPI value (KPI x period x slice) with the target it
-- is held to, its attainment and its status. Targets come from seed kpi_registry: an
-- absolute target (a per-day one times the days of the period), or a change on the same
-- period last year. Attainment is direction-aware (value / target when higher is better,
-- target / value when lower is better); status bands are vars scorecard_on_target_from and
-- scorecard_watch_from (DECISIONLOG "Scorecard").

with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

registry as (
    select * from {{ ref('kpi_registry') }}
),

-- Which rows a target applies to: all slices of a rate; a shop-size target (an amount or a
-- count) only to the shop's total; a target named for a slice only to that slice.
targeted as (
    select
        kpi_values.*,
        registry.direction,
        registry.target_basis,
        registry.is_core,
        case
            when registry.target is null or registry.target_basis = 'none' then null
            when registry.target_slice_value is not null
                then case
                        when
                            kpi_values.slice_value = registry.target_slice_value
                            then registry.target
                    end
            when registry.target_basis = 'absolute' and registry.unit in ('count', 'cny')
                then case when kpi_values.slice_kind = 'total' then registry.target end
            else registry.target
        end as registry_target,
        registry.is_target_per_day,
        {{ dbt.datediff('kpi_values.period_start_date', 'kpi_values.period_end_date', 'day') }}
        + 1 as days_in_period
    from kpi_values
    inner join registry
        on kpi_values.kpi_id = registry.kpi_id
),

resolved as (
    select
        *,
        case
            when registry_target is null then null
            when target_basis = 'change_vs_last_year'
                then last_year_value * (1 + registry_target)
            when is_target_per_day and period_grain <> 'campaign_phase'
                then registry_target * days_in_period
            else registry_target
        end as target_value
    from targeted
),

attained as (
    select
        *,
        case
            when target_value is null or kpi_value is null or direction = 'none' then null
            when direction = 'higher' and target_value > 0 then kpi_value / target_value
            when direction = 'higher' then case when kpi_value >= target_value then 1.0 else 0.0 end
            when direction = 'lower' and kpi_value > 0 then target_value / kpi_value
            when direction = 'lower' then case when kpi_value <= target_value then 1.0 else 0.0 end
        end as attainment
    from resolved
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
        last_year_value,
        change_vs_last_year,
        target_basis,
        target_value,
        kpi_value - target_value as gap_to_target,
        case when attainment is not null then greatest(attainment, 0) end as attainment,
        {{ kpi_status('attainment') }} as status,
        is_complete_period,
        is_provisional
    from attained
)

select * from final
