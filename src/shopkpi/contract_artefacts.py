"""The dbt project's files that repeat the raw contract, written from ``shopkpi.contract``.

`make contract` (``shopkpi contract``) writes every file of ``artefacts()`` into the project;
`make contract-check` (``shopkpi contract --check``) and tests/python/test_contract.py fail,
naming the file, when a committed one differs from what this module writes. The output is
byte for byte the same for the same contract: no time, no environment, fixed orders.

- ``models/staging/shop/_shop__sources.yml``: the dbt sources of schema raw (every stored
  column of every table).
- ``macros/shop_tables.sql``: ``shop_tables()``, the table names, parents before children,
  and ``shop_required_tables()``, those a shop must deliver.
- ``macros/dq_rules.sql``: ``dq_rules_in_priority()``, the rule codes in priority order,
  which ``dq_first_broken_rule`` checks each base model's rule names against when it
  compiles.
- ``seeds/reference/dq_rules.csv`` and ``seeds/reference/_reference__dq_rules.yml``: the seed
  of the rules (code, priority, description) and its properties (column types, tests).

Each file but the CSV starts with the line ``HEADER`` as a comment; a CSV cannot hold one,
so the seed's description says it instead.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from shopkpi.contract import (
    INT,
    RULES,
    SOURCE_FILE,
    SOURCE_LINE,
    TABLES,
    tables_parents_first,
)

HEADER = "Written from src/shopkpi/contract.py by `make contract`; do not edit by hand."

_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _names(names: list[str], what: str) -> list[str]:
    """Names that go into SQL / Jinja string literals unquoted: plain lower-case words."""
    for name in names:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{what} {name!r} is not a lower-case name (a-z, 0-9, _)")
    return names


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _folded(text: str, indent: int) -> list[str]:
    """A YAML folded block (``>``) of ``text``, wrapped at 92 columns."""
    prefix = " " * indent
    return textwrap.wrap(text, width=92, initial_indent=prefix, subsequent_indent=prefix)


def _jinja_list_macro(name: str, comment: list[str], items: list[str]) -> str:
    lines = ["{#- " + HEADER + " -#}", ""]
    lines += ["{#- " + comment[0]] + ["    " + line for line in comment[1:]]
    lines[-1] += " -#}"
    lines += [f"{{% macro {name}() -%}}", "    {{ return(["]
    lines += [f"        '{item}'," for item in items]
    lines += ["    ]) }}", "{%- endmacro %}"]
    return "\n".join(lines) + "\n"


def sources_yaml() -> str:
    """The dbt source definition of the raw layer (models/staging/shop/_shop__sources.yml)."""
    lines = [
        "# " + HEADER,
        "version: 2",
        "",
        "sources:",
        "  - name: shop",
        "    description: >",
        '      The shop\'s raw data contract (see README "The raw data contract"), as',
        "      `shopkpi load-raw` / `shopkpi build` store it in schema raw: typed as in",
        "      src/shopkpi/contract.py, personal data masked with a salted hash beside it, and",
        "      each row's file and line.",
        "    schema: raw",
        "    tables:",
    ]
    for table in TABLES.values():
        required = "Required" if table.required else "Optional"
        grain = f"{table.grain} {required}. Key: {', '.join(table.key)}."
        lines += [
            f"      - name: {table.name}",
            f"        description: {_yaml_text(grain)}",
            "        columns:",
        ]
        for column in table.columns:
            text = column.description
            if column.pii:
                text += f" Masked at load; {column.name}_hash holds its salted SHA-256."
            lines += [
                f"          - name: {column.name}",
                f"            description: {_yaml_text(text)}",
            ]
        for column in table.columns:
            if column.pii:
                lines += [
                    f"          - name: {column.name}_hash",
                    "            description: "
                    + _yaml_text(f"Salted SHA-256 of the delivered {column.name} (null if empty)."),
                ]
        lines += [
            f"          - name: {SOURCE_FILE}",
            "            description: "
            + _yaml_text("File the row was loaded from, relative to the loaded folder."),
            f"          - name: {SOURCE_LINE}",
            "            description: "
            + _yaml_text(
                "Line of the row in its file (CSV: the header is line 1; parquet: row number)."
            ),
        ]
    return "\n".join(lines) + "\n"


def shop_tables_macro() -> str:
    """macros/shop_tables.sql: the contract's tables, every one after the tables it references."""
    return (
        _jinja_list_macro(
            "shop_tables",
            [
                "The raw contract's tables, parents before children (Table.parents), otherwise in",
                "contract order.",
            ],
            _names(tables_parents_first(), "table"),
        )
        + "\n"
        + _jinja_list_macro(
            "shop_required_tables",
            ["The tables a shop must deliver with at least one row (Table.required)."],
            _names([t for t in tables_parents_first() if TABLES[t].required], "table"),
        ).split("\n", 2)[2]
    )


