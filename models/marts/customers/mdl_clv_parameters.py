"""One row per fit window x model: the BG/NBD and Gamma-Gamma parameters (src/shopkpi/clv.py).

Window 'as_of' is fitted on mdl_customer_btyd_summary (every purchase up to the as-of date)
and drives snap_customer_ltv_predicted; window 'calibration' is fitted on
mdl_customer_btyd_calibration (purchases up to clv_holdout_days before it) and drives
mdl_clv_holdout_accuracy. A model that cannot be fitted has null parameters and a reason.
"""

import datetime

import pyarrow as pa

from shopkpi import clv

SCHEMA = pa.schema(
    [
        ("model_parameters_id", pa.string()),
        ("fit_window", pa.string()),
        ("model_name", pa.string()),
        ("period_end_date", pa.date32()),
        ("customers", pa.int64()),
        ("repeat_customers", pa.int64()),
        ("is_fitted", pa.bool_()),
        ("not_fitted_reason", pa.string()),
        ("log_likelihood", pa.float64()),
        ("iterations", pa.int64()),
        *[(name, pa.float64()) for name in clv.BG_NBD_PARAMETERS + clv.GAMMA_GAMMA_PARAMETERS],
    ]
)


def _columns(relation, frequency, recency, t, monetary):
    # A table's rows come back in whatever order the parallel build wrote them; the fit gets
    # them in customer order so that every rebuild fits exactly the same arrays.
    data = (
        relation.project(
            f"customer_id, cast({frequency} as double) as frequency, "
            f"cast({recency} as double) as recency, cast({t} as double) as t, "
            f"cast({monetary} as double) as monetary"
        )
        .order("customer_id")
        .fetchnumpy()
    )
    return data["frequency"], data["recency"], data["t"], data["monetary"]


def _rows(fit_window, period_end_date, frequency, recency, t, monetary):
    fits = [clv.fit_bgnbd(frequency, recency, t), clv.fit_gamma_gamma(frequency, monetary)]
    rows = []
    for fit in fits:
        row = {
            "model_parameters_id": f"{fit_window}|{fit.model_name}",
            "fit_window": fit_window,
            "model_name": fit.model_name,
            "period_end_date": period_end_date,
            "customers": fit.customers,
            "repeat_customers": fit.repeat_customers,
            "is_fitted": fit.is_fitted,
            "not_fitted_reason": fit.not_fitted_reason,
            "log_likelihood": fit.log_likelihood,
            "iterations": fit.iterations,
        }
        for name in clv.BG_NBD_PARAMETERS + clv.GAMMA_GAMMA_PARAMETERS:
            row[name] = (fit.params or {}).get(name)
        rows.append(row)
    return rows


def model(dbt, session):
    holdout_days = int(dbt.config.get("clv_holdout_days"))
    as_of_date = dbt.ref("int_customer_value_as_of").fetchone()[0]
    calibration_end_date = (
        as_of_date - datetime.timedelta(days=holdout_days) if as_of_date is not None else None
    )
    summary = dbt.ref("mdl_customer_btyd_summary")
    calibration = dbt.ref("mdl_customer_btyd_calibration")
    rows = _rows(
        "as_of",
        as_of_date,
        *_columns(summary, "frequency", "recency_days", "t_days", "monetary_value_cny"),
    ) + _rows(
        "calibration",
        calibration_end_date,
        *_columns(
            calibration, "frequency_cal", "recency_cal_days", "t_cal_days", "monetary_value_cal_cny"
        ),
    )
    return pa.Table.from_pylist(rows, schema=SCHEMA)
