"""FrailtyHazard: random-intercept discrete-time models against R ``lme4::glmer``, and by hand.

Fixtures (``tests/reference/``): ``frailty_make_inputs.py`` writes
``inputs/frailty_sim.csv`` (200 units x 30 years, repeatable events, frailty SD 0.9);
``frailty.R`` fits ``glmer(event ~ x1 + x2 + t + (1 | unit), family = binomial(link),
nAGQ = q)`` and writes ``outputs/frailty.json`` with, per case, what ``glmer`` reports
("glmer": estimates, log-likelihood, AIC, BIC), lme4's own deviance function maximised
further by Newton steps ("polished"), with standard errors from its Hessian by
Richardson extrapolation (numDeriv), and for the Laplace cases the exact Laplace
approximation computed by hand ("laplace_by_hand"). See the script's header for why.

Tolerances, and why
-------------------
* estimates and the SD against the polished values: 1e-6 relative to
  ``max(|estimate|, SE)`` (a near-zero coefficient is compared on the scale of its SE) --
  measured ~1e-8 of an SE for AGQ and ~1e-6 of an SE for the Laplace cases, whose
  maximum moves with lme4's PIRLS error. Against glmer's own output 1e-5: glmer's
  derivative-free optimiser stops where the gradient is still ~1e-4, which leaves its
  estimates up to ~5e-6 (relative) from the maximum.
* log-likelihood: 1e-9 relative. At the same parameters lme4's deviance agrees with ours
  to 1e-13 for AGQ; for the Laplace approximation lme4's value depends to first order on
  its PIRLS convergence, which stops up to ~1e-6 (absolute) short of the exact Laplace
  value (1e-9 relative). The exact Laplace value, by hand in R (uniroot modes), is
  compared at 1e-11.
* standard errors: 1e-6 relative, both sides numerical but accurate far beyond that.
  Ours invert a central difference (step 1e-5 relative) of the analytic gradient, equal
  to a Richardson-extrapolated difference to ~1e-10; R's come from numDeriv's Richardson
  extrapolation on lme4's deviance function: ~1e-9 from ours for AGQ, 3e-7 for cloglog
  AGQ (lme4's cloglog deviance carries ~1e-9 of PIRLS error). For the Laplace
  cases lme4's deviance carries PIRLS errors of ~1e-6 with jumps, so its numerical
  Hessian is good to only ~1e-5: the 1e-6 comparison is with the Hessian of the exact
  Laplace approximation by hand (measured 1e-7), and lme4's is compared at
  ``RTOL_SE_LAPLACE_LME4`` = 2e-5 (measured up to 4e-6). glmer's own ``vcov`` (a plain
  finite difference with step 1e-4 at bobyqa's stopping point) is not compared: it is not
  reproducible (issue 10).

``test_r_script_reproduces_fixtures`` (``-m r``) reruns the script for two cases
(``logit/7`` and the Laplace ``cloglog/1``; about a minute) and compares the result with
the stored fixture at the same tolerances. Regenerate everything with
``Rscript tests/reference/frailty.R`` (about 1.5 minutes); a subset of cases with
``Rscript tests/reference/frailty.R tests/reference/inputs <dir> logit/7,cloglog/1``.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script
from scipy import integrate, special

from diffusion import DiscreteTimeHazard, FrailtyHazard, RiskSet
from diffusion.errors import SpecificationError
from diffusion.models.discrete_time._frailty import (
    FrailtyControl,
    RandomInterceptProblem,
    gauss_hermite,
)
from diffusion.models.links import get_link
from diffusion.results.frailty import FrailtyResults

REFERENCE = json.loads((OUTPUTS / "frailty.json").read_text())
CASES = list(REFERENCE["cases"])

RTOL_EST = 1e-6
RTOL_EST_GLMER = 1e-5
RTOL_LOGLIK = 1e-9
RTOL_SE = 1e-6
#: numerical Hessian of lme4's Laplace deviance, whose PIRLS error is ~1e-6 (see above)
RTOL_SE_LAPLACE_LME4 = 2e-5
#: the cases rerun by the live-R test: one AGQ, one Laplace (with its by-hand block)
RERUN_CASES = ("logit/7", "cloglog/1")


@functools.cache
def risk_set() -> RiskSet:
    frame = read_reference_csv(INPUTS / "frailty_sim.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event", repeated=True)


@functools.cache
def fitted(key: str) -> FrailtyResults:
    case = REFERENCE["cases"][key]
    model = FrailtyHazard.from_formula(case["formula"], risk_set(), link=case["link"])
    return model.fit(n_quad=case["nAGQ"])


def _values(mapping: dict, terms) -> np.ndarray:
    return np.array([mapping[t] for t in terms], dtype=np.float64)


def _problem(link: str, n_quad: int, units: int | None = None) -> RandomInterceptProblem:
    frame = risk_set().frame
    if units is not None:
        frame = frame[frame["unit"].isin(sorted(frame["unit"].unique())[:units])]
    X = np.column_stack([np.ones(len(frame)), frame[["x1", "x2", "t"]].to_numpy()])
    codes, uniques = pd.factorize(frame["unit"], sort=True)
    return RandomInterceptProblem(frame["event"].to_numpy(dtype=float), X, codes, len(uniques),
                                  get_link(link), n_quad, FrailtyControl())


# --------------------------------------------------------------------------- against R
@pytest.mark.parametrize("key", CASES)
def test_estimates_match_lme4(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    assert list(res.params.index) == list(case["glmer"]["params"])
    assert (res.n_obs, res.n_events, res.n_groups) == (case["nobs"], case["n_events"],
                                                       case["n_groups"])
    for which, rtol in (("polished", RTOL_EST), ("glmer", RTOL_EST_GLMER)):
        ref = case[which]
        se = _values(ref["std_errors"] if which == "polished" else case["polished"]["std_errors"],
                     res.terms)
        est = _values(ref["params"], res.terms)
        scale = np.maximum(np.abs(est), se)
        assert np.max(np.abs(res.params.to_numpy() - est) / scale) < rtol, which
        np.testing.assert_allclose(res.frailty_sd, ref["sd"], rtol=rtol, err_msg=which)
        np.testing.assert_allclose(res.loglik, ref["loglik"], rtol=RTOL_LOGLIK, atol=0)
    # lme4 counts the SD among the parameters (df of logLik): AIC and BIC agree
    assert res.n_params == case["glmer"]["df"]
    np.testing.assert_allclose([res.aic, res.bic], [case["glmer"]["aic"], case["glmer"]["bic"]],
                               rtol=RTOL_LOGLIK)


def _se_rtol(case: dict) -> float:
    """Tolerance for SEs from lme4's deviance: looser for its inexact Laplace deviance."""
    return RTOL_SE_LAPLACE_LME4 if case["nAGQ"] == 1 else RTOL_SE


