"""Command line: ``shopkpi build`` loads, builds, checks and publishes the warehouse in one
atomic step; ``shopkpi load-raw`` only loads a folder; ``shopkpi quality`` runs the
data-quality gate; ``shopkpi generate`` writes a simulated shop's files; ``shopkpi
contract`` writes the dbt files that repeat the raw contract (`make contract`);
``shopkpi compare-marts`` checks that a change left every mart's rows as they were;
``shopkpi demo-figures`` measures what the demo shop looks like against its bands;
``shopkpi mf`` queries the semantic layer with MetricFlow (``mf``); ``shopkpi report-pages``
writes the report site's pages in Chinese and English from their templates; ``shopkpi
spark`` builds the same project on Spark and compares it with a DuckDB build.

Every user error is one line on standard error and exit code 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from shopkpi.loader import DEMO_DIR, RawDataError, load_raw, read_mapping
from shopkpi.warehouse import DEFAULT_DB, ProjectNotFound, database_path

SCALES = ("demo", "small", "medium", "large")
DB_HELP = f"DuckDB file (default $SHOPKPI_DB or {DEFAULT_DB})"


def _generate(args: argparse.Namespace) -> int:
    from shopkpi.generator import generate

    started = time.perf_counter()
    summary = generate(
        args.scale, args.seed, Path(args.out), args.format, args.dirty, workers=args.workers
    )
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


def _raw_dir(args: argparse.Namespace) -> Path | None:
    if args.demo and args.dir:
        raise RawDataError("give --dir or --demo, not both")
    return Path(args.dir) if args.dir else None


def _load_raw(args: argparse.Namespace) -> int:
    db = database_path(args.db)
    try:
        raw_dir = _raw_dir(args)
        if raw_dir is None and not args.demo:
            raise RawDataError("give --dir <folder> with your files, or --demo")
        mapping = read_mapping(Path(args.mapping)) if args.mapping else None
        counts = load_raw(
            raw_dir or DEMO_DIR, db, mapping=mapping, encoding=args.encoding, in_place=args.in_place
        )
    except RawDataError as error:
        print(f"shopkpi load-raw: {error}", file=sys.stderr)
        return 2
    for table, rows in counts.items():
        print(f"{table:<22} {rows:>12,} rows")
    how = "(schema raw: views over the parquet files)" if args.in_place else "(schema raw)"
    print(f"loaded into {db} {how}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from shopkpi.build import USER_ERROR, build, parse_vars

    try:
        raw_dir = _raw_dir(args)
        mapping = read_mapping(Path(args.mapping)) if args.mapping else None
        vars_json = parse_vars(args.vars)
    except RawDataError as error:
        print(f"shopkpi build: {error}", file=sys.stderr)
        return USER_ERROR
    return build(
        database_path(args.db),
        raw_dir,
        mapping=mapping,
        encoding=args.encoding,
        vars_json=vars_json,
        gate=not args.no_gate,
        verbose=args.verbose,
        in_place=args.in_place,
        incremental=args.incremental,
    )


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", default=None, help="folder with <table>.csv / .parquet files or part folders"
    )
    parser.add_argument("--demo", action="store_true", help="the embedded demo shop")
    parser.add_argument(
        "--encoding",
        default=None,
        help="encoding of the CSV files (default: UTF-8, else GB18030/GBK detected)",
    )
    parser.add_argument(
        "--mapping",
        default=None,
        help="YAML file mapping an export's file and column names and timestamp formats to "
        "the contract (see docs/mapping-example.yml)",
    )
    parser.add_argument("--db", default=None, help=DB_HELP)
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="read --dir's parquet files where they are (schema raw as views over them, "
        "checked from the parquet schema) instead of copying them into the warehouse",
    )


def _spark(args: argparse.Namespace) -> int:
    from shopkpi import spark

    try:
        if args.spark_command == "build":
            from shopkpi.build import parse_vars

            raw_dir = _raw_dir(args)
            mapping = read_mapping(Path(args.mapping)) if args.mapping else None
            seconds = spark.build(
                raw_dir,
                mapping=mapping,
                encoding=args.encoding,
                vars_json=parse_vars(args.vars),
                tests=args.with_tests,
            )
            for step, took in seconds.items():
                print(f"{step:<24} {took:>7.1f} s")
            print(f"built on Spark in {spark.spark_dir()}")
            return 0
        folder = spark.spark_dir()
        export = folder / "compare"
        spark.export_built(folder, export)
        results, only_duckdb = spark.compare(database_path(args.db), export)
    except spark.SparkStepError as error:
        print(f"shopkpi spark {args.spark_command}: {error}", file=sys.stderr)
        return 1
    for result in results:
        print(result.describe())
    same = sum(result.same for result in results)
    print(f"{same} of {len(results)} tables built on Spark are the same as on DuckDB")
    if only_duckdb:
        print(f"not built on Spark ({len(only_duckdb)}): {', '.join(only_duckdb)}")
    return 0 if same == len(results) else 1


def _compare_marts(args: argparse.Namespace) -> int:
    from shopkpi.compare import CompareError, compare_marts, read_changes, report

    try:
        changes = read_changes(Path(args.changes) if args.changes else None)
        results, added = compare_marts(Path(args.base), Path(args.new), changes)
    except CompareError as error:
        print(f"shopkpi compare-marts: {error}", file=sys.stderr)
        return 2
    print(report(results, added))
    return 0 if all(r.identical for r in results) else 1


def _demo_figures(args: argparse.Namespace) -> int:
    import duckdb

    from shopkpi.demo_figures import format_table, measure

    try:
        figures = measure(database_path(args.db))
        before = measure(Path(args.before)) if args.before else None
    except (FileNotFoundError, duckdb.IOException) as error:
        print(f"shopkpi demo-figures: {error}", file=sys.stderr)
        return 2
    print(format_table(figures, before))
    failing = [figure.key for figure in figures if figure.in_band is False]
    if failing:
        print(
            f"\n{len(failing)} of {len(figures)} figures outside their band: {', '.join(failing)}"
        )
        return 1
    print(f"\nall {len(figures)} figures inside their bands")
    return 0


def _quality(args: argparse.Namespace) -> int:
    from shopkpi.quality.cli import run_from_command_line

    return run_from_command_line(args)


def _contract(args: argparse.Namespace) -> int:
    from shopkpi.contract_artefacts import run
    from shopkpi.warehouse import project_dir

    return run(project_dir(), check=args.check)


def _mf(args: argparse.Namespace) -> int:
    from shopkpi.semantic_layer import SemanticLayerError, run_mf

    try:
        return run_mf(args.mf_arguments)
    except SemanticLayerError as error:
        print(f"shopkpi mf: {error}", file=sys.stderr)
        return 2


def _report_pages(args: argparse.Namespace) -> int:
    from shopkpi.report_pages import TemplateError, write_pages
    from shopkpi.warehouse import project_dir

    reports = Path(args.reports) if args.reports else project_dir() / "reports"
    try:
        changed = write_pages(reports / "templates", reports / "pages", check=args.check)
    except TemplateError as error:
        print(f"shopkpi report-pages: {error}", file=sys.stderr)
        return 2
    if args.check:
        for path in changed:
            print(f"{path}: differs from its template (run shopkpi report-pages)")
        return 1 if changed else 0
    print(f"report pages: {len(changed)} written in {reports / 'pages'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopkpi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the contract's raw tables for a simulated shop")
    gen.add_argument("--scale", choices=SCALES, default="demo")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--out", required=True, help="output folder")
    gen.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default=None,
        help="csv (demo and small's default) or parquet (medium and large: parquet parts only)",
    )
    gen.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes simulating medium / large's shards (default: the core count); "
        "the files do not depend on it",
    )
    gen.add_argument(
        "--dirty",
        action="store_true",
        help="also inject each kind of bad row and write dirty_manifest.json",
    )
    gen.set_defaults(func=_generate)

    build = sub.add_parser(
        "build",
        help="load, dbt build, quality gate, then replace the warehouse in one rename",
    )
    _add_input_options(build)
    build.add_argument(
        "--vars", default=None, help="dbt vars for the whole build, e.g. '{lookback_days: 14}'"
    )
    build.add_argument("--no-gate", action="store_true", help="skip the quality gate")
    build.add_argument(
        "--incremental",
        action="store_true",
        help="daily load: start from the published warehouse and re-process only the "
        "late-arrival window of the incremental models (var late_arrival_days)",
    )
    build.add_argument("--verbose", action="store_true", help="show every line dbt prints")
    build.set_defaults(func=_build)

    load = sub.add_parser(
        "load-raw",
        help="only load a folder of contract files into schema raw (in place, one transaction)",
    )
    _add_input_options(load)
    load.set_defaults(func=_load_raw)

    compare = sub.add_parser(
        "compare-marts",
        help="check that every mart of one warehouse file is in another, row for row",
    )
    compare.add_argument("base", help="warehouse file built before the change")
    compare.add_argument("new", help="warehouse file built after it")
    compare.add_argument(
        "--changes",
        default=None,
        help="CSV 'old,new,how' of what changed on purpose (see docs/model-changes.csv)",
    )
    compare.set_defaults(func=_compare_marts)

    figures = sub.add_parser(
        "demo-figures",
        help="measure what the shop looks like (campaign peaks, conversion, Gen-Z, members, "
        "refunds, stock, budgets ...) against the demo's bands; exit 1 if one is outside",
    )
    figures.add_argument("--db", default=None, help=DB_HELP)
    figures.add_argument(
        "--before",
        default=None,
        help="another warehouse file whose figures fill the table's before column",
    )
    figures.set_defaults(func=_demo_figures)

    quality = sub.add_parser(
        "quality",
        help="run the GX gate: rows staging quarantined per raw table and rule, empty report "
        "tables; store the results, build Data Docs",
    )
    quality.add_argument("--db", default=None, help=DB_HELP)
    quality.add_argument(
        "--workdir",
        default=None,
        help="run folder for GX output (default $SHOPKPI_QUALITY_DIR, else build/quality)",
    )
    quality.add_argument("--no-docs", action="store_true", help="skip building the Data Docs")
    quality.add_argument(
        "--suite", action="append", help="run only this suite (repeatable), e.g. raw_orders"
    )
    quality.add_argument(
        "--engine",
        choices=("duckdb", "pandas"),
        default="duckdb",
        help="where suites are validated: in DuckDB whenever GX's metrics can be computed"
        " there (default), or every suite read into pandas for GX (the reference)",
    )
    quality.add_argument(
        "--write-project",
        action="store_true",
        help="only rewrite the GX project in gx/ from src/shopkpi/quality/",
    )
    quality.set_defaults(func=_quality)

    contract = sub.add_parser(
        "contract",
        help="write the dbt files that repeat the raw contract (sources, table and rule "
        "lists, dq_rules seed) from src/shopkpi/contract.py",
    )
    contract.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each file that differs from what the contract writes",
    )
    contract.set_defaults(func=_contract)

    mf = sub.add_parser(
        "mf",
        add_help=False,
        help="MetricFlow's `mf` on the semantic layer and $SHOPKPI_DB, without its PyPI "
        "update check, e.g. shopkpi mf query --metrics gmv --group-by metric_time__month "
        "(shopkpi mf --help lists its commands)",
    )
    mf.add_argument("mf_arguments", nargs=argparse.REMAINDER)
    mf.set_defaults(func=_mf)

    spark_parser = sub.add_parser(
        "spark",
        help="build the project on Spark (dbt-spark, local pyspark), or compare that build "
        "with a DuckDB warehouse table for table",
    )
    spark_sub = spark_parser.add_subparsers(dest="spark_command", required=True)
    spark_build = spark_sub.add_parser(
        "build", help="load the raw files, export them to parquet for Spark, dbt build on Spark"
    )
    _add_input_options(spark_build)
    spark_build.add_argument("--vars", default=None, help="dbt vars for the whole build")
    spark_build.add_argument(
        "--with-tests",
        action="store_true",
        help="also run the data and unit tests on Spark (slow; by default they run on DuckDB "
        "and make test-spark compares the tables)",
    )
    spark_compare = spark_sub.add_parser(
        "compare",
        help="compare every marts and metrics table of the Spark build with the DuckDB "
        "warehouse (--db), row for row; exit 1 when one differs",
    )
    spark_compare.add_argument("--db", default=None, help=DB_HELP)
    spark_parser.set_defaults(func=_spark)

    report_pages = sub.add_parser(
        "report-pages",
        help="write the report site's pages in Chinese and English (reports/pages/zh, /en) "
        "from reports/templates",
    )
    report_pages.add_argument("--reports", help="the report site's folder (default: reports/)")
    report_pages.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each page that differs from its template",
    )
    report_pages.set_defaults(func=_report_pages)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["mf"]:
        # Everything after `mf` is MetricFlow's, options first included (argparse would
        # take `--help` or `--version` for its own).
        return _mf(argparse.Namespace(command="mf", mf_arguments=argv[1:]))
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (RawDataError, ProjectNotFound) as error:
        print(f"shopkpi {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
