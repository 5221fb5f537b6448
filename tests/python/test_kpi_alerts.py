"""The alerts of the 8 alert modules 八大預警模塊 (models/metrics/alerts, seed kpi_alert_rules).

Without a warehouse: every rule of the registry has a dbt unit test that fires it and one
that does not, is evaluated by its module's model, and reads the dbt var its registry row
names. On the demo (``clean_warehouse``): every rule is evaluated, the rules fed by a mart
flag fire exactly where the mart raises it, and each planted story
(src/shopkpi/generator/stories.yml) shows as the alert rows it should, derived from the
story file and the marts, not from the alerts table.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, query
from shopkpi.generator.stories import STORIES_FILE, Story, load_stories

RULES_FILE = ROOT / "seeds" / "metrics" / "kpi_alert_rules.csv"
ALERTS_DIR = ROOT / "models" / "metrics" / "alerts"
RULES = {row["rule_id"]: row for row in csv.DictReader(RULES_FILE.open(encoding="utf-8"))}
MODULES = [
    "traffic",
    "conversion",
    "retention",
    "marketing_spend",
    "channel_roi",
    "campaign",
    "supply_chain",
    "data_quality",
]
PROJECT_VARS = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
STORIES = load_stories(STORIES_FILE)


def _unit_tests() -> dict[str, dict]:
    """Every dbt unit test defined under models/, by name."""
    tests: dict[str, dict] = {}
    for path in (ROOT / "models").rglob("*.yml"):
        for test in yaml.safe_load(path.read_text(encoding="utf-8")).get("unit_tests") or []:
            tests[test["name"]] = test
    return tests


def _module_sql(module: str) -> str:
    return (ALERTS_DIR / f"int_kpi_alerts_{module}.sql").read_text(encoding="utf-8")


def _reads_var(sql: str, name: str) -> bool:
    return re.search(rf"var\(\s*['\"]{name}['\"]", sql) is not None


# --------------------------------------------------------------------------- the registry


def test_rules_form_the_eight_modules():
    assert sorted({rule["alert_module"] for rule in RULES.values()}) == sorted(MODULES)
    for module in MODULES:
        assert (ALERTS_DIR / f"int_kpi_alerts_{module}.sql").exists(), module


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_firing_and_a_non_firing_unit_test(rule_id):
    """Acceptance: every alert rule has a unit test that fires it and one that does not,
    on its module's evaluation model."""
    tests = _unit_tests()
    model = f"int_kpi_alerts_{RULES[rule_id]['alert_module']}"
    for name in (f"alert_{rule_id}_fires", f"alert_{rule_id}_does_not_fire"):
        assert name in tests, f"rule {rule_id} has no unit test {name}"
        assert tests[name]["model"] == model, (name, tests[name]["model"])
        rules_given = [
            given["rows"]
            for given in tests[name]["given"]
            if given["input"] == "ref('kpi_alert_rules')"
        ]
        assert rules_given and {row["rule_id"] for row in rules_given[0]} == {rule_id}, name
        expected = tests[name]["expect"]["rows"]
        if isinstance(expected, list):
            firing = [row["is_firing"] for row in expected if "is_firing" in row]
            assert firing, f"{name} expects no is_firing"
            assert any(firing) == name.endswith("_fires"), (name, firing)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_is_evaluated_by_its_module(rule_id):
    assert f"'{rule_id}'" in _module_sql(RULES[rule_id]["alert_module"]), rule_id


@pytest.mark.parametrize(
    "rule_id",
    sorted(r for r, row in RULES.items() if row["threshold_var"] or row["min_volume_var"]),
)
def test_a_rule_on_a_mart_flag_reads_the_var_the_mart_reads(rule_id):
    """A registry row naming a dbt var holds no number of its own: the var exists, and the
    module or the mart whose flag it reads is where it is read (one setting for both)."""
    rule = RULES[rule_id]
    mart = rule["source"].split(".")[0].split(" ")[0]
    mart_sql = "".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "models").rglob(f"{mart}.sql")
    )
    for column in ("threshold_var", "min_volume_var"):
        name = rule[column]
        if not name:
            continue
        assert name in PROJECT_VARS, (rule_id, name)
        assert _reads_var(_module_sql(rule["alert_module"]), name) or _reads_var(mart_sql, name), (
            rule_id,
            name,
        )
    if rule["threshold_var"]:
        assert not rule["threshold"], f"{rule_id}: threshold and threshold_var both set"


# --------------------------------------------------------------------------- on the demo


def _min_volume(rule_id: str) -> float:
    rule = RULES[rule_id]
    return float(
        PROJECT_VARS[rule["min_volume_var"]] if rule["min_volume_var"] else rule["min_volume"]
    )


def test_every_rule_is_evaluated_on_the_demo(clean_warehouse):
    judged = dict(
        query(
            clean_warehouse,
            "select rule_id, count(*) from metrics.kpi_alert_evaluations "
            "where has_enough_volume group by 1",
        )
    )
    assert sorted(judged) == sorted(RULES), set(RULES) ^ set(judged)


