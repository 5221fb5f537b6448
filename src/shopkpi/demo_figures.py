"""What the demo shop looks like, in figures: each measured on a built warehouse and held
in a band the demo must stay inside (DECISIONLOG.md "What the demo shop must look like"
says where each band comes from). ``shopkpi demo-figures`` prints the table;
tests/python/test_demo_figures.py holds the embedded demo to the bands.

Every figure is read from the marts with the project's own definitions (GMV = gmv_cny of
paid orders booked on paid_date, human sessions = not is_bot, bounce and 7-day retention
as their marts define them); schema raw is read nowhere. The campaign figures take the
last full calendar year of the data (its first and last day inside dim_dates). A figure
whose data is absent (a missing mart or column, an empty denominator, a one-year demo for
the year-on-year figures) has the value None.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

UNITS = ("×", "%", "days", "count")
# Channels whose first touch counts as social / content-led for the Gen-Z figure.
SOCIAL_CHANNELS = ("douyin_ads", "kol_live", "natural_recommendation", "xiaohongshu_ads")
# Member tiers from the lowest to the highest (seed member_tiers, tier_rank 0..3).
MEMBER_TIERS = ("none", "regular", "silver", "gold")
# Days of mean daily GMV before Double 11's warm-up that make its baseline (the
# catalogue's 28-day campaign baseline, var campaign_baseline_days).
BASELINE_DAYS = 28
# How DuckDB's binder words a column the query names but the table lacks.
MISSING_COLUMN_ERRORS = ("not found", "does not have a column")


@dataclass(frozen=True)
class Figure:
    """One measured figure and the band it must lie in (either end may be open)."""

    key: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    how: str

    @property
    def has_band(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def in_band(self) -> bool | None:
        """True inside the band (ends included), False outside it or without a value when
        banded; None when the figure has no band."""
        if not self.has_band:
            return None
        if self.value is None or math.isnan(self.value):
            return False
        if self.low is not None and self.value < self.low:
            return False
        return not (self.high is not None and self.value > self.high)


@dataclass(frozen=True)
class Context:
    """What several figures share: the open warehouse and the campaign year."""

    con: duckdb.DuckDBPyConnection
    year: int | None

    def one(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()


Measure = Callable[[Context], float | None]


@dataclass(frozen=True)
class Spec:
    """A figure to measure: its key, English label, band (low, high; either may be None),
    unit, one sentence on how it is measured, and the function measuring it."""

    key: str
    label: str
    band: tuple[float | None, float | None]
    unit: str
    how: str
    measure: Measure

    @property
    def low(self) -> float | None:
        return self.band[0]

    @property
    def high(self) -> float | None:
        return self.band[1]


# --------------------------------------------------------------------------- helpers


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _ratio(numerator: Any, denominator: Any) -> float | None:
    if numerator is None or denominator is None or float(denominator) == 0:
        return None
    return float(numerator) / float(denominator)


def _spread(values: Iterable[float | None]) -> float | None:
    """max / min of the values that exist; infinity when the smallest is 0."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    low, high = min(present), max(present)
    if low == 0:
        return math.inf if high > 0 else None
    return high / low


