"""The data-quality gate: it reports staging's quarantine per raw table and rule, reads
models through dbt's relations, is committed as a GX project, and leaves the rules on models
to dbt (see DECISIONLOG.md "2026-11 One owner per quality rule")."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT, copy_warehouse, query, run_dbt
from shopkpi import warehouse
from shopkpi.contract import RULES, SOURCE_FILE, SOURCE_LINE, TABLES
from shopkpi.quality import docs, project, raw_suites, relations
from shopkpi.quality.expectations import ERROR, RELATION, WARNING
from shopkpi.quality.model_suites import MODELS_WITH_ROWS
from shopkpi.quality.suites import all_suites

ASSETS = ROOT / "gx" / "docs_assets"


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
    db = copy_warehouse(clean_warehouse, work)
    # The manifest of the dbt build that wrote the warehouse (conftest's --target-path).
    manifest = clean_warehouse.parent / "target" / "manifest.json"
    return db, work, run_quality(db, workdir=work / "run", manifest_path=manifest)


# ------------------------------------------------------------------ the committed project


def test_committed_gx_project_is_what_the_suites_generate():
    assert project.stale_files() == [], "run `shopkpi quality --write-project` and commit gx/"


def test_a_changed_project_file_is_reported_stale(tmp_path):
    project.write_project(tmp_path)
    assert project.stale_files(tmp_path) == []
    suite = tmp_path / "expectations" / "raw_orders.json"
    text = suite.read_text(encoding="utf-8")
    assert '"mostly": 0.95' in text
    suite.write_text(text.replace('"mostly": 0.95', '"mostly": 0.9'), encoding="utf-8")
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


def test_gx_project_holds_no_time_random_id_or_run_parameter():
    files = project.project_files()
    assert files == project.project_files()
    text = "\n".join(files.values())
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text)
    # Staging judged the rows against the build's vars: the gate has nothing to fill in.
    assert "$PARAMETER" not in text
    config = yaml.safe_load(files["great_expectations.yml"])
    assert config["analytics_enabled"] is False
    suite_files = [name for name in files if name.startswith("expectations/")]
    assert len(suite_files) == len(TABLES) + len(MODELS_WITH_ROWS)


def test_a_rule_added_to_a_base_model_makes_gx_stale(tmp_path, monkeypatch):
    """gx/ follows the base models: a new rule there is a new expectation to commit."""
    shutil.copytree(ROOT / "models" / "staging", tmp_path / "models" / "staging")
    (tmp_path / "dbt_project.yml").write_text("name: copy\n", encoding="utf-8")
    shutil.copytree(ROOT / "gx", tmp_path / "gx", ignore=shutil.ignore_patterns("node_modules"))
    monkeypatch.setenv(warehouse.PROJECT_ENV, str(tmp_path))
    assert project.stale_files() == []
    model = tmp_path / raw_suites.BASE_MODELS / "base_shop__products.sql"
    text = model.read_text(encoding="utf-8")
    anchor = "('negative_amount',"
    assert anchor in text
    model.write_text(
        text.replace(anchor, "('invalid_value', 'typed.sku is null'),\n            " + anchor),
        encoding="utf-8",
    )
    assert "invalid_value" in raw_suites.staging_rules("products")
    assert project.stale_files() == ["expectations/raw_products.json"]


# ------------------------------------------------------------------ raw suites


@pytest.mark.parametrize("table", list(TABLES))
def test_raw_suite_has_one_expectation_per_staging_rule_on_dq_rule(table):
    suite = raw_suites.raw_suite(table)
    rules = raw_suites.staging_rules(table)
    errors = [e for e in suite.expectations if e.severity == ERROR]
    assert [e.dq_rule for e in errors] == list(rules)
    for e in errors:
        assert e.type == "expect_column_values_to_not_be_in_set"
        assert e.kwargs == {"column": "dq_rule", "value_set": [e.dq_rule]}
    (share,) = [e for e in suite.expectations if e.severity == WARNING]
    assert share.type == "expect_column_values_to_be_null"
    assert share.kwargs == {"column": "dq_rule", "mostly": 1 - raw_suites.QUARANTINE_WARN_SHARE}
    # Read from the base model that judged the rows; failing rows named by key and position.
    assert suite.model == f"base_shop__{table}"
    assert suite.index == (
        "|".join(TABLES[table].key),
        raw_suites.DUPLICATE_OF,
        SOURCE_FILE,
        SOURCE_LINE,
    )


def test_every_staging_rule_is_reported_by_a_raw_suite():
    reported = {rule for table in TABLES for rule in raw_suites.staging_rules(table)}
    assert reported == set(RULES)


def test_staging_rules_are_read_from_the_base_models_rule_list(tmp_path):
    folder = tmp_path / raw_suites.BASE_MODELS
    folder.mkdir(parents=True)
    model = folder / "base_shop__events.sql"
    model.write_text(
        """
        select typed.*, {{ dq_first_broken_rule([
            ('orphan_reference', 'sessions.session_id is null'),
            ('invalid_value',
                "typed.event_type not in ('impression', 'click')"),
            ('missing_key', 'typed.event_id is null'),
            ('invalid_value', 'typed.dwell_ms > 86400000'),
        ]) }} as dq_rule
        from typed
        """,
        encoding="utf-8",
    )
    # In priority order, each once; a value in a condition is not a rule.
    assert raw_suites.staging_rules("events", tmp_path) == (
        "missing_key",
        "invalid_value",
        "orphan_reference",
    )
    model.write_text("{{ dq_first_broken_rule([('lost_row', 'true')]) }}", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown data-quality rule.*lost_row"):
        raw_suites.staging_rules("events", tmp_path)


def test_the_gate_names_models_never_schemas():
    for suite in all_suites():
        assert RELATION in suite.sql, suite.name
        assert not re.search(r"\b(raw|staging|intermediate|marts|reference)\.", suite.sql), (
            suite.name
        )


# ------------------------------------------------------------------ relations


def _manifest(path: Path, **models: tuple[str, str]) -> Path:
    nodes = {
        f"model.shopkpi.{name}": {
            "resource_type": "model",
            "name": name,
            "schema": schema,
            "alias": alias,
        }
        for name, (schema, alias) in models.items()
    }
    nodes["test.shopkpi.some_test"] = {"resource_type": "test", "name": "some_test"}
    path.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    return path


def test_a_model_is_found_where_dbts_manifest_says(tmp_path):
    manifest = relations.manifest_relations(
        _manifest(tmp_path / "manifest.json", fct_orders=("analytics", "fct_orders"))
    )
    assert manifest == {"fct_orders": ("analytics", "fct_orders")}
    with duckdb.connect() as con:
        for schema in ("analytics", "old_copy"):
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.fct_orders as select 1 as order_id")
        assert relations.model_relation(con, "fct_orders", manifest) == '"analytics"."fct_orders"'
        # Without the manifest two relations have the name: the gate will not guess.
        with pytest.raises(relations.ModelNotFound, match="several schemas"):
            relations.model_relation(con, "fct_orders", {})


def test_a_model_the_manifest_does_not_place_here_is_found_by_name(tmp_path):
    with duckdb.connect() as con:
        con.execute("create schema shop_staging")
        con.execute("create view shop_staging.base_shop__orders as select 1 as dq_rule")
        elsewhere = {"base_shop__orders": ("staging", "base_shop__orders")}
        assert (
            relations.model_relation(con, "base_shop__orders", elsewhere)
            == '"shop_staging"."base_shop__orders"'
        )
        with pytest.raises(relations.ModelNotFound, match="run dbt build"):
            relations.model_relation(con, "fct_orders", elsewhere)
    assert relations.manifest_relations(tmp_path / "no_manifest.json") == {}


# ------------------------------------------------------------------ the gate on a base model


def _base_orders(db: Path, schema: str, rows: list[tuple]) -> None:
    """A base_shop__orders relation holding staging's verdict on each delivered row."""
    with duckdb.connect(str(db)) as con:
        con.execute(f"create schema {schema}")
        con.execute(
            f"create table {schema}.base_shop__orders (dq_row_key varchar, dq_rule varchar,"
            " dq_source_file varchar, dq_source_line bigint)"
        )
        con.executemany(f"insert into {schema}.base_shop__orders values (?, ?, ?, ?)", rows)


