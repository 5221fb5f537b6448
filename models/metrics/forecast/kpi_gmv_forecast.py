"""One row per day to forecast: GMV for the forecast_horizon_days after the last day with
data, with an interval, from src/shopkpi/forecast.py fitted on the whole history."""

import pyarrow as pa

from shopkpi import forecast

SCHEMA = pa.schema(
    [
        ("forecast_date", pa.date32()),
        ("horizon_days", pa.int64()),
        ("gmv_forecast_cny", pa.float64()),
        ("gmv_lower_cny", pa.float64()),
        ("gmv_upper_cny", pa.float64()),
        ("interval_level", pa.float64()),
        ("trained_through_date", pa.date32()),
        ("model_name", pa.string()),
        ("is_campaign_day", pa.bool_()),
        ("not_forecast_reason", pa.string()),
    ]
)


def _cents(value):
    return None if value != value else round(float(value), 2)


def _days(dbt):
    """The forecast's days in date order, dates as datetime.date."""
    days = dbt.ref("int_kpi_gmv_forecast_days").order("date_day").fetchnumpy()
    days["date_day"] = days["date_day"].astype("datetime64[D]").astype(object)
    return days


def model(dbt, session):
    level = float(dbt.config.get("forecast_interval_level"))
    days = _days(dbt)
    history = days["is_history"].astype(bool)
    features = forecast.np.column_stack([days[name].astype(float) for name in forecast.FEATURES])
    gmv = days["gmv_cny"][history].astype(float)
    result = forecast.forecast(gmv, features[history], features[~history], level)
    dates = days["date_day"]
    trained_through = dates[history][-1] if history.any() else None
    rows = []
    for step, index in enumerate(forecast.np.flatnonzero(~history)):
        rows.append(
            {
                "forecast_date": dates[index],
                "horizon_days": step + 1,
                "gmv_forecast_cny": _cents(result.mean[step]),
                "gmv_lower_cny": _cents(result.lower[step]),
                "gmv_upper_cny": _cents(result.upper[step]),
                "interval_level": level,
                "trained_through_date": trained_through,
                "model_name": forecast.MODEL_NAME,
                "is_campaign_day": bool(features[index].any()),
                "not_forecast_reason": result.not_forecast_reason,
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)
