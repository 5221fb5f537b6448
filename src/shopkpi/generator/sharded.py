"""The larger scales, generated in shards: bounded memory, several processes, parquet parts.

A simulated shop keeps every person it may see again in memory, so ``medium`` and ``large``
are split into a fixed number of shards (``SHARDS``): each is the same shop seen through a
1/n slice of its new visitors, simulated on its own (its own draws, seeded from the shop's
seed and the shard's number; its own block of every id range; a 1/n share of the stock and
the budgets). Shards run in separate processes (``workers``, at most one shard in memory per
process) and stream their rows to their own part files, ``<table>/part-NNN.parquet``. The
number of shards is fixed by the scale, not by the workers, so the files are the same
whatever ``workers`` is.

The shop-level tables are written once: the product catalogue (the shop's own catalogue
draws, the same in every shard), the KPI targets (from every shard's paid GMV) and the
benchmarks. The tables each shard writes for the whole shop per day or month (ad spend,
stock snapshots, budgets, campaigns) are combined after the shards finish: summed per key,
so each key is written once and the totals are the shop's.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

from shopkpi.contract import BIGINT, BOOL, INT, MONEY, TABLES
from shopkpi.generator.catalog import SCALES
from shopkpi.generator.simulate import ShopSimulation
from shopkpi.generator.targets import SalesTally, benchmark_rows, target_rows
from shopkpi.generator.writer import TableWriter, arrow_schema, write_parquet

# Shards per scale: each shard of ``medium`` has ~2.5x the new visitors of ``small``, each
# of ``large`` ~3x (a few hundred MB of memory per process).
SHARDS = {"medium": 8, "large": 64}
# Tables every shard writes for the whole shop: summed per key after the shards finish.
COMBINED = ("campaigns", "marketing_budgets", "ad_spend", "inventory_snapshots")
# Tables written once, by the shop rather than a shard.
SHOP_TABLES = ("products", "kpi_targets", "kpi_benchmarks")
STAGING = ".shards"


def _part(folder: Path, table: str, index: int) -> Path:
    return folder / table / f"part-{index:03d}.parquet"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _simulate_shard(job: tuple[str, int, int, int, str]) -> tuple[int, dict, dict]:
    """Simulate one shard; return (shard, paid GMV cents by year, rows per table)."""
    scale, seed, index, count, out = job
    out_dir = Path(out)
    started = time.monotonic()
    simulation = ShopSimulation(SCALES[scale], seed, shard=(index, count))
    writers = {}
    for name, table in TABLES.items():
        if name in SHOP_TABLES:
            continue
        folder = out_dir / STAGING if name in COMBINED else out_dir
        writers[name] = TableWriter(table, out_dir, "parquet", _part(folder, name, index))
    tally = SalesTally()
    dates = simulation.calendar.dates
    try:
        for day, rows in enumerate(simulation.run()):
            tally.observe(rows.tables)
            for name, chunk in rows.tables.items():
                writers[name].write(chunk)
            if day < len(dates) and (day + 1 == len(dates) or dates[day + 1].day == 1):
                _say(
                    f"generate {scale}: shard {index + 1}/{count} through {dates[day]:%Y-%m} "
                    f"({time.monotonic() - started:.0f} s)"
                )
    finally:
        for writer in writers.values():
            writer.close()
    return index, dict(tally.gmv_cents_by_year), {n: w.rows_written for n, w in writers.items()}


def _combine(con: duckdb.DuckDBPyConnection, staging: Path, out_dir: Path, name: str) -> int:
    """Sum one shop-level table's shard parts per key into a single part; return its rows."""
    table = TABLES[name]
    selects, groups = [], []
    for column in table.columns:
        quoted = f'"{column.name}"'
        if column.name in table.key:
            selects.append(quoted)
            groups.append(quoted)
        elif column.type in (MONEY, INT, BIGINT):
            selects.append(f"cast(sum({quoted}) as {column.type}) as {quoted}")
        elif column.type == BOOL:
            selects.append(f"bool_and({quoted}) as {quoted}")
        else:  # the same text in every shard (a campaign's name and dates)
            selects.append(f"min({quoted}) as {quoted}")
    keys = ", ".join(f"{g} nulls first" for g in groups)
    source = (staging / name / "*.parquet").as_posix().replace("'", "''")
    data = con.sql(
        f"select {', '.join(selects)} from read_parquet('{source}') "
        f"group by {', '.join(groups)} order by {keys}"
    ).to_arrow_table()
    data = data.cast(arrow_schema(table))
    (out_dir / name).mkdir(parents=True, exist_ok=True)
    write_parquet(_part(out_dir, name, 0), data)
    return data.num_rows


def generate_sharded(
    scale: str, seed: int, out_dir: Path, workers: int | None = None, shards: int | None = None
) -> dict:
    """Write every contract table of a sharded scale as ``<table>/part-NNN.parquet``
    (``shards`` overrides the scale's number of shards)."""
    count = shards or SHARDS[scale]
    workers = max(1, min(workers or os.cpu_count() or 1, count))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / STAGING
    # Earlier output of these tables (single files or parts) would be read with the new.
    for name in TABLES:
        for stale in (out_dir / f"{name}.parquet", out_dir / f"{name}.csv"):
            stale.unlink(missing_ok=True)
        shutil.rmtree(out_dir / name, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    (out_dir / "dirty_manifest.json").unlink(missing_ok=True)
    for name in TABLES:
        (out_dir / name).mkdir()
        if name in COMBINED:
            (staging / name).mkdir(parents=True)
    _say(f"generate {scale}: {count} shards on {workers} worker(s)")
    jobs = [(scale, seed, index, count, str(out_dir)) for index in range(count)]
    if workers == 1:
        results = [_simulate_shard(job) for job in jobs]
    else:
        # one shard per process: a finished shard's memory goes back to the system
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, maxtasksperchild=1) as pool:
            results = list(pool.imap_unordered(_simulate_shard, jobs))
    results.sort(key=lambda result: result[0])

    rows = dict.fromkeys(TABLES, 0)
    tally = SalesTally()
    for _, gmv, written in results:
        for year, cents in gmv.items():
            tally.gmv_cents_by_year[year] += cents
        for name, n in written.items():
            if name not in COMBINED:
                rows[name] += n
    shop = ShopSimulation(SCALES[scale], seed)
    for name, shop_rows in (
        ("products", shop.static_rows()["products"]),
        ("kpi_targets", target_rows(tally, shop.scale.start, shop.scale.days)),
        ("kpi_benchmarks", benchmark_rows()),
    ):
        writer = TableWriter(TABLES[name], out_dir, "parquet", _part(out_dir, name, 0))
        writer.write(shop_rows)
        writer.close()
        rows[name] = writer.rows_written
    con = duckdb.connect()
    con.execute("set threads = 1")
    con.execute("set memory_limit = '1GB'")
    for name in COMBINED:
        rows[name] = _combine(con, staging, out_dir, name)
    con.close()
    shutil.rmtree(staging)
    _say(f"generate {scale}: done")
    return {"scale": scale, "seed": seed, "format": "parquet", "shards": count, "rows": rows}