def campaign_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The last calendar year the data covers whole (1 Jan and 31 Dec inside dim_dates)."""
    first, last = con.execute("select min(date_day), max(date_day) from marts.dim_dates").fetchone()
    if first is None:
        return None
    year = last.year if (last.month, last.day) == (12, 31) else last.year - 1
    return year if date(year, 1, 1) >= first else None


def _gmv_between(ctx: Context, first: date, last: date) -> float:
    """GMV of paid orders booked (paid_date) on the days first..last, both included."""
    return float(
        ctx.one(
            "select coalesce(sum(gmv_cny), 0) from marts.fct_orders "
            "where is_paid and paid_date between ? and ?",
            (first, last),
        )
    )


def _mean_daily_gmv(ctx: Context, first: date, last: date) -> float:
    return _gmv_between(ctx, first, last) / ((last - first).days + 1)


def _daily_gmv(ctx: Context, first: date, last: date) -> list[float]:
    """GMV per day first..last, days without a paid order as 0."""
    rows = ctx.rows(
        """
        with days as (
            select unnest(generate_series(?::date, ?::date, interval 1 day))::date as day
        ),
        gmv as (
            select paid_date as day, sum(gmv_cny) as gmv
            from marts.fct_orders
            where is_paid
            group by 1
        )
        select coalesce(gmv.gmv, 0) from days left join gmv using (day) order by day
        """,
        (first, last),
    )
    return [float(row[0]) for row in rows]


def _double_11(ctx: Context) -> date | None:
    return None if ctx.year is None else date(ctx.year, 11, 11)


def _has_column(ctx: Context, table: str, column: str) -> bool:
    """The mart ``table`` of schema marts has the column (columns added by later versions
    of the project are absent from older warehouses)."""
    return bool(
        ctx.one(
            """
            select count(*) from information_schema.columns
            where table_schema = 'marts' and table_name = ? and column_name = ?
            """,
            (table, column),
        )
    )


def d11_warmup_start(ctx: Context) -> date | None:
    """First day of the campaign year's Double 11 warm-up: the earliest warm-up, starting
    that year before 11 Nov, of the campaigns named 雙11 (双11) or of festival double_11."""
    day = _double_11(ctx)
    if day is None:
        return None
    festival = (
        " or campaign_event = 'double_11'"
        if _has_column(ctx, "dim_campaigns", "campaign_event")
        else ""
    )
    return ctx.one(
        f"""
        select min(warmup_start_date)
        from marts.dim_campaigns
        where (campaign_name like '%雙11%' or campaign_name like '%双11%'{festival})
            and warmup_start_date between ? and ?
        """,
        (date(day.year, 1, 1), day),
    )


def _d11_baseline(ctx: Context) -> float | None:
    """Mean daily GMV of the BASELINE_DAYS days before Double 11's warm-up starts."""
    warmup = d11_warmup_start(ctx)
    if warmup is None:
        return None
    return _mean_daily_gmv(ctx, warmup - timedelta(days=BASELINE_DAYS), warmup - timedelta(days=1))


# --------------------------------------------------------------------------- campaigns


def _d11_day_vs_baseline(ctx: Context) -> float | None:
    day = _double_11(ctx)
    if day is None:
        return None
    return _ratio(_gmv_between(ctx, day, day), _d11_baseline(ctx))


def _busiest_day_vs_median(ctx: Context) -> float | None:
    if ctx.year is None:
        return None
    daily = _daily_gmv(ctx, date(ctx.year, 1, 1), date(ctx.year, 12, 31))
    return _ratio(max(daily), statistics.median(daily))


def _d11_first_two_hours_share(ctx: Context) -> float | None:
    day = _double_11(ctx)
    if day is None:
        return None
    early, whole = ctx.con.execute(
        """
        select sum(gmv_cny) filter (where hour(paid_at) < 2), sum(gmv_cny)
        from marts.fct_orders
        where is_paid and paid_date = ?
        """,
        [day],
    ).fetchone()
    return _ratio(early or 0, whole)


def _d11_presale_share(ctx: Context) -> float | None:
    day = _double_11(ctx)
    if day is None:
        return None
    presale, orders = ctx.con.execute(
        """
        select count(*) filter (where ordered_at < ?), count(*)
        from marts.fct_orders
        where is_paid and paid_date = ?
        """,
        [date(day.year, 11, 1), day],
    ).fetchone()
    return _ratio(presale, orders)


def _d11_slump(ctx: Context) -> float | None:
    day = _double_11(ctx)
    if day is None:
        return None
    after = _mean_daily_gmv(ctx, date(day.year, 11, 16), date(day.year, 11, 25))
    return _ratio(after, _d11_baseline(ctx))


# --------------------------------------------------------------------------- traffic


_CONVERSION_SQL = """
    with sessions as (
        select session_id, {group} as grp
        from marts.fct_sessions
        where not is_bot
    ),
    orders as (
        select session_id, count(*) as paid_orders
        from marts.fct_orders
        where is_paid and session_id is not null
        group by 1
    )
    select grp, sum(coalesce(orders.paid_orders, 0)), count(*)
    from sessions left join orders using (session_id)
    group by grp
"""


def conversion_by(ctx: Context, group: str) -> dict[object, float | None]:
    """Session conversion per group: paid orders placed in a human session / human
    sessions (``group`` an expression over fct_sessions: isodow(session_date), channel)."""
    rows = ctx.rows(_CONVERSION_SQL.format(group=group))
    return {grp: _ratio(orders, sessions) for grp, orders, sessions in rows}


def _conversion_weekday_spread(ctx: Context) -> float | None:
    return _spread(conversion_by(ctx, "isodow(session_date)").values())


def _conversion_channel_spread(ctx: Context) -> float | None:
    return _spread(conversion_by(ctx, "channel").values())


