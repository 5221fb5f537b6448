"""Load a folder of raw files that follow the data contract into the warehouse's ``raw`` schema.

For every contract table the loader looks for ``<table>.parquet``, ``<table>.csv`` or a
folder ``<table>/`` of parquet or CSV parts (or the file a mapping names). What it does:

* **Headers** match the contract case- and space-insensitively (``Order ID`` is
  ``order_id``); a mapping file can rename an export's columns. A missing required column
  stops the load; a missing optional column loads as null, with a warning naming it; extra
  columns are ignored, with a warning.
* **Encoding**: UTF-8 (with or without a byte-order mark) is read as is; a file that is not
  valid UTF-8 but is valid GB18030 (the superset of GBK, the usual encoding of a Chinese Excel
  export) is read as GB18030 with a warning; ``encoding`` (option or mapping) chooses one.
* **Exact values only**: a value that cannot be stored exactly in its contract type
  (``2.5`` as a quantity, ``19.999`` as money, ``abc`` as a number) stops the load with the
  file, line, column and value. Nothing is rounded.
* **Malformed lines** (an extra field, an unclosed quote) stop the load with the file, the
  line and what is wrong with it.
* **Empty required tables** (a header-only ``orders.csv``) stop the load; an optional table
  that is absent or header-only loads empty, so the models that read it build empty.
* **Timestamps** stay text: staging parses them and quarantines what does not parse. A
  mapping can give an export's format (``%m/%d/%Y %H:%M``, ``epoch_seconds``,
  ``epoch_milliseconds``); values are then rewritten as ISO-8601 text at load, and a value
  that does not match the format is kept as delivered, for staging to quarantine.
* **Personal data** (contract columns marked PII: names, phone numbers, addresses) is masked
  in place and a salted SHA-256 hash is added beside it (``phone_hash``), so no clear
  personal value is ever stored. The salt is ``$SHOPKPI_PII_SALT``.
* **Lineage**: every row keeps the file it came from (relative to the folder) and its line
  (``_source_file``, ``_source_line``; CSV: the header is line 1, a record spanning several
  physical lines counts once; parquet: row number from 1).

The load is one transaction: if any table fails, nothing in the warehouse changes.
Every problem is a :class:`RawDataError` whose message names the file.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.contract import SHOP_TIMEZONE, SOURCE_FILE, SOURCE_LINE, TABLES, Column, Table
from shopkpi.warehouse import connect, quote_identifier, quote_literal

log = logging.getLogger(__name__)

MAX_REPORTED_ROWS = 10
DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_PII_SALT = "shopkpi-demo-salt"
TIMESTAMP_FORMAT_KEYWORDS = ("epoch_seconds", "epoch_milliseconds")
_CHUNK = 1 << 20


class RawDataError(ValueError):
    """Raw input that breaks the contract in a way staging cannot quarantine."""


# --------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class TableMapping:
    """How one table's export differs from the contract."""

    file: str | None = None  # file or folder name inside the raw folder
    columns: dict[str, str] = field(default_factory=dict)  # export header -> contract column
    timestamp_formats: dict[str, str] = field(default_factory=dict)  # column -> format
    encoding: str | None = None


@dataclass(frozen=True)
class Mapping:
    """An export mapping: per table, file name, column names, timestamp formats, encoding."""

    encoding: str | None = None
    tables: dict[str, TableMapping] = field(default_factory=dict)

    def table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())


