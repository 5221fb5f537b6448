"""Validate a suite inside DuckDB: GX's metrics computed as SQL aggregates, GX's verdicts.

A column-map expectation of GX is decided from a handful of metrics: the table's row count,
the column's null count, the number of unexpected rows and the first unexpected rows with
their index columns (``partial_unexpected_count`` of them). GX's pandas engine computes
them from a dataframe holding every row; here DuckDB computes them where the rows are: one
``count(*) filter (where ...)`` query per suite (over ``Suite.count_sql``, the checked
columns only), then, for each expectation with unexpected rows only, one query for its
first failing rows over the suite's full query (``order by ... limit``). The expectation's own
GX class then turns those metrics into its result (``Expectation._validate``: success,
``mostly``, percentages, samples), exactly as after a pandas run. So the gate's memory is
DuckDB's streaming aggregate plus the samples, and its time one scan of the columns a
suite checks, whatever the table's size.

GX 1.x has no DuckDB SQL datasource (its SQLAlchemy engine with ``duckdb_engine`` fails on
DuckDB's result handling, and DuckDB is not among its supported dialects), so the gate
computes these metrics itself, for the map conditions listed in ``MAP_CONDITIONS``. A
suite with any other expectation is validated by GX's pandas engine (its dataframe read
whole): the runner decides per suite with ``supported``, and a test keeps every suite
over a base model (one row per delivered row) on this path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from shopkpi.quality.expectations import Suite
from shopkpi.warehouse import quote_identifier

# Map expectation kwargs this module understands (anything else: GX's pandas engine).
_KWARGS = {"column", "value_set", "mostly", "batch_id"}


def _literal(value) -> str:
    """A SQL literal for a value of a value_set (strings and numbers only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def _value_list(kwargs: dict) -> str:
    return ", ".join(_literal(v) for v in kwargs["value_set"])


@dataclass(frozen=True)
class MapCondition:
    """How a GX map metric marks a row unexpected, as a SQL condition on the dataframe.

    ``skips_nulls``: GX leaves null values out of the metric (its ``filter_column_isnull``),
    so a null is never unexpected and the result reports the missing count.
    """

    unexpected: Callable[[str, dict], str]
    skips_nulls: bool


MAP_CONDITIONS: dict[str, MapCondition] = {
    "column_values.not_in_set": MapCondition(
        lambda column, kwargs: f"{column} in ({_value_list(kwargs)})", skips_nulls=True
    ),
    "column_values.in_set": MapCondition(
        lambda column, kwargs: f"{column} not in ({_value_list(kwargs)})", skips_nulls=True
    ),
    "column_values.null": MapCondition(
        lambda column, kwargs: f"{column} is not null", skips_nulls=False
    ),
}


def _map_metric(expectation_type: str) -> str | None:
    from great_expectations.expectations.registry import get_expectation_impl

    return getattr(get_expectation_impl(expectation_type), "map_metric", None)


def supported(suite: Suite) -> bool:
    """Whether every expectation of ``suite`` can be decided from DuckDB's aggregates."""
    if not suite.order:
        return False
    for item in suite.expectations:
        if _map_metric(item.type) not in MAP_CONDITIONS or not set(item.kwargs) <= _KWARGS:
            return False
        if "value_set" in item.kwargs:
            try:
                _value_list(item.kwargs)
            except TypeError:
                return False
    return True


def check_readable(con: duckdb.DuckDBPyConnection, suite: Suite, relation: str) -> None:
    """Raise DuckDB's error when the suite's dataframe cannot be read (a missing column, a
    broken view), as reading it into pandas would: the runner reports the suite unreadable.
    Binding the queries is enough; no row is read."""
    for sql in (suite.frame_sql(relation), suite.count_frame_sql(relation)):
        con.execute(f"select * from ({sql}) as frame limit 0").fetchall()


def _condition(expectation) -> tuple[str, MapCondition]:
    """The SQL condition marking ``expectation``'s unexpected rows (nulls handled)."""
    kwargs = expectation.configuration.kwargs
    condition = MAP_CONDITIONS[expectation.map_metric]
    column = quote_identifier(kwargs["column"])
    sql = condition.unexpected(column, kwargs)
    if condition.skips_nulls:
        sql = f"{column} is not null and {sql}"
    return f"({sql})", condition


def _fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def validate(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    relation: str,
    expectations: list,
    result_format: dict,
    batch_id: str,
) -> list:
    """GX ``ExpectationValidationResult`` of each of ``expectations`` (the GX objects of
    ``suite``), computed in DuckDB over the suite's dataframe of ``relation``."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

    frame = f"({suite.frame_sql(relation)}) as frame"
    counted = f"({suite.count_frame_sql(relation)}) as frame"
    conditions = [_condition(e) for e in expectations]
    columns = sorted({e.configuration.kwargs["column"] for e in expectations})
    selects = ["count(*)"]
    selects += [f"count({quote_identifier(c)})" for c in columns]
    selects += [f"count(*) filter (where {sql})" for sql, _ in conditions]
    try:
        counts = con.execute(f"select {', '.join(selects)} from {counted}").fetchone()
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        return [
            ExpectationValidationResult(
                success=False,
                expectation_config=_config(e, batch_id),
                result={},
                exception_info={
                    "raised_exception": True,
                    "exception_message": message,
                    "exception_traceback": None,
                },
            )
            for e in expectations
        ]
    row_count = counts[0]
    nonnull = dict(zip(columns, counts[1 : 1 + len(columns)], strict=True))
    unexpected_counts = counts[1 + len(columns) :]

    limit = int(result_format.get("partial_unexpected_count", 20))
    index_columns = list(result_format.get("unexpected_index_column_names") or [])
    out = []
    for expectation, (sql, _), unexpected_count in zip(
        expectations, conditions, unexpected_counts, strict=True
    ):
        column = expectation.configuration.kwargs["column"]
        samples: list[dict] = []
        if unexpected_count and limit > 0:
            wanted = [column, *[c for c in index_columns if c != column]]
            samples = _fetch_dicts(
                con,
                f"select {', '.join(quote_identifier(c) for c in wanted)} from {frame}"
                f" where {sql} order by {suite.order} limit {limit}",
            )
        metric = expectation.map_metric
        metrics = {
            "table.row_count": row_count,
            "column_values.nonnull.unexpected_count": row_count - nonnull[column],
            f"{metric}.unexpected_count": unexpected_count,
            f"{metric}.unexpected_values": [s[column] for s in samples],
            f"{metric}.unexpected_index_list": samples if index_columns else None,
        }
        verdict = expectation._validate(
            metrics=metrics, runtime_configuration={"result_format": result_format}
        )
        out.append(
            ExpectationValidationResult(
                success=verdict["success"],
                expectation_config=_config(expectation, batch_id),
                result=verdict.get("result", {}),
                exception_info={
                    "raised_exception": False,
                    "exception_message": None,
                    "exception_traceback": None,
                },
            )
        )
    return out


def _config(expectation, batch_id: str):
    """The expectation's configuration as a validation result holds it (with its batch)."""
    config = expectation.configuration
    config.kwargs.update({"batch_id": batch_id})
    return config
