"""Load a folder of raw files that follow the data contract into the warehouse's ``raw`` schema.

For every contract table the loader looks for ``<table>.parquet``, ``<table>.csv`` or a
folder ``<table>/`` of parquet or CSV parts. Columns are typed exactly as the contract says
(the same types the demo seeds get), extra columns are ignored, and:

* a required table that is missing, or a file that lacks a contract column, stops the load
  with an error naming the file and the columns;
* a value that cannot be read as its contract type (``"abc"`` in an amount) stops the load
  with an error naming the file, the line or row, the column and the value;
* an optional table that is absent becomes an empty table, so downstream models build empty.

Timestamps and dates stay text in the raw layer: staging parses them and quarantines what
does not parse, with its reason.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shopkpi.contract import SHOP_TIMEZONE, TABLES, Table
from shopkpi.warehouse import connect

log = logging.getLogger(__name__)

MAX_REPORTED_ROWS = 10


class RawDataError(ValueError):
    """Raw input that breaks the contract in a way staging cannot quarantine."""


@dataclass(frozen=True)
class RawFile:
    table: Table
    kind: str  # "csv" or "parquet"
    paths: tuple[Path, ...]

    @property
    def label(self) -> str:
        return str(self.paths[0]) if len(self.paths) == 1 else f"{self.paths[0].parent}/"


def find_raw_file(raw_dir: Path, table: Table) -> RawFile | None:
    """Return the file(s) holding ``table`` in ``raw_dir``, or None when there are none."""
    for kind in ("parquet", "csv"):
        single = raw_dir / f"{table.name}.{kind}"
        if single.is_file():
            return RawFile(table, kind, (single,))
    folder = raw_dir / table.name
    if folder.is_dir():
        for kind in ("parquet", "csv"):
            parts = tuple(sorted(folder.glob(f"*.{kind}")))
            if parts:
                return RawFile(table, kind, parts)
    return None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sql_list(paths: tuple[Path, ...]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _file_columns(con: duckdb.DuckDBPyConnection, raw: RawFile) -> list[str]:
    if raw.kind == "csv":
        columns: list[str] | None = None
        for path in raw.paths:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                header = next(csv.reader(handle), None)
            if header is None:
                raise RawDataError(f"{path}: the file is empty; a header row is required")
            header = [h.strip() for h in header]
            if columns is not None and header != columns:
                raise RawDataError(f"{path}: header differs from {raw.paths[0]}")
            columns = header
        return columns or []
    relation = con.sql(f"select * from read_parquet({_sql_list(raw.paths)}) limit 0")
    return list(relation.columns)


def _source_sql(raw: RawFile) -> str:
    files = _sql_list(raw.paths)
    if raw.kind == "csv":
        return (
            f"read_csv({files}, header = true, all_varchar = true, auto_detect = true, "
            "delim = ',', quote = '\"', escape = '\"', nullstr = '')"
        )
    return f"read_parquet({files})"


def _check_columns(raw: RawFile, present: list[str]) -> None:
    missing = [c for c in raw.table.column_names if c not in present]
    if missing:
        raise RawDataError(
            f"{raw.label}: missing contract column(s) {', '.join(missing)} "
            f"for table '{raw.table.name}' (expected: {', '.join(raw.table.column_names)})"
        )
    extra = [c for c in present if c not in raw.table.column_names]
    if extra:
        log.warning("%s: ignoring column(s) not in the contract: %s", raw.label, ", ".join(extra))


def _check_types(con: duckdb.DuckDBPyConnection, raw: RawFile, staged: str) -> None:
    """Raise RawDataError listing values that do not fit their contract type."""
    problems: list[str] = []
    for column in raw.table.columns:
        if column.type == "varchar":
            continue
        name = _quote(column.name)
        rows = con.execute(
            f"select _row_number, cast({name} as varchar) from {staged} "
            f"where {name} is not null and try_cast({name} as {column.type}) is null "
            f"order by _row_number limit {MAX_REPORTED_ROWS}"
        ).fetchall()
        for row_number, value in rows:
            where = f"line {row_number + 1}" if raw.kind == "csv" else f"row {row_number}"
            problems.append(
                f"{raw.label}: {where}: column '{column.name}' value {value!r} "
                f"is not a valid {column.type}"
            )
    if problems:
        raise RawDataError(
            "values that do not fit the contract's types:\n  " + "\n  ".join(problems)
        )


def _empty_table_sql(table: Table, schema: str) -> str:
    columns = ", ".join(f"{_quote(c.name)} {c.type}" for c in table.columns)
    return f"create or replace table {schema}.{_quote(table.name)} ({columns})"


def load_table(con: duckdb.DuckDBPyConnection, raw: RawFile, schema: str) -> int:
    """Load one table's file(s) into ``schema``; return the number of rows loaded."""
    _check_columns(raw, _file_columns(con, raw))
    staged = f"_load_{raw.table.name}"
    con.execute(
        f"create or replace temp table {_quote(staged)} as "
        f"select row_number() over () as _row_number, * from {_source_sql(raw)}"
    )
    _check_types(con, raw, _quote(staged))
    selects = []
    for column in raw.table.columns:
        name = _quote(column.name)
        if column.type == "varchar":
            selects.append(f"cast({name} as varchar) as {name}")
        else:
            selects.append(f"cast({name} as {column.type}) as {name}")
    con.execute(
        f"create or replace table {schema}.{_quote(raw.table.name)} as "
        f"select {', '.join(selects)} from {_quote(staged)} order by _row_number"
    )
    con.execute(f"drop table {_quote(staged)}")
    return con.execute(f"select count(*) from {schema}.{_quote(raw.table.name)}").fetchone()[0]


def load_raw(raw_dir: Path, db_path: Path, schema: str = "raw") -> dict[str, int]:
    """Load every contract table found in ``raw_dir`` into ``schema`` of the DuckDB file.

    Returns rows loaded per table (0 for an optional table that was absent).
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise RawDataError(f"{raw_dir}: not a folder")
    found = {name: find_raw_file(raw_dir, table) for name, table in TABLES.items()}
    missing = [name for name, raw in found.items() if raw is None and TABLES[name].required]
    if missing:
        raise RawDataError(
            f"{raw_dir}: required table(s) missing: "
            + ", ".join(f"{m}.csv or {m}.parquet" for m in missing)
        )
    counts: dict[str, int] = {}
    with connect(db_path) as con:
        # Parquet timestamps with a time zone become text with the shop's offset.
        con.execute(f"set TimeZone = '{SHOP_TIMEZONE}'")
        con.execute(f"create schema if not exists {schema}")
        for name, raw in found.items():
            if raw is None:
                log.warning("%s: no %s file; loading an empty '%s' table", raw_dir, name, name)
                con.execute(_empty_table_sql(TABLES[name], schema))
                counts[name] = 0
            else:
                counts[name] = load_table(con, raw, schema)
    return counts
