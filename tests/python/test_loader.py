"""shopkpi load-raw: contract typing, clear errors naming file/line/column, optional tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shopkpi.cli import main
from shopkpi.contract import TABLES
from shopkpi.loader import RawDataError, load_raw

REQUIRED = [name for name, table in TABLES.items() if table.required]


def _write_csv(folder: Path, table: str, rows: list[dict[str, str]]) -> Path:
    columns = TABLES[table].column_names
    lines = [",".join(columns)]
    lines += [",".join(row.get(c, "") for c in columns) for row in rows]
    path = folder / f"{table}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def minimal_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    _write_csv(raw, "customers", [{"customer_id": "C1", "birth_year": "1999"}])
    _write_csv(raw, "products", [{"product_id": "P1", "list_price": "19.90", "unit_cost": "8"}])
    _write_csv(
        raw,
        "orders",
        [{"order_id": "O1", "customer_id": "C1", "discount_amount": "0", "shipping_fee": "0"}],
    )
    _write_csv(
        raw,
        "order_items",
        [
            {
                "order_id": "O1",
                "line_number": "1",
                "product_id": "P1",
                "quantity": "2",
                "unit_price": "19.90",
                "discount_amount": "0",
            }
        ],
    )
    return raw


def test_loads_csv_with_contract_types_and_empty_optional_tables(minimal_raw, tmp_path):
    db = tmp_path / "w.duckdb"
    counts = load_raw(minimal_raw, db)
    assert counts["orders"] == 1
    assert all(counts[name] == 0 for name in TABLES if name not in REQUIRED)
    with duckdb.connect(str(db)) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'order_items'"
            ).fetchall()
        )
        assert types["quantity"] == "INTEGER"
        assert types["unit_price"] == "DECIMAL(18,2)"
        price = con.execute("select unit_price from raw.order_items").fetchone()[0]
        assert price == Decimal("19.90")
        # Optional tables exist with every contract column, empty.
        columns = [r[0] for r in con.execute("describe raw.sessions").fetchall()]
        assert columns == [name for name, _ in TABLES["sessions"].stored_columns]


def test_missing_required_table_names_the_expected_file(minimal_raw, tmp_path):
    (minimal_raw / "orders.csv").unlink()
    with pytest.raises(RawDataError, match=r"orders\.csv or orders\.parquet"):
        load_raw(minimal_raw, tmp_path / "w.duckdb")


def test_missing_column_names_file_and_column(minimal_raw, tmp_path):
    path = minimal_raw / "products.csv"
    header, *rest = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(
            [header.replace(",unit_cost", "")]
            + [r.rsplit(",", 2)[0] + "," + r.rsplit(",", 1)[1] for r in rest]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(
        RawDataError, match=r"products\.csv: missing contract column\(s\) unit_cost"
    ):
        load_raw(minimal_raw, tmp_path / "w.duckdb")


def test_value_of_wrong_type_names_file_line_column_and_value(minimal_raw, tmp_path):
    _write_csv(
        minimal_raw,
        "order_items",
        [
            {
                "order_id": "O1",
                "line_number": "1",
                "product_id": "P1",
                "quantity": "2",
                "unit_price": "19.90",
            },
            {
                "order_id": "O1",
                "line_number": "2",
                "product_id": "P1",
                "quantity": "two",
                "unit_price": "19.90",
            },
        ],
    )
    with pytest.raises(RawDataError) as error:
        load_raw(minimal_raw, tmp_path / "w.duckdb")
    message = str(error.value)
    assert (
        "order_items.csv: line 3: column 'quantity' value 'two' is not exactly a whole number"
        in message
    )


def test_header_only_file_loads_an_empty_table(minimal_raw, tmp_path):
    _write_csv(minimal_raw, "sessions", [])
    counts = load_raw(minimal_raw, tmp_path / "w.duckdb")
    assert counts["sessions"] == 0


def test_parquet_and_partitioned_folders(minimal_raw, tmp_path):
    (minimal_raw / "customers.csv").unlink()
    folder = minimal_raw / "customers"
    folder.mkdir()
    shanghai = dt.timezone(dt.timedelta(hours=8))
    for part, ids in enumerate((["C1", "C2"], ["C3"])):
        table = pa.table(
            {
                "customer_id": ids,
                # A real timestamp column is accepted and becomes text with its offset.
                "registered_at": pa.array(
                    [dt.datetime(2025, 3, 1, 8, 30, tzinfo=shanghai)] * len(ids),
                    type=pa.timestamp("us", tz="Asia/Shanghai"),
                ),
                **{
                    c.name: pa.array([None] * len(ids), type=pa.string())
                    for c in TABLES["customers"].columns
                    if c.name not in ("customer_id", "registered_at", "birth_year")
                },
                "birth_year": pa.array([1999] * len(ids), type=pa.int64()),
            }
        )
        pq.write_table(table, folder / f"part-{part}.parquet")
    db = tmp_path / "w.duckdb"
    counts = load_raw(minimal_raw, db)
    assert counts["customers"] == 3
    with duckdb.connect(str(db)) as con:
        value = con.execute("select registered_at from raw.customers limit 1").fetchone()[0]
    assert value.startswith("2025-03-01 08:30:00+08")


def test_cli_reports_errors_without_a_traceback(minimal_raw, tmp_path, capsys):
    (minimal_raw / "customers.csv").unlink()
    status = main(["load-raw", "--dir", str(minimal_raw), "--db", str(tmp_path / "w.duckdb")])
    assert status == 2
    assert "customers.csv or customers.parquet" in capsys.readouterr().err
