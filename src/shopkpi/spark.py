"""The same dbt project on Spark: raw data into Spark, the build, and its check against DuckDB.

``shopkpi spark build`` (``make run TARGET=spark``):

1. the raw files (the demo, or a shop's folder) are loaded exactly as for DuckDB -- checked,
   personal data masked -- into a scratch DuckDB file ``<spark dir>/loaded.duckdb``;
2. its ``raw`` schema is exported to parquet, one folder per table
   (``<spark dir>/raw/<table>/``);
3. ``dbt build --target spark``: the spark target's on-run-start hook (macro
   ``spark_raw_tables``) registers each folder as the Spark table ``raw.<table>``, so the
   dbt sources resolve unchanged, and every model the spark target enables is built.

``shopkpi spark compare DUCKDB`` (``make test-spark``): every table the Spark build holds in
the compared schemas is exported by Spark to parquet (macro ``spark_export_relations``) and
compared with the same table of a DuckDB warehouse, row for row, numbers within a small
tolerance (engines round decimals and add doubles in different orders). The first differing
row of each table is shown; tables only DuckDB built are listed.

The Spark folder (metastore, table files, raw parquet) is ``$SHOPKPI_SPARK_DIR``, by default
``build/spark`` under the project; ``profiles.yml`` reads the same variable.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.loader import DEMO_DIR, Mapping, load_raw
from shopkpi.warehouse import project_dir, quote_identifier, quote_literal

SPARK_DIR_ENV = "SHOPKPI_SPARK_DIR"
# The schemas compared: the marts and the KPI layer.
COMPARED_SCHEMAS = ("marts", "metrics")
# Columns holding the time of the build itself (kpi_data_freshness.refreshed_at): they
# differ between any two builds and are left out of the comparison.
BUILD_TIME_COLUMNS = frozenset({"refreshed_at"})
# Two numbers are equal when they differ by at most this much, absolutely or relative to
# the larger one.
TOLERANCE = 1e-6


class SparkStepError(RuntimeError):
    """A step of the Spark build or comparison failed."""


def spark_dir() -> Path:
    """The Spark folder: $SHOPKPI_SPARK_DIR, else build/spark in the project (absolute)."""
    named = os.environ.get(SPARK_DIR_ENV)
    folder = Path(named) if named else project_dir() / "build" / "spark"
    return folder.resolve()


def export_raw(db: Path, out: Path) -> dict[str, int]:
    """Write every table of schema raw of the DuckDB file ``db`` to ``out/<table>/`` as
    parquet; return rows per table."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw' order by table_name"
            ).fetchall()
        ]
        for table in tables:
            folder = out / table
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            source = f"raw.{quote_identifier(table)}"
            con.execute(
                f"copy (select * from {source}) to "
                f"{quote_literal(folder / 'part-0.parquet')} (format parquet)"
            )
            counts[table] = con.execute(f"select count(*) from {source}").fetchone()[0]
    return counts


def _set_environment(folder: Path) -> None:
    """The environment dbt-spark's session reads (profiles.yml, output spark)."""
    os.environ[SPARK_DIR_ENV] = str(folder)
    os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir()))
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    # Java and PySpark's conversions both read the time zone: pinned so that no machine
    # setting shifts a timestamp (profiles.yml, output spark).
    os.environ["TZ"] = "UTC"
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    time.tzset()


class SparkProject:
    """dbt on the spark target, invoked in this process: every invocation shares one
    SparkSession (dbt-spark's session method takes the running one), so Java starts once."""

    def __init__(self, folder: Path, vars_json: str | None = None):
        from dbt.cli.main import dbtRunner

        self.folder = folder
        self.vars_json = vars_json
        self.runner = dbtRunner()
        _set_environment(folder)

    def invoke(self, *args: str, check: bool = True) -> bool:
        """Run one dbt command; False (or, with check, SparkStepError) when it failed."""
        command = [*args, "--target", "spark", "--project-dir", str(project_dir())]
        if self.vars_json and args[0] != "run-operation":
            command += ["--vars", self.vars_json]
        result = self.runner.invoke(command)
        if not result.success and check:
            raise SparkStepError(f"`dbt {' '.join(args)}` on spark failed")
        return result.success

    def manifest(self) -> dict:
        """The parsed project (nodes, parent_map, child_map) as in target/manifest.json."""
        result = self.runner.invoke(
            ["parse", "--target", "spark", "--project-dir", str(project_dir())]
        )
        if not result.success:
            raise SparkStepError("`dbt parse` on spark failed")
        return result.result.writable_manifest().to_dict()


def _ancestors(manifest: dict, unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _python_models(manifest: dict) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node.get("language") == "python"
    }


