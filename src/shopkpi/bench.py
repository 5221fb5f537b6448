"""Benchmark: wall time and peak memory of generate, load-raw, dbt build and the quality gate.

``make bench SCALE=small`` runs it. Each step runs in its own process so its peak resident
memory can be read; results are printed as a table and written to
``build/bench/<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from shopkpi.warehouse import project_dir


def _run(label: str, command: list[str], env: dict[str, str], log: Path, cwd: Path) -> dict:
    """Run one step in its own process; return its wall time and peak resident memory."""
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=output)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(log.read_text()[-4000:])
        raise SystemExit(f"bench: step '{label}' failed (log: {log})")
    return {
        "step": label,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),  # ru_maxrss is KiB on Linux
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", default="parquet", choices=("csv", "parquet"))
    args = parser.parse_args(argv)

    root = project_dir()
    work = root / "build" / "bench" / args.scale
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    raw, db = work / "raw", work / "bench.duckdb"
    bin_dir = Path(sys.executable).parent
    env = dict(
        os.environ,
        SHOPKPI_DB=str(db),
        DBT_PROFILES_DIR=str(root),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    dbt_paths = ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    shopkpi, dbt = str(bin_dir / "shopkpi"), str(bin_dir / "dbt")
    plan = [
        (
            "generate",
            [
                shopkpi,
                "generate",
                "--scale",
                args.scale,
                "--seed",
                str(args.seed),
                "--format",
                args.format,
                "--out",
                str(raw),
            ],
        ),
        ("load-raw", [shopkpi, "load-raw", "--dir", str(raw)]),
        ("dbt seed", [dbt, "seed", "--select", "path:seeds/reference", *dbt_paths]),
        ("dbt run", [dbt, "run", *dbt_paths]),
        ("dbt test", [dbt, "test", *dbt_paths]),
        (
            "quality",
            [shopkpi, "quality", "--db", str(db), "--workdir", str(work / "quality"), "--no-docs"],
        ),
    ]
    steps = [
        _run(label, command, env, work / f"{label.replace(' ', '_')}.log", root)
        for label, command in plan
    ]
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        orders, sessions, events = con.execute(
            "select (select count(*) from raw.orders), (select count(*) from raw.sessions), "
            "(select count(*) from raw.events)"
        ).fetchone()
    report = {
        "scale": args.scale,
        "format": args.format,
        "rows": {"orders": orders, "sessions": sessions, "events": events},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "steps": steps,
        "database_mib": round(db.stat().st_size / 2**20, 1),
    }
    (work.parent / f"{args.scale}.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"scale={args.scale} format={args.format} orders={orders:,} sessions={sessions:,} "
        f"events={events:,} database={report['database_mib']} MiB"
    )
    print(f"{'step':<10} {'seconds':>8} {'peak RSS MiB':>13}")
    for step in steps:
        print(f"{step['step']:<10} {step['seconds']:>8.1f} {step['peak_rss_mib']:>13}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
