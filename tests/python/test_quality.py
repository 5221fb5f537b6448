"""The data-quality gate: committed GX project, clean and dirty runs, results, offline docs."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT, query
from shopkpi.contract import (
    PLAUSIBILITY_COLUMNS,
    PLAUSIBLE_MAX_AMOUNT_CNY,
    PLAUSIBLE_MAX_QUANTITY,
    RULES,
    SOURCE_FILE,
    SOURCE_LINE,
    TABLES,
)
from shopkpi.quality import checks, docs, project

ASSETS = ROOT / "gx" / "docs_assets"


def _copy(db: Path, target_dir: Path) -> Path:
    """A copy of a warehouse under the same file name (views name their catalog)."""
    target = target_dir / db.name
    shutil.copyfile(db, target)
    return target


@pytest.fixture(scope="session")
def docs_assets() -> Path:
    """The Data Docs assets installed from the committed lock file (as `make quality` does)."""
    if not (ASSETS / "node_modules" / ".installed").exists():
        npm = shutil.which("npm")
        assert npm, "npm is required to install the Data Docs assets"
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"],
            cwd=ASSETS,
            check=True,
            timeout=600,
        )
        (ASSETS / "node_modules" / ".installed").touch()
    return ASSETS / "node_modules"


@pytest.fixture(scope="session")
def clean_run(clean_warehouse, docs_assets, tmp_path_factory):
    from shopkpi.quality.runner import run_quality

    work = tmp_path_factory.mktemp("quality_clean")
    db = _copy(clean_warehouse, work)
    return db, work, run_quality(db, workdir=work / "run")


# ------------------------------------------------------------------ the committed project


def test_committed_gx_project_is_what_the_checks_generate():
    assert project.stale_files() == [], "run `shopkpi quality --write-project` and commit gx/"


def test_a_changed_project_file_is_reported_stale(tmp_path):
    project.write_project(tmp_path)
    assert project.stale_files(tmp_path) == []
    suite = tmp_path / "expectations" / "raw_orders.json"
    suite.write_text(suite.read_text(encoding="utf-8").replace('"min_value": 1', '"min_value": 2'))
    (tmp_path / "checkpoints" / "raw_gone.json").write_text("{}")
    assert project.stale_files(tmp_path) == [
        "checkpoints/raw_gone.json",
        "expectations/raw_orders.json",
    ]
    assert sorted(project.write_project(tmp_path)) == [
        "checkpoints/raw_gone.json",
        "expectations/raw_orders.json",
    ]
    assert not (tmp_path / "checkpoints" / "raw_gone.json").exists()


def test_gx_project_holds_no_time_or_random_id():
    files = project.project_files()
    assert files == project.project_files()
    text = "\n".join(files.values())
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text)
    config = yaml.safe_load(files["great_expectations.yml"])
    assert config["analytics_enabled"] is False
    suite_files = [name for name in files if name.startswith("expectations/")]
    assert len(suite_files) == len(TABLES) + len(checks.MART_CHECKS)


@pytest.mark.parametrize("table", list(TABLES))
def test_raw_suite_covers_the_contract(table):
    spec = TABLES[table]
    expectations = checks.raw_expectations(table)
    typed = {e.kwargs["column"] for e in expectations if e.type.endswith("to_be_of_type")}
    assert typed == set(spec.column_names)
    duplicates = {
        e.dq_rule: e.kwargs["column"]
        for e in expectations
        if e.dq_rule in ("duplicate_key", "conflicting_duplicate")
    }
    assert duplicates == {
        "duplicate_key": checks.DUPLICATE_OF,
        "conflicting_duplicate": checks.CONFLICTS_WITH,
    }
    money = {c.name for c in spec.columns if c.type == "decimal(18,2)"}
    non_negative = {e.kwargs["column"] for e in expectations if e.dq_rule == "negative_amount"}
    assert money <= non_negative
    implausible = {
        (e.kwargs["column"], e.kwargs["max_value"]["$PARAMETER"])
        for e in expectations
        if e.dq_rule == "implausible_value"
    }
    assert implausible == {
        (column, checks.PLAUSIBILITY_PARAMETERS[kind])
        for column, kind in PLAUSIBILITY_COLUMNS.get(table, ())
    }
    # Every raw expectation names the contract or a staging rule of the quarantine.
    assert {e.dq_rule for e in expectations if e.severity == checks.ERROR} <= set(RULES) | {
        "contract"
    }


def test_raw_suites_mirror_every_staging_rule_but_the_parent_check():
    mirrored = {
        e.dq_rule
        for table in TABLES
        for e in checks.raw_expectations(table)
        if e.severity == checks.ERROR
    }
    assert mirrored == set(RULES) - {"parent_quarantined"} | {"contract"}


def test_plausibility_defaults_are_the_dbt_vars_defaults():
    variables = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert variables[checks.MAX_AMOUNT] == PLAUSIBLE_MAX_AMOUNT_CNY
    assert variables[checks.MAX_QUANTITY] == PLAUSIBLE_MAX_QUANTITY


def _raw_table(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """raw.<table> as the loader stores it, holding ``rows`` (missing columns null)."""
    stored = TABLES[table].stored_columns
    con.execute("create schema if not exists raw")
    con.execute(f"create table raw.{table} ({', '.join(f'{n} {t}' for n, t in stored)})")
    for row in rows:
        con.execute(
            f"insert into raw.{table} values ({', '.join('?' for _ in stored)})",
            [row.get(name) for name, _ in stored],
        )


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _duplicates(con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple, tuple]:
    """(file, line) -> (row__duplicate_of, row__conflicts_with) of every row of raw.<table>."""
    frame = con.sql(checks.raw_query(table, "Asia/Shanghai")).df()
    columns = [SOURCE_FILE, SOURCE_LINE, checks.DUPLICATE_OF, checks.CONFLICTS_WITH]
    return {
        (file, int(line)): (_text(dup), _text(other))
        for file, line, dup, other in frame[columns].astype(object).itertuples(index=False)
    }


def test_duplicates_are_judged_in_file_order_as_staging_judges_them():
    spend = {
        "spend_date": "2025-01-01",
        "channel": "search_ads",
        "impressions": 100,
        "spend": 10,
        SOURCE_FILE: "ad_spend.csv",
    }
    rows = [
        # Stored out of file order: line 3 repeats line 2, which is the row kept.
        {**spend, SOURCE_LINE: 3},
        {**spend, SOURCE_LINE: 2},
        # The same key written differently, with another amount: a conflict with line 2.
        {**spend, "channel": " Search_Ads ", "spend": 11, SOURCE_LINE: 4},
        # Another campaign is another key (a null campaign groups with the null campaigns).
        {**spend, "campaign_id": "CAMP1", SOURCE_LINE: 5},
        # No spend date: missing_key, whatever repeats it.
        {**spend, "spend_date": None, SOURCE_LINE: 6},
        {**spend, "spend_date": None, SOURCE_LINE: 7},
        # A later file of the same export comes after the first: an exact copy of line 5.
        {**spend, "campaign_id": "CAMP1", SOURCE_FILE: "ad_spend/part2.csv", SOURCE_LINE: 2},
    ]
    with duckdb.connect() as con:
        _raw_table(con, "campaigns", [{"campaign_id": "CAMP1", SOURCE_LINE: 2}])
        _raw_table(con, "ad_spend", rows)
        found = _duplicates(con, "ad_spend")
    assert found == {
        ("ad_spend.csv", 2): (None, None),
        ("ad_spend.csv", 3): ("ad_spend.csv:2", None),
        ("ad_spend.csv", 4): (None, "ad_spend.csv:2"),
        ("ad_spend.csv", 5): (None, None),
        ("ad_spend.csv", 6): (None, None),
        ("ad_spend.csv", 7): (None, None),
        ("ad_spend/part2.csv", 2): ("ad_spend.csv:5", None),
    }


def test_personal_columns_are_compared_by_their_hashes():
    customer = {
        "customer_id": "C1",
        "customer_name": "王**",
        "customer_name_hash": "aa",
        SOURCE_FILE: "customers.csv",
    }
    rows = [
        {**customer, SOURCE_LINE: 2},
        {**customer, SOURCE_LINE: 3},  # the same person again
        {**customer, "customer_name_hash": "bb", SOURCE_LINE: 4},  # same mask, another name
    ]
    with duckdb.connect() as con:
        _raw_table(con, "customers", rows)
        found = _duplicates(con, "customers")
    assert found == {
        ("customers.csv", 2): (None, None),
        ("customers.csv", 3): ("customers.csv:2", None),
        ("customers.csv", 4): (None, "customers.csv:2"),
    }


def test_plausibility_bounds_follow_the_build_vars(monkeypatch):
    from shopkpi.quality import runner

    with duckdb.connect() as con:
        con.execute("create schema reference")
        con.execute("create table reference.channels as select 'direct' as channel")
        monkeypatch.delenv(runner.DBT_VARS_ENV, raising=False)
        defaults = runner._parameters(con, dt.datetime(2026, 1, 1))
        assert defaults[checks.MAX_AMOUNT] == PLAUSIBLE_MAX_AMOUNT_CNY
        assert defaults[checks.MAX_QUANTITY] == PLAUSIBLE_MAX_QUANTITY
        assert runner.var_reference_time() is None

        monkeypatch.setenv(
            runner.DBT_VARS_ENV,
            json.dumps({"plausible_max_quantity": 100000, "dq_reference_time": "2026-01-01 08:00"}),
        )
        given = runner._parameters(con, dt.datetime(2026, 1, 1))
        assert given[checks.MAX_QUANTITY] == 100000
        assert given[checks.MAX_AMOUNT] == PLAUSIBLE_MAX_AMOUNT_CNY
        assert runner.var_reference_time() == dt.datetime(2026, 1, 1, 8)

        monkeypatch.setenv(runner.DBT_VARS_ENV, "{plausible_max_amount_cny: lots}")
        with pytest.raises(runner.QualityGateError, match="plausible_max_amount_cny"):
            runner._parameters(con, dt.datetime(2026, 1, 1))


def test_a_failing_row_is_shown_by_key_and_by_file_and_line():
    from shopkpi.quality.runner import Outcome

    outcome = Outcome(
        suite_name="raw_orders",
        check_kind="raw",
        table_name="raw.orders",
        expectation_id="x",
        expectation_type="expect_column_values_to_be_null",
        column_name=checks.CONFLICTS_WITH,
        kwargs={"column": checks.CONFLICTS_WITH},
        dq_rule="conflicting_duplicate",
        severity="error",
        success=False,
        raised_exception=False,
        exception_message=None,
        element_count=10,
        unexpected_count=1,
        unexpected_percent=10.0,
        observed_value=None,
        failing_sample=[
            {
                checks.CONFLICTS_WITH: "orders.csv:6",
                "order_id": "O000005",
                SOURCE_FILE: "orders.csv",
                SOURCE_LINE: 5181,
            }
        ],
    )
    assert outcome.message() == (
        "ERROR raw.orders: expect_column_values_to_be_null(row__conflicts_with)"
        " [conflicting_duplicate]: 1 of 10 rows fail,"
        " e.g. row__conflicts_with=orders.csv:6 order_id=O000005 at orders.csv:5181"
    )


# ------------------------------------------------------------------ runs on the demo


def test_clean_demo_passes_every_suite(clean_run):
    db, _, report = clean_run
    assert report.errors == [] and report.warnings == [], [
        o.message() for o in report.errors + report.warnings
    ]
    expected = sum(len(c.expectations) for c in checks.all_checks())
    assert len(report.outcomes) == expected
    assert {o.suite_name for o in report.outcomes} == {c.name for c in checks.all_checks()}


def test_results_land_in_the_warehouse_one_row_per_expectation(clean_run):
    db, _, report = clean_run
    rows = query(
        db,
        "select run_id, count(*), count(distinct result_id), count(distinct expectation_id),"
        " sum(case when success then 0 else 1 end) from quality.gx_validation_results"
        " group by run_id",
    )
    assert rows == [
        (report.run_id, len(report.outcomes), len(report.outcomes), len(report.outcomes), 0)
    ]
    severities = query(db, "select distinct severity from quality.gx_validation_results")
    assert {s for (s,) in severities} == {"error", "warning"}


def test_data_docs_are_self_contained(clean_run):
    _, work, report = clean_run
    site = report.docs_index.parent
    pages = list(site.rglob("*.html"))
    # index + one suite page and one validation page per suite
    assert len(pages) == 1 + 2 * len(checks.all_checks())
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"https?://", html), page
        for link in re.findall(r"(?:src|href)=\"([^\"#?]+)", html):
            assert (page.parent / link).resolve().exists(), (page, link)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(['\"]?https?://|@import", css.read_text("utf-8")), css


def test_dirty_demo_fails_exactly_the_expectations_its_manifest_predicts(
    dirty_demo, dirty_warehouse, tmp_path, capsys
):
    from shopkpi.cli import main

    raw_dir, manifest = dirty_demo
    db = _copy(dirty_warehouse, tmp_path)
    status = main(["quality", "--db", str(db), "--workdir", str(tmp_path / "run"), "--no-docs"])
    assert status == 1
    failed = query(
        db,
        "select table_name, dq_rule, severity, unexpected_count"
        " from quality.gx_validation_results where not success",
    )
    errors: dict[tuple[str, str], int] = {}
    for table, rule, severity, unexpected in failed:
        if severity == "error":
            errors[(table, rule)] = errors.get((table, rule), 0) + unexpected
    predicted = {
        (f"raw.{table}", rule): count
        for table, rules in manifest["injected"].items()
        for rule, count in rules.items()
    }
    # Each injected row fails exactly one expectation of its rule, and no clean row fails:
    # the first row of a duplicated key is the one staging keeps.
    assert errors == predicted

    received = dict(
        query(db, "select source_table, max(rows_received) from marts.dq_scorecard group by all")
    )
    predicted_warnings = {
        table
        for table, rules in manifest["injected"].items()
        if sum(rules.values()) / received[table] > checks.QUARANTINE_WARN_SHARE
    }
    warnings = {
        row[0]
        for row in query(
            db,
            "select json_extract_string(s.value, '$.source_table')"
            " from quality.gx_validation_results as r,"
            " json_each(r.failing_sample_json) as s"
            " where not r.success and r.severity = 'warning'",
        )
    }
    assert warnings == predicted_warnings

    err = capsys.readouterr().err
    (orders,) = query(db, "select count(*) from raw.orders")[0]
    assert (
        "ERROR raw.orders: expect_column_values_to_be_in_set(status) [invalid_value]: "
        f"2 of {orders:,} rows fail" in err
    )
    # A failing row is named by its key and its line in the file.
    lines = _lines(raw_dir / "orders.csv", "order_id")
    assert f"status=lost order_id=XO0005 at orders.csv:{lines['XO0005'][0]}" in err
    assert "customer_id__orphan=XC-MISSING-0 order_id=XO0010 at orders.csv:" in err
    # A duplicate names the earlier row of its key, the one kept.
    for rule, column in (
        ("duplicate_key", checks.DUPLICATE_OF),
        ("conflicting_duplicate", checks.CONFLICTS_WITH),
    ):
        for row in manifest["rows"]["orders"]:
            if row["rule"] == rule:
                key = row["key"]["order_id"]
                first, later = lines[key]
                assert f"{column}=orders.csv:{first} order_id={key} at orders.csv:{later}" in err
    assert f"FAILED, {sum(1 for row in failed if row[2] == 'error')} error(s)" in err


def _lines(path: Path, column: str) -> dict[str, list[int]]:
    """Value of ``column`` -> the lines of a CSV file holding it (the header is line 1)."""
    out: dict[str, list[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            out.setdefault(row[column], []).append(line)
    return out


def test_plausibility_bounds_of_the_build_are_the_gates(dirty_warehouse, tmp_path, monkeypatch):
    from shopkpi.quality.runner import DBT_VARS_ENV, run_quality

    db = _copy(dirty_warehouse, tmp_path)
    monkeypatch.setenv(DBT_VARS_ENV, json.dumps({checks.MAX_QUANTITY: 100000}))
    report = run_quality(db, workdir=tmp_path / "run", build_docs=False, suites=["raw_order_items"])
    failing = {o.column_name: o for o in report.errors if o.dq_rule == "implausible_value"}
    # The quantity of 50,000 is plausible under a bound of 100,000; the unit price is not.
    assert set(failing) == {"unit_price"}
    assert failing["unit_price"].unexpected_count == 1
    assert re.search(r"line_number=93 at order_items\.csv:\d+", failing["unit_price"].message())


def test_broken_marts_fail_their_reconciliations(clean_warehouse, tmp_path):
    from shopkpi.quality.runner import run_quality

    db = _copy(clean_warehouse, tmp_path)
    with duckdb.connect(str(db)) as con:
        day = con.sql(
            "select min(date_day) from marts.agg_channel_days where attributed_net_revenue_cny > 0"
        ).fetchone()[0]
        con.execute(
            "update marts.agg_channel_days set attributed_net_revenue_cny ="
            " attributed_net_revenue_cny + 1 where date_day = ? and attributed_net_revenue_cny > 0"
            " and attribution_model = 'last_touch'",
            [day],
        )
        funnel_id = con.sql(
            "select min(funnel_day_id) from marts.agg_funnel_days where checkout_sessions > 0"
        ).fetchone()[0]
        con.execute(
            "update marts.agg_funnel_days set payment_sessions = checkout_sessions + 1"
            " where funnel_day_id = ?",
            [funnel_id],
        )
    report = run_quality(
        db,
        workdir=tmp_path / "run",
        build_docs=False,
        suites=["reconcile_channel_days_to_orders", "mart_fct_funnel_days"],
    )
    failed = {(o.suite_name, o.column_name) for o in report.errors}
    assert failed == {
        ("reconcile_channel_days_to_orders", "net_revenue_difference_cny"),
        ("mart_fct_funnel_days", "checkout_sessions >= payment_sessions"),
    }
    reconciliation = next(o for o in report.errors if o.suite_name.startswith("reconcile"))
    assert reconciliation.unexpected_count == 1
    assert f"date_day={day.isoformat()}" in reconciliation.message()
    assert "attribution_model=last_touch" in reconciliation.message()


# ------------------------------------------------------------------ docs and housekeeping


def test_rewrite_points_cdn_links_and_static_paths_at_the_site():
    page = (
        '<link href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css">'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
        '<link rel="shortcut icon" href="../../../static/images/favicon.ico"/>'
        f'<img src="{docs.GX_ASSETS}logo-long.png?d=20261123T103625.008324Z">'
        '<p>Stay current on everything GX with our newsletter <a href="https://x">S</a></p>'
    )
    out = docs.rewrite_page(page, depth=4)
    assert 'href="../../../../static/vendor/bootstrap/dist/css/bootstrap.min.css"' in out
    assert 'src="../../../../static/vendor/vega/build/vega.min.js"' in out
    assert 'href="../../../../static/images/favicon.ico"' in out
    assert 'src="../../../../static/images/logo-long.png"' in out
    assert "http" not in out


def test_every_cdn_asset_maps_to_a_vendored_file():
    for url, npm_path in docs.CDN_TO_NPM.items():
        assert any(
            item.startswith(npm_path) or npm_path.startswith(item) for item in docs.VENDOR_FILES
        ), url
    lock = json.loads((ASSETS / "package-lock.json").read_text(encoding="utf-8"))
    declared = json.loads((ASSETS / "package.json").read_text(encoding="utf-8"))
    for name, version in declared["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_old_validation_results_are_pruned(tmp_path):
    from shopkpi.quality.runner import RUN_NAME, prune_validations

    base = tmp_path / "gx" / "uncommitted" / "validations"
    for suite in ("raw_orders", "raw_products"):
        for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
            folder = base / suite / RUN_NAME / stamp
            folder.mkdir(parents=True)
            (folder / "result.json").write_text("{}")
    prune_validations(tmp_path / "gx", keep_runs=2)
    left = sorted(p.relative_to(base).parts[2] for p in base.glob(f"*/{RUN_NAME}/*"))
    assert left == ["20260102T000000Z"] * 2 + ["20260103T000000Z"] * 2
