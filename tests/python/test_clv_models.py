"""The dbt Python models of predicted customer value (models/marts/customers/*.py), run on
small hand-made inputs in an in-memory DuckDB the way dbt-duckdb runs them: model(dbt,
session) with dbt.ref returning DuckDB relations."""

from __future__ import annotations

import datetime
import importlib.util

import duckdb
import numpy as np
import pytest

from conftest import ROOT
from shopkpi import clv
from test_clv import simulate_bgnbd, simulate_gamma_gamma

MODELS = ROOT / "models" / "marts" / "customers"
AS_OF = datetime.date(2025, 3, 10)


def load_model(name: str):
    spec = importlib.util.spec_from_file_location(name, MODELS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeConfig:
    def __init__(self, values: dict):
        self.values = values

    def __call__(self, **kwargs):
        self.values.update(kwargs)

    def get(self, key, default=None):
        return self.values.get(key, default)


class FakeDbt:
    def __init__(self, con: duckdb.DuckDBPyConnection, holdout_days: int):
        self.con = con
        self.config = FakeConfig({"clv_holdout_days": str(holdout_days)})

    def ref(self, name: str):
        return self.con.table(name)


def warehouse(as_of, summary_rows, calibration_rows):
    """An in-memory DuckDB with the three SQL inputs of the Python models."""
    con = duckdb.connect()
    con.execute("create table int_customer_value_as_of (as_of_date date)")
    con.execute("insert into int_customer_value_as_of values (?)", [as_of])
    con.execute(
        "create table mdl_customer_btyd_summary (customer_id varchar, as_of_date date, "
        "frequency bigint, recency_days bigint, t_days bigint, monetary_value_cny decimal(18, 4))"
    )
    if summary_rows:
        con.executemany(
            "insert into mdl_customer_btyd_summary values (?, ?, ?, ?, ?, ?)",
            [(cid, as_of, x, t_x, t, m) for cid, x, t_x, t, m in summary_rows],
        )
    con.execute(
        "create table mdl_customer_btyd_calibration (customer_id varchar, frequency_cal bigint, "
        "recency_cal_days bigint, t_cal_days bigint, monetary_value_cal_cny decimal(18, 4), "
        "holdout_purchase_days bigint, holdout_net_revenue_cny decimal(18, 2))"
    )
    if calibration_rows:
        con.executemany(
            "insert into mdl_customer_btyd_calibration values (?, ?, ?, ?, ?, ?, ?)",
            calibration_rows,
        )
    return con


def run_models(con, holdout_days=90):
    """Run the three Python models in dependency order; return their tables as row dicts."""
    dbt = FakeDbt(con, holdout_days)
    out = {}
    for name in ["mdl_clv_parameters", "snap_customer_ltv_predicted", "mdl_clv_holdout_accuracy"]:
        table = load_model(name).model(dbt, con)
        con.register(f"{name}_result", table)
        con.execute(f"create or replace table {name} as select * from {name}_result")
        out[name] = table
    return out


def test_no_repeat_customers_gives_null_predictions_with_a_reason():
    summary = [(f"C{i:02d}", 0, 0, 10 + i, 0) for i in range(20)]
    calibration = [(f"C{i:02d}", 0, 0, i, 0, 0, 0) for i in range(12)]
    out = run_models(warehouse(AS_OF, summary, calibration))

    parameters = out["mdl_clv_parameters"].to_pylist()
    fits = [(p["model_parameters_id"], p["is_fitted"], p["not_fitted_reason"]) for p in parameters]
    assert fits == [
        ("as_of|bg_nbd", False, "no_repeat_customers"),
        ("as_of|gamma_gamma", False, "no_repeat_customers"),
        ("calibration|bg_nbd", False, "no_repeat_customers"),
        ("calibration|gamma_gamma", False, "no_repeat_customers"),
    ]  # fmt: skip
    assert parameters[0]["period_end_date"] == AS_OF
    assert parameters[2]["period_end_date"] == datetime.date(2024, 12, 10)
    assert all(p["r"] is None and p["p"] is None for p in parameters)

    predicted = out["snap_customer_ltv_predicted"].to_pylist()
    assert len(predicted) == 20
    assert {row["not_predicted_reason"] for row in predicted} == {"bg_nbd: no_repeat_customers"}
    assert all(row["expected_purchases_365d"] is None for row in predicted)
    assert all(row["predicted_net_revenue_365d_cny"] is None for row in predicted)

    accuracy = out["mdl_clv_holdout_accuracy"].to_pylist()
    assert len(accuracy) == 9
    total = accuracy[-1]
    assert total["frequency_bucket"] == "all" and total["customers"] == 12
    assert total["predicted_purchases"] is None
    assert total["not_predicted_reason"] == "bg_nbd: no_repeat_customers"
    assert total["holdout_days"] == 90


def test_no_paid_orders_at_all_builds_empty_tables():
    out = run_models(warehouse(None, [], []))
    parameters = out["mdl_clv_parameters"].to_pylist()
    assert {p["not_fitted_reason"] for p in parameters} == {"no_customers"}
    assert all(p["period_end_date"] is None for p in parameters)
    assert out["snap_customer_ltv_predicted"].num_rows == 0
    assert (
        out["snap_customer_ltv_predicted"].schema.field("expected_purchases_365d").type == "double"
    )
    accuracy = out["mdl_clv_holdout_accuracy"].to_pylist()
    assert [row["customers"] for row in accuracy] == [0] * 9
    assert {row["not_predicted_reason"] for row in accuracy} == {"no_calibration_customers"}


@pytest.fixture(scope="module")
def simulated():
    """A shop of 800 customers following BG/NBD and Gamma-Gamma, as summaries."""
    truth = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 2.5}
    T = np.random.default_rng(11).integers(0, 366, 800)
    frequency, recency = simulate_bgnbd(truth, T.astype(float), seed=12)
    recency = np.floor(recency).astype(int)
    monetary = np.zeros(len(T))
    repeat = frequency > 0
    monetary[repeat] = simulate_gamma_gamma(
        {"p": 4.0, "q": 6.0, "v": 150.0}, frequency[repeat], seed=13
    ).round(4)
    summary = [
        (f"C{i:04d}", int(frequency[i]), int(recency[i]), int(T[i]), float(monetary[i]))
        for i in range(len(T))
    ]
    # Calibration: the same customers seen 90 days earlier is not needed for the wiring;
    # the first 300 with their summary and one holdout purchase each will do.
    calibration = [
        (cid, x, t_x, t, m, 1, 100.0) for cid, x, t_x, t, m in summary[:300]
    ]  # fmt: skip
    return summary, calibration


