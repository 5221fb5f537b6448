"""Command line: ``shopkpi generate`` writes demo data, ``shopkpi load-raw`` loads a folder,
``shopkpi quality`` runs the data-quality gate on the warehouse."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from shopkpi.loader import RawDataError, load_raw
from shopkpi.warehouse import database_path

SCALES = ("demo", "small", "medium", "large")


def _generate(args: argparse.Namespace) -> int:
    from shopkpi.generator import generate

    started = time.perf_counter()
    summary = generate(args.scale, args.seed, Path(args.out), args.format, args.dirty)
    elapsed = time.perf_counter() - started
    rows = summary.get("rows", summary)
    print(
        json.dumps(
            {"out": str(args.out), "seconds": round(elapsed, 2), "rows": rows},
            ensure_ascii=False,
            sort_keys=True,
        )
    )
    return 0


def _load_raw(args: argparse.Namespace) -> int:
    db = database_path(args.db)
    try:
        counts = load_raw(Path(args.dir), db)
    except RawDataError as error:
        print(f"shopkpi load-raw: {error}", file=sys.stderr)
        return 2
    for table, rows in counts.items():
        print(f"{table:<22} {rows:>12,} rows")
    print(f"loaded into {db} (schema raw)")
    return 0


def _quality(args: argparse.Namespace) -> int:
    from shopkpi.quality.cli import run_from_command_line

    return run_from_command_line(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopkpi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the contract's raw tables for a simulated shop")
    gen.add_argument("--scale", choices=SCALES, default="demo")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", required=True, help="output folder")
    gen.add_argument("--format", choices=("csv", "parquet"), default="csv")
    gen.add_argument(
        "--dirty",
        action="store_true",
        help="also inject each kind of bad row and write dirty_manifest.json",
    )
    gen.set_defaults(func=_generate)

    load = sub.add_parser("load-raw", help="load a folder of contract files into schema raw")
    load.add_argument("--dir", required=True, help="folder with <table>.csv / .parquet files")
    load.add_argument(
        "--db", default=None, help="DuckDB file (default $SHOPKPI_DB or warehouse/shopkpi.duckdb)"
    )
    load.set_defaults(func=_load_raw)

    quality = sub.add_parser(
        "quality",
        help="run the GX suites on raw tables and marts, store the results, build Data Docs",
    )
    quality.add_argument(
        "--db", default=None, help="DuckDB file (default $SHOPKPI_DB or warehouse/shopkpi.duckdb)"
    )
    quality.add_argument(
        "--workdir", default=None, help="run folder for GX output (default build/quality)"
    )
    quality.add_argument(
        "--reference-time",
        default=None,
        help="shop time 'YYYY-MM-DD HH:MM:SS' after which a timestamp is in the future "
        "(default: now)",
    )
    quality.add_argument("--no-docs", action="store_true", help="skip building the Data Docs")
    quality.add_argument(
        "--suite", action="append", help="run only this suite (repeatable), e.g. raw_orders"
    )
    quality.add_argument(
        "--write-project",
        action="store_true",
        help="only rewrite the GX project in gx/ from src/shopkpi/quality/checks.py",
    )
    quality.set_defaults(func=_quality)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
