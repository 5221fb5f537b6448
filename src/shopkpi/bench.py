"""Benchmark: the pipeline's steps at each scale, and the core KPIs side by side.

``make bench`` runs the scales demo, small and medium (``BENCH_SCALES=demo,small`` for a
quick run), ``make bench-large`` runs large. For each scale, on a freshly generated folder of
parquet (seed 42):

* the pipeline: generate, load-raw (copy into the warehouse), load-raw --in-place (when the
  loader has it), the full ``dbt build``, a one-day incremental build (when the project can
  split a raw folder by day), the quality gate; wall time, peak resident memory of each
  step and the size of what it wrote;
* side by side, measured in the same run on the same parquet: the dbt models behind daily
  GMV by channel, RFM scores, funnel step counts and channel ROI by month (``dbt run
  --select +<marts>``; dbt's fixed start-up, a run selecting nothing, measured apart), one
  hand-written DuckDB SQL script (bench/kpis_duckdb.sql), the plain pandas script
  (bench/kpis_pandas.py) and Polars (bench/kpis_polars.py). The bench then checks that
  all four give the same KPIs (shopkpi.bench_kpis) and stops, naming the KPI and its first
  differing row, when they do not.

Every step runs in its own process so its peak resident memory can be read (``os.wait4``).
Each scale's measurements go to ``bench/measurements/<scale>.json``; ``bench/results.md``
and ``bench/results.csv`` are rendered from every scale measured so far (a scale not run
keeps its last measurement), with the machine they ran on.

A scale's run keeps a journal of the steps it finished (``build/bench/<scale>/journal.json``).
With ``--resume`` (``make bench-large`` always resumes) a run that stopped part-way (a
machine restart, a job limit) keeps those steps and starts at the first one not finished,
provided the project's code, the seed and DuckDB's threads and memory_limit are the same;
otherwise it says why and starts over. The results name the steps kept from an earlier run.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from shopkpi.bench_kpis import KPI_MARTS, KpiMismatch, compare_kpis, mart_kpis, read_kpis
from shopkpi.build import PRODUCTION_EXCLUDES, build_vars
from shopkpi.warehouse import project_dir

SCALES = ("demo", "small", "medium", "large")
DEFAULT_SCALES = ("demo", "small", "medium")
PIPELINE, SIDE_BY_SIDE = "pipeline", "side-by-side"
# Step names, in the order they appear in the results.
GENERATE = "generate"
LOAD = "load-raw (copy)"
LOAD_IN_PLACE = "load-raw --in-place"
DBT_BUILD = "dbt build (full)"
DBT_INCREMENTAL = "dbt build (one-day incremental)"
QUALITY = "quality gate"
DBT_STARTUP = "dbt start-up (run selecting nothing)"
DBT_KPIS = "dbt run +KPI marts"
DBT_KPIS_OWN = "dbt KPI models (dbt's own timing)"
DBT_KPIS_DAILY = "dbt run +KPI marts, incremental"
DUCKDB_SQL = "DuckDB SQL script"
PANDAS = "pandas script"
POLARS = "Polars script"
CSV_COLUMNS = (
    "scale",
    "section",
    "step",
    "status",
    "seconds",
    "peak_rss_mib",
    "output_mib",
    "note",
)
VERSIONED = ("duckdb", "dbt-core", "dbt-duckdb", "pandas", "polars", "pyarrow")
# The targets (shown by the bench, never by timed tests). They are set for medium
# and large; smaller scales show them for reference.
TARGET_SCALES = ("medium", "large")
# Scales whose raw folder is read in place only. At large a copy of the raw tables and a
# second warehouse for the one-day rehearsal would need about 100 GB beside the ~5 GB of
# parquet; the in-place warehouse is the one a shop that size runs (README, "Large data
# read in place"), and the one-day target is set for medium.
IN_PLACE_ONLY_SCALES = ("large",)
# The share of the machine's memory a side-by-side script may address. A script that
# cannot fit stops with a memory error, recorded as its result, instead of waking the
# kernel's out-of-memory killer; dbt and the DuckDB script are held by memory_limit instead.
SCRIPT_MEMORY_SHARE = 0.8


class BenchError(RuntimeError):
    """A bench step failed or the side-by-side KPIs disagree."""


# --------------------------------------------------------------------------- measuring


def _size_mib(path: Path) -> float:
    if path.is_file():
        size = path.stat().st_size
    else:
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(size / 2**20, 1)


# Each step is started by this small launcher, which forks the step, waits for it and writes
# its peak RSS (KiB), wall seconds and exit code to the file named first. On Linux a process'
# ru_maxrss includes the high-water mark of the address space it was exec'd from, so a step
# started straight from the bench (or any large process) would report at least the bench's
# own peak; forked from the launcher (a bare interpreter, ~10 MiB) it reports its own.
# With SHOPKPI_BENCH_ADDRESS_SPACE set (bytes), the step's address space is capped there.
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    cap = os.environ.pop("SHOPKPI_BENCH_ADDRESS_SPACE", "")
    if cap:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {seconds} {code}")
sys.exit(1 if code else 0)
"""


