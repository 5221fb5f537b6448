"""The whole project builds on degenerate shops, and the customer marts say "not yet" with
nulls instead of failing: (a) no customer ever orders twice, (b) a single day of data.

Both shops are cut from the embedded demo (src/shopkpi/demo) with referential integrity kept:
customers and products stay whole, every other table keeps only rows of the kept orders,
sessions and days. Each is loaded like a shop's own files and built with every model and
test (the session fixtures ``no_repeat_warehouse`` and ``single_day_warehouse`` of
conftest.py), so any model that divides by zero or needs a non-empty window fails here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import MARTS, SINGLE_DAY, query

pytestmark = pytest.mark.integration

# every mart ---------------------------------------------------------------------------------

SHOPS = {"no_repeat": "no_repeat_warehouse", "single_day": "single_day_warehouse"}
# The marts each shop builds empty, and why. Every other mart has rows.
EMPTY_MARTS = {
    "no_repeat": {
        "dq_quarantine": "no row of the demo breaks a rule",
    },
    "single_day": {
        "dq_quarantine": "no row of the demo breaks a rule",
        "mdl_customer_btyd_calibration": "nobody bought before the calibration period ended",
        "fct_reviews": "no order of the day was reviewed the same day",
    },
}


def _mart_rows(shop: str, mart: str, request: pytest.FixtureRequest) -> int:
    db = request.getfixturevalue(SHOPS[shop])
    return query(db, f"select count(*) from marts.{mart}")[0][0]


@pytest.mark.parametrize("shop", SHOPS)
def test_shop_builds_every_mart_of_the_project(shop, request):
    db = request.getfixturevalue(SHOPS[shop])
    built = query(
        db, "select table_name from information_schema.tables where table_schema = 'marts'"
    )
    assert sorted(table for (table,) in built) == MARTS


@pytest.mark.parametrize(
    ("shop", "mart"),
    [
        pytest.param(shop, mart, id=f"{shop}-{mart}")
        for shop in SHOPS
        for mart in MARTS
        if mart not in EMPTY_MARTS[shop]
    ],
)
def test_mart_reads_and_has_rows(shop, mart, request):
    assert _mart_rows(shop, mart, request) > 0, f"marts.{mart} is empty on the {shop} shop"


@pytest.mark.parametrize(
    ("shop", "mart"),
    [
        pytest.param(shop, mart, id=f"{shop}-{mart}")
        for shop, marts in EMPTY_MARTS.items()
        for mart in marts
    ],
)
def test_mart_reads_and_is_empty(shop, mart, request):
    rows = _mart_rows(shop, mart, request)
    assert rows == 0, f"marts.{mart} has {rows} rows on the {shop} shop: {EMPTY_MARTS[shop][mart]}"


# (a) nobody buys twice ---------------------------------------------------------------------


def test_no_repeat_shop_has_no_second_paid_order(no_repeat_warehouse):
    assert query(no_repeat_warehouse, "select max(paid_order_number) from marts.fct_orders") == [
        (1,)
    ]


def test_no_repeat_ltv_is_the_first_order(no_repeat_warehouse):
    rows = query(
        no_repeat_warehouse,
        """
        select count(*), max(paid_orders_to_date),
            count(*) filter (where is_30d_window_elapsed
                and net_revenue_30d_cny <> net_revenue_to_date_cny),
            count(*) filter (where is_180d_window_elapsed
                and gross_margin_180d_cny <> gross_margin_to_date_cny)
        from marts.snap_customer_ltv
        """,
    )
    customers, max_orders, mismatched_30d, mismatched_180d = rows[0]
    assert customers > 0 and max_orders == 1
    assert mismatched_30d == 0 and mismatched_180d == 0


def test_no_repeat_cohort_ltv_is_set_for_every_elapsed_window(no_repeat_warehouse):
    missing_ltv = query(
        no_repeat_warehouse,
        "select count(*) from marts.agg_cohort_ltv "
        "where customers_30d_elapsed > 0 and ltv_net_revenue_30d_cny is null",
    )
    assert missing_ltv == [(0,)]


def test_no_repeat_retention_and_repurchase_are_zero_not_errors(no_repeat_warehouse):
    db = no_repeat_warehouse
    retention = query(
        db,
        """
        select months_since_first_order = 0, min(retention_rate), max(retention_rate),
            sum(active_customers)
        from marts.agg_cohort_retention group by 1 order by 1
        """,
    )
    later, first = retention
    assert later[1:3] == (0.0, 0.0) and later[3] == 0
    assert first[1:3] == (1.0, 1.0)
    repurchase = query(
        db,
        """
        select count(*), sum(repeat_customers), sum(customers_repurchasing_within_window),
            sum(repeat_orders), count(median_repurchase_cycle_days), max(repurchase_rate)
        from marts.agg_repurchase_periods
        """,
    )
    assert repurchase[0][0] > 0
    assert repurchase[0][1:] == (0, 0, 0, 0, 0.0)
    gen_z = query(
        db,
        "select count(*), count(median_repurchase_cycle_days), max(repurchase_rate) "
        "from marts.agg_gen_z_months where buying_customers > 0",
    )
    assert gen_z[0][0] > 0 and gen_z[0][1:] == (0, 0.0)


# (b) a single day of data ------------------------------------------------------------------


def test_single_day_shop_is_measured_as_of_its_day(single_day_warehouse):
    as_of = query(
        single_day_warehouse, "select as_of_date from intermediate.int_customer_value_as_of"
    )
    assert as_of == [(dt.date.fromisoformat(SINGLE_DAY),)]


def test_single_day_windows_are_open_and_null(single_day_warehouse):
    db = single_day_warehouse
    ltv = query(
        db,
        """
        select count(*), max(days_since_first_order),
            count(*) filter (where is_30d_window_elapsed or is_365d_window_elapsed),
            count(net_revenue_30d_cny) + count(gross_margin_30d_cny)
                + count(net_revenue_365d_cny) + count(gross_margin_365d_cny)
        from marts.snap_customer_ltv
        """,
    )
    assert ltv[0][0] > 0 and ltv[0][1:] == (0, 0, 0)
    cohort_ltv = query(
        db,
        """
        select count(*), sum(customers_30d_elapsed), sum(net_revenue_30d_cny),
            count(ltv_net_revenue_30d_cny) + count(ltv_gross_margin_365d_cny)
        from marts.agg_cohort_ltv
        """,
    )
    assert cohort_ltv[0][0] > 0 and cohort_ltv[0][1:] == (0, 0, 0)
    new_customer_retention = query(
        db,
        "select count(*), count(*) filter (where is_window_elapsed), count(retained_customers), "
        "count(retention_rate) from marts.agg_new_customer_retention",
    )
    assert new_customer_retention[0][0] > 0 and new_customer_retention[0][1:] == (0, 0, 0)


def test_single_day_periods_are_one_partial_month(single_day_warehouse):
    db = single_day_warehouse
    month = dt.date.fromisoformat(SINGLE_DAY[:8] + "01")
    assert query(
        db,
        "select distinct months_since_first_order, retention_rate, is_complete_month "
        "from marts.agg_cohort_retention",
    ) == [(0, 1.0, False)]
    assert query(
        db,
        "select period_grain, count(*) filter (where is_complete_period) "
        "from marts.agg_repurchase_periods where acquisition_channel = 'all' "
        "and customer_group = 'all' group by 1 order by 1",
    ) == [("month", 0), ("quarter", 0), ("year", 0)]
    member = query(
        db,
        "select month_start_date, bool_or(is_complete_month), round(sum(gmv_share), 9) "
        "from marts.agg_member_gmv_months group by 1",
    )
    assert member == [(month, False, 1.0)]
    assert query(
        db, "select month_start_date, count(*) from marts.agg_gen_z_months group by 1"
    ) == [(month, 2)]
