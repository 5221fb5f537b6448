"""The report site (reports/, Evidence) builds from the warehouse with no network at all, and
every page of it opens in Chromium, in both languages, with no error and no request leaving
the machine (report_site.py builds and browses the site once per session).

The overview's headline numbers are read from the built page and compared with the same
numbers computed here from the marts (not from the KPI layer the page reads). Each page's own
numbers are checked by its test file (test_report_<page>.py).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import query
from report_site import SCREENSHOTS, no_network, site_pages

pytestmark = [pytest.mark.reports, pytest.mark.integration]


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


def _assert_headline(text: str, db: Path, lang: str) -> None:
    month_start, roi, conversion, aov = _latest_month_headline(db)
    heading = "Latest complete month" if lang == "en" else "最近完整月份"
    assert f"{heading}: {month_start:%Y-%m}" in text
    # The BigValues as the page formats them: 0.00"x", 0.00%, "¥"#,##0.00.
    if lang == "en":
        assert f"ROI (attributed net revenue ÷ ad spend) {roi:.2f}x" in text
        assert f"Conversion rate (paying sessions ÷ sessions) {conversion * 100:.2f}%" in text
        assert f"AOV (net revenue per paid order, CNY) ¥{aov:,.2f}" in text
    else:
        assert f"投資回報率 ROI（歸因淨收入 ÷ 廣告花費） {roi:.2f}x" in text
        assert f"轉化率（支付訪問 ÷ 訪問） {conversion * 100:.2f}%" in text
        assert f"客單價 AOV（每筆支付訂單淨收入，元） ¥{aov:,.2f}" in text


def test_no_network_namespace_reaches_outside():
    """The namespace the site is built in really has no network: a connection fails."""
    probe = "import socket; socket.create_connection(('registry.npmjs.org', 443), timeout=5)"
    result = subprocess.run(
        no_network(["python3", "-c", probe]), capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_overview_shows_the_latest_complete_month(report_site):
    _assert_headline(report_site.text("/zh/"), report_site.db, "zh")
    _assert_headline(report_site.text("/en/"), report_site.db, "en")


def test_the_pages_are_written_from_their_templates(report_site):
    """Every template gave a page in each language, and the home page links to them all."""
    paths = site_pages()
    assert len(paths) >= 3
    for path in paths:
        assert report_site.html(path).is_file(), f"no built page for {path}"
    home = report_site.text("/")
    for path in paths[1:]:
        assert f'href="{path}"' in report_site.html("/").read_text(encoding="utf-8"), path
    assert "中文" in home and "English" in home


@pytest.mark.parametrize("path", site_pages())
def test_page_renders_in_chromium_with_no_network(site_browser, report_site, path):
    """No console error, no failed request, no request to another host; every table the
    site carries loaded whole into the browser's duckdb-wasm; a screenshot written."""
    seen = site_browser["pages"][path]
    assert seen["console_errors"] == []
    assert seen["failed_requests"] == []
    assert seen["outside_requests"] == []
    manifest = json.loads((report_site.root / "data" / "manifest.json").read_text("utf-8"))
    tables = {
        f"{source}.{Path(file).stem}"
        for source, files in manifest["renderedFiles"].items()
        for file in files
    }
    assert set(seen["tables"]) == tables
    assert Path(seen["screenshot"]).is_file()
    assert Path(seen["screenshot"]).parent == SCREENSHOTS


def test_the_browser_holds_every_scorecard_row(site_browser, report_site):
    ((scorecard_rows,),) = query(
        report_site.db,
        "select count(*) from metrics.kpi_scorecard"
        " where slice_kind = 'total' and period_grain in ('week', 'month')",
    )
    assert site_browser["pages"]["/zh/"]["tables"]["warehouse.kpi_scorecard"] == scorecard_rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_headline_once_hydrated(site_browser, report_site, lang):
    """The BigValues show the marts' numbers once the page has hydrated in the browser."""
    text = re.sub(r"\s+", " ", site_browser["pages"][f"/{lang}/"]["text"])
    _assert_headline(text, report_site.db, lang)


def test_every_interaction_ran_cleanly(site_browser):
    """Each page interaction (site_interactions_*.py) ran without error or stray request;
    what it saw is checked by its page's test file."""
    for name, seen in site_browser["interactions"].items():
        assert "error" not in seen, f"{name}: {seen['error']}"
        assert seen["console_errors"] == [], name
        assert seen["failed_requests"] == [], name
        assert seen["outside_requests"] == [], name
