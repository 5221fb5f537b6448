"""One row per calibration frequency bucket ('0' .. '6', '7+') and one 'all' row: BG/NBD
predicted against actual repeat purchase days (and Gamma-Gamma predicted against actual net
revenue) in the holdout period, for the customers of mdl_customer_btyd_calibration, with the
'calibration' fits of mdl_clv_parameters.
"""

import pyarrow as pa

from shopkpi import clv

SCHEMA = pa.schema(
    [
        ("frequency_bucket", pa.string()),
        ("bucket_order", pa.int64()),
        ("calibration_end_date", pa.date32()),
        ("as_of_date", pa.date32()),
        ("holdout_days", pa.int64()),
        ("customers", pa.int64()),
        ("actual_purchases", pa.float64()),
        ("predicted_purchases", pa.float64()),
        ("actual_mean_purchases", pa.float64()),
        ("predicted_mean_purchases", pa.float64()),
        ("mean_absolute_error", pa.float64()),
        ("actual_net_revenue_cny", pa.float64()),
        ("predicted_net_revenue_cny", pa.float64()),
        ("not_predicted_reason", pa.string()),
    ]
)


def model(dbt, session):
    holdout_days = int(dbt.config.get("clv_holdout_days"))
    as_of_date = dbt.ref("int_customer_value_as_of").fetchone()[0]
    fits = dbt.ref("mdl_clv_parameters").to_arrow_table().to_pylist()
    purchase_params, purchase_reason = clv.fitted_parameters(fits, "calibration", clv.BG_NBD)
    value_params, value_reason = clv.fitted_parameters(fits, "calibration", clv.GAMMA_GAMMA)
    calibration_end_date = next(
        (fit["period_end_date"] for fit in fits if fit["fit_window"] == "calibration"), None
    )
    # In customer order, so that sums over customers come out the same on every rebuild.
    data = (
        dbt.ref("mdl_customer_btyd_calibration")
        .project(
            "customer_id, "
            "cast(frequency_cal as double) as frequency, "
            "cast(recency_cal_days as double) as recency, "
            "cast(t_cal_days as double) as t, "
            "cast(monetary_value_cal_cny as double) as monetary, "
            "cast(holdout_purchase_days as double) as actual_purchases, "
            "cast(holdout_net_revenue_cny as double) as actual_value"
        )
        .order("customer_id")
        .fetchnumpy()
    )
    predictions = clv.predict(
        purchase_params,
        purchase_reason,
        value_params,
        value_reason,
        holdout_days,
        data["frequency"],
        data["recency"],
        data["t"],
        data["monetary"],
    )
    if len(data["frequency"]) == 0:
        reason = "no_calibration_customers"
    elif purchase_params is None:
        reason = f"{clv.BG_NBD}: {purchase_reason}"
    elif value_params is None:
        reason = f"{clv.GAMMA_GAMMA}: {value_reason}"
    else:
        reason = None
    rows = clv.holdout_accuracy(
        data["frequency"],
        predictions.expected_purchases,
        data["actual_purchases"],
        predictions.expected_value,
        data["actual_value"],
    )
    for row in rows:
        row.update(
            calibration_end_date=calibration_end_date,
            as_of_date=as_of_date,
            holdout_days=holdout_days,
            not_predicted_reason=reason,
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)
