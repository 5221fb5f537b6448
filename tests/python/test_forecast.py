"""The GMV forecast: the model on made-up series whose answer is known, and on the demo its
back-test against the seasonal-naive baseline it must beat."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from conftest import query
from shopkpi import forecast

WEEK = np.array([1.0, 0.9, 0.95, 1.0, 1.1, 1.4, 1.3])


def _series(days: int, seed: int = 7, noise: float = 0.05):
    """Daily GMV of a shop with a weekly pattern, and a burst every 60 days that triples it."""
    rng = np.random.default_rng(seed)
    burst = np.array([(d % 60) in range(50, 55) for d in range(days)], dtype=float)
    features = np.zeros((days, len(forecast.FEATURES)))
    features[:, forecast.FEATURES.index("is_burst")] = burst
    level = 3000 * WEEK[np.arange(days) % 7] * (1 + 2 * burst)
    return level * np.exp(rng.normal(0, noise, days)), features, level


def test_the_forecast_follows_the_week_and_the_calendar():
    gmv, features, level = _series(300 + 7)
    result = forecast.forecast(gmv[:300], features[:300], features[300:], level=0.8)
    assert result.not_forecast_reason is None
    # Days 300..306: 290..294 was a burst, 300..306 are ordinary days (300 % 60 = 0).
    assert np.allclose(result.mean, level[300:], rtol=0.12)
    assert np.all(result.lower <= result.mean) and np.all(result.mean <= result.upper)


def test_a_planned_burst_lifts_the_forecast():
    gmv, features, level = _series(350 + 7)
    # Days 350..354 are a burst (350 % 60 = 50): the calendar says so ahead of time.
    result = forecast.forecast(gmv[:350], features[:350], features[350:], level=0.8)
    assert np.allclose(result.mean[:5], level[350:355], rtol=0.15)
    # Against the same weekdays without the burst (a third of the level), about three times.
    assert np.all(result.mean[:5] / (level[350:355] / 3) > 2.4)


def test_the_model_beats_seasonal_naive_when_campaigns_come_and_go():
    gmv, features, _ = _series(420)
    origins = forecast.weekly_origins(len(gmv), weeks=20, horizon=7)
    rows = forecast.backtest(gmv, features, origins, horizon=7, level=0.8)
    assert len(rows) == 20 * 7
    model_error = np.mean([abs(r.forecast - r.actual) for r in rows])
    naive_error = np.mean([abs(r.naive - r.actual) for r in rows])
    assert model_error < 0.6 * naive_error
    inside = np.mean([r.lower <= r.actual <= r.upper for r in rows])
    assert inside > 0.7


def test_seasonal_naive_is_the_same_weekday_a_week_before():
    gmv = np.arange(30, dtype=float)
    assert list(forecast.seasonal_naive(gmv, 21, 7)) == [14, 15, 16, 17, 18, 19, 20]
    assert list(forecast.seasonal_naive(gmv, 21, 9))[7:] == [14, 15]


def test_a_short_history_gets_no_forecast_and_a_reason():
    gmv, features, _ = _series(30)
    result = forecast.forecast(gmv[:23], features[:23], features[23:], level=0.8)
    assert np.isnan(result.mean).all()
    assert "days of history" in result.not_forecast_reason


@pytest.mark.integration
def test_the_demo_forecast_covers_the_next_seven_days(clean_warehouse):
    rows = query(
        clean_warehouse,
        "select forecast_date, horizon_days, gmv_lower_cny, gmv_forecast_cny, gmv_upper_cny, "
        "trained_through_date from metrics.kpi_gmv_forecast order by forecast_date",
    )
    last_day = query(clean_warehouse, "select max(paid_date) from marts.fct_orders")[0][0]
    assert [row[0] for row in rows] == [last_day + dt.timedelta(days=n) for n in range(1, 8)]
    assert [row[1] for row in rows] == list(range(1, 8))
    assert all(0 <= low <= mid <= high for _, _, low, mid, high, _ in rows)
    assert {row[5] for row in rows} == {last_day}


@pytest.mark.integration
def test_on_the_demo_the_model_beats_seasonal_naive(clean_warehouse):
    backtest = query(
        clean_warehouse,
        "select forecast_date, actual_gmv_cny, gmv_forecast_cny, seasonal_naive_cny, "
        "origin_date, horizon_days from metrics.kpi_gmv_forecast_backtest",
    )
    assert len(backtest) == 52 * 7
    # The actual GMV of each day, read from the orders, and the naive forecast from it.
    daily = dict(
        query(
            clean_warehouse,
            "select paid_date, sum(gmv_cny) from marts.fct_orders where is_paid group by paid_date",
        )
    )
    for day, actual, _, naive, origin, step in backtest:
        assert actual == pytest.approx(float(daily.get(day, 0)), abs=0.005)
        same_weekday_before = origin - dt.timedelta(days=7 - (step - 1) % 7)
        assert naive == pytest.approx(float(daily.get(same_weekday_before, 0)), abs=0.005)
    model_error = sum(abs(row[2] - row[1]) for row in backtest)
    naive_error = sum(abs(row[3] - row[1]) for row in backtest)
    assert model_error < naive_error
    summary = dict(
        query(
            clean_warehouse,
            "select forecast_method, mean_absolute_error_cny "
            "from metrics.kpi_gmv_forecast_accuracy",
        )
    )
    assert summary["seasonal_naive"] == pytest.approx(naive_error / len(backtest), rel=1e-9)
