"""Where dbt built a model in a warehouse file: the gate names models, never schemas.

The relation comes from dbt's manifest (``target/manifest.json`` of the project, or of
``$DBT_TARGET_PATH`` as dbt reads it, written by every dbt command) when it names one the
warehouse holds: its schema and alias, without the
database part, which dbt-duckdb names after the file and which a copied or renamed
warehouse does not have (see macros/relations.sql). Without a manifest, or when the
manifest's relation is not in this file (a build with another ``--target-path``), the model
is looked up by name among the warehouse's tables and views.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from shopkpi.warehouse import project_dir, quote_identifier

_RESOURCE_TYPES = ("model", "seed", "snapshot")


class ModelNotFound(LookupError):
    """The warehouse holds no relation (or several) for a model."""


def relation_name(schema: str, name: str) -> str:
    return f"{quote_identifier(schema)}.{quote_identifier(name)}"


def target_dir() -> Path:
    """dbt's target folder: ``$DBT_TARGET_PATH`` (relative to the project, as dbt takes it)
    when set, else the project's ``target``."""
    return project_dir() / os.environ.get("DBT_TARGET_PATH", "target")


def manifest_relations(manifest_path: Path | None = None) -> dict[str, tuple[str, str]]:
    """Model (seed, snapshot) name -> (schema, relation name) from dbt's manifest; empty
    when there is no manifest."""
    if manifest_path is None:
        manifest_path = target_dir() / "manifest.json"
    if not manifest_path.is_file():
        return {}
    nodes = json.loads(manifest_path.read_text(encoding="utf-8")).get("nodes", {})
    return {
        node["name"]: (node["schema"], node.get("alias") or node["name"])
        for node in nodes.values()
        if node.get("resource_type") in _RESOURCE_TYPES
    }


def _in_warehouse(con: duckdb.DuckDBPyConnection, model: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables()"
        " where database_name = current_database() and table_name = ?"
        " union all"
        " select schema_name, view_name from duckdb_views()"
        " where database_name = current_database() and not internal and view_name = ?"
        " order by 1",
        [model, model],
    ).fetchall()


def model_relation(
    con: duckdb.DuckDBPyConnection, model: str, manifest: dict[str, tuple[str, str]]
) -> str:
    """The quoted ``schema.name`` of dbt model ``model`` in the warehouse ``con`` reads."""
    if model in manifest:
        schema, name = manifest[model]
        if (schema, name) in _in_warehouse(con, name):
            return relation_name(schema, name)
    found = _in_warehouse(con, model)
    if len(found) == 1:
        return relation_name(*found[0])
    if not found:
        raise ModelNotFound(f"dbt model {model} is not in the warehouse: run dbt build first")
    places = ", ".join(f"{schema}.{name}" for schema, name in found)
    raise ModelNotFound(
        f"dbt model {model} is in several schemas ({places}) and dbt's manifest names none"
        " of them: run dbt (any command) in the project to write target/manifest.json"
    )
