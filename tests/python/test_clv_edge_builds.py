"""dbt builds the customer-value models, with every test, on data the purchase and spend
models cannot be fitted on: a single day of data and a shop without repeat customers. The
predictions are then null with a reason, and the build does not fail."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import query, run_dbt

pytestmark = pytest.mark.integration

CLV_MODELS = [
    "mdl_customer_btyd_summary",
    "mdl_customer_btyd_calibration",
    "mdl_clv_parameters",
    "snap_customer_ltv_predicted",
    "mdl_clv_holdout_accuracy",
]


def copy_of(clean_warehouse, tmp_path):
    # Same file name: DuckDB names the catalog after the file, and views refer to it.
    db = tmp_path / clean_warehouse.name
    shutil.copy(clean_warehouse, db)
    return db


def test_single_day_of_data(clean_warehouse, tmp_path):
    db = copy_of(clean_warehouse, tmp_path)
    first_day = query(db, "select min(paid_date) from marts.fct_orders where is_paid")[0][0]
    # As of the first day with a paid order, the shop has exactly one day of data.
    # Only the tests of the rebuilt models: marts left as they were (RFM, cohorts) are still
    # as of the last day, and tests comparing them with the new as-of date would not hold.
    run_dbt(
        db,
        "build",
        "--indirect-selection",
        "cautious",
        "--select",
        "int_customer_value_as_of",
        *CLV_MODELS,
        "--vars",
        f"{{customer_value_as_of_date: '{first_day}'}}",
    )
    summary = query(
        db,
        "select count(*), max(frequency), max(t_days), min(as_of_date) "
        "from marts.mdl_customer_btyd_summary",
    )[0]
    assert summary[0] > 0 and summary[1:] == (0, 0, first_day)

    fits = dict(
        query(db, "select model_parameters_id, not_fitted_reason from marts.mdl_clv_parameters")
    )
    assert fits["as_of|bg_nbd"] in {"no_repeat_customers", "too_few_customers"}
    assert fits["calibration|bg_nbd"] == "no_customers"

    predicted = query(
        db,
        "select count(*), count(expected_purchases_365d), count(predicted_net_revenue_365d_cny), "
        "min(not_predicted_reason), max(not_predicted_reason) "
        "from marts.snap_customer_ltv_predicted",
    )[0]
    assert predicted[:3] == (summary[0], 0, 0)
    assert predicted[3] == predicted[4] == f"bg_nbd: {fits['as_of|bg_nbd']}"

    accuracy = query(
        db,
        "select frequency_bucket, customers, predicted_purchases, not_predicted_reason "
        "from marts.mdl_clv_holdout_accuracy where frequency_bucket = 'all'",
    )
    assert accuracy == [("all", 0, None, "no_calibration_customers")]


def test_no_repeat_customers(clean_warehouse, tmp_path):
    db = copy_of(clean_warehouse, tmp_path)
    with duckdb.connect(str(db)) as con:
        # Every customer keeps only their first paid order.
        con.execute("delete from marts.fct_orders where is_paid and paid_order_number > 1")
    run_dbt(db, "build", "--indirect-selection", "cautious", "--select", *CLV_MODELS)

    assert query(db, "select max(frequency) from marts.mdl_customer_btyd_summary") == [(0,)]
    fits = query(
        db,
        "select model_parameters_id, is_fitted, not_fitted_reason "
        "from marts.mdl_clv_parameters order by model_parameters_id",
    )
    assert fits == [
        ("as_of|bg_nbd", False, "no_repeat_customers"),
        ("as_of|gamma_gamma", False, "no_repeat_customers"),
        ("calibration|bg_nbd", False, "no_repeat_customers"),
        ("calibration|gamma_gamma", False, "no_repeat_customers"),
    ]
    predicted = query(
        db,
        "select count(*), count(expected_purchases_365d), any_value(not_predicted_reason) "
        "from marts.snap_customer_ltv_predicted",
    )[0]
    assert predicted[0] > 1000 and predicted[1:] == (0, "bg_nbd: no_repeat_customers")
    accuracy = query(
        db,
        "select customers, actual_purchases, predicted_purchases, not_predicted_reason "
        "from marts.mdl_clv_holdout_accuracy where frequency_bucket = 'all'",
    )[0]
    # Without repeat purchases nobody buys in the holdout either.
    assert accuracy[0] > 1000 and accuracy[1:] == (0.0, None, "bg_nbd: no_repeat_customers")
