"""dbt builds the customer-value models, with every test, on data the purchase and spend
models cannot be fitted on: a single day of data and a shop without repeat customers (the
session's single-day and no-repeat-buyer warehouses, built whole from their raw files). The
predictions are then null with a reason, and the build does not fail."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SINGLE_DAY, query

pytestmark = pytest.mark.integration


def test_single_day_shop_fits_nothing_and_predicts_null_with_a_reason(single_day_warehouse):
    db = single_day_warehouse
    day = dt.date.fromisoformat(SINGLE_DAY)
    summary = query(
        db,
        "select count(*), max(frequency), max(t_days), min(as_of_date) "
        "from marts.mdl_customer_btyd_summary",
    )[0]
    assert summary[0] > 0 and summary[1:] == (0, 0, day)

    fitted = query(db, "select model_parameters_id, is_fitted from marts.mdl_clv_parameters")
    assert fitted and not [model for model, is_fitted in fitted if is_fitted]
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


def test_no_repeat_shop_fits_nothing_and_predicts_null_with_a_reason(no_repeat_warehouse):
    db = no_repeat_warehouse
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
