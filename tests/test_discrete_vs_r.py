"""DiscreteTimeHazard against R ``glm`` + ``sandwich``, from stored fixtures.

The fixtures live in ``tests/reference/``:

* ``inputs/*.csv`` -- simulated risk-set panels written by ``make_inputs.py``;
* ``discrete_time.R`` -- fits every case with ``glm(family = binomial(link))`` and the
  ``sandwich`` covariance estimators;
* ``outputs/discrete_time_*.json`` -- its results at full precision (17 significant digits).

The lottery case (Berry & Berry 1990) reads the replication data from
``../shared/reference-data/policy-diffusion-benchmarks/dhb2015/lottery.tab`` and is
skipped when that file is absent.

Tolerances
----------
Both sides are fully converged: R with ``glm.control(epsilon = 1e-14)`` and then
restarted from its own estimate until it moves by less than 1e-10 SE (``fit_glm`` in the
script: epsilon alone left probit/cloglog estimates up to 8e-7 relative from the
maximum); diffusion with IRLS plus Newton polishing to a step below 1e-11. The measured
agreement is about 1e-11 relative for coefficients and SEs and 1e-16 for the
log-likelihood, so the tolerances below leave several orders of magnitude of room while
still catching any difference of convention (the smallest one in the fixtures, Stata's
vs R's small-sample factor, changes SEs by 2.6e-4):

* coefficients: 1e-6 relative -- differences come only from the stopping rules;
* standard errors: 1e-5 relative -- they are computed from the estimates (through the
  weights) and by inverting information matrices with condition numbers up to about
  1e14 (cubic in calendar time: ``t^3`` reaches 2e6), which amplifies rounding
  differences between numpy's LAPACK and R's QR;
* log-likelihood (and AIC, BIC): 1e-8 relative -- it is flat at the maximum, so it is
  insensitive to the small differences in the estimates.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pandas as pd
import pytest
from _reference import (
    INPUTS,
    LOTTERY,
    OUTPUTS,
    REF,
    lottery_frame,
    read_reference_csv,
    run_r_script,
)

from diffusion import DiscreteTimeHazard, RiskSet
from diffusion import time_terms as tt
from diffusion.models.time_terms import natural_spline_basis

R_SCRIPT = REF / "discrete_time.R"


# Both sides converge far below these (R at glm.control(epsilon = 1e-14), ours until
# the scoring step is below 1e-11); 1e-8 leaves room for another BLAS.
RTOL_PARAMS = 1e-8
RTOL_SE = 1e-8
RTOL_LOGLIK = 1e-8

SIMULATED = ("sim_a", "sim_b", "sim_c")
PANELS = SIMULATED + ("lottery",)

#: covariance estimators of the fixtures -> DiscreteTimeHazard.fit arguments
#: (the R call behind each name is listed in the header of discrete_time.R)
VARIANTS = {
    "classic": {"cov_type": "classic"},  # vcov(glm)
    "cluster": {"cov_type": "cluster"},  # vcovCL(type = "HC1")
    "robust": {"cov_type": "robust"},  # vcovHC(type = "HC1")
    "cluster_hc0": {"cov_type": "cluster", "small_sample": "none"},
    "cluster_stata": {"cov_type": "cluster", "small_sample": "stata"},
    "classic_observed": {"cov_type": "classic", "information": "observed"},
    "cluster_stata_observed": {"cov_type": "cluster", "information": "observed",
                               "small_sample": "stata"},
}


# ------------------------------------------------------------------------- fixtures
def _load(panel: str) -> dict:
    path = OUTPUTS / f"discrete_time_{panel}.json"
    return json.loads(path.read_text()) if path.exists() else {"cases": {}}


REFERENCE = {panel: _load(panel) for panel in PANELS}
CASES = [(panel, key) for panel in PANELS for key in REFERENCE[panel]["cases"]]
SE_CASES = [(panel, key, variant) for panel, key in CASES
            for variant in REFERENCE[panel]["cases"][key]["std_errors"]]
SPLINE_CASES = [(panel, key) for panel, key in CASES
                if REFERENCE[panel]["cases"][key]["time"]["kind"] == "spline"]


def _id(values: tuple) -> str:
    return "-".join(values)


@functools.cache
def risk_set(panel: str) -> RiskSet:
    if panel == "lottery":
        frame = lottery_frame()
        return RiskSet.from_panel(frame, unit="state", time="year", event="adopt")
    # round_trip: read the 17-digit numbers back to exactly the doubles R reads
    frame = read_reference_csv(INPUTS / f"{panel}.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


def time_term(spec: dict):
    """The diffusion time term for a fixture's ``time`` entry."""
    kind = spec["kind"]
    if kind == "none":
        return None
    if kind == "cubic":
        return tt.Cubic(scale=spec["scale"])
    if kind == "spline":
        return tt.Spline(df=spec["df"], scale=spec["scale"])
    if kind == "periods":
        return tt.Periods(spec["breaks"], scale=spec["scale"])
    if kind == "dummies":
        return tt.Dummies(scale=spec["scale"], empty=spec["empty"])
    raise AssertionError(f"unknown time term {kind!r} in the fixtures")


