-- How well the predicted-value model (BG/NBD + Gamma-Gamma, fitted on the calibration
-- period) predicted the holdout period (mdl_clv_holdout_accuracy): predicted against actual
-- purchase days and net revenue, the mean absolute error per customer, and the ratios
-- predicted / actual. One row per calibration frequency bucket ('0' .. '7+') and 'all'.
select
    frequency_bucket,
    bucket_order,
    frequency_bucket = 'all' as is_all,
    calibration_end_date,
    as_of_date,
    holdout_days,
    customers,
    actual_purchases,
    predicted_purchases,
    predicted_purchases / nullif(actual_purchases, 0) as predicted_to_actual_purchases,
    actual_mean_purchases,
    predicted_mean_purchases,
    mean_absolute_error,
    actual_net_revenue_cny,
    predicted_net_revenue_cny,
    predicted_net_revenue_cny / nullif(actual_net_revenue_cny, 0)
        as predicted_to_actual_net_revenue,
    not_predicted_reason
from marts.mdl_clv_holdout_accuracy
order by bucket_order