# Each rule fed by a mart flag, and the mart's own count of the rows it flags (the slices
# the rule judges: default attribution model, channels that spent or have a budget).
FLAG_COUNTS = {
    "landing_page_channel_bounce": "select count(*) from marts.agg_landing_page_days "
    "where is_bounce_alert",
    "budget_cap_breach": "select count(*) from marts.agg_channel_months "
    "where is_default_attribution_model and spend_cny > 0 and is_over_cap",
    "pause_channel": "select count(*) from marts.agg_channel_months "
    "where is_default_attribution_model and is_pause_recommended and spend_cny >= {pause_min}",
    "budget_overrun_freeze": "select count(distinct date_day) from marts.agg_budget_pacing_days "
    "where should_freeze",
    "channel_over_budget": "select count(*) from marts.agg_budget_pacing_days "
    "where budget_cny > 0 and is_over_budget_beyond_alert_share",
    "contingency_reserve": "select count(*) from marts.agg_budget_pacing_days "
    "where budget_cny > 0 and is_into_contingency_reserve",
    "below_safety_stock": "select count(*) from marts.snap_inventory_days "
    "where is_below_safety_stock",
    "churn_warning": "select count(distinct segment_code) from marts.snap_customer_lifecycle "
    "where is_churn_warning",
}


@pytest.mark.parametrize("rule_id", sorted(FLAG_COUNTS))
def test_a_flag_fed_rule_fires_where_its_mart_flags(clean_warehouse, rule_id):
    expected = query(
        clean_warehouse, FLAG_COUNTS[rule_id].format(pause_min=_min_volume("pause_channel"))
    )[0][0]
    fired = query(
        clean_warehouse,
        "select count(*) from metrics.kpi_alerts "
        f"where rule_id = '{rule_id}' and state in ('new', 'ongoing')",
    )[0][0]
    assert fired == expected > 0, (rule_id, fired, expected)