@functools.cache
def fitted(panel: str, key: str, variant: str = "classic"):
    case = REFERENCE[panel]["cases"][key]
    model = DiscreteTimeHazard.from_formula(case["formula"], risk_set(panel),
                                            link=case["link"], time=time_term(case["time"]))
    kwargs = dict(VARIANTS[variant])
    if kwargs["cov_type"] == "cluster":
        kwargs["cluster"] = case["cluster"]
    return model.fit(**kwargs)


def basis_free_terms(case: dict) -> list[str]:
    """Terms whose coefficients do not depend on the spline basis (all but ns(...))."""
    return [t for t in case["params"] if not t.startswith("ns(")]


def _series(values: dict, terms: list[str]) -> np.ndarray:
    return np.array([values[t] for t in terms], dtype=np.float64)


# --------------------------------------------------------------------------- tests
def test_fixtures_are_present():
    for panel in SIMULATED:
        assert REFERENCE[panel]["cases"], f"outputs/discrete_time_{panel}.json is missing"
    if LOTTERY.exists():
        assert REFERENCE["lottery"]["cases"], "outputs/discrete_time_lottery.json is missing"


@pytest.mark.parametrize("panel", SIMULATED)
def test_duration_convention_of_inputs(panel):
    """The inputs' duration column is diffusion's clock: year - first year at risk + 1."""
    rs = risk_set(panel)
    frame = rs.frame
    clock = frame["year"] - rs.entry_times() + 1
    np.testing.assert_array_equal(clock.to_numpy(), frame["duration"].to_numpy())


@pytest.mark.parametrize(("panel", "key"), CASES, ids=[_id(c) for c in CASES])
def test_estimates_match_r(panel, key):
    case = REFERENCE[panel]["cases"][key]
    res = fitted(panel, key)
    assert list(res.params.index) == list(case["params"]), "terms differ from R's"
    assert res.n_obs == case["nobs"]
    assert res.n_events == case["n_events"]
    terms = basis_free_terms(case)
    np.testing.assert_allclose(res.params[terms].to_numpy(), _series(case["params"], terms),
                               rtol=RTOL_PARAMS, atol=0)
    np.testing.assert_allclose(res.loglik, case["loglik"], rtol=RTOL_LOGLIK, atol=0)
    np.testing.assert_allclose(res.aic, case["aic"], rtol=RTOL_LOGLIK, atol=0)
    np.testing.assert_allclose(res.bic, case["bic"], rtol=RTOL_LOGLIK, atol=0)


