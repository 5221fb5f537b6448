"""The semantic layer (models/metrics/semantic/) queried through MetricFlow on the demo
warehouse, against the marts' own figures.

Each case names the KPI id it checks and holds the metric, the period grain, the slice and
an SQL over the marts that gives the same figure independently of MetricFlow, as rows of
``(period_start_date, slice_value, value)``: the shape of the KPI long table
``metrics.kpi_values`` (period_grain, period_start_date, slice_kind, slice_value, value), so a
case can read it instead once it is built. Money is compared to the cent, rates to 1e-9.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import BIN, ROOT, copy_warehouse, query

pytestmark = pytest.mark.integration

DEFAULT_ATTRIBUTION_MODEL = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))[
    "vars"
]["default_attribution_model"]

# The dimension MetricFlow groups a slice by.
SLICES = {
    "total": None,
    "channel": "channel",
    "device": "session__device",
    "category": "order_item__category",
}
MONEY = 0.005
RATE = 1e-9


@dataclass(frozen=True)
class Case:
    kpi_id: str
    metric: str
    period_grain: str
    slice_kind: str
    sql: str
    tolerance: float = RATE


def _month(column: str) -> str:
    return f"cast(date_trunc('month', {column}) as date)"


CASES = [
    Case(
        "gmv",
        "gmv",
        "month",
        "total",
        f"""select {_month("paid_date")}, 'all', sum(gmv_cny)
        from marts.fct_orders where is_paid group by all""",
        MONEY,
    ),
    Case(
        "net_revenue",
        "net_revenue",
        "month",
        "total",
        "select month_start_date, 'all', net_revenue_cny from marts.agg_aarrr_months",
        MONEY,
    ),
    Case(
        "paid_orders",
        "paid_orders",
        "month",
        "total",
        "select month_start_date, 'all', paid_orders from marts.agg_aarrr_months",
    ),
    Case(
        "paid_orders",
        "paid_orders",
        "week",
        "total",
        """select cast(date_trunc('week', paid_date) as date), 'all', count(*)
        from marts.fct_orders where is_paid group by all""",
    ),
    Case(
        "aov",
        "aov",
        "month",
        "total",
        f"""select {_month("paid_date")}, 'all', sum(net_revenue_cny) / count(*)
        from marts.fct_orders where is_paid group by all""",
    ),
    Case(
        "new_customers",
        "new_customers",
        "month",
        "total",
        "select month_start_date, 'all', new_customers from marts.agg_aarrr_months",
    ),
    Case(
        "paying_customers",
        "paying_customers",
        "month",
        "total",
        "select month_start_date, 'all', paying_customers from marts.agg_aarrr_months",
    ),
    Case(
        "gross_margin_rate",
        "gross_margin_rate",
        "month",
        "total",
        f"""select {_month("paid_date")}, 'all', sum(gross_margin_cny) / sum(net_revenue_cny)
        from marts.fct_orders where is_paid group by all""",
    ),
    Case(
        "category_gmv",
        "line_gmv",
        "month",
        "category",
        """select period_start_date, category, gmv_cny from marts.agg_supply_chain_periods
        where period_grain = 'month' and category <> 'all' and gmv_cny > 0""",
        MONEY,
    ),
    Case(
        "sessions",
        "sessions",
        "month",
        "channel",
        f"""select {_month("date_day")}, channel, sum(sessions)
        from marts.agg_funnel_days group by all having sum(sessions) > 0""",
    ),
    Case(
        "unique_visitors",
        "unique_visitors",
        "month",
        "total",
        f"""select {_month("session_date")}, 'all', count(distinct visitor_id)
        from marts.fct_sessions where not is_bot group by all""",
    ),
    Case(
        "session_conversion_rate",
        "session_conversion_rate",
        "month",
        "total",
        f"""select {_month("date_day")}, 'all', sum(payment_sessions) / sum(sessions)
        from marts.agg_funnel_days group by all""",
    ),
    Case(
        "cart_to_payment_rate",
        "cart_to_payment_rate",
        "month",
        "device",
        f"""select {_month("date_day")}, device,
            sum(payment_sessions) / nullif(sum(add_to_cart_sessions), 0)
        from marts.agg_funnel_days group by all""",
    ),
    Case(
        "bounce_rate",
        "bounce_rate",
        "month",
        "total",
        f"""select {_month("date_day")}, 'all', sum(bounced_sessions) / sum(sessions_with_events)
        from marts.agg_landing_page_days group by all""",
    ),
    Case(
        "first_purchase_conversion_rate",
        "first_purchase_conversion_rate",
        "month",
        "total",
        f"""select {_month("date_day")}, 'all',
            sum(new_visitors_buying_within_window) / nullif(sum(new_visitors), 0)
        from marts.agg_traffic_days group by all""",
    ),
    Case(
        "ad_spend",
        "ad_spend",
        "month",
        "channel",
        f"""select {_month("spend_date")}, channel, sum(spend_cny)
        from marts.fct_ad_spend group by all""",
        MONEY,
    ),
    Case(
        "ad_spend_mtd",
        "ad_spend_mtd",
        "day",
        "total",
        """select distinct date_day, 'all', shop_month_to_date_spend_cny
        from marts.agg_budget_pacing_days""",
        MONEY,
    ),
    Case(
        "ctr",
        "ctr",
        "month",
        "channel",
        f"""select {_month("date_day")}, channel, sum(clicks) / nullif(sum(impressions), 0)
        from marts.agg_channel_days where is_default_attribution_model group by all""",
    ),
    Case(
        "cpc",
        "cpc",
        "month",
        "channel",
        f"""select {_month("date_day")}, channel, sum(spend_cny) / nullif(sum(clicks), 0)
        from marts.agg_channel_days where is_default_attribution_model group by all""",
    ),
    Case(
        "attributed_net_revenue",
        "attributed_net_revenue",
        "month",
        "channel",
        f"""select {_month("date_day")}, channel, sum(attributed_net_revenue_cny)
        from marts.agg_channel_days where is_default_attribution_model group by all
        having sum(attributed_orders) > 0""",
        MONEY,
    ),
    Case(
        "roi",
        "roi",
        "month",
        "channel",
        f"""select {_month("date_day")}, channel,
            sum(attributed_net_revenue_cny) / nullif(sum(spend_cny), 0)
        from marts.agg_channel_days where is_default_attribution_model group by all""",
    ),
    Case(
        "refund_order_rate",
        "refund_order_rate",
        "month",
        "total",
        """select period_start_date, 'all', refund_order_rate from marts.agg_supply_chain_periods
        where period_grain = 'month' and category = 'all'""",
    ),
    Case(
        "negative_review_share",
        "negative_review_share",
        "month",
        "total",
        """select period_start_date, 'all', negative_review_share
        from marts.agg_supply_chain_periods where period_grain = 'month' and category = 'all'""",
    ),
    Case(
        "stock_out_rate",
        "stock_out_rate",
        "month",
        "total",
        """select period_start_date, 'all', stock_out_rate from marts.agg_supply_chain_periods
        where period_grain = 'month' and category = 'all'""",
    ),
]


@pytest.fixture(scope="module")
def layer(clean_warehouse):
    """MetricFlow's engine on the demo warehouse and the semantic manifest its build wrote."""
    from shopkpi.semantic_layer import SemanticLayer

    semantic_layer = SemanticLayer(
        clean_warehouse, clean_warehouse.parent / "target" / "semantic_manifest.json"
    )
    yield semantic_layer
    semantic_layer.close()


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _figures(rows) -> dict[tuple, float]:
    """``{(period start, slice): value}``, without empty values (a rate over nothing)."""
    return {(_day(period), part): float(value) for period, part, value in rows if value is not None}