def test_raw_suite_reports_each_quarantined_row_under_the_rule_staging_gave_it(
    tmp_path, docs_assets
):
    """The gate counts what staging decided, nothing else: a row is under its dq_rule only
    (staging gives a row breaking two rules the first), and a clean row never fails."""
    from shopkpi.quality.runner import run_quality

    db = tmp_path / "shop.duckdb"
    clean = [(f"O{n}", None, "orders.csv", n) for n in range(2, 40)]
    _base_orders(
        db,
        "shop_staging",  # not dbt's usual schema: the gate finds the model by name
        [
            *clean,
            ("O2", "duplicate_key", "orders.csv", 40),
            ("O3", "conflicting_duplicate", "orders/part2.csv", 2),
            ("", "missing_key", "orders.csv", 41),  # say both key and amount were bad
            ("X1", "invalid_value", "orders.csv", 42),
        ],
    )
    report = run_quality(
        db,
        workdir=tmp_path / "run",
        build_docs=False,
        suites=["raw_orders"],
        manifest_path=tmp_path / "no_manifest.json",
    )
    failed = {o.dq_rule: o for o in report.errors}
    assert {rule: o.unexpected_count for rule, o in failed.items()} == {
        "missing_key": 1,
        "duplicate_key": 1,
        "conflicting_duplicate": 1,
        "invalid_value": 1,
    }
    assert (
        failed["duplicate_key"]
        .message()
        .endswith("1 of 42 rows fail, e.g. order_id=O2 duplicate_of=orders.csv:2 at orders.csv:40")
    )
    assert (
        failed["conflicting_duplicate"]
        .message()
        .endswith("e.g. order_id=O3 duplicate_of=orders.csv:3 at orders/part2.csv:2")
    )
    assert failed["missing_key"].message().endswith("e.g. order_id=(empty) at orders.csv:41")
    # 4 of 42 rows quarantined is more than 5%: a warning, listing them.
    (share,) = report.warnings
    assert (share.column_name, share.unexpected_count) == ("dq_rule", 4)