def run_step(
    section: str,
    step: str,
    command: list[str],
    env: dict[str, str],
    log: Path,
    cwd: Path,
    may_fail: bool = False,
) -> dict:
    """Run one step in its own process; return its wall time and peak resident memory.

    A failing step stops the bench, unless ``may_fail``: then it is recorded with status
    ``failed`` and the last line of its log as the note (a script out of memory)."""
    measured = log.with_suffix(".measured")
    with log.open("w") as output:
        subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, str(measured), *command],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=output,
            check=False,
        )
    try:
        max_rss_kib, seconds, code = measured.read_text().split()
    except (OSError, ValueError):
        max_rss_kib, seconds, code = "0", "0", "-1"
    failed = int(code) != 0
    if failed and not may_fail:
        sys.stderr.write(log.read_text()[-4000:])
        raise BenchError(f"bench: step '{step}' failed (log: {log})")
    if failed:
        print(f"bench: step '{step}' failed, recorded (log: {log})", flush=True)
    return {
        "section": section,
        "step": step,
        "status": "failed" if failed else "ok",
        "seconds": round(float(seconds), 2),
        "peak_rss_mib": round(int(max_rss_kib) / 1024),  # ru_maxrss is KiB on Linux
        "output_mib": None,
        "note": _failure(log, int(code)) if failed else "",
    }


def _failure(log: Path, code: int) -> str:
    """What a failed step's log ends with: its error, for the results table."""
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    last = last.replace("|", "/")[:160]
    return f"failed (exit {code}): {last}" if last else f"failed (exit {code})"


def _memory_bytes() -> int:
    """The machine's memory in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def skipped(section: str, step: str, why: str) -> dict:
    print(f"bench: {step}: skipped: {why}")
    return {
        "section": section,
        "step": step,
        "status": "skipped",
        "seconds": None,
        "peak_rss_mib": None,
        "output_mib": None,
        "note": why,
    }


def has_in_place_load(shopkpi: str, env: dict[str, str]) -> bool:
    """Whether this project's ``shopkpi load-raw`` can read a folder in place."""
    result = subprocess.run(
        [shopkpi, "load-raw", "--help"], env=env, capture_output=True, text=True, check=False
    )
    return "--in-place" in result.stdout


def raw_day_split():
    """(split_raw_days, add_day_parts) when the project can split a raw folder into "the
    days before day X" and "day X" (shopkpi.raw_days), else None."""
    try:
        from shopkpi.raw_days import add_day_parts, split_raw_days
    except ImportError:
        return None
    return split_raw_days, add_day_parts


def last_order_day(raw: Path) -> str:
    """The last shop day with an order in the raw folder (the date as delivered)."""
    import duckdb

    single = raw / "orders.parquet"
    source = str(single) if single.is_file() else str(raw / "orders" / "**" / "*.parquet")
    with duckdb.connect() as con:
        return con.execute(
            "select max(left(trim(cast(ordered_at as varchar)), 10)) from read_parquet(?)",
            [source],
        ).fetchone()[0]


# The builds are timed as `shopkpi build` runs them: models, seeds and data tests, without
# dbt's unit tests (fixed fixtures, run by `make test-dbt`); the daily one with its tests
# reading the late-arrival window (test_scope).
BUILD_FLAGS = ("--no-use-colors", *PRODUCTION_EXCLUDES)


# The daily load's rehearsal, in order; resumed only as a whole.
INCREMENTAL_STEPS = (
    "load-raw (days before the last)",
    "dbt build (days before the last)",
    "load-raw (with the last day)",
    DBT_INCREMENTAL,
)