def _conversion_overall(ctx: Context) -> float | None:
    rows = ctx.rows(_CONVERSION_SQL.format(group="1"))
    return _ratio(rows[0][1], rows[0][2]) if rows else None


def bounce_by_channel(ctx: Context) -> dict[str, float | None]:
    """Bounce rate per channel as agg_landing_page_days pools it: bounced human sessions /
    human sessions with events."""
    rows = ctx.rows(
        """
        select channel, sum(bounced_sessions), sum(sessions_with_events)
        from marts.agg_landing_page_days
        group by 1
        """
    )
    return {channel: _ratio(bounced, with_events) for channel, bounced, with_events in rows}


def _bounce_min_channel(ctx: Context) -> float | None:
    rates = [r for r in bounce_by_channel(ctx).values() if r is not None]
    return min(rates) if rates else None


def _bounce_max_channel(ctx: Context) -> float | None:
    rates = [r for r in bounce_by_channel(ctx).values() if r is not None]
    return max(rates) if rates else None


# --------------------------------------------------------------------------- Gen-Z


def _gen_z_vs_others(ctx: Context, sql: str) -> float | None:
    """``sql`` returns (is_gen_z, value) rows; the Gen-Z value / the others' value."""
    values = {bool(flag): _float(value) for flag, value in ctx.rows(sql)}
    return _ratio(values.get(True), values.get(False))


def _gen_z_aov_ratio(ctx: Context) -> float | None:
    return _gen_z_vs_others(
        ctx,
        """
        select c.is_gen_z, sum(o.net_revenue_cny) / count(*)
        from marts.fct_orders as o
        join marts.dim_customers as c using (customer_id)
        where o.is_paid
        group by 1
        """,
    )


def _gen_z_orders_ratio(ctx: Context) -> float | None:
    return _gen_z_vs_others(
        ctx,
        "select is_gen_z, avg(paid_orders) from marts.dim_customers where is_buyer group by 1",
    )


def _gen_z_refund_ratio(ctx: Context) -> float | None:
    return _gen_z_vs_others(
        ctx,
        """
        select c.is_gen_z, avg(o.has_refund::int)
        from marts.fct_orders as o
        join marts.dim_customers as c using (customer_id)
        where o.is_paid
        group by 1
        """,
    )


def _gen_z_share(ctx: Context) -> float | None:
    gen_z, known = ctx.con.execute(
        """
        select count(*) filter (where is_gen_z), count(*)
        from marts.dim_customers
        where birth_year is not null
        """
    ).fetchone()
    return _ratio(gen_z, known)


def _gen_z_social_first_channel_ratio(ctx: Context) -> float | None:
    social = ", ".join(f"'{channel}'" for channel in SOCIAL_CHANNELS)
    return _gen_z_vs_others(
        ctx,
        f"""
        with first_sessions as (
            select customer_id, arg_min(channel, started_at) as channel
            from marts.fct_sessions
            where customer_id is not null and not is_bot
            group by 1
        ),
        first_channels as (
            select
                c.is_gen_z,
                coalesce(nullif(c.acquisition_channel, 'unattributed'), f.channel) as channel
            from marts.dim_customers as c
            left join first_sessions as f using (customer_id)
        )
        select is_gen_z, avg((channel in ({social}))::int)
        from first_channels
        where channel is not null
        group by 1
        """,
    )


# --------------------------------------------------------------------------- members, cities


def orders_per_buyer_by_tier(ctx: Context) -> dict[str, float]:
    rows = ctx.rows(
        "select member_tier, avg(paid_orders) from marts.dim_customers where is_buyer group by 1"
    )
    return {tier: float(value) for tier, value in rows}


def _gold_vs_none_orders(ctx: Context) -> float | None:
    tiers = orders_per_buyer_by_tier(ctx)
    return _ratio(tiers.get("gold"), tiers.get("none"))


def _tiers_monotonic(ctx: Context) -> float | None:
    tiers = orders_per_buyer_by_tier(ctx)
    if any(tier not in tiers for tier in MEMBER_TIERS):
        return None
    values = [tiers[tier] for tier in MEMBER_TIERS]
    return float(all(a < b for a, b in zip(values, values[1:], strict=False)))


