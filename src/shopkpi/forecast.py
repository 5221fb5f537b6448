"""Daily GMV forecast: a seasonal ARIMA on log GMV with the campaign calendar as regressors.

The model is statsmodels' SARIMAX: log(1 + GMV) follows an ARMA(1, 1) around a constant
plus the calendar effects (warm-up, burst, tail, a festival's big day, a live stream), with
a weekly seasonal AR term. Forecasts and their interval come back on the GMV scale
(exp − 1 of the log-scale mean and bounds, so the centre is the median forecast).

The back-test replays weekly origins: parameters are estimated once on the history before
the first origin, then each origin filters the data up to it with those parameters and
forecasts the next days, beside the seasonal-naive forecast (the same weekday one week
earlier) that a model must beat to be worth its keep.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

FEATURES = ("is_warmup", "is_burst", "is_tail", "is_event_day", "is_live_stream")
MODEL_NAME = "sarimax_log_gmv_calendar"
ORDER = (1, 0, 1)
SEASONAL_ORDER = (1, 0, 0, 7)
# Fewer days of history than this and no forecast is made (the weekly term needs weeks).
MIN_HISTORY_DAYS = 56
MAX_ITERATIONS = 50


@dataclass(frozen=True)
class Forecast:
    """Forecasts for the days after the history (GMV scale), or why there are none."""

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    not_forecast_reason: str | None = None


def _regressors(features: np.ndarray, used: np.ndarray) -> np.ndarray | None:
    return features[:, used] if used.any() else None


def _used_features(features: np.ndarray) -> np.ndarray:
    """Calendar columns that vary in the history: a flag never raised cannot be estimated."""
    return features.std(axis=0) > 0


def fit(gmv: np.ndarray, features: np.ndarray):
    """Fit the model on a history of daily GMV and its calendar; the fitted results."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    used = _used_features(features)
    model = SARIMAX(
        np.log1p(gmv),
        exog=_regressors(features, used),
        order=ORDER,
        seasonal_order=SEASONAL_ORDER,
        trend="c",
        concentrate_scale=True,
    )
    with warnings.catch_warnings():
        # The search stops after MAX_ITERATIONS: on the demo's two years a longer search
        # moves the back-test error by under 1% and costs ten times the build time.
        warnings.simplefilter("ignore")
        results = model.fit(disp=False, method="lbfgs", maxiter=MAX_ITERATIONS)
    return results, used


def _predict(results, used, future_features, level) -> Forecast:
    exog = _regressors(future_features, used)
    prediction = results.get_forecast(len(future_features), exog=exog)
    bounds = np.asarray(prediction.conf_int(alpha=1 - level))
    mean = np.asarray(prediction.predicted_mean)
    return Forecast(
        mean=np.maximum(np.expm1(mean), 0),
        lower=np.maximum(np.expm1(bounds[:, 0]), 0),
        upper=np.maximum(np.expm1(bounds[:, 1]), 0),
    )


def forecast(
    gmv: np.ndarray, features: np.ndarray, future_features: np.ndarray, level: float
) -> Forecast:
    """Forecast the days of ``future_features`` after the history ``gmv``."""
    horizon = len(future_features)
    if len(gmv) < MIN_HISTORY_DAYS:
        empty = np.full(horizon, np.nan)
        return Forecast(empty, empty, empty, f"fewer than {MIN_HISTORY_DAYS} days of history")
    results, used = fit(gmv, features)
    return _predict(results, used, future_features, level)


def seasonal_naive(gmv: np.ndarray, origin: int, horizon: int) -> np.ndarray:
    """The same weekday of the last week before ``origin``, for each of the next days."""
    return np.array([gmv[origin - 7 + (step % 7)] for step in range(horizon)])


@dataclass(frozen=True)
class BacktestRow:
    origin: int
    step: int
    actual: float
    forecast: float
    lower: float
    upper: float
    naive: float


def backtest(
    gmv: np.ndarray, features: np.ndarray, origins: list[int], horizon: int, level: float
) -> list[BacktestRow]:
    """Forecast ``horizon`` days from each origin (an index into ``gmv``: the first day not
    seen), with parameters estimated once on the days before the first origin."""
    origins = [o for o in origins if o >= MIN_HISTORY_DAYS and o + horizon <= len(gmv)]
    if not origins:
        return []
    results, used = fit(gmv[: origins[0]], features[: origins[0]])
    rows = []
    for origin in origins:
        filtered = results.apply(np.log1p(gmv[:origin]), exog=_regressors(features[:origin], used))
        predicted = _predict(filtered, used, features[origin : origin + horizon], level)
        naive = seasonal_naive(gmv, origin, horizon)
        for step in range(horizon):
            rows.append(
                BacktestRow(
                    origin=origin,
                    step=step + 1,
                    actual=float(gmv[origin + step]),
                    forecast=float(predicted.mean[step]),
                    lower=float(predicted.lower[step]),
                    upper=float(predicted.upper[step]),
                    naive=float(naive[step]),
                )
            )
    return rows


def weekly_origins(history_days: int, weeks: int, horizon: int) -> list[int]:
    """The last ``weeks`` origins, one every 7 days, whose horizon ends inside the history."""
    last = history_days - horizon
    return sorted(last - 7 * k for k in range(weeks) if last - 7 * k >= MIN_HISTORY_DAYS)
