"""Compare the marts of two warehouse files row for row: the guard of a refactoring.

``shopkpi compare-marts BASE NEW`` reads every table of the ``marts`` schema of BASE and
checks that NEW holds the same rows: the same multiset of rows over BASE's columns (``except
all`` both ways, so a duplicated or a missing row counts), with the same column types. A
model renamed between the two is followed through a renames file (CSV ``old,new``, see
``docs/model-renames.csv``). Columns NEW adds to a table and tables only NEW has are
listed, not counted as differences: a refactoring may add, it must not change.

Exit code 0 when every BASE mart is in NEW unchanged, 1 when any differs or is missing,
2 on a user error (a file that does not exist, a bad renames file).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

SCHEMA = "marts"


class CompareError(Exception):
    """A file or argument that makes the comparison impossible."""


@dataclass
class TableResult:
    """How one BASE mart compares with its counterpart in NEW."""

    base_table: str
    new_table: str
    base_rows: int = 0
    new_rows: int = 0
    only_in_base: int = 0
    only_in_new: int = 0
    missing: bool = False
    missing_columns: list[str] = field(default_factory=list)
    changed_types: list[str] = field(default_factory=list)
    added_columns: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not (
            self.missing
            or self.missing_columns
            or self.changed_types
            or self.only_in_base
            or self.only_in_new
        )

    def describe(self) -> str:
        name = self.base_table
        if self.new_table != self.base_table:
            name = f"{self.base_table} -> {self.new_table}"
        if self.missing:
            return f"MISSING   {name}: not in the new warehouse"
        notes = []
        if self.missing_columns:
            notes.append(f"columns gone: {', '.join(self.missing_columns)}")
        if self.changed_types:
            notes.append(f"types changed: {', '.join(self.changed_types)}")
        if self.only_in_base or self.only_in_new:
            notes.append(
                f"{self.only_in_base:,} rows only in base, {self.only_in_new:,} only in new"
            )
        if self.added_columns:
            notes.append(f"added: {', '.join(self.added_columns)}")
        status = "same     " if self.identical else "DIFFERENT"
        detail = f" ({'; '.join(notes)})" if notes else ""
        return f"{status} {name}: {self.base_rows:,} rows{detail}"


def read_renames(path: Path | None) -> dict[str, str]:
    """``old -> new`` model names from a CSV with the header ``old,new``."""
    if path is None:
        return {}
    if not path.is_file():
        raise CompareError(f"{path}: no such renames file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["old", "new"]:
            raise CompareError(f"{path}: the header must be 'old,new', not {reader.fieldnames}")
        renames = {}
        for line, row in enumerate(reader, start=2):
            if not row["old"] or not row["new"]:
                raise CompareError(f"{path}:{line}: both old and new are needed")
            renames[row["old"].strip()] = row["new"].strip()
    return renames


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [catalog, SCHEMA, table],
    ).fetchall()
    return dict(rows)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = ? and table_schema = ? order by table_name",
        [catalog, SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compare_table(
    con: duckdb.DuckDBPyConnection, base_table: str, new_table: str, new_tables: set[str]
) -> TableResult:
    result = TableResult(base_table, new_table)
    if new_table not in new_tables:
        result.missing = True
        return result
    base_columns = _columns(con, "base", base_table)
    new_columns = _columns(con, "new", new_table)
    result.missing_columns = [c for c in base_columns if c not in new_columns]
    result.changed_types = [
        f"{c} {base_columns[c]} -> {new_columns[c]}"
        for c in base_columns
        if c in new_columns and new_columns[c] != base_columns[c]
    ]
    result.added_columns = [c for c in new_columns if c not in base_columns]
    shared = ", ".join(_quote(c) for c in base_columns if c in new_columns)
    base_rel = f"base.{SCHEMA}.{_quote(base_table)}"
    new_rel = f"new.{SCHEMA}.{_quote(new_table)}"
    result.base_rows = con.execute(f"select count(*) from {base_rel}").fetchone()[0]
    result.new_rows = con.execute(f"select count(*) from {new_rel}").fetchone()[0]
    if shared:
        result.only_in_base = con.execute(
            f"select count(*) from (select {shared} from {base_rel}"
            f" except all select {shared} from {new_rel})"
        ).fetchone()[0]
        result.only_in_new = con.execute(
            f"select count(*) from (select {shared} from {new_rel}"
            f" except all select {shared} from {base_rel})"
        ).fetchone()[0]
    return result


def compare_marts(
    base: Path, new: Path, renames: dict[str, str] | None = None
) -> tuple[list[TableResult], list[str]]:
    """Every BASE mart against NEW, and the marts only NEW has."""
    for path in (base, new):
        if not path.is_file():
            raise CompareError(f"{path}: no such warehouse file")
    renames = renames or {}
    con = duckdb.connect()
    try:
        con.execute(f"attach '{base}' as base (read_only)")
        con.execute(f"attach '{new}' as new (read_only)")
        base_tables = _tables(con, "base")
        new_tables = set(_tables(con, "new"))
        if not base_tables:
            raise CompareError(f"{base}: no tables in schema {SCHEMA}")
        results = [
            compare_table(con, table, renames.get(table, table), new_tables)
            for table in base_tables
        ]
    finally:
        con.close()
    matched = {r.new_table for r in results}
    added = sorted(new_tables - matched)
    return results, added


def report(results: list[TableResult], added: list[str]) -> str:
    lines = [r.describe() for r in results]
    lines.extend(f"new       {table}" for table in added)
    different = sum(not r.identical for r in results)
    lines.append(
        f"{len(results) - different} of {len(results)} marts the same row for row"
        + (f"; {different} different or missing" if different else "")
        + (f"; {len(added)} new" if added else "")
    )
    return "\n".join(lines)
