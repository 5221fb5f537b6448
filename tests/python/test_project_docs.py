"""Every model and seed states its grain, and every table of the marts and the KPI layer has
a tested key: read from the manifest dbt writes when it parses the project."""

from __future__ import annotations

import json

import pytest

from conftest import run_dbt


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("parse") / "unused.duckdb"
    run_dbt(db, "parse")
    return json.loads((db.parent / "target" / "manifest.json").read_text(encoding="utf-8"))


def _nodes(manifest, resource_type):
    return [node for node in manifest["nodes"].values() if node["resource_type"] == resource_type]


def test_every_model_and_seed_states_its_grain(manifest):
    silent = [
        node["name"]
        for node in _nodes(manifest, "model") + _nodes(manifest, "seed")
        if "one row" not in node.get("description", "").lower()
    ]
    assert silent == []


def test_every_table_of_the_marts_and_the_kpi_layer_has_a_tested_key(manifest):
    keyed = {
        parent
        for test in _nodes(manifest, "test")
        if (test.get("test_metadata") or {}).get("name") in ("unique", "unique_combination")
        for parent in test["depends_on"]["nodes"]
    }
    unkeyed = [
        node["name"]
        for node in _nodes(manifest, "model")
        if node["fqn"][1] in ("marts", "metrics")
        and node["unique_id"] not in keyed
        and node["name"] != "int_kpi_reporting_window"  # one row
    ]
    assert unkeyed == []