def test_a_failing_row_is_shown_by_key_and_by_file_and_line():
    from shopkpi.quality.runner import Outcome

    outcome = Outcome(
        suite_name="raw_orders",
        check_kind="raw",
        table_name="raw.orders",
        expectation_id="x",
        expectation_type="expect_column_values_to_not_be_in_set",
        column_name="dq_rule",
        kwargs={"column": "dq_rule", "value_set": ["conflicting_duplicate"]},
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
                "dq_rule": "conflicting_duplicate",
                "order_id": "O000005",
                raw_suites.DUPLICATE_OF: "orders.csv:6",
                SOURCE_FILE: "orders.csv",
                SOURCE_LINE: 5181,
            }
        ],
    )
    assert outcome.message() == (
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule)"
        " [conflicting_duplicate]: 1 of 10 rows fail,"
        " e.g. order_id=O000005 duplicate_of=orders.csv:6 at orders.csv:5181"
    )


# ------------------------------------------------------------------ runs on the demo


def test_clean_demo_passes_every_suite(clean_run):
    db, _, report = clean_run
    assert report.errors == [] and report.warnings == [], [
        o.message() for o in report.errors + report.warnings
    ]
    expected = sum(len(s.expectations) for s in all_suites())
    assert len(report.outcomes) == expected
    assert {o.suite_name for o in report.outcomes} == {s.name for s in all_suites()}


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
    assert len(pages) == 1 + 2 * len(all_suites())
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"https?://", html), page
        for link in re.findall(r"(?:src|href)=\"([^\"#?]+)", html):
            assert (page.parent / link).resolve().exists(), (page, link)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(['\"]?https?://|@import", css.read_text("utf-8")), css


def test_dirty_demo_gate_errors_are_the_injected_faults_by_table_and_rule(
    dirty_demo, dirty_warehouse, tmp_path, capsys
):
    from shopkpi.cli import main

    raw_dir, manifest = dirty_demo
    db = copy_warehouse(dirty_warehouse, tmp_path)
    status = main(["quality", "--db", str(db), "--workdir", str(tmp_path / "run"), "--no-docs"])
    assert status == 1
    failed = query(
        db,
        "select table_name, dq_rule, severity, unexpected_count"
        " from quality.gx_validation_results where not success",
    )
    errors = {(table, rule): n for table, rule, severity, n in failed if severity == "error"}
    predicted = {
        (f"raw.{table}", rule): count
        for table, rules in manifest["injected"].items()
        for rule, count in rules.items()
    }
    # Each injected row breaks one rule, so it is quarantined (and reported) under that rule;
    # no clean row fails. A row breaking two rules would be reported under its first only.
    assert errors == predicted
    # The gate reports the staging outcome: its errors are the quarantine's rule counts.
    scorecard = query(
        db,
        "select source_table, dq_rule, rows_quarantined from marts.dq_rule_counts"
        " where rows_quarantined > 0",
    )
    assert errors == {(f"raw.{table}", rule): n for table, rule, n in scorecard}

    received = dict(query(db, "select source_table, rows_received from marts.dq_scorecard"))
    predicted_warnings = {
        f"raw.{table}"
        for table, rules in manifest["injected"].items()
        if sum(rules.values()) / received[table] > raw_suites.QUARANTINE_WARN_SHARE
    }
    assert predicted_warnings, "the dirty demo quarantines more than 5% of some table"
    warnings = {table for table, _, severity, _ in failed if severity == "warning"}
    assert warnings == predicted_warnings

    err = capsys.readouterr().err
    (orders,) = query(db, "select count(*) from raw.orders")[0]
    assert (
        "ERROR raw.orders: expect_column_values_to_not_be_in_set(dq_rule) [invalid_value]: "
        f"2 of {orders:,} rows fail" in err
    )
    # A failing row is named by its key and its line in the file.
    lines = _lines(raw_dir / "orders.csv", "order_id")
    assert f"order_id=XO0005 at orders.csv:{lines['XO0005'][0]}" in err
    assert f"order_id=XO0010 at orders.csv:{lines['XO0010'][0]}" in err
    # A duplicate names the earlier row of its key, the one kept.
    for row in manifest["rows"]["orders"]:
        if row["rule"] in ("duplicate_key", "conflicting_duplicate"):
            key = row["key"]["order_id"]
            first, later = lines[key]
            assert f"order_id={key} duplicate_of=orders.csv:{first} at orders.csv:{later}" in err
    assert f"FAILED, {len(errors)} error(s)" in err


def _lines(path: Path, column: str) -> dict[str, list[int]]:
    """Value of ``column`` -> the lines of a CSV file holding it (the header is line 1)."""
    out: dict[str, list[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            out.setdefault(row[column], []).append(line)
    return out


def test_broken_marts_fail_their_dbt_tests(clean_warehouse, tmp_path):
    """The checks the gate used to repeat on the marts are dbt tests now: each catches a
    mart broken by one row (and only the tests of what was broken fail)."""
    db = copy_warehouse(clean_warehouse, tmp_path)
    with duckdb.connect(str(db)) as con:

        def first(sql: str):
            return con.sql(sql).fetchone()[0]

        day = first(
            "select min(date_day) from marts.agg_channel_days where attributed_net_revenue_cny > 0"
        )
        con.execute(
            "update marts.agg_channel_days set attributed_net_revenue_cny ="
            " attributed_net_revenue_cny + 1 where date_day = ? and attributed_net_revenue_cny > 0"
            " and attribution_model = 'last_touch'",
            [day],
        )
        con.execute(
            "update marts.agg_channel_months set attributed_net_revenue_cny ="
            " attributed_net_revenue_cny + 1 where channel_month_id ="
            " (select min(channel_month_id) from marts.agg_channel_months)"
        )
        funnel_id = first(
            "select min(funnel_day_id) from marts.agg_funnel_days where checkout_sessions > 0"
        )
        con.execute(
            "update marts.agg_funnel_days set payment_sessions = checkout_sessions + 1,"
            " sessions = sessions + 1 where funnel_day_id = ?",
            [funnel_id],
        )
        customer = first("select min(customer_id) from marts.snap_customer_ltv")
        con.execute(
            "update marts.snap_customer_ltv set net_revenue_to_date_cny ="
            " net_revenue_to_date_cny + 0.01 where customer_id = ?",
            [customer],
        )
        con.execute(
            "update marts.dq_scorecard set rows_received = rows_received + 1,"
            " rows_kept = rows_kept + 1 where source_table = 'reviews'"
        )
        unpaid = first("select min(order_id) from marts.fct_orders where not is_paid")
        con.execute(
            "update marts.fct_order_attribution set order_id = ? where order_attribution_id ="
            " (select min(order_attribution_id) from marts.fct_order_attribution)",
            [unpaid],
        )
    tests = [
        "assert_channel_days_match_orders_and_spend",
        "assert_channel_months_match_orders",
        "assert_funnel_counts_never_increase",
        "assert_funnel_sessions_match_traffic",
        "assert_customer_ltv_matches_orders",
        "assert_scorecard_counts_every_raw_row",
        "assert_attribution_credits_only_paid_orders",
        "assert_orders_equal_sum_of_their_lines",
    ]
    with pytest.raises(AssertionError, match="dbt test"):
        run_dbt(db, "test", "--select", *tests)
    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))
    outcome = {
        r["unique_id"].rsplit(".", 1)[1]: (r["status"], r["failures"])
        for r in results["results"]
        if r["unique_id"].startswith("test.")
    }
    assert outcome == {
        "assert_channel_days_match_orders_and_spend": ("fail", 1),
        "assert_channel_months_match_orders": ("fail", 1),
        "assert_funnel_counts_never_increase": ("fail", 1),
        "assert_funnel_sessions_match_traffic": ("fail", 1),
        "assert_customer_ltv_matches_orders": ("fail", 1),
        "assert_scorecard_counts_every_raw_row": ("fail", 1),
        "assert_attribution_credits_only_paid_orders": ("fail", 1),
        "assert_orders_equal_sum_of_their_lines": ("pass", 0),
    }


# ------------------------------------------------------------------ where things are


def test_python_names_the_default_warehouse_file_once():
    literal = str(warehouse.DEFAULT_DB)
    naming = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "src" / "shopkpi").rglob("*.py")
        if literal in path.read_text(encoding="utf-8")
    ]
    assert naming == ["src/shopkpi/warehouse.py"]