def test_predictions_come_from_the_stored_parameters(simulated):
    summary, calibration = simulated
    out = run_models(warehouse(AS_OF, summary, calibration))
    parameters = out["mdl_clv_parameters"].to_pylist()
    assert all(p["is_fitted"] for p in parameters)
    bg, gg = parameters[0], parameters[1]
    bg_params = {name: bg[name] for name in clv.BG_NBD_PARAMETERS}
    gg_params = {name: gg[name] for name in clv.GAMMA_GAMMA_PARAMETERS}
    assert bg["customers"] == 800 and gg["repeat_customers"] == sum(1 for s in summary if s[1] > 0)

    predicted = out["snap_customer_ltv_predicted"].to_pylist()
    assert [row["customer_id"] for row in predicted] == sorted(s[0] for s in summary)
    x = np.array([s[1] for s in summary], float)
    t_x = np.array([s[2] for s in summary], float)
    t = np.array([s[3] for s in summary], float)
    m = np.array([s[4] for s in summary], float)
    purchases = clv.bgnbd_expected_purchases(bg_params, 365, x, t_x, t)
    alive = clv.bgnbd_probability_alive(bg_params, x, t_x, t)
    value = clv.gamma_gamma_expected_value(gg_params, x, m)
    for i in [0, 1, 17, 399, 799]:
        row = predicted[i]
        assert row["expected_purchases_365d"] == round(float(purchases[i]), 6)
        assert row["probability_alive"] == round(float(alive[i]), 6)
        assert row["expected_average_value_cny"] == round(float(value[i]), 2)
        assert row["predicted_net_revenue_365d_cny"] == round(float(purchases[i] * value[i]), 2)
        assert row["not_predicted_reason"] is None

    accuracy = out["mdl_clv_holdout_accuracy"].to_pylist()
    total = accuracy[-1]
    assert total["customers"] == 300 and total["actual_purchases"] == 300.0
    assert total["not_predicted_reason"] is None
    assert sum(row["customers"] for row in accuracy[:-1]) == 300


def test_models_are_deterministic(simulated):
    summary, calibration = simulated
    first = run_models(warehouse(AS_OF, summary, calibration))
    # The same customers inserted in another order give byte-identical tables.
    second = run_models(warehouse(AS_OF, summary[::-1], calibration[::-1]))
    for name, table in first.items():
        assert table.equals(second[name]), name
