"""Every suite of the gate: the raw suites in contract order, then the model suites.

See DECISIONLOG.md "One owner per quality rule" for what the gate checks and what dbt does.
"""

from __future__ import annotations

from pathlib import Path

from shopkpi.quality.expectations import Suite
from shopkpi.quality.model_suites import model_suites
from shopkpi.quality.raw_suites import raw_suites


def all_suites(project: Path | None = None) -> list[Suite]:
    return [*raw_suites(project), *model_suites()]
