"""The worked analyses in analyses/ compile with dbt and answer their question on the demo.

Every file is compiled by ``dbt compile`` (with the vars' defaults, and once more with each
var set) into a scratch folder of its own: compiling needs no data, so the shared demo
warehouse is never opened for writing. The compiled SQL then runs in a read-only connection
on ``clean_warehouse``, as an analyst runs it, and each answer is checked against the same
fact worked out separately from the core facts (orders, credits, spend, sessions) or from
the other mart the analysis reads.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, query, run_dbt

ANALYSES = sorted(path.stem for path in (ROOT / "analyses").glob("*.sql"))
STEPS = ("landing", "product_view", "add_to_cart", "checkout", "payment")
# The vars of the three questions, each set to a period other than its default.
CHOSEN_VARS = (
    "{analysis_week_start: '2025-11-12', analysis_month: '2025-09-20', analysis_event_year: 2024}"
)
CHOSEN_WEEK_START = dt.date(2025, 11, 10)  # the Monday of 2025-11-12's ISO week
CHOSEN_MONTH = dt.date(2025, 9, 1)
CHOSEN_EVENT_YEAR = 2024


def _compile(folder: Path, *args: str) -> dict[str, str]:
    """``dbt compile`` the analyses into ``folder`` (its own empty DuckDB file: compiling
    reads no data) and return each analysis's compiled SQL by name."""
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / "compile.duckdb"
    run_dbt(scratch, "compile", "--select", "resource_type:analysis", *args)
    compiled = folder / "target" / "compiled" / "shopkpi" / "analyses"
    return {path.stem: path.read_text(encoding="utf-8") for path in compiled.glob("*.sql")}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, str]:
    return _compile(tmp_path_factory.mktemp("analyses_default"))


@pytest.fixture(scope="module")
def compiled_with_vars(tmp_path_factory) -> dict[str, str]:
    return _compile(tmp_path_factory.mktemp("analyses_vars"), "--vars", CHOSEN_VARS)


def run_analysis(db: Path, sql: str) -> list[dict]:
    """The analysis's rows, in its order, as dicts by column name."""
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def scalar(db: Path, sql: str):
    return query(db, sql)[0][0]


# --------------------------------------------------------------------------- every analysis


def test_every_analysis_compiles(compiled):
    assert ANALYSES, "analyses/ holds no SQL file"
    assert sorted(compiled) == ANALYSES


@pytest.mark.parametrize("name", ANALYSES)
def test_every_analysis_runs_on_the_demo(clean_warehouse, compiled, name):
    rows = run_analysis(clean_warehouse, compiled[name])
    if name == "data_quality_overview":
        # one row per table x rule that quarantined rows: none on the clean demo
        expected = scalar(
            clean_warehouse, "select count(*) from marts.dq_rule_counts where rows_quarantined > 0"
        )
        assert len(rows) == expected
    else:
        assert rows, f"{name} returned no rows on the demo"


def test_daily_sales_adds_up_to_the_paid_orders(clean_warehouse, compiled):
    rows = run_analysis(clean_warehouse, compiled["daily_sales"])
    orders, revenue = query(
        clean_warehouse,
        "select count(*), sum(net_revenue_cny) from marts.fct_orders where is_paid",
    )[0]
    assert sum(r["paid_orders"] for r in rows) == orders
    assert sum(r["net_revenue_cny"] for r in rows) == revenue
    assert [r["paid_date"] for r in rows] == sorted(r["paid_date"] for r in rows)


# --------------------------------------------------------------------------- why did ROI drop


def latest_complete_week(db: Path) -> dt.date:
    """The Monday of the last ISO week whose seven days are all in the data."""
    last = scalar(db, "select max(date_day) from marts.dim_dates")
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def roi_inputs(db: Path, week_start: dt.date) -> tuple[dict, dict]:
    """The week's ad spend and last-touch credited net revenue per channel, from the spend rows
    and the order credits themselves."""
    week_end = week_start + dt.timedelta(days=6)
    spend = dict(
        query(
            db,
            "select channel, sum(spend_cny) from marts.fct_ad_spend "
            f"where spend_date between '{week_start}' and '{week_end}' group by channel",
        )
    )
    revenue = dict(
        query(
            db,
            "select channel, sum(attributed_net_revenue_cny) from marts.fct_order_attribution "
            f"where attribution_model = 'last_touch' "
            f"and paid_date between '{week_start}' and '{week_end}' group by channel",
        )
    )
    return spend, revenue


