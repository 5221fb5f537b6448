"""The generator's parts on their own: the calendar, the stories' effects, member tiers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from shopkpi.generator import behaviour as b
from shopkpi.generator.catalog import SCALES
from shopkpi.generator.people import People
from shopkpi.generator.rows import Ids
from shopkpi.generator.stories import Stories, Story, load_stories
from shopkpi.generator.timeline import Calendar

DEMO = SCALES["demo"]


def _day(calendar: Calendar, date: str) -> int:
    return (dt.date.fromisoformat(date) - calendar.scale.start).days


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return Calendar(DEMO)


def test_double_11_runs_warmup_first_wave_burst_big_day_tail_and_slump(calendar):
    stages = {
        "2025-10-19": None,
        "2025-10-20": "warmup",
        "2025-10-31": "warmup",
        "2025-11-01": "first",
        "2025-11-05": "burst",
        "2025-11-11": "big",
        "2025-11-12": "tail",
        "2025-11-14": "tail",
        "2025-11-15": "slump",
        "2025-11-24": "slump",
        "2025-11-25": None,
    }
    for date, stage in stages.items():
        assert calendar.stage(_day(calendar, date)) == stage, date
    big, ordinary = _day(calendar, "2025-11-11"), _day(calendar, "2025-10-14")
    assert calendar.demand[big] > 10 * calendar.demand[ordinary]
    assert calendar.hour_curve(big)[1] > 0.25  # a quarter of the big day's visits by 02:00
    assert calendar.hour_curve(ordinary)[1] < 0.05


def test_a_day_after_the_calendar_has_no_promotion(calendar):
    # An order placed late on 2025-12-31 and paid after midnight asks for 2026-01-01, past
    # the simulated days (seen at scale large): no promotion, not an IndexError.
    last = _day(calendar, "2025-12-31")
    assert len(calendar.promotion) == last + 1  # 2025-12-31 is the last simulated day
    assert calendar.stage(last + 1) is None
    assert calendar.stage(last + 30) is None


def test_every_year_has_its_festivals_live_streams_and_fission(calendar):
    names = [c.name for c in calendar.campaigns]
    for year in (2024, 2025):
        for label in ("618", "雙11", "雙12"):
            assert sum(n.startswith(f"{year} {label} ") for n in names) == 5, (year, label)
        assert sum(n.startswith(f"{year} 達人直播") for n in names) == 3
        assert f"{year} 拼團裂變" in names
    ids = [c.campaign_id for c in calendar.campaigns]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_couriers_pause_over_chinese_new_year(calendar):
    # 2025's New Year's day is 29 January: couriers stop from 25 January to 4 February.
    assert calendar.logistics_paused_until(dt.date(2025, 1, 24)) is None
    assert calendar.logistics_paused_until(dt.date(2025, 1, 25)) == dt.date(2025, 2, 5)
    assert calendar.logistics_paused_until(dt.date(2025, 2, 4)) == dt.date(2025, 2, 5)
    assert calendar.logistics_paused_until(dt.date(2025, 2, 5)) is None
    new_year, before = _day(calendar, "2025-01-29"), _day(calendar, "2025-01-15")
    assert calendar.demand[new_year] < calendar.demand[before]


def _story(story_id: str, start: str, end: str, slice_: dict, effect: dict) -> Story:
    return Story(
        id=story_id,
        what="",
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        slice=slice_,
        kpi="",
        shows="",
        effect=effect,
    )


def test_story_effects_are_neutral_outside_their_dates_and_slice():
    stories = Stories(
        {
            "xiaohongshu_roi_decay": _story(
                "xiaohongshu_roi_decay", "2025-07-01", "2025-09-30",
                {"channel": "xiaohongshu_ads"},
                {"cpc_rise": 1.0, "intent_fall": 1.0, "full_by": 0.5},
            ),
            "slow_homepage": _story(
                "slow_homepage", "2025-04-14", "2025-04-20", {"landing_page": "/"},
                {"load_factor": 4.0},
            ),
            "private_domain_push": _story(
                "private_domain_push", "2025-07-01", "2025-12-31", {"channel": "wecom"},
                {"join_rate": 0.6},
            ),
        }
    )  # fmt: skip
    first, last = dt.date(2025, 7, 1), dt.date(2025, 9, 30)
    assert stories.cpc_factor("xiaohongshu_ads", dt.date(2025, 6, 30)) == 1.0
    assert stories.cpc_factor("xiaohongshu_ads", first) == 1.0
    assert stories.cpc_factor("xiaohongshu_ads", last) == pytest.approx(2.0)
    assert stories.cpc_factor("douyin_ads", last) == 1.0
    # the fall is complete half-way through (full_by 0.5) and stays complete
    past_middle = first + dt.timedelta(days=46)  # of 91
    assert stories.intent_factor("xiaohongshu_ads", None, past_middle, {}) == 0.0
    assert stories.intent_factor("xiaohongshu_ads", None, last, {}) == 0.0
    assert stories.intent_factor("xiaohongshu_ads", None, first, {}) == 1.0
    assert stories.load_factor("/", dt.date(2025, 4, 14)) == 4.0
    assert stories.load_factor("/p/P0001", dt.date(2025, 4, 14)) == 1.0
    assert stories.load_factor("/", dt.date(2025, 4, 21)) == 1.0
    assert stories.private_join_rate(dt.date(2025, 6, 30), 0.2) == 0.2
    assert stories.private_join_rate(dt.date(2025, 7, 1), 0.2) == 0.6
    # stories absent from the file change nothing
    assert stories.deliveries_held("P0053", dt.date(2025, 11, 5)) is None
    assert stories.stock_kept("P0053", dt.date(2025, 11, 1)) is None


def test_a_recall_keeps_a_few_days_and_holds_deliveries_until_after_it():
    recall = _story(
        "best_seller_stockout_d11", "2025-11-01", "2025-11-13", {"product_id": "P0053"},
        {"recalled_on": "2025-11-01", "keep_days": 5},
    )  # fmt: skip
    stories = Stories({recall.id: recall})
    assert stories.stock_kept("P0053", dt.date(2025, 11, 1)) == 5.0
    assert stories.stock_kept("P0053", dt.date(2025, 11, 2)) is None
    assert stories.stock_kept("P0002", dt.date(2025, 11, 1)) is None
    assert stories.deliveries_held("P0053", dt.date(2025, 10, 31)) is None
    assert stories.deliveries_held("P0053", dt.date(2025, 11, 13)) == dt.date(2025, 11, 14)
    assert stories.deliveries_held("P0053", dt.date(2025, 11, 14)) is None


def test_a_story_missing_a_field_is_named(tmp_path):
    path = tmp_path / "stories.yml"
    path.write_text(
        "stories:\n  - id: broken\n    what: x\n    when: {start: 2025-01-01, end: 2025-01-02}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="story 'broken' has no slice, kpi, shows, effect"):
        load_stories(path)


def test_member_tiers_follow_how_often_a_buyer_shops():
    people = People(np.random.default_rng(1), Ids(), 6)
    tiers = {"none": [], "regular": [], "silver": [], "gold": []}
    for _ in range(4_000):
        person = people.arrive("direct", weekend=False)
        tiers[people.member_tier(person)].append(person.loyalty)
    # the higher the tier, the fewer its members and the more often they shop
    order = [tier for tier, _ in b.MEMBER_TIER_SHARES]
    counts = [len(tiers[tier]) for tier in order]
    assert counts == sorted(counts, reverse=True), counts
    means = [np.mean(tiers[tier]) for tier in order]
    assert means == sorted(means), means
