"""The shop's own KPI targets and external benchmarks (raw tables kpi_targets and
kpi_benchmarks) as the scorecard uses them, on the demo and on copies of it.

The demo's GMV target is recomputed here from its order files; a build without the two
files is the path of a shop that keeps neither; bad rows reach the quarantine with their rule.
"""

from __future__ import annotations

import csv
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import DEMO_DIR, build_from_folder, copy_warehouse, query, run_dbt, run_shopkpi

pytestmark = pytest.mark.integration


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _two_significant_figures(value: Decimal) -> Decimal:
    step = Decimal(10) ** (len(str(int(value))) - 2)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def test_the_demo_gmv_target_is_its_2024_daily_gmv_times_one_and_a_half(clean_warehouse):
    """GMV of paid orders after discounts, by payment day, from the demo's own files."""
    (target_row,) = [r for r in _csv(DEMO_DIR / "kpi_targets.csv") if r["kpi_id"] == "gmv"]
    assert target_row["slice_value"] == "" and target_row["is_target_per_day"] == "true"
    (gmv_2024,) = query(
        clean_warehouse,
        f"""
        with lines as (
            select order_id,
                sum(cast(quantity as integer) * cast(unit_price as decimal(18, 2))
                    - coalesce(cast(nullif(discount_amount, '') as decimal(18, 2)), 0)) as amount
            from read_csv('{DEMO_DIR / "order_items.csv"}', all_varchar = true)
            group by order_id
        )
        select sum(
            lines.amount - coalesce(cast(nullif(o.discount_amount, '') as decimal(18, 2)), 0)
        )
        from read_csv('{DEMO_DIR / "orders.csv"}', all_varchar = true) as o
        join lines using (order_id)
        where o.status in ('paid', 'shipped', 'delivered', 'refunded')
            and left(o.paid_at, 4) = '2024'
        """,
    )[0]
    expected = _two_significant_figures(Decimal(gmv_2024) / 366 * Decimal("1.5"))
    assert Decimal(target_row["target"]) == expected

    # The scorecard holds the shop total to it, per day and times the days of a week or a
    # month, instead of the registry's 180,000.
    rows = query(
        clean_warehouse,
        "select period_grain, target_source, target_basis, count(*),"
        f" count(*) filter (where target_value <> {expected}"
        " * (period_end_date - period_start_date + 1))"
        " from metrics.kpi_scorecard where kpi_id = 'gmv' and slice_kind = 'total'"
        " group by all order by all",
    )
    assert [(grain, source, basis, wrong) for grain, source, basis, _, wrong in rows] == [
        ("day", "shop", "absolute", 0),
        ("month", "shop", "absolute", 0),
        ("week", "shop", "absolute", 0),
    ]
    # A channel's GMV is no shop-size target's business; a rate keeps the registry's target.
    assert query(
        clean_warehouse,
        "select count(*) from metrics.kpi_scorecard"
        " where kpi_id = 'gmv' and slice_kind <> 'total' and target_value is not null",
    ) == [(0,)]
    assert query(
        clean_warehouse,
        "select distinct target_source, target_value from metrics.kpi_scorecard"
        " where kpi_id = 'session_conversion_rate'",
    ) == [("registry", 0.052)]


def test_each_demo_benchmark_sits_beside_its_kpi(clean_warehouse):
    column = {
        "industry": "benchmark_industry",
        "competitor": "benchmark_competitor",
        "top_shop": "benchmark_top_shop",
    }
    benchmarks = _csv(DEMO_DIR / "kpi_benchmarks.csv")
    assert {r["benchmark_kind"] for r in benchmarks} == set(column)
    assert all("illustrative" in r["source"] for r in benchmarks)
    for row in benchmarks:
        where = f"kpi_id = '{row['kpi_id']}' and slice_kind = 'total'"
        if row["period_grain"]:
            where += f" and period_grain = '{row['period_grain']}'"
        if row["period_start_date"]:
            where += f" and period_start_date = '{row['period_start_date']}'"
        values = query(
            clean_warehouse,
            f"select distinct {column[row['benchmark_kind']]} from metrics.kpi_scorecard"
            f" where {where}",
        )
        if not row["period_start_date"] and row["kpi_id"] == "session_conversion_rate":
            # Every period but the one with a row of its own.
            values = [v for v in values if v != (0.048,)]
        assert values == [(float(row["value"]),)], row

    # The most specific row wins: Singles' Day month has its own industry figure.
    months = dict(
        query(
            clean_warehouse,
            "select cast(period_start_date as varchar), benchmark_industry"
            " from metrics.kpi_scorecard where kpi_id = 'session_conversion_rate'"
            " and period_grain = 'month' and slice_kind = 'total'"
            " and period_start_date between '2025-10-01' and '2025-12-01'",
        )
    )
    assert months == {"2025-10-01": 0.035, "2025-11-01": 0.048, "2025-12-01": 0.035}
    # A year-only benchmark stays off the months; a rate's applies to its slices.
    assert query(
        clean_warehouse,
        "select period_grain, count(*) filter (where benchmark_top_shop is not null) > 0"
        " from metrics.kpi_scorecard where kpi_id = 'repurchase_rate' group by all order by all",
    ) == [("month", False), ("year", True)]
    assert query(
        clean_warehouse,
        "select count(*) filter (where benchmark_competitor is null) from metrics.kpi_scorecard"
        " where kpi_id = 'ctr' and slice_kind = 'channel'",
    ) == [(0,)]
    # Attainment against a benchmark follows the direction: bounce rate, lower is better.
    ((largest_error, rows),) = query(
        clean_warehouse,
        "select max(abs(attainment_vs_industry - 0.45 / kpi_value)), count(*)"
        " from metrics.kpi_scorecard where kpi_id = 'bounce_rate' and kpi_value > 0",
    )
    assert rows > 0 and largest_error < 1e-12
    # KPIs without a benchmark row have none.
    listed = ", ".join(f"'{k}'" for k in {r["kpi_id"] for r in benchmarks})
    assert query(
        clean_warehouse,
        "select count(*) from metrics.kpi_scorecard where kpi_id not in (" + listed + ")"
        " and coalesce(benchmark_industry, benchmark_competitor, benchmark_top_shop) is not null",
    ) == [(0,)]


