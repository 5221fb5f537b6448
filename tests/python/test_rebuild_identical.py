"""Two builds of the same input give the same warehouse, value for value: every table and
view of the intermediate and marts schemas has the same rows, to the last bit of every
double (see DECISIONLOG.md "Identical rebuilds")."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import query

pytestmark = pytest.mark.integration

SCHEMAS = ("intermediate", "marts", "metrics")
# Columns that say when a build ran, not what it computed (kpi_data_freshness.refreshed_at
# is the build's start unless SOURCE_DATE_EPOCH is set): left out of the comparison.
BUILD_TIME_COLUMNS = {"metrics.kpi_data_freshness": ("refreshed_at",)}

# md5 of a relation's rows as text, in text order (so the physical row order does not count).
ROWS_HASH = (
    "select md5(coalesce(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)), ''))"
    " from {relation} as t"
)
COLUMN_HASH = (
    "select md5(coalesce(string_agg(cast({column} as varchar), chr(10)"
    " order by cast({column} as varchar)), '')) from {relation}"
)


def relations(db: Path) -> list[str]:
    schemas = ", ".join(f"'{schema}'" for schema in SCHEMAS)
    rows = query(
        db,
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({schemas}) order by all",
    )
    return [f"{schema}.{name}" for schema, name in rows]


def relation_hashes(db: Path) -> dict[str, str]:
    return {
        relation: query(db, ROWS_HASH.format(relation=_compared(relation)))[0][0]
        for relation in relations(db)
    }


def _compared(relation: str) -> str:
    """The relation as compared: without its build-time columns."""
    excluded = BUILD_TIME_COLUMNS.get(relation)
    if not excluded:
        return relation
    return f"(select * exclude ({', '.join(excluded)}) from {relation})"


def differing_columns(first: Path, second: Path, relation: str) -> list[str]:
    """The columns of ``relation`` whose values differ between the two warehouses."""
    schema, name = relation.split(".")
    columns = [
        column
        for (column,) in query(
            first,
            "select column_name from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position",
        )
    ]
    return [
        column
        for column in columns
        if column not in BUILD_TIME_COLUMNS.get(relation, ())
        and query(first, COLUMN_HASH.format(column=f'"{column}"', relation=relation))
        != query(second, COLUMN_HASH.format(column=f'"{column}"', relation=relation))
    ]


def test_two_builds_of_the_demo_are_identical(clean_warehouse, published_demo):
    """The session's demo warehouse (load-raw + dbt build) against its `shopkpi build`."""
    first = clean_warehouse
    second = published_demo

    first_hashes = relation_hashes(first)
    second_hashes = relation_hashes(second)
    assert sorted(first_hashes) == sorted(second_hashes)
    assert len(first_hashes) > 40
    differing = {
        relation: differing_columns(first, second, relation)
        for relation, digest in first_hashes.items()
        if digest != second_hashes[relation]
    }
    assert differing == {}, f"rebuild changed these relations' columns: {differing}"