def metricflow_figures(layer, case: Case) -> dict[tuple, float]:
    time = f"metric_time__{case.period_grain}"
    dimension = SLICES[case.slice_kind]
    rows = layer.query([case.metric], [time] + ([dimension] if dimension else []))
    return _figures(
        (row[time], row[dimension] if dimension else "all", row[case.metric]) for row in rows
    )


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.kpi_id}-{c.period_grain}-{c.slice_kind}" for c in CASES]
)
def test_metricflow_gives_the_marts_figures(layer, clean_warehouse, case):
    expected = _figures(query(clean_warehouse, case.sql))
    got = metricflow_figures(layer, case)
    assert len(expected) >= 12, "the case should compare many periods"
    assert got.keys() == expected.keys()
    wrong = {
        key: (got[key], expected[key])
        for key in expected
        if abs(got[key] - expected[key]) > case.tolerance
    }
    assert not wrong, f"{case.metric} differs from the marts (MetricFlow, marts): {wrong}"


KPI_TABLE_CASES = [
    case
    for case in CASES
    if case.kpi_id == case.metric
    and case.kpi_id
    in {
        "gmv",
        "net_revenue",
        "paid_orders",
        "aov",
        "gross_margin_rate",
        "sessions",
        "session_conversion_rate",
        "cart_to_payment_rate",
        "bounce_rate",
        "first_purchase_conversion_rate",
        "ad_spend",
        "ctr",
        "cpc",
        "roi",
        "refund_order_rate",
        "negative_review_share",
        "stock_out_rate",
    }
]