def _city_tier_aov_ratio(ctx: Context) -> float | None:
    if not _has_column(ctx, "dim_customers", "city_tier"):
        return None
    rows = ctx.rows(
        """
        select c.city_tier, sum(o.net_revenue_cny) / count(*)
        from marts.fct_orders as o
        join marts.dim_customers as c using (customer_id)
        where o.is_paid and c.city_tier is not null
        group by 1
        order by 1
        """
    )
    if len(rows) < 2:
        return None
    return _ratio(rows[0][1], rows[-1][1])


# --------------------------------------------------------------------------- customers


def _retention_7d(ctx: Context) -> float | None:
    retained, new = ctx.con.execute(
        """
        select sum(retained_customers), sum(new_customers)
        from marts.agg_new_customer_retention
        where is_window_elapsed
        """
    ).fetchone()
    return _ratio(retained, new)


def _top20_revenue_share(ctx: Context) -> float | None:
    return _float(
        ctx.one(
            """
            with buyers as (
                select
                    lifetime_net_revenue_cny as revenue,
                    row_number() over (
                        order by lifetime_net_revenue_cny desc, customer_id
                    ) as rank,
                    count(*) over () as buyers
                from marts.dim_customers
                where is_buyer
            )
            select sum(revenue) filter (where rank <= 0.2 * buyers) / nullif(sum(revenue), 0)
            from buyers
            """
        )
    )


def _order_count_share(condition: str) -> Measure:
    def measure(ctx: Context) -> float | None:
        return _float(
            ctx.one(f"select avg(({condition})::int) from marts.dim_customers where is_buyer")
        )

    return measure


def _registered_after_anonymous_visits(ctx: Context) -> float | None:
    return _float(
        ctx.one(
            """
            with customer_visitors as (
                select customer_id, visitor_id
                from marts.fct_sessions
                where customer_id is not null and visitor_id is not null
                union
                select o.customer_id, s.visitor_id
                from marts.fct_orders as o
                join marts.fct_sessions as s using (session_id)
                where s.visitor_id is not null
            ),
            buyers as (
                select
                    c.customer_id,
                    bool_or(
                        exists (
                            select 1
                            from marts.fct_sessions as a
                            where a.visitor_id = v.visitor_id
                                and a.customer_id is null
                                and not a.is_bot
                                and a.started_at < c.registered_at
                        )
                    ) as visited_anonymously
                from marts.dim_customers as c
                join customer_visitors as v using (customer_id)
                where c.is_buyer and c.registered_at is not null
                group by 1
            )
            select avg(visited_anonymously::int) from buyers
            """
        )
    )


def _yoy_months(ctx: Context) -> float | None:
    months = ctx.one(
        """
        with months as (
            select distinct date_trunc('month', paid_date) as month
            from marts.fct_orders
            where is_paid
        )
        select count(*)
        from months as m
        join months as a on a.month = m.month - interval 12 month
        """
    )
    return float(months) if months else None


def _ltv_365_cohorts(ctx: Context) -> float | None:
    cohorts = ctx.one(
        """
        select count(*) from (
            select cohort_month
            from marts.agg_cohort_ltv
            group by 1
            having sum(customers_365d_elapsed) > 0
        )
        """
    )
    return float(cohorts) if cohorts else None


# --------------------------------------------------------------------------- orders, refunds


def category_refund_rate(ctx: Context, category: str) -> float | None:
    """Paid order lines of the category with a refund allocated to them / paid order lines
    of the category."""
    return _float(
        ctx.one(
            """
            select avg((refund_cny > 0)::int)
            from marts.fct_order_items
            where is_paid and category = ?
            """,
            (category,),
        )
    )


def _earlier_touch_share(ctx: Context) -> float | None:
    return _float(
        ctx.one(
            """
            select avg((a.touches_in_window > 1)::int)
            from marts.fct_orders as o
            join marts.fct_sessions as s on s.session_id = o.session_id and not s.is_bot
            join marts.fct_order_attribution as a
                on a.order_id = o.order_id and a.attribution_model = 'last_touch'
            where o.is_paid
            """
        )
    )


def _attribution_model_shift(ctx: Context) -> float | None:
    return _float(
        ctx.one(
            """
            with credited as (
                select
                    channel,
                    coalesce(sum(attributed_net_revenue_cny)
                        filter (where attribution_model = 'first_touch'), 0) as first_touch,
                    coalesce(sum(attributed_net_revenue_cny)
                        filter (where attribution_model = 'last_touch'), 0) as last_touch
                from marts.fct_order_attribution
                group by 1
            ),
            shares as (
                select
                    first_touch / nullif(sum(first_touch) over (), 0) as first_share,
                    last_touch / nullif(sum(last_touch) over (), 0) as last_share
                from credited
            )
            select max(abs(first_share - last_share)) from shares
            """
        )
    )


