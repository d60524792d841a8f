"""period_interactions and break_search: against R, invariances, and bad input.

Reference values: ``tests/reference/compare.R`` (blocks ``breaks`` and ``periods``), R
``glm(binomial(cloglog))`` with ``world * I(year >= c)`` and period-split columns, and
``sandwich::vcovCL(type = "HC1")`` standard errors; see ``test_compare.py`` for the
fixture and the tolerances (log-likelihood 1e-8, coefficients 1e-6, standard errors
1e-5 relative, as in ``test_discrete_vs_r.py``).
"""

from __future__ import annotations

import functools
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import diffusion as d
from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet
from diffusion.errors import DiffusionWarning, EstimationError, SpecificationError
from diffusion.inference.breaks import BreakSearch

from _reference import INPUTS, OUTPUTS, read_reference_csv

REFERENCE = json.loads((OUTPUTS / "compare_sim.json").read_text())


@functools.cache
def risk_set() -> RiskSet:
    frame = read_reference_csv(INPUTS / "compare_sim.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@functools.cache
def search() -> BreakSearch:
    ref = REFERENCE["breaks"]
    with pytest.warns(d.BreakSearchWarning, match="not chi-square"):
        return d.break_search(ref["formula"], risk_set(), term=ref["term"], years=ref["years"],
                              link=ref["link"])


# -------------------------------------------------------------- against R
def test_profile_matches_r():
    ref = REFERENCE["breaks"]
    bs = search()
    prof = bs.profile
    years = [p["year"] for p in ref["profile"]]
    assert list(prof.index) == years
    np.testing.assert_allclose(prof["loglik"], [p["loglik"] for p in ref["profile"]],
                               rtol=1e-8, atol=0)
    np.testing.assert_allclose(prof["change"], [p["change"] for p in ref["profile"]],
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(prof["std_err"], [p["std_err"] for p in ref["profile"]],
                               rtol=1e-5, atol=0)
    assert bs.loglik_no_break == pytest.approx(ref["loglik_no_break"], rel=1e-8)


def test_best_year_interval_and_sup_lr_follow_from_r_profile():
    ref = REFERENCE["breaks"]
    bs = search()
    ll = np.array([p["loglik"] for p in ref["profile"]])
    years = np.array([p["year"] for p in ref["profile"]])
    assert bs.best_year == years[np.argmax(ll)]
    inside = years[2 * (ll.max() - ll) <= stats.chi2.ppf(0.95, 1)]
    assert bs.interval == (inside.min(), inside.max())
    assert list(bs.profile.index[bs.profile["in_set"]]) == list(inside)
    assert bs.sup_lr == pytest.approx(2 * (ll.max() - ref["loglik_no_break"]), abs=1e-6)
    np.testing.assert_allclose(bs.profile["lr"], 2 * (ll - ref["loglik_no_break"]), atol=1e-6)
    # the best fit is kept, with the change named after its year
    assert bs.best.loglik == pytest.approx(ll.max(), rel=1e-8)
    assert f"world:post[{bs.best_year}]" in bs.best.terms


@pytest.mark.parametrize("coding", ["separate", "difference"])
def test_period_interactions_match_r(coding):
    ref = REFERENCE["periods"]
    rs = d.period_interactions(risk_set(), ref["term"], ref["breaks"], coding=coding)
    case = ref[coding]
    cols = [t for t in case["terms"] if t.startswith("world:period")]
    assert [c for c in rs.added if c.startswith("world:period")] == cols
    base = ["x1", "regional"] + (["world"] if coding == "difference" else [])
    res = DiscreteTimeHazard(rs, covariates=[*base, *cols], link=ref["link"]).fit()
    assert list(res.terms) == case["terms"]
    np.testing.assert_allclose(res.params, list(case["params"].values()), rtol=1e-6)
    np.testing.assert_allclose(res.std_errors, list(case["std_errors"].values()), rtol=1e-5)
    assert res.loglik == pytest.approx(case["loglik"], rel=1e-8)


# ------------------------------------------------------------- invariances
def test_both_codings_fit_the_same_model():
    rs = risk_set()
    sep = d.period_interactions(rs, "world", [1950, 1980])
    dif = d.period_interactions(rs, "world", [1950, 1980], coding="difference")
    a = DiscreteTimeHazard(sep, covariates=["x1", *sep.added[-3:]], link="cloglog").fit()
    b = DiscreteTimeHazard(dif, covariates=["x1", "world", *dif.added[-2:]],
                           link="cloglog").fit()
    assert a.loglik == pytest.approx(b.loglik, rel=1e-10)
    # difference coefficients are the separate ones minus the first period's
    first = a.params.iloc[2]
    np.testing.assert_allclose(b.params.iloc[3:].to_numpy(), a.params.iloc[3:].to_numpy() - first,
                               rtol=1e-6, atol=1e-8)
    # the periods add up to the term; the caller's risk set is unchanged
    frame = sep.frame
    np.testing.assert_allclose(frame[list(sep.added[-3:])].sum(axis=1), frame["world"])
    assert "world:period[1900-1949]" not in rs.frame.columns


def test_single_year_search_is_the_lr_test_of_one_interaction():
    rs = risk_set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one year: no warning
        bs = d.break_search("event ~ x1 + world", rs, term="world", years=[1960],
                            cov_type="classic")
    assert bs.notes and not any("sup-LR" in n for n in bs.notes)
    rs2 = rs.assign(post=lambda f: f["world"] * (f["year"] >= 1960))
    base = DiscreteTimeHazard.from_formula("event ~ x1 + world", rs, link="cloglog").fit()
    brk = DiscreteTimeHazard.from_formula("event ~ x1 + world + post", rs2, link="cloglog").fit()
    cmp = d.compare(base, brk)
    assert bs.sup_lr == pytest.approx(cmp.table["lr_chi2"].iloc[1], rel=1e-8)
    assert bs.best.params.iloc[-1] == pytest.approx(brk.params["post"], rel=1e-8)


def test_search_with_a_model_and_with_cox():
    rs = risk_set()
    years = [1950, 1970, 1990]
    model = DiscreteTimeHazard.from_formula("event ~ x1 + world", rs, link="cloglog")
    with pytest.warns(d.BreakSearchWarning):
        a = d.break_search(model, term="world", years=years)
    with pytest.warns(d.BreakSearchWarning):
        b = d.break_search("event ~ x1 + world", rs, term="world", years=years)
    pd.testing.assert_frame_equal(a.profile, b.profile)
    cox = CoxHazard(rs, covariates=["x1", "world"], clock="duration")
    with pytest.warns(d.BreakSearchWarning):
        c = d.break_search(cox, rs, term="world", years=years, cov_type="classic")
    assert c.model.startswith("Cox") and c.best_year in years
    rs2 = rs.assign(post=lambda f: f["world"] * (f["year"] >= c.best_year))
    direct = CoxHazard(rs2, covariates=["x1", "world", "post"], clock="duration").fit(
        cov_type="classic")
    assert c.best.loglik == pytest.approx(direct.loglik, rel=1e-10)


def _late_risk_set() -> RiskSet:
    # a term that is 0 before 1950: a break before then makes it identical to its
    # interaction with 1[t >= year]
    return risk_set().assign(late=lambda f: f["x1"] * (f["year"] >= 1950))


def test_failed_years_are_reported_not_dropped_silently():
    with pytest.warns(d.BreakSearchWarning):
        bs = d.break_search("event ~ x1 + late", _late_risk_set(), term="late",
                            years=[1930, 1940, 1970], cov_type="classic")
    assert bs.profile["loglik"].isna().sum() == 2
    assert bs.best_year == 1970
    assert any("could not be fitted" in n and "1930 (CollinearityError)" in n for n in bs.notes)


def test_result_renders_and_plots():
    bs = search()
    text, md = bs.as_text(), bs.as_markdown()
    for s in (text, md):
        assert "Best year" in s and "sup-LR" in s and str(bs.best_year) in s
    with pytest.raises(AttributeError):
        bs.best_year = 1900  # type: ignore[misc]
    fig = bs.plot()
    assert fig.axes and fig.axes[0].get_xlabel() == "break year"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_warning_is_a_diffusion_warning():
    assert issubclass(d.BreakSearchWarning, DiffusionWarning)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"years": []}, "empty"),
    ({"years": [1850, 1960]}, "outside the data.*1901-2010"),
    ({"years": [2011]}, "outside the data"),
    ({"years": [1900]}, "outside the data"),
    ({"years": [1960.5]}, "whole years"),
    ({"years": ["1960"]}, "whole years"),
    ({"years": [1960, 1960]}, "more than once"),
    ({"term": "x2"}, "does not contain 'x2'"),
    ({"term": "nothing"}, "not a column"),
    ({"term": "year"}, "unit, time or event"),
    ({"level": 1.5}, "level"),
])
def test_break_search_refuses(kwargs, match):
    args = {"term": "world", "years": [1960, 1970], **kwargs}
    with pytest.raises(SpecificationError, match=match):
        d.break_search("event ~ x1 + world", risk_set(), **args)


