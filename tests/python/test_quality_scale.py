"""The quality gate at scale: raw suites are validated inside DuckDB (GX's metrics as SQL
aggregates, GX's expectation classes giving the verdicts), so the gate fetches counts and
the first failing rows, never a table. These tests hold that path to GX's pandas engine,
the reference, result for result (see DECISIONLOG.md "The quality gate at scale")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from conftest import copy_warehouse
from shopkpi.quality import pushdown, raw_suites, runner
from shopkpi.quality.expectations import expect
from shopkpi.quality.suites import all_suites
from test_quality import docs_assets  # noqa: F401  (the session's Data Docs assets)

NO_MANIFEST = Path("/nonexistent/manifest.json")


def _base_orders(db: Path, clean_rows: int, planted: list[tuple]) -> None:
    """A base_shop__orders relation: ``clean_rows`` kept rows delivered in orders.csv
    (lines 2...), then the ``planted`` rows (key, dq_rule, file, line)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema shop_staging")
        con.execute(
            "create table shop_staging.base_shop__orders as"
            " select 'O' || (n + 2) as dq_row_key, null::varchar as dq_rule,"
            " 'orders.csv' as dq_source_file, (n + 2)::bigint as dq_source_line"
            f" from range({clean_rows}) as t(n)"
        )
        if planted:
            insert = "insert into shop_staging.base_shop__orders values (?, ?, ?, ?)"
            con.executemany(insert, planted)


def _run(db: Path, work: Path, engine: str, suites=("raw_orders",), docs=False):
    return runner.run_quality(
        db,
        workdir=work,
        build_docs=docs,
        suites=list(suites) if suites else None,
        manifest_path=NO_MANIFEST,
        engine=engine,
    )


def _stored_results(work: Path) -> dict[str, dict]:
    """Expectation id -> its stored GX validation result (success, result, exception)."""
    out = {}
    for path in (work / "gx" / "uncommitted" / "validations").rglob("*.json"):
        for item in json.loads(path.read_text(encoding="utf-8"))["results"]:
            out[item["expectation_config"]["id"]] = {
                key: item[key] for key in ("success", "result", "exception_info")
            } | {"kwargs": item["expectation_config"]["kwargs"]}
    return out


def _outcomes(report) -> list[dict]:
    return sorted((vars(o) for o in report.outcomes), key=lambda o: o["expectation_id"])


# A planted delivery: 30 rows with an unparseable amount (more than one sample holds), a
# duplicate and a conflicting duplicate (each naming the kept row), an empty and a null key.
PLANTED = [
    *[(f"X{n}", "invalid_value", "orders/part2.csv", 100 - n) for n in range(30)],
    ("O5", "duplicate_key", "orders/part2.csv", 3),
    ("O7", "conflicting_duplicate", "orders/part3.csv", 2),
    ("", "missing_key", "orders/part2.csv", 2),
    (None, "missing_key", "orders/part3.csv", 9),
]


def test_duckdb_path_gives_gx_pandas_results_on_planted_rows(tmp_path):
    db = tmp_path / "shop.duckdb"
    _base_orders(db, 500, PLANTED)
    pandas = _run(db, tmp_path / "pandas", "pandas")
    in_duckdb = _run(db, tmp_path / "duckdb", "duckdb")
    assert pandas.timings["read_dataframes"] > 0 and in_duckdb.timings["read_dataframes"] == 0
    assert _stored_results(tmp_path / "duckdb") == _stored_results(tmp_path / "pandas")
    assert _outcomes(in_duckdb) == _outcomes(pandas)

    failed = {o.dq_rule: o for o in in_duckdb.errors}
    assert {rule: o.unexpected_count for rule, o in failed.items()} == {
        "invalid_value": 30,
        "duplicate_key": 1,
        "conflicting_duplicate": 1,
        "missing_key": 2,
    }
    invalid = failed["invalid_value"]
    # Every failing row is counted; the samples are the first 20 in delivery order.
    assert len(invalid.failing_sample) == 20
    lines = [item["_source_line"] for item in invalid.failing_sample]
    assert lines == list(range(71, 91))
    assert invalid.message().startswith(
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [invalid_value]:"
        " 30 of 534 rows fail, e.g. order_id=X29 at orders/part2.csv:71;"
    )
    assert (
        failed["duplicate_key"]
        .message()
        .endswith("e.g. order_id=O5 duplicate_of=orders.csv:5 at orders/part2.csv:3")
    )
    assert (
        failed["conflicting_duplicate"]
        .message()
        .endswith("e.g. order_id=O7 duplicate_of=orders.csv:7 at orders/part3.csv:2")
    )
    (share,) = in_duckdb.warnings
    assert (share.unexpected_count, share.element_count) == (34, 534)


