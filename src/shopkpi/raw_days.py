"""Split a raw folder by shop day, to rehearse a daily incremental load.

``split_raw_days(raw_dir, day, before_dir, day_dir)`` writes two raw folders the loader
reads (one ``<table>/`` folder of parts per contract table):

* ``before_dir``: every row dated before ``day`` (part ``part-0-before``), except the late
  rows: a share ``late_share`` of the rows of ``late_day``, picked by a hash of the row (of
  the order id for orders and order lines, so an order's lines are late with it);
* ``day_dir``: the rows of ``day`` and those late rows (part ``part-1-<day>``), only for the
  tables that have any.

Rows dated after ``day`` are left out of both: the pair is the shop as delivered up to the
end of ``day``. ``add_day_parts(day_dir, raw_dir)`` copies the day's parts into a raw folder
(normally a copy of ``before_dir``), which then holds exactly what a full load of the same
rows would read, under the same file names: the incremental build and a full build of that
folder see the same rows at the same file and line.

A row's day is the date of its business timestamp as delivered (the first ten characters:
shop time for the contract's ``+08:00`` timestamps); an order line takes its order's day.
Tables without a business date (products, campaigns, budgets, KPI targets, benchmarks) go
whole into ``before_dir``. Rows without a readable date stay in ``before_dir``. The parts
are written in the input's format (CSV as text, exactly as delivered; parquet as typed).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from shopkpi.contract import SHOP_TIMEZONE, TABLES
from shopkpi.loader import RawDataError, find_raw_file
from shopkpi.warehouse import quote_identifier, quote_literal

# The column holding each table's business date (order_items: its order's ordered_at).
DAY_COLUMNS = {
    "customers": "registered_at",
    "orders": "ordered_at",
    "refunds": "refunded_at",
    "sessions": "started_at",
    "events": "occurred_at",
    "ad_spend": "spend_date",
    "reviews": "reviewed_at",
    "inventory_snapshots": "snapshot_date",
}
BEFORE_PART = "part-0-before"


@dataclass(frozen=True)
class SplitCounts:
    """Rows written per table: before the day (late rows held back) and in the day's part."""

    before: dict[str, int]
    day: dict[str, int]
    late: dict[str, int]


def _day_of(column: str) -> str:
    return f"try_cast(left(trim(cast({quote_identifier(column)} as varchar)), 10) as date)"


def _reader(paths: list[Path], kind: str) -> str:
    files = "[" + ", ".join(quote_literal(str(path)) for path in paths) + "]"
    if kind == "csv":
        return f"read_csv({files}, header = true, all_varchar = true, union_by_name = true)"
    return f"read_parquet({files}, union_by_name = true)"


def _write(con: duckdb.DuckDBPyConnection, sql: str, path: Path, kind: str) -> int:
    count = con.execute(f"select count(*) from ({sql})").fetchone()[0]
    if count == 0 and path.name != f"{BEFORE_PART}.{kind}":
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    options = "(header, delimiter ',')" if kind == "csv" else "(format parquet)"
    con.execute(f"copy ({sql}) to {quote_literal(str(path))} {options}")
    return count


def split_raw_days(
    raw_dir: Path,
    day: date | str,
    before_dir: Path,
    day_dir: Path,
    *,
    late_day: date | str | None = None,
    late_share: float = 0.25,
) -> SplitCounts:
    """Write ``before_dir`` (rows before ``day`` less the late rows) and ``day_dir`` (the
    rows of ``day`` plus the late rows of ``late_day``, default two days before ``day``).
    Returns the rows written per table."""
    day = date.fromisoformat(str(day))
    late_day = date.fromisoformat(str(late_day)) if late_day else day - timedelta(days=2)
    if late_day >= day:
        raise ValueError(f"late_day {late_day} must be before day {day}")
    if not 0 <= late_share <= 1:
        raise ValueError(f"late_share {late_share} must be between 0 and 1")
    raw_dir, before_dir, day_dir = Path(raw_dir), Path(before_dir), Path(day_dir)
    counts = SplitCounts({}, {}, {})
    # A row is late when the first 32 bits of the md5 of its text fall in the first share.
    threshold = int(late_share * 2**32)
    with duckdb.connect() as con:
        con.execute(f"set TimeZone = '{SHOP_TIMEZONE}'")
        con.execute("set preserve_insertion_order = true")
        found = {name: find_raw_file(raw_dir, table) for name, table in TABLES.items()}
        if found["orders"] is None:
            raise RawDataError(f"{raw_dir}: no orders file")
        for name, raw in found.items():
            if raw is None:
                continue
            reader = _reader(list(raw.paths), raw.kind)
            con.execute(f"create or replace temp table rows_in as select * from {reader}")
            columns = ", ".join(
                quote_identifier(column) for column in con.sql("from rows_in limit 0").columns
            )
            if name == "order_items":
                orders = found["orders"]
                con.execute(
                    "create or replace temp table order_days as select order_id, "
                    f"min({_day_of('ordered_at')}) as row_day "
                    f"from {_reader(list(orders.paths), orders.kind)} group by order_id"
                )
                dated = (
                    "select rows_in.*, order_days.row_day from rows_in left join order_days "
                    "on cast(rows_in.order_id as varchar) = cast(order_days.order_id as varchar)"
                )
            elif name in DAY_COLUMNS:
                dated = f"select *, {_day_of(DAY_COLUMNS[name])} as row_day from rows_in"
            else:
                dated = "select *, null::date as row_day from rows_in"
            # An order and its lines are late together (an order delivered with part of its
            # lines is a different story: its discount can exceed what arrived); other rows
            # are late one by one.
            late_key = (
                "cast(order_id as varchar)"
                if name in ("orders", "order_items")
                else f"cast(row({columns}) as varchar)"
            )
            con.execute(
                "create or replace temp table rows_dated as select *, "
                f"coalesce(row_day = date '{late_day}' and cast('0x' || left(md5("
                f"{late_key}), 8) as ubigint) < {threshold}, false) as is_late "
                f"from ({dated})"
            )
            kind = raw.kind
            before_sql = (
                f"select {columns} from rows_dated "
                f"where (row_day is null or row_day < date '{day}') and not is_late"
            )
            day_sql = f"select {columns} from rows_dated where row_day = date '{day}' or is_late"
            counts.before[name] = _write(
                con, before_sql, before_dir / name / f"{BEFORE_PART}.{kind}", kind
            )
            counts.day[name] = _write(con, day_sql, day_dir / name / f"part-1-{day}.{kind}", kind)
            counts.late[name] = con.execute(
                "select count(*) from rows_dated where is_late"
            ).fetchone()[0]
    return counts


def add_day_parts(day_dir: Path, raw_dir: Path) -> list[Path]:
    """Copy the day's parts (``<table>/<part>``) from ``day_dir`` into the raw folder
    ``raw_dir``; return the files written."""
    written = []
    for part in sorted(Path(day_dir).glob("*/*")):
        if part.is_file():
            target = Path(raw_dir) / part.parent.name / part.name
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(Path(shutil.copyfile(part, target)))
    return written
