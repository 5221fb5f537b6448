"""The core KPIs the benchmark computes four ways, and the check that all four agree.

``make bench`` times the dbt models behind daily GMV by channel, RFM scores, funnel step
counts and channel ROI by month against three scripts a user would write instead
(bench/kpis_duckdb.sql, bench/kpis_pandas.py, bench/kpis_polars.py). Each script writes one
parquet file per KPI; :func:`mart_kpis` reads the same figures from the marts of a built
warehouse, and :func:`compare_kpis` fails naming the KPI and its first differing row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Kpi:
    name: str
    keys: tuple[str, ...]
    counts: tuple[str, ...] = ()  # compared exactly
    money: tuple[str, ...] = ()  # within a cent
    ratios: tuple[str, ...] = ()  # within 1e-9 relative
    # The same figures read from the marts (default attribution model's rows).
    mart_sql: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.counts + self.money + self.ratios


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "gmv_channel_days",
        keys=("date_day", "channel"),
        counts=("paid_orders",),
        money=("gmv_cny",),
        mart_sql="""
            select date_day, channel, cast(attributed_orders as bigint) as paid_orders,
                attributed_gmv_cny as gmv_cny
            from marts.agg_channel_days
            where is_default_attribution_model and attributed_orders > 0
        """,
    ),
    Kpi(
        "customer_rfm",
        keys=("customer_id",),
        counts=("recency_days", "frequency", "r_score", "f_score", "m_score"),
        money=("monetary_cny",),
        mart_sql="""
            select customer_id, recency_days, frequency, r_score, f_score, m_score,
                monetary_cny
            from marts.snap_customer_rfm
        """,
    ),
    Kpi(
        "funnel_channel_days",
        keys=("date_day", "channel"),
        counts=(
            "sessions",
            "product_view_sessions",
            "add_to_cart_sessions",
            "checkout_sessions",
            "payment_sessions",
            "bot_sessions",
        ),
        mart_sql="""
            select date_day, channel, sum(sessions) as sessions,
                sum(product_view_sessions) as product_view_sessions,
                sum(add_to_cart_sessions) as add_to_cart_sessions,
                sum(checkout_sessions) as checkout_sessions,
                sum(payment_sessions) as payment_sessions,
                sum(bot_sessions) as bot_sessions
            from marts.agg_funnel_days
            group by date_day, channel
        """,
    ),
    Kpi(
        "roi_channel_months",
        keys=("month_start_date", "channel"),
        money=("spend_cny", "attributed_net_revenue_cny"),
        ratios=("roi",),
        mart_sql="""
            select month_start_date, channel, spend_cny, attributed_net_revenue_cny, roi
            from marts.agg_channel_months
            where is_default_attribution_model and (spend_cny > 0 or attributed_orders > 0)
        """,
    ),
)

# The marts the KPIs are read from: `dbt run --select +<these>` builds what they need.
KPI_MARTS = ("agg_channel_days", "agg_channel_months", "agg_funnel_days", "snap_customer_rfm")


class KpiMismatch(AssertionError):
    """Two computations of a KPI disagree."""


def _normalise(kpi: Kpi, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.loc[:, list(kpi.columns)].copy()
    for key in kpi.keys:
        values = frame[key]
        if key.endswith(("_day", "_date")):
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        frame[key] = values.astype(str)
    for column in kpi.counts:
        frame[column] = pd.to_numeric(frame[column]).astype("int64")
    for column in kpi.money + kpi.ratios:
        frame[column] = pd.to_numeric(frame[column].astype(object), errors="coerce").astype(
            "float64"
        )
    return frame.sort_values(list(kpi.keys), ignore_index=True)


def read_kpis(folder: Path) -> dict[str, pd.DataFrame]:
    """The four KPI files a script wrote to ``folder``."""
    return {kpi.name: pd.read_parquet(folder / f"{kpi.name}.parquet") for kpi in KPIS}


def mart_kpis(db: Path) -> dict[str, pd.DataFrame]:
    """The four KPIs as the marts of the warehouse ``db`` hold them."""
    with duckdb.connect(str(db), read_only=True) as con:
        return {kpi.name: con.execute(kpi.mart_sql).df() for kpi in KPIS}


def _mismatch(kpi: Kpi, joined: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: for each row of ``joined`` and each value column, whether it differs."""
    out = {}
    for column in kpi.counts:
        out[column] = joined[column] != joined[f"{column}__other"]
    for column in kpi.money + kpi.ratios:
        x, y = joined[column], joined[f"{column}__other"]
        both_null = x.isna() & y.isna()
        one_null = x.isna() ^ y.isna()
        if column in kpi.money:
            far = (x - y).abs() > 0.01 + 1e-9
        else:
            far = (x - y).abs() > (1e-9 * pd.concat([x.abs(), y.abs()], axis=1).max(axis=1))
            far &= (x - y).abs() > 1e-12
        out[column] = one_null | (far.fillna(False) & ~both_null)
    return pd.DataFrame(out, index=joined.index)


def compare_kpis(
    reference: dict[str, pd.DataFrame],
    other: dict[str, pd.DataFrame],
    reference_name: str = "dbt",
    other_name: str = "other",
) -> None:
    """Raise KpiMismatch naming the KPI and the first differing row unless every KPI agrees:
    the same keys, counts exactly, money within a cent, ratios within 1e-9 relative."""
    for kpi in KPIS:
        left = _normalise(kpi, reference[kpi.name])
        right = _normalise(kpi, other[kpi.name])
        keys = list(kpi.keys)
        joined = left.merge(
            right, on=keys, how="outer", suffixes=("", "__other"), indicator=True
        ).sort_values(keys, ignore_index=True)
        only = joined[joined["_merge"] != "both"]
        if len(only):
            row = only.iloc[0]
            key = ", ".join(f"{k}={row[k]}" for k in keys)
            here, missing = (
                (reference_name, other_name)
                if row["_merge"] == "left_only"
                else (other_name, reference_name)
            )
            raise KpiMismatch(f"KPI {kpi.name}: row ({key}) is in {here} but not in {missing}")
        differs = _mismatch(kpi, joined)
        rows = differs.any(axis=1)
        if rows.any():
            position = int(rows.to_numpy().nonzero()[0][0])
            row = joined.iloc[position]
            column = next(c for c in differs.columns if differs.iloc[position][c])
            key = ", ".join(f"{k}={row[k]}" for k in keys)
            raise KpiMismatch(
                f"KPI {kpi.name}: first differing row ({key}): {column} is "
                f"{row[column]!r} in {reference_name} but {row[column + '__other']!r} "
                f"in {other_name}"
            )