def check_roi_answer(db: Path, rows: list[dict], week_start: dt.date) -> None:
    prior_start = week_start - dt.timedelta(days=7)
    weeks = {"this": roi_inputs(db, week_start), "prior": roi_inputs(db, prior_start)}
    assert {r["week_start_date"] for r in rows} == {week_start}
    assert {r["prior_week_start_date"] for r in rows} == {prior_start}
    assert rows[0]["channel"] == "all_paid_channels"
    by_channel = {r["channel"]: r for r in rows[1:]}
    assert len(by_channel) == len(rows) - 1
    # one row per channel with spend in either week
    assert set(by_channel) == {
        channel for spend, _ in weeks.values() for channel, cny in spend.items() if cny > 0
    }

    for prefix, (spend, revenue) in weeks.items():
        for channel, row in by_channel.items():
            channel_spend, channel_revenue = spend.get(channel, 0), revenue.get(channel, 0)
            assert row[f"{prefix}_spend_cny"] == channel_spend, (channel, prefix)
            assert row[f"{prefix}_net_revenue_cny"] == channel_revenue, (channel, prefix)
            if channel_spend:
                roi = float(channel_revenue / channel_spend)
                assert math.isclose(row[f"{prefix}_roi"], roi, abs_tol=0.005), (channel, prefix)
            else:
                assert row[f"{prefix}_roi"] is None, (channel, prefix)
        total_spend = sum(spend.get(channel, 0) for channel in by_channel)
        total_revenue = sum(revenue.get(channel, 0) for channel in by_channel)
        assert rows[0][f"{prefix}_spend_cny"] == total_spend
        roi = float(total_revenue / total_spend)
        assert math.isclose(rows[0][f"{prefix}_roi"], roi, abs_tol=0.005), prefix

    # after the total, the biggest ROI fall first; channels without ROI in a week last
    changes = [r["roi_change"] for r in rows[1:]]
    known = [c for c in changes if c is not None]
    assert changes == sorted(known) + [None] * (len(changes) - len(known))

    for row in rows:
        # ROI = conversion x AOV / cost per visit, so the log contributions add up to the
        # log of the ROI ratio
        parts = (
            row["conversion_rate_log_contribution"],
            row["average_order_value_log_contribution"],
            row["cost_per_visit_log_contribution"],
        )
        if None not in parts:
            ratio = (row["this_net_revenue_cny"] / row["this_spend_cny"]) / (
                row["prior_net_revenue_cny"] / row["prior_spend_cny"]
            )
            assert math.isclose(sum(parts), math.log(ratio), abs_tol=5e-4), row["channel"]
            biggest = max(range(3), key=lambda i: (abs(parts[i]), -i))
            expected = ("conversion_rate", "average_order_value", "cost_per_visit")[biggest]
            assert row["main_factor"] == expected, row["channel"]
        elif row["prior_roi"] is None or row["this_roi"] is None:
            # no spend in one of the weeks: no ROI to compare
            assert row["main_factor"] is None, row["channel"]
        elif (row["prior_orders"] == 0) != (row["this_orders"] == 0):
            # no credited order in one of the weeks: conversion fell to (or rose from) zero
            assert row["main_factor"] == "conversion_rate", row["channel"]


def test_why_did_roi_drop_latest_complete_week(clean_warehouse, compiled):
    rows = run_analysis(clean_warehouse, compiled["why_did_roi_drop"])
    check_roi_answer(clean_warehouse, rows, latest_complete_week(clean_warehouse))


def test_why_did_roi_drop_chosen_week(clean_warehouse, compiled_with_vars):
    rows = run_analysis(clean_warehouse, compiled_with_vars["why_did_roi_drop"])
    check_roi_answer(clean_warehouse, rows, CHOSEN_WEEK_START)


# --------------------------------------------------------------------------- RFM segment shrank