def normalise_header(name: str) -> str:
    """``' Order ID '`` -> ``order_id``: lower case, blanks and dashes as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower()).strip("_")


def _check_encoding_name(encoding: str, where: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise RawDataError(f"{where}: unknown encoding {encoding!r}") from None


def read_mapping(path: Path) -> Mapping:
    """Read a mapping file (YAML); see ``docs/mapping-example.yml`` for the format."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise RawDataError(f"{path}: mapping file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise RawDataError(f"{path}: not a readable YAML file ({error})") from None
    if not isinstance(data, dict):
        raise RawDataError(f"{path}: expected a mapping with 'tables:' at the top")
    unknown = set(data) - {"encoding", "tables"}
    if unknown:
        raise RawDataError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    encoding = data.get("encoding")
    if encoding:
        encoding = _check_encoding_name(str(encoding), str(path))
    tables: dict[str, TableMapping] = {}
    for name, spec in (data.get("tables") or {}).items():
        where = f"{path}: tables.{name}"
        if name not in TABLES:
            raise RawDataError(f"{where}: not a contract table ({', '.join(TABLES)})")
        spec = spec or {}
        unknown = set(spec) - {"file", "columns", "timestamp_formats", "encoding"}
        if unknown:
            raise RawDataError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        table = TABLES[name]
        columns = {str(k): str(v) for k, v in (spec.get("columns") or {}).items()}
        for export_name, contract_name in columns.items():
            if contract_name not in table.column_names:
                raise RawDataError(
                    f"{where}.columns: {export_name!r} maps to {contract_name!r}, "
                    f"which is not a column of {name} ({', '.join(table.column_names)})"
                )
        formats = {str(k): str(v) for k, v in (spec.get("timestamp_formats") or {}).items()}
        for column, fmt in formats.items():
            if column not in table.column_names or table.column(column).time is None:
                raise RawDataError(
                    f"{where}.timestamp_formats: {column!r} is not a timestamp or date "
                    f"column of {name}"
                )
            if fmt not in TIMESTAMP_FORMAT_KEYWORDS and "%" not in fmt:
                raise RawDataError(
                    f"{where}.timestamp_formats.{column}: {fmt!r} is neither a strptime "
                    f"format (e.g. '%m/%d/%Y %H:%M') nor one of "
                    f"{', '.join(TIMESTAMP_FORMAT_KEYWORDS)}"
                )
        table_encoding = spec.get("encoding")
        if table_encoding:
            table_encoding = _check_encoding_name(str(table_encoding), where)
        tables[name] = TableMapping(spec.get("file"), columns, formats, table_encoding)
    return Mapping(encoding, tables)


# --------------------------------------------------------------------------- finding files


@dataclass(frozen=True)
class RawFile:
    table: Table
    kind: str  # "csv" or "parquet"
    paths: tuple[Path, ...]

    @property
    def label(self) -> str:
        return str(self.paths[0]) if len(self.paths) == 1 else f"{self.paths[0].parent}/"


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".csv": "csv", ".parquet": "parquet"}.get(suffix)


def find_raw_file(raw_dir: Path, table: Table, mapping: Mapping | None = None) -> RawFile | None:
    """Return the file(s) holding ``table`` in ``raw_dir``, or None when there are none."""
    named = (mapping or Mapping()).table(table.name).file
    if named:
        target = raw_dir / named
        if target.is_file() and _kind(target):
            return RawFile(table, _kind(target), (target,))
        if target.is_dir():
            return _parts(table, target)
        raise RawDataError(
            f"{target}: the mapping names this file for table '{table.name}', but there is "
            "no such .csv or .parquet file or folder"
        )
    for kind in ("parquet", "csv"):
        single = raw_dir / f"{table.name}.{kind}"
        if single.is_file():
            return RawFile(table, kind, (single,))
    folder = raw_dir / table.name
    if folder.is_dir():
        return _parts(table, folder)
    return None


def _parts(table: Table, folder: Path) -> RawFile | None:
    for kind in ("parquet", "csv"):
        parts = tuple(sorted(p for p in folder.rglob(f"*.{kind}") if p.is_file()))
        if parts:
            return RawFile(table, kind, parts)
    return None


# --------------------------------------------------------------------------- encodings


