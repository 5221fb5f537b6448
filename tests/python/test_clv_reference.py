"""The warehouse's buy-till-you-die summary, model fits and predictions on the demo data,
checked against PyMC-Marketing (the maintained successor of lifetimes): its rfm_summary and
rfm_train_test_split, and its BetaGeoModel / GammaGammaModel fitted by MAP with flat
priors, which is maximum likelihood."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from conftest import query
from shopkpi import clv

# The warehouse keeps 4 decimals of a mean: off by at most half a unit of the 4th decimal
# (an exact half, e.g. 167.91875, rounds away), plus the float error of that half.
ROUNDING = 5e-5 * (1 + 1e-9)

pytestmark = pytest.mark.integration

pymc_marketing_clv = pytest.importorskip("pymc_marketing.clv")


def frame(db, sql: str) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def demo(clean_warehouse):
    as_of, holdout_days = query(
        clean_warehouse,
        "select as_of_date, (select max(holdout_days) from marts.mdl_customer_btyd_calibration) "
        "from intermediate.int_customer_value_as_of",
    )[0]
    transactions = frame(
        clean_warehouse,
        "select customer_id, cast(paid_date as timestamp) as paid_date, "
        "cast(net_revenue_cny as double) as net_revenue "
        "from marts.fct_orders where is_paid order by customer_id, paid_at, order_id",
    )
    return clean_warehouse, pd.Timestamp(as_of), int(holdout_days), transactions


def test_summary_matches_rfm_summary_column_by_column(demo):
    db, as_of, _, transactions = demo
    from pymc_marketing.clv.utils import rfm_summary

    reference = (
        rfm_summary(
            transactions,
            "customer_id",
            "paid_date",
            monetary_value_col="net_revenue",
            observation_period_end=as_of,
            time_unit="D",
        )
        .sort_values("customer_id")
        .reset_index(drop=True)
    )
    warehouse = frame(
        db,
        "select customer_id, frequency, recency_days, t_days, "
        "cast(monetary_value_cny as double) as monetary_value_cny "
        "from marts.mdl_customer_btyd_summary order by customer_id",
    )
    assert len(warehouse) == len(reference) > 1000
    assert warehouse["customer_id"].tolist() == reference["customer_id"].tolist()
    assert warehouse["frequency"].tolist() == reference["frequency"].astype(int).tolist()
    assert warehouse["recency_days"].tolist() == reference["recency"].astype(int).tolist()
    assert warehouse["t_days"].tolist() == reference["T"].astype(int).tolist()
    # The warehouse keeps 4 decimals of the mean.
    np.testing.assert_allclose(
        warehouse["monetary_value_cny"], reference["monetary_value"], rtol=0, atol=ROUNDING
    )


def test_calibration_matches_rfm_train_test_split_column_by_column(demo):
    db, as_of, holdout_days, transactions = demo
    from pymc_marketing.clv.utils import rfm_train_test_split

    calibration_end = as_of - pd.Timedelta(days=holdout_days)
    reference = (
        rfm_train_test_split(
            transactions,
            "customer_id",
            "paid_date",
            train_period_end=calibration_end,
            test_period_end=as_of,
            time_unit="D",
            monetary_value_col="net_revenue",
        )
        .sort_values("customer_id")
        .reset_index(drop=True)
    )
    warehouse = frame(
        db,
        "select customer_id, frequency_cal, recency_cal_days, t_cal_days, "
        "cast(monetary_value_cal_cny as double) as monetary_value_cal_cny, "
        "holdout_purchase_days, cast(holdout_net_revenue_cny as double) as holdout_net_revenue, "
        "holdout_days from marts.mdl_customer_btyd_calibration order by customer_id",
    )
    assert len(warehouse) == len(reference) > 1000
    assert warehouse["customer_id"].tolist() == reference["customer_id"].tolist()
    assert warehouse["frequency_cal"].tolist() == reference["frequency"].astype(int).tolist()
    assert warehouse["recency_cal_days"].tolist() == reference["recency"].astype(int).tolist()
    assert warehouse["t_cal_days"].tolist() == reference["T"].astype(int).tolist()
    np.testing.assert_allclose(
        warehouse["monetary_value_cal_cny"], reference["monetary_value"], rtol=0, atol=ROUNDING
    )
    assert (
        warehouse["holdout_purchase_days"].tolist()
        == reference["test_frequency"].astype(int).tolist()
    )
    assert set(reference["test_T"]) == {float(holdout_days)}
    # rfm_train_test_split's test_monetary_value is the mean per holdout purchase day.
    holdout_days_bought = warehouse["holdout_purchase_days"].clip(lower=1)
    np.testing.assert_allclose(
        warehouse["holdout_net_revenue"] / holdout_days_bought,
        reference["test_monetary_value"],
        rtol=0,
        atol=5e-3,
    )


def _flat_priors(names):
    from pymc_marketing.prior import Prior

    return {name: Prior("HalfFlat") for name in names}


def _point(values) -> np.ndarray:
    return np.asarray(values).reshape(-1)


@pytest.fixture(scope="module")
def summary(demo):
    db = demo[0]
    data = frame(
        db,
        "select customer_id, cast(frequency as double) as frequency, "
        "cast(recency_days as double) as recency, cast(t_days as double) as T, "
        "cast(monetary_value_cny as double) as monetary_value "
        "from marts.mdl_customer_btyd_summary order by customer_id",
    )
    columns = ["is_fitted", *clv.BG_NBD_PARAMETERS, *clv.GAMMA_GAMMA_PARAMETERS]
    rows = query(
        db,
        f"select model_name, {', '.join(columns)} "
        "from marts.mdl_clv_parameters where fit_window = 'as_of'",
    )
    fits = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in rows}
    return db, data, fits


def test_bgnbd_matches_pymc_marketing(summary):
    db, data, fits = summary
    from pymc_marketing.clv import BetaGeoModel

    reference = BetaGeoModel(model_config=_flat_priors(clv.BG_NBD_PARAMETERS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(
            data[["customer_id", "frequency", "recency", "T"]], method="map", progressbar=False
        )
    posterior = reference.fit_result
    library = {name: float(posterior[name].values.reshape(-1)[0]) for name in clv.BG_NBD_PARAMETERS}

    ours = fits[clv.BG_NBD]
    assert ours["is_fitted"]
    for name in clv.BG_NBD_PARAMETERS:
        assert ours[name] == pytest.approx(library[name], rel=2e-3), name

    # The prediction formulas agree exactly given the same parameters ...
    x, t_x, t = data["frequency"], data["recency"], data["T"]
    np.testing.assert_allclose(
        clv.bgnbd_expected_purchases(library, 365, x, t_x, t),
        _point(reference.expected_purchases(future_t=365)),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        clv.bgnbd_probability_alive(library, x, t_x, t),
        _point(reference.expected_probability_alive()),
        rtol=1e-8,
    )
    # ... and the warehouse's predictions are the library's up to the fit tolerance.
    predicted = frame(
        db,
        "select expected_purchases_365d, probability_alive "
        "from marts.snap_customer_ltv_predicted order by customer_id",
    )
    np.testing.assert_allclose(
        predicted["expected_purchases_365d"],
        _point(reference.expected_purchases(future_t=365)),
        rtol=5e-3,
        atol=1e-5,
    )
    np.testing.assert_allclose(
        predicted["probability_alive"],
        _point(reference.expected_probability_alive()),
        rtol=5e-3,
        atol=1e-5,
    )


def test_gamma_gamma_matches_pymc_marketing(summary):
    db, data, fits = summary
    from pymc_marketing.clv import GammaGammaModel

    repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
    reference = GammaGammaModel(model_config=_flat_priors(clv.GAMMA_GAMMA_PARAMETERS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(
            repeat[["customer_id", "frequency", "monetary_value"]], method="map", progressbar=False
        )
    posterior = reference.fit_result
    library = {
        name: float(posterior[name].values.reshape(-1)[0]) for name in clv.GAMMA_GAMMA_PARAMETERS
    }

    ours = fits[clv.GAMMA_GAMMA]
    assert ours["is_fitted"]
    for name in clv.GAMMA_GAMMA_PARAMETERS:
        assert ours[name] == pytest.approx(library[name], rel=2e-3), name

    spend = _point(reference.expected_customer_spend(data=data))
    np.testing.assert_allclose(
        clv.gamma_gamma_expected_value(library, data["frequency"], data["monetary_value"]),
        spend,
        rtol=1e-8,
    )
    predicted = frame(
        db,
        "select expected_average_value_cny from marts.snap_customer_ltv_predicted "
        "order by customer_id",
    )
    np.testing.assert_allclose(predicted["expected_average_value_cny"], spend, rtol=2e-3, atol=0.01)