def _delivery(ctx: Context) -> tuple[float | None, float | None, float | None]:
    mean, p90, longest = ctx.con.execute(
        """
        select avg(fulfilment_days), quantile_cont(fulfilment_days, 0.9), max(fulfilment_days)
        from marts.fct_orders
        where is_paid and fulfilment_days is not null
        """
    ).fetchone()
    return _float(mean), _float(p90), _float(longest)


def _delivery_mean_days(ctx: Context) -> float | None:
    return _delivery(ctx)[0]


def _delivery_p90_over_mean(ctx: Context) -> float | None:
    mean, p90, _ = _delivery(ctx)
    return _ratio(p90, mean)


def _delivery_max_days(ctx: Context) -> float | None:
    return _delivery(ctx)[2]


# --------------------------------------------------------------------------- stock, budgets


def _stockout_product_days_share(ctx: Context) -> float | None:
    return _float(ctx.one("select avg(is_stock_out::int) from marts.snap_inventory_days"))


def _stockout_sales_ratio(ctx: Context) -> float | None:
    """Units sold per product-day out of stock all day / per product-day opening in stock,
    over the products that were ever out all day (a same-day delivery can still sell)."""
    if not ctx.one("select count(*) from marts.snap_inventory_days"):
        return None
    return _float(
        ctx.one(
            """
            with stock as (
                select
                    product_id,
                    snapshot_date,
                    on_hand_qty,
                    lag(on_hand_qty) over by_product as opening_qty,
                    lag(snapshot_date) over by_product as previous_date
                from marts.snap_inventory_days
                window by_product as (partition by product_id order by snapshot_date)
            ),
            sold as (
                select product_id, order_date, sum(quantity) as units
                from marts.fct_order_items
                where is_paid
                group by 1, 2
            ),
            days as (
                select
                    stock.product_id,
                    stock.opening_qty = 0 and stock.on_hand_qty = 0 as is_out_all_day,
                    stock.opening_qty > 0 as opens_in_stock,
                    coalesce(sold.units, 0) as units
                from stock
                left join sold
                    on sold.product_id = stock.product_id
                    and sold.order_date = stock.snapshot_date
                where stock.previous_date = stock.snapshot_date - 1
                    and stock.product_id in (
                        select product_id from stock
                        where opening_qty = 0 and on_hand_qty = 0
                            and previous_date = snapshot_date - 1
                    )
            )
            select
                avg(case when is_out_all_day then units end)
                / nullif(avg(case when opens_in_stock then units end), 0)
            from days
            """
        )
    )


def _budget_share(condition: str) -> Measure:
    def measure(ctx: Context) -> float | None:
        return _float(
            ctx.one(
                f"""
                select avg(({condition})::int)
                from marts.agg_channel_months
                where is_default_attribution_model and budget_cny > 0
                """
            )
        )

    return measure


def _douyin_over_cap_months(ctx: Context) -> float | None:
    months, over = ctx.con.execute(
        """
        select count(*), count(*) filter (where is_over_cap)
        from marts.agg_channel_months
        where is_default_attribution_model and channel = 'douyin_ads'
        """
    ).fetchone()
    return float(over) if months else None


def _price_endings(ctx: Context) -> float | None:
    endings, products = ctx.con.execute(
        """
        select count(distinct round(list_price_cny * 100)::bigint % 100), count(list_price_cny)
        from marts.dim_products
        """
    ).fetchone()
    return float(endings) if products else None


# --------------------------------------------------------------------------- the figures


