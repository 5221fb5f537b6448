"""The benchmark's side-by-side KPIs and its results files (nothing here is timed).

The three scripts a user would write instead of the dbt project (bench/kpis_duckdb.sql,
bench/kpis_pandas.py, bench/kpis_polars.py) must give the marts' figures on the demo shop,
the bench's comparison must catch a difference and name it, and bench/results.md and
results.csv must come out the same from the same measurements.
"""

from __future__ import annotations

import copy
import csv
import os
import resource
import subprocess
import sys

import duckdb
import pytest

from conftest import DEMO_DIR, ROOT
from shopkpi import bench
from shopkpi.bench_kpis import KPIS, KpiMismatch, compare_kpis, mart_kpis, read_kpis
from shopkpi.contract import TABLES

SCRIPT_TABLES = ("orders", "order_items", "refunds", "sessions", "events", "ad_spend")


@pytest.fixture(scope="module")
def demo_parquet(tmp_path_factory):
    """The embedded demo shop as the generator writes parquet: contract-typed columns,
    times kept as text."""
    out = tmp_path_factory.mktemp("bench_raw")
    with duckdb.connect() as con:
        for name in SCRIPT_TABLES:
            columns = ", ".join(
                f"cast({column.name} as {column.type}) as {column.name}"
                for column in TABLES[name].columns
            )
            source = f"read_csv('{DEMO_DIR / (name + '.csv')}', all_varchar = true, header = true)"
            con.execute(f"copy (select {columns} from {source}) to '{out / name}.parquet'")
    return out


@pytest.fixture(scope="module")
def marts(clean_warehouse):
    return mart_kpis(clean_warehouse)


@pytest.mark.parametrize("script", ["kpis_duckdb.py", "kpis_pandas.py", "kpis_polars.py"])
def test_script_agrees_with_the_marts(script, demo_parquet, marts, tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), str(demo_parquet), str(tmp_path)],
        check=True,
        cwd=ROOT,
    )
    computed = read_kpis(tmp_path)
    # Every KPI has real rows to compare (the demo has two years of orders and traffic).
    for kpi in KPIS:
        assert len(marts[kpi.name]) >= 50, kpi.name
    compare_kpis(marts, computed, "dbt marts", script)


def test_comparison_names_the_kpi_and_the_first_differing_row(marts):
    # Agrees with itself.
    compare_kpis(marts, marts)

    # A count one off.
    changed = copy.deepcopy(marts)
    funnel = changed["funnel_channel_days"].sort_values(["date_day", "channel"])
    first = funnel.index[0]
    changed["funnel_channel_days"].loc[first, "checkout_sessions"] += 1
    with pytest.raises(KpiMismatch, match=r"KPI funnel_channel_days: first differing row"):
        compare_kpis(marts, changed)

    # Money within a cent agrees; two cents off does not.
    changed = copy.deepcopy(marts)
    gmv = changed["gmv_channel_days"]
    gmv["gmv_cny"] = gmv["gmv_cny"].astype(float) + 0.004
    compare_kpis(marts, changed)
    gmv["gmv_cny"] = gmv["gmv_cny"] + 0.02
    with pytest.raises(KpiMismatch, match=r"KPI gmv_channel_days: .*gmv_cny"):
        compare_kpis(marts, changed)

    # A ratio off by more than 1e-9 relative.
    changed = copy.deepcopy(marts)
    roi = changed["roi_channel_months"]
    roi["roi"] = roi["roi"].astype(float) * (1 + 1e-6)
    with pytest.raises(KpiMismatch, match=r"KPI roi_channel_months: .*roi"):
        compare_kpis(marts, changed)

    # A customer missing.
    changed = copy.deepcopy(marts)
    rfm = changed["customer_rfm"].sort_values("customer_id")
    changed["customer_rfm"] = rfm.iloc[1:]
    missing = rfm.iloc[0]["customer_id"]
    with pytest.raises(KpiMismatch, match=rf"customer_id={missing}\) is in dbt but not in other"):
        compare_kpis(marts, changed)


# --------------------------------------------------------------------------- results files


