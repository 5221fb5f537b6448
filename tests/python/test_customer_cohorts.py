"""Cohort marts checked against independent computations on the built demo warehouse.

Each test recomputes one cell in plain Python from fct_orders, fct_sessions and
dim_customers, written from the definitions in DECISIONLOG.md (LTV windows, retention,
repurchase), and compares it with the mart.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from conftest import query

pytestmark = pytest.mark.integration

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def shop(clean_warehouse):
    """Paid orders per customer (in payment order), the buyers' profile and the as-of date."""
    db = clean_warehouse
    as_of = query(db, "select as_of_date from intermediate.int_customer_value_as_of")[0][0]
    orders = defaultdict(list)
    for customer_id, paid_at, net, margin, gmv in query(
        db,
        "select customer_id, paid_at, net_revenue_cny, gross_margin_cny, gmv_cny "
        "from marts.fct_orders where is_paid order by customer_id, paid_at, order_id",
    ):
        if paid_at.date() <= as_of:
            orders[customer_id].append((paid_at.date(), net, margin, gmv))
    profile = {
        row[0]: row[1:]
        for row in query(
            db,
            "select customer_id, acquisition_channel, is_gen_z, member_tier "
            "from marts.dim_customers",
        )
    }
    return db, as_of, orders, profile


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def test_one_retention_cell_matches_a_hand_count(shop):
    db, _, orders, _ = shop
    cohort, months_since = dt.date(2025, 3, 1), 2
    cohort_customers = [c for c, o in orders.items() if o[0][0].replace(day=1) == cohort]
    active = [
        c
        for c in cohort_customers
        if any(_months_between(cohort, day) == months_since for day, *_ in orders[c])
    ]
    mart = query(
        db,
        "select sum(cohort_customers), sum(active_customers) from marts.agg_cohort_retention "
        f"where cohort_month = '{cohort}' and months_since_first_order = {months_since}",
    )[0]
    assert mart == (len(cohort_customers), len(active))
    assert len(active) > 0


def test_one_ltv_cell_counts_only_elapsed_windows(shop):
    db, as_of, orders, profile = shop
    # July at 180 days: the as-of date (2025-12-31) cuts through the cohort.
    cohort, days = dt.date(2025, 7, 1), 180
    elapsed, revenue, margin, cohort_size = 0, Decimal(0), Decimal(0), 0
    # the cohort's most common acquisition channel
    channel = Counter(
        profile[c][0] for c, paid in orders.items() if paid[0][0].replace(day=1) == cohort
    ).most_common(1)[0][0]
    for customer_id, paid in orders.items():
        first = paid[0][0]
        if first.replace(day=1) != cohort or profile[customer_id][0] != channel:
            continue
        cohort_size += 1
        if first + days * DAY <= as_of:
            elapsed += 1
            revenue += sum(n for d, n, _, _ in paid if d <= first + days * DAY)
            margin += sum(m for d, _, m, _ in paid if d <= first + days * DAY)
    mart = query(
        db,
        "select cohort_customers, customers_180d_elapsed, net_revenue_180d_cny, "
        "gross_margin_180d_cny, ltv_net_revenue_180d_cny from marts.agg_cohort_ltv "
        f"where cohort_month = '{cohort}' and acquisition_channel = '{channel}'",
    )[0]
    assert 0 < elapsed < cohort_size
    assert mart[:4] == (cohort_size, elapsed, revenue, margin)
    assert mart[4] == (revenue / elapsed).quantize(Decimal("0.01"))


def test_one_days_seven_day_retention_matches_sessions_and_orders(shop):
    db, _, orders, _ = shop
    day = dt.date(2025, 6, 18)
    new = {c for c, o in orders.items() if o[0][0] == day}
    activity = defaultdict(set)
    for customer_id, active_day in query(
        db,
        "select customer_id, session_date from marts.fct_sessions "
        "where customer_id is not null and not is_bot "
        "union all select customer_id, order_date from marts.fct_orders",
    ):
        activity[customer_id].add(active_day)
    retained = {c for c in new if any(day < d <= day + 7 * DAY for d in activity[c])}
    mart = query(
        db,
        "select sum(new_customers), sum(retained_customers) from marts.agg_new_customer_retention "
        f"where first_paid_date = '{day}'",
    )[0]
    assert mart == (len(new), len(retained))
    assert 0 < len(retained) < len(new)


def test_year_repurchase_and_cycle_match_a_hand_count(shop):
    db, as_of, orders, profile = shop
    year = as_of.year
    gaps, buyers, repeat, quick = [], 0, 0, 0
    for customer_id, paid in orders.items():
        if profile[customer_id][1] is not True:  # Gen-Z only: one rollup row to compare
            continue
        in_year = [i for i, (d, *_) in enumerate(paid) if d.year == year]
        if not in_year:
            continue
        buyers += 1
        repeat += len(in_year) >= 2
        year_gaps = [(paid[i][0] - paid[i - 1][0]).days for i in in_year if i > 0]
        quick += any(g <= 30 for g in year_gaps)
        gaps += year_gaps
    mart = query(
        db,
        "select buying_customers, repeat_customers, customers_repurchasing_within_window, "
        "repeat_orders, median_repurchase_cycle_days from marts.agg_repurchase_periods "
        f"where period_grain = 'year' and period_start_date = '{year}-01-01' "
        "and acquisition_channel = 'all' and customer_group = 'gen_z'",
    )[0]
    assert mart == (buyers, repeat, quick, len(gaps), statistics.median(gaps))


def test_one_months_member_gmv_share_matches_a_hand_sum(shop):
    db, _, orders, profile = shop
    month = dt.date(2025, 11, 1)
    gmv = defaultdict(Decimal)
    for customer_id, paid in orders.items():
        for day, _, _, order_gmv in paid:
            if day.replace(day=1) == month:
                gmv[profile[customer_id][2]] += order_gmv
    total = sum(gmv.values())
    mart = {
        tier: (tier_gmv, share)
        for tier, tier_gmv, share in query(
            db,
            "select member_tier, gmv_cny, gmv_share from marts.agg_member_gmv_months "
            f"where month_start_date = '{month}'",
        )
    }
    assert set(mart) >= set(gmv)
    for tier, (tier_gmv, share) in mart.items():
        assert tier_gmv == gmv.get(tier, Decimal(0))
        assert share == pytest.approx(float(gmv.get(tier, 0) / total), rel=1e-12)