SPECS: tuple[Spec, ...] = (
    Spec(
        "d11_day_vs_baseline",
        "Double 11 day GMV vs pre-campaign baseline",
        (10, 20),
        "×",
        "GMV paid on 11 Nov of the last full year / mean daily GMV of the 28 days before the "
        "earliest warm-up start of that year's Double 11 (雙11) campaigns.",
        _d11_day_vs_baseline,
    ),
    Spec(
        "busiest_day_vs_median",
        "Busiest day GMV vs median day",
        (8, 25),
        "×",
        "Highest daily GMV / median daily GMV over the days of the last full year (days "
        "without a paid order count as 0).",
        _busiest_day_vs_median,
    ),
    Spec(
        "d11_first_two_hours_share",
        "Double 11 GMV paid 00:00-01:59",
        (0.15, 0.60),
        "%",
        "GMV of 11 Nov paid before 02:00 shop time / GMV paid that day.",
        _d11_first_two_hours_share,
    ),
    Spec(
        "d11_presale_share",
        "Double 11 orders pre-sold before 1 Nov",
        (0.10, 0.60),
        "%",
        "Paid orders booked on 11 Nov whose order was created before 1 Nov (deposit in the "
        "warm-up, balance on the day) / paid orders booked on 11 Nov.",
        _d11_presale_share,
    ),
    Spec(
        "d11_slump",
        "Post-Double 11 slump (16-25 Nov vs baseline)",
        (0.4, 0.95),
        "×",
        "Mean daily GMV of 16-25 Nov / the same 28-day pre-warm-up baseline as the Double 11 "
        "multiple.",
        _d11_slump,
    ),
    Spec(
        "conversion_weekday_spread",
        "Conversion spread across weekdays",
        (1.08, 2.0),
        "×",
        "Session conversion (paid orders placed in a human session / human sessions) per "
        "weekday of the session over all the data: highest / lowest.",
        _conversion_weekday_spread,
    ),
    Spec(
        "conversion_channel_spread",
        "Conversion spread across channels",
        (2.0, 20),
        "×",
        "Session conversion per session channel over all the data: highest / lowest.",
        _conversion_channel_spread,
    ),
    Spec(
        "conversion_overall",
        "Session conversion",
        (0.02, 0.07),
        "%",
        "Paid orders placed in a human (non-bot) session / human sessions, all the data.",
        _conversion_overall,
    ),
    Spec(
        "bounce_min_channel",
        "Bounce rate, lowest channel",
        (0.15, 0.38),
        "%",
        "Bounced human sessions / human sessions with events per channel "
        "(agg_landing_page_days), the lowest channel.",
        _bounce_min_channel,
    ),
    Spec(
        "bounce_max_channel",
        "Bounce rate, highest channel",
        (0.48, 0.70),
        "%",
        "The same bounce rate per channel, the highest channel.",
        _bounce_max_channel,
    ),
    Spec(
        "gen_z_aov_ratio",
        "Gen-Z AOV vs others",
        (0.60, 0.90),
        "×",
        "AOV (net revenue / paid orders) of Gen-Z customers (dim_customers.is_gen_z) / AOV "
        "of all other customers.",
        _gen_z_aov_ratio,
    ),
    Spec(
        "gen_z_orders_ratio",
        "Gen-Z paid orders per buyer vs others",
        (1.10, 2.0),
        "×",
        "Mean paid orders per buying customer, Gen-Z / others.",
        _gen_z_orders_ratio,
    ),
    Spec(
        "gen_z_refund_ratio",
        "Gen-Z refunded-order rate vs others",
        (1.15, 3.0),
        "×",
        "Share of paid orders with a refund (fct_orders.has_refund), Gen-Z / others.",
        _gen_z_refund_ratio,
    ),
    Spec(
        "gen_z_share",
        "Gen-Z share of customers",
        (0.30, 0.50),
        "%",
        "Customers born 1995-2010 / customers with a birth year.",
        _gen_z_share,
    ),
    Spec(
        "gen_z_social_first_channel_ratio",
        "Gen-Z social-first acquisition vs others",
        (1.2, 3.0),
        "×",
        "Share of customers first reached through douyin_ads, kol_live, "
        "natural_recommendation or xiaohongshu_ads (the first paid order's session channel, "
        "else the first logged-in human session's), Gen-Z / others; customers with neither "
        "are left out.",
        _gen_z_social_first_channel_ratio,
    ),
    Spec(
        "gold_vs_none_orders",
        "Gold members' paid orders per buyer vs non-members",
        (1.5, 4.0),
        "×",
        "Mean paid orders per buying customer, member tier gold / tier none.",
        _gold_vs_none_orders,
    ),
    Spec(
        "tiers_monotonic",
        "Orders per buyer rise with member tier",
        (1, 1),
        "count",
        "1 when mean paid orders per buying customer strictly increase none < regular < "
        "silver < gold, else 0.",
        _tiers_monotonic,
    ),
    Spec(
        "city_tier_aov_ratio",
        "AOV tier-1 cities vs lowest city tier",
        (1.05, 1.6),
        "×",
        "AOV (net revenue / paid orders) of customers in tier-1 cities / in the lowest city "
        "tier (dim_customers.city_tier; none while the column is absent).",
        _city_tier_aov_ratio,
    ),
    Spec(
        "retention_7d",
        "7-day new-customer retention",
        (0.20, 0.36),
        "%",
        "New customers active again (session or order) on days 1-7 after their first paid "
        "day / new customers, over every first-order day whose window has elapsed "
        "(agg_new_customer_retention).",
        _retention_7d,
    ),
    Spec(
        "refund_rate_apparel",
        "Refund rate, apparel lines",
        (0.20, 0.50),
        "%",
        "Paid apparel order lines with a refund allocated to them / paid apparel order lines.",
        lambda ctx: category_refund_rate(ctx, "apparel"),
    ),
    Spec(
        "refund_rate_snacks",
        "Refund rate, snack lines",
        (0.0, 0.05),
        "%",
        "Paid snack order lines with a refund allocated to them / paid snack order lines.",
        lambda ctx: category_refund_rate(ctx, "snacks"),
    ),
    Spec(
        "earlier_touch_share",
        "Orders with an earlier visit in the lookback",
        (0.35, 0.80),
        "%",
        "Paid orders placed in a human session that have more than one touch in the "
        "attribution lookback (fct_order_attribution.touches_in_window > 1) / paid orders "
        "placed in a human session.",
        _earlier_touch_share,
    ),
    Spec(
        "attribution_model_shift",
        "Largest channel shift, first vs last touch",
        (0.03, 0.30),
        "%",
        "Over channels, the largest |share of credited net revenue under first touch - "
        "share under last touch| (fct_order_attribution).",
        _attribution_model_shift,
    ),
    Spec(
        "top20_revenue_share",
        "Net revenue from the top 20% of buyers",
        (0.60, 0.80),
        "%",
        "Lifetime net revenue of the top 20% of buying customers by lifetime net revenue / "
        "all buyers' net revenue.",
        _top20_revenue_share,
    ),
    Spec(
        "one_order_share",
        "Buyers with one paid order",
        (0.45, 0.72),
        "%",
        "Buying customers with exactly one paid order / buying customers.",
        _order_count_share("paid_orders = 1"),
    ),
    Spec(
        "five_plus_order_share",
        "Buyers with five or more paid orders",
        (0.05, 0.18),
        "%",
        "Buying customers with at least five paid orders / buying customers.",
        _order_count_share("paid_orders >= 5"),
    ),
    Spec(
        "registered_after_anonymous_visits",
        "Buyers who browsed anonymously before registering",
        (0.30, 0.90),
        "%",
        "Buying customers one of whose visitor ids (from their logged-in or order sessions) "
        "has a human session without a customer that started before their registration / "
        "buying customers with a visitor id.",
        _registered_after_anonymous_visits,
    ),
    Spec(
        "delivery_mean_days",
        "Fulfilment time, mean",
        (1.8, 4.5),
        "days",
        "Mean days from payment to delivery (fct_orders.fulfilment_days) of delivered paid orders.",
        _delivery_mean_days,
    ),
    Spec(
        "delivery_p90_over_mean",
        "Fulfilment time, p90 / mean",
        (1.5, 3.5),
        "×",
        "90th percentile of payment-to-delivery days / their mean.",
        _delivery_p90_over_mean,
    ),
    Spec(
        "delivery_max_days",
        "Fulfilment time, longest",
        (8, 30),
        "days",
        "Longest payment-to-delivery time of a delivered paid order, days.",
        _delivery_max_days,
    ),
    Spec(
        "stockout_product_days_share",
        "Stock-out product-days",
        (0.003, 0.05),
        "%",
        "Product-days with nothing on hand at the end of the day / product-days "
        "(snap_inventory_days).",
        _stockout_product_days_share,
    ),
    Spec(
        "stockout_sales_ratio",
        "Sales on days out of stock vs days in stock",
        (0, 0.25),
        "×",
        "Units of paid order lines per product-day whose opening (the previous day's on "
        "hand) and closing stock are both 0, over units per product-day opening with stock, "
        "for the products ever out all day: a stock-out loses sales; only a delivery landing "
        "that day can sell.",
        _stockout_sales_ratio,
    ),
    Spec(
        "over_budget_share",
        "Channel-months over budget by > 10%",
        (0.03, 0.25),
        "%",
        "Month x channel rows with a budget (agg_channel_months) whose spend exceeds 110% "
        "of it / rows with a budget.",
        _budget_share("spend_cny > 1.1 * budget_cny"),
    ),
    Spec(
        "under_budget_share",
        "Channel-months under budget by > 10%",
        (0.15, 0.70),
        "%",
        "Month x channel rows with a budget whose spend is below 90% of it / rows with a budget.",
        _budget_share("spend_cny < 0.9 * budget_cny"),
    ),
    Spec(
        "douyin_over_cap_months",
        "Months Douyin exceeds its spend-share cap",
        (2, 8),
        "count",
        "Months in which douyin_ads' share of the month's ad spend is above its cap "
        "(agg_channel_months.is_over_cap, strict caps).",
        _douyin_over_cap_months,
    ),
    Spec(
        "yoy_months",
        "Months with a year-earlier month",
        (12, 24),
        "count",
        "Months with paid orders whose month a year earlier also has paid orders (none "
        "when no month has).",
        _yoy_months,
    ),
    Spec(
        "ltv_365_cohorts",
        "Cohorts with a 365-day LTV",
        (6, 24),
        "count",
        "First-order-month cohorts with at least one customer whose 365-day LTV window has "
        "elapsed (agg_cohort_ltv; none when no cohort has).",
        _ltv_365_cohorts,
    ),
    Spec(
        "price_endings",
        "Distinct price endings",
        (3, 100),
        "count",
        "Distinct last two digits (fen) of products' list prices (dim_products).",
        _price_endings,
    ),
)
KEYS: tuple[str, ...] = tuple(spec.key for spec in SPECS)


