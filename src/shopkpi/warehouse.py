"""Where the project and the warehouse are, and opening the warehouse's DuckDB file the
same way dbt does.

Python reads the warehouse's default path from ``database_path()`` only. Two other places
must state it themselves, because they run without this package: ``profiles.yml`` (plain
``dbt build`` in a clone) and the ``Makefile``.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# The warehouse file when neither --db nor $SHOPKPI_DB names one (relative to the working
# folder, as dbt's profiles.yml reads it).
DEFAULT_DB = Path("warehouse/shopkpi.duckdb")
PROJECT_ENV = "SHOPKPI_PROJECT_DIR"
DB_ENV = "SHOPKPI_DB"

# Kept in step with profiles.yml (config_options): the report site's DuckDB 1.4 driver must
# be able to open every file the warehouse writes (see DECISIONLOG.md "DuckDB version").
# The format is fixed when a file is created, so whoever creates it first must ask for it.
CONNECT_CONFIG: dict[str, str] = {"storage_compatibility_version": "v1.0.0"}


# DuckDB's limits, from the environment, as profiles.yml sets them for dbt: a variable that
# is unset (or empty) leaves DuckDB's default, except threads (2 by default, as dbt's).
SETTINGS_ENV = {
    "threads": "SHOPKPI_THREADS",
    "memory_limit": "SHOPKPI_MEMORY_LIMIT",
    "temp_directory": "SHOPKPI_TEMP_DIR",
}
DEFAULT_THREADS = "2"


def duckdb_settings() -> dict[str, str]:
    """DuckDB settings (threads, memory_limit, temp_directory) named by the environment."""
    settings = {"threads": DEFAULT_THREADS}
    for name, variable in SETTINGS_ENV.items():
        value = os.environ.get(variable, "").strip()
        if value:
            settings[name] = value
    return settings


class ProjectNotFound(RuntimeError):
    """No shopkpi dbt project (a folder with dbt_project.yml) could be found."""


def _is_project(folder: Path) -> bool:
    return (folder / "dbt_project.yml").is_file()


def project_dir() -> Path:
    """The dbt project: $SHOPKPI_PROJECT_DIR, else the working folder when it holds
    dbt_project.yml, else the checkout this package was installed from (an editable
    install). Raises ProjectNotFound, saying what to do, when none of them is a project."""
    named = os.environ.get(PROJECT_ENV)
    if named:
        if not _is_project(Path(named)):
            raise ProjectNotFound(
                f"${PROJECT_ENV} is {named}, which holds no dbt_project.yml: point it at the "
                "shopkpi project folder"
            )
        return Path(named)
    if _is_project(Path.cwd()):
        return Path.cwd()
    checkout = Path(__file__).resolve().parents[2]
    if _is_project(checkout):
        return checkout
    raise ProjectNotFound(
        f"no shopkpi project found: {Path.cwd()} holds no dbt_project.yml and this package "
        "was not installed from a checkout. Run the command in the project folder, or set "
        f"${PROJECT_ENV} to it"
    )


def database_path(path: Path | str | None = None) -> Path:
    """The warehouse file: the argument, else $SHOPKPI_DB, else ``DEFAULT_DB``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating folders as needed) the warehouse file, with the environment's DuckDB
    settings (``duckdb_settings``)."""
    db = database_path(path)
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    config = {**CONNECT_CONFIG, **duckdb_settings()}
    return duckdb.connect(str(db), read_only=read_only, config=config)


def quote_identifier(name: str) -> str:
    """A name (schema, table, column) as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str | Path) -> str:
    """A text (or a file path) as a SQL string literal, quotes included."""
    return "'" + str(text).replace("'", "''") + "'"