@pytest.mark.parametrize("key", CASES)
def test_std_errors_match_lme4(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    rtol = _se_rtol(case)
    np.testing.assert_allclose(res.std_errors.to_numpy(),
                               _values(case["polished"]["std_errors"], res.terms),
                               rtol=rtol, atol=0)
    np.testing.assert_allclose(res.frailty_sd_se, case["polished"]["sd_std_error"], rtol=rtol)
    full = res.full_cov
    assert list(full.index) == [*res.terms, "sd(unit)"]
    np.testing.assert_allclose(np.sqrt(full.iloc[-1, -1]), res.frailty_sd_se)
    np.testing.assert_allclose(full.iloc[:-1, :-1].to_numpy(), res.cov.to_numpy())


@pytest.mark.parametrize("key", [k for k in CASES if REFERENCE["cases"][k]["nAGQ"] == 1])
def test_laplace_std_errors_match_the_exact_laplace_by_hand(key):
    """The Hessian of the exact Laplace approximation (R, uniroot modes) gives our SEs."""
    case = REFERENCE["cases"][key]
    res = fitted(key)
    hand = case["laplace_by_hand"]
    np.testing.assert_allclose(res.std_errors.to_numpy(), _values(hand["std_errors"], res.terms),
                               rtol=RTOL_SE, atol=0)
    np.testing.assert_allclose(res.frailty_sd_se, hand["sd_std_error"], rtol=RTOL_SE)


@pytest.mark.parametrize("key", [k for k in CASES if REFERENCE["cases"][k]["nAGQ"] == 1])
def test_laplace_equals_the_exact_laplace_by_hand(key):
    """At R's estimates, our Laplace log-likelihood equals R's by-hand value (uniroot modes)."""
    case = REFERENCE["cases"][key]
    pol = case["polished"]
    theta = np.array([*pol["params"].values(), pol["sd"]])
    loglik = _problem(case["link"], 1).evaluate(theta, gradient=False)[0]
    np.testing.assert_allclose(loglik, case["laplace_by_hand"]["loglik"], rtol=1e-11)


# ----------------------------------------------------------------------------- by hand
@pytest.mark.parametrize("link", ["logit", "probit", "cloglog"])
def test_many_points_converge_to_the_exact_integral(link):
    """40-point AGQ equals the marginal likelihood integrated by scipy.quad, unit by unit."""
    problem = _problem(link, 40, units=12)
    theta = np.array([-2.8, 0.6, -0.5, 0.01, 0.9])
    ours = problem.evaluate(theta, gradient=False)[0]
    L = get_link(link)
    eta = problem.X @ theta[:-1]
    exact = 0.0
    for g in range(problem.n_groups):
        rows = problem.groups == g
        y, e = problem.y[rows], eta[rows]

        def integrand(u, y=y, e=e):
            return np.exp(np.sum(L.loglik_terms(y, e + theta[-1] * u)) - 0.5 * u * u) \
                / np.sqrt(2 * np.pi)

        value, _ = integrate.quad(integrand, -12, 12, epsabs=0, epsrel=1e-13, limit=200)
        exact += np.log(value)
    np.testing.assert_allclose(ours, exact, rtol=1e-10)


@pytest.mark.parametrize(("link", "n_quad"), [("logit", 1), ("probit", 5), ("cloglog", 7)])
def test_analytic_gradient_equals_finite_differences(link, n_quad):
    problem = _problem(link, n_quad, units=40)
    theta = np.array([-2.8, 0.6, -0.5, 0.01, 0.7])
    _, grad, _, _ = problem.evaluate(theta)
    numeric = np.empty_like(theta)
    for j in range(len(theta)):
        h = 1e-5 * max(1.0, abs(theta[j]))
        step = np.zeros_like(theta)
        step[j] = h
        numeric[j] = (problem.evaluate(theta + step, gradient=False)[0]
                      - problem.evaluate(theta - step, gradient=False)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)


def test_gauss_hermite_rule_is_for_the_standard_normal():
    z, w = gauss_hermite(7)
    np.testing.assert_allclose([w.sum(), w @ z, w @ z**2, w @ z**4], [1, 0, 1, 3], atol=1e-13)


def test_sigma_zero_is_the_model_without_frailty():
    """At sigma = 0 the approximation is exact: the Bernoulli log-likelihood of the GLM."""
    problem = _problem("cloglog", 7)
    beta = np.array([-2.8, 0.6, -0.5, 0.01])
    loglik = problem.evaluate(np.append(beta, 0.0), gradient=False)[0]
    L = get_link("cloglog")
    np.testing.assert_allclose(loglik, np.sum(L.loglik_terms(problem.y, problem.X @ beta)),
                               rtol=1e-13)


def _no_frailty_panel(seed: int = 2) -> RiskSet:
    """Repeatable events without unit heterogeneity; with this seed the SD estimate is 0."""
    rng = np.random.default_rng(seed)
    n, T = 40, 10
    x = rng.normal(size=n * T)
    y = (rng.random(n * T) < special.expit(-1.5 + 0.5 * x)).astype(int)
    frame = pd.DataFrame({"unit": np.repeat(np.arange(n), T), "year": np.tile(np.arange(T), n),
                          "event": y, "x": x})
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event", repeated=True)


def test_boundary_fit_reports_zero_and_equals_the_glm():
    rs = _no_frailty_panel()
    res = FrailtyHazard(rs, covariates=["x"], link="logit").fit(n_quad=5)
    glm = DiscreteTimeHazard(rs, covariates=["x"], link="logit").fit(cov_type="classic")
    assert res.frailty_sd == 0.0 and np.isnan(res.frailty_sd_se)
    assert [n.kind for n in res.notes] == ["frailty_boundary"]
    np.testing.assert_allclose(res.params, glm.params, rtol=1e-8)
    np.testing.assert_allclose(res.std_errors, glm.std_errors, rtol=1e-6)
    np.testing.assert_allclose(res.loglik, glm.loglik, rtol=1e-12)


# ---------------------------------------------------------------- contract and errors
def test_contract_summary_and_errors():
    rs = risk_set()
    model = FrailtyHazard(rs, covariates=["x1", "x2"], link="cloglog")
    before = rs.frame.copy()
    res = model.fit(n_quad=3)
    pd.testing.assert_frame_equal(rs.frame, before)
    assert isinstance(res, FrailtyResults) and res.group == "unit" and res.n_quad == 3
    assert res.cov_type == "classic" and res.n_params == 4
    assert res.frailty_variance == pytest.approx(res.frailty_sd ** 2)
    with pytest.raises(AttributeError):
        res.frailty_sd = 1.0  # type: ignore[misc]
    text = str(res.summary())
    assert "Frailty SD" in text and "AGQ, 3 points" in text and "unit: 200" in text
    assert "sd(unit)=" in repr(res) and "group='unit'" in repr(model)
    # conditional hazard ratios of the cloglog model
    assert list(res.hazard_ratios().index) == ["x1", "x2"]
    with pytest.raises(SpecificationError, match="n_quad"):
        model.fit(n_quad=0)
    with pytest.raises(SpecificationError, match="at most"):
        model.fit(n_quad=500)
    with pytest.raises(SpecificationError, match="FrailtyControl"):
        model.fit(control="tight")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="group column 'region'"):
        FrailtyHazard(rs, covariates=["x1"], link="logit", group="region")


