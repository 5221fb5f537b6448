"""Opening the warehouse's DuckDB file the same way dbt does."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_DB = Path("warehouse/shopkpi.duckdb")

# Kept in step with profiles.yml (config_options): the report site's DuckDB 1.4 driver must
# be able to open every file the warehouse writes (see DECISIONLOG.md "DuckDB version").
# The format is fixed when a file is created, so whoever creates it first must ask for it.
CONNECT_CONFIG: dict[str, str] = {"storage_compatibility_version": "v1.0.0"}


def project_dir() -> Path:
    """The dbt project: $SHOPKPI_PROJECT_DIR, else the working folder when it holds
    dbt_project.yml, else the checkout this package was installed from."""
    if os.environ.get("SHOPKPI_PROJECT_DIR"):
        return Path(os.environ["SHOPKPI_PROJECT_DIR"])
    if (Path.cwd() / "dbt_project.yml").is_file():
        return Path.cwd()
    return Path(__file__).resolve().parents[2]


def database_path(path: Path | str | None = None) -> Path:
    """The warehouse file: the argument, else $SHOPKPI_DB, else warehouse/shopkpi.duckdb."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get("SHOPKPI_DB", DEFAULT_DB))


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating folders as needed) the warehouse file."""
    db = database_path(path)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(db), read_only=read_only, config=dict(CONNECT_CONFIG))
