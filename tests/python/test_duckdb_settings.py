"""DuckDB's limits from the environment: the same for dbt (profiles.yml) and for Python
(``shopkpi.warehouse.connect``); an unset variable leaves DuckDB's default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from shopkpi.warehouse import connect, duckdb_settings

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "select current_setting('threads') as threads, current_setting('memory_limit') as memory, "
    "current_setting('temp_directory') as temp"
)


def _clear(monkeypatch) -> None:
    for name in ("SHOPKPI_THREADS", "SHOPKPI_MEMORY_LIMIT", "SHOPKPI_TEMP_DIR"):
        monkeypatch.delenv(name, raising=False)


def _default_memory() -> str:
    with duckdb.connect() as con:
        return con.execute("select current_setting('memory_limit')").fetchone()[0]


def test_python_connections_take_the_environment(monkeypatch, tmp_path):
    _clear(monkeypatch)
    assert duckdb_settings() == {"threads": "2"}
    with connect(tmp_path / "a.duckdb") as con:
        threads, memory, temp = con.execute(SHOW).fetchone()
    assert (threads, memory, temp) == (2, _default_memory(), str(tmp_path / "a.duckdb.tmp"))
    monkeypatch.setenv("SHOPKPI_THREADS", "1")
    monkeypatch.setenv("SHOPKPI_MEMORY_LIMIT", "1GiB")
    monkeypatch.setenv("SHOPKPI_TEMP_DIR", str(tmp_path / "spill"))
    with connect(tmp_path / "b.duckdb") as con:
        assert con.execute(SHOW).fetchone() == (1, "1.0 GiB", str(tmp_path / "spill"))


def _dbt_settings(db: Path, **env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SHOPKPI_THREADS", "SHOPKPI_MEMORY_LIMIT", "SHOPKPI_TEMP_DIR")
    }
    environment.update(SHOPKPI_DB=str(db), DBT_PROFILES_DIR=str(ROOT), DO_NOT_TRACK="1", **env)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "show",
            "--inline",
            SHOW,
            "--output",
            "json",
            "--log-format",
            "json",
            "--target-path",
            str(db.parent / "target"),
            "--log-path",
            str(db.parent / "logs"),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for line in result.stdout.splitlines():
        data = json.loads(line).get("data", {})
        if "preview" in data:
            return json.loads(data["preview"])[0]
    raise AssertionError(f"no preview in dbt's output:\n{result.stdout[-3000:]}")


def test_dbt_takes_the_same_variables_and_leaves_unset_ones_to_duckdb(tmp_path):
    # threads and the spill folder set, the memory limit unset: DuckDB's default
    spill = tmp_path / "spill"
    settings = _dbt_settings(
        tmp_path / "w.duckdb", SHOPKPI_THREADS="1", SHOPKPI_TEMP_DIR=str(spill)
    )
    assert settings == {"threads": 1, "memory": _default_memory(), "temp": str(spill)}