def _step(section, step, seconds, rss, status="ok", output=None, note=""):
    return {
        "section": section,
        "step": step,
        "status": status,
        "seconds": seconds,
        "peak_rss_mib": rss,
        "output_mib": output,
        "note": note,
    }


def _measurement(scale: str, kpis_seconds: float) -> dict:
    return {
        "scale": scale,
        "seed": 42,
        "rows": {"orders": 1000, "sessions": 9000, "events": 30000},
        "threads": "",
        "memory_limit": "",
        "machine": {
            "cpu": "Test CPU",
            "cores": 2,
            "ram_gib": 24.0,
            "os": "Debian",
            "python": "3.11.0",
            "versions": {"duckdb": "1.5.0", "pandas": "3.0.0"},
        },
        "steps": [
            _step(bench.PIPELINE, bench.GENERATE, 10.0, 800, output=37.5),
            _step(bench.PIPELINE, bench.DBT_BUILD, 100.0, 2000, output=300.0),
            _step(bench.PIPELINE, bench.DBT_INCREMENTAL, None, None, "skipped", note="no split"),
            _step(bench.SIDE_BY_SIDE, bench.DBT_STARTUP, 1.0, 300),
            _step(bench.SIDE_BY_SIDE, bench.DBT_KPIS, kpis_seconds, 400),
            _step(bench.SIDE_BY_SIDE, bench.DBT_KPIS_DAILY, 3.0, 350),
            _step(bench.SIDE_BY_SIDE, bench.DUCKDB_SQL, 2.0, 200),
            _step(bench.SIDE_BY_SIDE, bench.PANDAS, 9.0, 1000),
            _step(bench.SIDE_BY_SIDE, bench.POLARS, 3.0, 500),
        ],
    }


