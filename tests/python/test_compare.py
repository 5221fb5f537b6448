"""``shopkpi compare-marts``: a changed, missing or renamed mart is reported, an equal one not."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shopkpi.cli import main
from shopkpi.compare import CompareError, compare_marts, read_renames


def _warehouse(path: Path, *statements: str) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


ORDERS = (
    "create table marts.fct_orders as select * from (values"
    " (1, 10.50::decimal(18,2)), (2, 20.00::decimal(18,2)), (2, 20.00::decimal(18,2)))"
    " t(order_id, gmv_cny)"
)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return _warehouse(tmp_path / "base.duckdb", ORDERS)


def test_an_identical_copy_is_the_same(base: Path, tmp_path: Path) -> None:
    new = _warehouse(tmp_path / "new.duckdb", ORDERS)
    (result,), added = compare_marts(base, new)
    assert result.identical and result.base_rows == 3 and added == []


def test_a_changed_value_counts_one_row_each_way(base: Path, tmp_path: Path) -> None:
    new = _warehouse(
        tmp_path / "new.duckdb",
        ORDERS,
        "update marts.fct_orders set gmv_cny = 10.51 where order_id = 1",
    )
    (result,), _ = compare_marts(base, new)
    assert not result.identical
    assert (result.only_in_base, result.only_in_new) == (1, 1)


def test_a_lost_duplicate_row_is_a_difference(base: Path, tmp_path: Path) -> None:
    new = _warehouse(
        tmp_path / "new.duckdb",
        "create table marts.fct_orders as select * from (values"
        " (1, 10.50::decimal(18,2)), (2, 20.00::decimal(18,2))) t(order_id, gmv_cny)",
    )
    (result,), _ = compare_marts(base, new)
    assert (result.only_in_base, result.only_in_new) == (1, 0)


def test_a_renamed_mart_is_followed_and_an_added_column_is_listed(
    base: Path, tmp_path: Path
) -> None:
    new = _warehouse(
        tmp_path / "new.duckdb",
        ORDERS.replace("fct_orders", "agg_orders"),
        "alter table marts.agg_orders add column is_paid boolean default true",
        "create table marts.dim_dates as select 1 as date_day",
    )
    renames_file = tmp_path / "renames.csv"
    renames_file.write_text("old,new\nfct_orders,agg_orders\n", encoding="utf-8")
    (result,), added = compare_marts(base, new, read_renames(renames_file))
    assert result.identical and result.new_table == "agg_orders"
    assert result.added_columns == ["is_paid"]
    assert added == ["dim_dates"]


def test_a_missing_mart_or_column_or_type_change_fails(base: Path, tmp_path: Path) -> None:
    gone = _warehouse(tmp_path / "gone.duckdb", "create table marts.other as select 1 as x")
    (missing,), _ = compare_marts(base, gone)
    assert missing.missing and not missing.identical
    retyped = _warehouse(
        tmp_path / "retyped.duckdb",
        ORDERS.replace("decimal(18,2)", "double"),
    )
    (result,), _ = compare_marts(base, retyped)
    assert result.changed_types == ["gmv_cny DECIMAL(18,2) -> DOUBLE"]
    narrowed = _warehouse(
        tmp_path / "narrowed.duckdb",
        "create table marts.fct_orders as select 1 as order_id",
    )
    (result,), _ = compare_marts(base, narrowed)
    assert result.missing_columns == ["gmv_cny"]


def test_the_command_exits_1_on_a_difference_and_2_on_a_bad_file(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare-marts", str(base), str(base)]) == 0
    assert "1 of 1 marts the same row for row" in capsys.readouterr().out
    changed = _warehouse(
        tmp_path / "new.duckdb", ORDERS, "delete from marts.fct_orders where order_id = 1"
    )
    assert main(["compare-marts", str(base), str(changed)]) == 1
    assert "DIFFERENT fct_orders" in capsys.readouterr().out
    assert main(["compare-marts", str(base), str(tmp_path / "nope.duckdb")]) == 2
    assert "nope.duckdb: no such warehouse file" in capsys.readouterr().err


def test_a_renames_file_needs_its_header(tmp_path: Path) -> None:
    bad = tmp_path / "renames.csv"
    bad.write_text("from,to\na,b\n", encoding="utf-8")
    with pytest.raises(CompareError, match="header must be 'old,new'"):
        read_renames(bad)


def test_the_shipped_renames_file_reads() -> None:
    root = Path(__file__).resolve().parents[2]
    renames = read_renames(root / "docs" / "model-renames.csv")
    assert renames["fct_channel_days"] == "agg_channel_days"
    assert len(set(renames.values())) == len(renames)