def incremental_steps(splitter, raw: Path, work: Path, env: dict, step, journal: Journal):
    """The daily load rehearsed on its own warehouse: the days before the last order day
    loaded and built, then the last day's parts added, loaded and built incrementally. A
    resumed run keeps the rehearsal only when all of it finished; else it starts it again."""
    if all(journal.steps.get(name) for name in INCREMENTAL_STEPS):
        return [step(PIPELINE, name, []) for name in INCREMENTAL_STEPS]
    journal.forget(list(INCREMENTAL_STEPS))
    shutil.rmtree(work, ignore_errors=True)
    split_raw_days, add_day_parts = splitter
    shopkpi, dbt = _bins()
    day = last_order_day(raw)
    split_raw_days(raw, day, work / "before", work / "day")
    daily_raw = work / "raw"
    shutil.copytree(work / "before", daily_raw)
    db = work / "daily.duckdb"
    daily_env = dict(env, SHOPKPI_DB=str(db))
    paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    preparing = f"preparing the one-day incremental build of {day}"
    out = [
        step(
            PIPELINE,
            INCREMENTAL_STEPS[0],
            [shopkpi, "load-raw", "--dir", str(daily_raw)],
            daily_env,
            note=preparing,
        ),
        step(
            PIPELINE,
            INCREMENTAL_STEPS[1],
            [dbt, "build", *BUILD_FLAGS, *paths],
            daily_env,
            note=preparing,
        ),
    ]
    add_day_parts(work / "day", daily_raw)
    out.append(
        step(
            PIPELINE,
            INCREMENTAL_STEPS[2],
            [shopkpi, "load-raw", "--dir", str(daily_raw)],
            daily_env,
            note=f"the folder with {day}'s parts added",
        )
    )
    out.append(
        step(
            PIPELINE,
            DBT_INCREMENTAL,
            [dbt, "build", *BUILD_FLAGS, "--vars", build_vars(None, daily=True), *paths],
            daily_env,
            output=db,
            note=f"{day} and late rows of the days before, incremental models",
        )
    )
    return out


def _bins() -> tuple[str, str]:
    bin_dir = Path(sys.executable).parent
    return str(bin_dir / "shopkpi"), str(bin_dir / "dbt")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    versions = {}
    for package in VERSIONED:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "os": f"{os_name}, Linux {platform.release()}" if platform.system() == "Linux" else os_name,
        "python": platform.python_version(),
        "versions": versions,
    }


def _dbt_own_seconds(target: Path) -> float:
    """dbt's own elapsed time of the run (run_results.json): hooks and models, without
    dbt's start-up (import, parse, connect)."""
    results = json.loads((target / "run_results.json").read_text())
    return round(results["elapsed_time"], 2)


# What a scale's measurements depend on in the project: its models, macros, seeds, code and
# the bench's scripts; not the results the bench writes, nor this driver (a fix to how the
# results are written keeps a long run resumable).
FINGERPRINTED = (
    "dbt_project.yml",
    "profiles.yml",
    "pyproject.toml",
    "models",
    "macros",
    "seeds",
    "src",
)
FINGERPRINTED_BENCH = ("*.py", "*.sql")
NOT_FINGERPRINTED = ("src/shopkpi/bench.py",)


# What the generated parquet depends on: a run whose project code changed but not these
# keeps its generated folder.
GENERATOR_FILES = ("src/shopkpi/generator", "src/shopkpi/contract.py")


def generator_fingerprint(root: Path) -> str:
    """A hash of the generator's files (names and contents)."""
    return code_fingerprint(root, GENERATOR_FILES, ())


def code_fingerprint(
    root: Path, names: tuple[str, ...] = FINGERPRINTED, bench_patterns=FINGERPRINTED_BENCH
) -> str:
    """A hash of the project files the measurements depend on (names and contents)."""
    files: list[Path] = []
    for name in names:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for pattern in bench_patterns:
        files += (root / "bench").glob(pattern)
    files = [p for p in files if p.relative_to(root).as_posix() not in NOT_FINGERPRINTED]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def git_commit(root: Path) -> str | None:
    """The project's git commit (short), when it is a git checkout."""
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None if result.returncode == 0 else None