def dq_rules_macro() -> str:
    """macros/dq_rules.sql: the data-quality rule codes in priority order."""
    return _jinja_list_macro(
        "dq_rules_in_priority",
        [
            "Staging's data-quality rules in priority order (RULES in the contract; seed",
            "dq_rules holds the same with priorities and descriptions). A row is quarantined",
            "under the first rule it breaks (dq_first_broken_rule, macros/data_quality.sql).",
        ],
        _names(list(RULES), "rule"),
    )


# The dq_rules seed: (column, contract type, description), in file order.
# Seed column types are written in words both engines know: `string` is DuckDB's alias of
# varchar and Spark's text type (Spark has no unsized varchar).
SEED_TEXT = "string"
DQ_RULES_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("dq_rule", SEED_TEXT, "Rule code."),
    ("priority", INT, "Priority; a row breaking several rules is quarantined under the lowest."),
    ("description", SEED_TEXT, "What the rule catches."),
)


def dq_rules_csv() -> str:
    """seeds/reference/dq_rules.csv: one row per rule, priority 1 first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _, _ in DQ_RULES_COLUMNS])
    for priority, (rule, description) in enumerate(RULES.items(), start=1):
        writer.writerow([rule, priority, description])
    return out.getvalue()


def dq_rules_seed_yaml() -> str:
    """seeds/reference/_reference__dq_rules.yml: the properties of seed dq_rules."""
    description = (
        "One row per staging data-quality rule, in priority order (1 = checked first): a raw "
        "row breaking several rules is quarantined under the first. dq_rules.csv and this "
        "file are written from RULES in src/shopkpi/contract.py by `make contract`; do not "
        "edit them by hand: change the rule there and run `make contract`."
    )
    lines = [
        "# " + HEADER,
        "version: 2",
        "",
        "seeds:",
        "  - name: dq_rules",
        "    description: >",
        *_folded(description, 6),
        "    config:",
        "      column_types:",
        *[f"        {name}: {type_}" for name, type_, _ in DQ_RULES_COLUMNS],
        "    columns:",
    ]
    tests = {"dq_rule": "[unique, not_null]", "priority": "[unique, not_null]"}
    for name, _, text in DQ_RULES_COLUMNS:
        lines += [f"      - name: {name}", f"        description: {_yaml_text(text)}"]
        if name in tests:
            lines.append(f"        data_tests: {tests[name]}")
    return "\n".join(lines) + "\n"


# Every generated file, by its path in the dbt project, in a fixed order.
ARTEFACTS: dict[str, Callable[[], str]] = {
    "models/staging/shop/_shop__sources.yml": sources_yaml,
    "macros/shop_tables.sql": shop_tables_macro,
    "macros/dq_rules.sql": dq_rules_macro,
    "seeds/reference/dq_rules.csv": dq_rules_csv,
    "seeds/reference/_reference__dq_rules.yml": dq_rules_seed_yaml,
}


def artefacts() -> dict[str, str]:
    """{path in the project: text} of every file written from the contract."""
    return {path: write() for path, write in ARTEFACTS.items()}


def _committed(path: Path) -> bytes | None:
    # Bytes, so that a file with other line ends or encoding counts as different.
    return path.read_bytes() if path.is_file() else None


def stale_files(project: Path) -> list[str]:
    """Generated files of ``project`` that are missing or differ from what the contract
    writes (empty when every one is current)."""
    return [
        relative
        for relative, text in artefacts().items()
        if _committed(project / relative) != text.encode("utf-8")
    ]


def write_files(project: Path) -> list[str]:
    """Write every generated file into ``project``; returns the paths that changed."""
    changed = []
    for relative, text in artefacts().items():
        path = project / relative
        if _committed(path) == text.encode("utf-8"):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        changed.append(relative)
    return changed


def run(project: Path, check: bool) -> int:
    """`shopkpi contract`: write the files (exit 0), or with ``check`` report stale ones
    (exit 1, one line per file)."""
    if check:
        stale = stale_files(project)
        for relative in stale:
            state = "differs from" if (project / relative).is_file() else "is missing, not"
            print(
                f"{relative}: {state} what src/shopkpi/contract.py writes;"
                " run `make contract` and commit it",
                file=sys.stderr,
            )
        if not stale:
            print(f"{len(ARTEFACTS)} contract files are current")
        return 1 if stale else 0
    changed = write_files(project)
    for relative in changed:
        print(f"wrote {relative}")
    print(f"{len(changed)} of {len(ARTEFACTS)} contract files changed")
    return 0
