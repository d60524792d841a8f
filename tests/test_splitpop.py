"""Split-population (cure) model: diffusion.models.splitpop.

References: ``tests/reference/splitpop.R`` (cloglog) and
``tests/reference/splitpop_parametric.R`` (Weibull, log-logistic) maximise the same
likelihoods, written independently in R on the probability scale (the parametric
ones from survivor ratios ``S(d) / S(d - 1)``), with ``optim`` and Newton steps on
numDeriv derivatives (``outputs/splitpop.json``, ``outputs/splitpop_parametric.json``).
Tolerances: estimates 1e-6 (absolute for cloglog, relative for the parametric parts;
both optimisers stop well inside it), standard errors 1e-5 relative (numerical
Hessians on both sides: R's Richardson extrapolation, our central difference of the
analytic score), log likelihoods 1e-10 relative.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import (
    INPUTS,
    OUTPUTS,
    REF,
    load_module,
    read_reference_csv,
    run_r_script,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from diffusion import RiskSet
from diffusion.errors import EstimationError, MissingColumnError, SpecificationError
from diffusion.models.splitpop import (
    CureBoundaryWarning,
    SplitPopulationHazard,
    cure_probabilities,
    predict_splitpop,
)
from diffusion.models.splitpop._engine import SplitPopData, unit_loglik, unit_scores

REFERENCE = json.loads((OUTPUTS / "splitpop.json").read_text())
PARAMETRIC = json.loads((OUTPUTS / "splitpop_parametric.json").read_text())
PARAMETRIC_DISTS = ("weibull", "loglogistic")


def _sim_module():
    return load_module(REF / "splitpop_make_inputs.py")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return read_reference_csv(INPUTS / "splitpop_sim.csv")


def _rs(df: pd.DataFrame) -> RiskSet:
    return RiskSet.from_panel(df, unit="unit", time="year", event="event")


@pytest.fixture(scope="module")
def classic(panel):
    return SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"]).fit(cov_type="classic")


# ------------------------------------------------------------------ reference
def test_equals_r_optim(classic):
    assert list(classic.terms) == REFERENCE["terms"]
    np.testing.assert_allclose(classic.params.to_numpy(), REFERENCE["params"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(classic.std_errors.to_numpy(), REFERENCE["se_classic"], rtol=1e-5)
    np.testing.assert_allclose(classic.loglik, REFERENCE["loglik"], rtol=1e-10)
    assert classic.n_units == REFERENCE["n_units"]
    assert classic.extra["n_censored_units"] == REFERENCE["n_censored"]
    # BIC counts units, the likelihood's independent contributions
    np.testing.assert_allclose(classic.bic, -2 * REFERENCE["loglik"] + 4 * np.log(400))


def test_cluster_equals_r_sandwich(panel):
    res = SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"]).fit()
    assert res.cov_type == "cluster" and res.n_clusters == REFERENCE["n_units"]
    np.testing.assert_allclose(res.std_errors.to_numpy(), REFERENCE["se_cluster"], rtol=1e-5)


@pytest.mark.r
def test_r_script_reproduces_fixture(tmp_path):
    run_r_script(REF / "splitpop.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "splitpop.json").read_text())
    for key in ("params", "se_classic", "se_cluster", "loglik"):
        np.testing.assert_allclose(new[key], REFERENCE[key], rtol=1e-9)


# ------------------------------------------------------------------ hand-computed
def test_tiny_likelihood_by_hand():
    # unit 0: two rows, adopts at the second; unit 1: one row, censored
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    Z = np.array([[1.0], [1.0]])
    data = SplitPopData(X, Z, np.array([0, 0, 1]), np.array([False, True, True]),
                        np.array([1.0, 0.0]))
    theta = np.array([0.3, -1.0, 0.4])
    pi = 1 / (1 + np.exp(-0.3))
    h = 1 - np.exp(-np.exp(np.array([-1.0, -0.6, -0.2])))
    want = [np.log(pi * h[1] * (1 - h[0])), np.log(1 - pi + pi * (1 - h[2]))]
    np.testing.assert_allclose(unit_loglik(theta, data), want, rtol=1e-13)
    # analytic scores against central differences
    eps = 1e-6
    num = np.column_stack([(unit_loglik(theta + e * eps, data) - unit_loglik(theta - e * eps, data))
                           / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(unit_scores(theta, data), num, rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ recovery
def test_recovers_truth_within_few_standard_errors():
    mod = _sim_module()
    df = mod.simulate(n_units=2000, seed=11)
    res = SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"]).fit()
    z = (res.params - pd.Series(mod.TRUTH)) / res.std_errors
    assert np.all(np.abs(z) < 3.5), z


# ------------------------------------------------------------------ invariances
def test_row_order_does_not_matter(panel, classic):
    shuffled = panel.sample(frac=1.0, random_state=3).reset_index(drop=True)
    before = shuffled.copy()
    res = SplitPopulationHazard(_rs(shuffled), risk=["z"], duration=["x"]).fit(cov_type="classic")
    pd.testing.assert_frame_equal(shuffled, before)  # input not mutated
    np.testing.assert_allclose(res.params.to_numpy(), classic.params.to_numpy(), atol=1e-8)
    np.testing.assert_allclose(res.std_errors.to_numpy(), classic.std_errors.to_numpy(), rtol=1e-6)


def test_formula_constructor_equals_columns(panel, classic):
    res = SplitPopulationHazard.from_formula(_rs(panel), risk="z", duration="x").fit(
        cov_type="classic")
    np.testing.assert_allclose(res.params.to_numpy(), classic.params.to_numpy(), atol=1e-8)


def test_varying_risk_covariate_uses_first_row(panel, classic):
    df = panel.copy()
    df["z2"] = df["z"] + 0.01 * (df["year"] - df.groupby("unit")["year"].transform("min"))
    res = SplitPopulationHazard(_rs(df), risk=["z2"], duration=["x"]).fit(cov_type="classic")
    note = [n for n in res.notes if n.kind == "risk_covariates_vary"]
    n_multi = int((df.groupby("unit").size() > 1).sum())
    assert note and note[0].count == n_multi
    np.testing.assert_allclose(res.params.to_numpy(), classic.params.to_numpy(), atol=1e-8)


def test_missing_values_shorten_or_drop_spells(panel):
    sizes = panel.groupby("unit").size()
    adopters = panel.loc[panel["event"] == 1, "unit"]
    long_adopters = [u for u in adopters if sizes[u] >= 3]
    censored = [u for u in sizes.index if u not in set(adopters) and sizes[u] >= 3]
    df = panel.sort_values(["unit", "year"]).copy()
    rows_of = {u: df.index[df["unit"] == u] for u in df["unit"].unique()}
    df.loc[rows_of[long_adopters[0]][-1], "x"] = np.nan  # event row lost: unit dropped
    df.loc[rows_of[long_adopters[1]][1], "x"] = np.nan  # gap inside the spell: dropped
    df.loc[rows_of[long_adopters[2]][0], "x"] = np.nan  # first row lost: enters later
    df.loc[rows_of[censored[0]][-1], "x"] = np.nan  # censored earlier
    res = SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"]).fit()
    counts = {n.kind: n.count for n in res.notes}
    assert counts["splitpop_incomplete_units"] == 2
    assert counts["splitpop_later_entry"] == 1
    assert counts["splitpop_earlier_censoring"] == 1
    assert res.n_units == REFERENCE["n_units"] - 2
    kept = len(panel) - sizes[long_adopters[0]] - sizes[long_adopters[1]] - 2
    assert res.n_obs == kept
    # the same fit as deleting those rows and units by hand
    by_hand = df.dropna(subset=["x"])
    by_hand = by_hand[~by_hand["unit"].isin(long_adopters[:2])]
    ref = SplitPopulationHazard(_rs(by_hand), risk=["z"], duration=["x"]).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), atol=1e-8)


def test_time_term_and_hazard_ratios(panel):
    res = SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"], time="cubic").fit()
    assert all(t.startswith(("risk:", "duration:")) for t in res.terms)
    assert list(res.hazard_ratios().index) == ["duration:x"]
    assert "split-population" in str(res.summary())


# ------------------------------------------------------------------ predictions
def test_cure_probabilities_and_predictions(classic, panel):
    cp = cure_probabilities(classic)
    assert len(cp) == classic.n_units
    adopters = cp["event"] == 1
    assert np.all(cp.loc[adopters, "cured_posterior"] == 0)
    # surviving without adopting can only raise the probability of being cured
    assert np.all(cp.loc[~adopters, "cured_posterior"] >= cp.loc[~adopters, "cured"] - 1e-12)
    g = classic.params
    z_first = panel.sort_values(["unit", "year"]).groupby("unit")["z"].first()
    want = 1 / (1 + np.exp(-(g["risk:Intercept"] + g["risk:z"] * z_first)))
    np.testing.assert_allclose(cp.set_index("unit")["at_risk"].loc[want.index], want, rtol=1e-12)
    pr = predict_splitpop(classic)
    assert len(pr) == classic.n_obs
    first = pr.groupby("unit").head(1).set_index("unit")["p_at_risk"]
    np.testing.assert_allclose(first.loc[want.index], want, rtol=1e-10)
    np.testing.assert_allclose(pr["hazard"], pr["p_at_risk"] * pr["hazard_at_risk"])
    # the at-risk probability falls as a unit survives
    assert (pr.groupby("unit")["p_at_risk"].diff().dropna() <= 1e-15).all()


# ------------------------------------------------------------------ bad input
def test_all_units_adopt_is_not_identified(panel):
    adopters = panel.loc[panel["event"] == 1, "unit"]
    df = panel[panel["unit"].isin(adopters)]
    with pytest.raises(EstimationError, match="not identified"):
        SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"]).fit()


def test_no_events_is_refused(panel):
    df = panel.assign(event=0)
    with pytest.raises(EstimationError, match="no events"):
        SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"]).fit()


def test_cluster_splitting_units_is_refused(panel):
    df = panel.assign(decade=panel["year"] // 10)
    with pytest.raises(SpecificationError, match="varies within units"):
        SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"]).fit(cluster="decade")


def test_not_a_risk_set_and_wrong_result():
    with pytest.raises(SpecificationError, match="RiskSet"):
        SplitPopulationHazard(pd.DataFrame(), risk=["z"])
    with pytest.raises(SpecificationError, match="SplitPopulationHazard"):
        cure_probabilities(object())


def test_no_cure_fraction_warns_at_the_boundary():
    # every unit at risk (no cure fraction): with this seed the maximum lies at pi -> 1
    rng = np.random.default_rng(4)
    rows = []
    for i in range(300):
        for year in range(1, 11):
            x = rng.normal()
            event = int(rng.random() < 1 - np.exp(-np.exp(-2 + 0.5 * x)))
            rows.append((i, year, event, x))
            if event:
                break
    df = pd.DataFrame(rows, columns=["unit", "year", "event", "x"])
    with pytest.warns(CureBoundaryWarning, match="not identified"):
        res = SplitPopulationHazard(_rs(df), duration=["x"]).fit()
    assert res.params["risk:Intercept"] > 15


# ================================================================== Weibull, log-logistic
@pytest.fixture(scope="module")
def parametric(panel):
    return {dist: SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"],
                                        distribution=dist)
            for dist in PARAMETRIC_DISTS}


@pytest.fixture(scope="module")
def parametric_classic(parametric):
    return {dist: m.fit(cov_type="classic") for dist, m in parametric.items()}


@pytest.mark.parametrize("dist", PARAMETRIC_DISTS)
def test_parametric_equals_r_optim(parametric, parametric_classic, dist):
    ref = PARAMETRIC[dist]
    res = parametric_classic[dist]
    assert list(res.terms) == ref["terms"]
    assert res.model == f"split-population {dist}"
    np.testing.assert_allclose(res.params.to_numpy(), ref["params"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(res.std_errors.to_numpy(), ref["se_classic"], rtol=1e-5)
    np.testing.assert_allclose(res.loglik, ref["loglik"], rtol=1e-10)
    np.testing.assert_allclose(res.extra["splitpop"]["loglik_no_cure"], ref["loglik_no_cure"],
                               rtol=1e-10)
    assert res.n_units == ref["n_units"]
    cl = parametric[dist].fit()
    assert cl.cov_type == "cluster" and cl.n_clusters == ref["n_units"]
    np.testing.assert_allclose(cl.std_errors.to_numpy(), ref["se_cluster"], rtol=1e-5)
    np.testing.assert_allclose(cl.params.to_numpy(), res.params.to_numpy(), rtol=0, atol=1e-12)


@pytest.mark.r
@pytest.mark.slow  # about 10 s: CI runs it with the slow studies (pytest -m slow)
def test_r_script_reproduces_parametric_fixture(tmp_path):
    run_r_script(REF / "splitpop_parametric.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "splitpop_parametric.json").read_text())
    for dist in PARAMETRIC_DISTS:
        for key in ("params", "se_classic", "se_cluster", "loglik", "loglik_no_cure"):
            np.testing.assert_allclose(new[dist][key], PARAMETRIC[dist][key], rtol=1e-9)


def _survivor(dist, s, lam, alpha):
    if dist == "weibull":
        return np.exp(-((lam * s) ** alpha))
    return 1.0 / (1.0 + (lam * s) ** alpha)


@pytest.mark.parametrize("dist", PARAMETRIC_DISTS)
def test_parametric_tiny_likelihood_by_hand(dist):
    # unit 0: durations 2, 3 (entered the risk set a year before its first row here)
    # and adopts in the second; unit 1: duration 1, censored
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    Z = np.array([[1.0], [1.0]])
    dur = np.array([2.0, 3.0, 1.0])
    data = SplitPopData(X, Z, np.array([0, 0, 1]), np.array([False, True, True]),
                        np.array([1.0, 0.0]), dur, dist)
    theta = np.array([0.3, 1.0, -0.4, np.log(1.7)])
    pi = 1 / (1 + np.exp(-0.3))
    lam = np.exp(-(1.0 - 0.4 * X[:, 1]))
    q = _survivor(dist, dur, lam, 1.7) / _survivor(dist, dur - 1, lam, 1.7)
    want = [np.log(pi * q[0] * (1 - q[1])), np.log(1 - pi + pi * q[2])]
    np.testing.assert_allclose(unit_loglik(theta, data), want, rtol=1e-12)
    eps = 1e-6
    num = np.column_stack([(unit_loglik(theta + e * eps, data) - unit_loglik(theta - e * eps, data))
                           / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(unit_scores(theta, data), num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dist", PARAMETRIC_DISTS)
def test_recovers_parametric_truth_within_few_standard_errors(dist):
    # the model's own data-generating process: a unit at risk survives year d with
    # probability S(d | x_d) / S(d - 1 | x_d), lambda = exp(-(3 - 0.5 x)), alpha = 1.5
    rng = np.random.default_rng(7)
    truth = {"risk:Intercept": 0.5, "risk:z": 1.0, "duration:Intercept": 3.0,
             "duration:x": -0.5, "shape:log(alpha)": np.log(1.5)}
    rows = []
    for i in range(1500):
        z = rng.normal()
        at_risk = rng.random() < 1 / (1 + np.exp(-(0.5 + z)))
        for d in range(1, 26):
            x = rng.normal()
            lam = np.exp(-(3.0 - 0.5 * x))
            q = _survivor(dist, d, lam, 1.5) / _survivor(dist, d - 1, lam, 1.5)
            event = int(at_risk and rng.random() > q)
            rows.append((i, 1979 + d, event, x, z))
            if event:
                break
    df = pd.DataFrame(rows, columns=["unit", "year", "event", "x", "z"])
    res = SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"],
                                distribution=dist).fit()
    z = (res.params - pd.Series(truth)) / res.std_errors
    assert np.all(np.abs(z) < 3.5), z


def test_parametric_refuses_time_terms_and_hazard_ratios(panel, parametric_classic):
    with pytest.raises(SpecificationError, match="own"):
        SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"], distribution="weibull",
                              time="cubic")
    with pytest.raises(SpecificationError, match="not a hazard ratio"):
        parametric_classic["weibull"].hazard_ratios()


def test_unknown_distribution_lists_the_choices(panel):
    with pytest.raises(SpecificationError,
                       match="'cloglog', 'weibull', 'loglogistic'"):
        SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"], distribution="lognormal")
    with pytest.raises(SpecificationError, match="unknown distribution"):
        SplitPopulationHazard.from_formula(_rs(panel), risk="z", duration="x",
                                           distribution="Weibull")


@pytest.mark.parametrize("dist", PARAMETRIC_DISTS)
def test_parametric_all_units_adopt_is_not_identified(panel, dist):
    adopters = panel.loc[panel["event"] == 1, "unit"]
    df = panel[panel["unit"].isin(adopters)]
    with pytest.raises(EstimationError, match="not identified"):
        SplitPopulationHazard(_rs(df), risk=["z"], duration=["x"], distribution=dist).fit()


@pytest.mark.parametrize("dist", ["cloglog", *PARAMETRIC_DISTS])
def test_cure_loglik_is_at_least_the_no_cure_loglik(panel, dist):
    res = SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"],
                                distribution=dist).fit(cov_type="classic")
    # the no-cure model is the cure model's limit as the risk intercept -> +inf
    data = res.extra["splitpop"]["data"]
    theta = res._params.copy()
    theta[0] = 40.0
    base = res.extra["splitpop"]["loglik_no_cure"]
    assert unit_loglik(theta, data).sum() <= base + 1e-8
    assert res.loglik >= base - 1e-8


# ------------------------------------------------------------------ predictions, new data
@pytest.mark.parametrize("dist", ["cloglog", *PARAMETRIC_DISTS])
def test_predict_on_the_estimation_risk_set_equals_in_sample(panel, dist):
    rs = _rs(panel)
    res = SplitPopulationHazard(rs, risk=["z"], duration=["x"], distribution=dist).fit()
    inside = predict_splitpop(res)
    new = predict_splitpop(res, data=rs)
    key = ["unit", "year"]
    a = inside.sort_values(key).reset_index(drop=True)
    b = new.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-12)
    np.testing.assert_allclose(a["hazard"], a["p_at_risk"] * a["hazard_at_risk"])
    assert np.all(a["adoption"] <= a["at_risk"])


@pytest.mark.parametrize("dist", PARAMETRIC_DISTS)
def test_profile_predictions_by_hand(parametric_classic, dist):
    res = parametric_classic[dist]
    p = res.params
    profiles = pd.DataFrame({"z": [0.0, 1.0, -0.5], "x": [0.5, 0.5, -1.0],
                             "duration": [1, 4, 10]}, index=["a", "b", "c"])
    got = predict_splitpop(res, data=profiles)
    assert list(got["profile"]) == ["a", "b", "c"]
    pi = 1 / (1 + np.exp(-(p["risk:Intercept"] + p["risk:z"] * profiles["z"].to_numpy())))
    lam = np.exp(-(p["duration:Intercept"] + p["duration:x"] * profiles["x"].to_numpy()))
    alpha = np.exp(p["shape:log(alpha)"])
    d = profiles["duration"].to_numpy(dtype=float)
    s0 = _survivor(dist, d - 1, lam, alpha)
    s1 = _survivor(dist, d, lam, alpha)
    np.testing.assert_allclose(got["at_risk"], pi, rtol=1e-12)
    np.testing.assert_allclose(got["hazard_at_risk"], 1 - s1 / s0, rtol=1e-10)
    p_at = pi * s0 / (1 - pi + pi * s0)
    np.testing.assert_allclose(got["p_at_risk"], p_at, rtol=1e-10)
    np.testing.assert_allclose(got["hazard"], p_at * (1 - s1 / s0), rtol=1e-10)
    np.testing.assert_allclose(got["adoption"], pi * (1 - s1), rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(z=st.floats(-3, 3), x=st.floats(-3, 3), dist_i=st.integers(0, 2))
def test_profile_invariants(z, x, dist_i):
    res = _FITS[("cloglog", *PARAMETRIC_DISTS)[dist_i]]
    prof = pd.DataFrame({"z": z, "x": x, "duration": np.arange(1, 31)})
    got = predict_splitpop(res, data=prof)
    pi = got["at_risk"].to_numpy()
    assert np.all((pi > 0) & (pi < 1))
    adoption = got["adoption"].to_numpy()
    # the adoption probability rises with time and never exceeds pi
    assert np.all(np.diff(adoption) >= -1e-15)
    assert np.all(adoption <= pi + 1e-15)
    # survival without adopting can only lower the probability of being at risk
    assert np.all(np.diff(got["p_at_risk"].to_numpy()) <= 1e-15)
    h = got["hazard_at_risk"].to_numpy()
    assert np.all((h >= 0) & (h <= 1))


_FITS: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _fits_for_hypothesis(panel, classic, parametric_classic):
    _FITS["cloglog"] = classic
    _FITS.update(parametric_classic)
    yield
    _FITS.clear()


def test_new_risk_set_missing_values_and_columns(panel, parametric_classic):
    res = parametric_classic["weibull"]
    df = panel.sort_values(["unit", "year"]).reset_index(drop=True)
    sizes = df.groupby("unit").size()
    u = sizes[sizes >= 4].index[0]
    rows = df.index[df["unit"] == u]
    df.loc[rows[0], "x"] = np.nan  # first row missing: the history starts at the second
    df.loc[rows[2], "x"] = np.nan  # a later row missing: NaN from there on
    pr = predict_splitpop(res, data=_rs(df))
    mine = pr[pr["unit"] == u].reset_index(drop=True)
    assert mine.loc[[0, 2, 3], "hazard"].isna().all()
    # the second row starts the history: p_at_risk = pi there
    np.testing.assert_allclose(mine.loc[1, "p_at_risk"], mine.loc[1, "at_risk"], rtol=1e-12)
    assert mine.loc[1, "duration"] == 2
    others = pr[pr["unit"] != u]
    assert others["hazard"].notna().all()
    with pytest.raises(MissingColumnError, match="'z'"):
        predict_splitpop(res, data=_rs(panel.drop(columns="z")))
    with pytest.raises(MissingColumnError, match="'duration'"):
        predict_splitpop(res, data=pd.DataFrame({"z": [0.0], "x": [1.0]}))


def test_cloglog_profiles_follow_the_time_term(panel):
    res = SplitPopulationHazard(_rs(panel), risk=["z"], duration=["x"], time="cubic").fit()
    got = predict_splitpop(res, data=pd.DataFrame({"z": [0.2], "x": [0.1], "duration": [3]}))
    p = res.params
    pi = 1 / (1 + np.exp(-(p["risk:Intercept"] + 0.2 * p["risk:z"])))
    # the cubic's origin: the first duration of the estimation sample (1)
    eta = np.array([p["duration:Intercept"] + 0.1 * p["duration:x"] + p["duration:duration"] * s
                    + p["duration:duration^2"] * s**2 + p["duration:duration^3"] * s**3
                    for s in (1.0, 2.0, 3.0)])
    H = np.exp(eta)
    s0 = np.exp(-H[:2].sum())
    np.testing.assert_allclose(got["hazard_at_risk"], 1 - np.exp(-H[2]), rtol=1e-10)
    np.testing.assert_allclose(got["p_at_risk"], pi * s0 / (1 - pi + pi * s0), rtol=1e-10)


def test_risk_part_running_to_the_boundary_is_named():
    # CEDAW with a log-logistic duration part: the likelihood rises while P(at risk)
    # goes to 1 for almost every state (the log-logistic hazard explains the holdouts)
    from diffusion.errors import ConvergenceError
    from diffusion.replications.treaties import treaty_risk_set

    rs, _, _ = treaty_risk_set("CEDAW")
    model = SplitPopulationHazard.from_formula(rs, risk="polity2",
                                               duration="regional + world + igo",
                                               distribution="loglogistic")
    with pytest.raises(ConvergenceError, match="risk part .* runs to the boundary"):
        model.fit()


def test_guide_cedaw_table_is_what_the_example_computes(capsys) -> None:
    """The CEDAW figures printed in docs/guide/models.md (split-population section) are
    recomputed here from examples/split_population.py and compared as printed."""
    from pathlib import Path

    from _reference import load_module

    from diffusion.replications.treaties import treaty_risk_set

    root = Path(__file__).resolve().parents[1]
    example = load_module(root / "examples" / "split_population.py")
    table, fits = example.compare(treaty_risk_set("CEDAW")[0])
    capsys.readouterr()  # the example prints the log-logistic boundary message
    guide = (root / "docs" / "guide" / "models.md").read_text(encoding="utf-8")
    section = guide[guide.index("**On the CEDAW data**"):guide.index("The estimates, classic")]
    minus = "\N{MINUS SIGN}"

    def shown(value: float, digits: int) -> str:
        return f"{value:.{digits}f}".replace("-", minus)

    prose = " ".join(section.split())
    assert f"{fits['cloglog'].n_units} states, {fits['cloglog'].n_events} ratifications" in prose
    for dist, label in (("cloglog", "cloglog, cubic in duration"), ("weibull", "Weibull")):
        row = table.loc[dist]
        line = next(ln for ln in section.splitlines() if ln.startswith(f"| {label} |"))
        for value, digits in ((row["loglik"], 2), (row["loglik_no_cure"], 2), (row["aic"], 1),
                              (row["bic"], 1), (row["risk:polity2"], 3), (row["se"], 3),
                              (row["mean_at_risk"], 3)):
            assert shown(value, digits) in line, (dist, value, line)
        gain = row["loglik"] - row["loglik_no_cure"]
        assert f"{gain:.1f}" in prose
    alpha = table.loc["weibull", "alpha"]
    assert f"| {alpha:.2f} |" in section
    log_alpha = fits["weibull"].params["shape:log(alpha)"]
    se = fits["weibull"].std_errors["shape:log(alpha)"]
    assert f"`log α` = {shown(log_alpha, 2)}, SE {se:.2f}" in prose
    assert table.loc["loglogistic", "status"] == "risk part not identified"
