"""`shopkpi build` publishes a warehouse whole or not at all; plain dbt and copied files.

- a build interrupted (SIGTERM) or killed (SIGKILL) leaves the previous warehouse intact
  and consistent; the next build clears what a killed one left;
- a build whose models fail publishes nothing;
- a read-only reader holding the warehouse open keeps reading during a build, and the build
  succeeds; the build shows progress and ends with a summary;
- `dbt build` on a fresh clone says in one line what to run; an empty required raw table
  stops it;
- a warehouse file works under any name and path.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, ROOT, copy_warehouse, query, run_dbt

pytestmark = pytest.mark.integration


def mart_hashes(db: Path) -> dict[str, str]:
    """A content hash of every table in schema marts."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            t: con.execute(
                f"select count(*) || ':' || coalesce(md5(string_agg(cast(x as varchar), "
                f"chr(10) order by cast(x as varchar))), '') from marts.{t} as x"
            ).fetchone()[0]
            for t in tables
        }


def start_build(db: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, SHOPKPI_DB=str(db), DBT_PROFILES_DIR=str(ROOT))
    return subprocess.Popen(
        [str(BIN / "shopkpi"), "build", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_for(process: subprocess.Popen, text: str) -> list[str]:
    """Read the build's output until a line contains ``text``."""
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"the build ended before {text!r}:\n{''.join(lines)}")


@pytest.fixture(scope="module")
def published(published_demo, tmp_path_factory) -> Path:
    """A copy of the session's demo warehouse published by `shopkpi build` (no gate), alone
    in its folder: these tests build over it."""
    return copy_warehouse(published_demo, tmp_path_factory.mktemp("published"))


def test_interrupted_build_leaves_the_previous_warehouse_whole(published):
    before = mart_hashes(published)
    process = start_build(published, "--demo", "--no-gate")
    wait_for(process, "dbt build: ")
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, output
    assert "interrupted; nothing was published" in output
    assert "is the previous warehouse, whole and unchanged" in output
    assert mart_hashes(published) == before
    assert not list(published.parent.glob(".shopkpi.duckdb.build-*"))


def test_killed_build_leaves_the_previous_warehouse_and_is_cleared_next_time(published):
    before = mart_hashes(published)
    process = start_build(published, "--demo", "--no-gate")
    wait_for(process, "[2/4]")
    time.sleep(4)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its dbt child
    process.communicate(timeout=60)
    left = list(published.parent.glob(".shopkpi.duckdb.build-*"))
    assert left, "a killed build leaves its folder behind"
    assert mart_hashes(published) == before
    # The previous warehouse is consistent: raw rows = kept + quarantined.
    raw, kept = query(
        published,
        "select (select count(*) from raw.orders), (select count(*) from staging.stg_shop__orders)",
    )[0]
    assert raw == kept

    from shopkpi.build import remove_stale_builds

    assert remove_stale_builds(published) == left
    assert not list(published.parent.glob(".shopkpi.duckdb.build-*"))


def test_failing_build_publishes_nothing(published):
    before = mart_hashes(published)
    process = start_build(published, "--demo", "--no-gate", "--vars", "{bot_min_events: 'x'}")
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 3, output
    assert "nothing was published" in output
    assert mart_hashes(published) == before


def test_reader_keeps_reading_during_a_build_that_succeeds_and_reports(published, tmp_path):
    """A build with the gate while a read-only reader holds the file open: the reader
    keeps the previous build, the build publishes, shows its progress and ends with a
    summary. (`make run` runs this build, then the report site, tested on its own.)"""
    raw = tmp_path / "raw"
    from shopkpi.loader import DEMO_DIR

    shutil.copytree(DEMO_DIR, raw)
    (raw / "reviews.csv").unlink()  # the new build differs: no reviews
    reader = duckdb.connect(str(published), read_only=True)
    reviews_before = reader.execute("select count(*) from marts.fct_reviews").fetchone()[0]
    assert reviews_before > 0
    env = dict(os.environ, SHOPKPI_DB=str(published))
    process = subprocess.Popen(
        [str(BIN / "shopkpi"), "build", "--dir", str(raw)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reads = 0
    while process.poll() is None:
        assert reader.execute("select count(*) from marts.fct_reviews").fetchone()[0] == (
            reviews_before
        )
        reads += 1
        time.sleep(0.5)
    output = process.stdout.read()
    assert process.returncode == 0, output
    assert reads > 10
    # The open connection still reads the previous build, whole.
    assert reader.execute("select count(*) from marts.fct_reviews").fetchone()[0] == (
        reviews_before
    )
    reader.close()
    assert query(published, "select count(*) from marts.fct_reviews")[0][0] == 0
    # Progress, then a summary of what went in, what was quarantined, the gate and docs.
    assert "dbt build: " in output and "nodes done" in output
    for text in ("rows in:", "quarantined:", "marts:", "quality gate: passed", "Data Docs:"):
        assert text in output, text


def test_plain_dbt_build_on_a_fresh_clone_says_what_to_run(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files", "warehouse/.gitignore"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert tracked.strip() == "warehouse/.gitignore", "a fresh clone has the warehouse folder"
    db = tmp_path / "fresh.duckdb"
    with pytest.raises(AssertionError) as failure:
        run_dbt(db, "build")
    message = str(failure.value)
    assert "No raw data in" in message and "shopkpi load-raw --demo" in message
    assert "START sql" not in message  # it stops before any model runs


def test_dbt_build_stops_on_an_empty_required_table(tmp_path):
    from shopkpi.contract import TABLES
    from shopkpi.loader import _create_sql

    db = tmp_path / "empty.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw")
        for table in TABLES.values():
            con.execute(_create_sql(table, "raw"))
    with pytest.raises(AssertionError) as failure:
        run_dbt(db, "build")
    assert "raw.customers in" in str(failure.value) and "is empty" in str(failure.value)


def test_a_copied_and_renamed_warehouse_works(clean_warehouse, tmp_path):
    folder = tmp_path / "a copy"
    folder.mkdir()
    copy = folder / "shop copy 2025-12.duckdb"
    shutil.copy(clean_warehouse, copy)
    views = query(
        copy,
        "select schema_name, view_name from duckdb_views() "
        "where not internal and schema_name in ('staging', 'intermediate')",
    )
    assert views
    for schema, view in views:
        query(copy, f'select count(*) from {schema}."{view}"')
    with duckdb.connect() as con:
        path = str(copy).replace("'", "''")
        con.execute(f"attach '{path}' as other (read_only)")
        orders = con.execute("select count(*) from other.staging.stg_shop__orders").fetchone()[0]
    assert orders > 0
    # dbt builds on the copy too (a view and the table it reads).
    run_dbt(copy, "run", "--select", "stg_shop__orders", "int_order_lines_allocated")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
