"""The report site (reports/, Evidence) builds from the warehouse with no network at all.

`make reports-install` (npm ci: the one step that needs the package registry) runs first;
then `make reports` (evidence sources + evidence build) runs inside a new network namespace
that has no interface but a loopback that is down, under a timeout: a step that tries to
download something (DuckDB's parquet extension, a package) fails or hangs, and either fails
the test. The site is built in place, into reports/build, from the published demo.

The overview's headline numbers are then read from the built page and compared with the
same numbers computed here from the marts (not from the KPI layer the page reads). Last, the
site is served on 127.0.0.1 and opened in Debian's Chromium (Playwright, ``/usr/bin/chromium``;
apt packages ``chromium`` and ``fonts-noto-cjk``), server and browser together in a network
namespace: no console error, no failed request, no request to another host, every source
table loaded by the browser's duckdb-wasm, and a screenshot in build/screenshots/.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

REPORTS = ROOT / "reports"
BROWSER_SCRIPT = ROOT / "tests" / "python" / "report_site_browser.py"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
INSTALL_TIMEOUT = 900
BUILD_TIMEOUT = 900


def _no_network(command: list[str]) -> list[str]:
    """`command` run in a network namespace of its own (a user namespace too when not root)."""
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to build the report site with no network"
    flags = ["--net"] if os.geteuid() == 0 else ["--net", "--map-root-user"]
    return [unshare, *flags, "--", *command]


def _run(command: list[str], timeout: int, env: dict[str, str]) -> float:
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(command)} hung for {timeout} s:\n{exc.stdout}\n{exc.stderr}")
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return time.monotonic() - started


def _page_text(page: Path) -> str:
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(text))


def _latest_month_headline(db: Path) -> tuple:
    """The latest complete month and its ROI, conversion rate and AOV, from the marts."""
    ((month_start, roi, conversion, aov),) = query(
        db,
        """
        with bounds as (
            select max(date_day) as last_day from marts.agg_funnel_days
        ),

        latest as (
            select cast(
                case
                    when last_day = last_day(last_day) then date_trunc('month', last_day)
                    else date_trunc('month', last_day) - interval 1 month
                end as date
            ) as month_start
            from bounds
        ),

        roi as (
            -- Attributed net revenue of the paid channels (default model) over ad spend.
            select sum(d.attributed_net_revenue_cny) / sum(d.spend_cny) as roi
            from marts.agg_channel_days as d
            inner join marts.dim_channels as c on d.channel = c.channel
            cross join latest
            where d.is_default_attribution_model
                and c.is_paid
                and date_trunc('month', d.date_day) = latest.month_start
        ),

        conversion as (
            select sum(f.payment_sessions) / sum(f.sessions) as conversion
            from marts.agg_funnel_days as f
            cross join latest
            where date_trunc('month', f.date_day) = latest.month_start
        ),

        aov as (
            select sum(o.net_revenue_cny) / count(*) as aov
            from marts.fct_orders as o
            cross join latest
            where o.is_paid
                and date_trunc('month', o.paid_date) = latest.month_start
        )

        select latest.month_start, roi.roi, conversion.conversion, aov.aov
        from latest, roi, conversion, aov
        """,
    )
    return month_start, roi, conversion, aov


def _assert_headline(text: str, db: Path) -> None:
    month_start, roi, conversion, aov = _latest_month_headline(db)
    assert f"最近完整月份: {month_start:%Y-%m}" in text
    # The BigValues as the page formats them: 0.00"x", 0.00%, "¥"#,##0.00.
    assert f"投資回報率 ROI {roi:.2f}x" in text
    assert f"轉化率 Conversion rate {conversion * 100:.2f}%" in text
    assert f"客單價 AOV ¥{aov:,.2f}" in text


@pytest.fixture(scope="module")
def built_site(published_demo) -> Path:
    """The overview page built from the published demo, as text without tags."""
    env = dict(os.environ, SHOPKPI_DB=str(published_demo))
    make = shutil.which("make")
    assert make
    install = _run([make, "reports-install"], INSTALL_TIMEOUT, env)
    shutil.rmtree(REPORTS / "build", ignore_errors=True)
    shutil.rmtree(REPORTS / ".evidence", ignore_errors=True)
    build = _run(_no_network([make, "reports"]), BUILD_TIMEOUT, env)
    print(f"report site: npm ci (or up to date) {install:.0f} s, sources + build {build:.0f} s")
    assert (REPORTS / "build" / "index.html").is_file(), "evidence build wrote no index.html"
    return REPORTS / "build"


def test_no_network_namespace_reaches_outside():
    """The namespace the site is built in really has no network: a connection fails."""
    probe = "import socket; socket.create_connection(('registry.npmjs.org', 443), timeout=5)"
    result = subprocess.run(
        _no_network(["python3", "-c", probe]), capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_overview_shows_the_latest_complete_month(built_site, published_demo):
    _assert_headline(_page_text(built_site / "index.html"), published_demo)


def test_overview_renders_in_chromium_with_no_network(built_site, published_demo):
    pytest.importorskip("playwright", reason="the dev extra installs Python playwright")
    assert Path(CHROMIUM).is_file(), "apt-get install chromium fonts-noto-cjk"
    result = subprocess.run(
        _no_network([sys.executable, str(BROWSER_SCRIPT), str(built_site), str(SCREENSHOTS), "/"]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)["pages"]["/"]
    assert seen["console_errors"] == []
    assert seen["failed_requests"] == []
    assert seen["outside_requests"] == []
    # Every table the site carries was loaded into the browser's duckdb-wasm, in full.
    manifest = json.loads((built_site / "data" / "manifest.json").read_text(encoding="utf-8"))
    tables = {
        f"{source}.{Path(file).stem}"
        for source, files in manifest["renderedFiles"].items()
        for file in files
    }
    assert set(seen["tables"]) == tables
    ((scorecard_rows,),) = query(
        published_demo,
        "select count(*) from metrics.kpi_scorecard"
        " where slice_kind = 'total' and period_grain in ('week', 'month')",
    )
    assert seen["tables"]["warehouse.kpi_scorecard"] == scorecard_rows
    # The BigValues show once the page has hydrated.
    _assert_headline(re.sub(r"\s+", " ", seen["text"]), published_demo)
    assert Path(seen["screenshot"]).is_file()
