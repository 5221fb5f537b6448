"""Shared fixtures: generated demo data and warehouses built from it with dbt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run_dbt(db: Path, *args: str) -> subprocess.CompletedProcess:
    """Run dbt in the project against the warehouse file ``db``; fail with its output."""
    env = dict(os.environ)
    env.update(
        SHOPKPI_DB=str(db),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    result = subprocess.run(
        [
            str(BIN / "dbt"),
            *args,
            "--no-use-colors",
            "--target-path",
            str(db.parent / "target"),
            "--log-path",
            str(db.parent / "logs"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return result


def build_from_folder(raw_dir: Path, db: Path) -> Path:
    """Load a folder of contract files and build every model and test, like `make run`."""
    from shopkpi.loader import load_raw

    load_raw(raw_dir, db)
    run_dbt(db, "build")
    return db


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def dirty_demo(tmp_path_factory) -> tuple[Path, dict]:
    """The demo shop with every kind of bad row injected, and its manifest."""
    from shopkpi.generator import generate

    out = tmp_path_factory.mktemp("dirty_demo")
    generate("demo", 42, out, "csv", dirty=True)
    manifest = json.loads((out / "dirty_manifest.json").read_text(encoding="utf-8"))
    return out, manifest


@pytest.fixture(scope="session")
def dirty_warehouse(dirty_demo, tmp_path_factory) -> Path:
    raw_dir, _ = dirty_demo
    return build_from_folder(raw_dir, tmp_path_factory.mktemp("dirty_wh") / "dirty.duckdb")


@pytest.fixture(scope="session")
def clean_warehouse(tmp_path_factory) -> Path:
    """The embedded demo built the way `make run` does: loaded, then `dbt build`."""
    from shopkpi.loader import DEMO_DIR

    return build_from_folder(DEMO_DIR, tmp_path_factory.mktemp("clean_wh") / "clean.duckdb")


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory) -> Path:
    """The demo shop exactly as `make generate-demo` writes it, in a scratch folder."""
    from shopkpi.generator import generate

    out = tmp_path_factory.mktemp("clean_demo")
    generate("demo", 42, out, "csv")
    return out
