"""The KPI radar, the category sales radar, the weekly report and the campaign baseline on
the built demo, checked against computations from the marts written here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from conftest import query

pytestmark = pytest.mark.integration

DIMENSIONS = {"traffic", "conversion", "retention", "profit", "supply_chain"}


def test_radar_scores_stay_between_0_and_100_with_five_dimensions_per_period(clean_warehouse):
    rows = query(
        clean_warehouse,
        "select period_grain, period_start_date, dimension, radar_score, kpis_scored "
        "from metrics.kpi_radar_dimensions",
    )
    assert rows
    periods: dict[tuple, set] = defaultdict(set)
    for grain, start, dimension, score, scored in rows:
        periods[(grain, start)].add(dimension)
        assert score is None or 0 <= score <= 100, (grain, start, dimension, score)
        assert (score is None) == (scored == 0)
    assert all(dimensions == DIMENSIONS for dimensions in periods.values())
    grains = {grain for grain, _ in periods}
    assert grains == {"week", "month"}
    # Two years of complete months; every dimension is scored in every month.
    months = [start for grain, start in periods if grain == "month"]
    assert len(months) == 24
    unscored = query(
        clean_warehouse,
        "select count(*) from metrics.kpi_radar_dimensions "
        "where period_grain = 'month' and radar_score is null",
    )
    assert unscored == [(0,)]


def test_radar_score_is_the_mean_capped_attainment_of_the_core_kpis(clean_warehouse):
    """November 2025's traffic score, recomputed from the targets and values themselves."""
    rows = query(
        clean_warehouse,
        """
        select registry.direction, scorecard.kpi_value, scorecard.target_value
        from metrics.kpi_scorecard as scorecard
        inner join metrics.kpi_registry as registry
            on scorecard.kpi_id = registry.kpi_id
        where registry.is_core and registry.dimension = 'traffic'
            and scorecard.period_grain = 'month' and scorecard.period_start_date = '2025-11-01'
            and scorecard.slice_kind = 'total'
            and scorecard.target_value is not null and scorecard.kpi_value is not null
        """,
    )
    assert len(rows) >= 3
    capped = []
    for direction, value, target in rows:
        ratio = value / target if direction == "higher" else target / value
        capped.append(min(max(ratio, 0.0), 1.0))
    expected = 100 * sum(capped) / len(capped)
    [(score, scored)] = query(
        clean_warehouse,
        "select radar_score, kpis_scored from metrics.kpi_radar_dimensions "
        "where period_grain = 'month' and period_start_date = '2025-11-01' "
        "and dimension = 'traffic'",
    )
    assert scored == len(rows)
    assert score == pytest.approx(expected, rel=1e-9)


def test_weekly_report_has_the_30_core_kpis_every_week(clean_warehouse):
    per_week = query(
        clean_warehouse,
        "select week_start_date, count(*), count(distinct kpi_id) "
        "from metrics.kpi_weekly_report group by week_start_date order by week_start_date",
    )
    # Every ISO week touching 2024-2025: 30 December 2024 is week 1 of 2025.
    assert len(per_week) == 105
    assert {(count, distinct) for _, count, distinct in per_week} == {(30, 30)}
    [(latest,)] = query(
        clean_warehouse,
        "select distinct week_start_date from metrics.kpi_weekly_report "
        "where is_latest_complete_week",
    )
    # The data ends on Wednesday 31 December 2025: the last complete week starts the 22nd.
    assert latest == dt.date(2025, 12, 22)
    # Most KPIs have a value in the latest week (7-day retention of its last days and
    # campaign ROI, with no campaign running, may not).
    [(with_value,)] = query(
        clean_warehouse,
        "select count(kpi_value) from metrics.kpi_weekly_report where is_latest_complete_week",
    )
    assert with_value >= 27


def test_weekly_report_gmv_is_the_weeks_paid_orders(clean_warehouse):
    [(gmv, previous)] = query(
        clean_warehouse,
        "select kpi_value, previous_value from metrics.kpi_weekly_report "
        "where is_latest_complete_week and kpi_id = 'gmv'",
    )
    [(this_week, last_week)] = query(
        clean_warehouse,
        """
        select
            sum(case when paid_date between '2025-12-22' and '2025-12-28' then gmv_cny end),
            sum(case when paid_date between '2025-12-15' and '2025-12-21' then gmv_cny end)
        from marts.fct_orders
        where is_paid
        """,
    )
    assert gmv == pytest.approx(float(this_week))
    assert previous == pytest.approx(float(last_week))


def test_campaign_baseline_conversion_of_the_double_11_2025_burst(clean_warehouse):
    campaigns = query(
        clean_warehouse,
        "select campaign_id, burst_starts_at, tail_starts_at from marts.dim_campaigns "
        "where campaign_event = 'double_11' and campaign_event_date = '2025-11-11'",
    )
    assert len(campaigns) == 5
    for campaign_id, burst_starts_at, tail_starts_at in campaigns:
        [(expected,)] = query(
            clean_warehouse,
            f"""
            select sum(payment_sessions) / sum(sessions)
            from marts.agg_funnel_days
            where date_day >= '{burst_starts_at.date()}' and date_day < '{tail_starts_at.date()}'
            """,
        )
        [(value, pooling)] = query(
            clean_warehouse,
            "select kpi_value, pooling_method from metrics.kpi_campaign_baseline "
            f"where campaign_id = '{campaign_id}' and campaign_window = 'burst' "
            "and kpi_id = 'session_conversion_rate'",
        )
        assert pooling == "pooled_ratio"
        assert value == pytest.approx(float(expected), rel=1e-12)


