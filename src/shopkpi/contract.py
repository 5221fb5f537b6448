"""The raw data contract: every table a shop delivers, its columns, types and keys.

This module is the single Python definition of the contract. The generator writes these
columns in this order, the raw loader types files with them, and a test checks that the
dbt seed ``column_types`` and source definitions agree with it.

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


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = True
    description: str = ""
    extra_checks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: str, description: str, pii: bool = False) -> Column:
    return Column(name, type_, description, pii)


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
                _c("birth_year", INT, "Year of birth (nullable)."),
                _c("gender", TEXT, "f / m / unknown."),
                _c("province", TEXT, "Province of the delivery address."),
                _c("city", TEXT, "City of the delivery address."),
                _c("customer_name", TEXT, "Full name (PII).", pii=True),
                _c("phone", TEXT, "Mobile number (PII).", pii=True),
                _c("address", TEXT, "Street address (PII).", pii=True),
                _c("member_tier", TEXT, "none / regular / silver / gold."),
            ),
        ),
        Table(
            "products",
            "One row per SKU.",
            ("product_id",),
            (
                _c("product_id", TEXT, "Product key."),
                _c("sku", TEXT, "Stock-keeping unit code."),
                _c("product_name", TEXT, "Product name."),
                _c("category", TEXT, "Product category."),
                _c("list_price", MONEY, "List price, CNY."),
                _c("unit_cost", MONEY, "Unit cost of goods, CNY."),
                _c("launched_at", TEXT, "Launch time, ISO-8601 with offset."),
            ),
        ),
        Table(
            "orders",
            "One row per order.",
            ("order_id",),
            (
                _c("order_id", TEXT, "Order key."),
                _c("customer_id", TEXT, "Ordering customer."),
                _c("session_id", TEXT, "Tracked session the order was placed in (nullable)."),
                _c("ordered_at", TEXT, "Order creation time."),
                _c("paid_at", TEXT, "Payment time (nullable)."),
                _c("status", TEXT, "created / paid / shipped / delivered / cancelled / refunded."),
                _c("platform", TEXT, "Sales platform: tmall, jd, douyin, xiaohongshu, ..."),
                _c("coupon_code", TEXT, "Coupon applied to the order (nullable)."),
                _c("discount_amount", MONEY, "Order-level discount, CNY."),
                _c("shipping_fee", MONEY, "Shipping fee charged to the customer, CNY."),
                _c("shipped_at", TEXT, "Shipping time (nullable)."),
                _c("delivered_at", TEXT, "Delivery time (nullable)."),
            ),
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
                _c("discount_amount", MONEY, "Line-level discount, CNY."),
            ),
        ),
        Table(
            "refunds",
            "One row per refund.",
            ("refund_id",),
            (
                _c("refund_id", TEXT, "Refund key."),
                _c("order_id", TEXT, "Refunded order."),
                _c("product_id", TEXT, "Refunded product (nullable: whole order)."),
                _c("refunded_at", TEXT, "Refund time."),
                _c("refund_amount", MONEY, "Amount refunded, CNY."),
                _c("reason", TEXT, "Refund reason code."),
            ),
            required=False,
        ),
        Table(
            "sessions",
            "One row per visit.",
            ("session_id",),
            (
                _c("session_id", TEXT, "Session key."),
                _c("visitor_id", TEXT, "Anonymous visitor (device) key."),
                _c("customer_id", TEXT, "Logged-in customer (nullable)."),
                _c("started_at", TEXT, "Session start time."),
                _c("channel", TEXT, "Traffic channel code (see the channels seed)."),
                _c("source", TEXT, "Traffic source."),
                _c("medium", TEXT, "Traffic medium."),
                _c("campaign_id", TEXT, "Campaign the visit came from (nullable)."),
                _c("device", TEXT, "ios / android / desktop / ..."),
                _c("landing_page", TEXT, "First page of the visit."),
                _c("page_load_ms", INT, "Landing page load time, ms."),
                _c("is_bot", BOOL, "Anti-fraud flag from the tracker (nullable)."),
            ),
            required=False,
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
                _c("page", TEXT, "Page path."),
                _c("product_id", TEXT, "Product concerned (nullable)."),
                _c("dwell_ms", INT, "Time spent on the page, ms (nullable)."),
            ),
            required=False,
        ),
        Table(
            "campaigns",
            "One row per campaign.",
            ("campaign_id",),
            (
                _c("campaign_id", TEXT, "Campaign key."),
                _c("campaign_name", TEXT, "Campaign name."),
                _c("channel", TEXT, "Channel the campaign runs on."),
                _c(
                    "campaign_type",
                    TEXT,
                    "promotion / live_stream / kol / social_fission / always_on.",
                ),
                _c("warmup_starts_at", TEXT, "Start of the warm-up phase."),
                _c("burst_starts_at", TEXT, "Start of the burst phase."),
                _c("tail_starts_at", TEXT, "Start of the tail phase."),
                _c("ends_at", TEXT, "End of the campaign (exclusive)."),
                _c("budget", MONEY, "Campaign budget, CNY."),
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
                _c("campaign_id", TEXT, "Campaign (nullable: always-on spend)."),
                _c("impressions", BIGINT, "Ad impressions."),
                _c("clicks", BIGINT, "Ad clicks."),
                _c("spend", MONEY, "Spend, CNY."),
            ),
            required=False,
        ),
        Table(
            "marketing_budgets",
            "One row per month x channel.",
            ("budget_month", "channel"),
            (
                _c("budget_month", TEXT, "First day of the month (YYYY-MM-DD)."),
                _c("channel", TEXT, "Channel."),
                _c("budget", MONEY, "Monthly budget, CNY."),
                _c("is_core_channel", BOOL, "Core channels keep spending when budgets freeze."),
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
        ),
        Table(
            "inventory_snapshots",
            "One row per day x product.",
            ("snapshot_date", "product_id"),
            (
                _c("snapshot_date", TEXT, "Day of the snapshot (YYYY-MM-DD)."),
                _c("product_id", TEXT, "Product."),
                _c("on_hand_qty", INT, "Units on hand at the end of the day."),
                _c("safety_stock_qty", INT, "Safety stock level."),
            ),
            required=False,
        ),
    )
}

# Data-quality rules applied in staging, in priority order: a row that breaks several
# rules is quarantined under the first one, so per-rule counts add up to the rows removed.
RULES: dict[str, str] = {
    "missing_key": "A primary-key or required reference column is empty.",
    "duplicate_key": "Another row has the same primary key; the first in content order is kept.",
    "unparseable_timestamp": "A timestamp or date column holds a value that is not a valid time.",
    "future_timestamp": "A timestamp is later than the run's reference time.",
    "negative_amount": "A money, quantity, count or duration column is negative.",
    "invalid_value": "A coded column holds a value outside its accepted set or range.",
    "unknown_channel": "The channel code is not in the channels seed.",
    "orphan_reference": "A reference points to a row that does not exist in its parent table.",
    "parent_quarantined": "The parent row exists but was itself quarantined.",
}

SHOP_TIMEZONE = "Asia/Shanghai"
SHOP_UTC_OFFSET = "+08:00"
