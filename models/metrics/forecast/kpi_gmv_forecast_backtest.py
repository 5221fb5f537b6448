"""One row per back-test origin x day ahead: the GMV forecast from that origin, its
interval, the seasonal-naive forecast and the actual GMV (src/shopkpi/forecast.py)."""

import pyarrow as pa

from shopkpi import forecast

SCHEMA = pa.schema(
    [
        ("backtest_id", pa.string()),
        ("origin_date", pa.date32()),
        ("forecast_date", pa.date32()),
        ("horizon_days", pa.int64()),
        ("actual_gmv_cny", pa.float64()),
        ("gmv_forecast_cny", pa.float64()),
        ("gmv_lower_cny", pa.float64()),
        ("gmv_upper_cny", pa.float64()),
        ("seasonal_naive_cny", pa.float64()),
        ("interval_level", pa.float64()),
        ("model_name", pa.string()),
    ]
)


def _days(dbt):
    """The forecast's days in date order, dates as datetime.date."""
    days = dbt.ref("int_kpi_gmv_forecast_days").order("date_day").fetchnumpy()
    days["date_day"] = days["date_day"].astype("datetime64[D]").astype(object)
    return days


def model(dbt, session):
    level = float(dbt.config.get("forecast_interval_level"))
    horizon = int(dbt.config.get("forecast_horizon_days"))
    weeks = int(dbt.config.get("forecast_backtest_weeks"))
    days = _days(dbt)
    history = days["is_history"].astype(bool)
    dates = days["date_day"][history]
    gmv = days["gmv_cny"][history].astype(float)
    features = forecast.np.column_stack(
        [days[name][history].astype(float) for name in forecast.FEATURES]
    )
    origins = forecast.weekly_origins(len(gmv), weeks, horizon)
    rows = []
    for row in forecast.backtest(gmv, features, origins, horizon, level):
        day = dates[row.origin + row.step - 1]
        rows.append(
            {
                "backtest_id": f"{dates[row.origin]}|{row.step}",
                "origin_date": dates[row.origin],
                "forecast_date": day,
                "horizon_days": row.step,
                "actual_gmv_cny": round(row.actual, 2),
                "gmv_forecast_cny": round(row.forecast, 2),
                "gmv_lower_cny": round(row.lower, 2),
                "gmv_upper_cny": round(row.upper, 2),
                "seasonal_naive_cny": round(row.naive, 2),
                "interval_level": level,
                "model_name": forecast.MODEL_NAME,
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)
