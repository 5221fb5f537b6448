-- The KPI registry: names in Chinese and English, unit, direction and display order.
-- One row per KPI.
select
    kpi_id,
    display_order,
    kpi_name_en,
    kpi_name_zh,
    dimension,
    unit,
    direction,
    is_core
from metrics.kpi_registry
order by display_order, kpi_id
