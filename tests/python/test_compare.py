"""``shopkpi compare-marts``: a changed, missing or renamed mart is reported, an equal one not."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shopkpi.cli import main
from shopkpi.compare import CompareError, compare_marts, read_changes


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
    renames_file.write_text("old,new,how\nfct_orders,agg_orders,\n", encoding="utf-8")
    (result,), added = compare_marts(base, new, read_changes(renames_file))
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("from,to\na,b\n", "header must be 'old,new,how'"),
        ("old,new,how\na,,\n", "both old and new are needed"),
        ("old,new,how\na.x,b,\n", "a column change is"),
        ("old,new,how\na.x,a.y,swapped\n", "a column change is"),
        ("old,new,how\na,b,shuffled\n", "how must be empty"),
    ],
)
def test_a_bad_changes_file_is_named_with_its_line(tmp_path: Path, text, message) -> None:
    bad = tmp_path / "changes.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CompareError, match=message):
        read_changes(bad)


def _changes(tmp_path: Path, *rows: str):
    path = tmp_path / "changes.csv"
    path.write_text("old,new,how\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return read_changes(path)


FLAGS = (
    "create table marts.fct_months as select * from (values"
    " (1, false), (2, true)) t(month_number, is_partial_month)"
)


def test_a_renamed_negated_flag_is_the_same_and_a_wrong_one_is_not(tmp_path: Path) -> None:
    base = _warehouse(tmp_path / "base.duckdb", FLAGS)
    flipped = _warehouse(
        tmp_path / "flipped.duckdb",
        "create table marts.agg_months as select * from (values"
        " (1, true), (2, false)) t(month_number, is_complete_month)",
    )
    changes = _changes(
        tmp_path,
        "fct_months,agg_months,",
        "fct_months.is_partial_month,agg_months.is_complete_month,not",
    )
    (result,), _ = compare_marts(base, flipped, changes)
    assert result.identical, result.describe()
    assert result.renamed_columns == ["is_partial_month -> not is_complete_month"]
    # Renamed but not negated: every row differs.
    copied = _warehouse(
        tmp_path / "copied.duckdb",
        "create table marts.agg_months as select * from (values"
        " (1, false), (2, true)) t(month_number, is_complete_month)",
    )
    (result,), _ = compare_marts(base, copied, changes)
    assert (result.only_in_base, result.only_in_new) == (2, 2)


SCORECARD = (
    "create table marts.dq_scorecard as select * from (values"
    " ('orders', 'missing_key', 10::hugeint, 2), ('orders', 'duplicate_key', 10::hugeint, 1),"
    " ('refunds', 'missing_key', 4::hugeint, 0)) t(source_table, dq_rule, rows_received,"
    " rows_broken_rule)"
)


def test_a_regrained_table_holds_the_distinct_rows_of_the_columns_it_kept(
    tmp_path: Path,
) -> None:
    base = _warehouse(tmp_path / "base.duckdb", SCORECARD)
    changes = _changes(tmp_path, "dq_scorecard,dq_scorecard,regrained")
    per_table = _warehouse(
        tmp_path / "new.duckdb",
        "create table marts.dq_scorecard as select * from (values"
        " ('orders', 10::bigint), ('refunds', 4::bigint)) t(source_table, rows_received)",
    )
    (result,), _ = compare_marts(base, per_table, changes)
    assert result.identical, result.describe()
    assert result.dropped_columns == ["dq_rule", "rows_broken_rule"]
    # A total that changed, or a table row lost, is still a difference.
    changed = _warehouse(
        tmp_path / "changed.duckdb",
        "create table marts.dq_scorecard as select * from (values"
        " ('orders', 11::bigint)) t(source_table, rows_received)",
    )
    (result,), _ = compare_marts(base, changed, changes)
    assert (result.only_in_base, result.only_in_new) == (2, 1)
    # Without the declaration the same reshaping is reported.
    (result,), _ = compare_marts(base, per_table)
    assert result.missing_columns == ["dq_rule", "rows_broken_rule"] and not result.identical


def test_the_shipped_renames_file_reads() -> None:
    root = Path(__file__).resolve().parents[2]
    changes = read_changes(root / "docs" / "model-changes.csv")
    assert changes.tables["fct_channel_days"] == "agg_channel_days"
    assert len(set(changes.tables.values())) == len(changes.tables)
    assert changes.regrained == {"dq_scorecard"}