def test_the_project_is_found_or_a_clear_error_says_how(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "dbt_project.yml").write_text("name: shop\n", encoding="utf-8")
    monkeypatch.setenv(warehouse.PROJECT_ENV, str(tmp_path / "shop"))
    assert project.gx_dir() == tmp_path / "shop" / "gx"

    monkeypatch.setenv(warehouse.PROJECT_ENV, str(tmp_path))
    with pytest.raises(warehouse.ProjectNotFound, match="SHOPKPI_PROJECT_DIR.*no dbt_project"):
        warehouse.project_dir()

    # Not set, not in a project, and installed outside a checkout (site-packages).
    monkeypatch.delenv(warehouse.PROJECT_ENV)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        warehouse, "__file__", str(tmp_path / "lib" / "site-packages" / "shopkpi" / "warehouse.py")
    )
    with pytest.raises(warehouse.ProjectNotFound, match="Run the command in the project folder"):
        warehouse.project_dir()

    monkeypatch.chdir(tmp_path / "shop")
    assert warehouse.project_dir() == tmp_path / "shop"


def test_quality_without_a_project_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    from shopkpi.cli import main

    db = tmp_path / "shop.duckdb"
    duckdb.connect(str(db)).close()
    monkeypatch.setenv(warehouse.PROJECT_ENV, str(tmp_path))
    assert main(["quality", "--db", str(db), "--no-docs"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("shopkpi quality: $SHOPKPI_PROJECT_DIR is")


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
