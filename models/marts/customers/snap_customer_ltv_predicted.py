"""One row per customer in mdl_customer_btyd_summary: predicted purchases and net revenue over
the 365 days after the as-of date, from the 'as_of' BG/NBD and Gamma-Gamma fits of
mdl_clv_parameters. Predictions are null, with the reason, where a model is not fitted.
"""

import pyarrow as pa

from shopkpi import clv

HORIZON_DAYS = 365

SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("as_of_date", pa.date32()),
        ("frequency", pa.int64()),
        ("recency_days", pa.int64()),
        ("t_days", pa.int64()),
        ("monetary_value_cny", pa.float64()),
        ("expected_purchases_365d", pa.float64()),
        ("probability_alive", pa.float64()),
        ("expected_average_value_cny", pa.float64()),
        ("predicted_net_revenue_365d_cny", pa.float64()),
        ("not_predicted_reason", pa.string()),
    ]
)


def model(dbt, session):
    fits = dbt.ref("mdl_clv_parameters").to_arrow_table().to_pylist()
    purchase_params, purchase_reason = clv.fitted_parameters(fits, "as_of", clv.BG_NBD)
    value_params, value_reason = clv.fitted_parameters(fits, "as_of", clv.GAMMA_GAMMA)
    summary = (
        dbt.ref("mdl_customer_btyd_summary")
        .project(
            "customer_id, as_of_date, frequency, recency_days, t_days, "
            "cast(monetary_value_cny as double) as monetary_value_cny"
        )
        .order("customer_id")
    )
    table = summary.to_arrow_table()
    data = {name: table.column(name).to_numpy() for name in table.column_names}
    predictions = clv.predict(
        purchase_params,
        purchase_reason,
        value_params,
        value_reason,
        HORIZON_DAYS,
        data["frequency"],
        data["recency_days"],
        data["t_days"],
        data["monetary_value_cny"],
    )
    columns = {
        "customer_id": table.column("customer_id"),
        "as_of_date": table.column("as_of_date"),
        "frequency": table.column("frequency"),
        "recency_days": table.column("recency_days"),
        "t_days": table.column("t_days"),
        "monetary_value_cny": table.column("monetary_value_cny"),
        "expected_purchases_365d": predictions.expected_purchases,
        "probability_alive": predictions.probability_alive,
        "expected_average_value_cny": predictions.expected_average_value,
        "predicted_net_revenue_365d_cny": predictions.expected_value,
        "not_predicted_reason": predictions.not_predicted_reason,
    }
    return pa.table(
        [pa.array(columns[field.name], type=field.type) for field in SCHEMA], schema=SCHEMA
    )
