"""The file-based GX project under ``gx/``: written from the suites, byte for byte stable.

Every file is generated here: ``great_expectations.yml`` (one pandas datasource with a
dataframe asset per suite), ``expectations/<suite>.json``, ``validation_definitions/`` and
``checkpoints/`` (one checkpoint per suite, because a checkpoint's batch parameters, the
dataframe, are shared by its validations). Ids are UUIDs derived from names, and nothing
holds a time, so the same suites always give the same files; a test compares the committed
project with a fresh write. Run output (validation results, Data Docs) goes to
``uncommitted/`` of a working copy, never into the committed folder.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from shopkpi.quality.expectations import Suite
from shopkpi.quality.suites import all_suites
from shopkpi.warehouse import project_dir

DATASOURCE = "warehouse"
BATCH_DEFINITION = "all_rows"
_NAMESPACE = uuid.UUID("6f1c3a52-0d2e-4c59-9a8e-5b1f3e2a7c10")

# GX must never call home: analytics are off in the project file and in the environment of
# every process that imports GX through this package.
os.environ["GX_ANALYTICS_ENABLED"] = "False"


def gx_dir() -> Path:
    """The committed GX project of the dbt project (``gx/``)."""
    return project_dir() / "gx"


def object_id(*parts: str) -> str:
    """The id of a project object (suite, checkpoint, validation, ...): a UUID from names."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


_id = object_id


def _dump(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def result_format(suite: Suite) -> dict:
    return {
        "result_format": "SUMMARY",
        "partial_unexpected_count": 20,
        "unexpected_index_column_names": list(suite.index),
    }


def suite_document(suite: Suite) -> dict:
    """The suite as GX serialises it, built through GX's own classes (so it is valid)."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    expectations = []
    for item in suite.expectations:
        impl = get_expectation_impl(item.type)
        meta = {"dq_rule": item.dq_rule} if item.dq_rule else {}
        expectation = impl(**item.kwargs, severity=item.severity, meta=meta, notes=item.notes)
        expectations.append(expectation)
    gx_suite = gx.ExpectationSuite(
        name=suite.name,
        expectations=expectations,
        meta={
            "table": suite.table,
            "model": suite.model,
            "kind": suite.kind,
            "description": suite.description,
        },
    )
    document = gx_suite.to_json_dict()
    document["id"] = _id("suite", suite.name)
    for n, expectation in enumerate(document["expectations"]):
        expectation["id"] = _id("expectation", suite.name, str(n))
    return document


def _config(suites: list[Suite]) -> str:
    assets = {
        suite.name: {
            "type": "dataframe",
            "id": _id("asset", suite.name),
            "batch_metadata": {"table": suite.table, "model": suite.model},
            "batch_definitions": {
                BATCH_DEFINITION: {"id": _id("batch", suite.name), "partitioner": None}
            },
        }
        for suite in suites
    }
    config = {
        "config_version": 4.0,
        "analytics_enabled": False,
        "data_context_id": _id("context"),
        "plugins_directory": None,
        "progress_bars": {"globally": False, "metric_calculations": False},
        "stores": {
            "expectations_store": {
                "class_name": "ExpectationsStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "suppress_store_backend_id": True,
                    "base_directory": "expectations/",
                },
            },
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "suppress_store_backend_id": True,
                    "base_directory": "uncommitted/validations/",
                },
            },
            "checkpoint_store": {
                "class_name": "CheckpointStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "suppress_store_backend_id": True,
                    "base_directory": "checkpoints/",
                },
            },
            "validation_definition_store": {
                "class_name": "ValidationDefinitionStore",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "suppress_store_backend_id": True,
                    "base_directory": "validation_definitions/",
                },
            },
        },
        "expectations_store_name": "expectations_store",
        "validation_results_store_name": "validation_results_store",
        "checkpoint_store_name": "checkpoint_store",
        "data_docs_sites": {
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": "uncommitted/data_docs/local_site/",
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        "fluent_datasources": {
            DATASOURCE: {"type": "pandas", "id": _id("datasource"), "assets": assets}
        },
    }
    import yaml

    header = (
        "# GX project of the data-quality gate, written by `shopkpi quality --write-project`\n"
        "# from src/shopkpi/quality/ (raw_suites.py, model_suites.py) and the base models'\n"
        "# staging rules. Do not edit by hand: change those and rewrite. Runs read a working\n"
        "# copy; their results never land in this folder.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=True, allow_unicode=True)


def project_files(suites: list[Suite] | None = None) -> dict[str, str]:
    """Relative path -> text of every file of the GX project."""
    suites = suites if suites is not None else all_suites()
    files = {
        "great_expectations.yml": _config(suites),
        ".gitignore": "uncommitted/\n",
    }
    for suite in suites:
        files[f"expectations/{suite.name}.json"] = _dump(suite_document(suite))
        files[f"validation_definitions/{suite.name}.json"] = _dump(
            {
                "data": {
                    "asset": {"id": _id("asset", suite.name), "name": suite.name},
                    "batch_definition": {
                        "id": _id("batch", suite.name),
                        "name": BATCH_DEFINITION,
                    },
                    "datasource": {"id": _id("datasource"), "name": DATASOURCE},
                },
                "id": _id("validation", suite.name),
                "name": suite.name,
                "suite": {"id": _id("suite", suite.name), "name": suite.name},
            }
        )
        files[f"checkpoints/{suite.name}.json"] = _dump(
            {
                "actions": [],
                "id": _id("checkpoint", suite.name),
                "name": suite.name,
                "result_format": result_format(suite),
                "validation_definitions": [
                    {"id": _id("validation", suite.name), "name": suite.name}
                ],
            }
        )
    return files


def write_project(target: Path | None = None) -> list[str]:
    """Write the project into ``target`` (default ``gx/``); remove generated files no suite
    produces any more. Returns the relative paths that changed.
    """
    target = target or gx_dir()
    files = project_files()
    changed = []
    for sub in ("expectations", "validation_definitions", "checkpoints"):
        folder = target / sub
        if folder.is_dir():
            for path in folder.glob("*.json"):
                if f"{sub}/{path.name}" not in files:
                    path.unlink()
                    changed.append(f"{sub}/{path.name}")
    for relative, text in files.items():
        path = target / relative
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(relative)
    return sorted(changed)


def stale_files(target: Path | None = None, files: dict[str, str] | None = None) -> list[str]:
    """Files of ``target`` (default ``gx/``) that differ from what the suites generate
    (empty when current)."""
    target = target or gx_dir()
    files = files if files is not None else project_files()
    stale = [
        relative
        for relative, text in files.items()
        if not (target / relative).is_file()
        or (target / relative).read_text(encoding="utf-8") != text
    ]
    for sub in ("expectations", "validation_definitions", "checkpoints"):
        if (target / sub).is_dir():
            stale += [
                f"{sub}/{p.name}"
                for p in (target / sub).glob("*.json")
                if f"{sub}/{p.name}" not in files
            ]
    return sorted(stale)