def test_break_search_refuses_bad_model_arguments():
    rs = risk_set()
    model = DiscreteTimeHazard.from_formula("event ~ x1 + world", rs, link="cloglog")
    with pytest.raises(SpecificationError, match="own"):
        d.break_search(model, term="world", years=[1960], link="logit")
    with pytest.raises(SpecificationError, match="pass the risk set"):
        d.break_search("event ~ x1 + world", term="world", years=[1960])
    with pytest.raises(SpecificationError, match="takes a DiscreteTimeHazard"):
        d.break_search(model.fit(), term="world", years=[1960])  # type: ignore[arg-type]


def test_break_search_with_no_fittable_year_is_an_estimation_error():
    with pytest.raises(EstimationError, match="no candidate break year"):
        d.break_search("event ~ x1 + late", _late_risk_set(), term="late", years=[1940])


@pytest.mark.parametrize(("breaks", "kwargs", "match"), [
    ([1800], {}, "empty period.*1901-2010"),
    ([2011], {}, "empty period"),
    ([1980, 1950], {}, "increasing"),
    ([], {}, "empty"),
    ([1950.5], {}, "whole years"),
    ([1950], {"coding": "dummy"}, "unknown coding"),
])
def test_period_interactions_refuse(breaks, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        d.period_interactions(risk_set(), "world", breaks, **kwargs)


def test_period_interactions_refuse_bad_terms():
    rs = risk_set().assign(label=np.array(["a"] * risk_set().n_obs, dtype=object))
    with pytest.raises(SpecificationError, match="not numeric"):
        d.period_interactions(rs, "label", [1950])
    with pytest.raises(SpecificationError, match="not a column"):
        d.period_interactions(rs, "nothing", [1950])
    with pytest.raises(SpecificationError, match="already exists"):
        d.period_interactions(d.period_interactions(rs, "world", [1950]), "world", [1950])
    # missing values of the term stay missing (listwise deletion counts them later)
    rs3 = d.period_interactions(rs, "x3", [1950])
    frame = rs3.frame
    assert frame["x3:period[1900-1949]"].isna().sum() == frame["x3"].isna().sum()