class Journal:
    """The steps a scale's run has finished, written after each one, so that a run that
    stops part-way can resume at the first step not finished (``--resume``)."""

    def __init__(self, path: Path, identity: dict, steps: dict[str, dict], started: dict):
        self.path, self.identity, self.started = path, identity, started
        self.steps = steps  # step name -> its finished result
        self.kept: list[str] = []  # steps taken from an earlier run

    @classmethod
    def open(cls, work: Path, identity: dict, resume: bool) -> Journal:
        """The journal of ``work``. Resuming keeps the folder and the finished steps when the
        earlier run had the same identity; otherwise the folder is emptied."""
        path = work / "journal.json"
        if resume and path.is_file():
            earlier = json.loads(path.read_text())
            if earlier.get("identity") == identity:
                print(
                    f"bench: {identity['scale']}: resuming: {len(earlier['steps'])} step(s) "
                    f"finished in the run started {earlier['started']['at']} are kept "
                    f"(remove {work} to start over)",
                    flush=True,
                )
                return cls(path, identity, earlier["steps"], earlier["started"])
            changed = sorted(
                key
                for key in identity.keys() | earlier.get("identity", {}).keys()
                if identity.get(key) != earlier.get("identity", {}).get(key)
            )
            generated = earlier["steps"].get(GENERATE)
            if changed == ["code"] and generated and generated["status"] == "ok":
                # Only the project's code changed, not the generator: the parquet stands.
                print(
                    f"bench: {identity['scale']}: the project's code changed since the run "
                    f"started {earlier['started']['at']}: its generated parquet is kept (the "
                    "generator is the same), every other step runs again",
                    flush=True,
                )
                for entry in work.iterdir():
                    if entry.name in ("raw", "journal.json"):
                        continue
                    if entry.is_dir():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
                journal = cls(path, identity, {GENERATE: generated}, earlier["started"])
                journal.save()
                return journal
            print(
                f"bench: {identity['scale']}: not resuming: the earlier run differs in "
                f"{', '.join(changed)}; starting over",
                flush=True,
            )
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        started = {
            "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "load_average": round(os.getloadavg()[0], 1),
        }
        journal = cls(path, identity, {}, started)
        journal.save()
        return journal

    def get(self, step: str) -> dict | None:
        """A step finished in an earlier run, marked as kept; None when it must run."""
        done = self.steps.get(step)
        if done is not None and step not in self.kept:
            self.kept.append(step)
        return done

    def record(self, result: dict) -> dict:
        self.steps[result["step"]] = result
        self.save()
        return result

    def forget(self, names: list[str]) -> None:
        for name in names:
            self.steps.pop(name, None)
            if name in self.kept:
                self.kept.remove(name)
        self.save()

    def save(self) -> None:
        state = {"identity": self.identity, "started": self.started, "steps": self.steps}
        self.path.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")


