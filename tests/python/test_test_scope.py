"""Tests of a daily load read the late-arrival window (var test_scope, macros/test_scope.sql).

A duplicate event planted in a copy of the demo warehouse fails stg_shop__events' unique
test when every row is tested; planted before the window it passes with test_scope
'late_window', planted in the window it fails there too. The same holds for a model whose
window comes from another model (fct_order_items, by its order in fct_orders).
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from conftest import copy_warehouse, query, run_dbt
from shopkpi.build import PRODUCTION_EXCLUDES

pytestmark = pytest.mark.integration

EVENTS_UNIQUE = "unique_stg_shop__events_event_id"
ITEMS_UNIQUE = "unique_fct_order_items_order_item_id"


def _test(db, name: str, scope: str) -> subprocess.CompletedProcess:
    return run_dbt(
        db,
        "test",
        "--select",
        name,
        *PRODUCTION_EXCLUDES,
        "--vars",
        f"{{test_scope: {scope}}}",
        check=False,
    )


def _passes(db, name: str, scope: str) -> bool:
    result = _test(db, name, scope)
    # The one test ran (the on-run-start hooks count in dbt's totals too).
    assert f"1 of 1 START test {name} " in result.stdout, result.stdout[-3000:]
    return result.returncode == 0


def _window_start(db) -> str:
    (newest,) = query(db, "select max(occurred_at)::date from staging.stg_shop__events")[0]
    return str(newest)


def _plant_event(db, on_or_after: bool) -> str:
    """Copy one clean event (a new source line) dated well before the window, or on its
    newest day; return its event id."""
    order = "desc" if on_or_after else "asc"
    with duckdb.connect(str(db)) as con:
        (event_id,) = con.execute(
            f"select event_id from staging.base_shop__events where dq_rule is null "
            f"order by occurred_at {order}, event_id limit 1"
        ).fetchone()
        con.execute(
            "insert into staging.base_shop__events select * replace "
            "(dq_source_line + 1000000000 as dq_source_line) "
            "from staging.base_shop__events where event_id = ? and dq_rule is null",
            [event_id],
        )
    return event_id


@pytest.fixture(scope="module")
def planted(clean_warehouse, tmp_path_factory):
    """Two copies of the demo: one with a duplicate event before the window, one with a
    duplicate event (and order line) on the newest day."""
    old = copy_warehouse(clean_warehouse, tmp_path_factory.mktemp("scope_old"))
    new = copy_warehouse(clean_warehouse, tmp_path_factory.mktemp("scope_new"))
    _plant_event(old, on_or_after=False)
    _plant_event(new, on_or_after=True)
    with duckdb.connect(str(new)) as con:
        con.execute(
            "insert into marts.fct_order_items select * from marts.fct_order_items "
            "where order_id = (select order_id from marts.fct_orders "
            "order by ordered_at desc, order_id limit 1)"
        )
    return old, new


def test_a_duplicate_before_the_window_fails_only_the_full_scope(planted):
    old, _ = planted
    assert not _passes(old, EVENTS_UNIQUE, "all")
    assert _passes(old, EVENTS_UNIQUE, "late_window")


def test_a_duplicate_in_the_window_fails_both_scopes(planted):
    _, new = planted
    assert _window_start(new) == "2025-12-31"
    assert not _passes(new, EVENTS_UNIQUE, "late_window")
    assert not _passes(new, ITEMS_UNIQUE, "late_window")
    assert not _passes(new, ITEMS_UNIQUE, "all")


def test_the_window_filter_is_in_the_compiled_test(planted):
    old, _ = planted
    _test(old, ITEMS_UNIQUE, "late_window")
    compiled = next((old.parent / "target" / "compiled").rglob(f"{ITEMS_UNIQUE}*.sql"))
    sql = compiled.read_text(encoding="utf-8")
    # The newest order day is 2025-12-31: late_arrival_days (3) + 1 days before it.
    assert "order_id in (select order_id from " in sql
    assert "cast(ordered_at as date) >= cast('2025-12-27' as date)" in sql
