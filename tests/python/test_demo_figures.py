"""What the demo shop looks like (``shopkpi.demo_figures``): the embedded demo holds every
figure inside its band (DECISIONLOG.md "What the demo shop must look like"), and the
measurements give the numbers worked out by hand on tiny warehouses."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from shopkpi.cli import main
from shopkpi.demo_figures import (
    KEYS,
    SPECS,
    UNITS,
    Figure,
    format_band,
    format_table,
    measure,
)

# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo_figures(published_demo: Path) -> dict[str, Figure]:
    return {figure.key: figure for figure in measure(published_demo)}


@pytest.mark.parametrize("key", KEYS)
def test_the_demo_figure_is_inside_its_band(demo_figures: dict[str, Figure], key: str) -> None:
    figure = demo_figures[key]
    band = f"[{figure.low}, {figure.high}]"
    assert figure.value is not None, f"{key} ({figure.label}): no value; band {band}"
    assert figure.in_band, f"{key} ({figure.label}) = {figure.value!r}, outside the band {band}"


# --------------------------------------------------------------------------- tiny warehouses


def _warehouse(path: Path, *statements: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for statement in statements:
            con.execute(statement)
    return path


def _values(path: Path) -> dict[str, float | None]:
    return {figure.key: figure.value for figure in measure(path)}


# The campaign year is 2025: dim_dates runs from 1 Jan to 31 Dec.
DATES = (
    "create table marts.dim_dates as select * from (values"
    " (date '2025-01-01'), (date '2025-12-31')) t(date_day)"
)
# Double 11 2025's warm-up starts on 20 Oct (the earliest of its campaigns, either spelling):
# the baseline is 22 Sep..19 Oct. The 2024 campaign and the 618 one do not count.
CAMPAIGNS = """
    create table marts.dim_campaigns as select * from (values
        ('2025 雙11 抖音', date '2025-10-20', 'double_11'),
        ('2025 双11 微信', date '2025-10-22', null),
        ('2024 雙11 抖音', date '2024-10-20', 'double_11'),
        ('2025 618 抖音', date '2025-05-20', '618')
    ) t(campaign_name, warmup_start_date, campaign_event)
"""
ORDERS = """
    create table marts.fct_orders as
    select
        order_id, customer_id, session_id, is_paid, ordered_at::timestamp as ordered_at,
        paid_at::timestamp as paid_at, paid_at::date as paid_date,
        gmv_cny::decimal(18, 2) as gmv_cny, gmv_cny::decimal(18, 2) as net_revenue_cny,
        false as has_refund, null::double as fulfilment_days
    from (values
        -- baseline: 1000 + 1800 over 28 days = 100 a day; the days either side are out
        ('B1', 'C1', null, true, '2025-09-22 10:00:00', '2025-09-22 10:05:00', 1000),
        ('B2', 'C1', null, true, '2025-10-19 23:00:00', '2025-10-19 23:59:59', 1800),
        ('B3', 'C1', null, true, '2025-09-21 10:00:00', '2025-09-21 23:59:59', 99999),
        ('B4', 'C1', null, true, '2025-10-20 00:00:00', '2025-10-20 00:00:00', 50000),
        -- 11 Nov: 600 pre-sold in October paid at 00:05, 200 paid at 01:59:59, 700 at
        -- 02:00; an unpaid order does not count. GMV 1500 = 15 x baseline.
        ('O1', 'C1', null, true, '2025-10-25 10:00:00', '2025-11-11 00:05:00', 600),
        ('O2', 'C1', null, true, '2025-11-11 01:50:00', '2025-11-11 01:59:59', 200),
        ('O3', 'C1', null, true, '2025-11-11 02:00:00', '2025-11-11 02:00:00', 700),
        ('O4', 'C1', null, false, '2025-10-25 10:00:00', '2025-11-11 00:10:00', 5000),
        -- 16..25 Nov: 300 + 400 over 10 days = 70 a day = 0.7 x baseline
        ('S1', 'C1', null, true, '2025-11-16 00:00:00', '2025-11-16 00:00:00', 300),
        ('S2', 'C1', null, true, '2025-11-25 23:00:00', '2025-11-25 23:59:59', 400),
        ('S3', 'C1', null, true, '2025-11-26 00:00:00', '2025-11-26 00:00:00', 9999),
        ('S4', 'C1', null, true, '2025-11-15 23:00:00', '2025-11-15 23:59:59', 9999),
        -- conversion: channel a on a Monday 2 paid orders in 4 human sessions (an unpaid
        -- order and an order in a bot session do not count), b on a Tuesday 1 in 10
        ('W1', 'C1', 'A1', true, '2025-06-02 10:00:00', '2025-06-02 10:01:00', 1),
        ('W2', 'C1', 'A2', true, '2025-06-02 11:00:00', '2025-06-02 11:01:00', 1),
        ('W3', 'C1', 'A3', false, '2025-06-02 12:00:00', null, 1),
        ('W4', 'C1', 'AX', true, '2025-06-02 13:00:00', '2025-06-02 13:01:00', 1),
        ('W5', 'C1', 'B1', true, '2025-06-03 10:00:00', '2025-06-03 10:01:00', 1)
    ) t(order_id, customer_id, session_id, is_paid, ordered_at, paid_at, gmv_cny)
