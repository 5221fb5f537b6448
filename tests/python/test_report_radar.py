"""The KPI radar page (/zh/radar, /en/radar): the dimension scores it shows, in the table and
in the ECharts radar, equal the scores computed here from the scorecard's attainment (100 x
the mean of min(attainment, 1) over each dimension's core KPIs held to a target; not read from
kpi_radar_dimensions, the table the page reads), for the default period (the latest complete
month, found from the marts), for the month chosen in the dropdown and for the latest complete
week once the grain is switched; the category radar's GMV values equal the order lines'.
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


def _last_day(db: Path) -> dt.date:
    ((last_day,),) = query(db, "select max(date_day) from marts.agg_funnel_days")
    return last_day


def _latest_complete_month(db: Path) -> dt.date:
    """The first day of the latest month that lies wholly inside the data."""
    last_day = _last_day(db)
    first = last_day.replace(day=1)
    if (last_day + dt.timedelta(days=1)).month != last_day.month:
        return first
    return (first - dt.timedelta(days=1)).replace(day=1)


def _latest_complete_week(db: Path) -> dt.date:
    """The Monday of the latest ISO week (Monday to Sunday) wholly inside the data."""
    last_day = _last_day(db)
    sunday = last_day - dt.timedelta(days=(last_day.weekday() + 1) % 7)
    return sunday - dt.timedelta(days=6)


def _previous(grain: str, start: dt.date) -> dt.date:
    if grain == "week":
        return start - dt.timedelta(days=7)
    return (start - dt.timedelta(days=1)).replace(day=1)


def _label(grain: str, start: dt.date) -> str:
    if grain == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m}"


def _scores(db: Path, grain: str, start: dt.date) -> list[dict]:
    """Each dimension's score in the period, from the scorecard's attainment of the core KPIs
    held to a target (capped at 1), with its weakest KPI; in the dimensions' order."""
    rows = query(
        db,
        f"""
        with scored as (
            select
                r.dimension,
                r.display_order,
                r.kpi_name_en,
                r.kpi_name_zh,
                s.attainment
            from metrics.kpi_scorecard as s
            inner join metrics.kpi_registry as r on s.kpi_id = r.kpi_id
            where s.slice_kind = 'total'
                and s.period_grain = '{grain}'
                and s.period_start_date = date '{start}'
                and r.is_core
                and s.status <> 'no_target'
                and s.attainment is not null
        )

        select
            d.dimension_name_en,
            d.dimension_name_zh,
            100 * avg(least(scored.attainment, 1.0)) as score,
            arg_min(scored.kpi_name_en, (scored.attainment, scored.display_order)) as weakest_en,
            arg_min(scored.kpi_name_zh, (scored.attainment, scored.display_order)) as weakest_zh
        from metrics.kpi_dimensions as d
        left join scored on d.dimension = scored.dimension
        group by d.dimension_name_en, d.dimension_name_zh, d.display_order
        order by d.display_order
        """,
    )
    return [
        {"en": en, "zh": zh, "score": score, "weakest": {"en": weak_en, "zh": weak_zh}}
        for en, zh, score, weak_en, weak_zh in rows
    ]


def _chart_values(scores: list[dict]):
    """The scores as the radar draws them: rounded to one decimal (JavaScript's rounding may
    differ from Python's on a tie, hence the tolerance of half a tenth)."""
    return pytest.approx([row["score"] for row in scores], abs=0.05 + 1e-9)


def _score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.1f}"


def _default_view(site_browser: dict, lang: str) -> dict:
    """The page as it opens, read once drawn (site_interactions_radar.py)."""
    return site_browser["interactions"][f"radar_default_{lang}"]["result"]


def _dimension_radar(radars: list[dict], axes: list[str]) -> dict:
    (radar,) = [radar for radar in radars if radar["axes"] == axes]
    return radar


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_radar_table_shows_the_latest_complete_month(site_browser, report_site, lang):
    """By default the table shows the latest complete month's scores against the month
    before, with each dimension's weakest KPI named in the reader's language."""
    db = report_site.db
    month = _latest_complete_month(db)
    previous = _previous("month", month)
    seen = _default_view(site_browser, lang)
    heading = "Dimension scores" if lang == "en" else "維度評分"
    versus = "vs" if lang == "en" else "對比"
    headings = [" ".join(text.split()) for text in seen["headings"]]
    assert f"{heading}: {month:%Y-%m} {versus} {previous:%Y-%m}" in headings
    now_scores = _scores(db, "month", month)
    before_scores = _scores(db, "month", previous)
    assert len(seen["rows"]) == len(now_scores)
    for now, before, cells in zip(now_scores, before_scores, seen["rows"], strict=True):
        assert cells[0] == now[lang]
        assert cells[1] == _score_text(now["score"]), (now, cells)
        assert cells[2] == _score_text(before["score"]), (now, cells)
        assert now["weakest"][lang] in cells, (now, cells)
    # The radar's axes are the dimensions, named in the reader's language.
    radar = _dimension_radar(seen["radars"], [row[lang] for row in now_scores])
    assert radar["items"][0]["values"] == _chart_values(now_scores)


