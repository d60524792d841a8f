"""Contract, invariance, hand-computed and failure tests of the Cox model (no R needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet
from diffusion.errors import (
    CollinearityError,
    DataError,
    DiffusionError,
    EstimationError,
    SeparationError,
    SpecificationError,
)
from diffusion.models.cox import _engine as engine
from diffusion.models.cox import _exact as cox_exact


@pytest.fixture(scope="module")
def world():
    return d.simulate.world(seed=5, n_units=120)


@pytest.fixture(scope="module")
def rs(world) -> RiskSet:
    return world.risk_set()


@pytest.fixture(scope="module")
def rs_bloc(rs) -> RiskSet:
    frame = rs.frame
    frame["bloc"] = frame["unit"].str[-1].map(lambda c: "AB"[int(c) % 2])
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


# ---------------------------------------------------------------- vocabulary
@pytest.mark.parametrize("ties", ["efron", "breslow", "exact"])
def test_results_vocabulary_and_immutability(rs, ties):
    model = CoxHazard.from_formula("event ~ x1 + x2 + regional", rs, ties=ties)
    before = rs.frame.copy()
    res = model.fit()
    assert list(res.params.index) == ["x1", "x2", "regional"]  # no intercept
    for name in ("params", "std_errors", "z_stats", "p_values"):
        s = getattr(res, name)
        assert isinstance(s, pd.Series) and s.notna().all()
    np.testing.assert_allclose(res.std_errors, np.sqrt(np.diag(res.cov)))
    assert res.aic == pytest.approx(-2 * res.loglik + 6)
    assert res.bic == pytest.approx(-2 * res.loglik + 3 * np.log(res.n_events))
    assert res.n_obs == rs.n_obs and res.n_events == rs.n_events and res.n_units == rs.n_units
    assert res.cov_type == "cluster" and res.cluster == "unit" and res.n_clusters == rs.n_units
    assert res.information == "observed" and res.converged
    assert res.loglik > res.extra["loglik_null"]
    with pytest.raises(AttributeError):
        res.loglik = 0.0  # type: ignore[misc]
    pd.testing.assert_frame_equal(rs.frame, before)
    again = model.fit()
    np.testing.assert_array_equal(again.params, res.params)
    classic = model.fit(cov_type="classic")
    np.testing.assert_array_equal(classic.params, res.params)
    assert classic.cov_type == "classic" and res.cov_type == "cluster"
    for render in ("as_text", "as_markdown", "as_latex", "as_html"):
        assert "exp(coef)" in getattr(res.summary(), render)()


def test_hazard_ratios(rs):
    res = CoxHazard(rs, covariates=["x1", "x2"]).fit()
    hr = res.hazard_ratios(0.9)
    ci = res.conf_int(0.9)
    np.testing.assert_allclose(hr["hazard_ratio"], np.exp(res.params))
    np.testing.assert_allclose(hr["lower"], np.exp(ci["lower"]))
    np.testing.assert_allclose(hr["upper"], np.exp(ci["upper"]))
    cloglog = DiscreteTimeHazard.from_formula("x1", rs, link="cloglog").fit()
    assert list(cloglog.hazard_ratios().index) == ["x1"]  # not the intercept
    logit = DiscreteTimeHazard.from_formula("x1", rs, link="logit").fit()
    with pytest.raises(SpecificationError, match="odds ratio"):
        logit.hazard_ratios()


def test_formula_and_column_constructors_agree(rs):
    a = CoxHazard.from_formula("event ~ x1 + regional", rs).fit()
    b = CoxHazard(rs, covariates=["x1", "regional"]).fit()
    c = CoxHazard.from_formula("0 + x1 + regional", rs).fit()
    for other in (b, c):
        np.testing.assert_allclose(a.params, other.params, rtol=1e-12)
        np.testing.assert_allclose(a.cov, other.cov, rtol=1e-10)
    assert b.formula == "x1 + regional"


def test_categorical_terms(rs, world):
    frame = rs.frame.merge(world.groups, on="unit")
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = CoxHazard.from_formula("x1 + C(region)", rs2, clock="duration").fit()
    assert [t for t in res.terms if t.startswith("C(region)")] == [
        f"C(region)[T.R{g}]" for g in range(1, 6)]


def test_small_sample_factors(rs):
    m = CoxHazard(rs, covariates=["x1", "x2"])
    r, s, n = (m.fit(small_sample=o) for o in ("r", "stata", "none"))
    g = r.n_clusters
    np.testing.assert_allclose(r.cov, n.cov, rtol=1e-14)  # R applies no factor
    np.testing.assert_allclose(s.cov, n.cov * g / (g - 1), rtol=1e-12)
    rob, rob_s = m.fit(cov_type="robust"), m.fit(cov_type="robust", small_sample="stata")
    np.testing.assert_allclose(rob_s.cov, rob.cov * r.n_obs / (r.n_obs - 1), rtol=1e-12)


def test_cluster_by_other_column(rs_bloc):
    res = CoxHazard(rs_bloc, covariates=["x1"]).fit(cluster="bloc")
    assert res.cluster == "bloc" and res.n_clusters == 2


# --------------------------------------------------------- hand-computed case
def test_tiny_case_by_hand():
    """Four units, one covariate; the three partial likelihoods written out.

    Calendar years 1-3. A (x=1): years 1-2, event in 2. B (x=0): enters late, year 2,
    event in 2. C (x=2): years 1-3, event in 3. D (x=0.5): years 1-3, no event.
    Year 1 has no event; year 2: risk set {A, B, C, D}, events {A, B}; year 3: risk set
    {C, D}, event C.
    """
    panel = pd.DataFrame({
        "unit": ["A", "A", "B", "C", "C", "C", "D", "D", "D"],
        "year": [1, 2, 2, 1, 2, 3, 1, 2, 3],
        "event": [0, 1, 1, 0, 0, 1, 0, 0, 0],
        "x": [1.0, 1.0, 0.0, 2.0, 2.0, 2.0, 0.5, 0.5, 0.5],
    })
    rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")

    def year3(b):
        return 2 * b - np.log(np.exp(2 * b) + np.exp(0.5 * b))

    def s0(b):
        return np.exp(b) + 1 + np.exp(2 * b) + np.exp(0.5 * b)

    def breslow(b):
        return b - 2 * np.log(s0(b)) + year3(b)

    def efron(b):
        dead = np.exp(b) + 1
        return b - np.log(s0(b)) - np.log(s0(b) - dead / 2) + year3(b)

    def exact(b):
        # pairs AB, AC, AD, BC, BD, CD: sums of x 1, 3, 1.5, 2, 0.5, 2.5
        pairs = sum(np.exp(v * b) for v in (1, 3, 1.5, 2, 0.5, 2.5))
        return b - np.log(pairs) + year3(b)

    for ties, f in [("breslow", breslow), ("efron", efron), ("exact", exact)]:
        res = CoxHazard(rs, covariates=["x"], ties=ties).fit(cov_type="classic")
        grid = np.linspace(-3, 3, 60001)
        b_hat = grid[np.argmax(f(grid))]
        assert res.params["x"] == pytest.approx(b_hat, abs=1e-4), ties
        assert res.loglik == pytest.approx(f(res.params["x"]), rel=1e-12), ties
        b, h = res.params["x"], 1e-4
        info = -(f(b + h) - 2 * f(b) + f(b - h)) / h ** 2
        assert res.std_errors["x"] == pytest.approx(1 / np.sqrt(info), rel=1e-5), ties
        assert res.extra["loglik_null"] == pytest.approx(f(0.0), rel=1e-12)


def test_tiny_case_robust_variance_after_exact_ties_by_hand():
    """The tiny case above with x = 3 for C and 0.2 for D (the estimate of the original
    is 0, where the two kinds of residuals coincide): score residuals of the exact likelihood and
    Breslow's (R's convention) at the exact estimate, written out, in the robust and
    cluster sandwiches.

    Year 2: risk set A (x=1), B (0), C (3), D (0.2), events {A, B}; year 3: C (3), D (0.2),
    event C. Rows of year 1 are at risk at no event time (residual 0).
    """
    panel = pd.DataFrame({
        "unit": ["A", "A", "B", "C", "C", "C", "D", "D", "D"],
        "year": [1, 2, 2, 1, 2, 3, 1, 2, 3],
        "event": [0, 1, 1, 0, 0, 1, 0, 0, 0],
        "x": [1.0, 1.0, 0.0, 3.0, 3.0, 3.0, 0.2, 0.2, 0.2],
    })
    rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
    model = CoxHazard(rs, covariates=["x"], ties="exact")
    classic = model.fit(cov_type="classic")
    b, V = classic.params["x"], classic.cov.to_numpy()[0, 0]
    assert abs(b) > 0.05
    x2 = {"A": 1.0, "B": 0.0, "C": 3.0, "D": 0.2}  # year 2
    w = {u: np.exp(v * b) for u, v in x2.items()}
    pairs = [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D")]
    B2 = sum(w[i] * w[j] for i, j in pairs)
    pi = {u: sum(w[i] * w[j] for i, j in pairs if u in (i, j)) / B2 for u in x2}
    xbar_exact = sum(pi[u] * x2[u] for u in x2) / 2
    S0 = sum(w.values())
    xbar_breslow = sum(w[u] * x2[u] for u in x2) / S0
    dead = {"A": 1, "B": 1, "C": 0, "D": 0}
    # year 3 (one event: both conventions are Breslow's)
    w3 = {"C": np.exp(3 * b), "D": np.exp(0.2 * b)}
    xbar3 = (3 * w3["C"] + 0.2 * w3["D"]) / (w3["C"] + w3["D"])
    year3 = {"C": (3 - xbar3) * (1 - w3["C"] / (w3["C"] + w3["D"])),
             "D": -(0.2 - xbar3) * w3["D"] / (w3["C"] + w3["D"])}
    exact = {u: (x2[u] - xbar_exact) * (dead[u] - pi[u]) for u in x2}
    breslow = {u: (x2[u] - xbar_breslow) * (dead[u] - 2 * w[u] / S0) for u in x2}
    # rows in the risk set's order (unit, year); year-1 rows contribute nothing
    order = [("A", 1), ("A", 2), ("B", 2), ("C", 1), ("C", 2), ("C", 3), ("D", 1),
             ("D", 2), ("D", 3)]
    for residuals, option in [(exact, "likelihood"), (breslow, "breslow")]:
        U = np.array([0.0 if t == 1 else (year3[u] if t == 3 else residuals[u])
                      for u, t in order])
        units = np.array([u for u, _ in order])
        by_unit = np.array([U[units == u].sum() for u in "ABCD"])
        rob = model.fit(cov_type="robust", score_residuals=option)
        cl = model.fit(cov_type="cluster", score_residuals=option)
        assert rob.cov.iloc[0, 0] == pytest.approx(V * (U @ U) * V, rel=1e-10), option
        assert cl.cov.iloc[0, 0] == pytest.approx(V * (by_unit @ by_unit) * V,
                                                  rel=1e-10), option
        if option == "likelihood":  # the score of the likelihood maximised: zero
            assert U.sum() == pytest.approx(0.0, abs=1e-9)
        else:  # Breslow's score at the exact estimate: not zero
            assert abs(U.sum()) > 1e-3


def test_late_entry_is_left_truncation():
    """A unit is at risk only from its first row: (t - 1, t], not from t - 1 (statsmodels)."""
    panel = pd.DataFrame({
        "unit": ["A", "B", "C", "C"],
        "year": [1, 2, 1, 2],
        "event": [1, 0, 0, 1],
        "x": [1.0, 5.0, 0.0, 0.0],
    })
    rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
    # year 1: {A, C}, A dies; year 2: {B, C}, C dies. B (x=5) enters in year 2 and is
    # NOT at risk in year 1.
    res = CoxHazard(rs, covariates=["x"], ties="breslow").fit(cov_type="classic")

    def ll(b):
        return b - np.log(np.exp(b) + 1) - np.log(np.exp(5 * b) + 1)

    grid = np.linspace(-5, 5, 100001)
    assert res.params["x"] == pytest.approx(grid[np.argmax(ll(grid))], abs=1e-4)


# ----------------------------------------------------------------- invariances
def _collapse(frame: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    """One (start, stop] interval per run of consecutive years of a unit."""
    f = frame.sort_values(["unit", "year"])
    new = ~(f["unit"].eq(f["unit"].shift()) & f["year"].eq(f["year"].shift() + 1))
    run = new.cumsum()
    agg = {"unit": ("unit", "first"), "start": ("year", "min"), "stop": ("year", "max"),
           "event": ("event", "max")}
    agg.update({c: (c, "first") for c in covariates})
    out = f.groupby(run).agg(**agg).reset_index(drop=True)
    out["start"] = out["start"] - 1
    return out


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_static_equals_time_varying_when_nothing_varies(rs_bloc, ties):
    """Split country-years and one interval per membership run give the same Cox fit."""
    frame = rs_bloc.frame
    frame["z"] = frame.groupby("unit")["x1"].transform("first")  # constant within unit
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    covs = ["x2", "z"]
    tv = CoxHazard(rs2, covariates=covs, ties=ties, strata="bloc")
    res = tv.fit(cov_type="cluster")
    static = _collapse(frame, covs + ["bloc"])
    assert len(static) < len(frame) / 10
    codes = pd.factorize(static["bloc"], sort=True)[0]
    data = engine.prepare(static[covs].to_numpy(), static["start"], static["stop"],
                          static["event"], codes, ties)
    assert not data.unit  # long intervals: the general cumulative-sum path
    fit = engine.newton(lambda b: engine.derivatives(data, b), 2, max_iter=50, tol=1e-14,
                        step_tol=1e-6)
    np.testing.assert_allclose(res.params, fit.params, rtol=1e-9)
    np.testing.assert_allclose(res.loglik, fit.loglik, rtol=1e-12)
    V = np.linalg.inv(fit.info)
    np.testing.assert_allclose(tv.fit(cov_type="classic").cov, V, rtol=1e-8)
    # the score residuals of a unit add up over its pieces: same cluster variance
    U = engine.score_residuals(data, fit.params)
    cl = pd.factorize(static["unit"])[0]
    Ug = np.column_stack([np.bincount(cl, U[:, j]) for j in range(2)])
    np.testing.assert_allclose(res.cov, V @ Ug.T @ Ug @ V, rtol=1e-8)


def test_row_order_changes_nothing(rs_bloc):
    frame = rs_bloc.frame.sample(frac=1.0, random_state=3)
    shuffled = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    for ties in ("efron", "exact"):
        a = CoxHazard(rs_bloc, covariates=["x1", "x2"], ties=ties, strata="bloc").fit()
        b = CoxHazard(shuffled, covariates=["x1", "x2"], ties=ties, strata="bloc").fit()
        np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
        np.testing.assert_allclose(a.cov, b.cov, rtol=1e-8)


def test_exact_equals_efron_and_breslow_without_ties(rs):
    """With one event per year the three likelihoods (and residuals) coincide."""
    frame = rs.frame
    first = frame[frame.event == 1].sort_values(["year", "unit"]).drop_duplicates("year")
    losers = set(frame.loc[frame.event == 1, "unit"]) - set(first["unit"])
    frame = frame[~frame["unit"].isin(losers)]
    rs1 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    assert rs1.frame.groupby("year")["event"].sum().max() == 1
    fits = {t: CoxHazard(rs1, covariates=["x1", "x2"], ties=t).fit() for t in
            ("efron", "breslow", "exact")}
    for t in ("breslow", "exact"):
        np.testing.assert_allclose(fits[t].params, fits["efron"].params, rtol=1e-10)
        np.testing.assert_allclose(fits[t].cov, fits["efron"].cov, rtol=1e-8)
        np.testing.assert_allclose(fits[t].loglik, fits["efron"].loglik, rtol=1e-12)
    # without ties R's Breslow residuals and the exact likelihood's are the same
    exact = CoxHazard(rs1, covariates=["x1", "x2"], ties="exact")
    for cov_type in ("cluster", "robust"):
        np.testing.assert_allclose(exact.fit(cov_type=cov_type, score_residuals="breslow").cov,
                                   exact.fit(cov_type=cov_type).cov, rtol=1e-10)


def test_score_residuals_option(rs):
    """Breslow ties: both options are Breslow's residuals. Exact ties: the two differ,
    the classic covariance ignores the option, and refits keep it (fit_options)."""
    brz = CoxHazard(rs, covariates=["x1", "x2"], ties="breslow")
    np.testing.assert_array_equal(brz.fit(score_residuals="breslow").cov, brz.fit().cov)
    exact = CoxHazard(rs, covariates=["x1", "x2"], ties="exact")
    assert rs.frame.groupby("year")["event"].sum().max() >= 3
    a, b = exact.fit(), exact.fit(score_residuals="breslow")
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.cov, b.cov, rtol=1e-8, atol=0)
    assert (a.extra["score_residuals"], b.extra["score_residuals"]) == ("likelihood", "breslow")
    assert b.extra["fit_options"]["score_residuals"] == "breslow"
    np.testing.assert_array_equal(exact.fit(cov_type="classic", score_residuals="breslow").cov,
                                  exact.fit(cov_type="classic").cov)
    with pytest.raises(TypeError):
        exact.fit("cluster", None, "r", "breslow")  # type: ignore[misc]  # keyword-only


def test_exact_derivatives_and_residuals():
    """Analytic score/information of the exact likelihood against finite differences."""
    rng = np.random.default_rng(0)
    n = 300
    X = rng.normal(size=(n, 2))
    stop = rng.integers(1, 8, n).astype(float)
    start = np.maximum(stop - rng.integers(1, 4, n), 0).astype(float)
    event = (rng.random(n) < 0.5).astype(int)
    data = engine.prepare(X, start, stop, event, rng.integers(0, 2, n), "exact")
    assert data.group_deaths.max() >= 5 and not data.unit
    tied = cox_exact.prepare_tied(data)
    b = np.array([0.3, -0.2])
    ll, U, info = cox_exact.exact_derivatives(data, b, tied)
    h = 1e-6
    num_U = [(cox_exact.exact_loglik(data, b + h * e, tied)
              - cox_exact.exact_loglik(data, b - h * e, tied)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(U, num_U, rtol=1e-6)
    num_I = [-(cox_exact.exact_derivatives(data, b + h * e, tied)[1]
               - cox_exact.exact_derivatives(data, b - h * e, tied)[1]) / (2 * h)
             for e in np.eye(2)]
    np.testing.assert_allclose(info, num_I, rtol=1e-5)
    # residuals sum to the score at any beta
    np.testing.assert_allclose(cox_exact.exact_score_residuals(data, b, tied).sum(axis=0), U,
                               rtol=1e-10)
    # Efron/Breslow residuals too
    for ties in ("efron", "breslow"):
        dt = engine.prepare(X, start, stop, event, None, ties)
        np.testing.assert_allclose(engine.score_residuals(dt, b).sum(axis=0),
                                   engine.derivatives(dt, b)[1], rtol=1e-10, atol=1e-12)


def _brute_force(X, start, stop, event, stratum, beta):
    """Breslow log likelihood, score and information by a loop over event times."""
    ll, U, info = 0.0, np.zeros(X.shape[1]), np.zeros((X.shape[1],) * 2)
    for i in np.flatnonzero(event):
        risk = (stratum == stratum[i]) & (start < stop[i]) & (stop[i] <= stop)
        w = np.exp(X[risk] @ beta)
        mean = w @ X[risk] / w.sum()
        ll += X[i] @ beta - np.log(w.sum())
        U += X[i] - mean
        info += (X[risk] * w[:, None]).T @ X[risk] / w.sum() - np.outer(mean, mean)
    return ll, U, info


@pytest.mark.parametrize("k", [3, 12])  # both sides of weighted_gram's switch at 10
@pytest.mark.parametrize("clock", ["whole", "fractional"])
def test_engine_against_brute_force(k, clock):
    """One stratum (fast path), strata given as all zeros, and two strata (general
    path) against a loop over event times; whole-number and fractional clocks."""
    rng = np.random.default_rng(k)
    n = 400
    X = rng.normal(size=(n, k))
    stop = rng.integers(1, 15, n).astype(float)
    if clock == "fractional":
        stop = stop + rng.choice([0.25, 0.5], n)
    start = stop - rng.integers(1, 4, n)
    # no events at every third time: rows spanning only those times are at risk in no
    # event group
    event = (rng.random(n) < 0.3) & (np.floor(stop) % 3 != 0)
    beta = rng.normal(scale=0.2, size=k)
    one = np.zeros(n, dtype=int)
    two = rng.integers(0, 2, n)
    for stratum, codes in ((None, one), (one, one), (two, two)):
        data = engine.prepare(X, start, stop, event.astype(int), stratum, "breslow")
        ll, U, info = engine.derivatives(data, beta)
        ref = _brute_force(X, start, stop, event, codes, beta)
        np.testing.assert_allclose(ll, ref[0], rtol=1e-12)
        np.testing.assert_allclose(U, ref[1], rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(info, ref[2], rtol=1e-10, atol=1e-10)
        assert data.group_deaths.sum() == event.sum()
        assert 0 < data.n_in < n
        np.testing.assert_array_equal(data.order[data.inverse], np.arange(n))


def test_weighted_gram():
    rng = np.random.default_rng(1)
    for k in (1, 4, 10, 11, 15):
        X = np.asfortranarray(rng.normal(size=(200, k)))
        w = rng.random(200)
        np.testing.assert_allclose(engine.weighted_gram(X, w), X.T @ (X * w[:, None]),
                                   rtol=1e-12, atol=1e-12)


def test_simulation_recovers_truth():
    """Under a cloglog DGP the log hazard ratios of x1 and x2 are recovered."""
    w = d.simulate.world(seed=21, n_units=400, x1=0.5, x2=-0.6, regional=0.0)
    res = CoxHazard(w.risk_set(), covariates=["x1", "x2"], ties="exact").fit()
    z = (res.params - pd.Series({"x1": 0.5, "x2": -0.6})) / res.std_errors
    assert (z.abs() < 4).all()


@pytest.mark.slow
def test_exact_ties_robust_variance_calibration():
    """Why the default residuals after exact ties are the exact likelihood's, not R's.

    Logit worlds (the exact partial likelihood is then the conditional logistic
    likelihood given the events of each year, so it estimates the logit coefficients)
    with about 30 tied events a year and a strong effect of x1: over 200 worlds the
    clustered SE from the exact likelihood's residuals matches the spread of the
    estimates; R's (Breslow's residuals at the exact estimate) overstates it by about
    60 % (a study with 400 worlds: 1.03 and 1.64, coverage 95.5 % and 98.8 %).
    """
    kw = dict(n_units=300, link="logit", start=1990, end=2014, intercept=-2.5, x1=1.5,
              x2=-1.5, regional=1.0, late_entry=0.1)
    est, se_lik, se_r = [], [], []
    for seed in range(200):
        m = CoxHazard(d.simulate.world(seed=5000 + seed, **kw).risk_set(),
                      covariates=["x1", "x2", "regional"], ties="exact")
        a, b = m.fit(), m.fit(score_residuals="breslow")
        est.append(a.params["x1"])
        se_lik.append(a.std_errors["x1"])
        se_r.append(b.std_errors["x1"])
    est, se_lik, se_r = map(np.asarray, (est, se_lik, se_r))
    sd = est.std(ddof=1)  # Monte Carlo error of the ratios below: about 5 %
    assert 0.85 < se_lik.mean() / sd < 1.15
    assert se_r.mean() / sd > 1.35
    assert np.mean(np.abs(est - 1.5) <= 1.96 * se_lik) > 0.92


# ----------------------------------------------------------------- predictions
def test_baseline_and_predictions(rs_bloc):
    m = CoxHazard(rs_bloc, covariates=["x1", "x2"], strata="bloc")
    res = m.fit()
    base = m.baseline_hazard(res)
    assert list(base.columns) == ["bloc", "time", "n_risk", "n_events", "hazard",
                                  "cumulative_hazard", "survival"]
    assert base.groupby("bloc")["n_events"].sum().sum() == res.n_events
    profiles = pd.DataFrame({"x1": [0.0, 1.0], "x2": [0.0, 1.0], "bloc": ["A", "B"]},
                            index=["low", "high"])
    pred = m.predict(res, profiles, since=1950)
    assert set(pred["profile"]) == {"low", "high"} and pred["time"].min() == 1950
    for _, p in pred.groupby("profile"):
        assert np.all(np.diff(p["adoption"]) >= 0) and np.all(p["time"].diff().dropna() == 1)
        np.testing.assert_allclose(p["adoption"], 1 - p["survival"])
        np.testing.assert_allclose(1 - np.cumprod(1 - p["hazard"]), p["adoption"], rtol=1e-10)
    low = pred[pred.profile == "low"]
    b = base[(base.bloc == "A") & (base.time >= 1950)]
    np.testing.assert_allclose(low["cumulative_hazard"].iloc[-1], b["hazard"].sum(), rtol=1e-12)
    with pytest.raises(DataError, match="x2"):
        m.predict(res, profiles.drop(columns="x2"))
    with pytest.raises(DataError, match="strata"):
        m.predict(res, profiles.drop(columns="bloc"))
    other = CoxHazard(rs_bloc, covariates=["x1"]).fit()
    with pytest.raises(SpecificationError, match="not produced"):
        m.predict(other, profiles)


def test_predictions_with_categorical_profiles(rs, world):
    frame = rs.frame.merge(world.groups, on="unit")
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    m = CoxHazard.from_formula("x1 + C(region)", rs2, clock="duration")
    res = m.fit()
    pred = m.predict(res, pd.DataFrame({"x1": [0.0], "region": ["R3"]}))
    r = np.exp(res.params["C(region)[T.R3]"])
    base = m.baseline_hazard(res)
    np.testing.assert_allclose(pred["cumulative_hazard"].iloc[-1],
                               base["cumulative_hazard"].iloc[-1] * r, rtol=1e-12)


# ------------------------------------------------------------------- diagnostics
def test_proportional_hazards_test_shapes(rs_bloc):
    m = CoxHazard(rs_bloc, covariates=["x1", "x2"], strata="bloc")
    res = m.fit()
    z = m.test_proportional_hazards(res, transform="rank")
    assert list(z.table.index) == ["x1", "x2", "GLOBAL"]
    assert list(z.table["df"]) == [1, 1, 2]
    assert len(z.residuals) == res.n_events
    assert {"bloc", "time", "g", "unit", "x1", "x2"} <= set(z.residuals.columns)
    assert "GLOBAL" in str(z)
    with pytest.raises(SpecificationError, match="transform"):
        m.test_proportional_hazards(res, transform="loglog")


# ------------------------------------------------------------------ bad input
def test_unknown_options(rs):
    with pytest.raises(SpecificationError, match="ties"):
        CoxHazard(rs, covariates=["x1"], ties="efron2")
    with pytest.raises(SpecificationError, match="clock"):
        CoxHazard(rs, covariates=["x1"], clock="age")
    m = CoxHazard(rs, covariates=["x1"])
    with pytest.raises(SpecificationError, match="cov_type"):
        m.fit(cov_type="hc3")
    with pytest.raises(SpecificationError, match="small_sample"):
        m.fit(small_sample="sas")
    with pytest.raises(SpecificationError, match="score_residuals"):
        m.fit(score_residuals="exact")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="ties='efron'"):
        m.fit(score_residuals="breslow")  # efron ties: R uses Efron's residuals
    with pytest.raises(SpecificationError, match="cluster="):
        m.fit(cov_type="classic", cluster="unit")
    with pytest.raises(SpecificationError, match="absent"):
        m.fit(cluster="country")
    with pytest.raises(SpecificationError, match="RiskSet"):
        CoxHazard(rs.frame, covariates=["x1"])  # type: ignore[arg-type]


@pytest.mark.parametrize("formula", ["event ~ 1", "1", "event ~ 0"])
def test_intercept_only_formula_refused(rs, formula):
    with pytest.raises(SpecificationError, match="no covariates"):
        CoxHazard.from_formula(formula, rs)


def test_no_covariates_refused(rs):
    with pytest.raises(SpecificationError, match="at least one covariate"):
        CoxHazard(rs, covariates=[])


def test_strata_with_missing_values_refused(rs):
    frame = rs.frame
    frame["s"] = np.where(frame.index % 7 == 0, np.nan, 1.0)
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(SpecificationError, match="'s' has .* missing value"):
        CoxHazard(rs2, covariates=["x1"], strata="s")
    with pytest.raises(SpecificationError, match="absent"):
        CoxHazard(rs, covariates=["x1"], strata="nope")
    with pytest.raises(SpecificationError, match="both a covariate"):
        CoxHazard(rs, covariates=["x1", "x2"], strata="x2")


def test_stratum_without_events_refused(rs):
    frame = rs.frame
    units = frame.loc[frame.event == 0, "unit"].drop_duplicates()
    never = units[~units.isin(frame.loc[frame.event == 1, "unit"])].iloc[:3]
    frame["s"] = np.where(frame["unit"].isin(never), "empty", "main")
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(EstimationError, match=r"no events: 'empty' \(181 rows\)"):
        CoxHazard(rs2, covariates=["x1"], strata="s").fit()


def test_world_share_aliased_with_calendar_baseline(rs):
    with pytest.raises(CollinearityError) as info:
        CoxHazard.from_formula("x1 + world", rs).fit()
    msg = str(info.value)
    assert "'world'" in msg and "DiscreteTimeHazard" in msg and "duration" in msg
    # identified on the duration clock
    res = CoxHazard.from_formula("x1 + world", rs, clock="duration").fit()
    assert np.isfinite(res.std_errors["world"])


def test_period_dummies_and_regional_strata_aliased(rs, world):
    frame = rs.frame.merge(world.groups, on="unit")
    frame["postwar"] = (frame["year"] >= 1945).astype(float)
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(CollinearityError, match="'postwar'"):
        CoxHazard(rs2, covariates=["x1", "postwar"]).fit()
    # without entries and exits the regional share of a unit's peers is the same for
    # every member of a region at risk in a year: aliased with strata(region)
    w = d.simulate.world(seed=5, n_units=120, late_entry=0.0, exit_rate=0.0)
    frame = w.risk_set().frame.merge(w.groups, on="unit")
    rs3 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(CollinearityError, match="'regional'.*stratum of 'region'"):
        CoxHazard(rs3, covariates=["x1", "regional"], strata="region").fit()


def test_duration_functions_aliased_on_duration_clock(rs):
    frame = rs.frame
    frame["dur"] = frame["year"] - rs.entry_times() + 1
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(CollinearityError, match="duration clock"):
        CoxHazard(rs2, covariates=["x1", "dur"], clock="duration").fit()


def test_collinear_covariates_named(rs):
    frame = rs.frame
    frame["x3"] = 2 * frame["x1"] - frame["x2"]
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(CollinearityError, match="'x3' is a linear combination of 'x1', 'x2'"):
        CoxHazard(rs2, covariates=["x1", "x2", "x3"]).fit()


def test_monotone_likelihood_refused(rs):
    frame = rs.frame
    frame["adopter"] = frame.groupby("unit")["event"].transform("max").astype(float)
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(SeparationError, match="'adopter'"):
        CoxHazard(rs2, covariates=["x1", "adopter"]).fit()


def test_errors_are_diffusion_errors():
    assert issubclass(CollinearityError, DiffusionError)
    assert issubclass(SeparationError, EstimationError)
