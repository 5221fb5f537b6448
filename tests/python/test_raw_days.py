"""shopkpi.raw_days cuts a raw folder into the rows before a day and the day's part files."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from shopkpi.raw_days import add_day_parts, split_raw_days

ORDERS = [
    ("O1", "2025-12-01T10:00:00+08:00"),
    ("O2", "2025-12-29T09:00:00+08:00"),
    ("O3", "2025-12-29T21:00:00+08:00"),
    ("O4", "2025-12-31T08:00:00+08:00"),
    ("O5", "2026-01-01T08:00:00+08:00"),
    ("O6", "not a time"),
]


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def raw(tmp_path) -> Path:
    out = tmp_path / "raw"
    _write(out / "customers.csv", ["customer_id", "registered_at"], [("C1", "2025-01-01")])
    _write(out / "products.csv", ["product_id", "list_price", "unit_cost"], [("P1", 10, 5)])
    _write(
        out / "orders.csv",
        ["order_id", "customer_id", "ordered_at", "status"],
        [(order_id, "C1", at, "paid") for order_id, at in ORDERS],
    )
    _write(
        out / "order_items" / "a.csv",
        ["order_id", "line_number", "product_id", "quantity", "unit_price"],
        [(order_id, 1, "P1", 1, 10) for order_id, _ in ORDERS] + [("O9", 1, "P1", 1, 10)],
    )
    return out


def test_rows_go_before_or_into_the_day_by_their_business_date(raw, tmp_path):
    counts = split_raw_days(raw, "2025-12-31", tmp_path / "before", tmp_path / "day", late_share=0)
    before = [row["order_id"] for row in _rows(tmp_path / "before/orders/part-0-before.csv")]
    day = [row["order_id"] for row in _rows(tmp_path / "day/orders/part-1-2025-12-31.csv")]
    # After the day: left out; without a readable date: before.
    assert before == ["O1", "O2", "O3", "O6"]
    assert day == ["O4"]
    # A line takes its order's day; a line of an unknown order has none: before.
    lines_before = _rows(tmp_path / "before/order_items/part-0-before.csv")
    assert [row["order_id"] for row in lines_before] == ["O1", "O2", "O3", "O6", "O9"]
    # Undated tables go whole into before, and the day has no part for them.
    assert counts.before["products"] == 1 and counts.day["products"] == 0
    assert not (tmp_path / "day" / "products").exists()
    # Text is written as delivered.
    assert _rows(tmp_path / "day/orders/part-1-2025-12-31.csv")[0]["ordered_at"] == ORDERS[3][1]


def test_late_rows_move_from_before_to_the_day_and_nowhere_else(raw, tmp_path):
    counts = split_raw_days(
        raw,
        "2025-12-31",
        tmp_path / "before",
        tmp_path / "day",
        late_day="2025-12-29",
        late_share=1,
    )
    before = [row["order_id"] for row in _rows(tmp_path / "before/orders/part-0-before.csv")]
    day = [row["order_id"] for row in _rows(tmp_path / "day/orders/part-1-2025-12-31.csv")]
    assert before == ["O1", "O6"]
    assert sorted(day) == ["O2", "O3", "O4"]
    assert counts.late["orders"] == 2


def test_a_share_of_the_late_day_is_held_back_the_same_way_every_time(tmp_path):
    raw = tmp_path / "raw"
    rows = [(f"E{n}", f"2025-12-29T{n % 24:02d}:00:00+08:00") for n in range(400)]
    _write(raw / "events.csv", ["event_id", "occurred_at"], rows)
    _write(raw / "orders.csv", ["order_id", "ordered_at"], [("O1", "2025-12-01")])
    first = split_raw_days(raw, "2025-12-31", tmp_path / "b1", tmp_path / "d1", late_share=0.25)
    second = split_raw_days(raw, "2025-12-31", tmp_path / "b2", tmp_path / "d2", late_share=0.25)
    assert 60 < first.late["events"] < 140
    assert first == second
    assert first.before["events"] + first.day["events"] == 400


def test_add_day_parts_gives_the_full_folder_the_loader_reads(raw, tmp_path):
    split_raw_days(raw, "2025-12-31", tmp_path / "before", tmp_path / "day", late_share=0.5)
    folder = tmp_path / "before"
    written = add_day_parts(tmp_path / "day", folder)
    assert {path.parent.name for path in written} == {"orders", "order_items"}
    with duckdb.connect() as con:
        loaded = con.execute(
            f"select order_id from read_csv('{folder}/orders/*.csv', all_varchar = true) "
            "order by order_id"
        ).fetchall()
    assert [order_id for (order_id,) in loaded] == ["O1", "O2", "O3", "O4", "O6"]


def test_the_late_day_must_come_before_the_day(raw, tmp_path):
    with pytest.raises(ValueError, match="before day"):
        split_raw_days(raw, "2025-12-31", tmp_path / "b", tmp_path / "d", late_day="2025-12-31")


def test_an_orders_lines_are_late_with_it(tmp_path):
    """Late orders and their lines move together: no order arrives with part of its lines."""
    raw = tmp_path / "raw"
    orders = [(f"O{n:03d}", "C1", "2025-12-29T10:00:00+08:00", "paid") for n in range(200)]
    _write(raw / "orders.csv", ["order_id", "customer_id", "ordered_at", "status"], orders)
    lines = [(order_id, line, "P1", line, 10) for order_id, *_ in orders for line in (1, 2, 3)]
    _write(
        raw / "order_items.csv",
        ["order_id", "line_number", "product_id", "quantity", "unit_price"],
        lines,
    )
    counts = split_raw_days(raw, "2025-12-31", tmp_path / "b", tmp_path / "d", late_share=0.5)
    assert 60 < counts.late["orders"] < 140
    assert counts.late["order_items"] == 3 * counts.late["orders"]
    late_orders = {row["order_id"] for row in _rows(tmp_path / "d/orders/part-1-2025-12-31.csv")}
    late_lines = _rows(tmp_path / "d/order_items/part-1-2025-12-31.csv")
    assert {row["order_id"] for row in late_lines} == late_orders
    kept = _rows(tmp_path / "b/order_items/part-0-before.csv")
    assert not {row["order_id"] for row in kept} & late_orders
