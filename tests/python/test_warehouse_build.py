"""End-to-end builds: dirty data is quarantined exactly as injected, nothing else changes."""

from __future__ import annotations

import pytest

from conftest import query

pytestmark = pytest.mark.integration

MART_TOTALS = """
    select
        count(*),
        sum(case when is_paid then 1 else 0 end),
        sum(gmv_cny) filter (where is_paid),
        sum(net_revenue_cny) filter (where is_paid),
        sum(cogs_cny) filter (where is_paid)
    from marts.fct_orders
"""


def test_dirty_build_quarantines_exactly_what_the_manifest_injected(dirty_demo, dirty_warehouse):
    _, manifest = dirty_demo
    counted = query(
        dirty_warehouse,
        "select source_table, dq_rule, count(*) from marts.dq_quarantine group by all",
    )
    actual = {}
    for table, rule, rows in counted:
        actual.setdefault(table, {})[rule] = rows
    expected = {t: dict(rules) for t, rules in manifest["injected"].items() if rules}
    assert actual == expected


def test_quarantined_rows_are_named_by_key(dirty_demo, dirty_warehouse):
    _, manifest = dirty_demo
    rows = set(
        query(dirty_warehouse, "select source_table, dq_rule, row_key from marts.dq_quarantine")
    )
    from shopkpi.contract import TABLES

    for table, injected in manifest["rows"].items():
        for row in injected:
            key = "|".join(
                "" if row["key"].get(c) is None else str(row["key"][c]) for c in TABLES[table].key
            )
            assert (table, row["rule"], key) in rows, (table, row)


def test_dirty_rows_change_no_mart_figure(dirty_warehouse, clean_warehouse):
    assert query(dirty_warehouse, MART_TOTALS) == query(clean_warehouse, MART_TOTALS)
    for table in ("dim_customers", "fct_sessions", "fct_ad_spend", "snap_inventory_days"):
        sql = f"select count(*) from marts.{table}"
        assert query(dirty_warehouse, sql) == query(clean_warehouse, sql), table


def test_scorecard_counts_received_kept_and_quarantined(dirty_warehouse):
    rows = query(
        dirty_warehouse,
        "select s.source_table, s.rows_received, s.rows_kept, sum(r.rows_quarantined) "
        "from marts.dq_scorecard as s join marts.dq_rule_counts as r using (source_table) "
        "group by all",
    )
    raw = dict(
        query(
            dirty_warehouse,
            " union all ".join(
                f"select '{t}', count(*) from raw.{t}"
                for t in ("customers", "orders", "order_items", "sessions", "events")
            ),
        )
    )
    for table, received, kept, quarantined in rows:
        assert received == kept + quarantined, table
        if table in raw:
            assert received == raw[table], table