def test_results_are_the_same_from_the_same_measurements(tmp_path):
    measurements = [_measurement("medium", 4.0), _measurement("demo", 2.0)]
    first, second = tmp_path / "a", tmp_path / "b"
    bench.write_results(first, measurements)
    bench.write_results(second, list(reversed(copy.deepcopy(measurements))))
    for name in ("results.md", "results.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    rows = (first / "results.csv").read_text().splitlines()
    assert rows[0] == ",".join(bench.CSV_COLUMNS)
    # One row per scale x step, the smaller scale first.
    assert len(rows) == 1 + 2 * 9
    assert rows[1].startswith("demo,pipeline,generate,ok,10.0,800,37.5,")
    assert rows[-1].startswith("medium,side-by-side,Polars script,ok,3.0,500,")
    assert "demo,pipeline,dbt build (one-day incremental),skipped,,,,no split" in rows

    text = (first / "results.md").read_text()
    assert text.index("## Scale `demo`") < text.index("## Scale `medium`")
    assert text.count("## Machine") == 1 and "Test CPU, 2 cores" in text


def test_ratios_are_marked_met_or_not_met_against_the_targets():
    # medium: dbt 4 s less 1 s start-up = 3 s: 1.5x DuckDB's 2 s (met), pandas 9 s is 3x (met),
    # dbt 400 MiB / pandas 1000 MiB = 0.4 (met).
    medium = {r["ratio"]: r for r in bench.ratios(_measurement("medium", 4.0))}
    assert medium["dbt ÷ DuckDB SQL (time)"]["value"] == 1.5
    assert medium["dbt ÷ DuckDB SQL (time)"]["verdict"] == "met"
    assert medium["pandas ÷ dbt (time)"]["verdict"] == "met"
    assert medium["dbt RSS ÷ pandas RSS"]["value"] == 0.4
    assert medium["dbt RSS ÷ pandas RSS"]["verdict"] == "met"
    assert medium["one-day incremental ÷ full build (time)"]["verdict"] == "not measured"
    # The incremental KPI run, 3 s less 1 s start-up against DuckDB's 2 s: shown, no target.
    assert medium["dbt incremental ÷ DuckDB SQL (time)"]["value"] == 1.0
    assert medium["dbt incremental ÷ DuckDB SQL (time)"]["verdict"] == ""
    # dbt 6 s less 1 s = 5 s: 2.5x DuckDB (not met), pandas only 1.8x faster (not met).
    slow = {r["ratio"]: r for r in bench.ratios(_measurement("medium", 6.0))}
    assert slow["dbt ÷ DuckDB SQL (time)"]["verdict"] == "not met"
    assert slow["pandas ÷ dbt (time)"]["value"] == 1.8
    assert slow["pandas ÷ dbt (time)"]["verdict"] == "not met"
    # Below medium the targets are shown for reference.
    demo = {r["ratio"]: r for r in bench.ratios(_measurement("demo", 6.0))}
    assert demo["dbt ÷ DuckDB SQL (time)"]["verdict"] == "not met (target is for medium and large)"


def test_the_incremental_rehearsal_adds_the_last_order_day(demo_parquet, tmp_path):
    """The one-day incremental build: the days before the last order day are loaded and
    built, then that day's parts are added, loaded and built again (steps faked here)."""
    with (DEMO_DIR / "orders.csv").open(encoding="utf-8", newline="") as handle:
        last_day = max(row["ordered_at"][:10] for row in csv.DictReader(handle))
    calls = []

    def split(raw, day, before, day_dir):
        calls.append(("split", day))
        (before / "orders").mkdir(parents=True)

    def add(day_dir, raw):
        calls.append(("add", raw.name))

    def step(section, name, command, env, **described):
        calls.append((name, command[1], env["SHOPKPI_DB"].endswith("daily.duckdb")))
        return _step(section, name, 1.0, 100, note=described["note"])

    journal = bench.Journal.open(tmp_path / "demo", _identity(scale="demo"), resume=False)
    steps = bench.incremental_steps((split, add), demo_parquet, tmp_path / "inc", {}, step, journal)
    assert calls == [
        ("split", last_day),
        ("load-raw (days before the last)", "load-raw", True),
        ("dbt build (days before the last)", "build", True),
        ("add", "raw"),
        ("load-raw (with the last day)", "load-raw", True),
        (bench.DBT_INCREMENTAL, "build", True),
    ]
    assert [s["step"] for s in steps][-1] == bench.DBT_INCREMENTAL
    assert steps[0]["note"] == f"preparing the one-day incremental build of {last_day}"


def test_a_step_reports_its_own_peak_memory_not_the_bench_s(tmp_path):
    """On Linux a child's ru_maxrss includes the address space it was exec'd from: a step
    started by a large process must still report its own small peak (the launcher)."""
    big = bytearray(400 * 2**20)
    for i in range(0, len(big), 4096):
        big[i] = 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 400 * 1024
    small = bench.run_step(
        bench.PIPELINE,
        "small",
        [sys.executable, "-c", "pass"],
        dict(os.environ),
        tmp_path / "small.log",
        tmp_path,
    )
    grown = bench.run_step(
        bench.PIPELINE,
        "grown",
        [sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'1' * len(b[::4096])"],
        dict(os.environ),
        tmp_path / "grown.log",
        tmp_path,
    )
    del big
    assert small["peak_rss_mib"] < 100
    assert 200 <= grown["peak_rss_mib"] < 400
    with pytest.raises(bench.BenchError, match="step 'fails' failed"):
        bench.run_step(
            bench.PIPELINE,
            "fails",
            [sys.executable, "-c", "raise SystemExit(3)"],
            dict(os.environ),
            tmp_path / "fails.log",
            tmp_path,
        )


def test_a_script_out_of_memory_is_recorded_not_fatal(tmp_path):
    """pandas and Polars run with their address space capped: one that cannot fit stops
    with a memory error, which the bench records as the step's result and goes on."""
    capped = dict(os.environ, SHOPKPI_BENCH_ADDRESS_SPACE=str(512 * 2**20))
    result = bench.run_step(
        bench.SIDE_BY_SIDE,
        bench.PANDAS,
        [sys.executable, "-c", "b = bytearray(2 * 2**30)"],
        capped,
        tmp_path / "pandas.log",
        tmp_path,
        may_fail=True,
    )
    assert result["status"] == "failed"
    assert result["note"] == "failed (exit 1): MemoryError"
    # The same step without the cap fits.
    fits = bench.run_step(
        bench.SIDE_BY_SIDE,
        bench.PANDAS,
        [sys.executable, "-c", "b = bytearray(2 * 2**30)"],
        dict(os.environ),
        tmp_path / "fits.log",
        tmp_path,
        may_fail=True,
    )
    assert fits["status"] == "ok" and fits["note"] == ""

    # Its ratios say which script failed instead of "not measured".
    measurement = _measurement("large", 4.0)
    for step in measurement["steps"]:
        if step["step"] == bench.PANDAS:
            step.update(status="failed", seconds=None, note=result["note"])
    verdicts = {r["ratio"]: r for r in bench.ratios(measurement)}
    assert verdicts["pandas ÷ dbt (time)"]["value"] is None
    assert verdicts["pandas ÷ dbt (time)"]["verdict"] == (
        "pandas script failed (its note says why)"
    )
    assert verdicts["dbt RSS ÷ pandas RSS"]["verdict"].startswith("pandas script failed")
    assert verdicts["Polars ÷ dbt (time)"]["verdict"] == ""
    assert "failed (exit 1): MemoryError" in bench.render_markdown([measurement])


@pytest.mark.parametrize("script", ["kpis_pandas.py", "kpis_polars.py"])
def test_the_in_memory_scripts_run_under_the_bench_s_memory_cap(script, demo_parquet, tmp_path):
    """The cap the bench puts on pandas and Polars (a share of the machine's memory) leaves
    room for what they reserve but do not use: the demo runs under it."""
    cap = int(bench._memory_bytes() * bench.SCRIPT_MEMORY_SHARE)
    result = bench.run_step(
        bench.SIDE_BY_SIDE,
        script,
        [sys.executable, str(ROOT / "bench" / script), str(demo_parquet), str(tmp_path / "out")],
        dict(os.environ, SHOPKPI_BENCH_ADDRESS_SPACE=str(cap)),
        tmp_path / "script.log",
        ROOT,
        may_fail=True,
    )
    assert result["status"] == "ok", result["note"]
    assert len(read_kpis(tmp_path / "out")) == len(KPIS)


# --------------------------------------------------------------------------- resuming


def _identity(**changes) -> dict:
    return {
        "scale": "large",
        "seed": 42,
        "code": "abc",
        "generator": "gen",
        "threads": "2",
        "memory_limit": "8GB",
    } | changes


def test_a_resumed_run_keeps_the_steps_an_earlier_run_of_the_same_code_finished(tmp_path):
    work = tmp_path / "large"
    first = bench.Journal.open(work, _identity(), resume=True)
    (work / "raw").mkdir()
    first.record(_step(bench.PIPELINE, bench.GENERATE, 10.0, 800, output=37.5))

    again = bench.Journal.open(work, _identity(), resume=True)
    assert (work / "raw").is_dir(), "the earlier run's folder is kept"
    assert again.get(bench.GENERATE)["seconds"] == 10.0
    assert again.get(bench.DBT_BUILD) is None, "an unfinished step runs again"
    assert again.kept == [bench.GENERATE]
    assert again.started == first.started, "the load average is the first start's"


@pytest.mark.parametrize(
    ("resume", "identity", "said"),
    [
        (False, _identity(), None),
        (True, _identity(code="def", generator="new"), "differs in code, generator"),
        (True, _identity(memory_limit="4GB", seed=7), "differs in memory_limit, seed"),
    ],
)
def test_a_run_starts_over_without_resume_or_when_the_code_or_caps_changed(
    tmp_path, capsys, resume, identity, said
):
    work = tmp_path / "large"
    bench.Journal.open(work, _identity(), resume=True).record(
        _step(bench.PIPELINE, bench.GENERATE, 10.0, 800)
    )
    (work / "raw").mkdir()
    capsys.readouterr()
    journal = bench.Journal.open(work, identity, resume=resume)
    assert journal.get(bench.GENERATE) is None and journal.kept == []
    assert not (work / "raw").exists(), "starting over empties the folder"
    out = capsys.readouterr().out
    assert (said in out) if said else "not resuming" not in out


def test_the_daily_rehearsal_is_kept_only_when_all_of_it_finished(tmp_path):
    work = tmp_path / "medium"
    journal = bench.Journal.open(work, _identity(scale="medium"), resume=True)
    for name in bench.INCREMENTAL_STEPS[:2]:
        journal.record(_step(bench.PIPELINE, name, 5.0, 100))
    ran = []

    def step(section, name, command, *args, **kwargs):
        ran.append(name)
        return journal.record(_step(section, name, 1.0, 100))

    def split(raw, day, before, day_folder):
        before.mkdir(parents=True)

    def add(day_folder, daily_raw):
        pass

    raw = tmp_path / "raw"
    (raw / "orders").mkdir(parents=True)
    duckdb.sql(
        "copy (select '2025-12-31 10:00:00' as ordered_at) to '%s'" % (raw / "orders.parquet")
    )
    bench.incremental_steps((split, add), raw, work / "incremental", {}, step, journal)
    assert ran == list(bench.INCREMENTAL_STEPS), "a part-finished rehearsal runs again whole"

    ran.clear()
    kept = bench.incremental_steps(
        (split, add), raw, work / "incremental", {}, lambda *a, **k: journal.get(a[1]), journal
    )
    assert ran == [] and [s["step"] for s in kept] == list(bench.INCREMENTAL_STEPS)


def test_the_code_fingerprint_follows_the_models_not_the_results(tmp_path):
    for name in ("models", "macros", "src", "bench/measurements"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    (tmp_path / "models" / "a.sql").write_text("select 1\n")
    (tmp_path / "bench" / "kpis.sql").write_text("select 2\n")
    before = bench.code_fingerprint(tmp_path)
    (tmp_path / "bench" / "results.md").write_text("new figures\n")
    (tmp_path / "bench" / "measurements" / "large.json").write_text("{}\n")
    (tmp_path / "src" / "shopkpi").mkdir()
    (tmp_path / "src" / "shopkpi" / "bench.py").write_text("# the driver\n")
    assert bench.code_fingerprint(tmp_path) == before
    (tmp_path / "models" / "a.sql").write_text("select 3\n")
    assert bench.code_fingerprint(tmp_path) != before


@pytest.mark.parametrize(
    ("identity", "kept"),
    [(_identity(code="def"), True), (_identity(code="def", generator="new"), False)],
)
def test_a_code_change_keeps_the_generated_parquet_when_the_generator_is_the_same(
    tmp_path, capsys, identity, kept
):
    work = tmp_path / "large"
    first = bench.Journal.open(work, _identity(), resume=True)
    first.record(_step(bench.PIPELINE, bench.GENERATE, 4000.0, 600, output=4500.0))
    first.record(_step(bench.PIPELINE, bench.DBT_BUILD, 10.0, 800))
    (work / "raw").mkdir()
    (work / "in_place.duckdb").write_text("warehouse")
    capsys.readouterr()
    journal = bench.Journal.open(work, identity, resume=True)
    assert journal.get(bench.DBT_BUILD) is None, "a step after generate runs again"
    assert not (work / "in_place.duckdb").exists()
    if kept:
        assert journal.get(bench.GENERATE)["seconds"] == 4000.0
        assert (work / "raw").is_dir()
        assert "generated parquet is kept" in capsys.readouterr().out
        assert bench.Journal.open(work, identity, resume=True).get(bench.GENERATE)
    else:
        assert journal.get(bench.GENERATE) is None and not (work / "raw").exists()


def test_the_generator_fingerprint_follows_the_generator_only(tmp_path):
    (tmp_path / "src" / "shopkpi" / "generator").mkdir(parents=True)
    (tmp_path / "src" / "shopkpi" / "contract.py").write_text("TABLES = {}\n")
    (tmp_path / "src" / "shopkpi" / "generator" / "orders.py").write_text("A = 1\n")
    (tmp_path / "src" / "shopkpi" / "build.py").write_text("B = 1\n")
    before = bench.generator_fingerprint(tmp_path)
    (tmp_path / "src" / "shopkpi" / "build.py").write_text("B = 2\n")
    assert bench.generator_fingerprint(tmp_path) == before
    (tmp_path / "src" / "shopkpi" / "generator" / "orders.py").write_text("A = 2\n")
    assert bench.generator_fingerprint(tmp_path) != before