# ------------------------------------------------------------------ live R (optional)
def _rerun_problems(key: str, new: dict, old: dict) -> list[str]:
    """Where a rerun of ``frailty.R`` differs from the stored case by more than the
    accuracy stated in the module docstring (the same tolerances as against Python)."""
    problems = []

    def check(where: str, a, b, rtol: float, scale=None) -> None:
        a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
        scale = np.abs(b) if scale is None else np.maximum(np.abs(b), scale)
        if not np.all(np.abs(a - b) <= rtol * scale):
            problems.append(f"{key} {where}: {a.tolist()} != {b.tolist()} (rtol {rtol:g})")

    for field in ("formula", "link", "nAGQ", "nobs", "n_events", "n_groups"):
        if new[field] != old[field]:
            problems.append(f"{key} {field}: {new[field]!r} != {old[field]!r}")
    terms = list(old["glmer"]["params"])
    if list(new["glmer"]["params"]) != terms or new["glmer"]["df"] != old["glmer"]["df"]:
        problems.append(f"{key}: terms or df differ")
        return problems
    se = _values(old["polished"]["std_errors"], terms)
    for block, rtol in (("glmer", RTOL_EST_GLMER), ("polished", RTOL_EST)):
        check(f"{block} params", _values(new[block]["params"], terms),
              _values(old[block]["params"], terms), rtol, se)
        check(f"{block} sd", new[block]["sd"], old[block]["sd"], rtol)
        check(f"{block} loglik", new[block]["loglik"], old[block]["loglik"], RTOL_LOGLIK)
    check("glmer aic, bic", [new["glmer"]["aic"], new["glmer"]["bic"]],
          [old["glmer"]["aic"], old["glmer"]["bic"]], RTOL_LOGLIK)
    rtol = _se_rtol(old)
    check("polished std_errors", _values(new["polished"]["std_errors"], terms), se, rtol)
    check("polished sd_std_error", new["polished"]["sd_std_error"],
          old["polished"]["sd_std_error"], rtol)
    if "laplace_by_hand" in old:
        hand_new, hand = new["laplace_by_hand"], old["laplace_by_hand"]
        check("laplace_by_hand loglik", hand_new["loglik"], hand["loglik"], RTOL_LOGLIK)
        check("laplace_by_hand std_errors", _values(hand_new["std_errors"], terms),
              _values(hand["std_errors"], terms), RTOL_SE)
        check("laplace_by_hand sd_std_error", hand_new["sd_std_error"], hand["sd_std_error"],
              RTOL_SE)
    return problems


