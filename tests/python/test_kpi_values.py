"""The KPI layer's values on the demo, checked against the registry and recomputed by hand.

The registry (seeds/metrics/kpi_registry.csv) says, per KPI, at which grains and slices the
layer holds it; kpi_values must hold exactly those. A few values are recomputed here from
the sessions and orders, written from the catalogue's definitions, not from the models.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOT, query

pytestmark = pytest.mark.integration

REGISTRY = ROOT / "seeds" / "metrics" / "kpi_registry.csv"


def _registry() -> list[dict[str, str]]:
    with Path(REGISTRY).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _value(db, kpi_id, grain, start, slice_kind="total", slice_value="all"):
    rows = query(
        db,
        "select kpi_value from metrics.kpi_values "
        f"where kpi_id = '{kpi_id}' and period_grain = '{grain}' "
        f"and period_start_date = '{start}' and slice_kind = '{slice_kind}' "
        f"and slice_value = '{slice_value}'",
    )
    assert len(rows) == 1, (kpi_id, grain, start, slice_kind, slice_value, rows)
    return rows[0][0]


def test_every_kpi_of_the_registry_has_values_on_the_demo(clean_warehouse):
    valued = dict(
        query(
            clean_warehouse,
            "select kpi_id, count(*) from metrics.kpi_values where kpi_value is not null "
            "group by kpi_id",
        )
    )
    missing = [row["kpi_id"] for row in _registry() if valued.get(row["kpi_id"], 0) == 0]
    assert missing == []


def test_the_registry_states_the_grains_and_slices_the_layer_holds(clean_warehouse):
    held = query(
        clean_warehouse,
        "select distinct kpi_id, period_grain, slice_kind from metrics.kpi_values",
    )
    held_grains = {(kpi, grain) for kpi, grain, _ in held}
    held_slices = {(kpi, slice_kind) for kpi, _, slice_kind in held}
    stated_grains, stated_slices = set(), set()
    for row in _registry():
        stated_grains |= {(row["kpi_id"], grain) for grain in row["grains"].split("|")}
        stated_slices |= {(row["kpi_id"], kind) for kind in row["slices"].split("|")}
    assert held_grains == stated_grains
    assert held_slices == stated_slices


def test_organic_share_of_a_month_is_its_human_sessions_share(clean_warehouse):
    organic, sessions = query(
        clean_warehouse,
        "select count(*) filter (where channels.is_organic), count(*) "
        "from marts.fct_sessions as sessions "
        "join reference.channels as channels on sessions.channel = channels.channel "
        "where not sessions.is_bot and sessions.session_date between '2025-03-01' and '2025-03-31'",
    )[0]
    assert _value(clean_warehouse, "organic_share", "month", "2025-03-01") == pytest.approx(
        organic / sessions, abs=1e-12
    )


def test_gmv_aov_and_buyers_of_an_iso_week_come_from_its_paid_orders(clean_warehouse):
    monday = dt.date(2025, 11, 10)  # the Double 11 week
    orders = query(
        clean_warehouse,
        "select customer_id, gmv_cny, net_revenue_cny from marts.fct_orders "
        f"where is_paid and paid_date between '{monday}' and '{monday + dt.timedelta(days=6)}'",
    )
    gmv = sum(row[1] for row in orders)
    net = sum(row[2] for row in orders)
    assert _value(clean_warehouse, "gmv", "week", monday) == pytest.approx(float(gmv), abs=1e-6)
    assert _value(clean_warehouse, "aov", "week", monday) == pytest.approx(
        float(net) / len(orders), abs=1e-9
    )
    assert _value(clean_warehouse, "buying_customers", "week", monday) == len(
        {row[0] for row in orders}
    )


def test_weekly_uv_counts_a_visitor_once(clean_warehouse):
    monday = dt.date(2025, 6, 16)
    visitors = query(
        clean_warehouse,
        "select count(distinct visitor_id) from marts.fct_sessions where not is_bot and "
        f"session_date between '{monday}' and '{monday + dt.timedelta(days=6)}'",
    )[0][0]
    daily_sum = sum(
        _value(clean_warehouse, "uv", "day", monday + dt.timedelta(days=n)) for n in range(7)
    )
    assert _value(clean_warehouse, "uv", "week", monday) == visitors
    assert visitors < daily_sum  # some visitors come back within the week


def test_session_conversion_of_a_channel_week_is_pooled_over_its_sessions(clean_warehouse):
    monday = dt.date(2025, 6, 16)
    paying, sessions = query(
        clean_warehouse,
        "select count(*) filter (where reached_payment), count(*) from marts.fct_sessions "
        "where not is_bot and channel = 'douyin_ads' and "
        f"session_date between '{monday}' and '{monday + dt.timedelta(days=6)}'",
    )[0]
    assert _value(
        clean_warehouse, "session_conversion_rate", "week", monday, "channel", "douyin_ads"
    ) == pytest.approx(paying / sessions, abs=1e-12)


def test_channel_roi_of_a_month_is_the_monthly_review_roi(clean_warehouse):
    for channel, roi in query(
        clean_warehouse,
        "select channel, roi from marts.agg_channel_months where is_default_attribution_model "
        "and month_start_date = '2025-09-01' and spend_cny > 0",
    ):
        assert _value(clean_warehouse, "roi", "month", "2025-09-01", "channel", channel) == (
            pytest.approx(float(roi), rel=1e-9)
        )


def test_previous_period_and_last_year_are_the_values_of_those_periods(clean_warehouse):
    row = query(
        clean_warehouse,
        "select kpi_value, previous_value, last_year_value, change_vs_previous "
        "from metrics.kpi_values where kpi_id = 'net_revenue' and period_grain = 'month' "
        "and period_start_date = '2025-11-01' and slice_kind = 'total'",
    )[0]
    assert row[1] == _value(clean_warehouse, "net_revenue", "month", "2025-10-01")
    assert row[2] == _value(clean_warehouse, "net_revenue", "month", "2024-11-01")
    assert row[3] == pytest.approx(row[0] - row[1])
    week = query(
        clean_warehouse,
        "select last_year_value from metrics.kpi_values where kpi_id = 'sessions' and "
        "period_grain = 'week' and period_start_date = '2025-11-10' and slice_kind = 'total'",
    )[0][0]
    # The ISO week 52 weeks earlier starts on the same weekday.
    assert week == _value(clean_warehouse, "sessions", "week", "2024-11-11")


def test_growth_kpis_are_the_change_on_the_same_month_last_year(clean_warehouse):
    this_year = _value(clean_warehouse, "buying_customers", "month", "2025-06-01")
    last_year = _value(clean_warehouse, "buying_customers", "month", "2024-06-01")
    assert _value(clean_warehouse, "customer_growth_yoy", "month", "2025-06-01") == (
        pytest.approx(this_year / last_year - 1)
    )


def test_refund_dependent_values_of_the_last_days_are_provisional(clean_warehouse):
    window_days = query(
        clean_warehouse, "select provisional_days from metrics.int_kpi_reporting_window"
    )[0][0]
    lags = sorted(
        row[0]
        for row in query(
            clean_warehouse,
            "select cast(refunds.refunded_at as date) - orders.paid_date "
            "from staging.stg_shop__refunds as refunds "
            "join marts.fct_orders as orders on refunds.order_id = orders.order_id "
            "where orders.is_paid",
        )
    )
    # The 90th percentile of the payment-to-refund days, rounded up (catalogue section 11).
    position = 0.9 * (len(lags) - 1)
    low = lags[int(position)]
    high = lags[min(int(position) + 1, len(lags) - 1)]
    assert window_days == int(-(-(low + (high - low) * (position - int(position))) // 1))
    flags = dict(
        query(
            clean_warehouse,
            "select kpi_id, is_provisional from metrics.kpi_values where period_grain = 'day' "
            "and period_start_date = '2025-12-31' and slice_kind = 'total' "
            "and kpi_id in ('net_revenue', 'gmv')",
        )
    )
    assert flags == {"net_revenue": True, "gmv": False}
    assert not _value_flag(clean_warehouse, "net_revenue", "2025-12-31", window_days)


def _value_flag(db, kpi_id, last_day, window_days):
    """Provisional flag of the last day just outside the refund window."""
    outside = dt.date.fromisoformat(last_day) - dt.timedelta(days=window_days)
    return query(
        db,
        "select is_provisional from metrics.kpi_values where kpi_id = "
        f"'{kpi_id}' and period_grain = 'day' and period_start_date = '{outside}' "
        "and slice_kind = 'total'",
    )[0][0]
