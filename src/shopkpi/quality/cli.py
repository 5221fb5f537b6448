"""``shopkpi quality``: run the gate and print what failed, naming table, check and rows."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopkpi.warehouse import database_path


def run_from_command_line(args: argparse.Namespace) -> int:
    from shopkpi.quality import project

    if args.write_project:
        changed = project.write_project()
        print(
            f"gx/: {len(changed)} file(s) written" + (f": {', '.join(changed)}" if changed else "")
        )
        return 0

    from shopkpi.quality.docs import OfflineAssetsMissing
    from shopkpi.quality.runner import QualityGateError, run_quality

    db = database_path(args.db)
    try:
        report = run_quality(
            Path(db),
            workdir=Path(args.workdir) if args.workdir else None,
            build_docs=not args.no_docs,
            suites=args.suite or None,
            engine=getattr(args, "engine", "duckdb"),
        )
    except (QualityGateError, OfflineAssetsMissing) as error:
        print(f"shopkpi quality: {error}", file=sys.stderr)
        return 2

    if report.stale_project_files:
        print(
            "WARNING gx/ is out of date with src/shopkpi/quality/ and the base models' rules "
            f"({', '.join(report.stale_project_files[:3])}, ...): ran the generated suites; "
            "run `shopkpi quality --write-project` and commit gx/"
        )
    for outcome in report.warnings:
        print(outcome.message())
    sys.stdout.flush()
    for outcome in report.errors:
        print(outcome.message(), file=sys.stderr)
    suites = len({o.suite_name for o in report.outcomes})
    timing = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.timings.items())
    print(
        f"quality gate: {len(report.outcomes)} expectations in {suites} suites, "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings (run {report.run_id}); "
        f"results in {db} quality.gx_validation_results"
    )
    if report.docs_index:
        print(f"Data Docs: {report.docs_index}")
    print(f"GX time: {timing}")
    if report.errors:
        print(
            f"shopkpi quality: FAILED, {len(report.errors)} error(s) above "
            "(table: expectation(column) [staging rule]: failing rows)",
            file=sys.stderr,
        )
        return 1
    return 0