def _first_bad_line(path: Path, encoding: str) -> tuple[int, int] | None:
    """(line, byte offset) of the first byte sequence ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                position = error.start
                # The decoder may hold back a few bytes of the previous chunk.
                bad = max(offset + position - 4, 0)
                return lines + chunk[:position].count(b"\n"), bad
            lines += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines, offset
    return None


def _choose_encoding(path: Path, given: str | None) -> str:
    """The encoding of a CSV file: the given one (checked), else UTF-8, else GB18030."""
    if given:
        bad = _first_bad_line(path, given)
        if bad:
            raise RawDataError(
                f"{path}: line {bad[0]}: bytes that are not valid {given} (byte {bad[1]}); "
                "check the file's encoding"
            )
        return given
    bad = _first_bad_line(path, "utf-8")
    if bad is None:
        return "utf-8"
    if _first_bad_line(path, "gb18030") is None:
        log.warning(
            "%s: not UTF-8; read as GB18030 (GBK). Pass --encoding to choose another.", path
        )
        return "gb18030"
    raise RawDataError(
        f"{path}: line {bad[0]}: the file is neither UTF-8 nor GB18030/GBK (first bad byte "
        f"at {bad[1]}); pass --encoding with the file's encoding (e.g. --encoding big5)"
    )


def _as_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """``path`` itself when UTF-8, else a UTF-8 copy in ``workdir`` (same lines)."""
    if codecs.lookup(encoding).name == "utf-8":
        return path
    target = workdir / f"{len(list(workdir.iterdir())):04d}-{path.name}"
    with (
        path.open("r", encoding=encoding, newline="") as source,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        while text := source.read(_CHUNK):
            out.write(text)
    return target


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if header is None or not any(h.strip() for h in header):
        raise RawDataError(f"{path}: the file is empty; a header row is required")
    return header


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class ColumnPlan:
    """Which file column feeds each contract column (None: left out, loaded as null)."""

    sources: dict[str, str | None]


def plan_columns(label: str, table: Table, header: list[str], mapping: TableMapping) -> ColumnPlan:
    """Match a file's header to the contract; raise for a missing required column."""
    renames = {normalise_header(k): v for k, v in mapping.columns.items()}
    matched: dict[str, str] = {}
    extra: list[str] = []
    for original in header:
        normalised = normalise_header(original)
        contract_name = renames.get(normalised, normalised)
        if contract_name in table.column_names:
            if contract_name in matched:
                raise RawDataError(
                    f"{label}: columns {matched[contract_name]!r} and {original!r} both "
                    f"give contract column '{contract_name}'"
                )
            matched[contract_name] = original
        else:
            extra.append(original)
    missing_required = [c.name for c in table.columns if c.name not in matched and not c.optional]
    if missing_required:
        raise RawDataError(
            f"{label}: missing contract column(s) {', '.join(missing_required)} "
            f"for table '{table.name}' (expected: {', '.join(table.column_names)}; headers "
            "match case- and space-insensitively, and a mapping file can rename an export's "
            "columns)"
        )
    left_out = [c.name for c in table.columns if c.name not in matched]
    if left_out:
        log.warning(
            "%s: optional column(s) not in the file, loaded as null: %s",
            label,
            ", ".join(left_out),
        )
    if extra:
        log.warning("%s: ignoring column(s) not in the contract: %s", label, ", ".join(extra))
    return ColumnPlan({c.name: matched.get(c.name) for c in table.columns})


# --------------------------------------------------------------------------- reading


def _read_csv_part(
    con: duckdb.DuckDBPyConnection,
    label: str,
    path: Path,
    header: list[str],
    plan: ColumnPlan,
    relative: str,
    staged: str,
    first: bool,
) -> None:
    positions = {original: i for i, original in enumerate(header)}
    spec = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    selects = []
    for name, original in plan.sources.items():
        source = f"c{positions[original]}" if original is not None else "null"
        selects.append(f"cast({source} as varchar) as {quote_identifier(name)}")
    selects += [f"{quote_literal(relative)} as {SOURCE_FILE}", f"ordinality + 1 as {SOURCE_LINE}"]
    reader = (
        f"read_csv({quote_literal(str(path))}, header = true, auto_detect = false, "
        f"columns = {{{spec}}}, delim = ',', quote = '\"', escape = '\"', nullstr = '', "
        "store_rejects = true, rejects_table = '_load_rejects', rejects_scan = '_load_scans')"
    )
    verb = "create or replace temp table" if first else "insert into"
    target = f"{quote_identifier(staged)} as" if first else quote_identifier(staged)
    con.execute(f"{verb} {target} select {', '.join(selects)} from {reader} with ordinality")
    rejects = con.execute(
        "select line, column_name, error_type, csv_line, error_message from _load_rejects "
        f"order by line limit {MAX_REPORTED_ROWS}"
    ).fetchall()
    if rejects:
        problems = []
        for line, column, error_type, text, message in rejects:
            where = f"{label}: line {line}"
            if column:
                # Columns are read by position (c0, c1, ...): name the file's own header.
                position = column[1:]
                if column.startswith("c") and position.isdigit() and int(position) < len(header):
                    column = header[int(position)]
                where += f", column {column!r}"
            what = error_type.lower().replace("_", " ")
            problems.append(f"{where}: {what} ({message.splitlines()[0]}): {text.strip()[:120]!r}")
        raise RawDataError("lines that cannot be read as CSV:\n  " + "\n  ".join(problems))