def test_an_empty_table_gives_gx_pandas_results(tmp_path):
    """No delivered row (a shop without that export): GX's vacuous success, the same."""
    db = tmp_path / "shop.duckdb"
    _base_orders(db, 0, [])
    reports = {engine: _run(db, tmp_path / engine, engine) for engine in runner.ENGINES}
    assert _stored_results(tmp_path / "duckdb") == _stored_results(tmp_path / "pandas")
    assert _outcomes(reports["duckdb"]) == _outcomes(reports["pandas"])
    assert reports["duckdb"].passed and {o.element_count for o in reports["duckdb"].outcomes} == {0}


class _CountingConnection:
    """A DuckDB connection that counts the rows the gate fetches into Python."""

    def __init__(self, con):
        self._con = con
        self.rows_fetched = 0

    def execute(self, *args, **kwargs):
        cursor = self._con.execute(*args, **kwargs)
        outer = self

        class Cursor:
            description = property(lambda _: cursor.description)

            def fetchone(self):
                outer.rows_fetched += 1
                return cursor.fetchone()

            def fetchall(self):
                rows = cursor.fetchall()
                outer.rows_fetched += len(rows)
                return rows

        return Cursor()

    def sql(self, *args, **kwargs):
        relation = self._con.sql(*args, **kwargs)
        outer = self

        class Relation:
            def df(self):
                frame = relation.df()
                outer.rows_fetched += len(frame)
                return frame

            def fetchall(self):
                rows = relation.fetchall()
                outer.rows_fetched += len(rows)
                return rows

        return Relation()

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()


def test_the_gate_fetches_counts_and_samples_never_the_table(tmp_path, monkeypatch):
    """A two-million-row table with four planted bad rows: the gate reports each with its
    row, having fetched into Python a few rows per expectation, not two million."""
    db = tmp_path / "shop.duckdb"
    planted = [
        ("XO1", "invalid_value", "orders/part9.csv", 7),
        ("XO2", "negative_amount", "orders/part9.csv", 8),
        ("O1000", "duplicate_key", "orders/part9.csv", 9),
        ("", "missing_key", "orders/part9.csv", 10),
    ]
    _base_orders(db, 2_000_000, planted)
    opened: list[_CountingConnection] = []
    real_connect = runner.connect

    def counting_connect(path):
        opened.append(_CountingConnection(real_connect(path)))
        return opened[-1]

    monkeypatch.setattr(runner, "connect", counting_connect)
    report = _run(db, tmp_path / "run", "duckdb")
    (con,) = opened
    expectations = len(raw_suites.raw_suite("orders").expectations)
    # where the model is (one row), the readability probe (none), the counts (one row), the
    # samples: one row for each of the 4 failing rules, the 4 rows of the share check
    assert con.rows_fetched <= 2 + 20 * expectations
    assert con.rows_fetched == 1 + 1 + 4 + 4
    messages = sorted(o.message() for o in report.errors)
    assert messages == [
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [duplicate_key]:"
        " 1 of 2,000,004 rows fail, e.g. order_id=O1000 duplicate_of=orders.csv:1000"
        " at orders/part9.csv:9",
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [invalid_value]:"
        " 1 of 2,000,004 rows fail, e.g. order_id=XO1 at orders/part9.csv:7",
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [missing_key]:"
        " 1 of 2,000,004 rows fail, e.g. order_id=(empty) at orders/part9.csv:10",
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [negative_amount]:"
        " 1 of 2,000,004 rows fail, e.g. order_id=XO2 at orders/part9.csv:8",
    ]
    assert report.warnings == []  # 4 of 2,000,004 is far below 5%


def test_every_suite_over_delivered_rows_is_validated_in_duckdb():
    """Raw suites have one row per delivered row (they grow with the shop): none may fall
    back to reading its table into pandas. Model suites read one aggregated row."""
    for suite in all_suites():
        if suite.kind == "raw":
            assert pushdown.supported(suite), suite.name
        else:
            assert "count(*)" in suite.sql, suite.name


