-- Daily GMV for the forecast chart: the last 8 weeks of actual GMV of the shop total with
-- the day's target (kpi_scorecard, day grain), then the 7-day forecast (kpi_gmv_forecast)
-- with its interval. One row per day.
with freshness as (
    select data_end_date from metrics.kpi_data_freshness
),

actual as (
    select
        s.period_start_date as date_day,
        s.kpi_value as actual_gmv_cny,
        s.target_value as target_gmv_cny,
        s.is_provisional
    from metrics.kpi_scorecard as s
    cross join freshness as f
    where s.kpi_id = 'gmv'
        and s.slice_kind = 'total'
        and s.period_grain = 'day'
        and s.period_start_date > f.data_end_date - interval 56 day
        and s.period_start_date <= f.data_end_date
),

forecast as (
    select
        forecast_date as date_day,
        horizon_days,
        gmv_forecast_cny,
        gmv_lower_cny,
        gmv_upper_cny,
        interval_level,
        trained_through_date,
        model_name,
        is_campaign_day
    from metrics.kpi_gmv_forecast
)

select
    coalesce(a.date_day, fc.date_day) as date_day,
    strftime(coalesce(a.date_day, fc.date_day), '%m-%d') as day_label,
    a.actual_gmv_cny,
    a.target_gmv_cny,
    coalesce(a.is_provisional, false) as is_provisional,
    fc.horizon_days,
    fc.gmv_forecast_cny,
    fc.gmv_lower_cny,
    fc.gmv_upper_cny,
    fc.interval_level,
    fc.trained_through_date,
    fc.model_name,
    fc.is_campaign_day
from actual as a
full outer join forecast as fc
    on a.date_day = fc.date_day
order by date_day
