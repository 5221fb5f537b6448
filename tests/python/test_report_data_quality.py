"""The data-quality page (reports/templates/data-quality.md) shows the warehouse's own counts.

Rows received per table are counted here in schema raw, rows kept in staging (stg_shop__*),
quarantined rows in marts.dq_quarantine, and the quality gate's latest run in
quality.gx_validation_results; then looked for as the page formats them, in the prerendered
page and in what Chromium shows once hydrated, in both languages. The site is built from
the clean demo after a gate run; the page's source queries are also run on a warehouse with
bad rows (dirty_warehouse) and on one where the gate has not run (published_demo), where they
must give the same counts, or the one row of nulls the page reads as "none".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

SOURCES = ROOT / "reports" / "sources" / "warehouse"


def _labels(kind: str) -> dict[str, dict[str, str]]:
    with (ROOT / "seeds" / "reference" / "code_labels.csv").open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row["label_kind"] == kind]
    return {row["code"]: {"en": row["name_en"], "zh": row["name_zh"]} for row in rows}


def _source(db: Path, name: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute((SOURCES / f"{name}.sql").read_text(encoding="utf-8"))
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _table_counts(db: Path) -> dict[str, tuple[int, int, int]]:
    """Per contract table: rows in raw, rows in staging, rows in the quarantine mart."""
    tables = [
        r[0] for r in query(db, "select table_name from duckdb_tables() where schema_name = 'raw'")
    ]
    counts = {}
    for table in tables:
        ((received,),) = query(db, f"select count(*) from raw.{table}")
        ((kept,),) = query(db, f"select count(*) from staging.stg_shop__{table}")
        ((quarantined,),) = query(
            db, f"select count(*) from marts.dq_quarantine where source_table = '{table}'"
        )
        counts[table] = (received, kept, quarantined)
    return counts


def _gate(db: Path) -> tuple:
    """The latest gate run: expectations, suites, passed, errors and warnings failed."""
    ((expectations, suites, passed, errors, warnings),) = query(
        db,
        """
        select
            count(*),
            count(distinct suite_name),
            count(*) filter (where success and not coalesce(raised_exception, false)),
            count(*) filter (where not (success and not coalesce(raised_exception, false))
                and severity = 'error'),
            count(*) filter (where not (success and not coalesce(raised_exception, false))
                and severity <> 'error')
        from quality.gx_validation_results
        where run_id = (select max(run_id) from quality.gx_validation_results)
        """,
    )
    return expectations, suites, passed, errors, warnings


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([(（])\s+", r"\1", text)
    return re.sub(r"\s+([),;.:，；）])", r"\1", text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_totals_are_the_raw_and_staging_counts(report_site, lang):
    counts = _table_counts(report_site.db)
    assert len(counts) == 14
    received = sum(c[0] for c in counts.values())
    kept = sum(c[1] for c in counts.values())
    quarantined = sum(c[2] for c in counts.values())
    assert received == kept + quarantined
    text = _tidy(report_site.text(f"/{lang}/data-quality"))
    titles = {
        "en": ("Rows received (all tables)", "Rows kept", "Rows quarantined"),
        "zh": ("接收行數（全部表）", "保留行數", "隔離行數"),
    }[lang]
    for title, value in zip(titles, (received, kept, quarantined), strict=True):
        assert f"{title} {value:,}" in text
    # The clean demo quarantines nothing, and the page says so.
    assert quarantined == 0
    sentence = {
        "en": "No row was quarantined: every row of the 14 tables passed staging’s rules.",
        "zh": "沒有行被隔離：全部 14 張表的每一行都通過了暫存層的規則。",
    }[lang]
    assert sentence in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_table_rows_once_hydrated(site_browser, report_site, lang):
    text = site_browser["pages"][f"/{lang}/data-quality"]["text"]
    names = _labels("source_table")
    for table, (received, kept, quarantined) in _table_counts(report_site.db).items():
        row = "\t".join(
            [
                names[table][lang],
                table,
                f"{received:,}",
                f"{kept:,}",
                f"{quarantined:,}",
                f"{quarantined / received * 100:.2f}%",
                f"{kept / received * 100:.1f}%",
            ]
        )
        assert row in text, row


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_latest_gate_run(report_site, lang):
    expectations, suites, passed, errors, warnings = _gate(report_site.db)
    assert expectations > 0
    text = _tidy(report_site.text(f"/{lang}/data-quality"))
    if lang == "en":
        sentence = (
            f"{expectations} expectations in {suites} suites — {passed} passed, "
            f"{errors} errors failed, {warnings} warnings failed."
        )
    else:
        sentence = (
            f"{expectations} 個期望， {suites} 個套件 — {passed} 通過, "
            f"{errors} 個錯誤未通過, {warnings} 個警告未通過."
        )
    assert _tidy(sentence) in text
    titles = {
        "en": ("Expectations passed", "Errors failed (stop the pipeline)"),
        "zh": ("通過的期望", "未通過的錯誤（阻斷流程）"),
    }[lang]
    assert f"{titles[0]} {passed:,}" in text
    assert f"{titles[1]} {errors:,}" in text


def test_data_docs_link_leads_to_the_gate_report(report_site):
    """The page links the gate's Data Docs, which make reports copied into the site."""
    for lang in ("zh", "en"):
        assert 'href="/data-docs/index.html"' in report_site.html(
            f"/{lang}/data-quality"
        ).read_text(encoding="utf-8")
    assert (report_site.root / "data-docs" / "index.html").is_file()


