"""``shopkpi build``: load, build, check and publish the warehouse as one atomic step.

A build never writes the warehouse file that readers use. It works on a new file in a
build folder beside it (``warehouse/.shopkpi.duckdb.build-<pid>/``):

1. load the raw files (the embedded demo, or a shop's folder) into the new file;
2. carry the quality gate's result history over from the current warehouse;
3. ``dbt build`` (every model and test) against the new file, showing progress;
4. run the quality gate on the new file (results and Data Docs);
5. replace the warehouse by the new file with one rename, and print a summary.

If any step before the rename fails, or the build is interrupted, the current warehouse is
untouched and the command says so. Readers holding the old file open keep reading it (the
rename does not disturb an open file); the next reader opens the new one. A folder left by a
killed build is removed by the next build.

Exit codes: 0 built and the gate passed; 1 built, but the gate found data errors (the new
warehouse is published: its findings are in ``quality.gx_validation_results``); 2 a user
error (bad input, bad option); 3 the build failed (dbt error or failing dbt test) and
nothing was published; 130 / 143 interrupted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.loader import DEMO_DIR, Mapping, RawDataError, load_raw
from shopkpi.warehouse import connect, project_dir, quote_literal

BUILD_FAILED = 3
GATE_ERRORS = 1
USER_ERROR = 2

_PROGRESS = re.compile(r"^(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP)\b(.*)$")


class BuildError(RuntimeError):
    """A build step failed; the published warehouse is unchanged."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT during a build."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@dataclass
class BuildReport:
    db: Path
    rows_loaded: dict[str, int] = field(default_factory=dict)
    dbt_summary: str = ""
    gate_status: int | None = None
    gate_summary: str = ""
    docs_index: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _say(message: str) -> None:
    print(message, flush=True)


