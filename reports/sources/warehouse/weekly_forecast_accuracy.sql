-- How well the GMV forecast did in its back-test (kpi_gmv_forecast_accuracy): per method,
-- the model and the seasonal-naive baseline (named in both languages), the days forecast,
-- the mean absolute error (CNY), the weighted absolute percentage error and the model's
-- interval coverage, with the back-test's origins and interval level. One row per method.
with backtest as (
    select
        count(distinct origin_date) as origins,
        min(origin_date) as first_origin_date,
        max(origin_date) as last_origin_date,
        max(interval_level) as interval_level
    from metrics.kpi_gmv_forecast_backtest
)

select
    a.forecast_method,
    m.display_order as method_order,
    m.name_en as method_name_en,
    m.name_zh as method_name_zh,
    a.forecast_days,
    a.mean_absolute_error_cny,
    a.weighted_absolute_percentage_error,
    a.interval_coverage,
    a.is_better_than_baseline,
    b.origins,
    b.first_origin_date,
    b.last_origin_date,
    b.interval_level
from metrics.kpi_gmv_forecast_accuracy as a
left join reference.code_labels as m
    on m.label_kind = 'forecast_method' and a.forecast_method = m.code
cross join backtest as b
order by m.display_order
