"""RFM, lifecycle and reactivation marts against independent computations from the orders,
and on degenerate histories (one day of data, no repeat customer)."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, SINGLE_DAY, query

pytestmark = pytest.mark.integration

DORMANT_AFTER_DAYS = 90
MONETISATION_MIN_ORDERS = 3
MONETISATION_MIN_M_SCORE = 4
CHURN_CYCLE_MULTIPLE = 2


def _quintile_scores(values: dict[str, object], higher_is_better: bool) -> dict[str, int]:
    """1 + floor(5 x customers with a strictly worse value / customers), in integers."""
    ordered = sorted(values.values())
    n = len(ordered)
    scores = {}
    for key, value in values.items():
        if higher_is_better:
            worse = bisect_left(ordered, value)
        else:
            worse = n - bisect_right(ordered, value)
        scores[key] = 1 + (5 * worse) // n
    return scores


def _segment_rules() -> list[dict]:
    path = ROOT / "seeds" / "reference" / "rfm_segments.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda row: (int(row["priority"]), row["segment_code"]))


def _segment(rules: list[dict], r: int, f: int, m: int) -> str:
    for rule in rules:
        if (
            int(rule["r_score_min"]) <= r <= int(rule["r_score_max"])
            and int(rule["f_score_min"]) <= f <= int(rule["f_score_max"])
            and int(rule["m_score_min"]) <= m <= int(rule["m_score_max"])
        ):
            return rule["segment_code"]
    raise AssertionError(f"no segment rule covers {r}{f}{m}")


def _paid_orders(db: Path) -> list[tuple]:
    return query(
        db,
        "select customer_id, order_id, paid_at, cast(paid_at as date), net_revenue_cny "
        "from marts.fct_orders where is_paid order by customer_id, paid_at, order_id",
    )


def _expected_rfm(orders: list[tuple], as_of: dt.date) -> dict[str, dict]:
    by_customer: dict[str, list[tuple]] = defaultdict(list)
    for customer_id, _, _, paid_date, net_revenue in orders:
        if paid_date <= as_of:
            by_customer[customer_id].append((paid_date, net_revenue))
    rfm = {
        customer_id: {
            "recency": (as_of - max(day for day, _ in rows)).days,
            "frequency": len(rows),
            "monetary": sum((amount for _, amount in rows), Decimal(0)),
        }
        for customer_id, rows in by_customer.items()
    }
    for measure, key, higher in (("r", "recency", False), ("f", "frequency", True)) + (
        ("m", "monetary", True),
    ):
        scores = _quintile_scores({c: v[key] for c, v in rfm.items()}, higher)
        for customer_id, score in scores.items():
            rfm[customer_id][measure] = score
    rules = _segment_rules()
    for values in rfm.values():
        values["segment"] = _segment(rules, values["r"], values["f"], values["m"])
    return rfm


def test_rfm_scores_and_segments_match_an_independent_computation(clean_warehouse):
    db = clean_warehouse
    orders = _paid_orders(db)
    as_of = max(order[3] for order in orders)
    expected = _expected_rfm(orders, as_of)
    actual = {
        row[0]: {
            "recency": row[1],
            "frequency": row[2],
            "monetary": row[3],
            "r": row[4],
            "f": row[5],
            "m": row[6],
            "segment": row[7],
        }
        for row in query(
            db,
            "select customer_id, recency_days, frequency, monetary_cny, r_score, f_score, "
            "m_score, segment_code from marts.snap_customer_rfm",
        )
    }
    assert actual == expected
    # The demo has a realistic spread: every score is used for R and M, F is tied.
    assert {v["r"] for v in actual.values()} == {1, 2, 3, 4, 5}
    assert {v["f"] for v in actual.values() if v["frequency"] == 1} == {1}


def test_lifecycle_stages_and_churn_warning_match_the_decision_log(clean_warehouse):
    db = clean_warehouse
    orders = _paid_orders(db)
    as_of = max(order[3] for order in orders)
    rfm = _expected_rfm(orders, as_of)

    intervals: dict[str, list[int]] = defaultdict(list)
    previous: dict[str, dt.date] = {}
    for customer_id, _, _, paid_date, _ in orders:  # sorted by customer, paid_at, order_id
        if paid_date > as_of:
            continue
        if customer_id in previous:
            intervals[customer_id].append((paid_date - previous[customer_id]).days)
        previous[customer_id] = paid_date
    by_segment: dict[str, list[int]] = defaultdict(list)
    for customer_id, days in intervals.items():
        by_segment[rfm[customer_id]["segment"]].extend(days)
    all_intervals = [d for days in intervals.values() for d in days]
    shop_median = statistics.median(all_intervals) if all_intervals else None

    registered = query(db, "select customer_id, registered_date from marts.dim_customers")
    expected = {}
    for customer_id, registered_date in registered:
        values = rfm.get(customer_id)
        if values is None:
            if registered_date is None or registered_date <= as_of:
                expected[customer_id] = ("acquisition", None, False)
            continue
        if values["recency"] > DORMANT_AFTER_DAYS:
            stage = "dormant"
        elif values["frequency"] == 1:
            stage = "activation"
        elif (
            values["frequency"] >= MONETISATION_MIN_ORDERS
            or values["m"] >= MONETISATION_MIN_M_SCORE
        ):
            stage = "monetisation"
        else:
            stage = "retention"
        own = intervals.get(customer_id, [])
        segment_days = by_segment.get(values["segment"])
        if len(own) >= 2:
            cycle = statistics.median(own)
        elif segment_days:
            cycle = statistics.median(segment_days)
        else:
            cycle = shop_median
        warning = (
            stage != "dormant"
            and cycle is not None
            and values["recency"] > CHURN_CYCLE_MULTIPLE * cycle
        )
        expected[customer_id] = (stage, cycle, warning)

    actual = {
        row[0]: (row[1], row[2], row[3])
        for row in query(
            db,
            "select customer_id, lifecycle_stage, expected_cycle_days, is_churn_warning "
            "from marts.snap_customer_lifecycle",
        )
    }
    assert actual.keys() == expected.keys()
    for customer_id, (stage, cycle, warning) in expected.items():
        got = actual[customer_id]
        assert got[0] == stage, customer_id
        assert got[1] == (None if cycle is None else pytest.approx(cycle)), customer_id
        assert got[2] == warning, customer_id
    stages = {stage for stage, _, _ in actual.values()}
    assert stages == {"acquisition", "activation", "retention", "monetisation", "dormant"}
    assert any(warning for _, _, warning in actual.values())


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_reactivation_rate_matches_order_histories(clean_warehouse):
    db = clean_warehouse
    orders = _paid_orders(db)
    as_of = max(order[3] for order in orders)
    paid_days: dict[str, list[dt.date]] = defaultdict(list)
    for customer_id, _, _, paid_date, _ in orders:
        if paid_date <= as_of:
            paid_days[customer_id].append(paid_date)

    expected = {}
    month = _month_start(min(day for days in paid_days.values() for day in days))
    while month <= as_of:
        previous_end = month - dt.timedelta(days=1)
        month_end = min(_next_month(month) - dt.timedelta(days=1), as_of)
        dormant = reactivated = 0
        for days in paid_days.values():
            before = [day for day in days if day <= previous_end]
            if before and (previous_end - max(before)).days > DORMANT_AFTER_DAYS:
                dormant += 1
                if any(month <= day <= month_end for day in days):
                    reactivated += 1
        expected[month] = (dormant, reactivated, reactivated / dormant if dormant else None)
        month = _next_month(month)

    actual = {
        row[0]: (row[1], row[2], row[3])
        for row in query(
            db,
            "select month_start_date, dormant_customers_at_start, reactivated_customers, "
            "reactivation_rate from marts.agg_reactivation_months",
        )
    }
    assert actual.keys() == expected.keys()
    for month, (dormant, reactivated, rate) in expected.items():
        assert actual[month][:2] == (dormant, reactivated), month
        assert actual[month][2] == pytest.approx(rate), month
    assert sum(dormant for dormant, _, _ in expected.values()) > 0


# Degenerate histories: the single-day and no-repeat-buyer shops of conftest.py, built with
# every model and test.


def _buyers(db: Path) -> int:
    return query(db, "select count(distinct customer_id) from marts.fct_orders where is_paid")[0][0]


def test_single_day_rfm_has_every_buyer_at_recency_0_and_r_score_1(single_day_warehouse):
    db = single_day_warehouse
    buyers = _buyers(db)
    assert buyers > 0
    rfm = query(
        db,
        "select count(*), min(recency_days), max(recency_days), max(r_score), "
        "count(distinct m_score) from marts.snap_customer_rfm",
    )[0]
    # Everybody bought on the as-of day: recency ties at 0, so R is 1 for all; M still
    # spreads over the five scores.
    assert rfm == (buyers, 0, 0, 1, 5)


def test_single_day_rfm_months_have_one_row_per_buyer(single_day_warehouse):
    db = single_day_warehouse
    buyers = _buyers(db)
    assert buyers > 0
    assert query(db, "select count(*) from marts.snap_customer_rfm_months")[0][0] == buyers


def test_single_day_reactivation_is_one_month_without_dormant_customers(single_day_warehouse):
    months = query(
        single_day_warehouse,
        "select month_start_date, buyers_at_start, dormant_customers_at_start, "
        "reactivation_rate from marts.agg_reactivation_months",
    )
    assert months == [(dt.date.fromisoformat(SINGLE_DAY).replace(day=1), 0, 0, None)]


def test_single_day_lifecycle_has_every_buyer_and_none_dormant(single_day_warehouse):
    db = single_day_warehouse
    stages = dict(
        query(
            db,
            "select lifecycle_stage, count(*) from marts.snap_customer_lifecycle "
            "where is_buyer group by all",
        )
    )
    buyers = _buyers(db)
    assert buyers > 0
    assert "dormant" not in stages
    assert sum(stages.values()) == buyers


def test_no_repeat_rfm_frequency_and_f_score_are_1(no_repeat_warehouse):
    rfm = query(
        no_repeat_warehouse,
        "select count(*), max(frequency), max(f_score) from marts.snap_customer_rfm",
    )[0]
    assert rfm[0] > 0
    assert rfm[1:] == (1, 1)


def test_no_repeat_lifecycle_has_no_cycle_no_churn_warning_and_no_repeat_stage(
    no_repeat_warehouse,
):
    lifecycle = query(
        no_repeat_warehouse,
        "select count(*) filter (where expected_cycle_days is not null), "
        "count(*) filter (where is_churn_warning), "
        "count(*) filter (where lifecycle_stage in ('retention', 'monetisation')) "
        "from marts.snap_customer_lifecycle",
    )[0]
    assert lifecycle == (0, 0, 0)


def test_no_repeat_reactivation_months_have_dormant_but_no_reactivated_customers(
    no_repeat_warehouse,
):
    reactivation = query(
        no_repeat_warehouse,
        "select count(*), sum(reactivated_customers), max(dormant_customers_at_start) "
        "from marts.agg_reactivation_months",
    )[0]
    assert reactivation[0] > 1
    assert reactivation[1] == 0
    assert reactivation[2] > 0
