"""The demo-data generator: determinism, the contract's shape, a realistic shop, dirty rows."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from shopkpi.cli import main
from shopkpi.contract import RULES, TABLES
from shopkpi.generator import generate

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds" / "demo"


def _csv_views(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in TABLES:
        con.execute(
            f"create view {name} as select * from read_csv('{folder / name}.csv', header = true,"
            " all_varchar = true)"
        )
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


def test_committed_demo_is_exactly_what_the_generator_writes(clean_demo):
    for name in TABLES:
        committed = (SEEDS / f"{name}.csv").read_bytes()
        assert (clean_demo / f"{name}.csv").read_bytes() == committed, (
            f"seeds/demo/{name}.csv differs from the generator's output: run make generate-demo"
        )
    assert sorted(p.name for p in SEEDS.glob("*.csv")) == sorted(f"{n}.csv" for n in TABLES)


def test_demo_csvs_stay_small_enough_to_seed_in_seconds():
    total = sum(p.stat().st_size for p in SEEDS.glob("*.csv"))
    assert total <= 15 * 2**20, f"demo seeds are {total / 2**20:.1f} MiB"


def test_every_table_has_the_contract_header(clean_demo):
    for name, table in TABLES.items():
        with (clean_demo / f"{name}.csv").open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == table.column_names, name


def test_parquet_is_byte_identical_for_a_seed_and_differs_across_seeds(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate("demo", 42, first, "parquet")
    generate("demo", 42, second, "parquet")
    generate("demo", 7, other, "parquet")
    for name, table in TABLES.items():
        assert (first / f"{name}.parquet").read_bytes() == (second / f"{name}.parquet").read_bytes()
        assert pq.read_schema(first / f"{name}.parquet").names == table.column_names
    assert (first / "orders.parquet").read_bytes() != (other / "orders.parquet").read_bytes()
    # CSV and parquet hold the same rows.
    con = duckdb.connect()
    parquet_orders = con.execute(
        f"select count(*), sum(discount_amount) from read_parquet('{first}/orders.parquet')"
    ).fetchone()
    csv_orders = con.execute(
        f"select count(*), sum(discount_amount) from read_csv('{SEEDS}/orders.csv')"
    ).fetchone()
    assert parquet_orders == csv_orders


def test_clean_data_has_unique_keys_and_valid_references(clean_demo):
    con = _csv_views(clean_demo)
    for name, table in TABLES.items():
        keys = ", ".join(table.key)
        duplicates = _one(
            con,
            f"select count(*) from (select {keys} from {name} group by all having count(*) > 1)",
        )
        assert duplicates == 0, name
    references = [
        ("orders", "customer_id", "customers", "customer_id"),
        ("order_items", "order_id", "orders", "order_id"),
        ("order_items", "product_id", "products", "product_id"),
        ("refunds", "order_id", "orders", "order_id"),
        ("reviews", "order_id", "orders", "order_id"),
        ("events", "session_id", "sessions", "session_id"),
        ("sessions", "customer_id", "customers", "customer_id"),
        ("sessions", "campaign_id", "campaigns", "campaign_id"),
        ("orders", "session_id", "sessions", "session_id"),
        ("ad_spend", "campaign_id", "campaigns", "campaign_id"),
        ("inventory_snapshots", "product_id", "products", "product_id"),
    ]
    for child, column, parent, key in references:
        orphans = _one(
            con,
            f"select count(*) from {child} where {column} is not null and {column} not in "
            f"(select {key} from {parent})",
        )
        assert orphans == 0, f"{child}.{column} -> {parent}"
    negatives = _one(
        con,
        "select count(*) from orders where discount_amount::decimal < 0 "
        "or shipping_fee::decimal < 0",
    )
    assert negatives == 0
    last = _one(con, "select max(ordered_at) from orders")
    assert last < "2026-01-02"


def test_the_shop_looks_like_the_plans_describe(clean_demo):
    con = _csv_views(clean_demo)
    paid = "paid_at is not null"
    repeat_share = _one(
        con,
        f"select avg((n >= 2)::int) from (select customer_id, count(*) as n from orders "
        f"where {paid} group by 1)",
    )
    refund_rate = _one(
        con,
        f"select count(distinct order_id) / (select count(*) from orders where {paid}) "
        "from refunds",
    )
    bot_share = _one(
        con,
        "with spans as (select session_id, count(*) as n, "
        "epoch(max(occurred_at::timestamptz) - min(occurred_at::timestamptz)) as span "
        "from events group by 1) "
        "select avg((s.is_bot = 'true' or (s.is_bot is null and spans.n >= 5 "
        "and spans.span <= 2))::int) from sessions as s left join spans using (session_id)",
    )
    gen_z = _one(con, "select avg((birth_year::int between 1995 and 2010)::int) from customers")
    negative_reviews = _one(con, "select avg((rating::int <= 2)::int) from reviews")
    conversion = _one(
        con,
        f"select (select count(*) from orders where session_id is not null and {paid}) "
        "/ (select count(*) from sessions)",
    )
    order_to_pay = _one(con, f"select avg(({paid})::int) from orders")
    stock_out = _one(con, "select avg((on_hand_qty::int = 0)::int) from inventory_snapshots")
    slow = _one(con, "select avg((page_load_ms::int > 3000)::int) from sessions")
    assert 0.20 <= repeat_share <= 0.45, repeat_share
    assert 0.03 <= refund_rate <= 0.08, refund_rate
    assert 0.02 <= bot_share <= 0.05, bot_share
    assert 0.35 <= gen_z <= 0.45, gen_z
    assert 0.02 <= negative_reviews <= 0.05, negative_reviews
    assert 0.02 <= conversion <= 0.07, conversion
    assert 0.85 <= order_to_pay <= 0.95, order_to_pay
    assert 0.005 <= stock_out <= 0.03, stock_out
    assert 0.05 <= slow <= 0.20, slow


def test_campaign_phases_lift_sales(clean_demo):
    con = _csv_views(clean_demo)
    burst, ordinary = con.execute(
        "with daily as (select paid_at[1:10] as day, count(*) as n from orders "
        "where paid_at is not null group by 1) "
        "select avg(n) filter (where day between '2025-11-01' and '2025-11-11'), "
        "avg(n) filter (where day between '2025-09-01' and '2025-09-30') from daily"
    ).fetchone()
    assert burst > 1.8 * ordinary


def test_paid_channels_have_different_returns_and_one_underperformer(clean_demo):
    con = _csv_views(clean_demo)
    roi = dict(
        con.execute(
            "with revenue as (select s.channel, sum(i.quantity::int * i.unit_price::decimal) as r "
            "from orders as o join sessions as s using (session_id) "
            "join order_items as i using (order_id) where o.paid_at is not null group by 1), "
            "spend as (select channel, sum(spend::decimal) as c from ad_spend group by 1) "
            "select channel, r / c from spend join revenue using (channel)"
        ).fetchall()
    )
    assert len(roi) == 5
    assert max(roi.values()) > 2 * min(roi.values())
    assert min(roi.values()) < 2.5


def test_dirty_adds_exactly_the_manifest_and_keeps_clean_rows(clean_demo, dirty_demo):
    dirty_dir, manifest = dirty_demo
    assert set(manifest["injected"]) <= set(TABLES)
    for name in TABLES:
        clean = (clean_demo / f"{name}.csv").read_bytes()
        dirty = (dirty_dir / f"{name}.csv").read_bytes()
        assert dirty.startswith(clean), name
        added = dirty[len(clean) :].decode("utf-8").splitlines()
        expected = sum(manifest["injected"].get(name, {}).values())
        assert len(added) == expected, name
    every_rule = {rule for rules in manifest["injected"].values() for rule in rules}
    assert every_rule == set(RULES) - {"parent_quarantined"}
    assert manifest["rows"]["orders"][0]["rule"] in RULES


def test_cli_generate_writes_files_and_manifest(tmp_path, capsys):
    status = main(
        [
            "generate",
            "--scale",
            "demo",
            "--seed",
            "3",
            "--out",
            str(tmp_path),
            "--format",
            "csv",
            "--dirty",
        ]
    )
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"]["orders"] > 0
    assert (tmp_path / "dirty_manifest.json").is_file()


def test_unknown_scale_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate("huge", 1, tmp_path)
