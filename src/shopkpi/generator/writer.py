"""Writing contract tables as CSV or parquet, in chunks, byte-for-byte reproducibly.

Rows are tuples in contract column order. Money columns hold integer cents, timestamps and
dates hold their final text, booleans are bool, missing values are None.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from shopkpi.contract import BIGINT, BOOL, INT, MONEY, TEXT, Table

_ARROW_TYPES = {
    TEXT: pa.string(),
    MONEY: pa.decimal128(18, 2),
    INT: pa.int32(),
    BIGINT: pa.int64(),
    BOOL: pa.bool_(),
}


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _csv_value(value: object, type_: str) -> object:
    if value is None:
        return None
    if type_ == MONEY:
        return format_cents(value)  # type: ignore[arg-type]
    if type_ == BOOL:
        return "true" if value else "false"
    return value


def _with_text(row: tuple, special: list[tuple[int, str]]) -> list:
    values = list(row)
    for index, type_ in special:
        values[index] = _csv_value(values[index], type_)
    return values


def arrow_schema(table: Table) -> pa.Schema:
    """The parquet schema of a contract table as the generator writes it."""
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in table.columns])


def write_parquet(path: Path, data: pa.Table) -> None:
    """Write an Arrow table as one parquet file with the generator's settings."""
    with pq.ParquetWriter(path, data.schema, **PARQUET_OPTIONS) as out:
        for start in range(0, max(data.num_rows, 1), TableWriter.ROW_GROUP_SIZE):
            out.write_table(data.slice(start, TableWriter.ROW_GROUP_SIZE))


PARQUET_OPTIONS = {
    "compression": "zstd",
    "version": "2.6",
    "write_statistics": True,
    "use_dictionary": True,
}


class TableWriter:
    """Appends row chunks of one table to ``<out_dir>/<table>.<fmt>`` (or to ``path``)."""

    ROW_GROUP_SIZE = 250_000

    def __init__(self, table: Table, out_dir: Path, fmt: str, path: Path | None = None) -> None:
        self.table = table
        self.fmt = fmt
        self.path = path or out_dir / f"{table.name}.{fmt}"
        self.rows_written = 0
        self._types = [c.type for c in table.columns]
        if fmt == "csv":
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._handle, lineterminator="\n")
            self._csv.writerow(table.column_names)
        elif fmt == "parquet":
            self._schema = arrow_schema(table)
            self._parquet = pq.ParquetWriter(self.path, self._schema, **PARQUET_OPTIONS)
            self._pending: list[tuple] = []
        else:
            raise ValueError(f"unknown format {fmt!r}: use csv or parquet")

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        self.rows_written += len(rows)
        if self.fmt == "csv":
            # The csv module writes None as an empty field and integers as digits; only
            # money and boolean columns need their text form.
            special = [(i, t) for i, t in enumerate(self._types) if t in (MONEY, BOOL)]
            if special:
                rows = [_with_text(row, special) for row in rows]
            self._csv.writerows(rows)
        else:
            self._pending.extend(rows)
            while len(self._pending) >= self.ROW_GROUP_SIZE:
                self._flush(self._pending[: self.ROW_GROUP_SIZE])
                self._pending = self._pending[self.ROW_GROUP_SIZE :]

    def _flush(self, rows: list[tuple]) -> None:
        arrays = []
        for index, column in enumerate(self.table.columns):
            values = [row[index] for row in rows]
            if column.type == MONEY:
                values = [None if v is None else Decimal(v).scaleb(-2) for v in values]
            arrays.append(pa.array(values, type=_ARROW_TYPES[column.type]))
        self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        if self.fmt == "csv":
            self._handle.close()
        else:
            if self._pending or self.rows_written == 0:
                self._flush(self._pending)
            self._pending = []
            self._parquet.close()
