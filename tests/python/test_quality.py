"""The data-quality gate: committed GX project, clean and dirty runs, results, offline docs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT, query
from shopkpi.contract import TABLES
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
    keys = [e for e in expectations if e.dq_rule == "duplicate_key"]
    assert len(keys) == 1
    assert keys[0].kwargs.get("column_list", [keys[0].kwargs.get("column")]) == list(spec.key)
    money = {c.name for c in spec.columns if c.type == "decimal(18,2)"}
    non_negative = {e.kwargs["column"] for e in expectations if e.dq_rule == "negative_amount"}
    assert money <= non_negative
    # Every raw expectation names the contract or a staging rule of the quarantine.
    from shopkpi.contract import RULES

    assert {e.dq_rule for e in expectations if e.severity == checks.ERROR} <= set(RULES) | {
        "contract"
    }


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

    _, manifest = dirty_demo
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
        (f"raw.{table}", rule): count * (2 if rule == "duplicate_key" else 1)
        for table, rules in manifest["injected"].items()
        for rule, count in rules.items()
    }
    # Each injected row fails exactly one expectation of its rule; a duplicated key fails
    # on both of its rows.
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
    assert (
        "ERROR raw.orders: expect_column_values_to_be_in_set(status) [invalid_value]: "
        "2 of 5,194 rows fail" in err
    )
    assert "status=lost order_id=XO0005" in err
    assert "customer_id__orphan=XC-MISSING-0 order_id=XO0010" in err
    assert f"FAILED, {sum(1 for row in failed if row[2] == 'error')} error(s)" in err


def test_broken_marts_fail_their_reconciliations(clean_warehouse, tmp_path):
    from shopkpi.quality.runner import run_quality

    db = _copy(clean_warehouse, tmp_path)
    with duckdb.connect(str(db)) as con:
        day = con.sql(
            "select min(date_day) from marts.fct_channel_days where attributed_net_revenue_cny > 0"
        ).fetchone()[0]
        con.execute(
            "update marts.fct_channel_days set attributed_net_revenue_cny ="
            " attributed_net_revenue_cny + 1 where date_day = ? and attributed_net_revenue_cny > 0"
            " and attribution_model = 'last_touch'",
            [day],
        )
        funnel_id = con.sql(
            "select min(funnel_day_id) from marts.fct_funnel_days where checkout_sessions > 0"
        ).fetchone()[0]
        con.execute(
            "update marts.fct_funnel_days set payment_sessions = checkout_sessions + 1"
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
