"""The funnel page (/zh/funnel, /en/funnel): its key numbers against SQL on the marts.

Every expected number is computed here from the marts (agg_funnel_days, agg_landing_page_days,
dim_visitors, agg_aarrr_months) and the reference seeds, not from the source tables the page
reads (reports/sources/warehouse/funnel_*.sql), and compared with the page as it formats it:
the step counts and the biggest drop-off of the default selection (all channels, devices and
campaigns over the whole data), new vs returning visitors, the homepage's bounce in the
slow_homepage story's week against the four weeks before, the AARRR view of the latest
complete month, and what the step table shows after choosing a channel, then a device
(site_interactions_funnel.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

STEPS = ("session", "product_view", "add_to_cart", "checkout", "payment")
STORIES = ROOT / "src" / "shopkpi" / "generator" / "stories.yml"


def _browser_text(site_browser, lang: str) -> str:
    """What Chromium shows on the page once every query has answered."""
    seen = site_browser["interactions"]["funnel_loaded_text"]
    assert "error" not in seen, seen.get("error")
    return re.sub(r"\s+", " ", seen["result"][lang])


def _step_names(db: Path, lang: str) -> dict[str, str]:
    rows = query(
        db,
        f"select code, name_{lang} from reference.code_labels where label_kind = 'funnel_step'",
    )
    return dict(rows)


def _funnel_counts(db: Path, where: str = "true") -> list[int]:
    """Sessions reaching each step, summed over the agg_funnel_days rows of a slice."""
    ((*counts,),) = query(
        db,
        f"""
        select
            sum(sessions),
            sum(product_view_sessions),
            sum(add_to_cart_sessions),
            sum(checkout_sessions),
            sum(payment_sessions)
        from marts.agg_funnel_days
        where {where}
        """,
    )
    return [int(count) for count in counts]


def _step_rows(counts: list[int]) -> list[tuple[str, int, float | None]]:
    """(step, sessions reaching it, conversion from the step before) for each step."""
    rows = [(STEPS[0], counts[0], None)]
    for i in range(1, len(STEPS)):
        rate = counts[i] / counts[i - 1] if counts[i - 1] else None
        rows.append((STEPS[i], counts[i], rate))
    return rows


def _biggest_drop_off(counts: list[int]) -> str:
    """The step with the lowest conversion from the one before (ties: the earlier step)."""
    rated = [(rate, i, step) for i, (step, _, rate) in enumerate(_step_rows(counts)) if rate]
    return min(rated)[2]


def _pct(value: float, decimals: int = 1) -> str:
    return f"{value * 100:.{decimals}f}%"


def _expected_table(db: Path, counts: list[int]) -> list[list[str]]:
    """The first five cells of each row of the step table, as the page formats them (en)."""
    names = _step_names(db, "en")
    rows = []
    for step, sessions, rate in _step_rows(counts):
        rows.append(
            [
                names[step],
                f"{sessions:,}",
                _pct(rate) if rate is not None else "-",
                _pct(1 - rate) if rate is not None else "-",
                _pct(sessions / counts[0]),
            ]
        )
    return rows


def _drop_off_sentence(db: Path, counts: list[int], lang: str) -> str:
    names = _step_names(db, lang)
    step = _biggest_drop_off(counts)
    previous = STEPS[STEPS.index(step) - 1]
    rate = dict((s, r) for s, _, r in _step_rows(counts))[step]
    if lang == "en":
        return (
            f"Biggest drop-off: {names[previous]} → {names[step]} — {_pct(rate)} of the "
            f"sessions go on, {_pct(1 - rate)} are lost."
        )
    return (
        f"最大流失: {names[previous]} → {names[step]} — {_pct(rate)} 的訪問繼續， "
        f"{_pct(1 - rate)} 流失。"
    )


# --------------------------------------------------------------------------- default selection


def test_step_counts_of_the_default_selection(site_browser, report_site):
    """All channels, devices and campaigns over the whole data: agg_funnel_days summed."""
    counts = _funnel_counts(report_site.db)
    text = _browser_text(site_browser, "en")
    for row in _expected_table(report_site.db, counts):
        assert " ".join(row) in text, row
    zh = _browser_text(site_browser, "zh")
    names = _step_names(report_site.db, "zh")
    for step, sessions, _ in _step_rows(counts):
        assert f"{names[step]} {sessions:,}" in zh
    # The whole data, in whole weeks, is what the page says it shows.
    ((start, end),) = query(
        report_site.db, "select min(date_day), max(date_day) from marts.agg_funnel_days"
    )
    weeks = (end - (start - timedelta(days=start.weekday()))).days // 7 + 1
    assert f"Weeks shown: {start:%Y-%m-%d} – {end:%Y-%m-%d} ( {weeks} weeks)" in (
        report_site.text("/en/funnel")
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_biggest_drop_off_is_the_one_sql_finds(site_browser, report_site, lang):
    counts = _funnel_counts(report_site.db)
    sentence = _drop_off_sentence(report_site.db, counts, lang)
    assert sentence in report_site.text(f"/{lang}/funnel")
    assert sentence in _browser_text(site_browser, lang)
    # The step table marks that step, and only that step.
    if lang == "en":
        table = site_browser["interactions"]["funnel_channel_then_device"]["result"]["before"]
        marked = [row[0] for row in table["table"] if "Biggest drop-off" in row[5]]
        assert marked == [_step_names(report_site.db, "en")[_biggest_drop_off(counts)]]


def test_overall_conversion_against_its_target(site_browser, report_site):
    """The end-to-end conversion rate and its target (the registry's, as the scorecard has it)."""
    sessions, *_, payments = _funnel_counts(report_site.db)
    ((target,),) = query(
        report_site.db,
        "select cast(target as double) from metrics.kpi_registry"
        " where kpi_id = 'session_conversion_rate'",
    )
    text = _browser_text(site_browser, "en")
    assert f"Conversion rate {_pct(payments / sessions, 2)} {_pct(target, 2)}" in text


def test_new_and_returning_visitors(site_browser, report_site):
    """A visitor has one first visit: new-visitor sessions are dim_visitors' visitors."""
    ((visitors, sessions),) = query(
        report_site.db,
        """
        select
            (select count(*) from marts.dim_visitors),
            (select sum(sessions) from marts.agg_funnel_days)
        """,
    )
    text = _browser_text(site_browser, "en")
    assert f"New visitor {visitors:,} " in text
    assert f"Returning visitor {sessions - visitors:,} " in text
    zh = _browser_text(site_browser, "zh")
    assert f"新訪客 {visitors:,} " in zh and f"老訪客 {sessions - visitors:,} " in zh


# --------------------------------------------------------------------------- bounce story


def _slow_homepage_week() -> tuple[date, date]:
    stories = yaml.safe_load(STORIES.read_text(encoding="utf-8"))
    entries = stories["stories"] if isinstance(stories, dict) else stories
    (story,) = [s for s in entries if s["id"] == "slow_homepage"]
    start, end = story["when"]["start"], story["when"]["end"]
    return (
        start if isinstance(start, date) else date.fromisoformat(start),
        end if isinstance(end, date) else date.fromisoformat(end),
    )


def _homepage_bounce(db: Path, start: date, end: date) -> float:
    ((rate,),) = query(
        db,
        f"""
        select sum(bounced_sessions) / sum(sessions_with_events)
        from marts.agg_landing_page_days
        where landing_page = '/' and date_day between '{start}' and '{end}'
        """,
    )
    return rate


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_homepage_bounce_in_the_story_week(report_site, lang):
    """The slow_homepage week is the homepage's worst; its bounce against the 4 weeks before."""
    start, end = _slow_homepage_week()
    assert start.weekday() == 0 and (end - start).days == 6  # a whole Monday-to-Sunday week
    story = _homepage_bounce(report_site.db, start, end)
    before = _homepage_bounce(report_site.db, start - timedelta(days=28), start - timedelta(1))
    ((target,),) = query(
        report_site.db,
        "select cast(target as double) from metrics.kpi_registry where kpi_id = 'bounce_rate'",
    )
    assert story > target > before  # plainly visible against the target line
    text = report_site.text(f"/{lang}/funnel")
    if lang == "en":
        expected = (
            f"The homepage’s worst week: {start} – {end} , bounce rate {_pct(story)} "
            f"against {_pct(before)} in the four weeks before"
        )
    else:
        expected = (
            f"首頁跳出率最高的一週: {start} – {end} , 跳出率 {_pct(story)} "
            f"對比前四週的 {_pct(before)}"
        )
    assert expected in text


# --------------------------------------------------------------------------- AARRR


def test_aarrr_view_of_the_latest_complete_month(site_browser, report_site):
    ((month, new_visitors, activation, revenue_per_customer),) = query(
        report_site.db,
        """
        select
            month_start_date,
            new_visitors,
            activated_visitors / new_visitors,
            net_revenue_cny / paying_customers
        from marts.agg_aarrr_months
        where last_day(month_start_date) <= (select max(date_day) from marts.agg_funnel_days)
        order by month_start_date desc
        limit 1
        """,
    )
    assert f"Latest complete month: {month:%Y-%m}" in report_site.text("/en/funnel")
    text = _browser_text(site_browser, "en")
    assert f"Acquisition New visitors {new_visitors:,} " in text
    assert f"Activation Activation rate (of new visitors) {_pct(activation)} " in text
    assert f"Net revenue per paying customer (CNY) ¥{revenue_per_customer:,.2f} " in text


# --------------------------------------------------------------------------- filters


def test_choosing_a_channel_then_a_device_changes_the_funnel(site_browser, report_site):
    seen = site_browser["interactions"]["funnel_channel_then_device"]
    assert "error" not in seen, seen.get("error")
    result = seen["result"]
    db = report_site.db
    ((channel,),) = query(
        db,
        f"select channel from reference.channels where channel_name_en = '{result['channel']}'",
    )
    ((device,),) = query(
        db,
        "select code from reference.code_labels"
        f" where label_kind = 'device' and name_en = '{result['device']}'",
    )
    readings = {
        "before": _funnel_counts(db),
        "after_channel": _funnel_counts(db, f"channel = '{channel}'"),
        "after_device": _funnel_counts(db, f"channel = '{channel}' and device = '{device}'"),
    }
    for name, counts in readings.items():
        shown = [row[:5] for row in result[name]["table"]]
        assert shown == _expected_table(db, counts), name
        assert result[name]["sentence"] == _drop_off_sentence(db, counts, "en"), name
    assert readings["after_channel"] != readings["before"]
    assert readings["after_device"] != readings["after_channel"]
    hashes = {result[name]["chart_sha256"] for name in readings}
    assert len(hashes) == 3, "the step chart did not change with the filters"


def test_source_tables_stay_small(site_browser):
    tables = site_browser["pages"]["/en/funnel"]["tables"]
    for name in ("funnel_weeks", "funnel_landing_weeks", "funnel_aarrr_months"):
        assert 0 < tables[f"warehouse.{name}"] < 20000, name