def _alerts(db: Path, rule_id: str, where: str = "true") -> list[dict]:
    columns = [
        "slice_value",
        "period_start_date",
        "period_start_at",
        "state",
        "severity",
        "action_code",
        "first_fired_at",
        "value",
        "threshold",
    ]
    rows = query(
        db,
        f"select {', '.join(columns)} from metrics.kpi_alerts "
        f"where rule_id = '{rule_id}' and ({where}) order by period_start_at, slice_value",
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _firing(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["state"] in ("new", "ongoing")]


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _alerts_xiaohongshu_roi_decay(db: Path, story: Story) -> None:
    """The monthly ROI review pauses the channel in the story's last month (critical)."""
    channel = story.slice["channel"]
    rows = _firing(_alerts(db, "pause_channel", f"slice_value = '{channel}'"))
    by_month = {row["period_start_date"]: row for row in rows}
    last = by_month.get(_month(story.end))
    assert last is not None, (channel, sorted(by_month))
    assert last["severity"] == "critical" and last["action_code"] == "pause_channel"
    assert last["value"] < last["threshold"] == PROJECT_VARS["channel_pause_roi_below"]
    # the run began inside the story's quarter
    assert story.start <= last["first_fired_at"].date() <= story.end, last


def _alerts_slow_homepage(db: Path, story: Story) -> None:
    """The page's slow-load share rises in the story's week, and its bounce alert fires on
    exactly the days the page (all channels) bounced above the var's rate with enough
    sessions, which the marts say there are."""
    page = story.slice["landing_page"]
    week = story.start - dt.timedelta(days=story.start.weekday())
    slow = _firing(_alerts(db, "slow_load_rising", f"slice_value = '{page}'"))
    assert [
        row["period_start_date"] for row in slow if week <= row["period_start_date"] <= story.end
    ] == [week], slow
    rate, minimum = PROJECT_VARS["bounce_alert_rate"], PROJECT_VARS["bounce_alert_min_sessions"]
    expected_days = [
        row[0]
        for row in query(
            db,
            "select date_day from marts.agg_landing_page_days "
            f"where landing_page = '{page}' and date_day between '{story.start}' and '{story.end}' "
            "group by date_day "
            f"having sum(sessions_with_events) >= {minimum} "
            f"and sum(bounced_sessions) > {rate} * sum(sessions_with_events) order by 1",
        )
    ]
    assert expected_days, "the story's week has no day over the bounce line"
    bounce = _firing(
        _alerts(
            db,
            "landing_page_bounce",
            f"slice_value = '{page}' and period_start_date "
            f"between '{story.start}' and '{story.end}'",
        )
    )
    assert [row["period_start_date"] for row in bounce] == expected_days, bounce


def _alerts_best_seller_stockout_d11(db: Path, story: Story) -> None:
    """Replenish the product: critical (no stock) on 11.11 and the two days after."""
    product = story.slice["product_id"]
    rows = _firing(_alerts(db, "below_safety_stock", f"slice_value = '{product}'"))
    by_day = {row["period_start_date"]: row for row in rows}
    for offset in (2, 1, 0):
        day = story.end - dt.timedelta(days=offset)
        assert day in by_day, (product, day)
        assert by_day[day]["severity"] == "critical", by_day[day]
        assert by_day[day]["action_code"] == "replenish_product"
    # the run is one: it started by the first of the three days and is resolved after
    assert len({by_day[story.end - dt.timedelta(days=o)]["first_fired_at"] for o in (2, 1, 0)}) == 1
    after = _alerts(
        db,
        "below_safety_stock",
        f"slice_value = '{product}' and period_start_date = '{story.end + dt.timedelta(days=1)}'",
    )
    stocked = query(
        db,
        "select on_hand_qty >= safety_stock_qty from marts.snap_inventory_days "
        f"where product_id = '{product}' and snapshot_date = '{story.end + dt.timedelta(days=1)}'",
    )[0][0]
    assert [row["state"] for row in after] == (["resolved"] if stocked else ["ongoing"]), after


def _alerts_live_stream_flop(db: Path, story: Story) -> None:
    """The flop's burst converts under its baseline, and an intraday review window of the
    burst fires during the stream."""
    campaign_id = query(
        db,
        "select campaign_id from marts.dim_campaigns "
        f"where campaign_name = '{story.slice['campaign']}'",
    )[0][0]
    burst = _firing(_alerts(db, "campaign_burst_below_baseline", f"slice_value = '{campaign_id}'"))
    assert len(burst) == 1 and burst[0]["action_code"] == "review_campaign_offer", burst
    hours = _firing(_alerts(db, "campaign_hours_below_baseline", f"slice_value = '{campaign_id}'"))
    assert hours, campaign_id
    assert all(story.start <= row["period_start_date"] <= story.end for row in hours), hours


def _alerts_march_overspend(db: Path, story: Story) -> None:
    """The freeze fires in the story's month and no other; the story's channels are over
    their own budgets that month."""
    months = sorted(
        {_month(row["period_start_date"]) for row in _firing(_alerts(db, "budget_overrun_freeze"))}
    )
    assert months == [_month(story.start)], months
    for channel in story.slice["channels"]:
        rows = _firing(
            _alerts(
                db,
                "channel_over_budget",
                f"slice_value = '{channel}' and period_start_date "
                f"between '{story.start}' and '{story.end}'",
            )
        )
        assert rows, channel


def _alerts_private_domain_push(db: Path, story: Story) -> None:
    """Good news raises no alert: nothing fires on the channel during the push."""
    channel = story.slice["channel"]
    rows = query(
        db,
        "select rule_id, period_start_date from metrics.kpi_alerts "
        f"where state in ('new', 'ongoing') and (slice_value = '{channel}' "
        f"or slice_value like '%:{channel}') "
        f"and period_start_date between '{story.start}' and '{story.end}'",
    )
    assert rows == [], rows


CHECKS = {
    name.removeprefix("_alerts_"): check
    for name, check in globals().items()
    if name.startswith("_alerts_")
}


def test_every_story_has_an_alert_check():
    assert sorted(STORIES) == sorted(CHECKS)


@pytest.mark.parametrize("story_id", sorted(STORIES))
def test_story_shows_in_the_alerts(clean_warehouse, story_id):
    CHECKS[story_id](clean_warehouse, STORIES[story_id])


def test_open_alerts_are_the_latest_period_of_their_rule(clean_warehouse):
    """What the overview page lists: every open alert is firing in its rule's latest
    period judged, and the stock-outs open at the end of the data are open alerts."""
    bad = query(
        clean_warehouse,
        "select alert_id from metrics.kpi_alerts as alerts where is_open and (state = 'resolved' "
        "or period_start_at < (select max(period_start_at) from metrics.kpi_alert_evaluations "
        "as evaluations where evaluations.rule_id = alerts.rule_id and has_enough_volume))",
    )
    assert bad == []
    out_at_end = {
        row[0]
        for row in query(
            clean_warehouse,
            "select product_id from marts.snap_inventory_days where is_stock_out "
            "and snapshot_date = (select max(snapshot_date) from marts.snap_inventory_days)",
        )
    }
    open_critical = {
        row[0]
        for row in query(
            clean_warehouse,
            "select slice_value from metrics.kpi_alerts where is_open "
            "and rule_id = 'below_safety_stock' and severity = 'critical'",
        )
    }
    assert open_critical == out_at_end


def test_quarantined_rows_raise_a_data_quality_alert(dirty_warehouse, clean_warehouse):
    """Data problems are visible in the same run: on the demo with bad rows injected, every
    raw table with a quarantined row (dq_quarantine) has an open data-quality alert; the
    clean demo has none."""
    quarantined = {
        row[0]
        for row in query(dirty_warehouse, "select distinct source_table from marts.dq_quarantine")
    }
    alerted = {
        row[0]
        for row in query(
            dirty_warehouse,
            "select slice_value from metrics.kpi_alerts "
            "where rule_id = 'quarantine_share' and is_open",
        )
    }
    assert alerted == quarantined and quarantined, (alerted, quarantined)
    assert query(
        clean_warehouse,
        "select count(*) from metrics.kpi_alerts where rule_id = 'quarantine_share'",
    ) == [(0,)]
