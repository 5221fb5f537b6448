"""metrics.kpi_data_freshness, the one row every report page reads its date range and
refresh time from: the data's bounds come from the marts, refreshed_at from the build."""

from __future__ import annotations

import datetime as dt

from conftest import copy_warehouse, query, run_dbt


def test_bounds_are_the_marts_first_and_last_days(published_demo):
    ((start, end, last_paid, last_session, refreshed),) = query(
        published_demo,
        "select data_start_date, data_end_date, last_paid_at, last_session_started_at,"
        " refreshed_at from metrics.kpi_data_freshness",
    )
    ((first_traffic_day, last_paid_at, last_started_at),) = query(
        published_demo,
        "select (select min(date_day) from marts.agg_traffic_days),"
        " (select max(paid_at) from marts.fct_orders where is_paid),"
        " (select max(started_at) from marts.fct_sessions)",
    )
    assert start == first_traffic_day
    assert last_paid == last_paid_at
    assert last_session == last_started_at
    assert end == max(last_paid_at.date(), last_started_at.date())
    # Built by this test session: within the last day (UTC), not in the future.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert now - dt.timedelta(days=1) < refreshed <= now


def test_source_date_epoch_pins_the_refresh_time(published_demo, tmp_path, monkeypatch):
    db = copy_warehouse(published_demo, tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00:00 UTC
    run_dbt(db, "run", "--select", "kpi_data_freshness")
    assert query(db, "select refreshed_at from metrics.kpi_data_freshness") == [
        (dt.datetime(2026, 1, 1, 0, 0, 0),)
    ]