def test_radar_chart_draws_the_latest_complete_month(site_browser, report_site):
    """The ECharts radar has the five dimensions as axes (English names on /en), the
    selected month's scores, the previous month's, and the on-target ring at 100."""
    db = report_site.db
    month = _latest_complete_month(db)
    seen = _default_view(site_browser, "en")
    scores = _scores(db, "month", month)
    radar = _dimension_radar(seen["radars"], [row["en"] for row in scores])
    selected, previous, ring = radar["items"]
    assert selected["name"] == f"Selected {month:%Y-%m}"
    assert selected["values"] == _chart_values(scores)
    before = _scores(db, "month", _previous("month", month))
    assert previous["name"] == f"Previous {_previous('month', month):%Y-%m}"
    assert previous["values"] == _chart_values(before)
    assert ring["values"] == [100] * len(scores)


def test_choosing_a_month_redraws_the_radar(site_browser, report_site):
    """Choosing the month before in the dropdown changes the radar and the table to that
    month's scores."""
    db = report_site.db
    seen = site_browser["interactions"]["radar_choose_month"]["result"]
    chosen_month = _previous("month", _latest_complete_month(db))
    assert seen["chosen"] == f"{chosen_month:%Y-%m}"
    scores = _scores(db, "month", chosen_month)
    axes = [row["en"] for row in scores]
    before = _dimension_radar(seen["before"]["radars"], axes)
    after = _dimension_radar(seen["after"]["radars"], axes)
    assert after["items"][0]["name"] == f"Selected {chosen_month:%Y-%m}"
    assert after["items"][0]["values"] == _chart_values(scores)
    assert after["items"][0]["values"] != before["items"][0]["values"]
    assert seen["after"]["rows"] != seen["before"]["rows"]
    assert len(seen["after"]["rows"]) == len(scores)
    for row, cells in zip(scores, seen["after"]["rows"], strict=True):
        assert cells[0] == row["en"]
        assert cells[1] == _score_text(row["score"])
        assert row["weakest"]["en"] in cells


def test_switching_to_weeks_shows_the_latest_complete_week(site_browser, report_site):
    """The week grain shows the latest complete ISO week against the week before."""
    db = report_site.db
    week = _latest_complete_week(db)
    scores = _scores(db, "week", week)
    before_scores = _scores(db, "week", _previous("week", week))
    seen = site_browser["interactions"]["radar_switch_to_weeks"]["result"]
    radar = _dimension_radar(seen["after"]["radars"], [row["en"] for row in scores])
    selected, previous, _ = radar["items"]
    assert selected["name"] == f"Selected {_label('week', week)}"
    assert selected["values"] == _chart_values(scores)
    assert previous["name"] == f"Previous {_label('week', _previous('week', week))}"
    assert previous["values"] == _chart_values(before_scores)
    assert [cells[1] for cells in seen["after"]["rows"]] == [
        _score_text(row["score"]) for row in scores
    ]


def test_category_radar_shows_each_category_of_the_latest_month(site_browser, report_site):
    """The category radar has one series per category, and the table's GMV per category is
    the month's GMV of the paid order lines of that category."""
    db = report_site.db
    month = _latest_complete_month(db)
    gmv = dict(
        query(
            db,
            f"""
            select category, sum(gmv_cny)
            from marts.fct_order_items
            where is_paid and date_trunc('month', paid_date) = date '{month}'
            group by category
            """,
        )
    )
    names = dict(
        query(
            db,
            "select code, name_en from reference.code_labels where label_kind = 'product_category'",
        )
    )
    assert set(names) == set(gmv), "every category that sold has a name"
    seen = _default_view(site_browser, "en")
    (radar,) = [radar for radar in seen["radars"] if radar["axes"][0] == "GMV"]
    assert sorted(item["name"] for item in radar["items"]) == sorted(names.values())
    assert all(len(item["values"]) == 5 for item in radar["items"])
    best = max(gmv.values())
    scores = {item["name"]: item["values"][0] for item in radar["items"]}
    for category, value in gmv.items():
        assert scores[names[category]] == pytest.approx(
            100 * float(value) / float(best), abs=0.05 + 1e-9
        )
    # The category table (the page's second) is grouped by axis, GMV first: a group's
    # header row has no value; its rows are category, value, score, rank.
    table = seen["tables"][1]
    assert table[0][0] == "1. GMV" and not table[0][1]
    values = {}
    for cells in table[1:]:
        if not cells[1]:
            break
        values[cells[0]] = cells[1]
    for category, value in gmv.items():
        assert values[names[category]] == _cny0(value)
