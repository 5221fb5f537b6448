"""Model suites: what the gate checks on dbt models beyond the raw suites.

dbt owns every rule on the models: keys, relationships, accepted values, ranges and the
reconciliations between models are dbt tests (the models' YAML and tests/dbt/), and a
failing one stops ``dbt build`` before the gate runs. The gate adds only a volume signal
dbt does not give: a report table with no rows usually means the shop delivered no data
for it (the build passes, the reports are empty). That is a warning, one suite per model.
"""

from __future__ import annotations

from shopkpi.quality.expectations import RELATION, WARNING, Suite, expect

# Model -> what it means when it is empty.
MODELS_WITH_ROWS: dict[str, str] = {
    "fct_orders": "No orders: every sales, customer and marketing report is empty.",
    "fct_sessions": "No sessions: traffic, funnel and attribution reports are empty"
    " (traffic data is optional in the contract).",
    "agg_traffic_days": "No traffic days: the daily traffic report is empty.",
}


def row_count_suite(model: str, meaning: str) -> Suite:
    return Suite(
        name=f"mart_{model}",
        kind="mart",
        table=model,
        model=model,
        sql=f"select '{model}' as model, count(*) as row_count from {RELATION}",
        index=("model",),
        expectations=(
            expect(
                "expect_column_min_to_be_between",
                severity=WARNING,
                column="row_count",
                min_value=1,
                notes=f"{meaning} An empty table usually means the shop delivered no data for it.",
            ),
        ),
        description=f"Rows of dbt model {model} (its tests are dbt's).",
    )


def model_suites() -> list[Suite]:
    return [row_count_suite(model, meaning) for model, meaning in MODELS_WITH_ROWS.items()]
