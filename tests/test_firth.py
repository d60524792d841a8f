"""FirthHazard: bias-reduced discrete-time models against R ``brglm2``, and by hand.

Fixtures (``tests/reference/``): ``firth_make_inputs.py`` writes the rare-event and
separation panels ``inputs/firth_{rare,separation}.csv``; ``firth.R`` fits them and the
bundled lottery panel with ``glm(method = "brglmFit", type = "AS_mean")`` and writes
``outputs/firth.json`` (17 significant digits).

Tolerances (measured agreement: about 1e-11 relative for estimates and SEs, 1e-13 for
the log-likelihood; both sides iterate to steps below 1e-12):

* coefficients 1e-6 relative and SEs 1e-5 relative, as ``test_discrete_vs_r.py``: far
  above the stopping rules, far below any difference of definition (the unadjusted
  ML-score sandwich differs from the adjusted one by 1.5 % to 50 % here);
* log-likelihood, AIC, BIC and the penalised log-likelihood 1e-8 relative.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script

from diffusion import DiscreteTimeHazard, FirthHazard, RiskSet
from diffusion import time_terms as tt
from diffusion.datasets import load_lottery
from diffusion.errors import ConvergenceError, SeparationError, SpecificationError
from diffusion.models.control import FitControl

RTOL_PARAMS = 1e-6
RTOL_SE = 1e-5
RTOL_LOGLIK = 1e-8

REFERENCE = json.loads((OUTPUTS / "firth.json").read_text())
CASES = list(REFERENCE["cases"])
#: fixture name of each covariance -> FirthHazard.fit arguments
VARIANTS = {"classic": {"cov_type": "classic"}, "cluster": {"cov_type": "cluster"},
            "robust": {"cov_type": "robust"}}


@functools.cache
def risk_set(panel: str) -> RiskSet:
    if panel == "lottery":  # the bundled table, as firth.R reads data/lottery.csv
        return RiskSet.from_panel(load_lottery(), unit="state", time="year", event="adopt")
    frame = read_reference_csv(INPUTS / f"{panel}.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@functools.cache
def fitted(key: str, variant: str = "classic"):
    case = REFERENCE["cases"][key]
    time = tt.Cubic(scale="duration") if case["time"] == "cubic_duration" else None
    model = FirthHazard.from_formula(case["formula"], risk_set(key.split("/")[0]),
                                     link=case["link"], time=time)
    kwargs = dict(VARIANTS[variant])
    if variant == "cluster":
        kwargs["cluster"] = case["cluster"]
    return model.fit(**kwargs)


def _values(mapping: dict, terms) -> np.ndarray:
    return np.array([mapping[t] for t in terms], dtype=np.float64)


# --------------------------------------------------------------------------- against R
@pytest.mark.parametrize("key", CASES)
def test_estimates_match_brglm2(key):
    case = REFERENCE["cases"][key]
    res = fitted(key)
    assert list(res.params.index) == list(case["params"])
    assert (res.n_obs, res.n_events) == (case["nobs"], case["n_events"])
    np.testing.assert_allclose(res.params.to_numpy(), _values(case["params"], res.terms),
                               rtol=RTOL_PARAMS, atol=0)
    for name in ("loglik", "aic", "bic"):
        np.testing.assert_allclose(getattr(res, name), case[name], rtol=RTOL_LOGLIK, atol=0)
    if case["link"] == "logit":
        np.testing.assert_allclose(res.extra["penalised_loglik"], case["penalised_loglik"],
                                   rtol=RTOL_LOGLIK, atol=0)
    else:
        assert "penalised_loglik" not in res.extra


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("key", CASES)
def test_std_errors_match_brglm2_and_sandwich(key, variant):
    case = REFERENCE["cases"][key]
    res = fitted(key, variant)
    np.testing.assert_allclose(res.std_errors.to_numpy(),
                               _values(case["std_errors"][variant], res.terms),
                               rtol=RTOL_SE, atol=0)
    if variant == "cluster":
        assert res.n_clusters == case["n_clusters"]


@pytest.mark.parametrize("key", [k for k in CASES if k.startswith("firth_separation")])
def test_cluster_covariance_uses_the_adjusted_scores(key):
    """sandwich's default estfun (ML scores) gives other SEs; ours are the adjusted ones."""
    case = REFERENCE["cases"][key]
    ours = fitted(key, "cluster").std_errors.to_numpy()
    ml = _values(case["std_errors"]["cluster_ml_scores"], fitted(key).terms)
    assert np.max(np.abs(ours - ml) / ml) > 0.05


def test_separation_ml_fails_and_firth_is_finite():
    """The separation panel: no event where colony = 1 (quasi-complete separation)."""
    rs = risk_set("firth_separation")
    assert REFERENCE["ml_separation"]["colony"] < -20  # R's glm runs off towards -inf
    with pytest.raises(SeparationError, match="colony"):
        DiscreteTimeHazard.from_formula("event ~ x1 + colony + regional", rs,
                                        link="logit").fit()
    res = fitted("firth_separation/logit/none")
    assert np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.std_errors))
    note = [n for n in res.notes if n.kind == "separation"]
    assert len(note) == 1 and "'colony'" in note[0].message
    n_colony_rows = int((rs.frame["colony"] == 1).sum())
    assert note[0].count == n_colony_rows
    assert "separation" in str(res.summary())