def test_a_shop_without_targets_or_benchmarks_files_builds(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_DIR, raw)
    (raw / "kpi_targets.csv").unlink()
    (raw / "kpi_benchmarks.csv").unlink()
    db = build_from_folder(raw, tmp_path / "wh" / "no_targets.duckdb")
    assert query(
        db,
        "select source_table, rows_received from marts.dq_scorecard"
        " where source_table in ('kpi_targets', 'kpi_benchmarks') order by all",
    ) == [("kpi_benchmarks", 0), ("kpi_targets", 0)]
    assert query(
        db,
        "select count(*) from metrics.kpi_scorecard"
        " where coalesce(benchmark_industry, benchmark_competitor, benchmark_top_shop,"
        " attainment_vs_industry, attainment_vs_competitor, attainment_vs_top_shop) is not null",
    ) == [(0,)]
    # Every target is the registry's again: GMV's is the plans' 180,000 a day.
    assert query(db, "select distinct target_source from metrics.kpi_scorecard order by all") == [
        ("registry",),
        (None,),
    ]
    assert query(
        db,
        "select distinct target_value from metrics.kpi_scorecard"
        " where kpi_id = 'gmv' and period_grain = 'day' and slice_kind = 'total'",
    ) == [(180000.0,)]


BAD_BENCHMARKS = [
    # (kpi_id, benchmark_kind, period_grain, period_start_date, value, source): expected rule
    (("conversion_rate", "industry", "", "", "0.035", "typo"), "unknown_kpi"),
    (("ctr", "neighbour", "", "", "0.02", "bad kind"), "invalid_value"),
    (("gross_margin_rate", "competitor", "", "", "about 40%", "not a number"), "invalid_value"),
    (
        ("gross_margin_rate", "industry", "month", "2025-06-15", "0.40", "mid-month"),
        "invalid_value",
    ),
    (("repurchase_rate", "industry", "day", "", "0.30", "a grain it has not"), "invalid_value"),
    (
        ("bounce_rate", "industry", "day", "2025-02-30", "0.40", "no such day"),
        "unparseable_timestamp",
    ),
    (
        ("bounce_rate", "industry", "", "", "0.50", "another industry figure"),
        "conflicting_duplicate",
    ),
]
GOOD_BENCHMARK = ("cart_to_payment_rate", "Top shop", "month", "2025-06-01", "3.5%", "percent")
BAD_TARGETS = [
    (("gmv_per_day", "", "5000", "", "no such KPI"), "unknown_kpi"),
    (("aov", "", "lots", "", "not a number"), "invalid_value"),
]


def test_bad_target_and_benchmark_rows_are_quarantined_with_their_rule(clean_warehouse, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_DIR, raw)
    for name, rows in (
        ("kpi_benchmarks", [*(r for r, _ in BAD_BENCHMARKS), GOOD_BENCHMARK]),
        ("kpi_targets", [r for r, _ in BAD_TARGETS]),
    ):
        with (raw / f"{name}.csv").open("a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    db = copy_warehouse(clean_warehouse, tmp_path / "wh")
    run_shopkpi(db, "load-raw", "--dir", str(raw))
    run_dbt(db, "build", "--select", "base_shop__kpi_benchmarks+", "base_shop__kpi_targets+")

    quarantined = query(
        db,
        "select source_table, source_line, dq_rule from marts.dq_quarantine"
        " where source_table in ('kpi_benchmarks', 'kpi_targets') order by all",
    )
    first_benchmark = len(_csv(DEMO_DIR / "kpi_benchmarks.csv")) + 2
    first_target = len(_csv(DEMO_DIR / "kpi_targets.csv")) + 2
    assert quarantined == sorted(
        [
            ("kpi_benchmarks", first_benchmark + n, rule)
            for n, (_, rule) in enumerate(BAD_BENCHMARKS)
        ]
        + [("kpi_targets", first_target + n, rule) for n, (_, rule) in enumerate(BAD_TARGETS)]
    )
    # The quarantine keeps each row's values as delivered.
    (raw_values,) = query(
        db,
        "select raw_values from marts.dq_quarantine where source_table = 'kpi_benchmarks'"
        f" and source_line = {first_benchmark + 2}",
    )[0]
    assert '"value":"about 40%"' in raw_values and '"source":"not a number"' in raw_values
    # A percent sign and a kind written as words are read; the row reaches the scorecard.
    assert query(
        db,
        "select benchmark_kind, benchmark_value from staging.stg_shop__kpi_benchmarks"
        " where kpi_id = 'cart_to_payment_rate'",
    ) == [("top_shop", 0.035)]
    assert query(
        db,
        "select distinct benchmark_top_shop from metrics.kpi_scorecard"
        " where kpi_id = 'cart_to_payment_rate' and period_grain = 'month'"
        " and period_start_date = '2025-06-01'",
    ) == [(0.035,)]
    # The clean rows are untouched: the first bounce-rate figure is the one kept.
    assert query(
        db,
        "select distinct benchmark_industry from metrics.kpi_scorecard"
        " where kpi_id = 'bounce_rate'",
    ) == [(0.45,)]
