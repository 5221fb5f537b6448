"""The whole project builds on degenerate shops, and the customer marts say "not yet" with
nulls instead of failing: (a) no customer ever orders twice, (b) a single day of data.

Both shops are cut from the embedded demo (src/shopkpi/demo) with referential integrity kept:
customers and products stay whole, every other table keeps only rows of the kept orders,
sessions and days. Each is loaded like a shop's own files and built with every model and
test (`build_from_folder`), so any model that divides by zero or needs a non-empty window
fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, build_from_folder, query

pytestmark = pytest.mark.integration

DEMO = ROOT / "src" / "shopkpi" / "demo"
DAY = "2025-06-18"


def _csv(table: str) -> str:
    return f"read_csv('{DEMO / (table + '.csv')}', all_varchar = true, header = true)"


def _write(con: duckdb.DuckDBPyConnection, out: Path, tables: dict[str, str]) -> Path:
    """Write each table's SELECT as <out>/<table>.csv (text kept exactly as in the demo)."""
    out.mkdir(parents=True, exist_ok=True)
    for table, sql in tables.items():
        con.execute(f"copy ({sql}) to '{out / (table + '.csv')}' (header, delimiter ',')")
    return out


def _first_orders_only(out: Path) -> Path:
    """Every customer keeps only their earliest order (any status): nobody buys twice."""
    with duckdb.connect() as con:
        con.execute(
            f"""
            create table kept_orders as
            select * from {_csv("orders")}
            qualify row_number() over (
                partition by customer_id order by ordered_at, order_id
            ) = 1
            """
        )
        kept = "(select order_id from kept_orders)"
        return _write(
            con,
            out,
            {
                "orders": "select * from kept_orders",
                "order_items": f"select * from {_csv('order_items')} where order_id in {kept}",
                "refunds": f"select * from {_csv('refunds')} where order_id in {kept}",
                "reviews": f"select * from {_csv('reviews')} where order_id in {kept}",
                **{
                    table: f"select * from {_csv(table)}"
                    for table in (
                        "customers",
                        "products",
                        "sessions",
                        "events",
                        "campaigns",
                        "ad_spend",
                        "marketing_budgets",
                        "inventory_snapshots",
                    )
                },
            },
        )


def _single_day(out: Path, day: str = DAY) -> Path:
    """Only what happened on one shop day (orders created and, if paid, paid that day)."""
    on_day = f"left({{}}, 10) = '{day}'"
    with duckdb.connect() as con:
        con.execute(
            f"""
            create table kept_orders as
            select * from {_csv("orders")}
            where {on_day.format("ordered_at")}
                and (paid_at is null or {on_day.format("paid_at")})
            """
        )
        con.execute(
            f"create table kept_sessions as select * from {_csv('sessions')} "
            f"where {on_day.format('started_at')}"
        )
        orders = "(select order_id from kept_orders)"
        sessions = "(select session_id from kept_sessions)"
        return _write(
            con,
            out,
            {
                "customers": f"select * from {_csv('customers')}",
                "products": f"select * from {_csv('products')}",
                "campaigns": f"select * from {_csv('campaigns')}",
                "orders": "select * from kept_orders",
                "order_items": f"select * from {_csv('order_items')} where order_id in {orders}",
                "refunds": f"select * from {_csv('refunds')} where order_id in {orders} "
                f"and {on_day.format('refunded_at')}",
                "reviews": f"select * from {_csv('reviews')} where order_id in {orders} "
                f"and {on_day.format('reviewed_at')}",
                "sessions": "select * from kept_sessions",
                "events": f"select * from {_csv('events')} where session_id in {sessions} "
                f"and {on_day.format('occurred_at')}",
                "ad_spend": f"select * from {_csv('ad_spend')} where spend_date = '{day}'",
                "marketing_budgets": f"select * from {_csv('marketing_budgets')} "
                f"where budget_month = '{day[:8]}01'",
                "inventory_snapshots": f"select * from {_csv('inventory_snapshots')} "
                f"where snapshot_date = '{day}'",
            },
        )


@pytest.fixture(scope="module")
def no_repeat_warehouse(tmp_path_factory) -> Path:
    raw = _first_orders_only(tmp_path_factory.mktemp("no_repeat_raw"))
    return build_from_folder(raw, tmp_path_factory.mktemp("no_repeat_wh") / "wh.duckdb")


@pytest.fixture(scope="module")
def single_day_warehouse(tmp_path_factory) -> Path:
    raw = _single_day(tmp_path_factory.mktemp("single_day_raw"))
    return build_from_folder(raw, tmp_path_factory.mktemp("single_day_wh") / "wh.duckdb")


def _every_mart_reads(db: Path) -> dict[str, int]:
    tables = [
        row[0]
        for row in query(
            db,
            "select table_name from information_schema.tables where table_schema = 'marts'",
        )
    ]
    return {table: query(db, f"select count(*) from marts.{table}")[0][0] for table in tables}


# (a) nobody buys twice ---------------------------------------------------------------------


def test_no_repeat_shop_builds_and_every_mart_reads(no_repeat_warehouse):
    counts = _every_mart_reads(no_repeat_warehouse)
    assert counts["snap_customer_ltv"] > 0
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


def test_single_day_shop_builds_and_every_mart_reads(single_day_warehouse):
    counts = _every_mart_reads(single_day_warehouse)
    assert counts["snap_customer_ltv"] > 0
    as_of = query(
        single_day_warehouse, "select as_of_date from intermediate.int_customer_value_as_of"
    )
    assert as_of == [(dt.date.fromisoformat(DAY),)]


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
    month = dt.date.fromisoformat(DAY[:8] + "01")
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
