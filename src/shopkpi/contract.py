"""The raw data contract: every table a shop delivers, its columns, types and keys.

This module is the single definition of the contract. The generator writes these columns in
this order, the raw loader types files with them, and ``shopkpi.contract_artefacts`` writes
the dbt files that repeat its facts (`make contract`: the raw sources, the table list and
rule list macros, the dq_rules seed); a test keeps the committed files equal to that output.

Types are DuckDB logical types as the raw layer stores them. Timestamps and dates are
stored as text in the raw layer on purpose: a value that cannot be parsed must reach the
staging quarantine with its reason instead of failing the load. Staging parses them.
Timestamps are ISO-8601 with their offset (``2025-06-18T10:23:45+08:00``); the shop runs on
Asia/Shanghai time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT = "varchar"
MONEY = "decimal(18,2)"
INT = "integer"
BIGINT = "bigint"
BOOL = "boolean"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    pii: bool = False
    # A file may leave an optional column out: it loads as null, with a warning.
    optional: bool = False
    # "timestamp" or "date" for text columns holding a time (parsed in staging).
    time: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    description: str = ""
    extra_checks: tuple[str, ...] = field(default_factory=tuple)
    # Tables this one references: a row whose parent is missing is orphan_reference, one
    # whose parent was quarantined is parent_quarantined (staging checks them against the
    # parent's base model). Soft references that quarantine nothing (orders.session_id) are
    # not parents.
    parents: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def stored_columns(self) -> list[tuple[str, str]]:
        """(name, type) of the raw table in the warehouse, in order: the contract columns
        (personal ones masked), a salted hash per personal column, then where each row
        came from (file and line)."""
        out = [(c.name, c.type) for c in self.columns]
        out += [(f"{c.name}_hash", TEXT) for c in self.columns if c.pii]
        out += [(SOURCE_FILE, TEXT), (SOURCE_LINE, BIGINT)]
        return out


# Lineage columns of every raw table: the file a row was read from (relative to the loaded
# folder) and its line in that file (CSV: the header is line 1; parquet: the row number).
SOURCE_FILE = "_source_file"
SOURCE_LINE = "_source_line"

_TIME_COLUMNS = {
    "spend_date": "date",
    "budget_month": "date",
    "snapshot_date": "date",
    "period_start_date": "date",
}


def _c(
    name: str, type_: str, description: str, pii: bool = False, optional: bool = False
) -> Column:
    time = _TIME_COLUMNS.get(name, "timestamp" if name.endswith("_at") else None)
    return Column(name, type_, description, pii, optional, time)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            "One row per registered customer.",
            ("customer_id",),
            (
                _c("customer_id", TEXT, "Customer key."),
                _c("registered_at", TEXT, "Registration time, ISO-8601 with offset."),
                _c("birth_year", INT, "Year of birth (nullable).", optional=True),
                _c("gender", TEXT, "f / m / unknown.", optional=True),
                _c("province", TEXT, "Province of the delivery address.", optional=True),
                _c("city", TEXT, "City of the delivery address.", optional=True),
                _c("customer_name", TEXT, "Full name (PII).", pii=True, optional=True),
                _c("phone", TEXT, "Mobile number (PII).", pii=True, optional=True),
                _c("address", TEXT, "Street address (PII).", pii=True, optional=True),
                _c("member_tier", TEXT, "none / regular / silver / gold.", optional=True),
            ),
        ),
        Table(
            "products",
            "One row per SKU.",
            ("product_id",),
            (
                _c("product_id", TEXT, "Product key."),
                _c("sku", TEXT, "Stock-keeping unit code.", optional=True),
                _c("product_name", TEXT, "Product name.", optional=True),
                _c("category", TEXT, "Product category.", optional=True),
                _c("list_price", MONEY, "List price, CNY."),
                _c("unit_cost", MONEY, "Unit cost of goods, CNY."),
                _c("launched_at", TEXT, "Launch time, ISO-8601 with offset.", optional=True),
            ),
        ),
        Table(
            "orders",
            "One row per order.",
            ("order_id",),
            (
                _c("order_id", TEXT, "Order key."),
                _c("customer_id", TEXT, "Ordering customer."),
                _c(
                    "session_id",
                    TEXT,
                    "Tracked session the order was placed in (nullable).",
                    optional=True,
                ),
                _c("ordered_at", TEXT, "Order creation time."),
                _c("paid_at", TEXT, "Payment time (nullable)."),
                _c("status", TEXT, "created / paid / shipped / delivered / cancelled / refunded."),
                _c(
                    "platform",
                    TEXT,
                    "Sales platform: tmall, jd, douyin, xiaohongshu, ...",
                    optional=True,
                ),
                _c("coupon_code", TEXT, "Coupon applied to the order (nullable).", optional=True),
                _c("discount_amount", MONEY, "Order-level discount, CNY.", optional=True),
                _c(
                    "shipping_fee",
                    MONEY,
                    "Shipping fee charged to the customer, CNY.",
                    optional=True,
                ),
                _c("shipped_at", TEXT, "Shipping time (nullable).", optional=True),
                _c("delivered_at", TEXT, "Delivery time (nullable).", optional=True),
            ),
            parents=("customers",),
        ),
        Table(
            "order_items",
            "One row per order line.",
            ("order_id", "line_number"),
            (
                _c("order_id", TEXT, "Order the line belongs to."),
                _c("line_number", INT, "Line number within the order, from 1."),
                _c("product_id", TEXT, "Product sold."),
                _c("quantity", INT, "Units."),
                _c("unit_price", MONEY, "Price per unit before discounts, CNY."),
                _c("discount_amount", MONEY, "Line-level discount, CNY.", optional=True),
            ),
            parents=("orders", "products"),
        ),
        Table(
            "refunds",
            "One row per refund.",
            ("refund_id",),
            (
                _c("refund_id", TEXT, "Refund key."),
                _c("order_id", TEXT, "Refunded order."),
                _c("product_id", TEXT, "Refunded product (nullable: whole order).", optional=True),
                _c("refunded_at", TEXT, "Refund time."),
                _c("refund_amount", MONEY, "Amount refunded, CNY."),
                _c("reason", TEXT, "Refund reason code.", optional=True),
            ),
            required=False,
            parents=("orders", "products"),
        ),
        Table(
            "sessions",
            "One row per visit.",
            ("session_id",),
            (
                _c("session_id", TEXT, "Session key."),
                _c("visitor_id", TEXT, "Anonymous visitor (device) key."),
                _c("customer_id", TEXT, "Logged-in customer (nullable).", optional=True),
                _c("started_at", TEXT, "Session start time."),
                _c("channel", TEXT, "Traffic channel code (see the channels seed)."),
                _c("source", TEXT, "Traffic source.", optional=True),
                _c("medium", TEXT, "Traffic medium.", optional=True),
                _c("campaign_id", TEXT, "Campaign the visit came from (nullable).", optional=True),
                _c("device", TEXT, "ios / android / desktop / ...", optional=True),
                _c("landing_page", TEXT, "First page of the visit.", optional=True),
                _c("page_load_ms", INT, "Landing page load time, ms.", optional=True),
                _c("is_bot", BOOL, "Anti-fraud flag from the tracker (nullable).", optional=True),
            ),
            required=False,
            parents=("customers", "campaigns"),
        ),
        Table(
            "events",
            "One row per funnel event.",
            ("event_id",),
            (
                _c("event_id", TEXT, "Event key."),
                _c("session_id", TEXT, "Session of the event."),
                _c("occurred_at", TEXT, "Event time."),
                _c(
                    "event_type",
                    TEXT,
                    "impression / click / page_view / product_view / add_to_cart / "
                    "checkout / payment.",
                ),
                _c("page", TEXT, "Page path.", optional=True),
                _c("product_id", TEXT, "Product concerned (nullable).", optional=True),
                _c("dwell_ms", INT, "Time spent on the page, ms (nullable).", optional=True),
            ),
            required=False,
            parents=("sessions", "products"),
        ),
        Table(
            "campaigns",
            "One row per campaign.",
            ("campaign_id",),
            (
                _c("campaign_id", TEXT, "Campaign key."),
                _c("campaign_name", TEXT, "Campaign name.", optional=True),
                _c("channel", TEXT, "Channel the campaign runs on."),
                _c(
                    "campaign_type",
                    TEXT,
                    "promotion / live_stream / kol / social_fission / always_on.",
                    optional=True,
                ),
                _c("warmup_starts_at", TEXT, "Start of the warm-up phase."),
                _c("burst_starts_at", TEXT, "Start of the burst phase."),
                _c("tail_starts_at", TEXT, "Start of the tail phase."),
                _c("ends_at", TEXT, "End of the campaign (exclusive)."),
                _c("budget", MONEY, "Campaign budget, CNY.", optional=True),
            ),
            required=False,
        ),
        Table(
            "ad_spend",
            "One row per day x channel x campaign.",
            ("spend_date", "channel", "campaign_id"),
            (
                _c("spend_date", TEXT, "Day of the spend (YYYY-MM-DD, shop time)."),
                _c("channel", TEXT, "Paid channel."),
                _c("campaign_id", TEXT, "Campaign (nullable: always-on spend).", optional=True),
                _c("impressions", BIGINT, "Ad impressions.", optional=True),
                _c("clicks", BIGINT, "Ad clicks.", optional=True),
                _c("spend", MONEY, "Spend, CNY."),
            ),
            required=False,
            parents=("campaigns",),
        ),
        Table(
            "marketing_budgets",
            "One row per month x channel.",
            ("budget_month", "channel"),
            (
                _c("budget_month", TEXT, "First day of the month (YYYY-MM-DD)."),
                _c("channel", TEXT, "Channel."),
                _c("budget", MONEY, "Monthly budget, CNY."),
                _c(
                    "is_core_channel",
                    BOOL,
                    "Core channels keep spending when budgets freeze.",
                    optional=True,
                ),
            ),
            required=False,
        ),
        Table(
            "reviews",
            "One row per review.",
            ("review_id",),
            (
                _c("review_id", TEXT, "Review key."),
                _c("order_id", TEXT, "Reviewed order."),
                _c("product_id", TEXT, "Reviewed product."),
                _c("rating", INT, "Rating 1-5."),
                _c("reviewed_at", TEXT, "Review time."),
            ),
            required=False,
            parents=("orders", "products"),
        ),
        Table(
            "inventory_snapshots",
            "One row per day x product.",
            ("snapshot_date", "product_id"),
            (
                _c("snapshot_date", TEXT, "Day of the snapshot (YYYY-MM-DD)."),
                _c("product_id", TEXT, "Product."),
                _c("on_hand_qty", INT, "Units on hand at the end of the day."),
                _c("safety_stock_qty", INT, "Safety stock level.", optional=True),
            ),
            required=False,
            parents=("products",),
        ),
        # The two tables a manager maintains rather than a system exports: the shop's own
        # targets (they depend on its size) and external benchmarks (catalogue section 9).
        # Their numbers are text, parsed in staging, so that a mistyped one is quarantined
        # with its reason instead of stopping the load.
        Table(
            "kpi_targets",
            "One row per KPI x slice: the shop's own target, in place of the KPI registry's.",
            ("kpi_id", "slice_value"),
            (
                _c("kpi_id", TEXT, "KPI code, as in seeds/metrics/kpi_registry.csv."),
                _c(
                    "slice_value",
                    TEXT,
                    "The one slice the target is for (a channel, category, campaign ... code; "
                    "'all' for the shop total). Empty: the KPI's usual scope (the registry's "
                    "target slice if it names one, else the shop total for an amount or a "
                    "count, else every slice).",
                    optional=True,
                ),
                _c(
                    "target",
                    TEXT,
                    "Target in the KPI's unit: money in CNY, shares as fractions (0.052) or "
                    "with a percent sign (5.2%). Where the registry's target is a change on "
                    "the same period last year, the change (0.20 = +20%); a KPI without a "
                    "registry target gets an absolute one.",
                ),
                _c(
                    "is_target_per_day",
                    BOOL,
                    "true: a per-day target, multiplied by the days of a week or a month. "
                    "Empty: as the registry says.",
                    optional=True,
                ),
                _c("note", TEXT, "Free text: who set the target and why.", optional=True),
            ),
            required=False,
        ),
        Table(
            "kpi_benchmarks",
            "One row per KPI x benchmark kind x period: an external figure to compare with.",
            ("kpi_id", "benchmark_kind", "period_grain", "period_start_date"),
            (
                _c("kpi_id", TEXT, "KPI code, as in seeds/metrics/kpi_registry.csv."),
                _c(
                    "benchmark_kind",
                    TEXT,
                    "industry (行業基準) / competitor (競品平均) / top_shop (頭部店鋪).",
                ),
                _c(
                    "period_grain",
                    TEXT,
                    "day / week / month / year / campaign_phase: the grain the value is for. "
                    "Empty: every grain.",
                    optional=True,
                ),
                _c(
                    "period_start_date",
                    TEXT,
                    "First day of the one period the value is for (YYYY-MM-DD, with "
                    "period_grain). Empty: every period of the grain.",
                    optional=True,
                ),
                _c(
                    "value",
                    TEXT,
                    "The benchmark in the KPI's unit: money in CNY, shares as fractions "
                    "(0.032) or with a percent sign (3.2%).",
                ),
                _c("source", TEXT, "Where the figure comes from.", optional=True),
            ),
            required=False,
        ),
    )
}


def tables_parents_first() -> list[str]:
    """The contract's table names with every table after its parents, otherwise in contract
    order (dbt macro ``shop_tables()``)."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"contract tables reference each other in a cycle: {path}")
        if name in order:
            return
        for parent in TABLES[name].parents:
            if parent not in TABLES:
                raise ValueError(f"{name}: parent {parent!r} is not a contract table")
            visit(parent, (*path, name))
        order.append(name)

    for name in TABLES:
        visit(name, ())
    return order