"""
SESSIONS = """
    create table marts.fct_sessions as
    select
        session_id, session_date::date as session_date, channel, is_bot
    from (
        select 'A' || i as session_id, '2025-06-02' as session_date, 'a' as channel,
            false as is_bot
        from range(1, 5) r(i)
        union all select 'AX', '2025-06-02', 'a', true
        union all
        select 'B' || i, '2025-06-03', 'b', false from range(1, 11) r(i)
    )
"""
# Ten buyers: revenue 500, 300 and eight of 100 (1600; the top 20% = two buyers = 800);
# paid orders 1 x 6, 2, 3, 5, 7. A customer who never paid is not a buyer.
CUSTOMERS = """
    create table marts.dim_customers as
    select
        customer_id, is_buyer, paid_orders,
        lifetime_net_revenue_cny::decimal(18, 2) as lifetime_net_revenue_cny
    from (values
        ('C1', true, 7, 500), ('C2', true, 5, 300), ('C3', true, 3, 100),
        ('C4', true, 2, 100), ('C5', true, 1, 100), ('C6', true, 1, 100),
        ('C7', true, 1, 100), ('C8', true, 1, 100), ('C9', true, 1, 100),
        ('C10', true, 1, 100), ('C11', false, 0, 0)
    ) t(customer_id, is_buyer, paid_orders, lifetime_net_revenue_cny)
"""
# P1 sells out on 2 Jun (opening 5) and stays out on 3 and 4 Jun; 5 Jun has no snapshot,
# so 6 Jun has no known opening stock. P2 always has 10.
INVENTORY = """
    create table marts.snap_inventory_days as
    select
        product_id, snapshot_date::date as snapshot_date, on_hand_qty,
        on_hand_qty = 0 as is_stock_out
    from (values
        ('P1', '2025-06-01', 5), ('P1', '2025-06-02', 0), ('P1', '2025-06-03', 0),
        ('P1', '2025-06-04', 0), ('P1', '2025-06-06', 0),
        ('P2', '2025-06-01', 10), ('P2', '2025-06-02', 10), ('P2', '2025-06-03', 10),
        ('P2', '2025-06-04', 10), ('P2', '2025-06-06', 10)
    ) t(product_id, snapshot_date, on_hand_qty)
"""
# P1's days with a known opening: 2 Jun opens with 5 and sells 5; 3 and 4 Jun are out all
# day and sell 2 and 1 (a delivery sold the day it landed); the unpaid 9 does not count and
# 6 Jun has no known opening. P2 is never out, so it is not compared.
ITEMS = """
    create table marts.fct_order_items as
    select product_id, order_date::date as order_date, quantity, is_paid
    from (values
        ('P1', '2025-06-02', 5, true), ('P1', '2025-06-03', 2, true),
        ('P1', '2025-06-03', 9, false), ('P1', '2025-06-04', 1, true),
        ('P1', '2025-06-06', 4, true), ('P2', '2025-06-03', 7, true)
    ) t(product_id, order_date, quantity, is_paid)
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return _warehouse(
        tmp_path / "tiny.duckdb", DATES, CAMPAIGNS, ORDERS, SESSIONS, CUSTOMERS, INVENTORY, ITEMS
    )


def test_double_11_figures_on_hand_worked_numbers(tiny: Path) -> None:
    values = _values(tiny)
    assert values["d11_day_vs_baseline"] == pytest.approx(15.0)
    assert values["d11_first_two_hours_share"] == pytest.approx(800 / 1500)
    assert values["d11_presale_share"] == pytest.approx(1 / 3)
    assert values["d11_slump"] == pytest.approx(0.7)


def test_conversion_counts_paid_orders_of_human_sessions(tiny: Path) -> None:
    values = _values(tiny)
    assert values["conversion_overall"] == pytest.approx(3 / 14)
    assert values["conversion_channel_spread"] == pytest.approx((2 / 4) / (1 / 10))
    assert values["conversion_weekday_spread"] == pytest.approx((2 / 4) / (1 / 10))


def test_customer_concentration_and_order_counts(tiny: Path) -> None:
    values = _values(tiny)
    assert values["top20_revenue_share"] == pytest.approx(800 / 1600)
    assert values["one_order_share"] == pytest.approx(0.6)
    assert values["five_plus_order_share"] == pytest.approx(0.2)


def test_stock_outs_and_sales_while_out(tiny: Path) -> None:
    values = _values(tiny)
    assert values["stockout_product_days_share"] == pytest.approx(4 / 10)
    # (2 + 1) / 2 units a day out of stock, against 5 a day in stock
    assert values["stockout_sales_ratio"] == pytest.approx(1.5 / 5)


