"""Deterministic generator of a simulated shop's raw data, in the raw contract's tables.

``generate(scale, seed, out_dir, fmt, dirty)`` writes one file per contract table (at
``medium`` and ``large``, a folder of parquet parts per table: see ``sharded``). The same
arguments always write byte-identical files. See ``simulate`` for how the shop behaves and
``dirty`` for the bad rows ``dirty=True`` adds.
"""

from __future__ import annotations

import json
from pathlib import Path

from shopkpi.contract import TABLES
from shopkpi.generator.catalog import SCALES
from shopkpi.generator.dirty import dirty_rows, manifest
from shopkpi.generator.sharded import SHARDS, generate_sharded
from shopkpi.generator.simulate import ShopSimulation
from shopkpi.generator.targets import SalesTally, benchmark_rows, target_rows
from shopkpi.generator.writer import TableWriter

SAMPLE_ROWS = 12

__all__ = ["generate", "SCALES"]


def generate(
    scale: str,
    seed: int,
    out_dir: Path,
    fmt: str | None = "csv",
    dirty: bool = False,
    workers: int | None = None,
) -> dict:
    """Write every contract table for ``scale`` into ``out_dir``; return a summary.

    ``demo`` and ``small`` write one file per table (csv by default) in one process;
    ``medium`` and ``large`` write parquet parts per table from shards simulated in
    ``workers`` processes (see ``sharded``)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    if scale in SHARDS:
        if fmt not in (None, "parquet"):
            raise ValueError(f"scale {scale!r} is written as parquet parts: use --format parquet")
        if dirty:
            raise ValueError(f"--dirty injects bad rows at demo and small, not at {scale!r}")
        return generate_sharded(scale, seed, Path(out_dir), workers)
    fmt = fmt or "csv"
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}: use csv or parquet")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = out_dir / "dirty_manifest.json"
    if stale.exists():
        stale.unlink()
    simulation = ShopSimulation(SCALES[scale], seed)
    writers = {name: TableWriter(table, out_dir, fmt) for name, table in TABLES.items()}
    samples: dict[str, list[tuple]] = {name: [] for name in TABLES}

    def write(table: str, rows: list[tuple]) -> None:
        if len(samples[table]) < SAMPLE_ROWS:
            samples[table].extend(rows[: SAMPLE_ROWS - len(samples[table])])
        writers[table].write(rows)

    try:
        for table, rows in simulation.static_rows().items():
            write(table, rows)
        tally = SalesTally()
        for day in simulation.run():
            tally.observe(day.tables)
            for table in TABLES:
                write(table, day.tables.get(table, []))
        # The shop's own targets, scaled to what it sold, and the benchmarks it compares with.
        shop = simulation.scale
        write("kpi_targets", target_rows(tally, shop.start, shop.days))
        write("kpi_benchmarks", benchmark_rows())
        summary: dict = {"scale": scale, "seed": seed, "format": fmt}
        if dirty:
            injected = dirty_rows(samples, simulation.scale.start)
            for table, pairs in injected.items():
                writers[table].write([row for _, row in pairs])
            report = manifest(injected, seed, scale)
            stale.write_text(
                json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            summary["manifest"] = report["injected"]
    finally:
        for writer in writers.values():
            writer.close()
    summary["rows"] = {name: writer.rows_written for name, writer in writers.items()}
    return summary
