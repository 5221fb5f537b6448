"""Run the data-quality gate: each suite's expectations, validated where its rows are.

Each suite's dataframe is defined over the dbt model it names (the relation dbt built it
as, see ``shopkpi.quality.relations``) and validated against the suite in a working copy of
the committed GX project. A suite whose expectations DuckDB can decide (every raw suite:
one row per delivered row, the tables that grow with the shop) is validated inside DuckDB
by ``shopkpi.quality.pushdown``: GX's metrics as SQL aggregates, GX's expectation classes
giving the verdicts, the results stored in the GX project like a checkpoint's. Any other
suite (the model suites: one aggregated row each) is read into pandas and run by its GX
checkpoint. ``engine="pandas"`` runs every suite the second way (the reference the
DuckDB path is tested against). Every expectation's result becomes one row of
``quality.gx_validation_results`` in the warehouse (appended: the table keeps the history of
runs), then the Data Docs are built as a self-contained site. The gate fails when an
expectation of severity ``critical`` fails or raises; ``warning`` expectations are reported
only.

The gate takes no parameters from the build: staging judged every row (against the build's
dbt vars: reference time, plausibility bounds, channels) and the gate reports its verdict.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from shopkpi.contract import SHOP_TIMEZONE, SOURCE_FILE, SOURCE_LINE
from shopkpi.quality import project, pushdown
from shopkpi.quality.expectations import Suite
from shopkpi.quality.relations import ModelNotFound, manifest_relations, model_relation
from shopkpi.quality.suites import all_suites
from shopkpi.warehouse import connect, project_dir

RESULTS_SCHEMA = "quality"
RESULTS_TABLE = "gx_validation_results"
RUN_NAME = "shopkpi-quality"
# Where the gate validates a suite: in DuckDB when it can (default), or always in pandas.
ENGINES = ("duckdb", "pandas")


def default_workdir() -> Path:
    """Where runs write their GX working copy, results and Data Docs: $SHOPKPI_QUALITY_DIR
    when set (runs side by side, each in its own folder), else the project's build/quality."""
    named = os.environ.get("SHOPKPI_QUALITY_DIR")
    return Path(named) if named else project_dir() / "build" / "quality"


RESULTS_DDL = f"""
create table if not exists {RESULTS_SCHEMA}.{RESULTS_TABLE} (
    result_id varchar,
    run_id varchar,
    run_started_at timestamp,
    reference_time timestamp,
    suite_name varchar,
    check_kind varchar,
    table_name varchar,
    expectation_id varchar,
    expectation_type varchar,
    column_name varchar,
    kwargs_json varchar,
    dq_rule varchar,
    severity varchar,
    success boolean,
    raised_exception boolean,
    exception_message varchar,
    element_count bigint,
    unexpected_count bigint,
    unexpected_percent double,
    observed_value varchar,
    failing_sample_json varchar,
    gx_version varchar
)
"""

SEVERITY_NAMES = {"critical": "error", "warning": "warning", "info": "info"}


class QualityGateError(RuntimeError):
    """The gate could not run (no warehouse, unknown suite)."""


@dataclass
class Outcome:
    """One expectation's result in one run."""

    suite_name: str
    check_kind: str
    table_name: str
    expectation_id: str
    expectation_type: str
    column_name: str | None
    kwargs: dict
    dq_rule: str | None
    severity: str
    success: bool
    raised_exception: bool
    exception_message: str | None
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    observed_value: object
    failing_sample: list

    @property
    def is_error(self) -> bool:
        return not self.success and (self.severity == "error" or self.raised_exception)

    def message(self) -> str:
        label = "ERROR" if self.is_error else self.severity.upper()
        column = f"({self.column_name})" if self.column_name else ""
        rule = f" [{self.dq_rule}]" if self.dq_rule else ""
        head = f"{label} {self.table_name}: {self.expectation_type}{column}{rule}"
        if self.raised_exception:
            return f"{head}: raised {self.exception_message}"
        if self.unexpected_count is not None:
            of = f" of {self.element_count:,}" if self.element_count is not None else ""
            detail = f"{self.unexpected_count:,}{of} rows fail"
        else:
            detail = f"observed {_short(self.observed_value)}"
        # A staging rule's expectation fails on the rows quarantined under that rule: the
        # rule is in the head, so neither the expected set nor the samples repeat it.
        reports_rule = self.dq_rule is not None and self.column_name == "dq_rule"
        expected = "" if reports_rule else _expected(self.kwargs)
        if expected:
            detail += f" (expected {expected})"
        if self.failing_sample:
            omit = ("dq_rule",) if reports_rule else ()
            sample = "; ".join(_row_text(item, omit) for item in self.failing_sample[:5])
            detail += f", e.g. {sample}"
        return f"{head}: {detail}"