def test_absent_marts_and_columns_give_no_value(tiny: Path) -> None:
    values = _values(tiny)
    # no agg_new_customer_retention, no fct_order_attribution, no city_tier column, and a
    # one-year shop has no month a year earlier
    for key in ("retention_7d", "earlier_touch_share", "city_tier_aov_ratio", "yoy_months"):
        assert values[key] is None, key
    # dim_customers lacks is_gen_z: a missing column is absent data, not an error
    assert values["gen_z_share"] is None
    # most of 2025 has no paid order: the median day is 0 and the multiple undefined
    assert values["busiest_day_vs_median"] is None


def test_busiest_day_against_a_year_of_days(tmp_path: Path) -> None:
    """Every day of 2025 sells 100 except 18 Jun (2000) and 11 Nov (900): median 100."""
    db = _warehouse(
        tmp_path / "year.duckdb",
        DATES,
        """
        create table marts.fct_orders as
        select
            'O' || day::date as order_id, day::timestamp as paid_at, day::date as paid_date,
            true as is_paid,
            (case day::date when date '2025-06-18' then 2000 when date '2025-11-11' then 900
             else 100 end)::decimal(18, 2) as gmv_cny
        from generate_series(timestamp '2025-01-01', timestamp '2025-12-31', interval 1 day)
            t(day)
        """,
    )
    values = _values(db)
    assert values["busiest_day_vs_median"] == pytest.approx(20.0)
    # no dim_campaigns: no warm-up, no baseline
    assert values["d11_day_vs_baseline"] is None


def test_the_year_on_year_figure_counts_months_with_a_year_earlier(tmp_path: Path) -> None:
    db = _warehouse(
        tmp_path / "two_years.duckdb",
        """
        create table marts.fct_orders as select * from (values
            (true, date '2024-03-05'), (true, date '2025-03-20'), (true, date '2025-04-01'),
            (false, date '2024-04-09'), (true, date '2024-05-31'), (true, date '2025-05-01')
        ) t(is_paid, paid_date)
        """,
    )
    # March and May 2025 have a paid month a year earlier; April 2024's order is unpaid
    assert _values(db)["yoy_months"] == 2


def test_every_figure_has_a_known_unit_and_an_ordered_band() -> None:
    assert len(set(KEYS)) == len(KEYS)
    for spec in SPECS:
        assert spec.unit in UNITS, spec.key
        assert spec.low is None or spec.high is None or spec.low <= spec.high, spec.key
        assert spec.how.endswith("."), spec.key


# --------------------------------------------------------------------------- the table


def _figure(key: str, value: float | None, low: float | None, high: float | None, unit: str):
    return Figure(key, key.replace("_", " "), value, low, high, unit, "how.")


def test_format_table_shows_before_now_band_and_ok() -> None:
    now = [
        _figure("peak", 15.0, 10, 20, "×"),
        _figure("share", 0.5333, 0.15, 0.60, "%"),
        _figure("late", 4.19, 8, 30, "days"),
        _figure("missing", None, 1, 1, "count"),
        _figure("units", 251, 0, 0, "count"),
        _figure("endless", math.inf, 1.08, 2.0, "×"),
        _figure("unbanded", 0.0021, None, None, "%"),
    ]
    before = [_figure("peak", 2.281, 10, 20, "×"), _figure("units", 1234, 0, 0, "count")]
    lines = format_table(now, before).splitlines()
    assert lines[0] == "| figure | before | now | band | ok |"
    assert lines[2] == "| peak (`peak`) | 2.28× | 15.0× | 10–20× | ✓ |"
    assert lines[3] == "| share (`share`) | n/a | 53.3% | 15–60% | ✓ |"
    assert lines[4] == "| late (`late`) | n/a | 4.19 days | 8–30 days | ✗ |"
    assert lines[5] == "| missing (`missing`) | n/a | n/a | 1 | ✗ |"
    assert lines[6] == "| units (`units`) | 1,234 | 251 | 0 | ✗ |"
    assert lines[7] == "| endless (`endless`) | n/a | ∞ | 1.08–2× | ✗ |"
    assert lines[8] == "| unbanded (`unbanded`) | n/a | 0.210% |  |  |"
    assert len(lines) == 9


def test_format_band_with_an_open_end() -> None:
    assert format_band(0.003, 0.05, "%") == "0.3–5%"
    assert format_band(None, 4.5, "days") == "≤ 4.5 days"
    assert format_band(2, None, "×") == "≥ 2×"
    assert format_band(None, None, "count") == ""


def test_a_figure_is_in_band_at_its_ends_and_not_without_a_value() -> None:
    assert _figure("a", 10, 10, 20, "×").in_band
    assert _figure("a", 20, 10, 20, "×").in_band
    assert not _figure("a", 20.01, 10, 20, "×").in_band
    assert not _figure("a", None, 10, 20, "×").in_band
    assert _figure("a", None, None, None, "×").in_band is None


# --------------------------------------------------------------------------- the command


def test_the_command_prints_the_table_and_exits_1_outside_a_band(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo-figures", "--db", str(tiny), "--before", str(tiny)]) == 1
    out = capsys.readouterr().out
    assert "| Double 11 day GMV vs pre-campaign baseline (`d11_day_vs_baseline`) | 15.0× " in out
    assert "figures outside their band:" in out
    assert main(["demo-figures", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse file" in capsys.readouterr().err
