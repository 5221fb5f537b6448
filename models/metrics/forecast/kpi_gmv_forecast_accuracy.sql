-- The GMV forecast's back-test, summed up: one row per method (the model, the seasonal-
-- naive baseline) with its mean absolute error, its weighted absolute percentage error
-- (absolute errors over actual GMV, so quiet days do not dominate), and for the model the
-- share of actual days inside the interval. The model is kept only while it beats the
-- baseline (is_better_than_baseline).

with

backtest as (
    select * from {{ ref('kpi_gmv_forecast_backtest') }}
),

errors as (
    select
        model_name as forecast_method,
        actual_gmv_cny,
        abs(gmv_forecast_cny - actual_gmv_cny) as absolute_error_cny,
        case
            when actual_gmv_cny between gmv_lower_cny and gmv_upper_cny then 1 else 0
        end as is_inside_interval
    from backtest
    union all
    select
        'seasonal_naive' as forecast_method,
        actual_gmv_cny,
        abs(seasonal_naive_cny - actual_gmv_cny) as absolute_error_cny,
        null as is_inside_interval
    from backtest
),

summed as (
    select
        forecast_method,
        count(*) as forecast_days,
        cast(sum(absolute_error_cny) as decimal(18, 2)) as absolute_error_cny,
        cast(sum(actual_gmv_cny) as decimal(18, 2)) as actual_gmv_cny,
        sum(is_inside_interval) as days_inside_interval
    from errors
    group by forecast_method
),

baseline as (
    select absolute_error_cny from summed
    where forecast_method = 'seasonal_naive'
),

final as (
    select
        summed.forecast_method,
        summed.forecast_days,
        {{ double_divide('summed.absolute_error_cny', 'nullif(summed.forecast_days, 0)') }}
            as mean_absolute_error_cny,
        {{ double_divide('summed.absolute_error_cny', 'nullif(summed.actual_gmv_cny, 0)') }}
            as weighted_absolute_percentage_error,
        summed.days_inside_interval / nullif(summed.forecast_days, 0) as interval_coverage,
        summed.forecast_method <> 'seasonal_naive'
        and summed.absolute_error_cny < baseline.absolute_error_cny as is_better_than_baseline
    from summed
    cross join baseline
)

select * from final
