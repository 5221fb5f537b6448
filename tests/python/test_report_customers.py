"""The customers page (/zh/customers, /en/customers) shows the marts' numbers.

Each key number is computed here with SQL on the marts (snap_customer_rfm,
agg_new_customer_retention, mdl_clv_holdout_accuracy, snap_customer_ltv_predicted,
snap_customer_lifecycle, agg_cohort_retention), not from the page's source tables, and looked
for in the page as the page formats it: in the prerendered HTML and in what Chromium shows
once the page has hydrated. The cohort filter's interaction (site_interactions_customers.py)
is checked against the same SQL for the channel it picks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import query

pytestmark = [pytest.mark.reports, pytest.mark.integration]

PAGES = {"en": "/en/customers", "zh": "/zh/customers"}
MAX_SOURCE_ROWS = 20_000


def _pct(value: float) -> str:
    """A share as the page's 0.0% format shows it."""
    return f"{value * 100:.1f}%"


def _collapse(text: str) -> str:
    """Whitespace collapsed, and none after an opening bracket (the prerendered page has
    a space between "(" and a Value, the hydrated one not)."""
    return re.sub(r"\s+", " ", text).replace("( ", "(")


def _texts(report_site, site_browser, lang: str) -> list[str]:
    """The page as prerendered and as hydrated in Chromium."""
    path = PAGES[lang]
    return [_collapse(report_site.text(path)), _hydrated(site_browser, lang)]


def _hydrated(site_browser, lang: str) -> str:
    """The page as Chromium shows it once hydrated (tables are only filled in then)."""
    return _collapse(site_browser["pages"][PAGES[lang]]["text"])


def _segments(db: Path) -> list[tuple]:
    """Customers and their share per RFM segment at the as-of date, best segment first."""
    return query(
        db,
        """
        select
            s.segment_name_en,
            s.segment_name_zh,
            count(r.customer_id) as customers,
            count(r.customer_id) / sum(count(r.customer_id)) over () as share
        from reference.rfm_segments as s
        left join marts.snap_customer_rfm as r
            on s.segment_code = r.segment_code
        group by s.segment_name_en, s.segment_name_zh, s.priority
        order by s.priority
        """,
    )


def _retention_halves(db: Path) -> list[tuple]:
    """New customers' 7-day retention per half of the data's last year: (half, new, rate)."""
    return query(
        db,
        """
        with last_year as (
            select year(max(first_paid_date)) as y from marts.agg_new_customer_retention
        )

        select
            case when month(r.first_paid_date) <= 6 then 'H1' else 'H2' end as half,
            sum(r.new_customers) as new_customers,
            sum(r.retained_customers) / sum(r.new_customers) as rate
        from marts.agg_new_customer_retention as r, last_year
        where r.is_window_elapsed
            and year(r.first_paid_date) = last_year.y
        group by half
        order by half
        """,
    )


def _cohort_summary(db: Path, channel: str | None) -> tuple:
    """Cohorts, customers and pooled month-1 / month-3 retention over the ended months."""
    where = "" if channel is None else f"and acquisition_channel = '{channel}'"
    ((cohorts, customers, month_1, month_3),) = query(
        db,
        f"""
        select
            count(distinct cohort_month) filter (where months_since_first_order = 0),
            sum(cohort_customers) filter (where months_since_first_order = 0),
            sum(active_customers) filter (where months_since_first_order = 1)
                / sum(cohort_customers) filter (where months_since_first_order = 1),
            sum(active_customers) filter (where months_since_first_order = 3)
                / sum(cohort_customers) filter (where months_since_first_order = 3)
        from marts.agg_cohort_retention
        where is_complete_month {where}
        """,
    )
    return cohorts, customers, month_1, month_3


