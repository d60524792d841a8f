"""Contract, specification and failure tests of the discrete-time hazard model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion import DiscreteTimeHazard, RiskSet
from diffusion.errors import (
    CollinearityError,
    DataError,
    DiffusionError,
    EstimationError,
    SeparationError,
    SpecificationError,
)
from diffusion.models.time_terms import Cubic, Dummies, Periods, Spline


@pytest.fixture(scope="module")
def rs() -> RiskSet:
    return d.simulate.world(seed=5, n_units=120).risk_set()


LINKS = ["logit", "probit", "cloglog"]


@pytest.mark.parametrize("link", LINKS)
def test_results_vocabulary_and_immutability(rs, link):
    model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", rs, link=link)
    before = rs.frame.copy()
    res = model.fit()
    assert list(res.params.index) == ["Intercept", "x1", "x2", "regional"]
    for name in ("params", "std_errors", "z_stats", "p_values"):
        s = getattr(res, name)
        assert isinstance(s, pd.Series) and s.notna().all()
    assert res.cov.shape == (4, 4)
    np.testing.assert_allclose(res.std_errors, np.sqrt(np.diag(res.cov)))
    np.testing.assert_allclose(res.z_stats, res.params / res.std_errors)
    ci = res.conf_int(0.9)
    assert (ci["lower"] < res.params).all() and (res.params < ci["upper"]).all()
    assert res.aic == pytest.approx(-2 * res.loglik + 8)
    assert res.bic == pytest.approx(-2 * res.loglik + 4 * np.log(res.n_obs))
    assert res.n_obs == rs.n_obs and res.n_events == rs.n_events and res.n_units == rs.n_units
    assert res.cluster == "unit" and res.n_clusters == rs.n_units
    # frozen: attributes cannot be set and returned arrays are copies
    with pytest.raises(AttributeError):
        res.loglik = 0.0  # type: ignore[misc]
    p = res.params
    p.iloc[0] = 99.0
    assert res.params.iloc[0] != 99.0
    # the risk set is untouched and a second fit gives the same answer
    pd.testing.assert_frame_equal(rs.frame, before)
    again = model.fit()
    np.testing.assert_array_equal(again.params, res.params)
    # a different covariance is a new result with the same coefficients
    classic = model.fit(cov_type="classic")
    np.testing.assert_array_equal(classic.params, res.params)
    assert classic.cov_type == "classic" and res.cov_type == "cluster"


def test_formula_and_column_constructors_agree(rs):
    a = DiscreteTimeHazard.from_formula("x1 + regional", rs, link="cloglog", time="cubic").fit()
    b = DiscreteTimeHazard(rs, covariates=["x1", "regional"], link="cloglog", time="cubic").fit()
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-10)


def test_logit_observed_equals_expected(rs):
    m = DiscreteTimeHazard.from_formula("x1 + x2", rs, link="logit")
    a, b = m.fit(information="expected"), m.fit(information="observed")
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-8)


def test_cloglog_observed_differs_and_matches_numerical_hessian(rs):
    m = DiscreteTimeHazard.from_formula("x1 + x2", rs, link="cloglog")
    res = m.fit(cov_type="classic", information="observed")
    # numerical Hessian of the log-likelihood at the estimate
    frame = rs.frame
    X = np.column_stack([np.ones(len(frame)), frame["x1"], frame["x2"]])
    y = frame["event"].to_numpy(float)

    def ll(beta):
        e = np.exp(X @ beta)
        return np.sum(y * np.log(-np.expm1(-e)) - (1 - y) * e)

    beta, h = res.params.to_numpy(), 1e-4
    k = len(beta)
    H = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            H[i, j] = (ll(beta + ei + ej) - ll(beta + ei - ej) - ll(beta - ei + ej)
                       + ll(beta - ei - ej)) / (4 * h * h)
    np.testing.assert_allclose(res.cov, np.linalg.inv(-H), rtol=1e-4)
    expected = m.fit(cov_type="classic")
    assert not np.allclose(expected.cov, res.cov, rtol=1e-6)


def test_small_sample_factors(rs):
    m = DiscreteTimeHazard.from_formula("x1 + x2", rs, link="logit")
    r, s, n = (m.fit(small_sample=o) for o in ("r", "stata", "none"))
    g, nobs, k = r.n_clusters, r.n_obs, 3
    np.testing.assert_allclose(r.cov, n.cov * g / (g - 1) * (nobs - 1) / (nobs - k), rtol=1e-12)
    np.testing.assert_allclose(s.cov, n.cov * g / (g - 1), rtol=1e-12)
    rob = m.fit(cov_type="robust", small_sample="none")
    rob_r = m.fit(cov_type="robust")
    np.testing.assert_allclose(rob_r.cov, rob.cov * nobs / (nobs - k), rtol=1e-12)


def test_cluster_by_other_column(rs):
    frame = rs.frame
    panel = frame.assign(block=frame["unit"].str[-1])
    rs2 = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("x1", rs2, link="logit").fit(cluster="block")
    assert res.cluster == "block" and res.n_clusters == panel["block"].nunique()


@pytest.mark.parametrize("time", [None, "cubic", "spline", Cubic(scale="calendar"),
                                  Spline(df=4, scale="calendar"), Periods([1950, 1980]),
                                  Dummies(scale="calendar", empty="drop")])
def test_time_terms_fit(rs, time):
    res = DiscreteTimeHazard.from_formula("x1 + regional", rs, link="cloglog", time=time).fit()
    assert res.converged and np.isfinite(res.std_errors).all()


def test_dummies_with_empty_years_error_or_drop(rs):
    with pytest.raises(SeparationError, match="no event"):
        DiscreteTimeHazard.from_formula("x1", rs, link="logit", time="dummies").fit()
    res = DiscreteTimeHazard.from_formula("x1", rs, link="logit",
                                          time=Dummies(empty="drop")).fit()
    dropped = [n for n in res.notes if n.kind == "time_dummies_empty"]
    assert len(dropped) == 1 and res.n_obs == rs.n_obs - dropped[0].count


def test_spline_basis_is_natural_and_full_rank():
    from diffusion.models.time_terms import natural_spline_basis

    x = np.linspace(0.0, 1.0, 20001)
    B = natural_spline_basis(x, 4)
    assert B.shape == (len(x), 4) and np.linalg.matrix_rank(B) == 4
    # natural: the second derivative vanishes at both boundary knots, while it does
    # not in the interior
    h = x[1] - x[0]
    d2 = np.diff(B, 2, axis=0) / h**2
    assert np.abs(d2[[0, -1]]).max() < 1e-2 * np.abs(d2).max()
    assert np.abs(d2[len(x) // 3]).max() > 0.1 * np.abs(d2).max()
    # the space contains the linear function of x (plus a constant)
    Z = np.column_stack([np.ones_like(x), B])
    coef, res, *_ = np.linalg.lstsq(Z, x, rcond=None)
    assert np.allclose(Z @ coef, x)
    assert natural_spline_basis(np.arange(1.0, 101.0), 4).shape == (100, 4)


def test_listwise_deletion_is_counted(rs):
    frame = rs.frame
    frame.loc[frame.index[:7], "x1"] = np.nan
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("x1 + x2", rs2, link="logit").fit()
    notes = [n for n in res.notes if n.kind == "listwise_deletion"]
    assert res.n_obs == len(frame) - 7 and notes and notes[0].count == 7
    assert "'x1': 7" in notes[0].message


def _tiny_panel(**extra) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame({"unit": np.repeat(np.arange(40), 10), "year": np.tile(np.arange(10), 40)})
    frame["event"] = 0
    last = frame.groupby("unit")["year"].transform("max") == frame["year"]
    frame.loc[last & (frame["unit"] % 3 == 0), "event"] = 1
    frame["x"] = rng.normal(size=n)
    for k, v in extra.items():
        frame[k] = v(frame) if callable(v) else v
    return frame


def test_collinear_terms_are_named():
    frame = _tiny_panel(z=lambda f: 2 * f["x"] + 1, c=3.0)
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(CollinearityError, match=r"'z' is a linear combination of 'Intercept', 'x'"):
        DiscreteTimeHazard.from_formula("x + z", rs, link="logit").fit()
    with pytest.raises(CollinearityError, match="'c' is constant"):
        DiscreteTimeHazard.from_formula("x + c", rs, link="logit").fit()


def test_separation_is_detected_and_named():
    frame = _tiny_panel(s=lambda f: f["event"].astype(float))
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(SeparationError, match="'s'"):
        DiscreteTimeHazard.from_formula("x + s", rs, link="cloglog").fit()


def test_non_finite_covariate_names_column_and_row():
    frame = _tiny_panel()
    frame.loc[13, "x"] = np.inf
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(DataError, match=r"'x'.*first at 1 in 3"):
        DiscreteTimeHazard.from_formula("x", rs, link="logit").fit()


def test_no_events_is_an_error():
    frame = _tiny_panel()
    frame["event"] = 0
    rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    with pytest.raises(EstimationError, match="no events"):
        DiscreteTimeHazard.from_formula("x", rs, link="logit").fit()


@pytest.mark.parametrize("kwargs, match", [
    ({"link": "logistic"}, "unknown link 'logistic'"),
    ({"link": "logit", "time": "quartic"}, "unknown time 'quartic'"),
    ({"link": "logit", "time": "periods"}, "needs break years"),
])
def test_unknown_model_options(rs, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        DiscreteTimeHazard.from_formula("x1", rs, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"cov_type": "hc3"}, "unknown cov_type 'hc3'"),
    ({"information": "fisher"}, "unknown information"),
    ({"small_sample": "sas"}, "unknown small_sample"),
    ({"cov_type": "classic", "cluster": "unit"}, "only used with cov_type='cluster'"),
    ({"cluster": "nope"}, "cluster column 'nope' is absent"),
])
def test_unknown_fit_options(rs, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        DiscreteTimeHazard.from_formula("x1", rs, link="logit").fit(**kwargs)


def test_formula_errors(rs):
    with pytest.raises(SpecificationError, match="absent from the risk set: 'gdp'"):
        DiscreteTimeHazard.from_formula("event ~ x1 + gdp", rs, link="logit")
    with pytest.raises(SpecificationError, match="left side"):
        DiscreteTimeHazard.from_formula("x2 ~ x1", rs, link="logit")
    with pytest.raises(SpecificationError, match="not numeric"):
        DiscreteTimeHazard(rs, covariates=["unit"], link="logit")
    with pytest.raises(SpecificationError, match="must be a diffusion.RiskSet"):
        DiscreteTimeHazard.from_formula("x1", rs.frame, link="logit")  # type: ignore[arg-type]


def test_categorical_formula_terms(rs):
    frame = rs.frame
    frame["bloc"] = np.where(frame["x2"] > 0, "a", "b")
    rs2 = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("x1 + C(bloc)", rs2, link="logit").fit()
    assert "C(bloc)[T.b]" in res.terms


def test_every_error_is_a_diffusion_error():
    for cls in (CollinearityError, SeparationError, DataError, SpecificationError):
        assert issubclass(cls, DiffusionError)


def test_summary_renderers(rs):
    res = DiscreteTimeHazard.from_formula("x1 + regional", rs, link="cloglog", time="cubic").fit()
    s = res.summary()
    text, md, tex, html = s.as_text(), s.as_markdown(), s.as_latex(), s.as_html()
    for out in (text, md, tex, html):
        assert "regional" in out and "cloglog" in out
    assert f"{res.params['x1']:.4f}" in text and f"{res.std_errors['x1']:.4f}" in md
    assert r"\begin{tabular}" in tex and "duration\\^{}2" in tex
    assert "<table>" in html
    assert "Notes:" in text  # the simulated world excludes units adopting before entry



def test_cloglog_hazard_ratios_list_covariates_only(rs):
    res = DiscreteTimeHazard.from_formula("x1 + regional", rs, link="cloglog",
                                          time="cubic").fit()
    hr = res.hazard_ratios()
    assert list(hr.index) == ["x1", "regional"]
    np.testing.assert_allclose(hr["hazard_ratio"], np.exp(res.params[["x1", "regional"]]))
    with pytest.raises(SpecificationError, match="odds ratio"):
        DiscreteTimeHazard.from_formula("x1", rs, link="logit").fit().hazard_ratios()
