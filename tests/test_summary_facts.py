"""The facts block of a model summary says the conventions in words."""

from __future__ import annotations

import pytest

import diffusion as d


@pytest.fixture(scope="module")
def rs():
    return d.simulate.world(seed=3, n_units=60).risk_set()


def _facts(res) -> dict[str, str]:
    return dict(res.summary().facts)


@pytest.mark.parametrize(("kwargs", "label"), [
    ({}, "R sandwich (HC1)"),
    ({"small_sample": "stata"}, "Stata (G/(G-1))"),
    ({"small_sample": "stata", "cov_type": "robust"}, "Stata (N/(N-1))"),
    ({"small_sample": "none"}, "none (HC0)"),
    ({"cov_type": "classic"}, "-"),
])
def test_small_sample_is_named_by_convention(rs, kwargs, label):
    res = d.DiscreteTimeHazard.from_formula("event ~ x1", rs, link="logit").fit(**kwargs)
    assert _facts(res)["Small-sample"] == label
    assert "Small-sample:" in res.summary().as_text()


def test_cox_robust_variance_has_no_factor_in_r(rs):
    res = d.CoxHazard.from_formula("event ~ x1", rs).fit()
    assert _facts(res)["Small-sample"] == "R coxph (none)"


def test_time_line_is_shown_without_time_terms(rs):
    flat = d.DiscreteTimeHazard.from_formula("event ~ x1", rs, link="logit").fit()
    assert _facts(flat)["Time"] == "none (constant hazard)"
    cubic = d.DiscreteTimeHazard.from_formula("event ~ x1", rs, link="logit", time="cubic").fit()
    assert _facts(cubic)["Time"] != _facts(flat)["Time"]
    assert "cubic" in _facts(cubic)["Time"]


def test_breslow_score_residuals_are_named(rs):
    model = d.CoxHazard.from_formula("event ~ x1", rs, ties="exact")
    assert "Breslow" in _facts(model.fit(score_residuals="breslow"))["Std. errors"]
    assert "Breslow" not in _facts(model.fit())["Std. errors"]
