"""Bad rows of every kind the raw contract allows, injected at known counts.

Every injected row is new (a fresh key starting with ``X``, or a later row of a clean row's
key for a duplicate), breaks exactly one data-quality rule, and is referenced by no other
row. Duplicates are appended after every clean row, so the clean row is the first of its key
in file order and is the one staging keeps: an exact copy is a duplicate_key, a copy with
other (valid) values a conflicting_duplicate. The clean rows are therefore the same with and
without ``--dirty``, and every figure downstream of the quarantine is too. The manifest
lists each injected row with its rule and key.
"""

from __future__ import annotations

import datetime as dt

from shopkpi.contract import PLAUSIBLE_MAX_AMOUNT_CNY, PLAUSIBLE_MAX_QUANTITY, TABLES


def _key(table: str, row: tuple) -> dict:
    names = TABLES[table].column_names
    return {column: row[names.index(column)] for column in TABLES[table].key}


def _replace(table: str, row: tuple, **changes) -> tuple:
    names = TABLES[table].column_names
    values = list(row)
    for column, value in changes.items():
        values[names.index(column)] = value
    return tuple(values)


def _value(table: str, row: tuple, column: str):
    return row[TABLES[table].column_names.index(column)]


# Implausible values, far above the plausibility bounds but exact in the contract's types:
# a unit price of 999999999999.99 CNY (in cents; decimal(18,2) holds it) and a quantity of
# five times the bound.
HUGE_CENTS = 10**14 - 1
HUGE_QUANTITY = 5 * PLAUSIBLE_MAX_QUANTITY