class _Config:
    def __init__(self, config: dict):
        self._config = config

    def get(self, key: str, default=None):
        return self._config.get(key, default)


class _PythonModelContext:
    """The part of dbt-duckdb's `dbt` object the project's Python models use: ref() gives a
    DuckDB relation (over the Spark table's rows), config.get() the model's config."""

    def __init__(self, spark, con: duckdb.DuckDBPyConnection, manifest: dict, node: dict):
        self.config = _Config(node["config"])
        self._spark, self._con, self._manifest = spark, con, manifest
        self._parents = {
            manifest["nodes"][uid]["name"]: manifest["nodes"][uid]
            for uid in node["depends_on"]["nodes"]
            if uid in manifest["nodes"]
        }

    def ref(self, name: str, *args, **kwargs):
        import pyarrow as pa
        import pyarrow.compute as pc

        parent = self._parents[name]
        table = self._spark.table(f"{parent['schema']}.{parent['alias']}").toArrow()
        # Spark hands timestamps over as UTC instants of the shop's wall clock: made naive.
        # Its int columns (datediff, ...) are DuckDB's bigint.
        columns = []
        for column in table.columns:
            if pa.types.is_timestamp(column.type) and column.type.tz:
                column = pc.cast(column, pa.timestamp(column.type.unit))
            elif pa.types.is_integer(column.type):
                column = pc.cast(column, pa.int64())
            columns.append(column)
        table = pa.table(columns, names=table.column_names)
        return self._con.from_arrow(table)