@pytest.mark.r
@pytest.mark.slow  # about 25 s: CI runs it with the slow studies (pytest -m slow)
def test_r_script_reproduces_fixtures(tmp_path):
    """Rerun frailty.R for an AGQ and a Laplace case; the fixture must come back."""
    run_r_script(REF / "frailty.R", INPUTS, tmp_path, ",".join(RERUN_CASES), timeout=900)
    new = json.loads((tmp_path / "frailty.json").read_text())
    assert list(new["cases"]) == list(RERUN_CASES)
    problems = [p for key in RERUN_CASES
                for p in _rerun_problems(key, new["cases"][key], REFERENCE["cases"][key])]
    assert not problems, "; ".join(problems)


def test_rerun_comparison_can_fail():
    """The live-R comparison notices a change beyond the stated accuracy."""
    old = REFERENCE["cases"]["cloglog/1"]
    new = json.loads(json.dumps(old))
    assert _rerun_problems("cloglog/1", new, old) == []
    new["laplace_by_hand"]["std_errors"]["x1"] *= 1 + 3 * RTOL_SE
    new["polished"]["params"]["t"] += 3 * RTOL_EST * old["polished"]["std_errors"]["t"]
    found = _rerun_problems("cloglog/1", new, old)
    assert len(found) == 2 and "laplace_by_hand std_errors" in found[0] + found[1]