def _value(spec: Spec, ctx: Context) -> float | None:
    try:
        value = spec.measure(ctx)
    except duckdb.CatalogException:
        return None  # the mart is absent from this warehouse
    except duckdb.BinderException as error:
        if not any(text in str(error) for text in MISSING_COLUMN_ERRORS):
            raise
        return None  # a column the figure reads is absent (a warehouse of an older version)
    return None if value is None else float(value)


def measure(db_path: Path | str) -> list[Figure]:
    """Every figure of SPECS measured on the warehouse file ``db_path`` (opened read-only)."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse file at {path}")
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            year = campaign_year(con)
        except duckdb.CatalogException:
            year = None
        ctx = Context(con, year)
        return [
            Figure(
                spec.key, spec.label, _value(spec, ctx), spec.low, spec.high, spec.unit, spec.how
            )
            for spec in SPECS
        ]


# --------------------------------------------------------------------------- the table


def _significant(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, never in exponent notation."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if math.isinf(value):
        return "∞"
    if unit == "%":
        return f"{_significant(value * 100)}%"
    if unit == "×":
        return f"{_significant(value)}×"
    if unit == "days":
        return f"{_significant(value)} days"
    if float(value).is_integer():
        return f"{int(value):,}"
    return _significant(value)


def _bound(value: float, unit: str) -> str:
    return f"{value * 100:g}" if unit == "%" else f"{value:g}"


def format_band(low: float | None, high: float | None, unit: str) -> str:
    suffix = {"%": "%", "×": "×", "days": " days", "count": ""}[unit]
    if low is None and high is None:
        return ""
    if low is None:
        return f"≤ {_bound(high, unit)}{suffix}"
    if high is None:
        return f"≥ {_bound(low, unit)}{suffix}"
    if low == high:
        return f"{_bound(low, unit)}{suffix}"
    return f"{_bound(low, unit)}–{_bound(high, unit)}{suffix}"


def format_table(figures: Sequence[Figure], before: Sequence[Figure] | None = None) -> str:
    """A markdown table: figure | before | now | band | ok (ok: ✓ inside the band, ✗ outside
    it or without a value). ``before`` is the same figures measured on another warehouse;
    without it the before column shows n/a."""
    earlier = {figure.key: figure for figure in before or ()}
    lines = ["| figure | before | now | band | ok |", "|---|---:|---:|---|:---:|"]
    for figure in figures:
        old = earlier.get(figure.key)
        ok = {True: "✓", False: "✗", None: ""}[figure.in_band]
        lines.append(
            f"| {figure.label} (`{figure.key}`) "
            f"| {format_value(old.value if old else None, figure.unit)} "
            f"| {format_value(figure.value, figure.unit)} "
            f"| {format_band(figure.low, figure.high, figure.unit)} | {ok} |"
        )
    return "\n".join(lines)


def all_in_band(figures: Iterable[Figure]) -> bool:
    """No banded figure lies outside its band or lacks a value."""
    return all(figure.in_band is not False for figure in figures)