def _read_parquet_part(
    con: duckdb.DuckDBPyConnection,
    label: str,
    path: Path,
    table: Table,
    mapping: TableMapping,
    relative: str,
    staged: str,
    first: bool,
) -> None:
    try:
        columns = list(
            con.sql(f"select * from read_parquet({quote_literal(str(path))}) limit 0").columns
        )
    except duckdb.Error as error:
        raise RawDataError(f"{label}: not a readable parquet file ({error})") from None
    plan = plan_columns(label, table, columns, mapping)
    selects = []
    for name, original in plan.sources.items():
        source = quote_identifier(original) if original is not None else "null"
        selects.append(f"cast({source} as varchar) as {quote_identifier(name)}")
    selects += [
        f"{quote_literal(relative)} as {SOURCE_FILE}",
        f"file_row_number + 1 as {SOURCE_LINE}",
    ]
    reader = f"read_parquet({quote_literal(str(path))}, file_row_number = true)"
    verb = "create or replace temp table" if first else "insert into"
    target = f"{quote_identifier(staged)} as" if first else quote_identifier(staged)
    con.execute(f"{verb} {target} select {', '.join(selects)} from {reader}")


# --------------------------------------------------------------------------- checking


def _exact_check_sql(column: Column) -> str:
    """SQL true when the text value is present but cannot be stored exactly as its type."""
    name = quote_identifier(column.name)
    value = f"trim({name})"
    if column.type == "boolean":
        return f"{name} is not null and try_cast({value} as boolean) is null"
    if column.type in ("integer", "bigint"):
        return (
            f"{name} is not null and (try_cast({value} as {column.type}) is null "
            f"or not regexp_full_match({value}, '[+-]?[0-9]+(\\.0*)?'))"
        )
    # Money: the value must fit the decimal type without losing a digit.
    return (
        f"{name} is not null and (try_cast({value} as {column.type}) is null "
        f"or try_cast({value} as decimal(38, 10)) is null "
        f"or try_cast({value} as decimal(38, 10)) <> try_cast({value} as {column.type}))"
    )


def _check_values(con: duckdb.DuckDBPyConnection, raw: RawFile, staged: str) -> None:
    """Raise RawDataError listing values that cannot be stored exactly in their type."""
    problems: list[str] = []
    for column in raw.table.columns:
        if column.type == "varchar":
            continue
        rows = con.execute(
            f"select {SOURCE_FILE}, {SOURCE_LINE}, {quote_identifier(column.name)}"
            f" from {quote_identifier(staged)} "
            f"where {_exact_check_sql(column)} order by {SOURCE_FILE}, {SOURCE_LINE} "
            f"limit {MAX_REPORTED_ROWS}"
        ).fetchall()
        for source_file, line, value in rows:
            where = "line" if raw.kind == "csv" else "row"
            problems.append(
                f"{source_file}: {where} {line}: column '{column.name}' value {value!r} "
                f"is not exactly a {_type_words(column.type)}"
            )
    if problems:
        raise RawDataError(
            "values that cannot be stored exactly in the contract's types (nothing is "
            "rounded):\n  " + "\n  ".join(problems[: MAX_REPORTED_ROWS * 2])
        )


def _type_words(type_: str) -> str:
    return {
        "integer": "whole number",
        "bigint": "whole number",
        "boolean": "boolean (true / false)",
    }.get(type_, "CNY amount with at most 2 decimals" if type_.startswith("decimal") else type_)


# --------------------------------------------------------------------------- writing


