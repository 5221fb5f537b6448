"""What happens with bad input: one case per kind of problem a shop's files have.

Each case starts from a copy of the embedded demo shop, breaks it the way real exports break,
loads it with ``shopkpi load-raw`` and checks the exit code, the message (file, line,
column, value) and that nothing is lost: a load that stops changes nothing in the
warehouse, a load that goes on keeps every row. Rows that load but break a business rule
are quarantined by staging; those cases are checked on the dirty demo warehouse.

The README's "What happens with bad input" table is written from these cases:
``python tests/python/test_bad_input.py`` rewrites it, and a test keeps it in step.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from shopkpi.cli import main
from shopkpi.contract import TABLES
from shopkpi.loader import DEMO_DIR, DEMO_PII_SALT

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BEGIN = "<!-- bad-input table: written by tests/python/test_bad_input.py -->"
END = "<!-- end of bad-input table -->"


# --------------------------------------------------------------------------- file helpers


def read_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", newline="\n") -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, lineterminator=newline).writerows(rows)


def edit_cell(raw: Path, table: str, data_row: int, column: str, value: str) -> None:
    """Set ``column`` of the ``data_row``-th data row (1 = first) of ``table``.csv."""
    path = raw / f"{table}.csv"
    rows = read_rows(path)
    rows[data_row][rows[0].index(column)] = value
    write_rows(path, rows)


def data_lines(path: Path, encoding: str = "utf-8") -> int:
    return len(read_rows(path, encoding)) - 1


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    id: str
    problem: str  # what is wrong with the input (README)
    outcome: str  # what the loader does (README)
    mutate: Callable[[Path, Path], list[str]]  # (raw folder, scratch) -> extra CLI arguments
    exit_code: int
    message: str  # text expected in the output (error, or warning when the load goes on)
    check: Callable[[Path, Path], None] | None = None  # (raw folder, warehouse) -> asserts


def _raw_count(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]


def _all_rows_kept(table: str, encoding: str = "utf-8") -> Callable[[Path, Path], None]:
    def check(raw: Path, db: Path) -> None:
        assert _raw_count(db, table) == data_lines(raw / f"{table}.csv", encoding)

    return check


def _quantity_2_5(raw: Path, _: Path) -> list[str]:
    edit_cell(raw, "order_items", 3, "quantity", "2.5")
    return []


def _money_3_decimals(raw: Path, _: Path) -> list[str]:
    edit_cell(raw, "order_items", 5, "unit_price", "19.999")
    return []


def _word_in_number(raw: Path, _: Path) -> list[str]:
    edit_cell(raw, "orders", 2, "shipping_fee", "free")
    return []


def _gbk_customers(raw: Path, _: Path) -> list[str]:
    path = raw / "customers.csv"
    rows = read_rows(path)
    write_rows(path, rows, encoding="gbk", newline="\r\n")
    return []


def _gbk_customers_check(raw: Path, db: Path) -> None:
    rows = read_rows(raw / "customers.csv", encoding="gbk")
    assert _raw_count(db, "customers") == len(rows) - 1
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    with duckdb.connect(str(db), read_only=True) as con:
        name, name_hash, city = con.execute(
            "select customer_name, customer_name_hash, city from raw.customers "
            "where customer_id = ?",
            [first["customer_id"]],
        ).fetchone()
    assert city == first["city"]  # Chinese text read correctly
    assert name == first["customer_name"][0] + "*" * (len(first["customer_name"]) - 1)
    expected = hashlib.sha256((DEMO_PII_SALT + first["customer_name"]).encode()).hexdigest()
    assert name_hash == expected


def _not_any_encoding(raw: Path, _: Path) -> list[str]:
    path = raw / "products.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\xff\xfe\xfd", 3))
    return []


def _extra_field(raw: Path, _: Path) -> list[str]:
    path = raw / "orders.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",surprise\n"
    path.write_text("".join(lines), encoding="utf-8")
    return []


def _unclosed_quote(raw: Path, _: Path) -> list[str]:
    path = raw / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",", ',"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    return []


def _export_headers(raw: Path, _: Path) -> list[str]:
    for table, spelling in (("orders", str.upper), ("order_items", str.title)):
        path = raw / f"{table}.csv"
        rows = read_rows(path)
        rows[0] = [spelling(name.replace("_", " ")) for name in rows[0]]
        write_rows(path, rows)
    return []


def _drop_columns(raw: Path, _: Path) -> list[str]:
    for table, column in (("orders", "coupon_code"), ("customers", "address")):
        path = raw / f"{table}.csv"
        rows = read_rows(path)
        at = rows[0].index(column)
        write_rows(path, [row[:at] + row[at + 1 :] for row in rows])
    return []


def _dropped_columns_are_null(raw: Path, db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(coupon_code) from raw.orders").fetchone()[0] == 0
        assert con.execute("select count(address) from raw.customers").fetchone()[0] == 0
    _all_rows_kept("orders")(raw, db)


def _missing_required_column(raw: Path, _: Path) -> list[str]:
    path = raw / "orders.csv"
    rows = read_rows(path)
    at = rows[0].index("customer_id")
    write_rows(path, [row[:at] + row[at + 1 :] for row in rows])
    return []


def _mapped_export(raw: Path, scratch: Path) -> list[str]:
    """An export with its own column names, US dates and epoch seconds, and a mapping."""
    path = raw / "orders.csv"
    rows = read_rows(path)
    header = rows[0]
    ordered, paid = header.index("ordered_at"), header.index("paid_at")
    # 2025-01-01T08:11:03+08:00 -> 1/1/2025 08:11 (shop time); paid_at -> epoch seconds.
    import datetime as dt

    for row in rows[1:]:
        when = dt.datetime.fromisoformat(row[ordered])
        row[ordered] = f"{when.month}/{when.day}/{when.year} {when:%H:%M}"
        if row[paid]:
            row[paid] = str(int(dt.datetime.fromisoformat(row[paid]).timestamp()))
    header[header.index("order_id")] = "订单编号"
    header[header.index("customer_id")] = "Customer No"
    (raw / "orders.csv").unlink()
    write_rows(raw / "订单导出.csv", rows)
    mapping = scratch / "mapping.yml"
    mapping.write_text(
        "tables:\n"
        "  orders:\n"
        "    file: 订单导出.csv\n"
        "    columns: {订单编号: order_id, Customer No: customer_id}\n"
        "    timestamp_formats: {ordered_at: '%m/%d/%Y %H:%M', paid_at: epoch_seconds}\n",
        encoding="utf-8",
    )
    return ["--mapping", str(mapping)]


def _mapped_export_check(raw: Path, db: Path) -> None:
    original = {r[0]: r for r in read_rows(DEMO_DIR / "orders.csv")[1:]}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select order_id, ordered_at, paid_at from raw.orders").fetchall()
    assert len(rows) == len(original)
    import datetime as dt

    order_id, ordered_at, paid_at = rows[0]
    source = original[order_id]
    expected_ordered = dt.datetime.fromisoformat(source[3]).strftime("%Y-%m-%dT%H:%M:00")
    assert ordered_at == expected_ordered
    assert dt.datetime.fromisoformat(paid_at) == dt.datetime.fromisoformat(source[4])


def _header_only_orders(raw: Path, _: Path) -> list[str]:
    path = raw / "orders.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return []


def _bom_crlf_reordered(raw: Path, _: Path) -> list[str]:
    path = raw / "products.csv"
    rows = read_rows(path)
    order = list(reversed(range(len(rows[0]))))
    write_rows(path, [[row[i] for i in order] for row in rows], "utf-8-sig", "\r\n")
    return []


def _products_same_as_demo(raw: Path, db: Path) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute(
            "select product_id, list_price from raw.products order by 1"
        ).fetchall()
    demo = sorted((r[0], r[4]) for r in read_rows(DEMO_DIR / "products.csv")[1:])
    assert [(p, f"{price:.2f}") for p, price in loaded] == demo


def _missing_folder(raw: Path, _: Path) -> list[str]:
    shutil.rmtree(raw)
    return []


def _missing_required_file(raw: Path, _: Path) -> list[str]:
    (raw / "order_items.csv").unlink()
    return []


def _optional_file_absent(raw: Path, _: Path) -> list[str]:
    (raw / "reviews.csv").unlink()
    return []


CASES: list[Case] = [
    Case(
        "quantity-not-whole",
        "a quantity of `2.5`",
        "stops (exit 2): file, line, column and value; nothing is rounded",
        _quantity_2_5,
        2,
        "order_items.csv: line 4: column 'quantity' value '2.5' is not exactly a whole number",
    ),
    Case(
        "money-three-decimals",
        "a price of `19.999`",
        "stops (exit 2): not exactly a CNY amount with 2 decimals",
        _money_3_decimals,
        2,
        "order_items.csv: line 6: column 'unit_price' value '19.999' is not exactly a CNY",
    ),
    Case(
        "word-in-number",
        "`free` in a money column",
        "stops (exit 2): file, line, column and value",
        _word_in_number,
        2,
        "orders.csv: line 3: column 'shipping_fee' value 'free'",
    ),
    Case(
        "gbk-encoding",
        "a GBK-encoded CSV with CRLF line ends (a Chinese Excel export)",
        "loads, read as GB18030 with a warning (`--encoding` chooses another)",
        _gbk_customers,
        0,
        "not UTF-8; read as GB18030",
        _gbk_customers_check,
    ),
    Case(
        "unknown-encoding",
        "bytes that are neither UTF-8 nor GB18030",
        "stops (exit 2): file and line; asks for `--encoding`",
        _not_any_encoding,
        2,
        "products.csv: line 2: the file is neither UTF-8 nor GB18030/GBK",
    ),
    Case(
        "extra-field",
        "a line with one field too many",
        "stops (exit 2): file, line and the line's text",
        _extra_field,
        2,
        "orders.csv: line 5: too many columns",
    ),
    Case(
        "unclosed-quote",
        "an unclosed quote",
        "stops (exit 2): file and line",
        _unclosed_quote,
        2,
        "products.csv: line 3",
    ),
    Case(
        "export-headers",
        "headers `ORDER ID`, `Line Number` (case, spaces)",
        "loads: headers match case- and space-insensitively",
        _export_headers,
        0,
        "",
        _all_rows_kept("order_items"),
    ),
    Case(
        "optional-column-left-out",
        "no `coupon_code` / `address` column",
        "loads them as null, with a warning naming them",
        _drop_columns,
        0,
        "optional column(s) not in the file, loaded as null: coupon_code",
        _dropped_columns_are_null,
    ),
    Case(
        "required-column-missing",
        "no `customer_id` column in orders",
        "stops (exit 2): file and the missing column",
        _missing_required_column,
        2,
        "orders.csv: missing contract column(s) customer_id",
    ),
    Case(
        "mapped-export",
        "an export named `订单导出.csv` with its own headers, `6/18/2025 10:23` and epoch seconds",
        "loads with a mapping file (`--mapping`, see docs/mapping-example.yml): times stored "
        "as ISO-8601",
        _mapped_export,
        0,
        "",
        _mapped_export_check,
    ),
    Case(
        "empty-required-table",
        "a header-only `orders.csv`",
        "stops (exit 2): a required table has no rows; `dbt build` on such a warehouse stops too",
        _header_only_orders,
        2,
        "orders.csv: no rows. 'orders' is a required table",
    ),
    Case(
        "missing-required-file",
        "no `order_items` file",
        "stops (exit 2): names the files it looked for",
        _missing_required_file,
        2,
        "required table(s) missing: order_items.csv or order_items.parquet",
    ),
    Case(
        "optional-file-absent",
        "no `reviews` file",
        "loads an empty `reviews` table, with a warning; its reports build empty",
        _optional_file_absent,
        0,
        "no reviews file; loading an empty 'reviews' table",
    ),
    Case(
        "bom-crlf-reordered",
        "a byte-order mark, CRLF line ends and columns in another order",
        "loads",
        _bom_crlf_reordered,
        0,
        "",
        _products_same_as_demo,
    ),
    Case(
        "missing-folder",
        "a folder that does not exist",
        "stops (exit 2): names the folder",
        _missing_folder,
        2,
        "not a folder",
    ),
]

# Rows that load but break a business rule: staging quarantines them (marts.dq_quarantine,
# with their file, line and rule); the build goes on and the quality gate reports them.
QUARANTINE_CASES: list[tuple[str, str, str]] = [
    ("an exact repeat of a row", "duplicate_key", "the first in file order is kept"),
    (
        "the same key twice with different values",
        "conflicting_duplicate",
        "the first in file order is kept",
    ),
    ("a negative quantity or amount", "negative_amount", ""),
    (
        "a unit price of `1e15` or 50,000 units",
        "implausible_value",
        "bounds: vars `plausible_max_amount_cny`, `plausible_max_quantity`",
    ),
    ("an order line whose order does not exist", "orphan_reference", ""),
    ("a timestamp that does not parse, or in the future", "unparseable_timestamp", ""),
]


def _run_case(case: Case, tmp_path: Path, capsys, caplog) -> tuple[int, str, Path, Path]:
    raw = tmp_path / "raw files"  # a space in the path, as users have
    shutil.copytree(DEMO_DIR, raw)
    args = case.mutate(raw, tmp_path)
    db = tmp_path / "warehouse" / "shop.duckdb"
    with caplog.at_level(logging.WARNING):
        code = main(["load-raw", "--dir", str(raw), "--db", str(db), *args])
    captured = capsys.readouterr()
    output = captured.out + captured.err + caplog.text
    return code, output, raw, db


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, capsys, caplog):
    code, output, raw, db = _run_case(case, tmp_path, capsys, caplog)
    assert code == case.exit_code, output
    assert case.message in output
    assert "Traceback" not in output
    if code != 0:
        # One clear message, and the warehouse is left as it was (here: never created, or
        # created without any raw table).
        assert output.count("shopkpi load-raw:") == 1
        if db.exists():
            with duckdb.connect(str(db), read_only=True) as con:
                tables = con.execute(
                    "select count(*) from duckdb_tables() where schema_name = 'raw'"
                ).fetchone()[0]
            assert tables == 0
    else:
        for name, table in TABLES.items():
            path = raw / f"{name}.csv"
            if path.is_file() and case.check is None and table.required:
                assert _raw_count(db, name) == data_lines(path)
    if case.check is not None:
        case.check(raw, db)


def test_a_failed_load_leaves_the_previous_raw_data_whole(tmp_path, capsys):
    """A truncated orders.csv after customers and products loaded: nothing changes."""
    db = tmp_path / "shop.duckdb"
    assert main(["load-raw", "--demo", "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select count(*), max(customer_id) from raw.customers").fetchone()
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_DIR, raw)
    write_rows(raw / "customers.csv", read_rows(raw / "customers.csv")[:50])
    orders = raw / "orders.csv"
    # Cut off in the middle of a line: that line has too few fields.
    text = orders.read_bytes()
    kept = text[: text.index(b"\n", 5000) + 1]
    orders.write_bytes(kept + b"O999999,C000001,,2025-01")
    assert main(["load-raw", "--dir", str(raw), "--db", str(db)]) == 2
    # the cut line comes after the kept lines (the header is line 1)
    cut_line = kept.count(b"\n") + 1
    assert f"orders.csv: line {cut_line}" in capsys.readouterr().err
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.execute("select count(*), max(customer_id) from raw.customers").fetchone()
    assert after == before


def test_no_clear_personal_value_is_stored_anywhere(tmp_path):
    """Every text value in the loaded warehouse is searched for the demo's clear names,
    phone numbers and addresses."""
    db = tmp_path / "shop.duckdb"
    assert main(["load-raw", "--demo", "--db", str(db)]) == 0
    rows = read_rows(DEMO_DIR / "customers.csv")
    header = rows[0]
    clear = {
        row[header.index(column)]
        for row in rows[1:]
        for column in ("customer_name", "phone", "address")
        if row[header.index(column)]
    }
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        found = set()
        for schema, table, column in columns:
            values = con.execute(f'select distinct "{column}" from {schema}.{table}').fetchall()
            found |= {v for (v,) in values if v in clear}
    assert not found, sorted(found)[:5]


def test_quarantined_rows_keep_their_file_line_and_rule(dirty_warehouse, dirty_demo):
    """Rows that break a rule are kept in the quarantine with the file and line they came
    from; the row at that line in the file is the row quarantined."""
    raw_dir, _ = dirty_demo
    with duckdb.connect(str(dirty_warehouse), read_only=True) as con:
        rows = con.execute(
            "select source_table, dq_rule, source_file, source_line, row_key "
            "from marts.dq_quarantine order by all"
        ).fetchall()
    assert rows
    lines: dict[str, list[list[str]]] = {}
    for table, _rule, source_file, source_line, row_key in rows:
        assert source_file == f"{table}.csv" and source_line >= 2
        content = lines.setdefault(source_file, read_rows(raw_dir / source_file))
        row = dict(zip(content[0], content[source_line - 1], strict=True))
        key = "|".join(row[k].strip() for k in TABLES[table].key)
        assert key == row_key


def test_conflicting_duplicate_keeps_the_first_row_in_file_order(dirty_warehouse):
    with duckdb.connect(str(dirty_warehouse), read_only=True) as con:
        conflicts = con.execute(
            "select source_table, row_key, source_line from marts.dq_quarantine "
            "where dq_rule = 'conflicting_duplicate'"
        ).fetchall()
    if not conflicts:
        pytest.skip("the dirty demo has no conflicting duplicates")
    for table, row_key, line in conflicts:
        with duckdb.connect(str(dirty_warehouse), read_only=True) as con:
            key = TABLES[table].key[0]
            kept_line = con.execute(
                f"select _source_line from raw.{table} where {key} = ? "
                "order by _source_line limit 1",
                [row_key.split("|")[0]],
            ).fetchone()[0]
        assert kept_line < line


# --------------------------------------------------------------------------- README table


def render_table() -> str:
    lines = [
        BEGIN,
        "| input | what happens |",
        "|---|---|",
        *(f"| {case.problem} | {case.outcome} |" for case in CASES),
        *(
            f"| {problem} | loads; quarantined by staging as `{rule}` with its file and line"
            + (f" ({note})" if note else "")
            + " |"
            for problem, rule, note in QUARANTINE_CASES
        ),
        END,
    ]
    return "\n".join(lines)


def write_readme() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    README.write_text(text[:start] + render_table() + text[end:], encoding="utf-8")


def test_readme_table_is_written_from_these_cases():
    text = README.read_text(encoding="utf-8")
    assert render_table() in text, "run: python tests/python/test_bad_input.py"


if __name__ == "__main__":
    write_readme()
    sys.exit(0)