@dataclass
class QualityReport:
    run_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    docs_index: Path | None = None
    stale_project_files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.is_error]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and not o.is_error]

    @property
    def passed(self) -> bool:
        return not self.errors


def _plain(value):
    """A JSON-friendly version of a value GX reports (numpy, pandas, NaN, timestamps)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if hasattr(value, "isoformat"):
        try:
            return None if value != value else value.isoformat()
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return str(value)


def _short(value, limit: int = 200) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_text(item, omit: tuple[str, ...] = ()) -> str:
    """A failing row as ``column=value ... at file:line``: null columns and ``omit`` left
    out, an empty value shown as (empty)."""
    if isinstance(item, dict):
        where = ""
        if SOURCE_FILE in item and SOURCE_LINE in item:
            item = dict(item)
            source_file, source_line = item.pop(SOURCE_FILE), item.pop(SOURCE_LINE)
            where = f" at {source_file}:{source_line}"
        return (
            " ".join(
                f"{k}={'(empty)' if v == '' else v}"
                for k, v in item.items()
                if v is not None and k not in omit
            )
            + where
        )
    return str(item)


def _expected(kwargs: dict) -> str:
    parts = []
    for name in ("value_set", "min_value", "max_value", "mostly", "type_", "regex", "column_list"):
        if name in kwargs and kwargs[name] is not None:
            value = kwargs[name]
            if isinstance(value, list) and len(value) > 8:
                value = value[:8] + ["…"]
            parts.append(f"{name}={_short(value, 120)}")
    return ", ".join(parts)


def _column_name(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']} >= {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def shop_now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo(SHOP_TIMEZONE)).replace(tzinfo=None, microsecond=0)


def prepare_workdir(workdir: Path) -> tuple[Path, list[str]]:
    """The GX project to run, written into ``workdir``; earlier run output there is kept.

    The project is the one ``gx/`` holds when that is current. When it is not (the suites or
    a base model's rules changed without ``--write-project``), the run still uses the suites
    the code generates and returns the stale files, so the caller can say so.
    """
    files = project.project_files()
    stale = project.stale_files(files=files)
    target = workdir / "gx"
    for sub in ("expectations", "validation_definitions", "checkpoints"):
        shutil.rmtree(target / sub, ignore_errors=True)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target, stale


def _unreadable_outcome(suite: Suite, error: Exception) -> Outcome:
    """The suite's dataframe could not be read (no such model, a broken view): an error."""
    return Outcome(
        suite_name=suite.name,
        check_kind=suite.kind,
        table_name=suite.table,
        expectation_id=f"{suite.name}/readable",
        expectation_type="table_is_readable",
        column_name=None,
        kwargs={},
        dq_rule=None,
        severity="error",
        success=False,
        raised_exception=True,
        exception_message=str(error).splitlines()[0],
        element_count=None,
        unexpected_count=None,
        unexpected_percent=None,
        observed_value=None,
        failing_sample=[],
    )


def _outcomes(suite: Suite, checkpoint_result) -> list[Outcome]:
    out = []
    for validation in checkpoint_result.run_results.values():
        out.extend(_validation_outcomes(suite, validation))
    return out


def _validation_outcomes(suite: Suite, validation) -> list[Outcome]:
    """One outcome per expectation of a GX suite validation result."""
    out = []
    for result in validation.results:
        config = result.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
        info = result.exception_info or {}
        if "raised_exception" not in info:  # keyed by metric when a metric failed
            info = next(iter(info.values()), {}) if info else {}
        details = result.result or {}
        sample = details.get("partial_unexpected_index_list") or details.get(
            "partial_unexpected_list"
        )
        severity = getattr(config.severity, "value", config.severity) or "critical"
        out.append(
            Outcome(
                suite_name=suite.name,
                check_kind=suite.kind,
                table_name=suite.table,
                expectation_id=str(config.id),
                expectation_type=config.type,
                column_name=_column_name(kwargs),
                kwargs=_plain(kwargs),
                dq_rule=(config.meta or {}).get("dq_rule"),
                severity=SEVERITY_NAMES.get(str(severity), str(severity)),
                success=bool(result.success),
                raised_exception=bool(info.get("raised_exception")),
                exception_message=info.get("exception_message"),
                element_count=details.get("element_count"),
                unexpected_count=details.get("unexpected_count"),
                unexpected_percent=_plain(details.get("unexpected_percent")),
                observed_value=_plain(details.get("observed_value")),
                failing_sample=_plain(list(sample or []))[:20],
            )
        )
    return out


def _validate_in_duckdb(
    context, con: duckdb.DuckDBPyConnection, suite: Suite, relation: str, run_id
) -> object:
    """Validate ``suite`` inside DuckDB and store the result in the GX project as its
    checkpoint would (same identifiers, so the Data Docs show it the same way)."""
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.validator.validation_statistics import calc_validation_statistics

    batch_id = f"{project.DATASOURCE}-{suite.name}"
    expectations = context.suites.get(suite.name).expectations
    results = pushdown.validate(
        con, suite, relation, expectations, project.result_format(suite), batch_id
    )
    statistics = calc_validation_statistics(results)
    validation = ExpectationSuiteValidationResult(
        success=statistics.success,
        results=results,
        suite_name=suite.name,
        suite_parameters={},
        statistics={
            "evaluated_expectations": statistics.evaluated_expectations,
            "successful_expectations": statistics.successful_expectations,
            "unsuccessful_expectations": statistics.unsuccessful_expectations,
            "success_percent": statistics.success_percent,
        },
        meta={
            "great_expectations_version": gx.__version__,
            "batch_spec": {"engine": "duckdb", "query": suite.query(relation)},
            "batch_markers": {"ge_load_time": run_id.run_time.strftime("%Y%m%dT%H%M%S.%fZ")},
            "active_batch_definition": {
                "datasource_name": project.DATASOURCE,
                "data_connector_name": "fluent",
                "data_asset_name": suite.name,
                "batch_identifiers": {"relation": relation},
            },
            "batch_parameters": None,
            "validation_id": project.object_id("validation", suite.name),
            "checkpoint_id": project.object_id("checkpoint", suite.name),
            "run_id": run_id,
            "validation_time": run_id.run_time,
        },
        batch_id=batch_id,
    )
    suite_id = ExpectationSuiteIdentifier(name=suite.name)
    context.validation_results_store.store_validation_results(
        suite_validation_result=validation,
        suite_validation_result_identifier=ValidationResultIdentifier(
            expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=batch_id
        ),
        expectation_suite_identifier=suite_id,
    )
    return validation


def write_results(
    con: duckdb.DuckDBPyConnection,
    outcomes: list[Outcome],
    run_id: str,
    run_started_at: dt.datetime,
    gx_version: str,
) -> int:
    """Append one row per expectation of this run to quality.gx_validation_results.

    Column ``reference_time`` is left empty: staging, not the gate, judges timestamps in
    the future now (dbt var dq_reference_time). It stays for the rows of earlier runs.
    """
    import pandas as pd

    rows = pd.DataFrame(
        [
            {
                "result_id": f"{run_id}/{o.expectation_id}",
                "run_id": run_id,
                "run_started_at": run_started_at,
                "reference_time": None,
                "suite_name": o.suite_name,
                "check_kind": o.check_kind,
                "table_name": o.table_name,
                "expectation_id": o.expectation_id,
                "expectation_type": o.expectation_type,
                "column_name": o.column_name,
                "kwargs_json": json.dumps(o.kwargs, sort_keys=True, ensure_ascii=False),
                "dq_rule": o.dq_rule,
                "severity": o.severity,
                "success": o.success,
                "raised_exception": o.raised_exception,
                "exception_message": o.exception_message,
                "element_count": o.element_count,
                "unexpected_count": o.unexpected_count,
                "unexpected_percent": o.unexpected_percent,
                "observed_value": None
                if o.observed_value is None
                else json.dumps(o.observed_value, ensure_ascii=False, default=str),
                "failing_sample_json": json.dumps(o.failing_sample, ensure_ascii=False)
                if o.failing_sample
                else None,
                "gx_version": gx_version,
            }
            for o in outcomes
        ]
    )
    con.execute(f"create schema if not exists {RESULTS_SCHEMA}")
    con.execute(RESULTS_DDL)
    con.register("gx_new_results", rows)
    try:
        con.execute(
            f"insert into {RESULTS_SCHEMA}.{RESULTS_TABLE} by name select * from gx_new_results"
        )
    finally:
        con.unregister("gx_new_results")
    return len(rows)


def prune_validations(gx_dir: Path, keep_runs: int) -> None:
    """Keep the validation results of the last ``keep_runs`` runs (the warehouse keeps all)."""
    base = gx_dir / "uncommitted" / "validations"
    if not base.is_dir():
        return
    run_folders = sorted({p.name for p in base.glob(f"*/{RUN_NAME}/*") if p.is_dir()})
    for old in run_folders[:-keep_runs] if keep_runs > 0 else run_folders:
        for folder in base.glob(f"*/{RUN_NAME}/{old}"):
            shutil.rmtree(folder)
    for suite_dir in base.iterdir():
        if suite_dir.is_dir() and not any(suite_dir.rglob("*.json")):
            shutil.rmtree(suite_dir)


def run_quality(
    db: Path,
    workdir: Path | None = None,
    build_docs: bool = True,
    keep_runs: int = 10,
    suites: list[str] | None = None,
    manifest_path: Path | None = None,
    engine: str = "duckdb",
) -> QualityReport:
    """Validate the warehouse ``db``; write results into it and build the Data Docs.

    ``suites`` limits the run to the named suites (default: every suite). ``engine``:
    ``duckdb`` validates in DuckDB every suite it can (see the module's docstring),
    ``pandas`` reads every suite's dataframe into pandas for GX. Models are found
    through dbt's manifest (``manifest_path``, default the project's target/manifest.json)
    or, failing that, by name in the warehouse.
    """
    if not Path(db).is_file():
        raise QualityGateError(f"warehouse {db} does not exist; build it first (make run)")
    selected = [s for s in all_suites() if suites is None or s.name in suites]
    unknown = set(suites or ()) - {s.name for s in selected}
    if unknown:
        raise QualityGateError(f"unknown suite(s): {', '.join(sorted(unknown))}")
    if engine not in ENGINES:
        raise QualityGateError(f"unknown engine {engine}: one of {', '.join(ENGINES)}")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    timings["import_gx"] = time.perf_counter() - started

    step = time.perf_counter()
    gx_dir, report_stale = prepare_workdir(Path(workdir or default_workdir()))
    context = gx.get_context(mode="file", project_root_dir=str(gx_dir.parent))
    timings["load_project"] = time.perf_counter() - step

    run_started_at = shop_now()
    run_time = dt.datetime.now(dt.UTC)
    run_id = run_time.strftime("%Y%m%dT%H%M%S%fZ")
    report = QualityReport(run_id=run_id, timings=timings, stale_project_files=report_stale)
    run_identifier = RunIdentifier(run_name=RUN_NAME, run_time=run_time)

    step = time.perf_counter()
    manifest = manifest_relations(manifest_path)
    with connect(db) as con:
        read_seconds = duckdb_seconds = 0.0
        for suite in selected:
            read_started = time.perf_counter()
            try:
                relation = model_relation(con, suite.model, manifest)
                if engine == "duckdb" and pushdown.supported(suite):
                    pushdown.check_readable(con, suite, relation)
                    validation = _validate_in_duckdb(context, con, suite, relation, run_identifier)
                    duckdb_seconds += time.perf_counter() - read_started
                    report.outcomes.extend(_validation_outcomes(suite, validation))
                    continue
                frame = con.sql(suite.query(relation)).df()
            except (ModelNotFound, duckdb.Error) as error:
                report.outcomes.append(_unreadable_outcome(suite, error))
                continue
            read_seconds += time.perf_counter() - read_started
            checkpoint = context.checkpoints.get(suite.name)
            result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_identifier)
            report.outcomes.extend(_outcomes(suite, result))
        timings["validate_in_duckdb"] = duckdb_seconds
        timings["read_dataframes"] = read_seconds
        timings["validate"] = time.perf_counter() - step - read_seconds - duckdb_seconds

        step = time.perf_counter()
        write_results(con, report.outcomes, run_id, run_started_at, gx.__version__)
        timings["write_results"] = time.perf_counter() - step

    prune_validations(gx_dir, keep_runs)
    if build_docs:
        from shopkpi.quality.docs import build_offline_docs

        step = time.perf_counter()
        report.docs_index = build_offline_docs(context, gx_dir)
        timings["build_docs"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    return report
