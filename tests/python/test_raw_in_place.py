"""Raw data read in place: schema raw as views over a folder's parquet files.

The views must give what the copying load gives (columns, types, masked personal data,
lineage, rows), so the marts built on them are the same; what the copying load checks value
by value is checked from the parquet schema, with errors that name the file and the rule.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import run_shopkpi
from shopkpi.compare import compare_marts
from shopkpi.contract import TABLES
from shopkpi.generator import generate
from shopkpi.loader import RawDataError, holds_exactly, load_raw


@pytest.fixture(scope="module")
def demo_parquet(tmp_path_factory) -> Path:
    """The demo shop written as parquet (one typed file per table)."""
    out = tmp_path_factory.mktemp("demo-parquet")
    generate("demo", 42, out, "parquet")
    return out


def _shop_with(demo_parquet: Path, folder: Path, **tables: str) -> Path:
    """The demo parquet folder with some tables replaced: table -> SELECT over ``demo``
    (that table's demo file) written as ``<table>.parquet`` (None: left out)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        source = demo_parquet / f"{name}.parquet"
        if name not in tables:
            (folder / source.name).symlink_to(source)
        elif tables[name] is not None:
            sql = tables[name].replace("demo", f"read_parquet('{source}')")
            duckdb.execute(f"copy ({sql}) to '{folder / source.name}' (format parquet)")
    return folder


def _in_place_error(folder: Path, db: Path) -> str:
    with pytest.raises(RawDataError) as error:
        load_raw(folder, db, in_place=True)
    return str(error.value)


def test_views_give_exactly_what_the_copying_load_stores(demo_parquet, tmp_path):
    copied, viewed = tmp_path / "copy.duckdb", tmp_path / "view.duckdb"
    counts = load_raw(demo_parquet, copied)
    assert load_raw(demo_parquet, viewed, in_place=True) == counts
    with duckdb.connect() as con:
        con.execute(f"attach '{copied}' as a (read_only)")
        con.execute(f"attach '{viewed}' as b (read_only)")
        for name in TABLES:
            kinds = con.execute(
                "select table_catalog, table_type from information_schema.tables "
                f"where table_schema = 'raw' and table_name = '{name}' order by 1"
            ).fetchall()
            assert kinds == [("a", "BASE TABLE"), ("b", "VIEW")], name
            columns = [
                con.execute(
                    f"select column_name, column_type from (describe {db}.raw.{name})"
                ).fetchall()
                for db in ("a", "b")
            ]
            assert columns[0] == columns[1], name
            for first, second in (("a", "b"), ("b", "a")):
                extra = con.execute(
                    f"select count(*) from (select * from {first}.raw.{name} "
                    f"except all select * from {second}.raw.{name})"
                ).fetchone()[0]
                assert extra == 0, (name, first)
        # personal data masked, lineage relative to the folder, rows counted from 1
        row = con.execute(
            "select phone, address, _source_file, _source_line from b.raw.customers "
            "where _source_line = 1"
        ).fetchone()
    assert row[0].count("*") == 4 and row[1] == "***"
    assert row[2:] == ("customers.parquet", 1)


def test_loading_again_replaces_views_with_tables_and_back(demo_parquet, tmp_path):
    db = tmp_path / "w.duckdb"
    load_raw(demo_parquet, db, in_place=True)
    load_raw(demo_parquet, db)
    load_raw(demo_parquet, db, in_place=True)
    with duckdb.connect(str(db), read_only=True) as con:
        types = con.execute(
            "select distinct table_type from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    assert types == [("VIEW",)]


def test_an_in_place_build_gives_the_marts_of_the_copying_load(
    demo_parquet, clean_warehouse, tmp_path
):
    """The demo written as parquet and read in place, against the session's demo
    warehouse (its csv files copied by ``load-raw``, then ``dbt build``): every mart."""
    db = tmp_path / "shop.duckdb"
    run_shopkpi(db, "build", "--dir", str(demo_parquet), "--in-place", "--no-gate")
    results, added = compare_marts(clean_warehouse, db)
    assert added == []
    assert len(results) > 40
    assert [r.table for r in results if not r.identical] == []


def test_a_missing_table_or_column_is_named(demo_parquet, tmp_path):
    no_orders = _shop_with(demo_parquet, tmp_path / "a", orders=None)
    assert "required table(s) missing: orders" in _in_place_error(no_orders, tmp_path / "a.db")
    no_key = _shop_with(
        demo_parquet, tmp_path / "b", orders="select * exclude (order_id) from demo"
    )
    message = _in_place_error(no_key, tmp_path / "b.db")
    assert "orders.parquet" in message and "missing contract column(s) order_id" in message


@pytest.mark.parametrize(
    ("table", "sql", "words"),
    [
        (
            "order_items",
            "select * replace (cast(quantity as double) as quantity) from demo",
            ("'quantity' is parquet DOUBLE", "whole number"),
        ),
        (
            "order_items",
            "select * replace (cast(quantity as varchar) as quantity) from demo",
            ("'quantity' is parquet VARCHAR", "whole number"),
        ),
        (
            "orders",
            "select * replace (cast(discount_amount as decimal(18, 3)) as discount_amount) "
            "from demo",
            ("'discount_amount' is parquet DECIMAL(18,3)", "at most 2 decimals"),
        ),
        (
            "sessions",
            "select * replace (cast(page_load_ms as bigint) as page_load_ms) from demo",
            ("'page_load_ms' is parquet BIGINT", "whole number"),
        ),
        (
            "orders",
            "select * replace (cast(ordered_at as timestamptz) as ordered_at) from demo",
            ("'ordered_at' is parquet TIMESTAMP WITH TIME ZONE",),
        ),
    ],
)
def test_a_type_that_cannot_hold_the_contract_type_is_named(
    demo_parquet, tmp_path, table, sql, words
):
    folder = _shop_with(demo_parquet, tmp_path / "shop", **{table: sql})
    message = _in_place_error(folder, tmp_path / "w.duckdb")
    assert f"{table}.parquet" in message
    for word in words:
        assert word in message


def test_exact_types_pass_and_parts_must_share_a_schema(demo_parquet, tmp_path):
    # narrower exact types are read as the contract's
    folder = _shop_with(
        demo_parquet,
        tmp_path / "narrow",
        order_items="select * replace (cast(quantity as smallint) as quantity, "
        "cast(unit_price as decimal(9, 1)) as unit_price) from demo where unit_price * 10 "
        "= round(unit_price * 10)",
    )
    load_raw(folder, tmp_path / "narrow.duckdb", in_place=True)
    with duckdb.connect(str(tmp_path / "narrow.duckdb"), read_only=True) as con:
        types = con.execute(
            "select column_type from (describe raw.order_items) "
            "where column_name in ('quantity', 'unit_price') order by column_name"
        ).fetchall()
    assert types == [("INTEGER",), ("DECIMAL(18,2)",)]
    # a folder of parts whose second part has other types
    parts = _shop_with(demo_parquet, tmp_path / "parts", reviews=None)
    (parts / "reviews").mkdir()
    source = demo_parquet / "reviews.parquet"
    duckdb.execute(f"copy (from '{source}') to '{parts / 'reviews' / 'a.parquet'}'")
    duckdb.execute(
        f"copy (select * replace (cast(rating as bigint) as rating) from '{source}') "
        f"to '{parts / 'reviews' / 'b.parquet'}'"
    )
    message = _in_place_error(parts, tmp_path / "parts.duckdb")
    assert "reviews/b.parquet" in message and "share one schema" in message


def test_an_empty_required_table_and_csv_files_are_refused(demo_parquet, tmp_path):
    empty = _shop_with(demo_parquet, tmp_path / "empty", orders="select * from demo limit 0")
    assert "no rows" in _in_place_error(empty, tmp_path / "e.duckdb")
    csv_shop = _shop_with(demo_parquet, tmp_path / "csv", products=None)
    shutil.copy(Path(__file__).parents[2] / "src/shopkpi/demo/products.csv", csv_shop)
    message = _in_place_error(csv_shop, tmp_path / "c.duckdb")
    assert "products.csv" in message and "parquet files only" in message


@pytest.mark.parametrize(
    ("source", "target", "exact"),
    [
        ("INTEGER", "integer", True),
        ("UINTEGER", "integer", False),
        ("USMALLINT", "integer", True),
        ("BIGINT", "integer", False),
        ("BIGINT", "bigint", True),
        ("UBIGINT", "bigint", False),
        ("DECIMAL(9,0)", "integer", True),
        ("DECIMAL(10,0)", "integer", False),
        ("DECIMAL(18,2)", "decimal(18,2)", True),
        ("DECIMAL(17,1)", "decimal(18,2)", True),
        ("DECIMAL(18,1)", "decimal(18,2)", False),
        ("DECIMAL(10,3)", "decimal(18,2)", False),
        ("INTEGER", "decimal(18,2)", True),
        ("BIGINT", "decimal(18,2)", False),
        ("DOUBLE", "decimal(18,2)", False),
        ("VARCHAR", "decimal(18,2)", False),
        ("BOOLEAN", "boolean", True),
        ("VARCHAR", "boolean", False),
        ("BIGINT", "varchar", True),
        ("TIMESTAMP", "varchar", True),
        ("TIMESTAMP WITH TIME ZONE", "varchar", False),
    ],
)
def test_which_parquet_types_hold_a_contract_type_exactly(source, target, exact):
    assert holds_exactly(source, target) is exact
