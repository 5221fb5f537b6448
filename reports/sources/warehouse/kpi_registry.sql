-- The KPI registry: names in Chinese and English, dimension, unit, direction and display
-- order, and value_fmt: how a page formats the KPI's values (Evidence format codes, by unit),
-- for tables that show KPIs of several units (a Column's fmtColumn). One row per KPI.
select
    r.kpi_id,
    r.display_order,
    r.kpi_name_en,
    r.kpi_name_zh,
    r.dimension,
    d.dimension_name_en,
    d.dimension_name_zh,
    d.display_order as dimension_order,
    r.unit,
    r.direction,
    r.is_core,
    case r.unit
        when 'cny' then '"¥"#,##0.00'
        when 'share' then '0.0%'
        when 'ratio' then '0.00"x"'
        when 'days' then '#,##0.0" d"'
        when 'seconds' then '#,##0.0" s"'
        else '#,##0'
    end as value_fmt
from metrics.kpi_registry as r
left join metrics.kpi_dimensions as d
    on r.dimension = d.dimension
order by r.display_order, r.kpi_id
