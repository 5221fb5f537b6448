"""Marketing marts checked against independent computations on the built demo warehouse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import query

pytestmark = pytest.mark.integration

LOOKBACK = dt.timedelta(days=7)


def _last_touch_channel(order, sessions_by_customer, sessions_by_id):
    """Last-touch channel of a paid order, written from the definition in DECISIONLOG.md."""
    order_id, customer_id, session_id, ordered_at = order
    candidates = {}
    for session in sessions_by_customer.get(customer_id, []):
        candidates[session[0]] = session
    if session_id in sessions_by_id:
        candidates[session_id] = sessions_by_id[session_id]
    touches = [s for s in candidates.values() if ordered_at - LOOKBACK <= s[2] <= ordered_at]
    if not touches:
        return "unattributed"
    return max(touches, key=lambda s: (s[2], s[0]))[3]


def _human_sessions(db, column="channel"):
    """Non-bot sessions (id, customer, start, ``column``, visitor) by customer and by id.

    A customer's sessions are their logged-in ones and the anonymous ones of a visitor
    stitched to them (DECISIONLOG.md "Identity stitching"): exactly one customer was ever identified
    on the visitor's human sessions (logged in, or placing an order in one), and logged in.
    """
    sessions = query(
        db,
        f"select session_id, customer_id, started_at, {column}, visitor_id "
        "from marts.fct_sessions where not is_bot",
    )
    by_id = {session[0]: session for session in sessions}
    identified: dict[str, set] = {}
    logged_in = set()
    for session in sessions:
        if session[1] is not None:
            identified.setdefault(session[4], set()).add(session[1])
            logged_in.add(session[4])
    for session_id, customer_id in query(
        db, "select session_id, customer_id from marts.fct_orders where session_id is not null"
    ):
        if session_id in by_id:
            identified.setdefault(by_id[session_id][4], set()).add(customer_id)
    stitched = {
        visitor: min(customers)
        for visitor, customers in identified.items()
        if len(customers) == 1 and visitor in logged_in
    }
    by_customer: dict[str, list] = {}
    for session in sessions:
        customer_id = session[1] if session[1] is not None else stitched.get(session[4])
        if customer_id is not None:
            by_customer.setdefault(customer_id, []).append(session)
    return by_customer, by_id


def test_one_days_channel_roi_matches_a_hand_written_attribution(clean_warehouse):
    db = clean_warehouse
    channel, day = query(
        db,
        "select channel, spend_date from marts.fct_ad_spend where channel = 'douyin_ads' "
        "group by all order by sum(spend_cny) desc, spend_date limit 1",
    )[0]
    sessions_by_customer, sessions_by_id = _human_sessions(db)
    orders = query(
        db,
        "select order_id, customer_id, session_id, ordered_at, net_revenue_cny "
        "from marts.fct_orders where is_paid and paid_date = ?".replace("?", f"'{day}'"),
    )
    revenue = sum(
        (
            o[4]
            for o in orders
            if _last_touch_channel(o[:4], sessions_by_customer, sessions_by_id) == channel
        ),
        Decimal(0),
    )
    spend = query(
        db,
        f"select sum(spend) from raw.ad_spend where channel = '{channel}' and spend_date = '{day}'",
    )[0][0]
    expected_roi = float(revenue / spend)
    mart_roi, mart_revenue = query(
        db,
        "select roi, attributed_net_revenue_cny from marts.agg_channel_days "
        f"where channel = '{channel}' and date_day = '{day}' and attribution_model = 'last_touch'",
    )[0]
    assert mart_revenue == revenue
    assert mart_roi == pytest.approx(expected_roi, rel=1e-12)
    assert revenue > 0


def test_bots_never_get_credit_and_every_order_is_credited_once(clean_warehouse):
    db = clean_warehouse
    credited_bots = query(
        db,
        "select count(*) from marts.fct_order_attribution as a "
        "join marts.fct_sessions as s using (session_id) where s.is_bot",
    )[0][0]
    assert credited_bots == 0
    per_model = query(
        db,
        "select attribution_model, count(distinct order_id), sum(attributed_net_revenue_cny) "
        "from marts.fct_order_attribution group by 1 order by 1",
    )
    paid_orders, net_revenue = query(
        db, "select count(*), sum(net_revenue_cny) from marts.fct_orders where is_paid"
    )[0]
    assert [row[0] for row in per_model] == ["first_touch", "last_touch", "linear"]
    for _, orders, revenue in per_model:
        assert (orders, revenue) == (paid_orders, net_revenue)


def test_last_touch_revenue_of_every_channel_matches_a_hand_written_attribution(
    clean_warehouse,
):
    db = clean_warehouse
    sessions_by_customer, sessions_by_id = _human_sessions(db)
    expected: dict[str, Decimal] = {}
    for order in query(
        db,
        "select order_id, customer_id, session_id, ordered_at, net_revenue_cny "
        "from marts.fct_orders where is_paid",
    ):
        channel = _last_touch_channel(order[:4], sessions_by_customer, sessions_by_id)
        expected[channel] = expected.get(channel, Decimal(0)) + order[4]
    actual = dict(
        query(
            db,
            "select channel, sum(attributed_net_revenue_cny) from marts.agg_channel_days "
            "where attribution_model = 'last_touch' group by 1 having sum(attributed_orders) > 0",
        )
    )
    assert actual == expected


def test_one_days_funnel_conversion_matches_a_query_on_raw_events(clean_warehouse):
    """Session conversion of Douyin ads on its busiest day, straight from raw tables."""
    db = clean_warehouse
    day = query(
        db,
        "select session_date from marts.fct_sessions where channel = 'douyin_ads' "
        "group by 1 order by count(*) desc, 1 limit 1",
    )[0][0]
    expected = query(
        db,
        f"""
        with sessions as (
            select session_id, is_bot from raw.sessions
            where channel = 'douyin_ads'
              and timezone('Asia/Shanghai', started_at::timestamptz)::date = '{day}'
        ),
        events as (
            select session_id, event_type, occurred_at::timestamptz as at from raw.events
        ),
        per_session as (
            select
                s.session_id,
                coalesce(s.is_bot, false)
                or (count(e.session_id) >= 5
                    and coalesce(epoch(max(e.at) - min(e.at)), 0) <= 2) as bot,
                bool_or(e.event_type = 'payment') as paid
            from sessions as s left join events as e using (session_id)
            group by s.session_id, s.is_bot
        )
        select count(*) filter (where not bot and paid) / count(*) filter (where not bot)
        from per_session
        """,
    )[0][0]
    actual = query(
        db,
        "select sum(payment_sessions) / sum(sessions) from marts.agg_funnel_days "
        f"where channel = 'douyin_ads' and date_day = '{day}'",
    )[0][0]
    assert actual == pytest.approx(expected, rel=1e-12)
    assert expected > 0


def _last_touch_session(order, sessions_by_customer, sessions_by_id):
    """Last-touch session of a paid order (None when unattributed), as DECISIONLOG.md says."""
    order_id, customer_id, session_id, ordered_at = order
    candidates = {}
    for session in sessions_by_customer.get(customer_id, []):
        candidates[session[0]] = session
    if session_id in sessions_by_id:
        candidates[session_id] = sessions_by_id[session_id]
    touches = [s for s in candidates.values() if ordered_at - LOOKBACK <= s[2] <= ordered_at]
    return max(touches, key=lambda s: (s[2], s[0])) if touches else None


def test_a_festival_is_its_campaigns_on_every_channel(clean_warehouse):
    """campaign_event groups the campaigns the demo names after one festival, one per channel."""
    db = clean_warehouse
    events = query(
        db,
        "select c.campaign_event, r.campaign_name, c.channel, c.campaign_event_date "
        "from marts.dim_campaigns as c join raw.campaigns as r using (campaign_id) "
        "order by c.campaign_id",
    )
    named = {"618": "618", "double_11": "雙11", "double_12": "雙12"}
    by_event: dict = {}
    for event, name, channel, day in events:
        by_event.setdefault(event, []).append((name, channel, day))
    assert set(by_event) == {"618", "double_11", "double_12", None}
    # The demo runs each festival in both of its years, on the five paid channels.
    for event, token in named.items():
        campaigns = by_event[event]
        assert len(campaigns) == 2 * 5
        assert all(token in name for name, _, _ in campaigns), event
        for year in (2024, 2025):
            of_year = [c for c in campaigns if c[2].year == year]
            assert len({channel for _, channel, _ in of_year}) == 5, (event, year)
            assert len({day for _, _, day in of_year}) == 1, (event, year)
    assert not any(token in name for name, _, _ in by_event[None] for token in named.values())
    phases = query(
        db,
        "select campaign_event, count(distinct campaign_id) from marts.agg_campaign_phases "
        "group by 1 order by 1 nulls last",
    )
    # Each year: three live streams and a social-fission drive belong to no festival.
    assert phases == [("618", 10), ("double_11", 10), ("double_12", 10), (None, 8)]


def test_default_attribution_rows_hold_the_spend_and_revenue_once(clean_warehouse):
    db = clean_warehouse
    spend = query(db, "select sum(spend) from raw.ad_spend")[0][0]
    revenue = query(db, "select sum(net_revenue_cny) from marts.fct_orders where is_paid")[0][0]
    for table in ("agg_channel_days", "agg_channel_months"):
        default_spend, default_revenue, all_spend, models = query(
            db,
            "select sum(spend_cny) filter (where is_default_attribution_model), "
            "sum(attributed_net_revenue_cny) filter (where is_default_attribution_model), "
            f"sum(spend_cny), count(distinct attribution_model) from marts.{table}",
        )[0]
        assert (default_spend, default_revenue) == (spend, revenue), table
        assert all_spend == models * spend, table
    flagged = query(
        db,
        "select distinct attribution_model from marts.agg_channel_ltv_cac "
        "where is_default_attribution_model",
    )
    assert flagged == [("last_touch",)]


def test_one_campaign_phase_roi_matches_a_hand_written_attribution(clean_warehouse):
    """Burst ROI of the Double 11 Douyin campaign, from raw spend and last-touch sessions."""
    db = clean_warehouse
    campaign_id, burst_from, burst_to = query(
        db,
        "select campaign_id, cast(burst_starts_at as date), cast(tail_starts_at as date) "
        "from marts.dim_campaigns where campaign_event = 'double_11' and channel = 'douyin_ads'",
    )[0]
    spend = query(
        db,
        f"select sum(spend) from raw.ad_spend where campaign_id = '{campaign_id}' "
        f"and spend_date::date >= '{burst_from}' and spend_date::date < '{burst_to}'",
    )[0][0]
    by_customer, by_id = _human_sessions(db, "campaign_id")
    orders = query(
        db,
        "select order_id, customer_id, session_id, ordered_at, net_revenue_cny "
        f"from marts.fct_orders where is_paid and paid_date >= '{burst_from}' "
        f"and paid_date < '{burst_to}'",
    )
    revenue = Decimal(0)
    for order in orders:
        touch = _last_touch_session(order[:4], by_customer, by_id)
        if touch is not None and touch[3] == campaign_id:
            revenue += order[4]
    mart_spend, mart_revenue, mart_roi = query(
        db,
        "select spend_cny, campaign_attributed_net_revenue_cny, roi "
        f"from marts.agg_campaign_phases where campaign_id = '{campaign_id}' and phase = 'burst'",
    )[0]
    assert (mart_spend, mart_revenue) == (spend, revenue)
    assert mart_roi == pytest.approx(float(revenue / spend), rel=1e-12)
    assert revenue > 0