def build_folder(db: Path, pid: int | None = None) -> Path:
    return db.parent / f".{db.name}.build-{pid or os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_builds(db: Path) -> list[Path]:
    """Remove build folders of builds that are no longer running; return them."""
    removed = []
    for folder in sorted(db.parent.glob(f".{db.name}.build-*")):
        try:
            pid = int(folder.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _carry_over_gate_history(old: Path, new: Path) -> None:
    """Copy quality.gx_validation_results from the published warehouse into the new file;
    a first build gets the table empty, so readers (the report site's data-quality page)
    find it whether or not the gate has run yet."""
    from shopkpi.quality.runner import RESULTS_DDL, RESULTS_SCHEMA

    try:
        with connect(new) as con:
            con.execute(f"create schema if not exists {RESULTS_SCHEMA}")
            if old.is_file():
                con.execute(f"attach {quote_literal(old)} as previous (read_only)")
                exists = con.execute(
                    "select count(*) from duckdb_tables() where database_name = 'previous' "
                    "and schema_name = 'quality' and table_name = 'gx_validation_results'"
                ).fetchone()[0]
                if exists:
                    con.execute(
                        "create table quality.gx_validation_results as "
                        "select * from previous.quality.gx_validation_results"
                    )
                con.execute("detach previous")
            con.execute(RESULTS_DDL)
    except duckdb.Error as error:
        _say(f"note: the gate's earlier results could not be carried over ({error})")


def _dbt_command(*args: str, vars_json: str | None) -> list[str]:
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt) if dbt.exists() else "dbt", *args, "--no-use-colors"]
    if vars_json:
        command += ["--vars", vars_json]
    return command


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SHOPKPI_DB=str(db),
        DBT_PROFILES_DIR=env.get("DBT_PROFILES_DIR", str(project_dir())),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def _spawn(command: list[str], db: Path) -> subprocess.Popen:
    """Start a build step against ``db``, its output merged into one text stream."""
    process = subprocess.Popen(
        command,
        cwd=project_dir(),
        env=_env(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    _Child.process = process
    return process


class _Child:
    """The running subprocess, so a signal handler can stop it."""

    process: subprocess.Popen | None = None


def build_vars(vars_json: str | None, *, daily: bool) -> str | None:
    """The ``--vars`` of a warehouse build: the user's, and on a daily (incremental) load
    ``test_scope: late_window`` unless the user set it (DECISIONLOG.md "Tests of a daily
    load")."""
    if not daily:
        return vars_json
    values = json.loads(vars_json) if vars_json else {}
    values.setdefault("test_scope", "late_window")
    return json.dumps(values, sort_keys=True)


# A warehouse build runs models, seeds and data tests. dbt's unit tests check the models'
# logic on fixed fixtures, not the data: they run in `make test-dbt`, not in every build.
PRODUCTION_EXCLUDES = ("--exclude-resource-type", "unit_test")


def run_dbt_build(db: Path, vars_json: str | None, verbose: bool) -> str:
    """``dbt build`` (no unit tests) against ``db`` with a compact progress display; return
    dbt's summary."""
    command = _dbt_command("build", *PRODUCTION_EXCLUDES, vars_json=vars_json)
    process = _spawn(command, db)
    lines: list[str] = []
    problems: list[str] = []
    shown = -1
    summary = ""
    assert process.stdout is not None
    for raw_line in process.stdout:
        line = raw_line.rstrip("\n")
        lines.append(line)
        text = re.sub(r"^\d\d:\d\d:\d\d\s+", "", line)
        if verbose:
            _say(text)
        match = _PROGRESS.match(text)
        if match:
            done, total, status = int(match.group(1)), int(match.group(2)), match.group(3)
            if status in ("ERROR", "FAIL", "WARN"):
                problems.append(text)
                if not verbose:
                    _say(f"  {text}")
            step = max(total // 10, 1)
            if not verbose and (done // step > shown or done == total):
                shown = done // step
                _say(f"  dbt build: {done}/{total} nodes done")
        elif text.startswith("Done. PASS="):
            summary = text
    status = process.wait()
    _Child.process = None
    if status != 0:
        tail = "\n".join(lines[-60:])
        raise BuildError(f"dbt build failed (exit {status}); its last lines:\n{tail}")
    return summary


def run_gate(db: Path) -> tuple[int, str, str | None]:
    """Run the quality gate on ``db``; return (exit status, summary line, Data Docs path).

    The gate needs none of the build's vars: it reports what staging quarantined."""
    command = [sys.executable, "-m", "shopkpi.cli", "quality", "--db", str(db)]
    process = _spawn(command, db)
    summary, docs = "", None
    assert process.stdout is not None
    for raw_line in process.stdout:
        line = raw_line.rstrip("\n")
        if line.startswith("quality gate:"):
            summary = line.split(";")[0]
        if line.startswith("Data Docs:"):
            docs = line.split(":", 1)[1].strip()
        if not line.startswith("GX time:"):
            _say(f"  {line}")
    status = process.wait()
    _Child.process = None
    if status not in (0, GATE_ERRORS):
        raise BuildError(f"the quality gate could not run (exit {status}); see above")
    return status, summary, docs


def _settle(db: Path) -> None:
    """Checkpoint the new file so that it is whole without its write-ahead log."""
    with connect(db) as con:
        con.execute("checkpoint")
    wal = Path(f"{db}.wal")
    if wal.exists():
        raise BuildError(f"{wal} remains after a checkpoint; the new warehouse is not whole")


def publish(new: Path, db: Path) -> None:
    """Replace ``db`` by ``new`` in one rename."""
    stale_wal = Path(f"{db}.wal")
    if stale_wal.exists():
        raise BuildError(
            f"{stale_wal} exists: another process is writing {db}, or one was killed while "
            f"writing it. The new warehouse is kept at {new}; stop that process (or remove "
            "the .wal file if none is running) and build again"
        )
    os.replace(new, db)


def _quarantine_summary(db: Path) -> list[tuple[str, str, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select source_table, dq_rule, rows_quarantined from marts.dq_rule_counts "
            "where rows_quarantined > 0 order by source_table, rule_priority"
        ).fetchall()


def _count_marts(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts'"
        ).fetchone()[0]


def _print_summary(report: BuildReport) -> None:
    _say("")
    _say(f"warehouse: {report.db}")
    total = sum(report.rows_loaded.values())
    _say(f"  rows in: {total:,} in {len(report.rows_loaded)} tables")
    for table, rows in report.rows_loaded.items():
        _say(f"    {table:<22}{rows:>12,}")
    quarantined = _quarantine_summary(report.db)
    if quarantined:
        _say(
            f"  quarantined: {sum(r[2] for r in quarantined):,} rows "
            "(marts.dq_quarantine has each with its file, line and rule)"
        )
        for table, rule, rows in quarantined:
            _say(f"    {table:<22}{rule:<24}{rows:>8,}")
    else:
        _say("  quarantined: none")
    _say(f"  marts: {_count_marts(report.db)} tables ({report.dbt_summary})")
    if report.gate_status is None:
        _say("  quality gate: not run (--no-gate)")
    else:
        verdict = "passed" if report.gate_status == 0 else "FAILED (data errors listed above)"
        _say(f"  quality gate: {verdict}; {report.gate_summary}")
    if report.docs_index:
        _say(f"  Data Docs: {report.docs_index}")
    _say("  dbt docs: `make docs`, then open target/index.html")
    timing = ", ".join(f"{step} {seconds:.0f}s" for step, seconds in report.seconds.items())
    _say(f"  time: {timing}")


def build(
    db: Path,
    raw_dir: Path | None = None,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    vars_json: str | None = None,
    gate: bool = True,
    verbose: bool = False,
    in_place: bool = False,
    incremental: bool = False,
) -> int:
    """Build the warehouse ``db`` from ``raw_dir`` (default: the embedded demo); with
    ``in_place``, schema raw reads ``raw_dir``'s parquet files where they are.

    A build starts from a new file and computes every model. With ``incremental`` (the
    daily load) it starts from a copy of the published warehouse, when there is one, and
    the incrementally loaded models re-process only their late-arrival window
    (DECISIONLOG.md "Incremental daily loads"); it still publishes with one rename."""
    db = Path(db).absolute()
    db.parent.mkdir(parents=True, exist_ok=True)
    for folder in remove_stale_builds(db):
        _say(f"removed {folder}: the remains of an interrupted build (the warehouse was not used)")
    folder = build_folder(db)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    new = folder / db.name
    report = BuildReport(db=db)
    previous_handlers = {
        sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    published = False
    try:
        source = raw_dir or DEMO_DIR
        _say(f"[1/4] loading {'the demo shop' if raw_dir is None else source} ...")
        started = time.perf_counter()
        from_previous = incremental and db.is_file()
        if from_previous:
            _say(f"  incremental: starting from a copy of {db}")
            shutil.copyfile(db, new)
        report.rows_loaded = load_raw(
            Path(source), new, mapping=mapping, encoding=encoding, in_place=in_place
        )
        if not from_previous:
            _carry_over_gate_history(db, new)
        report.seconds["load"] = time.perf_counter() - started

        _say(
            "[2/4] dbt build (models and their data tests"
            + ("; tests read the late-arrival window) ..." if from_previous else ") ...")
        )
        started = time.perf_counter()
        report.dbt_summary = run_dbt_build(new, build_vars(vars_json, daily=from_previous), verbose)
        report.seconds["dbt build"] = time.perf_counter() - started

        if gate:
            _say("[3/4] quality gate ...")
            started = time.perf_counter()
            report.gate_status, report.gate_summary, report.docs_index = run_gate(new)
            report.seconds["quality gate"] = time.perf_counter() - started
        else:
            _say("[3/4] quality gate skipped")

        _say(f"[4/4] publishing {db} ...")
        _settle(new)
        publish(new, db)
        published = True
    except RawDataError as error:
        _say(f"shopkpi build: {error}")
        _say(f"nothing was published: {_unchanged(db)}")
        return USER_ERROR
    except BuildError as error:
        _say(f"shopkpi build: {error}")
        _say(f"nothing was published: {_unchanged(db)}")
        return BUILD_FAILED
    except Interrupted as interrupted:
        child = _Child.process
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        _say(f"\nshopkpi build: interrupted; nothing was published: {_unchanged(db)}")
        return 128 + interrupted.signum
    finally:
        for sig, handler in previous_handlers.items():
            signal.signal(sig, handler)
        if not published:
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    _print_summary(report)
    return GATE_ERRORS if report.gate_status == GATE_ERRORS else 0


def _unchanged(db: Path) -> str:
    if db.is_file():
        built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(db.stat().st_mtime))
        return f"{db} is the previous warehouse, whole and unchanged (built {built})"
    return f"{db} does not exist yet"


def _raise_interrupted(signum, frame):  # noqa: ARG001
    raise Interrupted(signum)


def parse_vars(text: str | None) -> str | None:
    """Check ``--vars`` (YAML or JSON, as dbt takes it) and return it as JSON."""
    if not text:
        return None
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RawDataError(f"--vars: not YAML or JSON ({error})") from None
    if not isinstance(value, dict):
        raise RawDataError("--vars: expected a mapping, e.g. '{attribution_lookback_days: 14}'")
    return json.dumps(value, sort_keys=True)
