-- The KPI radar 指標雷達圖: the score from 0 to 100 of each dimension (traffic, conversion,
-- retention, profit, supply chain) in every complete ISO week and month of the shop total,
-- beside the previous period's score and the weakest scored KPI (named in both languages;
-- its value format is the registry's, warehouse.kpi_registry). One row per grain, period
-- and dimension.
with periods as (
    select
        *,
        case period_grain
            when 'week' then cast(period_start_date - interval 7 day as date)
            else cast(period_start_date - interval 1 month as date)
        end as previous_period_start_date
    from metrics.kpi_radar_dimensions
)

select
    period_grain,
    period_start_date,
    period_end_date,
    previous_period_start_date,
    -- A week is named by its ISO year and week, a month by its year and month.
    case period_grain
        when 'week' then strftime(period_start_date, '%G-W%V')
        else strftime(period_start_date, '%Y-%m')
    end as period_label,
    case period_grain
        when 'week' then strftime(previous_period_start_date, '%G-W%V')
        else strftime(previous_period_start_date, '%Y-%m')
    end as previous_period_label,
    dimension,
    dimension_display_order,
    dimension_name_en,
    dimension_name_zh,
    radar_score,
    previous_radar_score,
    change_vs_previous,
    kpis_scored,
    kpis_on_target,
    kpis_reported,
    weakest_kpi_id,
    weakest_kpi_name_en,
    weakest_kpi_name_zh,
    weakest_kpi_value,
    weakest_kpi_target_value,
    weakest_kpi_attainment,
    is_provisional
from periods
order by period_grain, period_start_date, dimension_display_order