@pytest.mark.parametrize(
    "case",
    KPI_TABLE_CASES,
    ids=[f"{c.kpi_id}-{c.period_grain}-{c.slice_kind}" for c in KPI_TABLE_CASES],
)
def test_metricflow_gives_the_kpi_tables_figures(layer, clean_warehouse, case):
    """The same KPI through MetricFlow and in metrics.kpi_values: every figure MetricFlow
    gives is the KPI table's; a period the KPI table has and MetricFlow leaves out is empty."""
    in_table = _figures(
        query(
            clean_warehouse,
            "select period_start_date, slice_value, kpi_value from metrics.kpi_values "
            f"where kpi_id = '{case.kpi_id}' and period_grain = '{case.period_grain}' "
            f"and slice_kind = '{case.slice_kind}'",
        )
    )
    got = metricflow_figures(layer, case)
    assert len(got) >= 12
    wrong = {
        key: (value, in_table.get(key))
        for key, value in got.items()
        if key not in in_table or abs(value - in_table[key]) > case.tolerance
    }
    assert not wrong, f"{case.kpi_id} differs (MetricFlow, kpi_values): {wrong}"
    assert all(in_table[key] == 0 for key in in_table.keys() - got.keys())


def test_a_dozen_kpis_are_checked_against_the_kpi_tables():
    assert len({case.kpi_id for case in KPI_TABLE_CASES}) >= 12


def test_the_cases_cover_the_kpis_of_the_brief():
    checked = {case.kpi_id for case in CASES}
    assert {
        "gmv",
        "net_revenue",
        "paid_orders",
        "aov",
        "sessions",
        "session_conversion_rate",
        "ad_spend",
        "ctr",
        "cpc",
        "roi",
        "gross_margin_rate",
        "refund_order_rate",
        "negative_review_share",
        "bounce_rate",
        "cart_to_payment_rate",
    } <= checked


# --------------------------------------------------------------------------- the 3x trap


def test_ad_spend_counts_every_yuan_once(layer, clean_warehouse):
    """agg_channel_days repeats each day x channel once per attribution model: its plain
    sum is three times the spend. The metric reads the spend at its own grain."""
    [(spend,)] = query(clean_warehouse, "select sum(spend_cny) from marts.fct_ad_spend")
    [(per_model_rows,)] = query(
        clean_warehouse, "select sum(spend_cny) from marts.agg_channel_days"
    )
    [(models,)] = query(
        clean_warehouse, "select count(distinct attribution_model) from marts.fct_order_attribution"
    )
    assert models == 3 and per_model_rows == 3 * spend  # the trap is there in the mart
    [row] = layer.query(["ad_spend"])
    assert abs(row["ad_spend"] - float(spend)) < MONEY
    by_channel = layer.query(["ad_spend"], ["channel"])
    assert abs(sum(r["ad_spend"] for r in by_channel) - float(spend)) < MONEY
    [row] = layer.query(["net_profit", "net_revenue", "cogs", "shipping_cost"])
    costs = row["cogs"] + float(spend) + row["shipping_cost"]
    assert abs(row["net_revenue"] - costs - row["net_profit"]) < MONEY


