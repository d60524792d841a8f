"""diffusion.effects: AMEs, predicted probabilities and first differences, against R and by hand.

Fixtures: ``tests/reference/effects.R`` computes every quantity by hand in R from the
fitted ``glm``/``brglmFit`` (R's own ``model.matrix`` encoding of squares and
interactions; analytic delta-method gradients checked there against finite
differences) and writes ``outputs/effects.json``.

Tolerance against R: 1e-7 relative. The coefficients and covariances agree to ~1e-11;
both sides differentiate the design by central differences with a step of 1e-5 standard
deviations (exact for terms linear or quadratic in the variable up to rounding, ~1e-10),
so 1e-7 is far above both and far below any difference of definition (e.g. dropping
the ``m''`` term of the AME gradient changes the SEs by percents).
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script
from scipy import integrate, special, stats

from diffusion import (
    CoxHazard,
    DiscreteTimeHazard,
    FirthHazard,
    FrailtyHazard,
    RiskSet,
    effects,
)
from diffusion import time_terms as tt
from diffusion.datasets import load_lottery
from diffusion.errors import DataError, SpecificationError

RTOL = 1e-7
REFERENCE = json.loads((OUTPUTS / "effects.json").read_text())
LOTTERY = ["fiscal", "party", "elect1", "elect2", "income1", "religion", "neighbor"]


@functools.cache
def risk_set(panel: str) -> RiskSet:
    if panel == "lottery":
        return RiskSet.from_panel(load_lottery(), unit="state", time="year", event="adopt")
    frame = read_reference_csv(INPUTS / f"{panel}.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@functools.cache
def fitted(key: str):
    case = REFERENCE["cases"][key]
    rs = risk_set(case["panel"])
    time = tt.Cubic(scale="duration") if case["time"] == "cubic_duration" else None
    cls = FirthHazard if case.get("estimator") == "firth" else DiscreteTimeHazard
    model = cls.from_formula(case["formula"], rs, link=case["link"], time=time)
    return model.fit(cov_type=case["cov"])


def _close(actual, expected, what):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=RTOL, atol=0, err_msg=what)


# --------------------------------------------------------------------------- against R
@pytest.mark.parametrize("key", list(REFERENCE["cases"]))
def test_average_marginal_effects_match_r(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    np.testing.assert_allclose(res.loglik, case["loglik"], rtol=1e-9)  # the same model
    ame = effects.average_marginal_effects(res, variables=list(case["ame"]))
    assert list(ame.index) == list(case["ame"])
    _close(ame["estimate"], [v["estimate"] for v in case["ame"].values()], "AME")
    _close(ame["std_error"], [v["std_error"] for v in case["ame"].values()], "AME SE")
    q = stats.norm.ppf(0.975)
    np.testing.assert_allclose(ame["lower"], ame["estimate"] - q * ame["std_error"])
    np.testing.assert_allclose(ame["z"], ame["estimate"] / ame["std_error"])


@pytest.mark.parametrize("key", list(REFERENCE["cases"]))
def test_first_differences_match_r(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    for label, ref in case["first_difference"].items():
        variable, change = label.split(":")
        lo, hi = (float(v) for v in change.split("->"))
        fd = effects.first_difference(res, variable, from_=lo, to=hi)
        for column in ("probability_from", "probability_to", "estimate", "std_error"):
            _close(fd[column].iloc[0], ref[column], f"{label} {column}")


@pytest.mark.parametrize("key", [k for k, c in REFERENCE["cases"].items() if "average" in c])
def test_average_predictions_match_r(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    for label, ref in case["average"].items():
        if label == "observed":
            out = effects.predict_probability(res)
        else:
            variable, value = label.split("=")
            out = effects.predict_probability(res, at={variable: float(value)})
            assert out[variable].iloc[0] == float(value)
        for column in ("probability", "std_error", "lower", "upper"):
            _close(out[column].iloc[0], ref[column], f"{label} {column}")


def test_profile_predictions_match_r():
    key = "sim_a/cloglog/cubic_duration"
    case = REFERENCE["cases"][key]
    res = fitted(key)
    profiles = pd.DataFrame(case["profiles"]["values"], index=["a", "b"])
    out = effects.predict_probability(res, profiles=profiles)
    assert list(out.index) == ["a", "b"]
    for column in ("probability", "std_error", "lower", "upper"):
        _close(out[column], [p[column] for p in case["profiles"]["probability"]], column)
    fd = effects.first_difference(res, "x2", from_=0, to=1, profiles=profiles)
    for column in ("probability_from", "probability_to", "estimate", "std_error"):
        _close(fd[column], [p[column] for p in case["profiles"]["first_difference_x2"]], column)


# ----------------------------------------------------------------------------- by hand
def _numeric_se(result, quantity, *, with_sigma=False) -> float:
    """Delta-method SE with a numerical gradient: perturb the estimates, recompute."""
    params = result.params.to_numpy()
    theta = np.append(params, result.frailty_sd) if with_sigma else params
    cov = result.full_cov.to_numpy() if with_sigma else result.cov.to_numpy()
    grad = np.empty(len(theta))
    for j in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[j]))
        values = []
        for sign in (1, -1):
            t = theta.copy()
            t[j] += sign * h
            changed = replace(result, _params=t[: len(params)])
            if with_sigma:
                changed = replace(changed, frailty_sd=t[-1])
            values.append(quantity(changed))
        grad[j] = (values[0] - values[1]) / (2 * h)
    return float(np.sqrt(grad @ cov @ grad))


def test_delta_method_equals_numerical_gradient_with_a_square_and_an_interaction():
    res = fitted("sim_b/logit/square_interaction")
    ame = effects.average_marginal_effects(res)

    def x1(r):
        return effects.average_marginal_effects(r, variables=["x1"])["estimate"].iloc[0]

    np.testing.assert_allclose(ame.loc["x1", "std_error"], _numeric_se(res, x1), rtol=1e-6)


def test_ame_is_the_derivative_of_the_average_prediction():
    """Through the profile path: every estimation row as a profile, v shifted by +-h."""
    res = fitted("sim_a/cloglog/cubic_duration")
    rs = risk_set("sim_a")
    rows = rs.frame.iloc[res.estimation_rows]
    h = 1e-4

    def mean_probability(shift):
        p = rows.assign(regional=rows["regional"] + shift)
        return effects.predict_probability(res, profiles=p)["probability"].mean()

    numeric = (mean_probability(h) - mean_probability(-h)) / (2 * h)
    ame = effects.average_marginal_effects(res, variables=["regional"])
    np.testing.assert_allclose(ame["estimate"].iloc[0], numeric, rtol=1e-7)
    # and the profile path reproduces the fitted probabilities of the estimation rows
    fitted_p = effects.predict_probability(res, profiles=rows)["probability"]
    np.testing.assert_allclose(fitted_p.mean(), effects.predict_probability(res)["probability"],
                               rtol=1e-12)


def test_logit_profile_interval_is_the_linear_predictor_interval():
    """For a logit model, a profile's interval is plogis(x'b +/- z sqrt(x'Vx))."""
    res = fitted("sim_b/logit/square_interaction")
    profile = pd.DataFrame({"x1": [0.5], "x2": [1.0], "regional": [0.3]})
    out = effects.predict_probability(res, profiles=profile, level=0.9)
    x = np.array([1, 0.5, 0.25, 1.0, 0.3, 0.3])  # Intercept x1 I(x1**2) x2 regional x2:regional
    assert list(res.params.index) == ["Intercept", "x1", "I(x1 ** 2)", "x2", "regional",
                                      "x2:regional"]
    eta = x @ res.params.to_numpy()
    se = np.sqrt(x @ res.cov.to_numpy() @ x)
    q = stats.norm.ppf(0.95)
    np.testing.assert_allclose(out["probability"].iloc[0], special.expit(eta), rtol=1e-12)
    np.testing.assert_allclose([out["lower"].iloc[0], out["upper"].iloc[0]],
                               special.expit([eta - q * se, eta + q * se]), rtol=1e-10)
    p = special.expit(eta)
    np.testing.assert_allclose(out["std_error"].iloc[0], p * (1 - p) * se, rtol=1e-10)


def test_categorical_first_difference_by_hand():
    frame = read_reference_csv(INPUTS / "sim_a.csv")
    frame["bloc"] = np.where(frame["unit"].str[-1].isin(list("01234")), "north", "south")
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("event ~ x1 + C(bloc)", rs, link="logit").fit()
    fd = effects.first_difference(res, "bloc", from_="north", to="south")
    b = res.params
    assert list(b.index) == ["Intercept", "x1", "C(bloc)[T.south]"]
    x1 = frame["x1"].to_numpy()
    by_hand = (special.expit(b["Intercept"] + b["C(bloc)[T.south]"] + b["x1"] * x1)
               - special.expit(b["Intercept"] + b["x1"] * x1)).mean()
    np.testing.assert_allclose(fd["estimate"].iloc[0], by_hand, rtol=1e-12)
    # categorical variables are not differentiated
    assert list(effects.average_marginal_effects(res).index) == ["x1"]
    with pytest.raises(SpecificationError, match="not numeric"):
        effects.average_marginal_effects(res, variables=["bloc"])


# ------------------------------------------------------------------------- frailty
@functools.cache
def frailty_result():
    frame = read_reference_csv(INPUTS / "frailty_sim.csv")
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event", repeated=True)
    return FrailtyHazard.from_formula("event ~ x1 + x2 + t", rs, link="cloglog").fit(n_quad=5)


def test_frailty_probabilities_average_over_the_random_intercept():
    res = frailty_result()
    profile = pd.DataFrame({"x1": [0.5], "x2": [1.0], "t": [3.0]})
    eta = np.array([1, 0.5, 1.0, 3.0]) @ res.params.to_numpy()
    s = res.frailty_sd
    averaged, _ = integrate.quad(
        lambda u: -np.expm1(-np.exp(eta + s * u)) * stats.norm.pdf(u), -12, 12,
        epsabs=0, epsrel=1e-13)
    out = effects.predict_probability(res, profiles=profile)
    np.testing.assert_allclose(out["probability"].iloc[0], averaged, rtol=1e-10)
    zero = effects.predict_probability(res, profiles=profile, frailty="zero")
    np.testing.assert_allclose(zero["probability"].iloc[0], -np.expm1(-np.exp(eta)), rtol=1e-12)
    # the averaged hazard of a rare event exceeds the median unit's (convexity)
    assert averaged > zero["probability"].iloc[0]


def test_frailty_delta_method_includes_the_sd():
    res = frailty_result()

    def ame(r):
        return effects.average_marginal_effects(r, variables=["x1"])["estimate"].iloc[0]

    analytic = effects.average_marginal_effects(res, variables=["x1"])["std_error"].iloc[0]
    np.testing.assert_allclose(analytic, _numeric_se(res, ame, with_sigma=True), rtol=1e-6)

    def fd(r):
        return effects.first_difference(r, "x2", from_=0, to=1)["estimate"].iloc[0]

    analytic = effects.first_difference(res, "x2", from_=0, to=1)["std_error"].iloc[0]
    np.testing.assert_allclose(analytic, _numeric_se(res, fd, with_sigma=True), rtol=1e-6)


# ------------------------------------------------------------------------- errors
def test_errors_say_what_to_do():
    res = fitted("sim_a/cloglog/cubic_duration")
    with pytest.raises(SpecificationError, match="not a covariate"):
        effects.average_marginal_effects(res, variables=["gdp"])
    with pytest.raises(DataError, match="'duration'"):
        effects.predict_probability(res, profiles=pd.DataFrame({"x1": [0], "x2": [0],
                                                                "regional": [0]}))
    with pytest.raises(DataError, match="no estimation rows"):
        effects.predict_probability(res, profiles=pd.DataFrame(
            {"x1": [0], "x2": [0], "regional": [0], "duration": [500]}))
    with pytest.raises(SpecificationError, match="not both"):
        effects.predict_probability(res, profiles=pd.DataFrame({"x1": [0]}), at={"x1": 0})
    with pytest.raises(SpecificationError, match="level"):
        effects.first_difference(res, "x2", from_=0, to=1, level=95)
    with pytest.raises(SpecificationError, match="frailty"):
        effects.predict_probability(res, frailty="median")
    cox = CoxHazard(risk_set("sim_a"), covariates=["x1"]).fit()
    with pytest.raises(SpecificationError, match="hazard_ratios"):
        effects.average_marginal_effects(cox)
    with pytest.raises(SpecificationError, match="fit"):
        effects.average_marginal_effects("not a result")  # type: ignore[arg-type]


# ------------------------------------------------------------------ live R (optional)
@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(REF / "effects.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "effects.json").read_text())
    for key, case in REFERENCE["cases"].items():
        for v, ref in case["ame"].items():
            got = new["cases"][key]["ame"][v]
            np.testing.assert_allclose([got["estimate"], got["std_error"]],
                                       [ref["estimate"], ref["std_error"]], rtol=1e-9)
