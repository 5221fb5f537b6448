"""The weekly report page (/zh/weekly, /en/weekly): it opens on the latest complete ISO week
(found here from the marts), and its GMV, ROI and conversion rate for that week and the week
before, as the page formats them, equal the same numbers computed here from the marts
(fct_orders, agg_channel_days, agg_funnel_days); choosing another week shows that week's. The
7-day forecast table and chart show kpi_gmv_forecast's days, and the back-test errors stated
are those of the back-test's rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import query

pytestmark = [pytest.mark.reports, pytest.mark.integration]


def _cny0(value) -> str:
    """A CNY amount as the page formats it with '"¥"#,##0': rounded half away from zero."""
    whole = Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return f"¥{whole:,}"


PAGE = {"zh": "/zh/weekly", "en": "/en/weekly"}


def _latest_complete_week(db: Path) -> dt.date:
    """The Monday of the latest ISO week (Monday to Sunday) wholly inside the data."""
    ((last_day,),) = query(db, "select max(date_day) from marts.agg_funnel_days")
    sunday = last_day - dt.timedelta(days=(last_day.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def _week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _week_kpis(db: Path, monday: dt.date) -> dict[str, float]:
    """GMV (paid orders, after discounts, before refunds), ROI (attributed net revenue of the
    paid channels under the default attribution model over their spend) and conversion rate
    (paying sessions over sessions) of the week starting on ``monday``."""
    sunday = monday + dt.timedelta(days=6)
    ((gmv, roi, conversion),) = query(
        db,
        f"""
        select
            (
                select sum(gmv_cny) from marts.fct_orders
                where is_paid and paid_date between date '{monday}' and date '{sunday}'
            ),
            (
                select sum(d.attributed_net_revenue_cny) / sum(d.spend_cny)
                from marts.agg_channel_days as d
                inner join marts.dim_channels as c on d.channel = c.channel
                where d.is_default_attribution_model
                    and c.is_paid
                    and d.date_day between date '{monday}' and date '{sunday}'
            ),
            (
                select sum(payment_sessions) / sum(sessions) from marts.agg_funnel_days
                where date_day between date '{monday}' and date '{sunday}'
            )
        """,
    )
    return {"gmv": gmv, "roi": roi, "session_conversion_rate": conversion}


def _names(db: Path) -> dict[str, dict[str, str]]:
    rows = query(
        db,
        "select kpi_id, kpi_name_en, kpi_name_zh from metrics.kpi_registry"
        " where kpi_id in ('gmv', 'roi', 'session_conversion_rate')",
    )
    return {kpi: {"en": en, "zh": zh} for kpi, en, zh in rows}


def _formatted(kpi: str, value: float) -> str:
    """A value as the page formats it (the registry's value_fmt for the KPI's unit)."""
    if kpi == "gmv":
        return f"¥{value:,.2f}"
    if kpi == "roi":
        return f"{value:.2f}x"
    return f"{value * 100:.1f}%"


def _rows(lines: list[list[str]]) -> dict[str, list[str]]:
    return {cells[0]: cells for cells in lines if cells}


def _default_view(site_browser: dict, lang: str) -> dict:
    """The page as it opens, read once drawn (site_interactions_weekly.py)."""
    return site_browser["interactions"][f"weekly_default_{lang}"]["result"]


def _assert_week(rows: dict[str, list[str]], db: Path, monday: dt.date, lang: str) -> None:
    this_week = _week_kpis(db, monday)
    last_week = _week_kpis(db, monday - dt.timedelta(days=7))
    grain = "Week" if lang == "en" else "週"
    for kpi, names in _names(db).items():
        cells = rows[names[lang]]
        # KPI, measured over, this week, last week, ...
        assert cells[1] == grain, cells
        assert cells[2] == _formatted(kpi, this_week[kpi]), (kpi, cells)
        assert cells[3] == _formatted(kpi, last_week[kpi]), (kpi, cells)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_report_opens_on_the_latest_complete_week(site_browser, report_site, lang):
    db = report_site.db
    monday = _latest_complete_week(db)
    seen = _default_view(site_browser, lang)
    week = "Week" if lang == "en" else "週"
    (heading,) = [text for text in seen["headings"] if text.startswith(week + " ")]
    heading = " ".join(heading.split())
    assert heading.startswith(f"{week} {_week_label(monday)}")
    assert f"{monday} – {monday + dt.timedelta(days=6)}" in heading
    _assert_week(_rows(seen["rows"]), db, monday, lang)


def test_weekly_report_shows_the_30_core_kpis(site_browser, report_site):
    """Every core KPI of the registry has a row, named in English on /en."""
    names = [
        name
        for (name,) in query(
            report_site.db, "select kpi_name_en from metrics.kpi_registry where is_core"
        )
    ]
    assert len(names) == 30
    rows = _default_view(site_browser, "en")["rows"]
    shown = [cells[0] for cells in rows if len(cells) > 1 and cells[1]]
    assert sorted(shown) == sorted(names)


def test_choosing_a_week_shows_that_week(site_browser, report_site):
    """Choosing the week before the default in the dropdown shows that week's values."""
    db = report_site.db
    chosen = _latest_complete_week(db) - dt.timedelta(days=7)
    seen = site_browser["interactions"]["weekly_choose_week"]["result"]
    assert seen["chosen"].startswith(_week_label(chosen))
    assert any(_week_label(chosen) in text for text in seen["after"]["headings"])
    assert seen["after"]["rows"] != seen["before"]["rows"]
    _assert_week(_rows(seen["after"]["rows"]), db, chosen, "en")


