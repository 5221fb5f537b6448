"""The vocabulary of the gate's suites: an expectation, its severity, and a suite.

A suite is one GX expectation suite over one dataframe, read from one dbt model of the
warehouse. Suites name the model, never a schema: the runner asks
``shopkpi.quality.relations`` where dbt built it.

Severity: ``critical`` is an error (the gate fails), ``warning`` is reported but does not
fail the gate (see DECISIONLOG.md "Data-quality gate").
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "critical"
WARNING = "warning"

# Where the suite's SQL names the model's relation (schema and name, as dbt built it).
RELATION = "{relation}"


@dataclass(frozen=True)
class Expect:
    """One expectation: its GX type, arguments, severity and the staging rule it reports."""

    type: str
    kwargs: dict
    severity: str = ERROR
    dq_rule: str | None = None
    notes: str | None = None


def expect(
    expectation_type: str,
    /,
    *,
    severity: str = ERROR,
    rule: str | None = None,
    notes: str | None = None,
    **kwargs,
) -> Expect:
    return Expect(expectation_type, kwargs, severity, rule, notes)


@dataclass(frozen=True)
class Suite:
    """One suite as the runner and the GX project see it.

    ``table`` is what a reader is told was checked (``raw.orders`` for the rows a shop
    delivered, the model's name otherwise); ``model`` is the dbt model the dataframe is read
    from, by ``sql`` with ``{relation}`` standing for that model's relation, in the order
    ``order`` gives (an ``order by`` list over the dataframe's columns; samples of failing
    rows are the first ones in that order); ``index`` names the columns that identify a
    failing row in samples. ``count_sql``, when given, is the same rows with only the columns
    the expectations check, for counting them (without what only samples show, such as a
    lookup of related rows).
    """

    name: str
    kind: str
    table: str
    model: str
    sql: str
    index: tuple[str, ...]
    expectations: tuple[Expect, ...]
    description: str = ""
    order: str = ""
    count_sql: str = ""

    def frame_sql(self, relation: str) -> str:
        """The suite's dataframe over ``relation`` (the model's schema-qualified name), in
        no particular order."""
        return self.sql.replace(RELATION, relation)

    def count_frame_sql(self, relation: str) -> str:
        """The suite's rows over ``relation`` with the columns its expectations check."""
        return (self.count_sql or self.sql).replace(RELATION, relation)

    def query(self, relation: str) -> str:
        """The suite's SQL reading ``relation``, ordered (the dataframe GX's pandas engine
        validates)."""
        order = f" order by {self.order}" if self.order else ""
        return self.frame_sql(relation) + order