def run_python_model(spark, manifest: dict, node: dict) -> None:
    """Run one of the project's Python models on the rows of its Spark parents and write
    its result as the Spark table dbt would have built."""
    import importlib.util

    import pandas as pd
    import pyarrow as pa

    path = project_dir() / node["original_file_path"]
    spec = importlib.util.spec_from_file_location(f"shopkpi_model_{node['name']}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with duckdb.connect() as con:
        result = module.model(_PythonModelContext(spark, con, manifest, node), con)
        if isinstance(result, pd.DataFrame):
            result = pa.Table.from_pandas(result, preserve_index=False)
        elif not isinstance(result, pa.Table):
            result = result.to_arrow_table()
    relation = f"{node['schema']}.{node['alias']}"
    spark.sql(f"create database if not exists {node['schema']}")
    spark.sql(f"drop table if exists {relation}")
    spark.createDataFrame(result).write.mode("overwrite").saveAsTable(relation)
    print(f"python model {relation}: {result.num_rows:,} rows (run beside Spark)", flush=True)


def _descendants(manifest: dict, unique_ids: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(unique_ids)
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def build_models(project: SparkProject, command: str = "build", tests: bool = False) -> bool:
    """Build every node on Spark. SQL models, seeds and tests run in dbt; the Python models,
    which dbt-spark runs only on Databricks clusters, run here in between (their parents'
    rows read from Spark, their result written to Spark), each as soon as its parents are
    built, and then dbt continues with what depends on them. A failing node does not stop
    the rest (dbt skips what depends on it); False when any node failed. Without ``tests``
    only seeds and models are built: every data and unit test runs on DuckDB, and `make
    test-spark` holds Spark's tables to DuckDB's row for row."""
    from pyspark.sql import SparkSession

    manifest = project.manifest()
    pending = _python_models(manifest)
    names = {uid: node["name"] for uid, node in pending.items()}
    skipped = [] if tests else ["resource_type:test", "resource_type:unit_test"]
    success = project.invoke(
        command, "--exclude", *[f"{name}+" for name in names.values()], *skipped, check=False
    )
    built = set(manifest["nodes"]) - _descendants(manifest, set(pending)) - set(pending)
    spark = SparkSession.builder.getOrCreate()
    while pending:
        ready: list[str] = []
        progress = True
        while progress:
            progress = False
            for uid, node in list(pending.items()):
                parents = {a for a in _ancestors(manifest, uid) if a in manifest["nodes"]}
                if parents <= built:
                    try:
                        run_python_model(spark, manifest, node)
                    except Exception as error:  # noqa: BLE001 - reported, the build goes on
                        print(f"python model {node['name']} failed: {error}", flush=True)
                        success = False
                    ready.append(uid)
                    built.add(uid)
                    del pending[uid]
                    progress = True
        if not ready:
            raise SparkStepError(f"Python models with unmet parents: {', '.join(pending)}")
        selected = [f"{names[uid]}+" for uid in ready]
        excluded = [names[uid] for uid in ready] + [f"{names[uid]}+" for uid in pending]
        excluded += skipped
        success &= project.invoke(
            command, "--select", *selected, "--exclude", *excluded, check=False
        )
        built |= _descendants(manifest, set(ready)) - _descendants(manifest, set(pending))
    return success


def build(
    raw_dir: Path | None = None,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    vars_json: str | None = None,
    dbt_command: str = "build",
    tests: bool = False,
) -> dict[str, float]:
    """Load the raw files, export them for Spark and build the project on Spark; return the
    seconds each step took."""
    folder = spark_dir()
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    start = time.monotonic()
    scratch = folder / "loaded.duckdb"
    scratch.unlink(missing_ok=True)
    counts = load_raw(raw_dir or DEMO_DIR, scratch, mapping=mapping, encoding=encoding)
    export_raw(scratch, folder / "raw")
    seconds["load and export raw"] = time.monotonic() - start
    print(f"raw data: {sum(counts.values()):,} rows in {len(counts)} tables -> {folder / 'raw'}")
    start = time.monotonic()
    success = build_models(SparkProject(folder, vars_json), dbt_command, tests)
    seconds[f"dbt {dbt_command} on spark"] = time.monotonic() - start
    if not success:
        raise SparkStepError(
            f"some nodes failed on Spark (see above; {sum(seconds.values()):.0f} s); "
            "what they feed was skipped"
        )
    return seconds


def export_built(folder: Path, out: Path, schemas: tuple[str, ...] = COMPARED_SCHEMAS) -> None:
    """Spark writes every relation of ``schemas`` to ``out/<schema>/<table>/`` as parquet."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    arguments = json.dumps({"schemas": list(schemas), "path": str(out)})
    SparkProject(folder).invoke("run-operation", "spark_export_relations", "--args", arguments)


@dataclass
class TableComparison:
    """How one table of the Spark build compares with the DuckDB build's."""

    name: str
    spark_rows: int = 0
    duckdb_rows: int = 0
    missing_in_duckdb: bool = False
    column_problems: list[str] = field(default_factory=list)
    first_difference: str = ""

    @property
    def same(self) -> bool:
        return not (
            self.missing_in_duckdb
            or self.column_problems
            or self.first_difference
            or self.spark_rows != self.duckdb_rows
        )

    def describe(self) -> str:
        if self.missing_in_duckdb:
            return f"DIFFERENT {self.name}: not in the DuckDB warehouse"
        if self.same:
            return f"same      {self.name}: {self.spark_rows:,} rows"
        notes = []
        if self.spark_rows != self.duckdb_rows:
            notes.append(f"{self.spark_rows:,} rows on Spark, {self.duckdb_rows:,} on DuckDB")
        notes += self.column_problems
        if self.first_difference:
            notes.append(self.first_difference)
        return f"DIFFERENT {self.name}: " + "; ".join(notes)


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT")


def _kind(type_: str) -> str:
    """The comparison kind of a DuckDB column type."""
    type_ = type_.upper()
    if type_.startswith(_INTEGER) or type_.startswith("UINTEGER"):
        return "integer"
    if type_.startswith(_NUMERIC):
        return "number"
    if type_.startswith("TIMESTAMP"):
        return "timestamp"
    if type_ == "DATE":
        return "date"
    if type_ == "BOOLEAN":
        return "boolean"
    return "text"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = con.execute(f"describe select * from {relation}").fetchall()
    return {row[0]: row[1] for row in rows}


def _value_sql(alias: str, column: str, kind: str) -> str:
    """A column as the value compared: numbers as doubles, timestamps as shop wall-clock
    timestamps (Spark's parquet carries them as UTC instants of the same wall clock)."""
    ref = f"{alias}.{quote_identifier(column)}"
    if kind in ("integer", "number"):
        return f"cast({ref} as double)"
    if kind == "timestamp":
        return f"cast({ref} as timestamp)"
    if kind == "date":
        return f"cast({ref} as date)"
    if kind == "boolean":
        return f"cast({ref} as boolean)"
    return f"cast({ref} as varchar)"


def _sort_sql(column: str, kind: str) -> str:
    """The sort key of a column: numbers rounded so that rows equal within the tolerance
    sort alike on both engines."""
    ref = quote_identifier(column)
    if kind == "number":
        return f"round({ref}, 4) nulls first"
    return f"{ref} nulls first"


def _equal_sql(column: str, kind: str) -> str:
    s, d = f"s.{quote_identifier(column)}", f"d.{quote_identifier(column)}"
    if kind == "number":
        return (
            f"(({s} is null and {d} is null) or abs({s} - {d}) <= "
            f"{TOLERANCE} * greatest(1.0, abs({s}), abs({d})))"
        )
    return f"({s} is not distinct from {d})"


def _values_equal(spark_value, duckdb_value, kind: str) -> bool:
    if kind == "number" and spark_value is not None and duckdb_value is not None:
        scale = max(1.0, abs(spark_value), abs(duckdb_value))
        return abs(spark_value - duckdb_value) <= TOLERANCE * scale
    return spark_value == duckdb_value


def compare_table(
    con: duckdb.DuckDBPyConnection, name: str, spark_files: Path, duckdb_relation: str
) -> TableComparison:
    """Compare the Spark export of one table with the DuckDB warehouse's table."""
    result = TableComparison(name)
    spark_relation = f"read_parquet({quote_literal(spark_files / '*.parquet')})"
    if not list(spark_files.glob("*.parquet")):
        spark_relation = None
    try:
        duck_columns = _columns(con, duckdb_relation)
    except duckdb.CatalogException:
        result.missing_in_duckdb = True
        return result
    spark_columns = _columns(con, spark_relation) if spark_relation else {}
    result.duckdb_rows = con.execute(f"select count(*) from {duckdb_relation}").fetchone()[0]
    if spark_relation is None:
        # Spark writes no file for an empty table.
        if duck_columns and result.duckdb_rows:
            result.first_difference = "Spark's table is empty"
        return result
    result.spark_rows = con.execute(f"select count(*) from {spark_relation}").fetchone()[0]
    missing = [c for c in duck_columns if c not in spark_columns]
    extra = [c for c in spark_columns if c not in duck_columns]
    if missing:
        result.column_problems.append(f"columns only on DuckDB: {', '.join(missing)}")
    if extra:
        result.column_problems.append(f"columns only on Spark: {', '.join(extra)}")
    columns = [c for c in duck_columns if c in spark_columns and c not in BUILD_TIME_COLUMNS]
    kinds = {}
    for column in columns:
        duck_kind, spark_kind = _kind(duck_columns[column]), _kind(spark_columns[column])
        if {duck_kind, spark_kind} <= {"integer", "number"}:
            kinds[column] = "integer" if duck_kind == spark_kind == "integer" else "number"
        elif duck_kind != spark_kind:
            result.column_problems.append(
                f"{column}: {duck_columns[column]} on DuckDB, {spark_columns[column]} on Spark"
            )
            kinds[column] = "text"
        else:
            kinds[column] = duck_kind
    if not columns:
        return result

    def numbered(relation: str, alias: str) -> str:
        values = ", ".join(
            f"{_value_sql(alias, c, kinds[c])} as {quote_identifier(c)}" for c in columns
        )
        order = ", ".join(_sort_sql(c, kinds[c]) for c in columns)
        return (
            f"select row_number() over (order by {order}) as row_number_, * "
            f"from (select {values} from {relation} as {alias})"
        )

    differs = " or ".join(f"not {_equal_sql(c, kinds[c])}" for c in columns)
    row = con.execute(
        f"""
        with s as ({numbered(spark_relation, "s")}), d as ({numbered(duckdb_relation, "d")})
        select coalesce(s.row_number_, d.row_number_) as row_number_,
            {", ".join(f"s.{quote_identifier(c)}" for c in columns)},
            {", ".join(f"d.{quote_identifier(c)}" for c in columns)}
        from s full join d on s.row_number_ = d.row_number_
        where s.row_number_ is null or d.row_number_ is null or {differs}
        order by row_number_
        limit 1
        """
    ).fetchone()
    if row is not None:
        spark_values = dict(zip(columns, row[1 : 1 + len(columns)], strict=True))
        duck_values = dict(zip(columns, row[1 + len(columns) :], strict=True))
        changed = [
            c for c in columns if not _values_equal(spark_values[c], duck_values[c], kinds[c])
        ]
        shown = {c: (spark_values[c], duck_values[c]) for c in changed or columns}
        detail = ", ".join(f"{c}: spark={s!r} duckdb={d!r}" for c, (s, d) in shown.items())
        result.first_difference = f"first differing row (#{row[0]} in sort order): {detail}"
    return result


def compare(duckdb_db: Path, export: Path) -> tuple[list[TableComparison], list[str]]:
    """Compare every table Spark exported under ``export/<schema>/<table>/`` with the DuckDB
    warehouse; also return the tables of the compared schemas only DuckDB has."""
    results: list[TableComparison] = []
    with duckdb.connect(str(duckdb_db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        spark_tables = sorted(
            f"{schema.name}.{table.name}"
            for schema in export.iterdir()
            if schema.is_dir()
            for table in schema.iterdir()
            if table.is_dir()
        )
        for name in spark_tables:
            schema, table = name.split(".")
            relation = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            results.append(compare_table(con, name, export / schema / table, relation))
        placeholders = ", ".join(quote_literal(s) for s in COMPARED_SCHEMAS)
        duck_tables = {
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                f"where table_schema in ({placeholders})"
            ).fetchall()
        }
    only_duckdb = sorted(duck_tables - set(spark_tables))
    return results, only_duckdb