def test_campaign_baseline_gmv_is_the_mean_per_day_of_the_28_days_before_warm_up(
    clean_warehouse,
):
    [(campaign_id, warmup_starts_at)] = query(
        clean_warehouse,
        "select campaign_id, warmup_starts_at from marts.dim_campaigns "
        "where campaign_event = 'double_11' and campaign_event_date = '2025-11-11' "
        "and channel = 'douyin_ads'",
    )
    first_day = warmup_starts_at.date() - dt.timedelta(days=28)
    [(total,)] = query(
        clean_warehouse,
        f"""
        select sum(gmv_cny) from marts.fct_orders
        where is_paid and paid_date >= '{first_day}' and paid_date < '{warmup_starts_at.date()}'
        """,
    )
    [(value, days, change_rate, burst_value)] = query(
        clean_warehouse,
        f"""
        select baseline.kpi_value, baseline.days_with_data, burst.change_vs_baseline_rate,
            burst.kpi_value
        from metrics.kpi_campaign_baseline as baseline
        inner join metrics.kpi_campaign_baseline as burst
            on baseline.campaign_id = burst.campaign_id and baseline.kpi_id = burst.kpi_id
        where baseline.campaign_id = '{campaign_id}' and baseline.kpi_id = 'gmv'
            and baseline.campaign_window = 'baseline' and burst.campaign_window = 'burst'
        """,
    )
    assert days == 28
    assert value == pytest.approx(float(total) / 28)
    assert change_rate == pytest.approx(burst_value / value - 1)


def test_campaign_baseline_has_the_core_kpis_of_every_window(clean_warehouse):
    counts = query(
        clean_warehouse,
        "select campaign_id, campaign_window, count(*) from metrics.kpi_campaign_baseline "
        "group by campaign_id, campaign_window",
    )
    [(campaigns,)] = query(clean_warehouse, "select count(*) from marts.dim_campaigns")
    assert len(counts) == 5 * campaigns
    assert {count for _, _, count in counts} == {30}
    not_pooled = dict(
        query(
            clean_warehouse,
            "select kpi_id, any_value(not_pooled_reason) from metrics.kpi_campaign_baseline "
            "where pooling_method = 'not_pooled' group by kpi_id",
        )
    )
    assert "uv" in not_pooled and "fulfilment_days_mean" in not_pooled
    assert all(not_pooled.values())


def test_category_radar_conversion_and_gmv_scores_of_november_2025(clean_warehouse):
    """Category conversion recomputed from the events, and GMV scored against the best."""
    viewed: dict[str, set] = defaultdict(set)
    for session_id, category in query(
        clean_warehouse,
        """
        select events.session_id, products.category
        from staging.stg_shop__events as events
        inner join marts.dim_products as products on events.product_id = products.product_id
        inner join marts.fct_sessions as sessions on events.session_id = sessions.session_id
        where events.event_type = 'product_view' and not sessions.is_bot
            and sessions.session_date between '2025-11-01' and '2025-11-30'
        """,
    ):
        viewed[category].add(session_id)
    bought: dict[str, set] = defaultdict(set)
    for session_id, category in query(
        clean_warehouse,
        """
        select orders.session_id, items.category
        from marts.fct_orders as orders
        inner join marts.fct_order_items as items on orders.order_id = items.order_id
        where orders.is_paid and orders.session_id is not null
        """,
    ):
        bought[category].add(session_id)
    radar = {
        (category, axis): (raw, score)
        for category, axis, raw, score in query(
            clean_warehouse,
            "select category, axis, raw_value, axis_score from metrics.kpi_category_radar "
            "where period_grain = 'month' and period_start_date = '2025-11-01'",
        )
    }
    conversion = {
        category: len(sessions & bought[category]) / len(sessions)
        for category, sessions in viewed.items()
    }
    assert len(conversion) == 6
    best = max(conversion.values())
    for category, rate in conversion.items():
        raw, score = radar[(category, "conversion_rate")]
        assert raw == pytest.approx(rate)
        assert score == pytest.approx(100 * rate / best)

    gmv = dict(
        query(
            clean_warehouse,
            "select category, sum(gmv_cny) from marts.fct_order_items where is_paid "
            "and paid_date between '2025-11-01' and '2025-11-30' group by category",
        )
    )
    best_gmv = max(gmv.values())
    for category, value in gmv.items():
        raw, score = radar[(category, "gmv")]
        assert raw == pytest.approx(float(value))
        assert score == pytest.approx(float(100 * value / best_gmv))
    scores = [score for score in (s for _, s in radar.values()) if score is not None]
    assert all(0 <= score <= 100 for score in scores)
