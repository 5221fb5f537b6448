"""The sharded generator (medium and large) on a tiny shop: the same files whatever the
number of worker processes, one folder of parquet parts per table, ids disjoint across
shards at the contract's widths, shop-level tables written once with unique keys."""

from __future__ import annotations

import dataclasses
import filecmp
from pathlib import Path

import duckdb
import pytest

from shopkpi.contract import TABLES
from shopkpi.generator import catalog, generate
from shopkpi.generator.sharded import COMBINED, generate_sharded
from shopkpi.generator.simulate import ShopSimulation

SHARDS = 3


@pytest.fixture(scope="module")
def tiny_scale():
    """The demo shop over its first 100 days, registered as a scale for the test."""
    scale = dataclasses.replace(catalog.SCALES["demo"], name="tiny", days=100)
    catalog.SCALES["tiny"] = scale
    yield scale
    del catalog.SCALES["tiny"]


@pytest.fixture(scope="module")
def sharded(tiny_scale, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sharded") / "two-workers"
    generate_sharded("tiny", 42, out, workers=2, shards=SHARDS)
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _sql(folder: Path, sql: str) -> list[tuple]:
    with duckdb.connect() as con:
        for name in TABLES:
            con.execute(
                f"create view {name} as select * from read_parquet('{folder / name}/*.parquet')"
            )
        return con.execute(sql).fetchall()


def test_the_files_do_not_depend_on_the_workers(sharded, tmp_path):
    again = tmp_path / "one-worker"
    generate_sharded("tiny", 42, again, workers=1, shards=SHARDS)
    assert _files(again) == _files(sharded)
    _, mismatch, errors = filecmp.cmpfiles(sharded, again, _files(sharded), shallow=False)
    assert mismatch == [] and errors == []


def test_a_folder_of_parts_per_table_and_no_staging_left(sharded):
    files = _files(sharded)
    for name in TABLES:
        parts = [f for f in files if f.startswith(f"{name}/")]
        written_once = name in COMBINED or name in ("products", "kpi_targets", "kpi_benchmarks")
        expected = 1 if written_once else SHARDS
        assert parts == [f"{name}/part-{i:03d}.parquet" for i in range(expected)], name
    assert all("/" in f for f in files), "nothing but table folders"


def test_keys_are_unique_across_shards(sharded):
    for name, table in TABLES.items():
        keys = ", ".join(table.key)
        total, distinct = _sql(sharded, f"select count(*), count(distinct ({keys})) from {name}")[0]
        assert total > 0 and total == distinct, name


def test_ids_keep_the_contract_width_and_each_shard_its_own_block(sharded, tiny_scale):
    width = tiny_scale.id_width
    rows = _sql(
        sharded,
        "select min(length(order_id)), max(length(order_id)), "
        "count(distinct substr(order_id, 2, 1)) from orders",
    )
    assert rows == [(1 + width, 1 + width, SHARDS)]
    lengths = _sql(sharded, "select distinct length(event_id) from events")
    assert lengths == [(1 + tiny_scale.event_id_width,)]


def test_references_hold_across_parts(sharded):
    orphans = _sql(
        sharded,
        """
        select
            (select count(*) from order_items anti join orders using (order_id)),
            (select count(*) from orders o anti join sessions s using (session_id)
             where o.session_id is not null),
            (select count(*) from events anti join sessions using (session_id)),
            (select count(*) from orders o anti join customers c using (customer_id)
             where o.customer_id is not null)
        """,
    )
    assert orphans == [(0, 0, 0, 0)]


def test_shop_level_tables_are_the_shops(sharded, tiny_scale):
    shop = ShopSimulation(tiny_scale, 42)
    products = [row[0] for row in shop.static_rows()["products"]]
    assert [r[0] for r in _sql(sharded, "select product_id from products order by 1")] == products
    # one stock row per product and day once launched: the shards' stock summed per key
    per_day = _sql(
        sharded,
        "select count(distinct snapshot_date), max(n) from (select snapshot_date, count(*) n "
        "from inventory_snapshots group by 1)",
    )
    assert per_day == [(tiny_scale.days, len(products))]
    months = _sql(sharded, "select count(distinct budget_month) from marketing_budgets")
    assert months == [(4,)]  # January to April


def test_larger_scales_write_parquet_only(tmp_path):
    with pytest.raises(ValueError, match="parquet"):
        generate("medium", 42, tmp_path, fmt="csv")
    with pytest.raises(ValueError, match="--dirty"):
        generate("medium", 42, tmp_path, fmt=None, dirty=True)
