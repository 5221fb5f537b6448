"""The report site (reports/, Evidence) builds from the warehouse with no network at all.

`make reports-install` (npm ci: the one step that needs the package registry) runs first;
then `make reports` (evidence sources + evidence build) runs inside a new network namespace
that has no interface but a loopback that is down, under a timeout: a step that tries to
download something (DuckDB's parquet extension, a package) fails or hangs, and either fails
the test. The site is built in place, into reports/build, from the published demo.

The overview's headline numbers are then read from the built page and compared with the
same numbers computed here from the marts (not from the KPI layer the page reads).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

REPORTS = ROOT / "reports"
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


@pytest.fixture(scope="module")
def built_site(published_demo) -> str:
    """The overview page built from the published demo, as text without tags."""
    env = dict(os.environ, SHOPKPI_DB=str(published_demo))
    make = shutil.which("make")
    assert make
    install = _run([make, "reports-install"], INSTALL_TIMEOUT, env)
    shutil.rmtree(REPORTS / "build", ignore_errors=True)
    shutil.rmtree(REPORTS / ".evidence", ignore_errors=True)
    build = _run(_no_network([make, "reports"]), BUILD_TIMEOUT, env)
    print(f"report site: npm ci (or up to date) {install:.0f} s, sources + build {build:.0f} s")
    page = REPORTS / "build" / "index.html"
    assert page.is_file(), "evidence build wrote no reports/build/index.html"
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(text))


def test_no_network_namespace_reaches_outside():
    """The namespace the site is built in really has no network: a connection fails."""
    probe = "import socket; socket.create_connection(('registry.npmjs.org', 443), timeout=5)"
    result = subprocess.run(
        _no_network(["python3", "-c", probe]), capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_overview_shows_the_latest_complete_month(built_site, published_demo):
    # The latest month wholly inside the data, from the funnel mart's days.
    ((month_start, roi, conversion, aov),) = query(
        published_demo,
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
    assert f"最近完整月份: {month_start:%Y-%m}" in built_site
    # The BigValues as the page formats them: 0.00"x", 0.00%, "¥"#,##0.00.
    assert f"投資回報率 ROI {roi:.2f}x" in built_site
    assert f"轉化率 Conversion rate {conversion * 100:.2f}%" in built_site
    assert f"客單價 AOV ¥{aov:,.2f}" in built_site
