"""Core KPIs from a folder of raw parquet with plain pandas: the script a data team would
write instead of the dbt project.

    python bench/kpis_pandas.py RAW_DIR OUT_DIR

Reads RAW_DIR/<table>.parquet (or a folder RAW_DIR/<table>/ of parquet parts) and writes
daily GMV by channel, RFM scores, funnel step counts by day and channel, and channel ROI by
month to OUT_DIR/<kpi>.parquet, with the marts' definitions (models/marts): paid orders,
last-touch attribution over the customer's human sessions in the 7-day lookback, RFM
quintiles, funnel steps, ROI = net revenue / spend. No data-quality quarantine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"
PAID_STATUSES = ["paid", "shipped", "delivered", "refunded"]
LOOKBACK = pd.Timedelta(days=7)
STEP = {"product_view": 2, "add_to_cart": 3, "checkout": 4, "payment": 5}


def read(raw_dir: Path, table: str, columns: list[str]) -> pd.DataFrame:
    single = raw_dir / f"{table}.parquet"
    return pd.read_parquet(single if single.is_file() else raw_dir / table, columns=columns)


def shop_time(values: pd.Series) -> pd.Series:
    """ISO timestamps with an offset -> naive shop time."""
    parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    return parsed.dt.tz_convert(TZ).dt.tz_localize(None)


def money(values: pd.Series) -> pd.Series:
    return values.astype("float64").fillna(0.0)


def rfm_score(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """1 + floor(5 x rows with a strictly worse value / rows); ties share the lowest."""
    rank = values.rank(method="min", ascending=higher_is_better).astype("int64")
    return 1 + (5 * (rank - 1)) // len(values)


def main(raw_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)

    # Orders: paid ones with GMV (lines less discounts) and net revenue (less refunds).
    orders = read(
        raw_dir,
        "orders",
        [
            "order_id",
            "customer_id",
            "session_id",
            "ordered_at",
            "paid_at",
            "status",
            "discount_amount",
        ],
    )
    items = read(raw_dir, "order_items", ["order_id", "quantity", "unit_price", "discount_amount"])
    items["amount"] = items["quantity"] * money(items["unit_price"]) - money(
        items["discount_amount"]
    )
    line_amount = items.groupby("order_id")["amount"].sum().rename("line_amount")
    refunds = read(raw_dir, "refunds", ["order_id", "refund_amount"])
    refunds["refund_amount"] = money(refunds["refund_amount"])
    refund_amount = refunds.groupby("order_id")["refund_amount"].sum()

    paid = orders[orders["paid_at"].notna() & orders["status"].isin(PAID_STATUSES)].copy()
    paid["ordered_at"] = shop_time(paid["ordered_at"])
    paid["paid_date"] = shop_time(paid["paid_at"]).dt.normalize()
    paid = paid.join(line_amount, on="order_id").join(refund_amount, on="order_id")
    has_lines = paid["line_amount"].notna()
    gmv = paid["line_amount"] - money(paid["discount_amount"])
    paid["gmv"] = np.where(has_lines, gmv, 0.0)
    paid["net_revenue"] = np.where(has_lines, gmv - paid["refund_amount"].fillna(0.0), 0.0)

    # Sessions: furthest funnel step and the bot flag (tracker, or 5+ events within 2 s).
    events = read(raw_dir, "events", ["session_id", "occurred_at", "event_type"])
    events["occurred_at"] = shop_time(events["occurred_at"])
    events["step"] = events["event_type"].map(STEP).fillna(1).astype("int64")
    per_session = events.groupby("session_id").agg(
        event_count=("step", "size"),
        funnel_step=("step", "max"),
        first_at=("occurred_at", "min"),
        last_at=("occurred_at", "max"),
    )
    del events
    sessions = read(
        raw_dir,
        "sessions",
        ["session_id", "visitor_id", "customer_id", "started_at", "channel", "is_bot"],
    )
    sessions["started_at"] = shop_time(sessions["started_at"])
    sessions = sessions.join(per_session, on="session_id")
    span = (sessions["last_at"] - sessions["first_at"]).dt.total_seconds()
    by_timing = (sessions["event_count"] >= 5) & (span <= 2)
    sessions["is_bot"] = sessions["is_bot"].fillna(False).astype(bool) | by_timing.fillna(False)
    sessions["funnel_step"] = sessions["funnel_step"].fillna(1)
    human = sessions[~sessions["is_bot"]]

    # Devices stitched to the one customer who logged in on them.
    logins = human.loc[human["customer_id"].notna(), ["visitor_id", "customer_id", "started_at"]]
    order_visits = orders[["session_id", "customer_id"]].merge(
        human[["session_id", "visitor_id"]], on="session_id"
    )
    identities = pd.concat(
        [
            logins.rename(columns={"started_at": "logged_in_at"}),
            order_visits[["visitor_id", "customer_id"]].assign(logged_in_at=pd.NaT),
        ]
    )
    devices = identities.groupby("visitor_id").agg(
        customers=("customer_id", "nunique"),
        stitched_customer_id=("customer_id", "min"),
        first_login=("logged_in_at", "min"),
    )
    stitched = devices.loc[
        (devices["customers"] == 1) & devices["first_login"].notna(), ["stitched_customer_id"]
    ]

    # Last touch: the latest human session of the customer (logged in or on a stitched
    # device) or the order's own session, started within 7 days before the order.
    touch_columns = ["order_id", "session_id", "channel", "started_at", "ordered_at"]
    anonymous = human[human["customer_id"].isna()].join(stitched, on="visitor_id", how="inner")
    customer_visits = pd.concat(
        [
            human.loc[
                human["customer_id"].notna(), ["customer_id", "session_id", "channel", "started_at"]
            ],
            anonymous[["stitched_customer_id", "session_id", "channel", "started_at"]].rename(
                columns={"stitched_customer_id": "customer_id"}
            ),
        ]
    )
    by_customer = paid[["order_id", "customer_id", "ordered_at"]].merge(
        customer_visits, on="customer_id"
    )[touch_columns]
    own_session = paid[["order_id", "session_id", "ordered_at"]].merge(
        human[["session_id", "channel", "started_at"]], on="session_id"
    )[touch_columns]
    touches = pd.concat([by_customer, own_session])
    touches = touches[
        (touches["started_at"] >= touches["ordered_at"] - LOOKBACK)
        & (touches["started_at"] <= touches["ordered_at"])
    ]
    last_touch = (
        touches.sort_values(["order_id", "started_at", "session_id"])
        .drop_duplicates("order_id", keep="last")
        .set_index("order_id")["channel"]
    )
    paid["channel"] = paid["order_id"].map(last_touch).fillna("unattributed")

    # KPI 1: daily GMV by channel.
    gmv_days = (
        paid.groupby(["paid_date", "channel"])
        .agg(paid_orders=("order_id", "size"), gmv_cny=("gmv", "sum"))
        .reset_index()
        .rename(columns={"paid_date": "date_day"})
    )
    gmv_days["gmv_cny"] = gmv_days["gmv_cny"].round(2)
    gmv_days.to_parquet(out_dir / "gmv_channel_days.parquet", index=False)

    # KPI 2: RFM scores as of the last day with a paid order.
    as_of = paid["paid_date"].max()
    rfm = paid.groupby("customer_id").agg(
        last_paid=("paid_date", "max"),
        frequency=("order_id", "size"),
        monetary_cny=("net_revenue", "sum"),
    )
    rfm["recency_days"] = (as_of - rfm["last_paid"]).dt.days
    rfm["monetary_cny"] = rfm["monetary_cny"].round(2)
    rfm["r_score"] = rfm_score(rfm["recency_days"], higher_is_better=False)
    rfm["f_score"] = rfm_score(rfm["frequency"], higher_is_better=True)
    rfm["m_score"] = rfm_score(rfm["monetary_cny"], higher_is_better=True)
    rfm.drop(columns="last_paid").reset_index().to_parquet(
        out_dir / "customer_rfm.parquet", index=False
    )

    # KPI 3: funnel step counts by day and channel.
    sessions["date_day"] = sessions["started_at"].dt.normalize()
    for step, name in [
        (1, "sessions"),
        (2, "product_view_sessions"),
        (3, "add_to_cart_sessions"),
        (4, "checkout_sessions"),
        (5, "payment_sessions"),
    ]:
        sessions[name] = (~sessions["is_bot"] & (sessions["funnel_step"] >= step)).astype("int64")
    sessions["bot_sessions"] = sessions["is_bot"].astype("int64")
    funnel = (
        sessions.groupby(["date_day", "channel"])[
            [
                "sessions",
                "product_view_sessions",
                "add_to_cart_sessions",
                "checkout_sessions",
                "payment_sessions",
                "bot_sessions",
            ]
        ]
        .sum()
        .reset_index()
    )
    funnel.to_parquet(out_dir / "funnel_channel_days.parquet", index=False)

    # KPI 4: channel ROI by month.
    spend = read(raw_dir, "ad_spend", ["spend_date", "channel", "spend"])
    spend["month_start_date"] = pd.to_datetime(spend["spend_date"]).dt.to_period("M").dt.start_time
    spend["spend_cny"] = money(spend["spend"])
    spend_months = spend.groupby(["month_start_date", "channel"])["spend_cny"].sum()
    paid["month_start_date"] = paid["paid_date"].dt.to_period("M").dt.start_time
    revenue_months = paid.groupby(["month_start_date", "channel"]).agg(
        paid_orders=("order_id", "size"), attributed_net_revenue_cny=("net_revenue", "sum")
    )
    roi = pd.concat([spend_months, revenue_months], axis=1).fillna(0).reset_index()
    roi = roi[(roi["spend_cny"] > 0) | (roi["paid_orders"] > 0)].copy()
    roi["spend_cny"] = roi["spend_cny"].round(2)
    roi["attributed_net_revenue_cny"] = roi["attributed_net_revenue_cny"].round(2)
    roi["roi"] = roi["attributed_net_revenue_cny"] / roi["spend_cny"].where(roi["spend_cny"] > 0)
    roi.drop(columns="paid_orders").to_parquet(out_dir / "roi_channel_months.parquet", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