def latest_complete_month(db: Path) -> dt.date:
    """The last month that ended on or before the customer-value as-of date."""
    as_of = scalar(db, "select max(as_of_date) from marts.snap_customer_rfm")
    month = as_of.replace(day=1)
    if (as_of + dt.timedelta(days=1)).day != 1:  # the as-of month is not over
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def check_rfm_answer(db: Path, rows: list[dict], month: dt.date) -> None:
    segments = query(
        db,
        "select segment_code, segment_name_en, segment_name_zh, action_en, action_zh "
        "from reference.rfm_segments",
    )
    assert sorted(r["segment_code"] for r in rows) == sorted(s[0] for s in segments)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    assert {(r["month_start_date"], r["previous_month_start_date"]) for r in rows} == {
        (month, previous)
    }
    by_segment = {r["segment_code"]: r for r in rows}
    for code, name_en, name_zh, action_en, action_zh in segments:
        row = by_segment[code]
        assert (row["segment_name_en"], row["segment_name_zh"]) == (name_en, name_zh)
        assert (row["action_en"], row["action_zh"]) == (action_en, action_zh)

    # the month's moves, counted from the customers' own snapshot rows
    moves = query(
        db,
        f"""
        select previous_segment_code, segment_code, count(*)
        from marts.snap_customer_rfm_months
        where month_start_date = '{month}'
        group by all
        """,
    )
    size_before, size_now = defaultdict(int), defaultdict(int)
    left, arrived, new = defaultdict(int), defaultdict(int), defaultdict(int)
    destinations: dict[str, dict[str, int]] = defaultdict(dict)
    for source, target, customers in moves:
        size_now[target] += customers
        if source is None:
            new[target] += customers
            continue
        size_before[source] += customers
        if source != target:
            left[source] += customers
            arrived[target] += customers
            destinations[source][target] = customers
    previous_sizes = dict(
        query(
            db,
            "select segment_code, count(*) from marts.snap_customer_rfm_months "
            f"where month_start_date = '{previous}' group by all",
        )
    )
    priority = dict(query(db, "select segment_code, priority from reference.rfm_segments"))
    for code, row in by_segment.items():
        assert row["previous_customers"] == size_before[code] == previous_sizes.get(code, 0)
        assert row["customers"] == size_now[code]
        assert row["customer_change"] == size_now[code] - size_before[code]
        assert (row["leavers"], row["arrivals"], row["new_buyers"]) == (
            left[code],
            arrived[code],
            new[code],
        )
        assert row["stayed"] + row["leavers"] == row["previous_customers"]
        assert (
            row["previous_customers"] - row["leavers"] + row["arrivals"] + row["new_buyers"]
            == row["customers"]
        )
        if destinations[code]:
            top = min(destinations[code], key=lambda t: (-destinations[code][t], priority[t]))
            assert row["top_destination_segment_code"] == top, code
            assert row["top_destination_customers"] == destinations[code][top]
            assert row["leaver_destinations"].startswith(row["top_destination_name_en"])
        else:
            assert row["top_destination_segment_code"] is None
    # biggest shrink first
    assert [r["customer_change"] for r in rows] == sorted(r["customer_change"] for r in rows)
    # and the segment-move mart agrees with the snapshot
    moved = query(
        db,
        "select coalesce(from_segment_code, ''), to_segment_code, customers "
        f"from marts.agg_rfm_segment_moves where month_start_date = '{month}'",
    )
    assert sorted(moved) == sorted((s or "", t, c) for s, t, c in moves)


def test_which_rfm_segment_shrank_latest_complete_month(clean_warehouse, compiled):
    rows = run_analysis(clean_warehouse, compiled["which_rfm_segment_shrank"])
    check_rfm_answer(clean_warehouse, rows, latest_complete_month(clean_warehouse))


def test_which_rfm_segment_shrank_chosen_month(clean_warehouse, compiled_with_vars):
    rows = run_analysis(clean_warehouse, compiled_with_vars["which_rfm_segment_shrank"])
    check_rfm_answer(clean_warehouse, rows, CHOSEN_MONTH)


# --------------------------------------------------------------------------- Double 11 funnel


def burst_and_baseline_days(db: Path, year: int) -> dict[str, dict[str, list[dt.date]]]:
    """Per channel of the year's Double 11 campaigns, the days of its burst and of the 28
    days before warm-up (var campaign_baseline_days), from dim_campaigns' own timestamps: a
    day belongs to the window running at its midnight."""
    campaigns = query(
        db,
        "select channel, warmup_starts_at, burst_starts_at, tail_starts_at "
        "from marts.dim_campaigns where campaign_event = 'double_11' "
        f"and year(campaign_event_date) = {year}",
    )
    assert campaigns
    days = [d for (d,) in query(db, "select date_day from marts.dim_dates order by 1")]
    windows: dict[str, dict[str, set]] = defaultdict(lambda: {"burst": set(), "baseline": set()})
    for channel, warmup, burst, tail in campaigns:
        baseline_start = warmup - dt.timedelta(days=28)
        for day in days:
            midnight = dt.datetime.combine(day, dt.time())
            if burst <= midnight < tail:
                windows[channel]["burst"].add(day)
            if baseline_start <= midnight < warmup:
                windows[channel]["baseline"].add(day)
    return {c: {p: sorted(d) for p, d in w.items()} for c, w in windows.items()}


