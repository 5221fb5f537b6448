"""The semantic layer (dbt semantic models and metrics, models/metrics/semantic/) through
MetricFlow.

``shopkpi mf ...`` is MetricFlow's own command line (``mf``, from dbt-metricflow) on this
project and its warehouse, from any folder: it points MetricFlow at the project
(``project_dir()``) and the warehouse file (``database_path()``), writes the semantic
manifest with ``dbt parse`` when there is none for that file, and leaves out the one thing
``mf`` does on the network, asking PyPI for a newer release of dbt-metricflow on every call.
MetricFlow's own telemetry only writes to its log file (logs/metricflow.log); dbt's is off
in dbt_project.yml and through DO_NOT_TRACK.

``query_metrics`` answers the same questions from Python, with MetricFlow's engine on a
read-only DuckDB connection: the tests compare its numbers with the marts'.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from shopkpi.warehouse import database_path, project_dir

if TYPE_CHECKING:
    from metricflow.data_table.mf_table import MetricFlowDataTable
    from metricflow.protocols.sql_client import SqlEngine
    from metricflow.sql.render.sql_plan_renderer import SqlPlanRenderer

# Where dbt writes the semantic manifest and where MetricFlow's `mf` reads it: the project's
# target folder (mf reads no other).
SEMANTIC_MANIFEST = Path("target") / "semantic_manifest.json"


class SemanticLayerError(RuntimeError):
    """The semantic layer cannot be queried (no warehouse, or no manifest could be written)."""


def manifest_catalogs(manifest: Path) -> set[str]:
    """The catalogs (DuckDB names a file's catalog after the file) the semantic models of a
    semantic manifest read; one name when the manifest was written for one warehouse."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {model["node_relation"]["database"] for model in data["semantic_models"]}


def _environment(project: Path, db: Path) -> dict[str, str]:
    env = dict(os.environ)
    # mf reads the project's own target folder only: dbt must write the manifest there.
    env.pop("DBT_TARGET_PATH", None)
    env.setdefault("DBT_PROFILES_DIR", str(project))
    env.update(
        DBT_PROJECT_DIR=str(project),
        SHOPKPI_DB=str(db),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def prepare(project: Path, db: Path) -> dict[str, str]:
    """Check the warehouse exists and that the project's semantic manifest was written for it
    (else write it with ``dbt parse``); return the environment MetricFlow runs with."""
    if not db.is_file():
        raise SemanticLayerError(
            f"no warehouse at {db}: build it first (`make run`), or set SHOPKPI_DB to one"
        )
    env = _environment(project, db)
    manifest = project / SEMANTIC_MANIFEST
    # The manifest names every table with the warehouse file's catalog: one written for
    # another file (a copy under another name) would read tables that are not there.
    if manifest.is_file() and manifest_catalogs(manifest) == {db.stem}:
        return env
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt) if dbt.exists() else "dbt", "parse", "--quiet", "--no-use-colors"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not manifest.is_file():
        raise SemanticLayerError(
            f"dbt parse could not write {manifest}:\n{(result.stdout + result.stderr)[-3000:]}"
        )
    return env


def _without_update_check() -> None:
    """Make dbt-metricflow's check for a newer release on PyPI (update_checker, one request
    per call of `mf`, cached for an hour) find nothing, without asking."""
    try:
        import update_checker
    except ImportError:
        return
    update_checker.UpdateChecker.check = lambda self, package_name, package_version: None


def run_mf(arguments: Sequence[str]) -> int:
    """Run MetricFlow's command line (`mf <arguments>`) on the project and its warehouse."""
    project = project_dir().resolve()
    db = database_path().resolve()
    os.environ.update(prepare(project, db))
    _without_update_check()
    from dbt_metricflow.cli.main import cli

    try:
        cli.main(args=list(arguments), prog_name="shopkpi mf", standalone_mode=True)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    return 0


class DuckDbSqlClient:
    """MetricFlow's SqlClient on a DuckDB connection (dbt-metricflow's goes through a dbt
    adapter and a loaded project; this one needs only the warehouse file)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer

        self._connection = connection
        self._engine = SqlEngine.DUCKDB
        self._renderer = DuckDbSqlPlanRenderer()

    @property
    def sql_engine_type(self) -> SqlEngine:
        return self._engine

    @property
    def sql_plan_renderer(self) -> SqlPlanRenderer:
        return self._renderer

    def query(self, stmt: str, sql_bind_parameter_set: Any = None) -> MetricFlowDataTable:
        from metricflow.data_table.mf_table import MetricFlowDataTable

        _no_bind_parameters(sql_bind_parameter_set)
        cursor = self._connection.execute(stmt)
        columns = [description[0] for description in cursor.description]
        return MetricFlowDataTable.create_from_rows(
            column_names=columns, rows=[tuple(row) for row in cursor.fetchall()]
        )

    def execute(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        _no_bind_parameters(sql_bind_parameter_set)
        self._connection.execute(stmt)

    def dry_run(self, stmt: str, sql_bind_parameter_set: Any = None) -> None:
        _no_bind_parameters(sql_bind_parameter_set)
        self._connection.execute(f"explain {stmt}")

    def close(self) -> None:
        self._connection.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def _no_bind_parameters(parameters: Any) -> None:
    if parameters is not None and parameters.param_dict:
        raise SemanticLayerError("bind parameters are not supported")


class SemanticLayer:
    """MetricFlow's engine over one warehouse file and the semantic manifest written for it.
    ``SemanticLayer(db).query(["gmv"], ["metric_time__month"])`` gives one dict per row,
    ``{"metric_time__month": datetime(2024, 1, 1), "gmv": 25694.06}`` (MetricFlow returns
    numbers as floats and times as datetimes)."""

    def __init__(self, db: Path, manifest: Path | None = None) -> None:
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow_semantics.model.dbt_manifest_parser import (
            parse_manifest_from_dbt_generated_manifest,
        )
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

        manifest = manifest or project_dir() / SEMANTIC_MANIFEST
        if not manifest.is_file():
            raise SemanticLayerError(f"no semantic manifest at {manifest}: run `dbt parse`")
        if manifest_catalogs(manifest) != {db.stem}:
            raise SemanticLayerError(
                f"{manifest} was written for another warehouse file than {db.name}: run "
                "`dbt parse` with SHOPKPI_DB set to it"
            )
        semantic_manifest = parse_manifest_from_dbt_generated_manifest(
            manifest_json_string=manifest.read_text(encoding="utf-8")
        )
        # Read only, so the file's storage format is not the connection's to choose.
        connection = duckdb.connect(str(db), read_only=True)
        self.client = DuckDbSqlClient(connection)
        self.engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(semantic_manifest),
            sql_client=self.client,
        )

    def query(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
        start_time: dt.datetime | None = None,
        end_time: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The rows of ``mf query --metrics ... --group-by ... --where ... --order ...
        --start-time ... --end-time ... --limit ...``."""
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by) or None,
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
            time_constraint_start=start_time,
            time_constraint_end=end_time,
            limit=limit,
        )
        table = self.engine.query(request).result_df
        return [dict(zip(table.column_names, row, strict=True)) for row in table.rows]

    def sql(self, metrics: Sequence[str], group_by: Sequence[str] = ()) -> str:
        """The SQL MetricFlow runs for a query (``mf query --explain``)."""
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics), group_by_names=list(group_by) or None
        )
        return self.engine.explain(request).sql_statement.without_descriptions.sql

    def close(self) -> None:
        self.client.close()


def query_metrics(
    metrics: Sequence[str],
    group_by: Sequence[str] = (),
    where: Sequence[str] = (),
    db: Path | str | None = None,
    manifest: Path | None = None,
) -> list[dict[str, Any]]:
    """One MetricFlow query on the warehouse file (default: ``database_path()``)."""
    layer = SemanticLayer(database_path(db), manifest)
    try:
        return layer.query(metrics, group_by, where)
    finally:
        layer.close()
