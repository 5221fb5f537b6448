"""The warehouse file: readable by the report site's DuckDB driver, and built from files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, build_from_folder, query

pytestmark = pytest.mark.integration


def test_report_site_driver_reads_the_warehouse(clean_warehouse, tmp_path):
    """Evidence's DuckDB driver (@duckdb/node-api 1.4) must open the file the build wrote."""
    npm = shutil.which("npm")
    assert npm, "npm is required to check the report site's DuckDB driver"
    work = tmp_path / "node"
    shutil.copytree(ROOT / "tests" / "node", work)
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=work, check=True, timeout=600
    )
    result = subprocess.run(
        ["node", "read_warehouse.mjs", str(clean_warehouse)],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["duckdb"].startswith("v1.4"), report["duckdb"]
    expected = dict(
        query(
            clean_warehouse,
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'",
        )
    )
    assert set(report["counts"]) == set(expected)
    assert (
        report["counts"]["fct_orders"]
        == query(clean_warehouse, "select count(*) from marts.fct_orders")[0][0]
    )


def test_small_parquet_shop_builds_with_every_test(tmp_path_factory):
    """`make run RAW_DATA_DIR=...` on generated parquet: load, build, all dbt tests pass."""
    from shopkpi.generator import generate

    raw = tmp_path_factory.mktemp("small_parquet")
    generate("small", 7, raw, "parquet")
    db = build_from_folder(raw, tmp_path_factory.mktemp("small_wh") / "small.duckdb")
    raw_orders, raw_sessions = query(
        db, "select (select count(*) from raw.orders), (select count(*) from raw.sessions)"
    )[0]
    mart_orders, mart_sessions, quarantined = query(
        db,
        "select (select count(*) from marts.fct_orders), (select count(*) from marts.fct_sessions),"
        " (select count(*) from marts.dq_quarantine)",
    )[0]
    assert raw_orders > 50_000
    assert (mart_orders, mart_sessions, quarantined) == (raw_orders, raw_sessions, 0)


def test_build_from_header_only_traffic_tables(clean_demo, tmp_path):
    """A shop with no traffic data yet (header-only sessions and events) still builds."""
    raw = tmp_path / "raw"
    shutil.copytree(clean_demo, raw)
    for table in ("sessions", "events"):
        path = raw / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    # Orders still point at sessions; an unknown session is a soft reference.
    db = build_from_folder(raw, tmp_path / "no_traffic.duckdb")
    sessions, tracked, orders = query(
        db,
        "select (select count(*) from marts.fct_sessions), "
        "(select count(*) from marts.fct_orders where has_tracked_session), "
        "(select count(*) from marts.fct_orders)",
    )[0]
    assert (sessions, tracked) == (0, 0)
    assert orders > 0
    assert Path(db).exists()


def test_warehouse_files_use_a_storage_format_duckdb_1_4_reads(clean_warehouse, dirty_warehouse):
    """dbt (profiles.yml) and load-raw (shopkpi.warehouse) both create v1.0.0-format files."""
    for db in (clean_warehouse, dirty_warehouse):
        version = query(
            db,
            "select tags['storage_version'] from duckdb_databases() "
            "where database_name = current_database()",
        )[0][0]
        assert version in ("v0.10.2+", "v1.0.0+"), (db, version)


def test_profile_and_loader_ask_for_the_same_storage_format():
    import yaml

    from shopkpi.warehouse import CONNECT_CONFIG

    profile = yaml.safe_load((ROOT / "profiles.yml").read_text(encoding="utf-8"))
    options = profile["shopkpi"]["outputs"]["duckdb"]["config_options"]
    assert options == CONNECT_CONFIG
