"""The marketing page (reports/templates/marketing.md) shows the marts' numbers.

Each figure the page shows is computed here independently from the marts (agg_channel_days
for ROI and CAC, fct_ad_spend and fct_customer_registrations for the cost per acquired user,
agg_channel_months for budgets, agg_campaign_phases for campaigns) with the thresholds read
from dbt_project.yml, then looked for as the page formats it: the BigValues in the
prerendered page, the tables in what Chromium shows once hydrated, in both languages. The
planted stories xiaohongshu_roi_decay, march_overspend and live_stream_flop must show, and
the attribution switch must change the channel ROI chart and tables to the chosen model's
numbers (site_interactions_marketing.py).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

LANGS = ("zh", "en")
PAUSED_HEADINGS = {
    "en": ("Months under the pause line", "Every paid channel and month"),
    "zh": ("低於暫停線的月份", "各付費渠道各月"),
}
OVERSPENT_HEADINGS = {
    "en": ("Months over budget beyond the freeze line", "Pacing through a month"),
    "zh": ("超支超過凍結線的月份", "月內預算進度"),
}
CAMPAIGN_ALERT_HEADINGS = {
    "en": ("Campaigns against their baseline", "One campaign phase by phase"),
    "zh": ("活動基線對比", "單一活動分階段"),
}
FLOP_CAMPAIGN = "2025 達人直播 8月"


def _var(name: str):
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]


def _money(value) -> str:
    return f"¥{float(value):,.2f}"


def _ratio(value) -> str:
    return f"{float(value):.2f}x"


def _section(text: str, start: str, end: str) -> str:
    """The text between two headings (the first after `start`)."""
    begin = text.index(start)
    return text[begin : text.index(end, begin + len(start))]


def _rows(text: str) -> list[list[str]]:
    """A table's data rows as the browser shows them: tab-separated cells, one row a line
    (header cells stand on lines of their own)."""
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > 2 and cells[0]:
            rows.append(cells)
    return rows


def _hydrated(site_browser, lang: str) -> str:
    return site_browser["pages"][f"/{lang}/marketing"]["text"]


def _channel_months(db: Path, model: str) -> list[tuple]:
    """Paid channels by month under one attribution model, pooled from the daily mart:
    (month, channel name en, channel name zh, spend, credited net revenue, ROI, margin ROI)."""
    return query(
        db,
        f"""
        select
            date_trunc('month', d.date_day)::date as month_start,
            c.channel_name_en,
            c.channel_name_zh,
            sum(d.spend_cny) as spend,
            sum(d.attributed_net_revenue_cny) as revenue,
            sum(d.attributed_net_revenue_cny) / sum(d.spend_cny) as roi,
            sum(d.attributed_gross_margin_cny) / sum(d.spend_cny) as margin_roi
        from marts.agg_channel_days as d
        inner join marts.dim_channels as c on d.channel = c.channel
        where c.is_paid and d.attribution_model = '{model}'
        group by all
        having sum(d.spend_cny) > 0
        order by month_start desc, c.channel_name_en
        """,
    )


def _review_row(row: tuple) -> list[str]:
    month, name_en, _, spend, revenue, roi, margin_roi = row
    return [
        f"{month:%Y-%m}",
        name_en,
        _money(spend),
        _money(revenue),
        _ratio(roi),
        _ratio(margin_roi),
    ]


def _paused(db: Path, model: str, lang: str) -> list[list[str]]:
    pause = float(_var("channel_pause_roi_below"))
    rows = []
    for month, name_en, name_zh, spend, revenue, roi, margin_roi in _channel_months(db, model):
        if roi < pause:
            name = name_en if lang == "en" else name_zh
            rows.append(
                [
                    f"{month:%Y-%m}",
                    name,
                    _money(spend),
                    _money(revenue),
                    _ratio(roi),
                    _ratio(margin_roi),
                ]
            )
    return rows


# --------------------------------------------------------------------------- headline


def _headline(db: Path) -> dict:
    """The latest complete month: paid channels' spend, ROI and CAC (default model) and the
    shop-wide cost per acquired user (all spend / all registrations)."""
    model = _var("default_attribution_model")
    ((last_day,),) = query(db, "select max(date_day) from marts.agg_funnel_days")
    month = dt.date(last_day.year, last_day.month, 1)
    if (last_day + dt.timedelta(days=1)).month == last_day.month:
        month = (month - dt.timedelta(days=1)).replace(day=1)
    ((spend, roi, cac),) = query(
        db,
        f"""
        select
            sum(d.spend_cny),
            sum(d.attributed_net_revenue_cny) / sum(d.spend_cny),
            sum(d.spend_cny) / sum(d.attributed_new_customers)
        from marts.agg_channel_days as d
        inner join marts.dim_channels as c on d.channel = c.channel
        where c.is_paid and d.attribution_model = '{model}'
            and date_trunc('month', d.date_day) = '{month}'
        """,
    )
    ((all_spend,),) = query(
        db, f"select sum(spend_cny) from marts.fct_ad_spend where spend_month = '{month}'"
    )
    ((registrations,),) = query(
        db,
        "select count(*) from marts.fct_customer_registrations "
        f"where registration_month = '{month}'",
    )
    return {
        "month": month,
        "spend": _money(spend),
        "roi": _ratio(roi),
        "cac": _money(cac),
        "cost_per_user": _money(all_spend / registrations),
    }


def _assert_headline(text: str, db: Path, lang: str) -> None:
    h = _headline(db)
    heading = "Latest complete month" if lang == "en" else "最近完整月份"
    assert f"{heading}: {h['month']:%Y-%m}" in text
    if lang == "en":
        assert f"Paid channels’ ad spend (CNY) {h['spend']}" in text
        assert f"ROI, paid channels (x) {h['roi']}" in text
        assert f"CAC, paid channels (CNY per new customer) {h['cac']}" in text
        assert f"Cost per acquired user, shop-wide (CNY) {h['cost_per_user']}" in text
    else:
        assert f"付費渠道廣告花費（元） {h['spend']}" in text
        assert f"付費渠道 ROI（倍） {h['roi']}" in text
        assert f"付費渠道獲客成本（元/新客） {h['cac']}" in text
        assert f"每人獲客成本，全店（元） {h['cost_per_user']}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_headline_of_the_latest_complete_month(report_site, lang):
    _assert_headline(report_site.text(f"/{lang}/marketing"), report_site.db, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_headline_once_hydrated(site_browser, report_site, lang):
    text = re.sub(r"\s+", " ", _hydrated(site_browser, lang))
    _assert_headline(text, report_site.db, lang)


def test_the_page_names_the_default_attribution_model(report_site):
    ((name_en, name_zh),) = query(
        report_site.db,
        "select name_en, name_zh from reference.code_labels where label_kind = "
        f"'attribution_model' and code = '{_var('default_attribution_model')}'",
    )
    assert f"the project's default is {name_en}" in report_site.text("/en/marketing")
    assert f"項目默認模型為 {name_zh}" in report_site.text("/zh/marketing")


# --------------------------------------------------------------------------- stories


@pytest.mark.parametrize("lang", LANGS)
def test_months_under_the_pause_line(site_browser, report_site, lang):
    """The table of months under the pause line holds exactly the paid channel-months whose
    ROI (default model) is under var channel_pause_roi_below, Xiaohongshu's September 2025
    among them (story xiaohongshu_roi_decay)."""
    text = _hydrated(site_browser, lang)
    shown = _rows(_section(text, *PAUSED_HEADINGS[lang]))
    expected = _paused(report_site.db, _var("default_attribution_model"), lang)
    assert shown == expected
    xiaohongshu = "Xiaohongshu ads" if lang == "en" else "小紅書廣告"
    assert [row for row in shown if row[:2] == ["2025-09", xiaohongshu]], shown


def test_xiaohongshu_roi_falls_through_the_quarter_under_the_pause_line(report_site):
    """Story xiaohongshu_roi_decay on the marts the chart reads: July above September, and
    September under the pause line."""
    rows = {
        (month, name): roi
        for month, name, _, _, _, roi, _ in _channel_months(
            report_site.db, _var("default_attribution_model")
        )
        if name == "Xiaohongshu ads"
    }
    july, september = (
        rows[(dt.date(2025, 7, 1), "Xiaohongshu ads")],
        rows[(dt.date(2025, 9, 1), "Xiaohongshu ads")],
    )
    assert september < float(_var("channel_pause_roi_below")) < july


@pytest.mark.parametrize("lang", LANGS)
def test_march_2025_is_the_only_month_over_budget_beyond_the_freeze_line(
    site_browser, report_site, lang
):
    """Story march_overspend: the month's spend / budget (agg_channel_months, channels with a
    budget) above 1 + var budget_overrun_alert_share only in March 2025, shown with its spend,
    budget and the days on which non-core channels should freeze."""
    db = report_site.db
    limit = 1 + float(_var("budget_overrun_alert_share"))
    months = query(
        db,
        "select month_start_date, sum(spend_cny), sum(budget_cny) from marts.agg_channel_months "
        "where is_default_attribution_model and budget_cny > 0 group by 1 order by 1",
    )
    over = [(m, s, b) for m, s, b in months if s / b > limit]
    assert [m for m, _, _ in over] == [dt.date(2025, 3, 1)]
    expected = []
    for month, spend, budget in over:
        ((first_day, days),) = query(
            db,
            "select min(date_day), count(distinct date_day) from marts.agg_budget_pacing_days "
            f"where should_freeze and month_start_date = '{month}'",
        )
        expected.append(
            [
                f"{month:%Y-%m}",
                _money(spend),
                _money(budget),
                f"{float(spend / budget) * 100:.1f}%",
                f"{first_day:%Y-%m-%d}",
                str(days),
            ]
        )
    shown = _rows(_section(_hydrated(site_browser, lang), *OVERSPENT_HEADINGS[lang]))
    assert shown == expected
    # The pacing chart opens on that month.
    month_label = "Month" if lang == "en" else "月份"
    assert f"{month_label}\n{over[-1][0]:%Y-%m}" in _hydrated(site_browser, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_campaign_bursts_below_their_baseline(site_browser, report_site, lang):
    """Story live_stream_flop: the campaigns whose burst converted under the alert rule's share
    of the channel's baseline (with enough burst sessions), 2025 達人直播 8月 among them, and
    the campaign list opens on the latest of them."""
    db = report_site.db
    ((ratio, min_sessions),) = query(
        db,
        "select threshold, min_volume from metrics.kpi_alert_rules "
        "where rule_id = 'campaign_burst_below_baseline'",
    )
    campaigns = query(
        db,
        f"""
        select
            k.campaign_name,
            c.channel_name_{lang},
            b.campaign_sessions,
            b.campaign_conversion_rate,
            base.channel_conversion_rate
        from marts.agg_campaign_phases as b
        inner join marts.agg_campaign_phases as base
            on b.campaign_id = base.campaign_id and base.phase = 'baseline'
        inner join marts.dim_campaigns as k on b.campaign_id = k.campaign_id
        inner join marts.dim_channels as c on b.channel = c.channel
        where b.phase = 'burst'
            and b.campaign_sessions >= {min_sessions}
            and b.campaign_conversion_rate < {ratio} * base.channel_conversion_rate
        order by k.warmup_start_date
        """,
    )
    expected = [
        [
            f"{name} · {channel}",
            str(sessions),
            f"{burst * 100:.2f}%",
            f"{baseline * 100:.2f}%",
            f"{(burst / baseline - 1) * 100:+.1f}%",
        ]
        for name, channel, sessions, burst, baseline in campaigns
    ]
    text = _hydrated(site_browser, lang)
    shown = _rows(_section(text, *CAMPAIGN_ALERT_HEADINGS[lang]))
    assert shown == expected
    assert any(row[0].startswith(FLOP_CAMPAIGN) for row in shown)
    campaign_label = "Campaign" if lang == "en" else "活動"
    assert f"{campaign_label}\n{expected[-1][0]}" in text


# --------------------------------------------------------------------------- interaction


def test_attribution_switch_changes_the_roi_chart_and_tables(site_browser, report_site):
    seen = site_browser["interactions"]["marketing_attribution_switch"]["result"]
    before, after = seen["before"], seen["after"]
    db = report_site.db
    ((default_name,),) = query(
        db,
        "select name_en from reference.code_labels where label_kind = 'attribution_model' "
        f"and code = '{_var('default_attribution_model')}'",
    )
    assert before["model"] == default_name
    assert after["model"] == "First touch"
    assert before["chart"] != after["chart"]
    assert before["roi_review"] != after["roi_review"]

    # The first page of the monthly ROI review (latest months first), verdict aside.
    for table, model in ((before, _var("default_attribution_model")), (after, "first_touch")):
        shown = [row[:6] for row in _rows(table["roi_review"])]
        expected = [_review_row(row) for row in _channel_months(db, model)][: len(shown)]
        assert len(shown) == 10
        assert shown == expected, model
        assert _rows(table["paused"]) == _paused(db, model, "en"), model
