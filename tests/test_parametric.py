"""Piecewise-exponential and Weibull models: against R (glm poisson, survreg) and by hand.

Fixtures: ``tests/reference/cox_parametric.R`` on ``inputs/cox_sim_a.csv`` (and the
Berry & Berry lottery panel when present) -> ``outputs/cox_parametric_*.json``.
Tolerances as the Cox tests: coefficients 1e-6, standard errors 1e-5, log
likelihood 1e-8 (relative); both sides converge far below them.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, LOTTERY, OUTPUTS, REF, lottery_frame, run_r_script
from scipy import optimize

import diffusion as d
from diffusion import PiecewiseExponentialHazard, RiskSet, WeibullHazard
from diffusion.errors import SeparationError, SpecificationError
from diffusion.models.parametric._engine import weibull_terms

R_SCRIPT = REF / "cox_parametric.R"

RTOL_PARAMS, RTOL_SE, RTOL_LOGLIK = 1e-6, 1e-5, 1e-8


def _load(name: str) -> dict:
    path = OUTPUTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {"cases": {}}


SIM = _load("cox_parametric_sim_a")
LOT = _load("cox_parametric_lottery")


@pytest.fixture(scope="module")
def sim_rs() -> RiskSet:
    frame = pd.read_csv(INPUTS / "cox_sim_a.csv")
    frame["exposure"] = np.where(frame["duration"] == 1, 0.5, 1.0)  # as cox_parametric.R
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@pytest.fixture(scope="module")
def lottery_rs() -> RiskSet:
    lot = lottery_frame()
    return RiskSet.from_panel(lot, unit="state", time="year", event="adopt")


def _check(res, case, variants):
    terms = list(case["params"])
    assert sorted(res.terms) == sorted(terms)
    np.testing.assert_allclose(res.params[terms], pd.Series(case["params"])[terms],
                               rtol=RTOL_PARAMS)
    np.testing.assert_allclose(res.loglik, case["loglik"], rtol=RTOL_LOGLIK)
    for name, fitted in variants.items():
        np.testing.assert_allclose(fitted.std_errors[terms],
                                   pd.Series(case["std_errors"][name])[terms],
                                   rtol=RTOL_SE, err_msg=name)


def test_fixtures_exist():
    assert SIM["cases"], "outputs/cox_parametric_sim_a.json is missing; run cox_parametric.R"


@pytest.mark.parametrize("key", [k for k in SIM["cases"] if k.startswith("pwe/")])
def test_piecewise_exponential_equals_r_glm(sim_rs, key):
    case = SIM["cases"][key]
    m = PiecewiseExponentialHazard(
        sim_rs, covariates=case["covariates"] + case["varying"], breaks=case["breaks"],
        clock=case["clock"],
        varying=case["varying"], exposure=case["exposure"] or None)
    res = m.fit(cov_type="classic")
    assert res.n_obs == case["n"] and res.n_events == case["n_events"]
    _check(res, case, {"classic": res, "cluster": m.fit(), "robust": m.fit(cov_type="robust")})
    np.testing.assert_allclose([res.aic, res.bic], [case["aic"], case["bic"]], rtol=RTOL_LOGLIK)


def test_piecewise_exponential_lottery_equals_r_glm(lottery_rs):
    case = LOT["cases"]["pwe/calendar"]
    m = PiecewiseExponentialHazard(lottery_rs, covariates=case["covariates"],
                                   breaks=case["breaks"])
    res = m.fit(cov_type="classic")
    assert res.n_obs == case["n"] == 857
    _check(res, case, {"classic": res, "cluster": m.fit(), "robust": m.fit(cov_type="robust")})


def test_weibull_equals_r_survreg(sim_rs):
    """Where survreg can fit the model: duration clock, no gaps, constant covariates."""
    case = SIM["cases"]["weibull/duration"]
    frame = sim_rs.frame
    frame = frame[frame["unit"].isin(case["units"])]
    assert len(frame) == case["n_rows"]
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    m = WeibullHazard.from_formula("x2 + C(bloc)", rs, clock="duration")
    res = m.fit(cov_type="classic")
    _check(res, case, {"classic": res, "cluster": m.fit()})
    hr = res.hazard_ratios()
    assert list(hr.index) == ["x2", "C(bloc)[T.B]", "C(bloc)[T.C]"]


# ---------------------------------------------------------------- Python-only checks
def test_weibull_split_equals_collapsed_with_late_entry():
    """Left truncation: splitting a history into years leaves the likelihood unchanged."""
    rng = np.random.default_rng(4)
    n = 400
    entry = rng.integers(0, 15, n)  # late entry on the calendar clock (origin 0)
    x = rng.normal(size=n)
    # Weibull(p = 1.5) times conditional on survival to entry, rounded up to years
    lam = 0.005 * np.exp(0.6 * x)
    u = rng.random(n)
    t = ((entry ** 1.5) - np.log(u) / lam) ** (1 / 1.5)
    stop = np.minimum(np.ceil(t), 40)
    event = (t <= 40).astype(int)
    rows = [(i, y, int(event[i] and y == stop[i]), x[i])
            for i in range(n) for y in range(int(entry[i]) + 1, int(stop[i]) + 1)]
    frame = pd.DataFrame(rows, columns=["unit", "year", "event", "x"])
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = WeibullHazard(rs, covariates=["x"], origin=0).fit(cov_type="classic")
    kept = frame.groupby("unit").agg(a=("year", "min"), b=("year", "max"),
                                     y=("event", "max"), x=("x", "first"))
    X = np.column_stack([np.ones(len(kept)), kept["x"]])
    a, b, y = kept["a"].to_numpy() - 1.0, kept["b"].to_numpy(float), kept["y"].to_numpy(float)
    opt = optimize.minimize(lambda th: -weibull_terms(th, X, a, b, y, order=0)[0],
                            res.params.to_numpy() + 0.05, method="BFGS",
                            options={"gtol": 1e-10})
    np.testing.assert_allclose(res.params, opt.x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(res.loglik, -opt.fun, rtol=1e-10)
    z = (res.params - [np.log(0.005), 0.6, np.log(1.5)]) / res.std_errors
    assert (np.abs(z) < 4).all()


def test_weibull_derivatives():
    rng = np.random.default_rng(1)
    n = 200
    X = np.column_stack([np.ones(n), rng.normal(size=n)])
    b = rng.integers(1, 20, n).astype(float)
    a = np.maximum(b - rng.integers(1, 5, n), 0).astype(float)
    y = (rng.random(n) < 0.3).astype(float)
    th = np.array([-3.0, 0.4, 0.2])
    ll, scores, info = weibull_terms(th, X, a, b, y)
    h = 1e-6
    num = [(weibull_terms(th + h * e, X, a, b, y, 0)[0]
            - weibull_terms(th - h * e, X, a, b, y, 0)[0]) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(scores.sum(axis=0), num, rtol=1e-6)
    num_i = [-(weibull_terms(th + h * e, X, a, b, y)[1].sum(0)
               - weibull_terms(th - h * e, X, a, b, y)[1].sum(0)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(info, num_i, rtol=1e-5)


def test_piecewise_exponential_period_level_covariates_identified():
    rs = d.simulate.world(seed=3, n_units=100).risk_set()
    res = PiecewiseExponentialHazard.from_formula("x1 + world", rs, breaks=[1950]).fit()
    assert np.isfinite(res.std_errors["world"])
    assert list(res.hazard_ratios().index) == ["x1", "world"]


def test_parametric_bad_input():
    rs = d.simulate.world(seed=3, n_units=60).risk_set()
    with pytest.raises(SpecificationError, match="clock"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], clock="age")
    with pytest.raises(SpecificationError, match="breaks"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], varying=["x1"])
    with pytest.raises(SpecificationError, match="strictly increasing"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], breaks=[1950, 1930])
    with pytest.raises(SpecificationError, match="varying"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], breaks=[1950], varying=["x9"]).fit()
    with pytest.raises(SpecificationError, match="exposure"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], exposure="x1")
    with pytest.raises(SeparationError, match="no event"):
        PiecewiseExponentialHazard(rs, covariates=["x1"], breaks=[1891]).fit()
    with pytest.raises(SpecificationError, match="cov_type"):
        WeibullHazard(rs, covariates=["x1"]).fit(cov_type="hc0")
    with pytest.raises(SpecificationError, match="origin"):
        WeibullHazard(rs, covariates=["x1"], origin=1950)
    with pytest.raises(SpecificationError, match="calendar clock only"):
        WeibullHazard(rs, covariates=["x1"], clock="duration", origin=1800)
    with pytest.raises(SpecificationError, match="intercept"):
        WeibullHazard.from_formula("0 + x1", rs)


@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(R_SCRIPT, INPUTS, tmp_path, LOTTERY, timeout=600)
    from test_cox_vs_r import _compare_json

    names = ["cox_parametric_sim_a"] + (["cox_parametric_lottery"] if LOTTERY.exists() else [])
    for name in names:
        new = json.loads((tmp_path / f"{name}.json").read_text())
        problems = _compare_json(new, _load(name))
        assert not problems, f"{name}.json: " + "; ".join(problems[:10])