def _time_sql(column: Column, fmt: str | None) -> str:
    """The stored text of a timestamp or date column, rewritten to ISO-8601 under ``fmt``."""
    name = quote_identifier(column.name)
    if not fmt:
        return name
    if fmt in TIMESTAMP_FORMAT_KEYWORDS:
        micros = 1_000_000 if fmt == "epoch_seconds" else 1_000
        parsed = f"make_timestamp(try_cast(trim({name}) as bigint) * {micros})"
        suffix = "'+00:00'"  # epoch values are UTC
    else:
        parsed = f"try_strptime(trim({name}), {quote_literal(fmt)})"
        suffix = "''"  # no offset: shop time
    out_format = "%Y-%m-%d" if column.time == "date" else "%Y-%m-%dT%H:%M:%S"
    if column.time == "date":
        suffix = "''"
    return (
        f"case when {parsed} is not null "
        f"then strftime({parsed}, {quote_literal(out_format)}) || {suffix} else {name} end"
    )


_MASKS = {
    # 王小明 -> 王**: the family name stays.
    "customer_name": "left(trim({v}), 1) || repeat('*', length(trim({v})) - 1)",
    # 13812345678 -> 138****5678; shorter than 7 characters: fully masked.
    "phone": (
        "case when length(trim({v})) >= 7 "
        "then left(trim({v}), 3) || '****' || right(trim({v}), 4) else '****' end"
    ),
}


def pii_salt() -> str:
    return os.environ.get("SHOPKPI_PII_SALT", DEMO_PII_SALT)


def _stored_selects(
    table: Table, mapping: TableMapping, salt: str, typed: bool = False
) -> list[str]:
    """The stored columns from the read ones: text, or (``typed``) already in their type."""
    selects = []
    for column in table.columns:
        name = quote_identifier(column.name)
        if column.pii:
            mask = _MASKS.get(column.name, "'***'").format(v=name)
            selects.append(f"case when nullif(trim({name}), '') is not null then {mask} end")
        elif column.time:
            selects.append(_time_sql(column, mapping.timestamp_formats.get(column.name)))
        elif column.type == "varchar":
            selects.append(name)
        elif typed:
            selects.append(f"cast({name} as {column.type})")
        else:
            selects.append(f"cast(trim({name}) as {column.type})")
        selects[-1] += f" as {name}"
    for column in table.columns:
        if column.pii:
            name = quote_identifier(column.name)
            selects.append(
                f"case when nullif(trim({name}), '') is not null "
                f"then sha256({quote_literal(salt)} || trim({name})) end "
                f"as {quote_identifier(column.name + '_hash')}"
            )
    selects += [f"cast({SOURCE_FILE} as varchar) as {SOURCE_FILE}"]
    selects += [f"cast({SOURCE_LINE} as bigint) as {SOURCE_LINE}"]
    return selects


def _drop_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Drop ``schema.name`` whether a loaded table or an in-place view."""
    found = con.execute(
        "select table_type from information_schema.tables "
        "where table_schema = ? and table_name = ? and table_catalog = current_database()",
        [schema, name],
    ).fetchone()
    if found:
        kind = "view" if found[0] == "VIEW" else "table"
        con.execute(f"drop {kind} {quote_identifier(schema)}.{quote_identifier(name)}")


def _create_sql(table: Table, schema: str) -> str:
    columns = ", ".join(f"{quote_identifier(name)} {type_}" for name, type_ in table.stored_columns)
    return f"create table {schema}.{quote_identifier(table.name)} ({columns})"


def load_table(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    schema: str,
    raw_dir: Path,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    salt: str | None = None,
) -> int:
    """Load one table's file(s) into ``schema``; return the number of rows loaded."""
    mapping = mapping or Mapping()
    table_mapping = mapping.table(raw.table.name)
    staged = f"_load_{raw.table.name}"
    given_encoding = table_mapping.encoding or encoding or mapping.encoding
    selects = _stored_selects(raw.table, table_mapping, salt or pii_salt())
    _drop_relation(con, schema, raw.table.name)
    con.execute(_create_sql(raw.table, schema))
    # One part at a time (read as text, checked, typed, appended in file order): the text
    # copy of only one part is held at once, so a folder of parts loads in bounded memory.
    parts = sorted((path.relative_to(raw_dir).as_posix(), path) for path in raw.paths)
    with tempfile.TemporaryDirectory(prefix="shopkpi-load-") as workdir:
        for relative, path in parts:
            label = str(path)
            if raw.kind == "csv":
                readable = _as_utf8(path, _choose_encoding(path, given_encoding), Path(workdir))
                header = _csv_header(readable)
                plan = plan_columns(label, raw.table, header, table_mapping)
                _read_csv_part(con, label, readable, header, plan, relative, staged, True)
            else:
                _read_parquet_part(
                    con, label, path, raw.table, table_mapping, relative, staged, True
                )
            _check_values(con, raw, staged)
            con.execute(
                f"insert into {schema}.{quote_identifier(raw.table.name)} "
                f"select {', '.join(selects)} from {quote_identifier(staged)} "
                f"order by {SOURCE_LINE}"
            )
            con.execute(f"drop table {quote_identifier(staged)}")
    rows = con.execute(
        f"select count(*) from {schema}.{quote_identifier(raw.table.name)}"
    ).fetchone()[0]
    if rows == 0 and raw.table.required:
        raise RawDataError(
            f"{raw.label}: no rows. '{raw.table.name}' is a required table: every report "
            "reads it, so an empty one would build empty reports"
        )
    return rows