# Data-quality rules applied in staging, in priority order (priority 1 first): a row that
# breaks several rules is quarantined under the first one, so per-rule counts add up to the
# rows removed. `make contract` writes the seed dq_rules (code, priority, description) and
# the dbt macro dq_rules_in_priority() from this; add, reorder or reword a rule only here.
RULES: dict[str, str] = {
    "missing_key": "A primary-key or required reference column is empty.",
    "duplicate_key": "An exact copy of an earlier row (same key, same values): the first in "
    "file order is kept.",
    "conflicting_duplicate": "Same key as an earlier row in file order but different values: "
    "the first row is kept, later ones are quarantined as conflicts.",
    "unparseable_timestamp": "A timestamp or date column holds a value that is not a valid time.",
    "future_timestamp": "A timestamp is later than the run's reference time.",
    "negative_amount": "A money, quantity, count or duration column is negative.",
    "implausible_value": "An amount or quantity above its plausibility bound (vars "
    "plausible_max_amount_cny, plausible_max_quantity): an outlier to check at the source.",
    "invalid_value": "A coded column holds a value outside its accepted set or range, or a "
    "number delivered as text (a target, a benchmark) is not a number.",
    "unknown_channel": "The channel code is not in the channels seed.",
    "unknown_kpi": "The KPI code is not in the kpi_registry seed.",
    "orphan_reference": "A reference points to a row that does not exist in its parent table.",
    "parent_quarantined": "The parent row exists but was itself quarantined.",
}

# Plausibility bounds (dbt vars of the same names; staging quarantines a row above them under
# implausible_value). Amounts are per row (a unit price, a discount, a refund), not totals.
PLAUSIBLE_MAX_AMOUNT_CNY = 1_000_000
PLAUSIBLE_MAX_QUANTITY = 10_000
# The columns the bounds apply to, per table: (column, "amount" | "quantity").
PLAUSIBILITY_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "products": (("list_price", "amount"), ("unit_cost", "amount")),
    "orders": (("discount_amount", "amount"), ("shipping_fee", "amount")),
    "order_items": (
        ("quantity", "quantity"),
        ("unit_price", "amount"),
        ("discount_amount", "amount"),
    ),
    "refunds": (("refund_amount", "amount"),),
}

SHOP_TIMEZONE = "Asia/Shanghai"
SHOP_UTC_OFFSET = "+08:00"