# ----------------------------------------------------------------------------- by hand
def _two_by_two(a: int, b: int, c: int, d: int) -> RiskSet:
    """x = 0: a events, b non-events; x = 1: c events, d non-events (one row per unit)."""
    x = [0] * (a + b) + [1] * (c + d)
    y = [1] * a + [0] * b + [1] * c + [0] * d
    frame = pd.DataFrame({"unit": range(len(x)), "year": 2000, "event": y, "x": x})
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@pytest.mark.parametrize(("a", "b", "c", "d"), [(3, 17, 8, 12), (2, 30, 0, 25), (1, 9, 5, 0)])
def test_saturated_logit_adds_one_half_to_every_cell(a, b, c, d):
    """For one binary covariate, Firth's logit is the empirical logit with 1/2 added to
    each cell (Firth 1993, sec. 3; the Haldane correction): finite with an empty cell."""
    res = FirthHazard(_two_by_two(a, b, c, d), covariates=["x"], link="logit").fit(
        cov_type="classic")
    b0 = np.log((a + 0.5) / (b + 0.5))
    b1 = np.log((c + 0.5) / (d + 0.5)) - b0
    np.testing.assert_allclose(res.params.to_numpy(), [b0, b1], rtol=1e-10)
    # the classic SE is the inverse information at the estimate: with fitted
    # probabilities p0, p1 the variance of b1 is 1/(n0 p0 (1-p0)) + 1/(n1 p1 (1-p1))
    p0, p1 = (a + 0.5) / (a + b + 1), (c + 0.5) / (c + d + 1)
    var1 = 1 / ((a + b) * p0 * (1 - p0)) + 1 / ((c + d) * p1 * (1 - p1))
    np.testing.assert_allclose(res.std_errors["x"], np.sqrt(var1), rtol=1e-10)


def test_logit_estimate_maximises_the_penalised_likelihood():
    """The gradient of l(b) + log det(X'WX)/2, by central differences, vanishes."""
    res = fitted("firth_rare/logit/none")
    rs = risk_set("firth_rare")
    frame = rs.frame.iloc[res.estimation_rows]
    X = np.column_stack([np.ones(len(frame)), frame[["x1", "x2", "regional"]].to_numpy()])
    y = frame["event"].to_numpy(dtype=float)

    def penalised(b):
        eta = X @ b
        p = 1 / (1 + np.exp(-eta))
        info = X.T @ (X * (p * (1 - p))[:, None])
        return np.sum(y * eta - np.logaddexp(0, eta)) + 0.5 * np.linalg.slogdet(info)[1]

    b = res.params.to_numpy()
    grad = [(penalised(b + h) - penalised(b - h)) / 2e-6 for h in np.eye(4) * 1e-6]
    assert np.max(np.abs(grad)) < 1e-5
    np.testing.assert_allclose(penalised(b), res.extra["penalised_loglik"], rtol=1e-12)
    # and it is a maximum: moving any coefficient lowers the penalised likelihood
    assert all(penalised(b + h) < penalised(b) for h in np.eye(4) * 1e-3)


# ---------------------------------------------------------------- contract and errors
def test_contract_and_options():
    rs = risk_set("firth_rare")
    model = FirthHazard(rs, covariates=["x1", "x2", "regional"], link="cloglog")
    before = rs.frame.copy()
    res = model.fit()
    assert res.model == "discrete-time cloglog (Firth)"
    assert res.cov_type == "cluster" and res.cluster == "unit" and res.information == "expected"
    pd.testing.assert_frame_equal(rs.frame, before)
    with pytest.raises(AttributeError):
        res.loglik = 0.0  # type: ignore[misc]
    # the same specification as the ML model; from_model copies it
    ml = DiscreteTimeHazard(rs, covariates=["x1", "x2", "regional"], link="cloglog")
    again = FirthHazard.from_model(ml).fit()
    np.testing.assert_array_equal(again.params, res.params)
    assert "FirthHazard('1 + x1 + x2 + regional', link='cloglog'" in repr(model)
    # cloglog: exp(coef) are hazard ratios
    hr = res.hazard_ratios()
    assert list(hr.index) == ["x1", "x2", "regional"]
    np.testing.assert_allclose(hr["hazard_ratio"], np.exp(res.params[1:]))
    with pytest.raises(SpecificationError, match="cov_type"):
        model.fit(cov_type="hc3")
    with pytest.raises(SpecificationError, match="cluster"):
        model.fit(cov_type="classic", cluster="unit")
    with pytest.raises(SpecificationError, match="absent"):
        model.fit(cluster="region")
    with pytest.raises(SpecificationError, match="from_model"):
        FirthHazard.from_model(res)
    with pytest.raises(ConvergenceError, match="did not converge"):
        model.fit(control=FitControl(max_iter=2))


# ------------------------------------------------------------------ live R (optional)
@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(REF / "firth.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "firth.json").read_text())
    for key, case in REFERENCE["cases"].items():
        for name in ("params", *(f"std_errors/{v}" for v in case["std_errors"])):
            part, part_new = case, new["cases"][key]
            for step in name.split("/"):
                part, part_new = part[step], part_new[step]
            np.testing.assert_allclose(list(part_new.values()), list(part.values()), rtol=1e-9)
        np.testing.assert_allclose(new["cases"][key]["loglik"], case["loglik"], rtol=1e-9)
