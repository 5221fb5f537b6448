"""Predicted customer value: the BG/NBD purchase model and the Gamma-Gamma spend model.

Maximum-likelihood fits of

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): a customer
  buys at a Poisson rate lambda ~ Gamma(r, alpha) while alive and drops out after any
  purchase with probability p ~ Beta(a, b);
- Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"): the value
  of each repeat purchase is Gamma(p, nu) with nu ~ Gamma(q, v), independent of the
  purchase process,

on the buy-till-you-die summary of each customer (frequency x = repeat purchase periods,
recency t_x = first to last purchase, T = first purchase to the end of observation, mean
repeat purchase value m), with the formulas used by lifetimes and PyMC-Marketing. The
period is whatever unit the summary is in (the warehouse uses days).

Fits are deterministic: fixed start, fixed method and tolerances, identical customers
aggregated in a fixed order, and every sum over customers (the value scale, the
log-likelihood) taken over the sorted distinct summaries, so a fit does not depend on the
order its customers come in (floating-point sums do). When a model cannot be fitted (no or
too few customers, no repeat buyers, the optimiser does not converge) the fit says why in
``not_fitted_reason`` instead of raising, and every prediction from it is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

BG_NBD = "bg_nbd"
GAMMA_GAMMA = "gamma_gamma"
BG_NBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "v")

# Fewer customers or repeat buyers than this and the parameters are not identified well
# enough to be worth publishing.
MIN_CUSTOMERS = 10
MIN_REPEAT_CUSTOMERS = 3

# Parameters are fitted as logarithms inside these bounds (time rescaled so the longest T
# is 10, values so their mean is 1: real parameters lie far inside). An estimate on a bound
# means the likelihood kept improving towards a degenerate model (e.g. every customer alike).
LOG_PARAMETER_BOUND = 10.0
# Significant digits kept of a fitted parameter and of a log-likelihood, so that outputs
# are byte-stable across platforms and predictions can be recomputed from the stored values.
SIGNIFICANT_DIGITS = 8


@dataclass(frozen=True)
class FitResult:
    """A fitted model, or the reason it could not be fitted."""

    model_name: str
    customers: int
    repeat_customers: int
    params: dict[str, float] | None = None
    log_likelihood: float | None = None
    iterations: int | None = None
    not_fitted_reason: str | None = None

    @property
    def is_fitted(self) -> bool:
        return self.params is not None


def round_significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    return float(f"{value:.{digits - 1}e}")


def _as_float_array(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


# --- BG/NBD ------------------------------------------------------------------------------


def bgnbd_log_likelihood(params, frequency, recency, T) -> np.ndarray:
    """Log-likelihood of each customer's (x, t_x, T) under BG/NBD parameters (r, alpha, a, b).

    L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / Gamma(r)
        * [(alpha + T)^-(r + x) + [x > 0] a / (b + x - 1) (alpha + t_x)^-(r + x)]
    """
    r, alpha, a, b = (float(value) for value in params)
    x = _as_float_array(frequency)
    t_x = _as_float_array(recency)
    t_cal = _as_float_array(T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    a3 = -(r + x) * np.log(alpha + t_cal)
    a4 = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) - (r + x) * np.log(alpha + t_x)
    repeat = x > 0
    tail = np.where(repeat, np.logaddexp(a3, np.where(repeat, a4, -np.inf)), a3)
    return a1 + a2 + tail


def _check_summary(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _as_float_array(frequency)
    t_x = _as_float_array(recency)
    t_cal = _as_float_array(T)
    if not (len(x) == len(t_x) == len(t_cal)):
        raise ValueError("frequency, recency and T must have the same length")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > t_cal):
        raise ValueError("a summary needs 0 <= frequency and 0 <= recency <= T")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("a customer without repeat purchases has recency 0")
    return x, t_x, t_cal


def _minimise(objective, dimension: int):
    """Deterministic bounded quasi-Newton fit of log-parameters from log 1 = 0."""
    bounds = [(-LOG_PARAMETER_BOUND, LOG_PARAMETER_BOUND)] * dimension
    with np.errstate(all="ignore"):
        return optimize.minimize(
            objective,
            x0=np.zeros(dimension),
            method="L-BFGS-B",
            jac="3-point",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9, "maxls": 50},
        )


def _at_bound(log_params: np.ndarray) -> bool:
    return bool(np.any(np.abs(log_params) >= LOG_PARAMETER_BOUND - 1e-6))


def fit_bgnbd(frequency, recency, T) -> FitResult:
    """Maximum-likelihood BG/NBD parameters (r, alpha, a, b) of a summary."""
    x, t_x, t_cal = _check_summary(frequency, recency, T)
    customers = len(x)
    repeat_customers = int(np.count_nonzero(x > 0))
    reason = None
    if customers == 0:
        reason = "no_customers"
    elif customers < MIN_CUSTOMERS:
        reason = "too_few_customers"
    elif repeat_customers == 0:
        # This also covers a single day of data: nobody can have bought twice.
        reason = "no_repeat_customers"
    elif repeat_customers < MIN_REPEAT_CUSTOMERS:
        reason = "too_few_repeat_customers"
    if reason is not None:
        return FitResult(BG_NBD, customers, repeat_customers, not_fitted_reason=reason)

    # Identical customers contribute identical terms: fit on the distinct summaries with
    # their counts (np.unique sorts them, so the order does not depend on the input order).
    distinct, counts = np.unique(np.column_stack([x, t_x, t_cal]), axis=0, return_counts=True)
    # Time is rescaled so that the longest T is 10 (alpha scales with it), which keeps the
    # optimiser well conditioned whatever the period.
    scale = float(t_cal.max()) / 10.0
    ux, ut_x, ut_cal = distinct[:, 0], distinct[:, 1] / scale, distinct[:, 2] / scale
    weights = counts / counts.sum()

    def objective(log_params: np.ndarray) -> float:
        value = -float(np.dot(weights, bgnbd_log_likelihood(np.exp(log_params), ux, ut_x, ut_cal)))
        return value if np.isfinite(value) else 1e300

    result = _minimise(objective, 4)
    if not result.success or not np.all(np.isfinite(result.x)):
        return FitResult(
            BG_NBD, customers, repeat_customers, not_fitted_reason="optimizer_did_not_converge"
        )
    if _at_bound(result.x):
        return FitResult(
            BG_NBD, customers, repeat_customers, not_fitted_reason="degenerate_estimate"
        )
    r, alpha_scaled, a, b = np.exp(result.x)
    params = {
        "r": round_significant(r),
        "alpha": round_significant(alpha_scaled * scale),
        "a": round_significant(a),
        "b": round_significant(b),
    }
    log_likelihood = float(
        np.dot(
            counts,
            bgnbd_log_likelihood(
                tuple(params.values()), distinct[:, 0], distinct[:, 1], distinct[:, 2]
            ),
        )
    )
    return FitResult(
        BG_NBD,
        customers,
        repeat_customers,
        params=params,
        log_likelihood=round_significant(log_likelihood),
        iterations=int(result.nit),
    )


def _bgnbd_alive_odds(params, x, t_x, t_cal) -> np.ndarray:
    """[x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x): odds of having died."""
    r, alpha, a, b = params
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (a / (b + np.maximum(x, 1.0) - 1.0)) * np.exp(
            (r + x) * (np.log(alpha + t_cal) - np.log(alpha + t_x))
        )
    return np.where(x > 0, odds, 0.0)


def bgnbd_probability_alive(params, frequency, recency, T) -> np.ndarray:
    """P(customer is still alive at T | x, t_x, T)."""
    x, t_x, t_cal = _check_summary(frequency, recency, T)
    p = tuple(float(params[name]) for name in BG_NBD_PARAMETERS)
    return 1.0 / (1.0 + _bgnbd_alive_odds(p, x, t_x, t_cal))


def bgnbd_expected_purchases(params, t: float, frequency, recency, T) -> np.ndarray:
    """Expected repeat purchases in the next ``t`` periods after T, given (x, t_x, T).

    E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
        * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
               2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
        / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    """
    x, t_x, t_cal = _check_summary(frequency, recency, T)
    r, alpha, a, b = (float(params[name]) for name in BG_NBD_PARAMETERS)
    t = float(t)
    if t < 0:
        raise ValueError("the prediction horizon must not be negative")
    z = t / (alpha + t_cal + t)
    hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    discount = np.exp((r + x) * (np.log(alpha + t_cal) - np.log(alpha + t_cal + t)))
    numerator = (a + b + x - 1.0) / (a - 1.0) * (1.0 - discount * hypergeometric)
    return numerator / (1.0 + _bgnbd_alive_odds((r, alpha, a, b), x, t_x, t_cal))


# --- Gamma-Gamma -------------------------------------------------------------------------


def gamma_gamma_log_likelihood(params, frequency, monetary_value) -> np.ndarray:
    """Log density of each customer's mean repeat purchase value m over x purchases.

    f(m | p, q, v, x) = Gamma(px + q) / (Gamma(px) Gamma(q))
        * v^q m^(px - 1) x^(px) / (v + x m)^(px + q)
    """
    p, q, v = (float(value) for value in params)
    x = _as_float_array(frequency)
    m = _as_float_array(monetary_value)
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + x * m)
    )


def fit_gamma_gamma(frequency, monetary_value) -> FitResult:
    """Maximum-likelihood Gamma-Gamma parameters (p, q, v).

    Fitted on the customers with at least one repeat purchase and a positive mean repeat
    value (a fully refunded repeat purchase has no place in a Gamma distribution).
    """
    x_all = _as_float_array(frequency)
    m_all = _as_float_array(monetary_value)
    if len(x_all) != len(m_all):
        raise ValueError("frequency and monetary_value must have the same length")
    usable = (x_all > 0) & (m_all > 0)
    x, m = x_all[usable], m_all[usable]
    customers = len(x_all)
    repeat_customers = len(x)
    reason = None
    if customers == 0:
        reason = "no_customers"
    elif repeat_customers == 0:
        reason = "no_repeat_customers"
    elif repeat_customers < MIN_REPEAT_CUSTOMERS:
        reason = "too_few_repeat_customers"
    if reason is not None:
        return FitResult(GAMMA_GAMMA, customers, repeat_customers, not_fitted_reason=reason)

    distinct, counts = np.unique(np.column_stack([x, m]), axis=0, return_counts=True)
    # Values are rescaled so their mean is 1 (v scales with them). The mean is taken over the
    # sorted distinct values: m.mean() would depend on the order of the customers.
    scale = float(np.dot(counts, distinct[:, 1]) / counts.sum())
    ux, um = distinct[:, 0], distinct[:, 1] / scale
    weights = counts / counts.sum()

    def objective(log_params: np.ndarray) -> float:
        value = -float(np.dot(weights, gamma_gamma_log_likelihood(np.exp(log_params), ux, um)))
        return value if np.isfinite(value) else 1e300

    result = _minimise(objective, 3)
    if not result.success or not np.all(np.isfinite(result.x)):
        return FitResult(
            GAMMA_GAMMA,
            customers,
            repeat_customers,
            not_fitted_reason="optimizer_did_not_converge",
        )
    if _at_bound(result.x):
        return FitResult(
            GAMMA_GAMMA, customers, repeat_customers, not_fitted_reason="degenerate_estimate"
        )
    p, q, v_scaled = np.exp(result.x)
    params = {
        "p": round_significant(p),
        "q": round_significant(q),
        "v": round_significant(v_scaled * scale),
    }
    if params["q"] <= 1.0:
        # The population mean value p v / (q - 1) does not exist.
        return FitResult(
            GAMMA_GAMMA,
            customers,
            repeat_customers,
            not_fitted_reason="mean_value_undefined",
        )
    log_likelihood = float(
        np.dot(
            counts,
            gamma_gamma_log_likelihood(tuple(params.values()), distinct[:, 0], distinct[:, 1]),
        )
    )
    return FitResult(
        GAMMA_GAMMA,
        customers,
        repeat_customers,
        params=params,
        log_likelihood=round_significant(log_likelihood),
        iterations=int(result.nit),
    )


def gamma_gamma_expected_value(params, frequency, monetary_value) -> np.ndarray:
    """Expected value of a customer's future purchase given x purchases of mean value m.

    E[Z | p, q, v, x, m] = (q - 1) / (px + q - 1) * p v / (q - 1) + px / (px + q - 1) * m;
    a customer without repeat purchases gets the population mean p v / (q - 1).
    """
    p, q, v = (float(params[name]) for name in GAMMA_GAMMA_PARAMETERS)
    x = _as_float_array(frequency)
    m = _as_float_array(monetary_value)
    px = p * x
    population_mean = p * v / (q - 1.0)
    return ((q - 1.0) * population_mean + px * m) / (px + q - 1.0)


def fitted_parameters(
    records: list[dict], fit_window: str, model_name: str
) -> tuple[dict[str, float] | None, str | None]:
    """(parameters, None) of a fit among mdl_clv_parameters rows, or (None, reason)."""
    names = BG_NBD_PARAMETERS if model_name == BG_NBD else GAMMA_GAMMA_PARAMETERS
    for record in records:
        if record["fit_window"] == fit_window and record["model_name"] == model_name:
            if not record["is_fitted"]:
                return None, record["not_fitted_reason"]
            return {name: float(record[name]) for name in names}, None
    return None, "no_fit"


# --- Predictions and holdout check -------------------------------------------------------


@dataclass(frozen=True)
class Predictions:
    """Per-customer predictions over a horizon, with the reason where there are none."""

    expected_purchases: list[float | None]
    probability_alive: list[float | None]
    expected_average_value: list[float | None]
    expected_value: list[float | None]
    not_predicted_reason: list[str | None]


def _rounded(values: np.ndarray, decimals: int) -> list[float]:
    # + 0.0 turns a negative zero into zero.
    return [float(value) + 0.0 for value in np.round(values, decimals)]


def predict(
    purchase_params: dict[str, float] | None,
    purchase_reason: str | None,
    value_params: dict[str, float] | None,
    value_reason: str | None,
    horizon: float,
    frequency,
    recency,
    T,
    monetary_value,
) -> Predictions:
    """Expected purchases and value over ``horizon`` periods after T for each customer.

    Without purchase parameters nothing is predicted (reason: the purchase model's); without
    value parameters the purchase predictions stand and the value ones are None (reason: the
    value model's).
    """
    x, t_x, t_cal = _check_summary(frequency, recency, T)
    m = _as_float_array(monetary_value)
    n = len(x)
    if purchase_params is None:
        reason = f"{BG_NBD}: {purchase_reason}"
        return Predictions([None] * n, [None] * n, [None] * n, [None] * n, [reason] * n)
    with np.errstate(all="ignore"):
        purchases = bgnbd_expected_purchases(purchase_params, horizon, x, t_x, t_cal)
        alive = bgnbd_probability_alive(purchase_params, x, t_x, t_cal)
    if not (np.all(np.isfinite(purchases)) and np.all(np.isfinite(alive))):
        # E.g. a = 1 exactly, where the closed form divides by zero.
        reason = f"{BG_NBD}: prediction_not_finite"
        return Predictions([None] * n, [None] * n, [None] * n, [None] * n, [reason] * n)
    expected_purchases = _rounded(purchases, 6)
    probability_alive = _rounded(alive, 6)
    if value_params is None:
        reason = f"{GAMMA_GAMMA}: {value_reason}"
        return Predictions(
            expected_purchases, probability_alive, [None] * n, [None] * n, [reason] * n
        )
    average = gamma_gamma_expected_value(value_params, x, m)
    if not np.all(np.isfinite(average)):
        reason = f"{GAMMA_GAMMA}: prediction_not_finite"
        return Predictions(
            expected_purchases, probability_alive, [None] * n, [None] * n, [reason] * n
        )
    return Predictions(
        expected_purchases,
        probability_alive,
        _rounded(average, 2),
        _rounded(purchases * average, 2),
        [None] * n,
    )


# Calibration frequency buckets of the holdout check: 0, 1, ..., HOLDOUT_TOP_BUCKET - 1 and
# "HOLDOUT_TOP_BUCKET+" (lifetimes' calibration-vs-holdout plot uses the same 7).
HOLDOUT_TOP_BUCKET = 7


def frequency_bucket(frequency: float) -> str:
    """'0', '1', ..., '6', '7+'."""
    count = int(frequency)
    return f"{HOLDOUT_TOP_BUCKET}+" if count >= HOLDOUT_TOP_BUCKET else str(count)


def holdout_accuracy(
    frequency_cal,
    predicted_purchases: list[float | None],
    actual_purchases,
    predicted_value: list[float | None],
    actual_value,
) -> list[dict]:
    """Predicted against actual holdout purchases (and value) by calibration frequency.

    One row per bucket '0' .. '7+' (empty buckets included) and a row 'all'. Means are per
    customer; mean_absolute_error is the mean of |predicted - actual| purchases. Predicted
    figures are None where a customer has no prediction.
    """
    x = _as_float_array(frequency_cal)
    actual = _as_float_array(actual_purchases)
    actual_money = _as_float_array(actual_value)
    buckets = np.array([frequency_bucket(value) for value in x], dtype=object)
    has_purchases = len(x) > 0 and all(value is not None for value in predicted_purchases)
    has_value = len(x) > 0 and all(value is not None for value in predicted_value)
    predicted = np.array(predicted_purchases if has_purchases else [np.nan] * len(x), float)
    predicted_money = np.array(predicted_value if has_value else [np.nan] * len(x), float)

    labels = [str(count) for count in range(HOLDOUT_TOP_BUCKET)] + [f"{HOLDOUT_TOP_BUCKET}+"]
    rows = []
    for order, label in enumerate([*labels, "all"]):
        selected = np.ones(len(x), bool) if label == "all" else buckets == label
        customers = int(np.count_nonzero(selected))
        row = {
            "frequency_bucket": label,
            "bucket_order": order,
            "customers": customers,
            "actual_purchases": float(actual[selected].sum()),
            "predicted_purchases": None,
            "actual_mean_purchases": None,
            "predicted_mean_purchases": None,
            "mean_absolute_error": None,
            "actual_net_revenue_cny": round(float(actual_money[selected].sum()), 2) + 0.0,
            "predicted_net_revenue_cny": None,
        }
        if customers:
            row["actual_mean_purchases"] = round(float(actual[selected].mean()), 6)
            if has_purchases:
                row["predicted_purchases"] = round(float(predicted[selected].sum()), 4)
                row["predicted_mean_purchases"] = round(float(predicted[selected].mean()), 6)
                row["mean_absolute_error"] = round(
                    float(np.abs(predicted[selected] - actual[selected]).mean()), 6
                )
            if has_value:
                row["predicted_net_revenue_cny"] = (
                    round(float(predicted_money[selected].sum()), 2) + 0.0
                )
        rows.append(row)
    return rows