def dirty_rows(
    samples: dict[str, list[tuple]], start: dt.date
) -> dict[str, list[tuple[str, tuple]]]:
    """(rule, row) pairs to append per table, built from samples of clean rows."""
    c, p, o = samples["customers"], samples["products"], samples["orders"]
    i, s, e = samples["order_items"], samples["sessions"], samples["events"]
    a = samples["ad_spend"]
    customer_id = c[0][0]
    product_id = p[0][0]
    order_id = o[0][0]
    session_id = s[0][0]
    before = (start - dt.timedelta(days=1)).isoformat()
    before2 = (start - dt.timedelta(days=2)).isoformat()
    day = f"{start.isoformat()}T12:00:00+08:00"
    out: dict[str, list[tuple[str, tuple]]] = {name: [] for name in TABLES}

    def add(table: str, rule: str, *rows: tuple) -> None:
        out[table].extend((rule, row) for row in rows)

    add("customers", "duplicate_key", c[1], c[2], c[3])
    tier = _value("customers", c[10], "member_tier")
    add(
        "customers",
        "conflicting_duplicate",
        _replace("customers", c[10], member_tier="silver" if tier == "gold" else "gold"),
    )
    add(
        "customers",
        "missing_key",
        _replace("customers", c[4], customer_id=None),
        _replace("customers", c[5], customer_id=None),
        _replace("customers", c[6], customer_id=None),
    )
    add(
        "customers",
        "unparseable_timestamp",
        _replace(
            "customers",
            c[7],
            customer_id="XC0001",
            registered_at="2025-13-45T99:00:00+08:00",
        ),
        _replace("customers", c[8], customer_id="XC0002", registered_at="not a date"),
    )
    add(
        "customers",
        "future_timestamp",
        _replace(
            "customers",
            c[9],
            customer_id="XC0003",
            registered_at="2099-01-01T10:00:00+08:00",
        ),
        _replace(
            "customers",
            c[9],
            customer_id="XC0004",
            registered_at="2099-06-18T10:00:00+08:00",
        ),
    )

    add("products", "duplicate_key", p[1], p[2])
    add(
        "products",
        "negative_amount",
        _replace("products", p[3], product_id="XP0001", unit_cost=-500),
        _replace("products", p[4], product_id="XP0002", list_price=-990),
    )
    add(
        "products",
        "implausible_value",
        _replace("products", p[5], product_id="XP0003", list_price=PLAUSIBLE_MAX_AMOUNT_CNY * 500),
    )

    unpaid = dict(
        customer_id=customer_id,
        session_id=None,
        ordered_at=day,
        paid_at=None,
        status="created",
        coupon_code=None,
        discount_amount=0,
        shipping_fee=0,
        shipped_at=None,
        delivered_at=None,
    )
    template = _replace("orders", o[0], **unpaid)
    add("orders", "duplicate_key", o[1], o[2], o[3])
    platform = _value("orders", o[5], "platform")
    add(
        "orders",
        "conflicting_duplicate",
        # A re-export that changed the shipping fee, and one that changed the platform.
        _replace("orders", o[4], shipping_fee=(_value("orders", o[4], "shipping_fee") or 0) + 500),
        _replace("orders", o[5], platform="jd" if platform != "jd" else "tmall"),
    )
    add(
        "orders",
        "missing_key",
        _replace("orders", template, order_id=None),
        _replace("orders", template, order_id=None, platform="jd"),
        _replace("orders", template, order_id="XO0001", customer_id=None),
    )
    add(
        "orders",
        "negative_amount",
        _replace("orders", template, order_id="XO0002", shipping_fee=-800),
        _replace("orders", template, order_id="XO0003", discount_amount=-1000),
        _replace("orders", template, order_id="XO0004", shipping_fee=-1),
    )
    add(
        "orders",
        "invalid_value",
        _replace("orders", template, order_id="XO0005", status="lost"),
        _replace("orders", template, order_id="XO0006", status="teleported"),
    )
    add(
        "orders",
        "orphan_reference",
        *(
            _replace("orders", template, order_id=f"XO001{n}", customer_id=f"XC-MISSING-{n}")
            for n in range(3)
        ),
    )
    add(
        "orders",
        "unparseable_timestamp",
        _replace(
            "orders",
            template,
            order_id="XO0021",
            ordered_at="2025-02-30T10:00:00+08:00",
        ),
        _replace("orders", template, order_id="XO0022", ordered_at="yesterday"),
    )
    add(
        "orders",
        "future_timestamp",
        _replace(
            "orders",
            template,
            order_id="XO0031",
            ordered_at="2099-11-11T00:00:00+08:00",
        ),
        _replace(
            "orders",
            template,
            order_id="XO0032",
            ordered_at="2099-12-12T00:00:00+08:00",
        ),
    )

    add("order_items", "duplicate_key", i[1], i[2], i[3])
    add(
        "order_items",
        "orphan_reference",
        *(
            _replace("order_items", i[0], order_id=f"XO-MISSING-{n}", line_number=1)
            for n in range(3)
        ),
    )
    add(
        "order_items",
        "negative_amount",
        _replace("order_items", i[0], order_id=order_id, line_number=91, quantity=-1),
        _replace("order_items", i[0], order_id=order_id, line_number=92, unit_price=-1990),
    )
    add(
        "order_items",
        "implausible_value",
        _replace("order_items", i[0], order_id=order_id, line_number=93, unit_price=HUGE_CENTS),
        _replace("order_items", i[0], order_id=order_id, line_number=94, quantity=HUGE_QUANTITY),
    )
    add(
        "order_items",
        "missing_key",
        _replace("order_items", i[0], order_id=order_id, line_number=95, product_id=None),
        _replace("order_items", i[0], order_id=order_id, line_number=96, product_id=None),
    )

    refund = ("XR0001", order_id, None, day, 1000, "changed_mind")
    add(
        "refunds",
        "negative_amount",
        _replace("refunds", refund, refund_amount=-1000),
        _replace("refunds", refund, refund_id="XR0002", refund_amount=-1),
    )
    add(
        "refunds",
        "orphan_reference",
        _replace("refunds", refund, refund_id="XR0003", order_id="XO-MISSING-0"),
        _replace("refunds", refund, refund_id="XR0004", order_id="XO-MISSING-1"),
    )

    session = _replace("sessions", s[0], customer_id=None, campaign_id=None, is_bot=False)
    add("sessions", "duplicate_key", s[1], s[2], s[3])
    add(
        "sessions",
        "unknown_channel",
        *(
            _replace("sessions", session, session_id=f"XS000{n}", channel="tiktok_global")
            for n in range(1, 4)
        ),
    )
    add(
        "sessions",
        "negative_amount",
        _replace("sessions", session, session_id="XS0011", page_load_ms=-5),
        _replace("sessions", session, session_id="XS0012", page_load_ms=-1200),
    )
    add(
        "sessions",
        "missing_key",
        _replace("sessions", session, session_id=None),
        _replace("sessions", session, session_id=None, device="android"),
    )

    event = _replace("events", e[0], session_id=session_id, product_id=None)
    add("events", "duplicate_key", e[1], e[2], e[3])
    add(
        "events",
        "orphan_reference",
        *(
            _replace("events", event, event_id=f"XE000{n}", session_id="XS-MISSING")
            for n in range(1, 4)
        ),
    )
    add(
        "events",
        "invalid_value",
        _replace("events", event, event_id="XE0011", event_type="hover"),
        _replace("events", event, event_id="XE0012", event_type="scroll"),
    )

    add(
        "ad_spend",
        "negative_amount",
        (before, "search_ads", None, 1000, 30, -2500),
        (before2, "search_ads", None, 1000, 30, -1),
    )
    add(
        "ad_spend",
        "unknown_channel",
        (before, "tiktok_global", None, 1000, 30, 2500),
        (before2, "tiktok_global", None, 1000, 30, 2500),
    )
    add("ad_spend", "duplicate_key", a[1], a[2])

    add(
        "marketing_budgets",
        "unknown_channel",
        (start.replace(day=1).isoformat(), "tiktok_global", 1_000_000, False),
    )

    review = ("XV0001", order_id, product_id, 0, day)
    add(
        "reviews",
        "invalid_value",
        review,
        _replace("reviews", review, review_id="XV0002", rating=7),
    )
    add(
        "reviews",
        "orphan_reference",
        _replace("reviews", review, review_id="XV0003", rating=5, order_id="XO-MISSING-0"),
        _replace("reviews", review, review_id="XV0004", rating=4, order_id="XO-MISSING-1"),
    )

    add(
        "inventory_snapshots",
        "negative_amount",
        (before, product_id, -3, 5),
        (before2, product_id, -1, 5),
    )

    add("kpi_targets", "duplicate_key", samples["kpi_targets"][0])
    add(
        "kpi_targets",
        "invalid_value",
        ("gmv", "tmall", "lots", None, "a target that is not a number"),
    )
    add(
        "kpi_targets",
        "unknown_kpi",
        ("gmv_daily", None, "5000", True, "a KPI code the registry does not have"),
    )
    source = "illustrative"
    add(
        "kpi_benchmarks",
        "invalid_value",
        ("ctr", "neighbour_shop", None, None, "0.02", source),
        ("bounce_rate", "industry", "month", None, "n/a", source),
        ("bounce_rate", "industry", "month", "2025-06-18", "0.40", source),
    )
    add(
        "kpi_benchmarks",
        "unknown_kpi",
        ("conversion_rate", "industry", None, None, "0.035", source),
        ("roas", "competitor", "month", None, "3.1", source),
    )
    add(
        "kpi_benchmarks",
        "unparseable_timestamp",
        ("bounce_rate", "industry", "day", "2025-02-30", "0.40", source),
    )
    return out


def manifest(rows: dict[str, list[tuple[str, tuple]]], seed: int, scale: str) -> dict:
    injected: dict[str, dict[str, int]] = {}
    listed: dict[str, list[dict]] = {}
    for table, pairs in rows.items():
        for rule, row in pairs:
            injected.setdefault(table, {})
            injected[table][rule] = injected[table].get(rule, 0) + 1
            listed.setdefault(table, []).append({"rule": rule, "key": _key(table, row)})
    return {"seed": seed, "scale": scale, "injected": injected, "rows": listed}
