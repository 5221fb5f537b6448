"""BG/NBD and Gamma-Gamma code in shopkpi.clv: hand-computed values, published values,
parameter recovery on simulated data, degenerate inputs and the holdout table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shopkpi import clv

# Published example (Fader, Hardie & Lee 2005, CDNOW, weeks): with these parameters a
# customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in the next
# 39 weeks.
CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def simulate_bgnbd(params, T, seed):
    """(x, t_x) of customers following BG/NBD, observed for T periods each."""
    rng = np.random.default_rng(seed)
    n = len(T)
    rates = rng.gamma(params["r"], 1.0 / params["alpha"], n)
    dropout = rng.beta(params["a"], params["b"], n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1.0 / rates[i])
            if t > T[i]:
                break
            frequency[i] += 1
            recency[i] = t
            if rng.random() < dropout[i]:
                break
    return frequency, recency


def simulate_gamma_gamma(params, frequency, seed):
    """Mean repeat value of customers following Gamma-Gamma."""
    rng = np.random.default_rng(seed)
    scales = rng.gamma(params["q"], 1.0 / params["v"], len(frequency))
    return np.array(
        [
            rng.gamma(params["p"], 1.0 / nu, int(x)).mean()
            for nu, x in zip(scales, frequency, strict=True)
        ]
    )


# --- likelihoods against hand-computed values --------------------------------------------


def test_bgnbd_log_likelihood_by_hand():
    # r = alpha = a = b = 1. A one-time buyer seen for T = 1: B(1,1)/B(1,1) * 1 * (1+1)^-1.
    # x = 1, t_x = 1, T = 2: B(1,2)/B(1,1) * Gamma(2) * [(1+2)^-2 + 1/1 * (1+1)^-2]
    #   = 1/2 * (1/9 + 1/4) = 13/72.
    values = clv.bgnbd_log_likelihood((1, 1, 1, 1), [0, 1], [0, 1], [1, 2])
    assert values == pytest.approx([math.log(0.5), math.log(13 / 72)], rel=1e-12)


def test_gamma_gamma_log_likelihood_by_hand():
    # p = q = v = 1, one purchase: z | nu ~ Exp(nu), nu ~ Exp(1) -> f(z) = 1 / (1 + z)^2.
    values = clv.gamma_gamma_log_likelihood((1, 1, 1), [1, 1], [1, 3])
    assert values == pytest.approx([math.log(1 / 4), math.log(1 / 16)], rel=1e-12)


def test_bgnbd_predictions_by_hand():
    # With r = a + b - 1 the hypergeometric term is (1 - z)^-(b + x).
    params = {"r": 2.0, "alpha": 1.0, "a": 2.0, "b": 1.0}
    # x = 0, T = 1, t = 2: z = 1/2, 2F1 = 2, ((1+1)/(1+1+2))^2 = 1/4 -> 2/1 * (1 - 1/2) = 1.
    # x = 1, t_x = 1, T = 2, t = 3: z = 1/2, 2F1 = 4, (3/6)^3 = 1/8 -> 3 * (1 - 1/2) = 3/2;
    #   alive odds = 2/1 * (3/2)^3 = 27/4, so E = (3/2) / (31/4) = 6/31 and P(alive) = 4/31.
    assert clv.bgnbd_expected_purchases(params, 2, [0], [0], [1]) == pytest.approx([1.0])
    assert clv.bgnbd_expected_purchases(params, 3, [1], [1], [2]) == pytest.approx([6 / 31])
    assert clv.bgnbd_probability_alive(params, [0, 1], [0, 1], [1, 2]) == pytest.approx(
        [1.0, 4 / 31]
    )
    assert clv.bgnbd_expected_purchases(params, 0, [1], [1], [2]) == pytest.approx([0.0])


def test_bgnbd_published_cdnow_example():
    value = clv.bgnbd_expected_purchases(CDNOW_PARAMS, 39, [2], [30.43], [38.86])
    assert round(float(value[0]), 3) == 1.226


def test_gamma_gamma_expected_value_by_hand():
    # Population mean p v / (q - 1) = 2 * 4 / 2 = 4; x = 2, m = 10 weighs it 2/6 against
    # the customer's mean 4/6: 4/3 + 20/3 = 8.
    params = {"p": 2.0, "q": 3.0, "v": 4.0}
    assert clv.gamma_gamma_expected_value(params, [2, 0], [10, 0]) == pytest.approx([8.0, 4.0])


# --- fits ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated_bgnbd():
    truth = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 2.5}
    T = np.random.default_rng(1).integers(30, 366, 6000).astype(float)
    frequency, recency = simulate_bgnbd(truth, T, seed=2)
    return truth, frequency, recency, T


def test_bgnbd_fit_recovers_simulated_parameters(simulated_bgnbd):
    truth, frequency, recency, T = simulated_bgnbd
    fit = clv.fit_bgnbd(frequency, recency, T)
    assert fit.is_fitted and fit.not_fitted_reason is None
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=0.25), name
    # The maximum beats the truth's likelihood (it is a maximum) but not by much.
    at_truth = clv.bgnbd_log_likelihood(tuple(truth.values()), frequency, recency, T).sum()
    assert at_truth <= fit.log_likelihood < at_truth + 20


def test_bgnbd_fit_is_deterministic_and_order_free(simulated_bgnbd):
    _, frequency, recency, T = simulated_bgnbd
    first = clv.fit_bgnbd(frequency, recency, T)
    order = np.random.default_rng(3).permutation(len(T))
    second = clv.fit_bgnbd(frequency[order], recency[order], T[order])
    assert first == second


def test_gamma_gamma_fit_recovers_simulated_parameters():
    truth = {"p": 4.0, "q": 6.0, "v": 150.0}
    frequency = np.random.default_rng(4).integers(1, 8, 4000).astype(float)
    monetary = simulate_gamma_gamma(truth, frequency, seed=5)
    fit = clv.fit_gamma_gamma(frequency, monetary)
    assert fit.is_fitted
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=0.25), name
    # The population mean p v / (q - 1) is identified much better than each parameter.
    mean = fit.params["p"] * fit.params["v"] / (fit.params["q"] - 1)
    assert mean == pytest.approx(4.0 * 150.0 / 5.0, rel=0.05)


def test_gamma_gamma_fit_is_deterministic_and_order_free():
    # Mean values to 4 decimals, like the warehouse's. Their float mean depends on the order
    # they are added in, and a fit scaled by it gave another v for some of these orders.
    truth = {"p": 4.0, "q": 6.0, "v": 150.0}
    frequency = np.random.default_rng(4).integers(1, 8, 1500).astype(float)
    monetary = np.round(simulate_gamma_gamma(truth, frequency, seed=5), 4)
    first = clv.fit_gamma_gamma(frequency, monetary)
    assert first.is_fitted
    for seed in range(20):
        order = np.random.default_rng(seed).permutation(len(frequency))
        assert clv.fit_gamma_gamma(frequency[order], monetary[order]) == first, seed


def test_gamma_gamma_ignores_one_time_and_zero_value_customers():
    truth = {"p": 4.0, "q": 6.0, "v": 150.0}
    frequency = np.random.default_rng(6).integers(1, 8, 500).astype(float)
    monetary = simulate_gamma_gamma(truth, frequency, seed=7)
    fit = clv.fit_gamma_gamma(frequency, monetary)
    padded = clv.fit_gamma_gamma(
        np.concatenate([frequency, [0, 0, 2]]), np.concatenate([monetary, [0, 0, 0]])
    )
    assert padded.params == fit.params
    assert (padded.customers, padded.repeat_customers) == (503, 500)


# --- degenerate inputs: a reason, never an exception ---------------------------------------


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "reason"),
    [
        ([], [], [], "no_customers"),
        ([1, 0, 0], [5, 0, 0], [9, 9, 9], "too_few_customers"),
        # A single day of data: everybody bought once, today.
        ([0] * 50, [0] * 50, [0] * 50, "no_repeat_customers"),
        ([0] * 50, [0] * 50, list(range(50)), "no_repeat_customers"),
        ([1, 1] + [0] * 48, [3, 3] + [0] * 48, [9] * 50, "too_few_repeat_customers"),
    ],
)
def test_bgnbd_not_fittable(frequency, recency, T, reason):
    fit = clv.fit_bgnbd(frequency, recency, T)
    assert not fit.is_fitted
    assert fit.params is None and fit.log_likelihood is None
    assert fit.not_fitted_reason == reason


def test_bgnbd_degenerate_data_does_not_crash():
    # Every customer identical and repeating: the likelihood has no interior maximum.
    fit = clv.fit_bgnbd([3] * 20, [10] * 20, [10] * 20)
    assert not fit.is_fitted
    assert fit.not_fitted_reason == "degenerate_estimate"


@pytest.mark.parametrize(
    ("frequency", "monetary", "reason"),
    [
        ([], [], "no_customers"),
        ([0, 0, 0], [0, 0, 0], "no_repeat_customers"),
        ([2, 0, 0, 1], [10, 0, 0, 0], "too_few_repeat_customers"),
        # Every repeat customer spends exactly the same: no spread to estimate.
        ([1, 2, 3, 4], [50, 50, 50, 50], "degenerate_estimate"),
    ],
)
def test_gamma_gamma_not_fittable(frequency, monetary, reason):
    fit = clv.fit_gamma_gamma(frequency, monetary)
    assert not fit.is_fitted
    assert fit.not_fitted_reason == reason


def test_invalid_summary_is_an_error():
    with pytest.raises(ValueError, match="recency <= T"):
        clv.fit_bgnbd([1], [5], [3])
    with pytest.raises(ValueError, match="recency 0"):
        clv.bgnbd_probability_alive(CDNOW_PARAMS, [0], [2], [3])


# --- predictions --------------------------------------------------------------------------


def test_predict_without_purchase_model_is_all_null_with_reason():
    result = clv.predict(None, "no_repeat_customers", None, "no_repeat_customers", 365,
                         [0, 0], [0, 0], [5, 9], [0, 0])  # fmt: skip
    assert result.expected_purchases == [None, None]
    assert result.expected_value == [None, None]
    assert result.not_predicted_reason == ["bg_nbd: no_repeat_customers"] * 2


def test_predict_without_value_model_keeps_purchases():
    params = {"r": 2.0, "alpha": 1.0, "a": 2.0, "b": 1.0}
    result = clv.predict(params, None, None, "too_few_repeat_customers", 3, [1], [1], [2], [5])
    assert result.expected_purchases == [round(6 / 31, 6)]
    assert result.probability_alive == [round(4 / 31, 6)]
    assert result.expected_average_value == [None]
    assert result.expected_value == [None]
    assert result.not_predicted_reason == ["gamma_gamma: too_few_repeat_customers"]


def test_predict_value_is_purchases_times_average():
    purchases = {"r": 2.0, "alpha": 1.0, "a": 2.0, "b": 1.0}
    value = {"p": 2.0, "q": 3.0, "v": 4.0}
    result = clv.predict(purchases, None, value, None, 2, [0], [0], [1], [0])
    # 1 expected purchase x the population mean 4.
    assert result.expected_purchases == [1.0]
    assert result.expected_average_value == [4.0]
    assert result.expected_value == [4.0]
    assert result.not_predicted_reason == [None]


def test_predict_with_a_singular_closed_form_gives_a_reason():
    # a = 1 divides the BG/NBD expectation by zero.
    params = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}
    result = clv.predict(params, None, None, None, 10, [1], [1], [2], [5])
    assert result.expected_purchases == [None]
    assert result.not_predicted_reason == ["bg_nbd: prediction_not_finite"]


def test_fitted_parameters_reads_the_parameter_rows():
    rows = [
        {"fit_window": "as_of", "model_name": "bg_nbd", "is_fitted": True,
         "not_fitted_reason": None, "r": 1, "alpha": 2, "a": 3, "b": 4},
        {"fit_window": "as_of", "model_name": "gamma_gamma", "is_fitted": False,
         "not_fitted_reason": "no_repeat_customers", "p": None, "q": None, "v": None},
    ]  # fmt: skip
    assert clv.fitted_parameters(rows, "as_of", "bg_nbd") == (
        {"r": 1.0, "alpha": 2.0, "a": 3.0, "b": 4.0},
        None,
    )
    assert clv.fitted_parameters(rows, "as_of", "gamma_gamma") == (None, "no_repeat_customers")
    assert clv.fitted_parameters(rows, "calibration", "bg_nbd") == (None, "no_fit")


# --- holdout table ------------------------------------------------------------------------


def test_holdout_accuracy_by_hand():
    rows = clv.holdout_accuracy(
        frequency_cal=[0, 0, 8],
        predicted_purchases=[0.5, 0.1, 2.0],
        actual_purchases=[1, 0, 3],
        predicted_value=[50.0, 10.0, 300.0],
        actual_value=[80.0, 0.0, 250.0],
    )
    by_bucket = {row["frequency_bucket"]: row for row in rows}
    assert [row["frequency_bucket"] for row in rows] == [
        "0", "1", "2", "3", "4", "5", "6", "7+", "all"
    ]  # fmt: skip
    assert by_bucket["0"] == {
        "frequency_bucket": "0",
        "bucket_order": 0,
        "customers": 2,
        "actual_purchases": 1.0,
        "predicted_purchases": 0.6,
        "actual_mean_purchases": 0.5,
        "predicted_mean_purchases": 0.3,
        "mean_absolute_error": 0.3,
        "actual_net_revenue_cny": 80.0,
        "predicted_net_revenue_cny": 60.0,
    }
    assert by_bucket["7+"]["mean_absolute_error"] == 1.0
    assert by_bucket["3"]["customers"] == 0
    assert by_bucket["3"]["actual_mean_purchases"] is None
    assert by_bucket["all"]["customers"] == 3
    assert by_bucket["all"]["actual_purchases"] == 4.0
    assert by_bucket["all"]["predicted_purchases"] == 2.6
    assert by_bucket["all"]["mean_absolute_error"] == round(1.6 / 3, 6)
    assert by_bucket["all"]["predicted_net_revenue_cny"] == 360.0


def test_holdout_accuracy_without_predictions():
    rows = clv.holdout_accuracy([0, 1], [None, None], [0, 1], [None, None], [0.0, 20.0])
    total = rows[-1]
    assert total["customers"] == 2 and total["actual_purchases"] == 1.0
    assert total["predicted_purchases"] is None and total["mean_absolute_error"] is None
    empty = clv.holdout_accuracy([], [], [], [], [])
    assert len(empty) == 9 and all(row["customers"] == 0 for row in empty)
