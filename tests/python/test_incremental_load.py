"""A daily incremental load gives the warehouse a full build of the same rows gives.

The demo shop with every kind of bad row (``dirty_demo``) is split at its last day, DAY
(``shopkpi.raw_days``): a warehouse is built from the days before it with a share of
LATE_DAY's rows held back; then DAY's rows and the held-back late rows arrive as new part
files, plus a re-delivered old event and a conflicting copy of an old order, and the daily
load runs (``shopkpi build --incremental``). Another warehouse is built from the finished
folder with --full-refresh. Every table and view of the staging, intermediate,
marts and metrics schemas must hold the same rows in both (DECISIONLOG.md "Incremental
daily loads"); and the daily run must really have been incremental.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import query, run_dbt, run_shopkpi
from shopkpi.raw_days import add_day_parts, split_raw_days

pytestmark = pytest.mark.integration

DAY = "2025-12-31"
LATE_DAY = "2025-12-29"
# Both builds judge "future" timestamps and stamp kpi_data_freshness at the same time.
VARS = json.dumps({"dq_reference_time": "2026-01-02 00:00:00"})
SOURCE_DATE_EPOCH = "1767312000"  # 2026-01-02 00:00:00 UTC
# Seeds and models only, for the two builds the test does not check with dbt's own tests.
WITHOUT_TESTS = ("--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
SCHEMAS = ("staging", "intermediate", "marts", "metrics")
INCREMENTAL_MODELS = (
    "staging/shop/base/base_shop__events",
    "staging/shop/base/base_shop__sessions",
    "staging/shop/base/base_shop__orders",
    "staging/shop/base/base_shop__order_items",
)
# A relation's row count and the sum of its rows' hashes: equal for the same multiset of
# rows, whatever their physical order.
ROWS_HASH = "select count(*), sum(hash(t)::hugeint) from {relation} as t"


def _append_rows(part: Path, rows: list[list[str]]) -> None:
    with part.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _old_row(part: Path, index: int) -> tuple[list[str], list[str]]:
    with part.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        for n, row in enumerate(reader):
            if n == index:
                return header, row
    raise AssertionError(f"{part} has fewer than {index + 1} rows")


def _plant_redeliveries(before: Path, day: Path) -> None:
    """Add to the day's parts an exact copy of an old event (duplicate_key) and a copy of an
    old order with another shipping fee (conflicting_duplicate): rows dated long before the
    late-arrival window, which only the new-rows rule finds."""
    _, event = _old_row(before / "events" / "part-0-before.csv", 1000)
    _append_rows(day / "events" / f"part-1-{DAY}.csv", [event])
    header, order = _old_row(before / "orders" / "part-0-before.csv", 500)
    order[header.index("shipping_fee")] = "99.00"
    _append_rows(day / "orders" / f"part-1-{DAY}.csv", [order])


def relation_hashes(db: Path) -> dict[str, tuple[int, str]]:
    schemas = ", ".join(f"'{schema}'" for schema in SCHEMAS)
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_schema in ({schemas}) order by all"
        ).fetchall()
        return {name: con.execute(ROWS_HASH.format(relation=name)).fetchone() for (name,) in names}


@pytest.fixture(scope="module")
def daily_and_full(dirty_demo, tmp_path_factory) -> tuple[Path, Path, Path]:
    """(warehouse loaded daily, warehouse built in full, the daily run's target folder)."""
    raw_source, _ = dirty_demo
    work = tmp_path_factory.mktemp("incremental")
    counts = split_raw_days(
        raw_source, DAY, work / "before", work / "day", late_day=LATE_DAY, late_share=0.25
    )
    assert counts.late["events"] > 0 and counts.late["orders"] > 0 and counts.day["events"] > 0
    _plant_redeliveries(work / "before", work / "day")
    raw = work / "raw"
    shutil.copytree(work / "before", raw)
    daily = work / "daily" / "shopkpi.duckdb"
    full = work / "full" / "shopkpi.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        run_shopkpi(daily, "load-raw", "--dir", str(raw))
        run_dbt(daily, "build", *WITHOUT_TESTS, "--vars", VARS)
        add_day_parts(work / "day", raw)
        # The daily load as a user runs it: a copy of the published warehouse, the folder
        # loaded into it, dbt build with every test, published.
        patch.setenv("DBT_TARGET_PATH", str(daily.parent / "target"))
        run_shopkpi(daily, "build", "--dir", str(raw), "--incremental", "--no-gate", "--vars", VARS)
        patch.delenv("DBT_TARGET_PATH")
        run_shopkpi(full, "load-raw", "--dir", str(raw))
        run_dbt(full, "build", *WITHOUT_TESTS, "--full-refresh", "--vars", VARS)
    return daily, full, daily.parent / "target"


def test_daily_load_equals_full_refresh(daily_and_full):
    daily, full, _ = daily_and_full
    daily_hashes, full_hashes = relation_hashes(daily), relation_hashes(full)
    assert sorted(daily_hashes) == sorted(full_hashes)
    differing = [
        f"{name}: {daily_hashes[name][0]:,} rows daily, {full_hashes[name][0]:,} in full"
        for name in full_hashes
        if daily_hashes[name] != full_hashes[name]
    ]
    assert not differing, "relations that differ:\n" + "\n".join(differing)


def test_the_late_and_redelivered_rows_are_in_the_quarantine_and_the_marts(daily_and_full):
    daily, _, _ = daily_and_full
    # The day's orders and the late ones are in the marts.
    days = dict(
        query(
            daily,
            "select cast(order_date as varchar), count(*) from marts.fct_orders "
            f"where order_date in ('{LATE_DAY}', '{DAY}') group by all",
        )
    )
    assert days.get(DAY, 0) > 0 and days.get(LATE_DAY, 0) > 0
    planted = dict(
        query(
            daily,
            "select source_table, dq_rule from marts.dq_quarantine "
            f"where source_file like '%part-1-{DAY}%' "
            "and dq_rule in ('duplicate_key', 'conflicting_duplicate')",
        )
    )
    assert planted == {"events": "duplicate_key", "orders": "conflicting_duplicate"}


def test_the_daily_run_was_incremental(daily_and_full):
    """The daily run deleted and inserted the re-processed rows (no table rebuilt) and
    re-processed a small share of each table."""
    daily, _, target = daily_and_full
    for model in INCREMENTAL_MODELS:
        ran = (target / "run" / "shopkpi" / "models" / f"{model}.sql").read_text()
        assert "delete from" in ran and "insert into" in ran, model
        assert "create table" not in ran.lower().split("delete from")[0], model
        compiled = (target / "compiled" / "shopkpi" / "models" / f"{model}.sql").read_text()
        name = model.rsplit("/", 1)[-1]
        (reprocessed,), (total,) = (
            query(daily, f"select count(*) from ({compiled})")[0],
            query(daily, f"select count(*) from staging.{name}")[0],
        )
        assert 0 < reprocessed < total * 0.05, (model, reprocessed, total)
