"""The demo shop's planted stories (src/shopkpi/generator/stories.yml) show in the marts.

Each story happens through behaviour (prices, people, stock), never as a flag, so each check
reads the marts the way an analyst would look for it. Every story in the file has a check
here, and every check names its story.
"""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from conftest import query
from shopkpi.generator.catalog import SCALES
from shopkpi.generator.stories import STORIES_FILE, Story, load_stories

STORIES = load_stories(STORIES_FILE)
PAUSE_ROI = 1.5  # the plans pause a channel whose monthly ROI falls under this
OVERSPEND = 1.10  # a month's spend more than 10% over its budget


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _story_xiaohongshu_roi_decay(db, story: Story) -> None:
    channel = story.slice["channel"]
    rows = query(
        db,
        "select month_start_date, spend_cny, attributed_net_revenue_cny, roi, "
        "is_pause_recommended from marts.agg_channel_months "
        f"where is_default_attribution_model and channel = '{channel}' order by 1",
    )
    by_month = {row[0]: row for row in rows}
    last = by_month[_month(story.end)]
    assert last[3] < PAUSE_ROI and last[4], f"{channel} in {last[0]}: ROI {last[3]}"

    def pooled(first: dt.date, last_month: dt.date) -> float:
        chosen = [r for m, r in by_month.items() if first <= m <= last_month]
        return float(sum(r[2] for r in chosen) / sum(r[1] for r in chosen))

    # the last month pays back less than half what the quarter before the story did
    before = pooled(
        _month(story.start - dt.timedelta(days=90)), _month(story.start) - dt.timedelta(days=1)
    )
    assert last[3] < before / 2, (last[3], before)


def _story_slow_homepage(db, story: Story) -> None:
    page = story.slice["landing_page"]

    def window(first: dt.date, last: dt.date) -> tuple[float, float]:
        bounced, engaged, slow, sessions = query(
            db,
            "select sum(bounced_sessions), sum(sessions_with_events), sum(slow_load_sessions), "
            "sum(sessions) from marts.agg_landing_page_days "
            f"where landing_page = '{page}' and date_day between '{first}' and '{last}'",
        )[0]
        return float(bounced / engaged), float(slow / sessions)

    during = window(story.start, story.end)
    before = window(story.start - dt.timedelta(days=28), story.start - dt.timedelta(days=1))
    after = window(story.end + dt.timedelta(days=1), story.end + dt.timedelta(days=7))
    assert during[0] > 1.5 * before[0] and during[0] > 1.5 * after[0], (during, before, after)
    assert during[1] > 0.5 > 0.2 > max(before[1], after[1]), (during, before, after)


def _story_best_seller_stockout_d11(db, story: Story) -> None:
    product = story.slice["product_id"]
    year_before = story.start - dt.timedelta(days=365)
    top = [
        row[0]
        for row in query(
            db,
            "select product_id from marts.fct_order_items where is_paid and order_date "
            f">= '{year_before}' and order_date < '{story.start}' "
            "group by 1 order by sum(quantity) desc limit 3",
        )
    ]
    assert product in top, (product, top)
    stock = dict(
        query(
            db,
            "select snapshot_date, on_hand_qty from marts.snap_inventory_days "
            f"where product_id = '{product}' and snapshot_date between "
            f"'{story.start - dt.timedelta(days=1)}' and '{story.end}'",
        )
    )
    last_three = [story.end - dt.timedelta(days=n) for n in (2, 1, 0)]
    assert [stock[day] for day in last_three] == [0, 0, 0], [stock[d] for d in last_three]
    sold = dict(
        query(
            db,
            "select order_date, sum(quantity) from marts.fct_order_items "
            f"where is_paid and product_id = '{product}' group by 1",
        )
    )
    out_all_day = [
        day for day in stock if stock[day] == 0 and stock.get(day - dt.timedelta(days=1)) == 0
    ]
    assert len(out_all_day) >= 3
    assert {day: sold[day] for day in out_all_day if sold.get(day)} == {}


def _story_live_stream_flop(db, story: Story) -> None:
    rows = query(
        db,
        "select campaigns.campaign_name, phases.phase, phases.campaign_conversion_rate, "
        "phases.channel_conversion_rate from marts.agg_campaign_phases as phases "
        "inner join marts.dim_campaigns as campaigns using (campaign_id) "
        "where campaigns.campaign_type = 'live_stream'",
    )
    bursts = {name: rate for name, phase, rate, _ in rows if phase == "burst"}
    baseline = {name: rate for name, phase, _, rate in rows if phase == "baseline"}
    flop = story.slice["campaign"]
    others = [rate for name, rate in bursts.items() if name != flop]
    assert bursts[flop] < baseline[flop], (bursts[flop], baseline[flop])
    assert bursts[flop] < statistics.median(others) / 2, (bursts[flop], others)
    assert bursts[flop] == min(bursts.values())


def _story_march_overspend(db, story: Story) -> None:
    months = query(
        db,
        "select month_start_date, sum(spend_cny) / sum(budget_cny) from "
        "marts.agg_channel_months where is_default_attribution_model and budget_cny > 0 "
        "group by 1 order by 1",
    )
    over = [month for month, ratio in months if ratio > OVERSPEND]
    assert over == [_month(story.start)], months


def _story_private_domain_push(db, story: Story) -> None:
    def retention(first: dt.date, last: dt.date) -> float:
        retained, new = query(
            db,
            "select sum(retained_customers), sum(new_customers) "
            "from marts.agg_new_customer_retention where is_window_elapsed "
            f"and first_paid_date between '{first}' and '{last}'",
        )[0]
        return float(retained / new)

    after = retention(story.start, story.end)
    before = retention(story.start - dt.timedelta(days=181), story.start - dt.timedelta(days=1))
    assert after > before + 0.05, (before, after)


CHECKS = {
    name.removeprefix("_story_"): check
    for name, check in globals().items()
    if name.startswith("_story_")
}


def test_every_story_has_a_check_and_every_check_a_story():
    assert sorted(STORIES) == sorted(CHECKS)


def test_stories_are_complete_and_inside_every_scale():
    for story in STORIES.values():
        assert story.start <= story.end, story.id
        assert story.what and story.kpi and story.shows and story.slice and story.effect
        for scale in SCALES.values():
            last = scale.start + dt.timedelta(days=scale.days - 1)
            assert scale.start <= story.start and story.end <= last, (story.id, scale.name)


@pytest.mark.parametrize("story_id", sorted(STORIES))
def test_story_shows_in_the_marts(published_demo, story_id):
    CHECKS[story_id](published_demo, STORIES[story_id])