# --------------------------------------------------------------------------- in place

# Whole-number parquet types: (decimal digits they may need, signed).
_WHOLE_TYPES = {
    "TINYINT": (3, 8, True),
    "SMALLINT": (5, 16, True),
    "INTEGER": (10, 32, True),
    "BIGINT": (19, 64, True),
    "HUGEINT": (39, 128, True),
    "UTINYINT": (3, 8, False),
    "USMALLINT": (5, 16, False),
    "UINTEGER": (10, 32, False),
    "UBIGINT": (20, 64, False),
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def holds_exactly(source: str, target: str) -> bool:
    """Whether every value of parquet column type ``source`` (DuckDB's name for it) is
    exactly a value of contract type ``target``: known from the schema, without the data."""
    source = source.upper()
    if target == "varchar":
        # Text as the copying loader writes it; a time zone's text would depend on the
        # session reading the view, so such a column is not read in place.
        return "WITH TIME ZONE" not in source
    if target == "boolean":
        return source == "BOOLEAN"
    whole = _WHOLE_TYPES.get(source)
    decimal = _DECIMAL.fullmatch(source)
    if target in ("integer", "bigint"):
        limit = 32 if target == "integer" else 64
        if whole:
            _, bits, signed = whole
            return bits <= limit if signed else bits < limit
        return bool(decimal) and decimal[2] == "0" and int(decimal[1]) <= (9 if limit == 32 else 18)
    wanted = _DECIMAL.fullmatch(target.upper())
    if not wanted:
        return False
    digits, scale = int(wanted[1]), int(wanted[2])
    if whole:
        return whole[0] <= digits - scale
    if decimal:
        return int(decimal[2]) <= scale and int(decimal[1]) - int(decimal[2]) <= digits - scale
    return False


def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]]:
    try:
        relation = con.sql(f"select * from read_parquet({quote_literal(str(path))}) limit 0")
    except duckdb.Error as error:
        raise RawDataError(f"{path}: not a readable parquet file ({error})") from None
    return [
        (name, str(type_)) for name, type_ in zip(relation.columns, relation.types, strict=True)
    ]


