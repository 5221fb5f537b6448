"""Core KPIs from a folder of raw parquet with Polars (lazy): the other thing a data team
would pick instead of the dbt project.

    python bench/kpis_polars.py RAW_DIR OUT_DIR

The same KPIs and definitions as bench/kpis_pandas.py (the marts' definitions), written to
OUT_DIR/<kpi>.parquet. No data-quality quarantine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

TZ = "Asia/Shanghai"
PAID_STATUSES = ["paid", "shipped", "delivered", "refunded"]
STEP = {"product_view": 2, "add_to_cart": 3, "checkout": 4, "payment": 5}


def scan(raw_dir: Path, table: str) -> pl.LazyFrame:
    single = raw_dir / f"{table}.parquet"
    return pl.scan_parquet(single if single.is_file() else raw_dir / table / "**" / "*.parquet")


def shop_time(column: str) -> pl.Expr:
    """ISO timestamps with an offset -> naive shop time."""
    return (
        pl.col(column)
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%z")
        .dt.convert_time_zone(TZ)
        .dt.replace_time_zone(None)
    )


def money(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Float64).fill_null(0.0)


def rfm_score(column: str, higher_is_better: bool) -> pl.Expr:
    """1 + floor(5 x rows with a strictly worse value / rows); ties share the lowest."""
    rank = pl.col(column).rank(method="min", descending=not higher_is_better).cast(pl.Int64)
    return (1 + (5 * (rank - 1)) // pl.len()).cast(pl.Int64)


def main(raw_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)

    orders = scan(raw_dir, "orders").select(
        "order_id",
        "customer_id",
        "session_id",
        "ordered_at",
        "paid_at",
        "status",
        "discount_amount",
    )
    line_amount = (
        scan(raw_dir, "order_items")
        .group_by("order_id")
        .agg(
            line_amount=(pl.col("quantity") * money("unit_price") - money("discount_amount")).sum()
        )
    )
    refund_amount = (
        scan(raw_dir, "refunds")
        .group_by("order_id")
        .agg(refund_amount=money("refund_amount").sum())
    )
    gmv = pl.col("line_amount") - money("discount_amount")
    paid = (
        orders.filter(pl.col("paid_at").is_not_null() & pl.col("status").is_in(PAID_STATUSES))
        .with_columns(ordered_at=shop_time("ordered_at"), paid_date=shop_time("paid_at").dt.date())
        .join(line_amount, on="order_id", how="left")
        .join(refund_amount, on="order_id", how="left")
        .with_columns(
            gmv=pl.when(pl.col("line_amount").is_null()).then(0.0).otherwise(gmv),
            net_revenue=pl.when(pl.col("line_amount").is_null())
            .then(0.0)
            .otherwise(gmv - pl.col("refund_amount").fill_null(0.0)),
        )
        .select(
            "order_id", "customer_id", "session_id", "ordered_at", "paid_date", "gmv", "net_revenue"
        )
        .collect()
    )

    # Sessions: furthest funnel step and the bot flag (tracker, or 5+ events within 2 s).
    per_session = (
        scan(raw_dir, "events")
        .with_columns(
            occurred_at=shop_time("occurred_at"),
            step=pl.col("event_type").replace_strict(STEP, default=1, return_dtype=pl.Int64),
        )
        .group_by("session_id")
        .agg(
            event_count=pl.len(),
            funnel_step=pl.col("step").max(),
            span_seconds=(
                pl.col("occurred_at").max() - pl.col("occurred_at").min()
            ).dt.total_seconds(),
        )
    )
    sessions = (
        scan(raw_dir, "sessions")
        .select("session_id", "visitor_id", "customer_id", "started_at", "channel", "is_bot")
        .with_columns(started_at=shop_time("started_at"))
        .join(per_session, on="session_id", how="left")
        .with_columns(
            is_bot=pl.col("is_bot").fill_null(False)
            | ((pl.col("event_count") >= 5) & (pl.col("span_seconds") <= 2)).fill_null(False),
            funnel_step=pl.col("funnel_step").fill_null(1),
        )
        .collect()
    )
    human = sessions.filter(~pl.col("is_bot"))

    # Devices stitched to the one customer who logged in on them.
    logins = human.filter(pl.col("customer_id").is_not_null()).select(
        "visitor_id", "customer_id", logged_in_at=pl.col("started_at")
    )
    order_visits = (
        orders.select("session_id", "customer_id")
        .collect()
        .join(human.select("session_id", "visitor_id"), on="session_id")
        .select("visitor_id", "customer_id", logged_in_at=pl.lit(None, dtype=pl.Datetime("us")))
    )
    stitched = (
        pl.concat([logins, order_visits])
        .group_by("visitor_id")
        .agg(
            customers=pl.col("customer_id").n_unique(),
            stitched_customer_id=pl.col("customer_id").min(),
            first_login=pl.col("logged_in_at").min(),
        )
        .filter((pl.col("customers") == 1) & pl.col("first_login").is_not_null())
        .select("visitor_id", "stitched_customer_id")
    )

    # Last touch: the latest human session of the customer (logged in or on a stitched
    # device) or the order's own session, started within 7 days before the order.
    customer_visits = pl.concat(
        [
            human.filter(pl.col("customer_id").is_not_null()).select(
                "customer_id", "session_id", "channel", "started_at"
            ),
            human.filter(pl.col("customer_id").is_null())
            .join(stitched, on="visitor_id")
            .select(
                customer_id=pl.col("stitched_customer_id"),
                session_id=pl.col("session_id"),
                channel=pl.col("channel"),
                started_at=pl.col("started_at"),
            ),
        ]
    )
    touch_columns = ["order_id", "session_id", "channel", "started_at", "ordered_at"]
    touches = pl.concat(
        [
            paid.select("order_id", "customer_id", "ordered_at")
            .join(customer_visits, on="customer_id")
            .select(touch_columns),
            paid.select("order_id", "session_id", "ordered_at")
            .join(human.select("session_id", "channel", "started_at"), on="session_id")
            .select(touch_columns),
        ]
    ).filter(
        (pl.col("started_at") >= pl.col("ordered_at") - pl.duration(days=7))
        & (pl.col("started_at") <= pl.col("ordered_at"))
    )
    last_touch = (
        touches.sort(["order_id", "started_at", "session_id"])
        .group_by("order_id")
        .agg(channel=pl.col("channel").last())
    )
    paid = paid.join(last_touch, on="order_id", how="left").with_columns(
        channel=pl.col("channel").fill_null("unattributed")
    )

    # KPI 1: daily GMV by channel.
    paid.group_by(date_day=pl.col("paid_date"), channel=pl.col("channel")).agg(
        paid_orders=pl.len(), gmv_cny=pl.col("gmv").sum().round(2)
    ).write_parquet(out_dir / "gmv_channel_days.parquet")

    # KPI 2: RFM scores as of the last day with a paid order.
    as_of = paid["paid_date"].max()
    (
        paid.group_by("customer_id")
        .agg(
            last_paid=pl.col("paid_date").max(),
            frequency=pl.len(),
            monetary_cny=pl.col("net_revenue").sum().round(2),
        )
        .with_columns(recency_days=(pl.lit(as_of) - pl.col("last_paid")).dt.total_days())
        .with_columns(
            r_score=rfm_score("recency_days", higher_is_better=False),
            f_score=rfm_score("frequency", higher_is_better=True),
            m_score=rfm_score("monetary_cny", higher_is_better=True),
        )
        .drop("last_paid")
        .write_parquet(out_dir / "customer_rfm.parquet")
    )

    # KPI 3: funnel step counts by day and channel.
    human_steps = [
        (~pl.col("is_bot") & (pl.col("funnel_step") >= step)).sum().alias(name)
        for step, name in [
            (1, "sessions"),
            (2, "product_view_sessions"),
            (3, "add_to_cart_sessions"),
            (4, "checkout_sessions"),
            (5, "payment_sessions"),
        ]
    ]
    sessions.group_by(date_day=pl.col("started_at").dt.date(), channel=pl.col("channel")).agg(
        *human_steps, bot_sessions=pl.col("is_bot").sum()
    ).write_parquet(out_dir / "funnel_channel_days.parquet")

    # KPI 4: channel ROI by month.
    spend_months = (
        scan(raw_dir, "ad_spend")
        .group_by(
            month_start_date=pl.col("spend_date").str.to_date().dt.month_start(),
            channel=pl.col("channel"),
        )
        .agg(spend_cny=money("spend").sum().round(2))
        .collect()
    )
    revenue_months = paid.group_by(
        month_start_date=pl.col("paid_date").dt.month_start(), channel=pl.col("channel")
    ).agg(paid_orders=pl.len(), attributed_net_revenue_cny=pl.col("net_revenue").sum().round(2))
    (
        spend_months.join(
            revenue_months, on=["month_start_date", "channel"], how="full", coalesce=True
        )
        .with_columns(pl.col("spend_cny", "attributed_net_revenue_cny", "paid_orders").fill_null(0))
        .filter((pl.col("spend_cny") > 0) | (pl.col("paid_orders") > 0))
        .with_columns(
            roi=pl.when(pl.col("spend_cny") > 0).then(
                pl.col("attributed_net_revenue_cny") / pl.col("spend_cny")
            )
        )
        .drop("paid_orders")
        .write_parquet(out_dir / "roi_channel_months.parquet")
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