@pytest.mark.parametrize(("panel", "key", "variant"), SE_CASES, ids=[_id(c) for c in SE_CASES])
def test_std_errors_match_r(panel, key, variant):
    case = REFERENCE[panel]["cases"][key]
    res = fitted(panel, key, variant)
    ref = case["std_errors"][variant]
    terms = basis_free_terms(case)
    np.testing.assert_allclose(res.std_errors[terms].to_numpy(), _series(ref, terms),
                               rtol=RTOL_SE, atol=0)
    if variant.startswith("cluster"):
        assert res.n_clusters == case["n_clusters"]


@pytest.mark.parametrize(("panel", "key"), SPLINE_CASES, ids=[_id(c) for c in SPLINE_CASES])
def test_spline_time_profile_matches_r(panel, key):
    """The fitted time effect at each clock value is basis-free, so it must equal R's.

    Both bases vanish at the lower boundary knot, so the profile is 0 there; the
    absolute part of the tolerance is relative to the profile's range.
    """
    case = REFERENCE[panel]["cases"][key]
    res = fitted(panel, key)
    rs = risk_set(panel)
    frame = rs.frame
    if case["time"]["scale"] == "duration":
        clock = (frame["year"] - rs.entry_times() + 1).to_numpy()[res.estimation_rows]
    else:
        clock = frame["year"].to_numpy()[res.estimation_rows]
    basis = natural_spline_basis(clock.astype(np.float64), case["time"]["df"])
    ns_terms = [t for t in res.params.index if t.startswith("ns(")]
    effect = pd.Series(basis @ res.params[ns_terms].to_numpy()).groupby(clock).first()
    ref = case["time_profile"]
    assert list(effect.index) == ref["x"]
    ref_effect = np.asarray(ref["effect"], dtype=np.float64)
    np.testing.assert_allclose(effect.to_numpy(), ref_effect, rtol=RTOL_PARAMS,
                               atol=RTOL_PARAMS * np.ptp(ref_effect))


def test_lottery_sample_is_berry_berry():
    """Listwise deletion of party (NE, MN) leaves Berry & Berry's 857 state-years."""
    res = fitted("lottery", "probit/none")
    assert res.n_obs == 857
    assert res.n_events == 27
    assert any(n.kind == "listwise_deletion" and n.count == 44 for n in res.notes)


# ------------------------------------------------------------------ live R (optional)
# Fields that legitimately differ between R installations.
_NOT_COMPARED = {"versions", "iterations"}
# Rerunning the script with the versions recorded in the fixtures reproduces them
# bit for bit; 1e-9 relative leaves room for another BLAS/LAPACK or R version only.
RTOL_RERUN = 1e-9


def _compare_json(new, old, where: str = "") -> list[str]:
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{where}: {type(new).__name__} instead of an object"]
        if set(new) != set(old):
            return [f"{where}: keys differ ({sorted(set(new) ^ set(old))})"]
        return [m for k in old if k not in _NOT_COMPARED
                for m in _compare_json(new[k], old[k], f"{where}/{k}")]
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{where}: lengths differ"]
        return [m for i, (a, b) in enumerate(zip(new, old, strict=True))
                for m in _compare_json(a, b, f"{where}[{i}]")]
    if isinstance(old, float) or isinstance(new, float):
        ok = math.isclose(new, old, rel_tol=RTOL_RERUN, abs_tol=0.0)
        return [] if ok else [f"{where}: {new!r} != {old!r}"]
    return [] if new == old else [f"{where}: {new!r} != {old!r}"]


@pytest.mark.r
@pytest.mark.slow  # a few seconds of R: CI runs it with the slow set (pytest -m slow)
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(R_SCRIPT, INPUTS, tmp_path, LOTTERY, timeout=600)
    panels = SIMULATED + (("lottery",) if LOTTERY.exists() else ())
    for panel in panels:
        name = f"discrete_time_{panel}.json"
        new = json.loads((tmp_path / name).read_text())
        problems = _compare_json(new, REFERENCE[panel])
        assert not problems, f"{name}: " + "; ".join(problems[:10])