def attach_table(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    schema: str,
    raw_dir: Path,
    mapping: Mapping | None = None,
    salt: str | None = None,
) -> int:
    """Make ``schema.<table>`` a view reading the table's parquet file(s) in place; return
    the number of rows (from the files' metadata).

    The view has the copying load's columns and types, personal data masked and hashed and
    the same lineage (``_source_file`` relative to the folder, ``_source_line`` the row
    number from 1). What the copying load checks value by value is checked here from the
    parquet schema, without reading the data: every required column is there and each
    column's parquet type holds only values exact in its contract type (a text column for
    a number column does not: load such a file with the copying load)."""
    table = raw.table
    table_mapping = (mapping or Mapping()).table(table.name)
    if raw.kind != "parquet":
        raise RawDataError(
            f"{raw.label}: read in place takes parquet files only; load csv files without "
            "--in-place (the copying load)"
        )
    parts = sorted((path.relative_to(raw_dir).as_posix(), path) for path in raw.paths)
    first = _parquet_columns(con, parts[0][1])
    for _, path in parts[1:]:
        if _parquet_columns(con, path) != first:
            raise RawDataError(
                f"{path}: its columns or their types differ from {parts[0][1]}'s; read in "
                "place needs every part of a table to share one schema (or load without "
                "--in-place)"
            )
    label = str(parts[0][1]) if len(parts) == 1 else raw.label
    types = dict(first)
    plan = plan_columns(label, table, [name for name, _ in first], table_mapping)
    problems = []
    inner = []
    for column in table.columns:
        original = plan.sources[column.name]
        name = quote_identifier(column.name)
        if original is None:
            inner.append(f"cast(null as {column.type}) as {name}")
            continue
        if not holds_exactly(types[original], column.type):
            problems.append(
                f"{label}: column {original!r} is parquet {types[original]}, which can hold "
                f"values that are not exactly a {_type_words(column.type)} (contract column "
                f"'{column.name}', {column.type})"
            )
        inner.append(f"cast({quote_identifier(original)} as {column.type}) as {name}")
    if problems:
        raise RawDataError(
            "columns whose parquet type cannot be read in place exactly (nothing is rounded; "
            "load without --in-place to check every value):\n  " + "\n  ".join(problems)
        )
    prefix = len(raw_dir.as_posix()) + 2
    inner += [
        f"substr(filename, {prefix}) as {SOURCE_FILE}",
        f"file_row_number + 1 as {SOURCE_LINE}",
    ]
    files = "[" + ", ".join(quote_literal(path.as_posix()) for _, path in parts) + "]"
    reader = f"read_parquet({files}, filename = true, file_row_number = true)"
    selects = _stored_selects(table, table_mapping, salt or pii_salt(), typed=True)
    _drop_relation(con, schema, table.name)
    con.execute(
        f"create view {schema}.{quote_identifier(table.name)} as select {', '.join(selects)} "
        f"from (select {', '.join(inner)} from {reader})"
    )
    rows = con.execute(f"select sum(num_rows) from parquet_file_metadata({files})").fetchone()[0]
    rows = int(rows or 0)
    if rows == 0 and table.required:
        raise RawDataError(
            f"{raw.label}: no rows. '{table.name}' is a required table: every report "
            "reads it, so an empty one would build empty reports"
        )
    return rows


def load_raw(
    raw_dir: Path,
    db_path: Path,
    schema: str = "raw",
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    salt: str | None = None,
    in_place: bool = False,
) -> dict[str, int]:
    """Load every contract table found in ``raw_dir`` into ``schema`` of the DuckDB file.

    All tables are loaded in one transaction: on any error nothing is changed. Returns rows
    loaded per table (0 for an optional table that was absent). ``in_place``: parquet
    tables become views reading the files where they are (see ``attach_table``).
    """
    raw_dir = Path(raw_dir)
    if in_place:
        raw_dir = raw_dir.absolute()
    if not raw_dir.is_dir():
        raise RawDataError(f"{raw_dir}: not a folder (give the folder holding the contract files)")
    if encoding:
        encoding = _check_encoding_name(encoding, "--encoding")
    found = {name: find_raw_file(raw_dir, table, mapping) for name, table in TABLES.items()}
    missing = [name for name, raw in found.items() if raw is None and TABLES[name].required]
    if missing:
        raise RawDataError(
            f"{raw_dir}: required table(s) missing: "
            + ", ".join(f"{m}.csv or {m}.parquet" for m in missing)
        )
    counts: dict[str, int] = {}
    try:
        con = connect(db_path)
    except duckdb.IOException as error:
        raise RawDataError(f"{db_path}: cannot open the warehouse file ({error})") from None
    with con:
        # Parquet timestamps with a time zone become text with the shop's offset.
        con.execute(f"set TimeZone = '{SHOP_TIMEZONE}'")
        con.execute("begin transaction")
        try:
            con.execute(f"create schema if not exists {schema}")
            for name, raw in found.items():
                if raw is None:
                    log.warning("%s: no %s file; loading an empty '%s' table", raw_dir, name, name)
                    _drop_relation(con, schema, name)
                    con.execute(_create_sql(TABLES[name], schema))
                    counts[name] = 0
                elif in_place:
                    counts[name] = attach_table(con, raw, schema, raw_dir, mapping, salt)
                else:
                    counts[name] = load_table(con, raw, schema, raw_dir, mapping, encoding, salt)
        except duckdb.Error as error:
            con.execute("rollback")
            raise RawDataError(f"{raw_dir}: the load failed and changed nothing: {error}") from None
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    return counts