def _forecast(db: Path) -> list[tuple]:
    return query(
        db,
        "select forecast_date, horizon_days, gmv_forecast_cny, gmv_lower_cny, gmv_upper_cny"
        " from metrics.kpi_gmv_forecast order by forecast_date",
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forecast_table_shows_the_seven_forecast_days(site_browser, report_site, lang):
    """The table lists each forecast day with its median and interval."""
    rows = _forecast(report_site.db)
    assert len(rows) == 7
    shown = _default_view(site_browser, lang)["tables"][1]
    assert [cells[:5] for cells in shown] == [
        [f"{day}", f"{horizon}", _cny0(median), _cny0(lower), _cny0(upper)]
        for day, horizon, median, lower, upper in rows
    ]


def test_forecast_chart_draws_actuals_and_forecast(site_browser, report_site):
    """The chart carries the last 8 weeks of daily GMV (the marts' paid orders) and then the
    forecast's days: the actual series ends on the last day, the forecast series holds the
    model's medians."""
    db = report_site.db
    ((last_day, last_gmv),) = query(
        db,
        """
        select paid_date, cast(sum(gmv_cny) as double) from marts.fct_orders
        where is_paid and paid_date = (select max(date_day) from marts.agg_funnel_days)
        group by paid_date
        """,
    )
    forecast = _forecast(db)
    (chart,) = _default_view(site_browser, "en")["charts"]
    assert len(chart["days"]) == 56 + len(forecast)
    assert chart["days"][55] == f"{last_day:%m-%d}"
    series = {item["name"]: item["data"] for item in chart["series"]}
    actual = series["Actual GMV"]
    assert actual[55] == pytest.approx(last_gmv)
    assert actual[56:] == ["-"] * len(forecast)
    assert series["Forecast GMV"][56:] == pytest.approx([row[2] for row in forecast])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_backtest_accuracy_is_stated(report_site, lang):
    """The mean absolute errors of the model and of the seasonal-naive baseline, and the
    interval's coverage, computed here from the back-test's rows."""
    ((model_mae, naive_mae, coverage, origins),) = query(
        report_site.db,
        """
        select
            avg(abs(gmv_forecast_cny - actual_gmv_cny)),
            avg(abs(seasonal_naive_cny - actual_gmv_cny)),
            avg(case when actual_gmv_cny between gmv_lower_cny and gmv_upper_cny
                then 1.0 else 0.0 end),
            count(distinct origin_date)
        from metrics.kpi_gmv_forecast_backtest
        """,
    )
    text = report_site.text(PAGE[lang])
    if lang == "en":
        assert f"mean absolute error {_cny0(model_mae)} a day against {_cny0(naive_mae)}" in text
        assert f"{origins} weekly origins" in text
        assert f"{coverage * 100:.1f}% of actual days fell inside" in text
    else:
        assert f"平均絕對誤差 {_cny0(model_mae)} 每天，對比 {_cny0(naive_mae)}" in text
        assert f"{coverage * 100:.1f}% 的實際日落在" in text