def test_an_expectation_duckdb_cannot_decide_falls_back_to_gx():
    suite = raw_suites.raw_suite("orders")
    assert pushdown.supported(suite)
    regex = expect("expect_column_values_to_match_regex", column="x", regex="^O")
    assert not pushdown.supported(
        type(suite)(**{**vars(suite), "expectations": (*suite.expectations, regex)})
    )
    assert not pushdown.supported(type(suite)(**{**vars(suite), "order": ""}))


def test_an_unreadable_suite_is_an_error_on_either_path(tmp_path):
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema shop_staging")
        con.execute("create table shop_staging.base_shop__orders (dq_row_key varchar)")
    for engine in runner.ENGINES:
        report = _run(db, tmp_path / engine, engine)
        (outcome,) = report.outcomes
        assert outcome.expectation_type == "table_is_readable" and outcome.is_error
        assert "dq_rule" in outcome.message()


def test_a_table_failing_while_counted_fails_each_check_with_its_error(tmp_path):
    """A view that binds but breaks on its rows: every expectation of the suite raised, an
    error naming DuckDB's message (pandas would not read the dataframe at all: an error)."""
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema shop_staging")
        con.execute(
            "create view shop_staging.base_shop__orders as select 'O' || n as dq_row_key,"
            " case when n > 5 then error('row ' || n || ' is broken') end::varchar as dq_rule,"
            " 'orders.csv' as dq_source_file, n::bigint as dq_source_line from range(10) t(n)"
        )
    report = _run(db, tmp_path / "run", "duckdb")
    assert len(report.errors) == len(raw_suites.raw_suite("orders").expectations)
    for outcome in report.errors:
        assert outcome.raised_exception and "is broken" in outcome.message()
    assert not _run(db, tmp_path / "pandas", "pandas").passed


def _page_text(report) -> list[str]:
    """The text of the raw_orders validation page, run times blanked, id numbering
    dropped (the page numbers its blocks)."""
    (page,) = (report.docs_index.parent / "validations" / "raw_orders").rglob("*.html")
    html = re.sub(r"<[^>]*>", "\n", page.read_text(encoding="utf-8"))
    html = re.sub(r"\d{8}T\d{6}(\.\d+)?Z|\d{4}-\d\d-\d\dT[\d:.]+Z", "<time>", html)
    return [line.strip() for line in html.splitlines() if line.strip()]


def test_data_docs_of_the_duckdb_path_are_gxs_pages_for_the_same_results(
    tmp_path,
    docs_assets,  # noqa: F811
):
    """Data Docs render the stored results: the same page on either path, but for how the
    batch was read (a pandas dataframe and its fingerprint, or DuckDB and its query)."""
    db = tmp_path / "shop.duckdb"
    _base_orders(db, 100, [("XO9", "invalid_value", "orders/part2.csv", 4)])
    pages = {
        engine: _page_text(_run(db, tmp_path / engine, engine, docs=True))
        for engine in runner.ENGINES
    }
    assert "invalid_value" in pages["duckdb"]
    differ = set(pages["duckdb"]) ^ set(pages["pandas"])
    batch_lines = {"Batch Parameters", "dataframe", "&lt;DATAFRAME&gt;", "batch_data"}
    batch_lines |= {"PandasDataFrame", "pandas_data_fingerprint", "engine", "duckdb", "query"}
    query = raw_suites.raw_suite("orders").query('"shop_staging"."base_shop__orders"')
    assert differ - batch_lines - {query} == {
        line for line in differ if re.fullmatch(r"[0-9a-f]{32}", line)
    }


@pytest.fixture(scope="module")
def dirty_runs(dirty_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("quality_engines")
    db = copy_warehouse(dirty_warehouse, work)
    manifest = dirty_warehouse.parent / "target" / "manifest.json"
    return {
        engine: runner.run_quality(
            db, workdir=work / engine, build_docs=False, manifest_path=manifest, engine=engine
        )
        for engine in runner.ENGINES
    }, work


def test_dirty_demo_same_outcomes_and_stored_results_on_both_paths(dirty_runs):
    reports, work = dirty_runs
    assert reports["duckdb"].errors, "the dirty demo fails the gate"
    assert _outcomes(reports["duckdb"]) == _outcomes(reports["pandas"])
    assert _stored_results(work / "duckdb") == _stored_results(work / "pandas")
    assert (
        reports["duckdb"].timings["read_dataframes"] < reports["pandas"].timings["read_dataframes"]
    )