def test_attributed_revenue_counts_every_paid_order_once(layer, clean_warehouse):
    [(orders, net_revenue)] = query(
        clean_warehouse, "select count(*), sum(net_revenue_cny) from marts.fct_orders where is_paid"
    )
    [row] = layer.query(["attributed_orders", "attributed_net_revenue"])
    assert abs(row["attributed_orders"] - orders) < RATE
    assert abs(row["attributed_net_revenue"] - float(net_revenue)) < MONEY
    by_channel = layer.query(["attributed_net_revenue"], ["channel"])
    assert abs(sum(r["attributed_net_revenue"] for r in by_channel) - float(net_revenue)) < MONEY


def _semantic_manifest(clean_warehouse) -> dict:
    path = clean_warehouse.parent / "target" / "semantic_manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_no_semantic_model_reads_more_than_one_attribution_model(clean_warehouse):
    """Every table a semantic model reads holds at most one attribution model (the default),
    and none names the model in a dimension, an entity or a measure."""
    manifest = _semantic_manifest(clean_warehouse)
    per_model_tables = 0
    for model in manifest["semantic_models"]:
        relation = model["node_relation"]
        schema, table = relation["schema_name"], relation["alias"]
        columns = {
            name
            for (name,) in query(
                clean_warehouse,
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{table}'",
            )
        }
        assert columns, f"{schema}.{table} of semantic model {model['name']} is not built"
        elements = model["dimensions"] + model["entities"] + model["measures"]
        named = " ".join(f"{e['name']} {e.get('expr') or ''}" for e in elements)
        assert "attribution_model" not in named, model["name"]
        if "attribution_model" in columns:
            per_model_tables += 1
            models = query(
                clean_warehouse,
                f"select distinct attribution_model from {schema}.{table}",
            )
            assert models == [(DEFAULT_ATTRIBUTION_MODEL,)], (model["name"], models)
    assert per_model_tables == 1  # the attribution view, and no per-model mart


def test_attributed_metrics_cannot_be_grouped_by_attribution_model(layer):
    for group_by in ("order_attribution__attribution_model", "attribution_model"):
        with pytest.raises(Exception, match="attribution_model"):
            layer.query(["attributed_net_revenue"], [group_by])


# --------------------------------------------------------------------------- definitions


def test_every_metric_has_a_label_a_description_and_a_chinese_name(clean_warehouse):
    manifest = _semantic_manifest(clean_warehouse)
    assert len(manifest["metrics"]) >= 40
    types = {metric["type"] for metric in manifest["metrics"]}
    assert types == {"simple", "ratio", "derived", "cumulative", "conversion"}
    for metric in manifest["metrics"]:
        assert metric["label"] and metric["description"].strip(), metric["name"]
        assert re.search(r"[\u4e00-\u9fff]", metric["config"]["meta"]["name_zh"]), metric["name"]


def test_sales_and_traffic_metrics_leave_out_unpaid_orders_and_bots(layer, clean_warehouse):
    """No metric grouped by time has a row without a time (an unpaid order has no paid day),
    and sessions are the human ones."""
    rows = layer.query(["gmv", "paid_orders", "line_gmv", "sessions"], ["metric_time__year"])
    assert all(row["metric_time__year"] is not None for row in rows)
    [(humans, bots)] = query(
        clean_warehouse,
        "select count(*) filter (where not is_bot), count(*) filter (where is_bot) "
        "from marts.fct_sessions",
    )
    [row] = layer.query(["sessions", "bot_sessions"])
    assert (row["sessions"], row["bot_sessions"]) == (humans, bots)


