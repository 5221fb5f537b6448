"""The simulated shop's own KPI targets and a small set of external benchmarks.

A target that depends on a shop's size cannot live in the KPI registry: the plans' daily GMV
target of 180,000 元 (up from 120,000 元, ×1.5) belongs to a shop some fifty times the
demo's. The generator therefore writes the shop's absolute targets into raw table
``kpi_targets``, scaled to what it simulated: the daily GMV target is the plans' ×1.5 on
the shop's mean daily GMV of its first calendar year, rounded to two significant figures
(the demo: 2,281 元 a day in 2024, ×1.5 = 3,422, so 3,400 元; its 2025 mean is 3,588 元).
GMV is what the marts call it: the paid orders' item revenue after line and order
discounts, before refunds, by payment day.
No other registry target depends on the shop's size (the others are rates, unit costs,
durations, or a count of zero).

The benchmarks (``kpi_benchmarks``) are a handful of illustrative figures, one or more of
each kind (industry, competitor, top shop) and of each period scope (every period, one
grain, one period), labelled as such in their source column: a shop replaces them with the
figures it buys or collects.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from shopkpi.contract import TABLES

# The plans' daily GMV target over their current daily GMV: 180,000 / 120,000 元.
GMV_TARGET_FACTOR = Fraction(180_000, 120_000)
TARGET_SIGNIFICANT_DIGITS = 2

BENCHMARK_SOURCE = "illustrative demo figure, not a published statistic"
# (kpi_id, benchmark_kind, period_grain, period_start_date, value): empty grain / start
# apply to every grain / period. Values in the KPI's unit, shares as fractions.
BENCHMARKS: tuple[tuple[str, str, str | None, str | None, str], ...] = (
    ("aov", "competitor", None, None, "198.00"),
    ("bounce_rate", "industry", None, None, "0.45"),
    ("ctr", "competitor", None, None, "0.021"),
    ("gross_margin_rate", "industry", None, None, "0.42"),
    # The plans raise add-to-cart from 12% to 26%: the leaders' rate.
    ("product_view_to_cart_rate", "top_shop", None, None, "0.26"),
    ("refund_order_rate", "industry", None, None, "0.08"),
    ("repurchase_rate", "top_shop", "year", None, "0.45"),
    ("session_conversion_rate", "industry", None, None, "0.035"),
    # Singles' Day month converts better across the industry.
    ("session_conversion_rate", "industry", "month", "2025-11-01", "0.048"),
    ("session_conversion_rate", "top_shop", None, None, "0.06"),
)


def round_significant(value: Fraction, digits: int) -> int:
    """``value`` (> 0) rounded half up to ``digits`` significant figures, as an integer."""
    step = 10 ** max(len(str(int(value))) - digits, 0)
    return int(value / step + Fraction(1, 2)) * step


class SalesTally:
    """Paid GMV per calendar year of payment, in cents, from the rows the simulation writes
    (an order's lines are written with the order, in the same day's rows)."""

    def __init__(self) -> None:
        self.gmv_cents_by_year: dict[int, int] = defaultdict(int)
        columns = TABLES["orders"].column_names
        self._order = {
            name: columns.index(name) for name in ("order_id", "paid_at", "discount_amount")
        }
        lines = TABLES["order_items"].column_names
        self._line = {
            name: lines.index(name)
            for name in ("order_id", "quantity", "unit_price", "discount_amount")
        }

    def observe(self, tables: dict[str, list[tuple]]) -> None:
        line_cents: dict[str, int] = defaultdict(int)
        i = self._line
        for row in tables.get("order_items", []):
            line_cents[row[i["order_id"]]] += row[i["quantity"]] * row[i["unit_price"]] - (
                row[i["discount_amount"]] or 0
            )
        o = self._order
        for row in tables.get("orders", []):
            paid_at = row[o["paid_at"]]
            if paid_at is None:
                continue
            gmv = line_cents[row[o["order_id"]]] - (row[o["discount_amount"]] or 0)
            self.gmv_cents_by_year[int(paid_at[:4])] += gmv


def daily_gmv_target(tally: SalesTally, start: dt.date, days: int) -> tuple[int, Fraction]:
    """(target in 元, the mean daily GMV it comes from) for the first calendar year of a
    simulation starting on ``start`` and lasting ``days`` days."""
    year_end = dt.date(start.year, 12, 31)
    year_days = min((year_end - start).days + 1, days)
    mean_yuan = Fraction(tally.gmv_cents_by_year.get(start.year, 0), 100 * year_days)
    if mean_yuan <= 0:
        raise ValueError("the simulation paid no order in its first year: no GMV to scale")
    return round_significant(mean_yuan * GMV_TARGET_FACTOR, TARGET_SIGNIFICANT_DIGITS), mean_yuan


def target_rows(tally: SalesTally, start: dt.date, days: int) -> list[tuple]:
    """Rows of raw table kpi_targets, in key order."""
    target, mean = daily_gmv_target(tally, start, days)
    note = (
        f"{float(GMV_TARGET_FACTOR):g} x the shop's mean daily GMV of {start.year} "
        f"({float(mean):,.0f} CNY) to {TARGET_SIGNIFICANT_DIGITS} significant figures, "
        "as the plans' 120k -> 180k"
    )
    return [("gmv", None, str(target), True, note)]


def benchmark_rows() -> list[tuple]:
    """Rows of raw table kpi_benchmarks, in key order."""
    rows = [(*row[:4], row[4], BENCHMARK_SOURCE) for row in BENCHMARKS]
    return sorted(rows, key=lambda r: tuple(value or "" for value in r[:4]))
