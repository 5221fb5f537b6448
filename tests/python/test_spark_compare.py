"""The Spark-against-DuckDB comparison of `make test-spark` (shopkpi.spark.compare), on small
hand-made tables: a Spark export (parquet, as Spark writes it: timestamps as UTC instants,
decimals of its own precision) against a DuckDB warehouse. Needs no Spark."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shopkpi import spark

DUCKDB_ROWS = """
    select * from (values
        (1, 'a', cast(10.25 as decimal(18, 2)), 0.1 + 0.2, timestamp '2025-06-18 10:23:45',
         date '2025-06-18', true),
        (2, 'b', cast(3.10 as decimal(18, 2)), 1.0 / 3, timestamp '2025-06-18 23:59:59',
         date '2025-06-19', false),
        (3, null, null, null, null, null, null)
    ) as t(order_number, label, amount_cny, ratio, paid_at, paid_date, is_paid)
"""


def _warehouse(folder: Path) -> Path:
    db = folder / "duckdb.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.fct_example as {DUCKDB_ROWS}")
        con.execute("create table marts.only_on_duckdb as select 1 as x")
    return db


def _spark_export(folder: Path, select: str) -> Path:
    """Write ``select`` over the DuckDB rows the way Spark exports a table."""
    out = folder / "export"
    table = out / "marts" / "fct_example"
    table.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            f"copy ({select.format(rows=DUCKDB_ROWS)}) to "
            f"'{table / 'part-00000.snappy.parquet'}' (format parquet)"
        )
    return out


# Spark's own types: bigint numbers, decimal(38, 6) amounts, timestamps with a time zone
# whose UTC value is the shop's wall clock.
SPARK_LIKE = """
    select cast(order_number as bigint) as order_number, label,
        cast(amount_cny as decimal(38, 6)) as amount_cny, ratio,
        cast(paid_at as timestamptz) as paid_at, paid_date, is_paid
    from ({rows})
"""


def test_the_same_rows_in_other_types_and_order_are_the_same(tmp_path):
    db = _warehouse(tmp_path)
    export = _spark_export(tmp_path, SPARK_LIKE + " order by order_number desc")
    results, only_duckdb = spark.compare(db, export)
    assert [r.describe() for r in results] == ["same      marts.fct_example: 3 rows"]
    assert only_duckdb == ["marts.only_on_duckdb"]


def test_a_double_within_the_tolerance_is_the_same(tmp_path):
    db = _warehouse(tmp_path)
    select = SPARK_LIKE.replace("ratio,", "ratio * (1 + 1e-9) as ratio,")
    results, _ = spark.compare(db, _spark_export(tmp_path, select))
    assert results[0].same


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("ratio,", "ratio: spark=0.301 duckdb=0.3"),
        ("label,", "label: spark='B'"),
        (
            "cast(paid_at as timestamptz) as paid_at",
            "paid_at: spark=datetime.datetime(2025, 6, 18, 11",
        ),
    ],
)
def test_a_changed_value_names_the_table_and_the_column(tmp_path, change, expected):
    db = _warehouse(tmp_path)
    replacements = {
        "ratio,": "case when order_number = 1 then ratio + 0.001 else ratio end as ratio,",
        "label,": "case when label = 'b' then 'B' else label end as label,",
        "cast(paid_at as timestamptz) as paid_at": (
            "cast(paid_at + case when order_number = 1 then interval 1 hour "
            "else interval 0 hour end as timestamptz) as paid_at"
        ),
    }
    select = SPARK_LIKE.replace(change, replacements[change])
    results, _ = spark.compare(db, _spark_export(tmp_path, select))
    assert not results[0].same
    description = results[0].describe()
    assert description.startswith("DIFFERENT marts.fct_example: first differing row")
    assert expected in description


def test_a_missing_row_is_counted(tmp_path):
    db = _warehouse(tmp_path)
    results, _ = spark.compare(db, _spark_export(tmp_path, SPARK_LIKE + " where order_number <> 2"))
    assert "2 rows on Spark, 3 on DuckDB" in results[0].describe()


def test_a_table_spark_built_and_duckdb_did_not_is_a_difference(tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    results, _ = spark.compare(db, _spark_export(tmp_path, SPARK_LIKE))
    assert results[0].describe() == "DIFFERENT marts.fct_example: not in the DuckDB warehouse"


def test_the_time_of_the_build_is_not_compared(tmp_path):
    db = tmp_path / "duckdb.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_example as select 1 as order_number, "
            "timestamp '2026-11-27 04:02:39' as refreshed_at"
        )
    select = (
        "select 1 as order_number, timestamptz '2026-11-27 04:33:34+00' as refreshed_at"
        " from ({rows}) limit 1"
    )
    results, _ = spark.compare(db, _spark_export(tmp_path, select))
    assert results[0].same