def test_gate_suites_once_hydrated(site_browser, report_site):
    """Each suite of the latest run with its expectation count, as the gate wrote them."""
    rows = query(
        report_site.db,
        """
        select suite_name, count(*)
        from quality.gx_validation_results
        where run_id = (select max(run_id) from quality.gx_validation_results)
        group by suite_name
        """,
    )
    text = site_browser["pages"]["/en/data-quality"]["text"]
    for suite, expectations in rows:
        assert re.search(rf"{re.escape(suite)}\t[^\t]+\t[^\t]+\t{expectations}\t", text), suite


def test_rule_descriptions_match_the_contract(report_site):
    """code_labels' dq_rule_description rows carry the contract's English text (reference
    .dq_rules) and a Chinese one for every rule."""
    described = _labels("dq_rule_description")
    rules = dict(query(report_site.db, "select dq_rule, description from reference.dq_rules"))
    assert set(described) == set(rules)
    for rule, text in rules.items():
        assert described[rule]["en"] == text
        assert described[rule]["zh"]


def test_sources_count_the_bad_rows(dirty_warehouse):
    """On the demo with bad rows, the page's tables hold the quarantine per table and rule
    as raw, staging and the quarantine mart give it, and at most three examples per pair."""
    counts = _table_counts(dirty_warehouse)
    tables = {row["source_table"]: row for row in _source(dirty_warehouse, "dq_tables")}
    assert sum(c[2] for c in counts.values()) > 0
    for table, (received, kept, quarantined) in counts.items():
        assert tables[table]["rows_received"] == received
        assert tables[table]["rows_kept"] == kept
        assert tables[table]["rows_quarantined"] == quarantined == received - kept
    pairs = dict(
        ((t, r), n)
        for t, r, n in query(
            dirty_warehouse,
            "select source_table, dq_rule, count(*) from marts.dq_quarantine group by all",
        )
    )
    rule_rows = {
        (row["source_table"], row["dq_rule"]): row["rows_quarantined"]
        for row in _source(dirty_warehouse, "dq_rule_counts")
        if row["rows_quarantined"] > 0
    }
    assert rule_rows == pairs
    examples = _source(dirty_warehouse, "dq_quarantine_examples")
    per_pair: dict[tuple, int] = {}
    for row in examples:
        key = (row["source_table"], row["dq_rule"])
        per_pair[key] = per_pair.get(key, 0) + 1
    assert per_pair == {key: min(n, 3) for key, n in pairs.items()}


def test_sources_without_a_gate_run(published_demo):
    """Built with --no-gate the warehouse has the gate's table, empty: the sources hold one
    row of nulls (Evidence writes no file for an empty table), which the page reads as
    "the gate has not run"; and the clean demo has no quarantined row to show."""
    ((rows,),) = query(published_demo, "select count(*) from quality.gx_validation_results")
    assert rows == 0
    for name in ("dq_gate_runs", "dq_gate_results"):
        assert [row["run_id"] for row in _source(published_demo, name)] == [None]
    assert [row["source_table"] for row in _source(published_demo, "dq_quarantine_examples")] == [
        None
    ]
    template = (ROOT / "reports" / "templates" / "data-quality.md").read_text(encoding="utf-8")
    assert "The quality gate has not run on this warehouse" in template