def session_steps(db: Path, channel: str, days: list[dt.date]) -> tuple[int, ...]:
    """Human sessions of the channel on those days reaching each funnel step."""
    day_list = ", ".join(f"date '{d}'" for d in days)
    return tuple(
        int(v)
        for v in query(
            db,
            f"""
            select count(*), count(*) filter (where reached_product_view),
                count(*) filter (where reached_add_to_cart),
                count(*) filter (where reached_checkout), count(*) filter (where reached_payment)
            from marts.fct_sessions
            where not is_bot and channel = '{channel}' and session_date in ({day_list})
            """,
        )[0]
    )


def biggest_drop_off(counts: tuple[int, ...]) -> str:
    rates = [(counts[i] / counts[i - 1], i) for i in range(1, 5) if counts[i - 1]]
    return STEPS[min(rates)[1]]


def check_funnel_answer(db: Path, rows: list[dict], year: int) -> None:
    windows = burst_and_baseline_days(db, year)
    channels = sorted(windows)
    assert [r["channel"] for r in rows] == [
        c for c in ["all_festival_channels", *channels] for _ in STEPS
    ]
    assert [r["step"] for r in rows] == list(STEPS) * (len(channels) + 1)
    assert {r["campaign_event_date"] for r in rows} == {dt.date(year, 11, 11)}
    by_channel = defaultdict(list)
    for row in rows:
        by_channel[row["channel"]].append(row)

    totals = {"burst": [0] * 5, "baseline": [0] * 5}
    for channel in channels:
        steps = by_channel[channel]
        for phase in ("burst", "baseline"):
            days = windows[channel][phase]
            counts = session_steps(db, channel, days)
            assert tuple(r[f"{phase}_sessions"] for r in steps) == counts, (channel, phase)
            assert steps[0][f"{phase}_days"] == len(days)
            assert (steps[0][f"{phase}_start_date"], steps[0][f"{phase}_end_date"]) == (
                days[0],
                days[-1],
            )
            assert steps[0][f"{phase}_biggest_drop_off_step"] == biggest_drop_off(counts)
            totals[phase] = [t + c for t, c in zip(totals[phase], counts, strict=True)]
            for i in range(1, 5):
                rate = steps[i][f"{phase}_step_conversion_rate"]
                if counts[i - 1]:
                    assert math.isclose(rate, counts[i] / counts[i - 1], abs_tol=5e-5), channel
                else:
                    assert rate is None, channel
        flagged = [r["step"] for r in steps if r["is_burst_biggest_drop_off"]]
        assert flagged == [steps[0]["burst_biggest_drop_off_step"]]
    total = by_channel["all_festival_channels"]
    for phase in ("burst", "baseline"):
        assert [r[f"{phase}_sessions"] for r in total] == totals[phase]
        assert total[0][f"{phase}_biggest_drop_off_step"] == biggest_drop_off(tuple(totals[phase]))
    # a funnel never widens
    for steps in by_channel.values():
        for phase in ("burst", "baseline"):
            counts = [r[f"{phase}_sessions"] for r in steps]
            assert counts == sorted(counts, reverse=True)


def test_double_11_burst_funnel_latest_year(clean_warehouse, compiled):
    rows = run_analysis(clean_warehouse, compiled["double_11_burst_funnel"])
    year = scalar(
        clean_warehouse,
        "select max(year(campaign_event_date)) from marts.dim_campaigns "
        "where campaign_event = 'double_11'",
    )
    check_funnel_answer(clean_warehouse, rows, year)


def test_double_11_burst_funnel_chosen_year(clean_warehouse, compiled_with_vars):
    rows = run_analysis(clean_warehouse, compiled_with_vars["double_11_burst_funnel"])
    check_funnel_answer(clean_warehouse, rows, CHOSEN_EVENT_YEAR)