def test_cumulative_and_offset_metrics(layer, clean_warehouse):
    rows = {
        _day(row["metric_time__month"]): row
        for row in layer.query(
            ["gmv", "gmv_mtd", "gmv_cumulative", "gmv_growth_mom"], ["metric_time__month"]
        )
    }
    months = sorted(rows)
    running = 0.0
    for previous, month in zip([None, *months], months, strict=False):
        row = rows[month]
        running += row["gmv"]
        assert abs(row["gmv_mtd"] - row["gmv"]) < MONEY  # a month's last day: the month
        assert abs(row["gmv_cumulative"] - running) < 0.01
        if previous is not None:
            assert abs(row["gmv_growth_mom"] - (row["gmv"] / rows[previous]["gmv"] - 1)) < RATE


# --------------------------------------------------------------------------- the command line


def _scratch_project(folder: Path) -> Path:
    """A copy of the dbt project without target/, logs/ or the warehouse: `shopkpi mf` must
    write the semantic manifest for the warehouse it is pointed at."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("models", "macros", "seeds", "analyses", "tests"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("python"))
    return folder


def _readme_commands() -> list[list[str]]:
    """The `shopkpi mf query` commands of the README's semantic-layer section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Semantic layer (MetricFlow)", 1)[1].split("\n## ", 1)[0]
    joined = re.sub(r"\\\n\s*", " ", section)
    return [
        shlex.split(line.strip())[1:]
        for line in joined.splitlines()
        if line.strip().startswith(".venv/bin/shopkpi mf query")
    ]


def test_readme_examples_run_offline_through_the_command_line(clean_warehouse, tmp_path, layer):
    """The README's three `shopkpi mf query` commands, run as a user would, against a copy
    of the demo warehouse from a project without a semantic manifest; no request leaves
    the machine (an unreachable proxy would make any HTTP request fail) and the CSV the
    command line writes has the engine's numbers."""
    commands = _readme_commands()
    assert len(commands) == 3
    project = _scratch_project(tmp_path / "project")
    db = copy_warehouse(clean_warehouse, tmp_path / "warehouse")
    env = dict(os.environ)
    env.update(
        SHOPKPI_PROJECT_DIR=str(project),
        SHOPKPI_DB=str(db),
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="",
        TMPDIR=str(tmp_path / "tmp"),
    )
    (tmp_path / "tmp").mkdir()
    env.pop("DBT_PROFILES_DIR", None)
    for number, command in enumerate(commands):
        assert command[:2] == ["mf", "query"]
        out = tmp_path / f"example_{number}.csv"
        result = subprocess.run(
            [str(BIN / "shopkpi"), *command, "--csv", str(out)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        with out.open(encoding="utf-8") as handle:
            written = list(csv.DictReader(handle))
        options = _options(command[2:])
        metrics = options["--metrics"].split(",")
        expected = layer.query(
            metrics,
            options["--group-by"].split(","),
            [options["--where"]] if "--where" in options else [],
            start_time=dt.datetime.fromisoformat(options["--start-time"]),
            end_time=dt.datetime.fromisoformat(options["--end-time"]),
        )
        assert written and len(written) == len(expected)
        key = [name for name in written[0] if name not in metrics]
        by_key = {tuple(str(row[k]) for k in key): row for row in written}
        for row in expected:
            printed = by_key[tuple(_printed(row[k]) for k in key)]
            for metric in metrics:
                if row[metric] is None:
                    assert printed[metric] == ""
                else:
                    assert abs(float(printed[metric]) - row[metric]) < RATE * max(1, row[metric])
    assert (project / "target" / "semantic_manifest.json").is_file()
    # dbt-metricflow's update check caches its answer (even a failed request) in the
    # temporary folder: nothing there means it never ran.
    assert not (tmp_path / "tmp" / "update_checker_cache.pkl").exists()


def _options(arguments: list[str]) -> dict[str, str]:
    """``--name value`` pairs of an `mf query` command (its flags have no value)."""
    options: dict[str, str] = {}
    name = None
    for argument in arguments:
        if argument.startswith("--") and argument not in ("--quiet", "--explain"):
            name = argument
        elif name is not None:
            options[name] = argument
            name = None
    return options


def _printed(value) -> str:
    return "" if value is None else str(value)
