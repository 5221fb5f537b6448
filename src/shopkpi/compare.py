"""Compare the marts of two warehouse files row for row: the guard of a refactoring.

``shopkpi compare-marts BASE NEW`` reads every table of the ``marts`` schema of BASE and
checks that NEW holds the same rows: the same multiset of rows over BASE's columns (``except
all`` both ways, so a duplicated or a missing row counts), with the same column types. What
changed on purpose is declared in a changes file (CSV ``old,new,how``, see
``docs/model-changes.csv``), one row per change:

- ``old_model,new_model,`` -- the model was renamed;
- ``old_model.old_column,new_model.new_column,`` -- the column was renamed; with ``how`` =
  ``not`` the new boolean column is the negation of the old one;
- ``model,model,regrained`` -- the table lost rows that only repeated others: NEW holds
  the distinct rows of BASE over the columns both have (columns BASE had and NEW dropped
  are listed as dropped, and integer columns may change width).

Columns NEW adds to a table and tables only NEW has are listed, not counted as
differences: a refactoring may add, it must not change anything it does not declare.

Exit code 0 when every BASE mart is in NEW unchanged, 1 when any differs or is missing,
2 on a user error (a file that does not exist, a bad changes file).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.warehouse import quote_identifier, quote_literal

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
    renamed_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    regrained: bool = False

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
        if self.renamed_columns:
            notes.append(f"columns renamed: {', '.join(self.renamed_columns)}")
        if self.regrained:
            notes.append(f"regrained to {self.new_rows:,} distinct rows")
        if self.dropped_columns:
            notes.append(f"dropped: {', '.join(self.dropped_columns)}")
        if self.added_columns:
            notes.append(f"added: {', '.join(self.added_columns)}")
        status = "same     " if self.identical else "DIFFERENT"
        detail = f" ({'; '.join(notes)})" if notes else ""
        return f"{status} {name}: {self.base_rows:,} rows{detail}"


@dataclass
class Changes:
    """What a changes file declares: renamed models, renamed columns, regrained tables."""

    tables: dict[str, str] = field(default_factory=dict)
    # (old model, old column) -> (new column, how): how is "" or "not".
    columns: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    regrained: set[str] = field(default_factory=set)


def read_changes(path: Path | None) -> Changes:
    """The changes file: CSV with the header ``old,new,how`` (see the module docstring)."""
    changes = Changes()
    if path is None:
        return changes
    if not path.is_file():
        raise CompareError(f"{path}: no such changes file")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["old", "new", "how"]:
            raise CompareError(f"{path}: the header must be 'old,new,how', not {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            old, new, how = (
                (row["old"] or "").strip(),
                (row["new"] or "").strip(),
                (row["how"] or "").strip(),
            )
            if not old or not new:
                raise CompareError(f"{path}:{line}: both old and new are needed")
            if "." in old or "." in new:
                if "." not in old or "." not in new or how not in ("", "not"):
                    raise CompareError(
                        f"{path}:{line}: a column change is 'model.old_column,"
                        f"model.new_column' with how empty or 'not'"
                    )
                old_model, old_column = old.split(".", 1)
                changes.columns[(old_model, old_column)] = (new.split(".", 1)[1], how)
            elif how == "regrained":
                changes.regrained.add(old)
                if old != new:
                    changes.tables[old] = new
            elif how == "":
                changes.tables[old] = new
            else:
                raise CompareError(
                    f"{path}:{line}: how must be empty, 'not' (a column) or 'regrained',"
                    f" not {how!r}"
                )
    return changes


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


INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}


def compare_table(
    con: duckdb.DuckDBPyConnection,
    base_table: str,
    new_table: str,
    new_tables: set[str],
    changes: Changes | None = None,
) -> TableResult:
    changes = changes or Changes()
    result = TableResult(base_table, new_table)
    if new_table not in new_tables:
        result.missing = True
        return result
    result.regrained = base_table in changes.regrained
    base_columns = _columns(con, "base", base_table)
    new_columns = _columns(con, "new", new_table)
    pairs = []  # (base expression, new expression) of every column both have
    for column, base_type in base_columns.items():
        new_column, how = changes.columns.get((base_table, column), (column, ""))
        if new_column != column or how:
            result.renamed_columns.append(f"{column} -> {'not ' if how else ''}{new_column}")
        if new_column not in new_columns:
            (result.dropped_columns if result.regrained else result.missing_columns).append(column)
            continue
        new_type = new_columns[new_column]
        widened = result.regrained and {base_type, new_type} <= INTEGER_TYPES
        if new_type != base_type and not widened:
            result.changed_types.append(f"{column} {base_type} -> {new_type}")
        new_expression = quote_identifier(new_column)
        if how == "not":
            new_expression = f"not {new_expression}"
        if widened:
            pairs.append(
                (
                    f"cast({quote_identifier(column)} as hugeint)",
                    f"cast({new_expression} as hugeint)",
                )
            )
        else:
            pairs.append((quote_identifier(column), new_expression))
    mapped = {changes.columns.get((base_table, c), (c, ""))[0] for c in base_columns}
    result.added_columns = [c for c in new_columns if c not in mapped]
    base_rel = f"base.{SCHEMA}.{quote_identifier(base_table)}"
    new_rel = f"new.{SCHEMA}.{quote_identifier(new_table)}"
    result.base_rows = con.execute(f"select count(*) from {base_rel}").fetchone()[0]
    result.new_rows = con.execute(f"select count(*) from {new_rel}").fetchone()[0]
    if pairs:
        distinct = "distinct " if result.regrained else ""
        base_select = f"select {distinct}{', '.join(b for b, _ in pairs)} from {base_rel}"
        new_select = f"select {', '.join(n for _, n in pairs)} from {new_rel}"
        result.only_in_base = con.execute(
            f"select count(*) from ({base_select} except all {new_select})"
        ).fetchone()[0]
        result.only_in_new = con.execute(
            f"select count(*) from ({new_select} except all {base_select})"
        ).fetchone()[0]
    return result


def compare_marts(
    base: Path, new: Path, changes: Changes | None = None
) -> tuple[list[TableResult], list[str]]:
    """Every BASE mart against NEW, and the marts only NEW has."""
    for path in (base, new):
        if not path.is_file():
            raise CompareError(f"{path}: no such warehouse file")
    changes = changes or Changes()
    con = duckdb.connect()
    try:
        con.execute(f"attach {quote_literal(base)} as base (read_only)")
        con.execute(f"attach {quote_literal(new)} as new (read_only)")
        base_tables = _tables(con, "base")
        new_tables = set(_tables(con, "new"))
        if not base_tables:
            raise CompareError(f"{base}: no tables in schema {SCHEMA}")
        results = [
            compare_table(con, table, changes.tables.get(table, table), new_tables, changes)
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
