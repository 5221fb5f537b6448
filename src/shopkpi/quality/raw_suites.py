"""Raw suites: per contract table, the rows staging quarantined, one expectation per rule.

The rules themselves live in dbt, once: each base model ``base_shop__<table>`` gives
``dq_first_broken_rule`` its (rule, condition) pairs and stores the first rule a row breaks
in ``dq_rule`` (null for a clean row); dq_quarantine and dq_scorecard are built from that
column. The gate does not judge rows again. It presents that outcome to the data owner:
suite ``raw_<table>`` reads the base model (one row per delivered row) and has, for each
rule the base model checks, an expectation that no row was quarantined under it
(``dq_rule`` not in [rule], ``meta.dq_rule`` naming the rule). A failing expectation reads
"this many delivered rows broke rule X", and its sample names each row by its key and by
where it was delivered: ``order_id=O1 at orders.csv:5197``. A later row of a duplicated key
also names the first row of that key, the one staging kept (``duplicate_of=orders.csv:6``);
that column only points at a row, it judges nothing.

Which rules a table has is read from its base model's SQL, so a rule added there reaches
the suite (and ``gx/`` is stale until rewritten, which a test catches).

What only the gate owns here: a warning when more than ``QUARANTINE_WARN_SHARE`` of a
table's delivered rows were quarantined.
"""

from __future__ import annotations

import re
from pathlib import Path

from shopkpi.contract import RULES, SOURCE_FILE, SOURCE_LINE, TABLES
from shopkpi.quality.expectations import RELATION, WARNING, Expect, Suite, expect
from shopkpi.warehouse import project_dir

# Largest share of a raw table that may be quarantined before the gate warns.
QUARANTINE_WARN_SHARE = 0.05

BASE_MODELS = Path("models", "staging", "shop", "base")
# Sample column: the file:line of the first row of a duplicated key (the row kept).
DUPLICATE_OF = "duplicate_of"
_DUPLICATE_RULES = ("duplicate_key", "conflicting_duplicate")

_RULE_LIST = re.compile(r"dq_first_broken_rule\(\[(.*?)\]\)\s*\}\}", re.S)
_RULE = re.compile(r"^\s*\('([a-z_]+)',", re.M)


def base_model(table: str) -> str:
    """The dbt model that types ``table``'s delivered rows and judges them."""
    return f"base_shop__{table}"


def staging_rules(table: str, project: Path | None = None) -> tuple[str, ...]:
    """The rules ``base_shop__<table>`` checks, in priority order (contract ``RULES``)."""
    path = (project or project_dir()) / BASE_MODELS / f"{base_model(table)}.sql"
    call = _RULE_LIST.search(path.read_text(encoding="utf-8"))
    if call is None:
        raise ValueError(f"{path}: no dq_first_broken_rule([...]) call to read the rules from")
    named = set(_RULE.findall(call.group(1)))
    unknown = named - set(RULES)
    if unknown:
        raise ValueError(f"{path}: unknown data-quality rule(s) {', '.join(sorted(unknown))}")
    return tuple(rule for rule in RULES if rule in named)


def key_label(table: str) -> str:
    """The column naming a row in samples: the key's columns, as dq_quarantine's row_key
    holds their values (joined with '|')."""
    return "|".join(TABLES[table].key)


def raw_expectations(table: str, project: Path | None = None) -> list[Expect]:
    """One expectation per staging rule of ``table``, then the quarantine-share warning."""
    out = [
        expect(
            "expect_column_values_to_not_be_in_set",
            rule=rule,
            column="dq_rule",
            value_set=[rule],
            notes=f"{RULES[rule]} Staging ({base_model(table)}) quarantined these rows;"
            " dq_quarantine holds each with its raw values.",
        )
        for rule in staging_rules(table, project)
    ]
    out.append(
        expect(
            "expect_column_values_to_be_null",
            severity=WARNING,
            column="dq_rule",
            mostly=round(1 - QUARANTINE_WARN_SHARE, 6),
            notes=f"At most {QUARANTINE_WARN_SHARE:.0%} of the table's rows are quarantined:"
            " above that, look at the delivery before reading its reports.",
        )
    )
    return out


def raw_query(table: str) -> str:
    """The dataframe of suite raw_<table>: each delivered row's key, the rule staging
    quarantined it under (null when kept), and where it was delivered.

    A duplicate's first row of its key is looked up for the keys that have a duplicate
    only (a join on those few keys, not a window over every row), so that the gate can
    count a table's rows in DuckDB without sorting it (see ``shopkpi.quality.pushdown``).
    """
    rules = ", ".join(f"'{rule}'" for rule in _DUPLICATE_RULES)
    return (
        "with duplicated as ("
        " select dq_row_key,"
        " first(dq_source_file || ':' || dq_source_line"
        " order by dq_source_file, dq_source_line) as first_row"
        f" from {RELATION}"
        f" where dq_row_key in (select dq_row_key from {RELATION} where dq_rule in ({rules}))"
        " group by dq_row_key)"
        f' select delivered.dq_row_key as "{key_label(table)}", delivered.dq_rule,'
        f" case when delivered.dq_rule in ({rules}) then duplicated.first_row end"
        f" as {DUPLICATE_OF},"
        f" delivered.dq_source_file as {SOURCE_FILE}, delivered.dq_source_line as {SOURCE_LINE}"
        f" from {RELATION} as delivered left join duplicated using (dq_row_key)"
    )


def raw_order(table: str) -> str:
    """The order of suite raw_<table>'s rows: as delivered (file, line), then key."""
    return f'{SOURCE_FILE}, {SOURCE_LINE}, "{key_label(table)}"'


def raw_suite(table: str, project: Path | None = None) -> Suite:
    spec = TABLES[table]
    return Suite(
        name=f"raw_{table}",
        kind="raw",
        table=f"raw.{table}",
        model=base_model(table),
        sql=raw_query(table),
        order=raw_order(table),
        count_sql=f"select dq_rule from {RELATION}",
        index=(key_label(table), DUPLICATE_OF, SOURCE_FILE, SOURCE_LINE),
        expectations=tuple(raw_expectations(table, project)),
        description=f"Rows of {table} as delivered ({spec.grain}), by the staging rule that"
        f" quarantined them (dbt model {base_model(table)}, column dq_rule).",
    )


def raw_suites(project: Path | None = None) -> list[Suite]:
    """One suite per contract table, in contract order."""
    return [raw_suite(table, project) for table in TABLES]
