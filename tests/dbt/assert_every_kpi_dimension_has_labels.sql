-- Every radar dimension a KPI of the registry scores in has its labels and its axis in seed
-- kpi_dimensions, so no KPI drops out of the radar or the weekly report.

with

registry as (
    select * from {{ ref('kpi_registry') }}
),

dimensions as (
    select * from {{ ref('kpi_dimensions') }}
),

final as (
    select
        registry.kpi_id,
        registry.dimension
    from registry
    left join dimensions
        on registry.dimension = dimensions.dimension
    where dimensions.dimension is null
)

select * from final