def bench_scale(scale: str, seed: int, root: Path, work_root: Path, resume: bool = False) -> dict:
    """Run every step at ``scale`` (with ``resume``, from the first step an earlier run of
    the same code did not finish); return its measurements."""
    work = work_root / scale
    threads = os.environ.get("SHOPKPI_THREADS", "2")
    memory_limit = os.environ.get("SHOPKPI_MEMORY_LIMIT", "")
    identity = {
        "scale": scale,
        "seed": seed,
        "code": code_fingerprint(root),
        "generator": generator_fingerprint(root),
        "threads": threads,
        "memory_limit": memory_limit,
    }
    journal = Journal.open(work, identity, resume)
    raw, db = work / "raw", work / "bench.duckdb"
    bin_dir = Path(sys.executable).parent
    python, shopkpi, dbt = sys.executable, str(bin_dir / "shopkpi"), str(bin_dir / "dbt")
    env = dict(
        os.environ,
        SHOPKPI_DB=str(db),
        SHOPKPI_PROJECT_DIR=str(root),
        DBT_PROFILES_DIR=str(root),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    target = work / "target"
    dbt_paths = ["--target-path", str(target), "--log-path", str(work / "logs")]
    logs = work / "logs"
    logs.mkdir(exist_ok=True)

    def step(
        section: str,
        name: str,
        command: list[str],
        step_env: dict | None = None,
        may_fail: bool = False,
        output: Path | None = None,
        note: str = "",
    ) -> dict:
        """Run one step (or keep it from the earlier run being resumed) and journal it:
        ``output`` is measured after it, ``note`` describes it (a failure is appended)."""
        done = journal.get(name)
        if done is not None:
            print(f"bench: {scale}: {name}: kept from the earlier run", flush=True)
            return done
        log = logs / (name.replace(" ", "_").replace("/", "_") + ".log")
        print(f"bench: {scale}: {name} ...", flush=True)
        result = run_step(section, name, command, step_env or env, log, root, may_fail)
        if output is not None:
            result["output_mib"] = _size_mib(output)
        if result["status"] == "ok":
            result["note"] = note
        elif note:
            result["note"] = f"{note}: {result['note']}"
        return journal.record(result)

    steps: list[dict] = []
    steps.append(
        step(
            PIPELINE,
            GENERATE,
            [
                shopkpi,
                "generate",
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--format",
                "parquet",
                "--out",
                str(raw),
            ],
            output=raw,
            note="parquet written",
        )
    )
    can_read_in_place = has_in_place_load(shopkpi, env)
    in_place_only = scale in IN_PLACE_ONLY_SCALES and can_read_in_place
    if in_place_only:
        steps.append(
            skipped(
                PIPELINE,
                LOAD,
                f"{scale}: the build reads the parquet in place (a copy would double the disk)",
            )
        )
    else:
        steps.append(
            step(
                PIPELINE,
                LOAD,
                [shopkpi, "load-raw", "--dir", str(raw)],
                output=db,
                note="warehouse after loading",
            )
        )
    in_place_db = None
    if can_read_in_place:
        in_place_db = work / "in_place.duckdb"
        steps.append(
            step(
                PIPELINE,
                LOAD_IN_PLACE,
                [shopkpi, "load-raw", "--in-place", "--dir", str(raw)],
                dict(env, SHOPKPI_DB=str(in_place_db)),
                output=in_place_db,
                note="warehouse reading the parquet folder",
            )
        )
    else:
        steps.append(skipped(PIPELINE, LOAD_IN_PLACE, "shopkpi load-raw has no --in-place"))
    if in_place_only:
        # One warehouse, reading the parquet: the full build, the gate and the KPI runs.
        db = in_place_db
        env = dict(env, SHOPKPI_DB=str(db))
    # --full-refresh: a build resumed after stopping part-way rebuilds every model too.
    steps.append(
        step(
            PIPELINE,
            DBT_BUILD,
            [dbt, "build", "--full-refresh", *BUILD_FLAGS, *dbt_paths],
            output=db,
            note="warehouse file after the build"
            + (", reading the parquet in place" if in_place_only else ""),
        )
    )
    splitter = raw_day_split()
    if in_place_only:
        steps.append(
            skipped(
                PIPELINE,
                DBT_INCREMENTAL,
                f"{scale}: not rehearsed (a second warehouse; the one-day target is for medium)",
            )
        )
    elif splitter is None:
        steps.append(
            skipped(
                PIPELINE,
                DBT_INCREMENTAL,
                "this project cannot split a raw folder by day yet "
                "(shopkpi.raw_days.split_raw_days / add_day_parts)",
            )
        )
    else:
        steps += incremental_steps(splitter, raw, work / "incremental", env, step, journal)
    steps.append(
        step(
            PIPELINE,
            QUALITY,
            [shopkpi, "quality", "--db", str(db), "--workdir", str(work / "quality"), "--no-docs"],
        )
    )

    # Side by side: dbt's KPI models against the three scripts, on the same parquet. With
    # the loader's --in-place, dbt reads the parquet too (a warehouse of views over it, its
    # seeds loaded first); else it reads the raw tables load-raw copied in.
    kpi_db, kpi_target, source_note = db, target, "from the raw tables load-raw copied in"
    if in_place_db is not None:
        kpi_db, kpi_target = in_place_db, work / "target_in_place"
        source_note = "from the parquet, read in place"
    kpi_env = dict(env, SHOPKPI_DB=str(kpi_db))
    kpi_paths = ["--target-path", str(kpi_target), "--log-path", str(work / "logs")]
    if in_place_db is not None:
        steps.append(
            step(
                SIDE_BY_SIDE,
                "dbt seed (in-place warehouse)",
                [dbt, "seed", "--no-use-colors", *kpi_paths],
                kpi_env,
                note="preparation: the seeds the KPI models read",
            )
        )
    steps.append(
        step(
            SIDE_BY_SIDE,
            DBT_STARTUP,
            [dbt, "run", "--no-use-colors", "--select", "none_such_model", *kpi_paths],
            kpi_env,
            note="parse, connect, no model",
        )
    )
    selection = [f"+{mart}" for mart in KPI_MARTS]
    steps.append(
        step(
            SIDE_BY_SIDE,
            DBT_KPIS,
            [dbt, "run", "--no-use-colors", "--full-refresh", "--select", *selection, *kpi_paths],
            kpi_env,
            note=f"the models the four KPI marts need, {source_note}",
        )
    )
    own = journal.get(DBT_KPIS_OWN) or journal.record(
        {
            "section": SIDE_BY_SIDE,
            "step": DBT_KPIS_OWN,
            "status": "ok",
            "seconds": _dbt_own_seconds(kpi_target),
            "peak_rss_mib": None,
            "output_mib": None,
            "note": "dbt's elapsed time of the run in run_results.json (no start-up)",
        }
    )
    steps.append(own)
    # The same selection run again without --full-refresh: the incrementally loaded models
    # re-process their late-arrival window (no new rows arrive), the others rebuild. What
    # the KPI models cost where a daily load keeps the checked bases and facts up to date.
    steps.append(
        step(
            SIDE_BY_SIDE,
            DBT_KPIS_DAILY,
            [dbt, "run", "--no-use-colors", "--select", *selection, *kpi_paths],
            kpi_env,
            note="after the run above: bases and facts re-process their late-arrival window",
        )
    )
    bench_dir = root / "bench"
    outputs = work / "kpis"
    # (step, output folder, script, holds everything in memory)
    scripts = (
        (DUCKDB_SQL, "duckdb", bench_dir / "kpis_duckdb.py", False),
        (PANDAS, "pandas", bench_dir / "kpis_pandas.py", True),
        (POLARS, "polars", bench_dir / "kpis_polars.py", True),
    )
    # pandas and Polars hold everything in memory: each may address SCRIPT_MEMORY_SHARE of
    # the machine, and one that cannot fit is recorded as failed (its memory error) rather
    # than stopping the bench. The DuckDB script has the profile's memory_limit and spills.
    capped = dict(env, SHOPKPI_BENCH_ADDRESS_SPACE=str(int(_memory_bytes() * SCRIPT_MEMORY_SHARE)))
    compared = []
    for name, folder, script, in_memory in scripts:
        result = step(
            SIDE_BY_SIDE,
            name,
            [python, str(script), str(raw), str(outputs / folder)],
            capped if in_memory else env,
            may_fail=in_memory,
            note=f"bench/{script.name} on the parquet",
        )
        if result["status"] == "ok":
            compared.append((name, folder))
        steps.append(result)

    reference = mart_kpis(kpi_db)
    for name, folder in compared:
        try:
            compare_kpis(reference, read_kpis(outputs / folder), "dbt marts", name)
        except KpiMismatch as error:
            raise BenchError(f"bench: {scale}: the KPIs disagree: {error}") from error
    print(f"bench: {scale}: dbt marts and {', '.join(n for n, _ in compared)} agree on every KPI")

    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = dict(
            zip(
                ("orders", "sessions", "events"),
                con.execute(
                    "select (select count(*) from raw.orders), "
                    "(select count(*) from raw.sessions), (select count(*) from raw.events)"
                ).fetchone(),
                strict=True,
            )
        )
    return {
        "scale": scale,
        "seed": seed,
        "rows": rows,
        "threads": threads,
        "memory_limit": memory_limit,
        "machine": machine(),
        "commit": git_commit(root),
        # The machine's 1-minute load average when the scale started: figures taken on a
        # busy machine are slower than the machine can do.
        "load_average": journal.started["load_average"],
        # Steps taken from an earlier run of the same code (--resume), in run order.
        "resumed": journal.kept,
        "steps": steps,
    }


# --------------------------------------------------------------------------- rendering


def _get(measurement: dict, step: str) -> dict | None:
    return next((s for s in measurement["steps"] if s["step"] == step), None)


def ratios(measurement: dict) -> list[dict]:
    """The side-by-side ratios and their targets; each marked met / not met."""
    scale = measurement["scale"]

    def seconds(step: str) -> float | None:
        found = _get(measurement, step)
        return found["seconds"] if found and found["status"] == "ok" else None

    def rss(step: str) -> float | None:
        found = _get(measurement, step)
        return found["peak_rss_mib"] if found and found["status"] == "ok" else None

    startup, kpis = seconds(DBT_STARTUP), seconds(DBT_KPIS)

    def less_startup(total: float | None) -> float | None:
        return None if startup is None or total is None else max(total - startup, 0.0)

    dbt_models = less_startup(kpis)
    duck, pandas_s, polars_s = seconds(DUCKDB_SQL), seconds(PANDAS), seconds(POLARS)
    full, incremental = seconds(DBT_BUILD), seconds(DBT_INCREMENTAL)

    def div(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None or b == 0 else a / b

    def failed(*names: str) -> str:
        """The verdict of a ratio whose script failed (a memory error): which one."""
        gone = [n for n in names if (_get(measurement, n) or {}).get("status") == "failed"]
        return f"{' and '.join(gone)} failed (its note says why)" if gone else ""

    rows = [
        (
            "dbt ÷ DuckDB SQL (time)",
            div(dbt_models, duck),
            "<=",
            1.5,
            "dbt run of the KPI models less dbt's start-up",
        ),
        (
            "dbt ÷ DuckDB SQL (time, with start-up)",
            div(kpis, duck),
            None,
            None,
            "whole dbt run process",
        ),
        ("pandas ÷ dbt (time)", div(pandas_s, dbt_models), ">=", 3.0, "dbt less its start-up"),
        (
            "dbt RSS ÷ pandas RSS",
            div(rss(DBT_KPIS), rss(PANDAS)),
            "<=",
            0.5,
            "peak resident memory of each process",
        ),
        ("Polars ÷ dbt (time)", div(polars_s, dbt_models), None, None, "for reference"),
        (
            "dbt incremental ÷ DuckDB SQL (time)",
            div(less_startup(seconds(DBT_KPIS_DAILY)), duck),
            None,
            None,
            "the KPI models kept up to date incrementally, less start-up; for reference",
        ),
        (
            "one-day incremental ÷ full build (time)",
            div(incremental, full),
            "<=",
            0.10,
            "target set for medium",
        ),
    ]
    failures = {
        "pandas ÷ dbt (time)": failed(PANDAS),
        "dbt RSS ÷ pandas RSS": failed(PANDAS),
        "Polars ÷ dbt (time)": failed(POLARS),
    }
    out = []
    for name, value, op, target, note in rows:
        if value is None and failures.get(name):
            verdict = failures[name]
        elif target is None:
            verdict = ""
        elif value is None:
            verdict = "not measured"
        else:
            verdict = "met" if (value <= target if op == "<=" else value >= target) else "not met"
        if target is not None and scale not in TARGET_SCALES and verdict:
            verdict += " (target is for medium and large)"
        out.append(
            {
                "ratio": name,
                "value": None if value is None else round(value, 2),
                "target": "" if target is None else f"{op} {target:g}",
                "verdict": verdict,
                "note": note,
            }
        )
    return out


def _fmt(value, digits: int = 2) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _order(measurements: list[dict]) -> list[dict]:
    return sorted(measurements, key=lambda m: SCALES.index(m["scale"]))


def render_csv(measurements: list[dict]) -> str:
    """One row per scale x step, scales in size order, steps in run order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for measurement in _order(measurements):
        for step in measurement["steps"]:
            writer.writerow(
                [measurement["scale"]]
                + ["" if step.get(c) is None else step[c] for c in CSV_COLUMNS[1:]]
            )
    return buffer.getvalue()


def _machine_lines(info: dict) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return [
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- RAM: {info['ram_gib']} GiB",
        f"- OS: {info['os']}; Python {info['python']}",
        f"- Versions: {versions}",
    ]


def render_markdown(measurements: list[dict]) -> str:
    """bench/results.md: the machine, then per scale the steps, side by side and ratios."""
    ordered = _order(measurements)
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (scales demo, small, medium) and `make bench-large`",
        '(src/shopkpi/bench.py); see README.md, "Benchmark", for how to read it. Seconds are',
        "wall time of the step's own process, peak RSS its peak resident memory.",
        "",
    ]
    machines: list[dict] = []
    for measurement in ordered:
        if measurement["machine"] not in machines:
            machines.append(measurement["machine"])
    for info in machines:
        scales = [m["scale"] for m in ordered if m["machine"] == info]
        heading = "## Machine" if len(machines) == 1 else f"## Machine ({', '.join(scales)})"
        lines += [heading, "", *_machine_lines(info), ""]
    for measurement in ordered:
        rows = measurement["rows"]
        caps = []
        if measurement.get("threads"):
            caps.append(f"threads {measurement['threads']}")
        if measurement.get("memory_limit"):
            caps.append(f"memory_limit {measurement['memory_limit']}")
        lines += [
            f"## Scale `{measurement['scale']}`",
            "",
            f"Seed {measurement['seed']}: {rows['orders']:,} orders, "
            f"{rows['sessions']:,} sessions, {rows['events']:,} events"
            + (f"; DuckDB {', '.join(caps)}" if caps else "")
            + (
                f"; load average {measurement['load_average']} when it started"
                if measurement.get("load_average") is not None
                else ""
            )
            + (f"; commit `{measurement['commit']}`" if measurement.get("commit") else "")
            + ".",
            "",
        ]
        if measurement.get("resumed"):
            lines += [
                "Resumed: "
                + ", ".join(measurement["resumed"])
                + " ran in an earlier run of the same code, which stopped part-way.",
                "",
            ]
        for section, title in ((PIPELINE, "Pipeline"), (SIDE_BY_SIDE, "Side by side")):
            lines += [
                f"### {title}",
                "",
                "| step | status | seconds | peak RSS MiB | output MiB | note |",
                "|---|---|---:|---:|---:|---|",
            ]
            for step in measurement["steps"]:
                if step["section"] != section:
                    continue
                lines.append(
                    f"| {step['step']} | {step['status']} | {_fmt(step['seconds'])} | "
                    f"{_fmt(step['peak_rss_mib'])} | {_fmt(step['output_mib'], 1)} | "
                    f"{step['note']} |"
                )
            lines.append("")
        lines += [
            "### Ratios against the targets",
            "",
            "| ratio | value | target | verdict | note |",
            "|---|---:|---|---|---|",
        ]
        for ratio in ratios(measurement):
            lines.append(
                f"| {ratio['ratio']} | {_fmt(ratio['value'])} | {ratio['target'] or '–'} | "
                f"{ratio['verdict'] or '–'} | {ratio['note']} |"
            )
        lines.append("")
    return "\n".join(lines)


def load_measurements(folder: Path) -> list[dict]:
    return [
        json.loads((folder / f"{scale}.json").read_text())
        for scale in SCALES
        if (folder / f"{scale}.json").is_file()
    ]


def write_results(results_dir: Path, measurements: list[dict]) -> None:
    """Store each scale's measurements and render results.md / results.csv from all."""
    folder = results_dir / "measurements"
    folder.mkdir(parents=True, exist_ok=True)
    for measurement in measurements:
        (folder / f"{measurement['scale']}.json").write_text(
            json.dumps(measurement, indent=2, sort_keys=True) + "\n"
        )
    everything = load_measurements(folder)
    (results_dir / "results.md").write_text(render_markdown(everything))
    (results_dir / "results.csv").write_text(render_csv(everything))


# --------------------------------------------------------------------------- command line


def parse_scales(text: str) -> list[str]:
    scales = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in scales if s not in SCALES]
    if unknown or not scales:
        raise SystemExit(f"bench: unknown scale(s) {unknown or text!r}; choose from {SCALES}")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        default=",".join(DEFAULT_SCALES),
        help="comma-separated scales to run (default demo,small,medium)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results-dir", type=Path, default=None, help="default <project>/bench")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the steps an earlier run of the same code finished; start at the next",
    )
    args = parser.parse_args(argv)
    scales = parse_scales(args.scales)
    root = project_dir()
    results_dir = args.results_dir or root / "bench"
    for scale in DEFAULT_SCALES:
        if scale not in scales and "large" not in scales:
            print(f"bench: {scale}: skipped (not in --scales / BENCH_SCALES={args.scales})")
    measurements = []
    try:
        for scale in scales:
            measurements.append(
                bench_scale(scale, args.seed, root, root / "build" / "bench", args.resume)
            )
            write_results(results_dir, measurements[-1:])
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"bench: results in {results_dir / 'results.md'} and {results_dir / 'results.csv'}")
    for measurement in measurements:
        print(f"\n{measurement['scale']}:")
        for ratio in ratios(measurement):
            print(
                f"  {ratio['ratio']:<42} {_fmt(ratio['value']):>8}  {ratio['target'] or '':<6} "
                f"{ratio['verdict']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