def _cohort_sentence(summary: tuple) -> str:
    cohorts, customers, month_1, month_3 = summary
    return (
        f"Selected cohorts: {cohorts} cohorts, {customers:,} customers; "
        f"month-1 retention {_pct(month_1)} , month-3 retention {_pct(month_3)} ."
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rfm_segment_customers(report_site, site_browser, lang):
    """The segment table's rows (a DataTable: filled in by the browser, not prerendered)."""
    segments = _segments(report_site.db)
    assert len(segments) == 11
    text = _hydrated(site_browser, lang)
    for name_en, name_zh, customers, share in segments:
        name = name_en if lang == "en" else name_zh
        assert f"{name} {customers:,} {_pct(share)}" in text, name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_customer_retention_second_half_above_first(report_site, site_browser, lang):
    """The private-domain push: H2's 7-day retention clearly above H1's, across the target."""
    (h1, h1_new, h1_rate), (h2, h2_new, h2_rate) = _retention_halves(report_site.db)
    assert (h1, h2) == ("H1", "H2")
    ((target,),) = query(
        report_site.db, "select target from metrics.kpi_registry where kpi_id = 'retention_7d'"
    )
    assert h2_rate - h1_rate > 0.05
    assert h1_rate < target < h2_rate
    for text in _texts(report_site, site_browser, lang):
        if lang == "en":
            assert f"2025-H2 : {_pct(h2_rate)} of {h2_new:,} new customers" in text
            assert f"2025-H1 : {_pct(h1_rate)} of {h1_new:,} . Target {target:.0%}" in text
        else:
            assert f"2025-H2 : {_pct(h2_rate)} ，共 {h2_new:,} 位新客" in text
            assert f"2025-H1 : {_pct(h1_rate)} ，共 {h1_new:,} 位。目標 {target:.0%}" in text
        change = (h2_rate - h1_rate) * 100
        assert f"{_pct(h2_rate)} ▲ +{change:.1f}" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_holdout_accuracy_and_predicted_value(report_site, site_browser, lang):
    ((predicted, actual, mae_numerator, customers),) = query(
        report_site.db,
        """
        select
            sum(predicted_purchases),
            sum(actual_purchases),
            sum(mean_absolute_error * customers),
            sum(customers)
        from marts.mdl_clv_holdout_accuracy
        where frequency_bucket <> 'all'
        """,
    )
    ((mean_predicted, buyers),) = query(
        report_site.db,
        "select avg(predicted_net_revenue_365d_cny), count(*)"
        " from marts.snap_customer_ltv_predicted",
    )
    ratio = _pct(predicted / actual)
    for text in _texts(report_site, site_browser, lang):
        if lang == "en":
            assert f"Holdout check: predicted ÷ actual purchases (%) {ratio}" in text
            assert f"it predicted {predicted:,.0f} purchase days against {actual:,.0f}" in text
            assert f"Mean absolute error per customer: {mae_numerator / customers:.2f}" in text
            assert f"Predicted 12-month value per buyer (CNY) ¥{mean_predicted:,.2f}" in text
            assert f"Buyers (customers with a paid order) {buyers:,}" in text
        else:
            assert f"留出期檢驗：預測 ÷ 實際購買（%） {ratio}" in text
            assert f"預測 {predicted:,.0f} 個購買日，實際 {actual:,.0f}" in text
            assert f"每位客戶預測12個月價值（元） ¥{mean_predicted:,.2f}" in text


def test_churn_warnings(report_site, site_browser):
    ((warnings, buyers),) = query(
        report_site.db,
        "select count(*) filter (where is_churn_warning), count(*) filter (where is_buyer)"
        " from marts.snap_customer_lifecycle",
    )
    for text in _texts(report_site, site_browser, "en"):
        assert (
            f"Buyers with a warning: {warnings:,} of {buyers:,} ({_pct(warnings / buyers)} )"
            in (text)
        )


def test_cohort_retention_all_channels(report_site, site_browser):
    sentence = _cohort_sentence(_cohort_summary(report_site.db, None))
    for text in _texts(report_site, site_browser, "en"):
        assert sentence in text


def test_cohort_channel_filter_changes_the_heat_map(report_site, site_browser):
    seen = site_browser["interactions"]["customers_cohort_channel"]["result"]
    ((channel,),) = query(
        report_site.db,
        f"select channel from reference.channels where channel_name_en = '{seen['channel']}'",
    )
    before = _cohort_sentence(_cohort_summary(report_site.db, None))
    after = _cohort_sentence(_cohort_summary(report_site.db, channel))
    # The paragraph read holds the page's explanation, then the sentence.
    assert seen["before"]["sentence"].endswith(before)
    assert seen["after"]["sentence"].endswith(after)
    assert before != after
    assert seen["after"]["heatmap_sha256"] != seen["before"]["heatmap_sha256"]


def test_source_tables_stay_aggregated(site_browser):
    tables = site_browser["pages"][PAGES["en"]]["tables"]
    mine = {name: rows for name, rows in tables.items() if name.startswith("warehouse.customers_")}
    assert len(mine) == 10
    assert max(mine.values()) < MAX_SOURCE_ROWS, mine
