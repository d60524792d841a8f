"""diffusion.compare and HazardResults.wald_test: against R, by hand, and on bad input.

Reference values come from ``tests/reference/compare.R`` (R ``glm``/``coxph``,
``anova(..., test = "LRT")``, ``sandwich::vcovCL``/``vcovHC``), run on
``inputs/compare_sim.csv`` (written by ``compare_make_inputs.py``) and stored in
``outputs/compare_sim.json`` with 17 significant digits.

Tolerances
----------
Both sides fit to far below the tolerances (see ``test_discrete_vs_r.py`` and
``test_cox_vs_r.py``); the measured agreement is about 1e-15 relative for
log-likelihoods and 1e-12 for Wald statistics. The tests allow:

* log-likelihood, AIC, BIC: 1e-8 relative;
* likelihood-ratio statistics: 1e-6 absolute -- a difference of two log-likelihoods
  near -470, so it carries their absolute error (1e-8 * 470 * 2 ~ 1e-5 at the worst the
  log-likelihood tolerance allows; the fits agree far better);
* Wald statistics and p-values: 1e-6 relative -- they go through the estimates and the
  inverted covariance, like the standard errors (1e-5 in the other R tests), and are
  measured at 1e-12.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script

import diffusion as d
from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet
from diffusion import time_terms as tt
from diffusion.errors import DiffusionError, EstimationError, SpecificationError
from diffusion.inference.compare import Comparison
from diffusion.inference.tests import lr_test, parse_constraints, wald_test

R_SCRIPT = REF / "compare.R"
FIXTURE = OUTPUTS / "compare_sim.json"
REFERENCE = json.loads(FIXTURE.read_text())

RTOL_LOGLIK = 1e-8
ATOL_LR = 1e-6
RTOL_WALD = 1e-6


@functools.cache
def risk_set() -> RiskSet:
    frame = read_reference_csv(INPUTS / "compare_sim.csv")
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event")


@functools.cache
def glm(formula: str, link: str = "cloglog", time: str = "none", cov_type: str = "cluster"):
    term = tt.Cubic(scale="duration") if time == "cubic_duration" else None
    return DiscreteTimeHazard.from_formula(formula, risk_set(), link=link,
                                           time=term).fit(cov_type=cov_type)


@functools.cache
def cox(formula: str, cov_type: str = "cluster"):
    return CoxHazard.from_formula(formula, risk_set(), clock="duration").fit(cov_type=cov_type)


def check_models(table: pd.DataFrame, models: list[dict]) -> None:
    assert list(table["k"]) == [len(m["terms"]) for m in models]
    assert list(table["n_obs"]) == [m["nobs"] for m in models]
    assert list(table["n_events"]) == [m["n_events"] for m in models]
    for col, key in (("loglik", "loglik"), ("aic", "aic"), ("bic", "bic")):
        np.testing.assert_allclose(table[col].to_numpy(), [m[key] for m in models],
                                   rtol=RTOL_LOGLIK, atol=0)


def check_tests(table: pd.DataFrame, tests: list[dict]) -> None:
    got = table.iloc[1:]
    np.testing.assert_allclose(got["lr_chi2"].to_numpy(dtype=float),
                               [t["statistic"] for t in tests], rtol=0, atol=ATOL_LR)
    assert list(got["df"]) == [t["df"] for t in tests]
    np.testing.assert_allclose(got["p_value"].to_numpy(dtype=float),
                               [t["p_value"] for t in tests], rtol=RTOL_WALD, atol=1e-12)


# --------------------------------------------------------------- against R: LR tests
def test_fixture_covers_every_block():
    for key in ("anova_cloglog", "anova_logit_cubic", "common_cloglog", "anova_cox",
                "common_cox", "wald_glm", "wald_cox", "breaks", "periods"):
        assert key in REFERENCE, f"outputs/compare_sim.json lacks {key}"


def test_sequential_lr_tests_match_r_anova_glm():
    ref = REFERENCE["anova_cloglog"]
    fits = [glm(f) for f in ref["formulas"]]
    cmp = d.compare(*fits)
    assert not any(cmp.refitted)
    check_models(cmp.table, ref["models"])
    check_tests(cmp.table, ref["tests"])
    assert list(cmp.table["vs"].iloc[1:]) == ["model 1", "model 2", "model 3"]


def test_lr_test_with_time_term_matches_r():
    ref = REFERENCE["anova_logit_cubic"]
    fits = [glm(f, "logit", "cubic_duration") for f in ref["formulas"]]
    cmp = d.compare(*fits)
    check_models(cmp.table, ref["models"])
    check_tests(cmp.table, ref["tests"])


def test_refit_on_common_sample_matches_r_on_complete_cases():
    """The fit without x3 uses all rows; compare refits it on the rows with x3, as R
    does by hand (anova refuses fits on different numbers of rows)."""
    ref = REFERENCE["common_cloglog"]
    small, big = (glm(f) for f in ref["formulas"])
    assert small.n_obs == ref["nobs_all"] and big.n_obs == ref["models"][1]["nobs"]
    cmp = d.compare(small, big)
    assert cmp.refitted == (True, False)
    assert cmp.n_obs == ref["models"][0]["nobs"]
    check_models(cmp.table, ref["models"])
    check_tests(cmp.table, ref["tests"])
    np.testing.assert_allclose(cmp.results[0].params.to_numpy(),
                               list(ref["models"][0]["params"].values()), rtol=1e-6)
    # said in the output, and in the refit's notes
    assert "refit" in cmp.as_text() and "refit" in cmp.notes[0]
    assert cmp.results[0].notes[-1].kind == "common_sample"
    assert cmp.results[0].notes[-1].count == ref["nobs_all"] - ref["models"][0]["nobs"]
    # the caller's result is untouched; the compared results share their rows
    assert small.n_obs == ref["nobs_all"]
    np.testing.assert_array_equal(cmp.results[0].estimation_rows, big.estimation_rows)
    # the refit keeps the fit options (cluster covariance by unit)
    assert cmp.results[0].cov_type == "cluster" and cmp.results[0].cluster == "unit"


def test_cox_lr_tests_match_r_anova_coxph():
    ref = REFERENCE["anova_cox"]
    cmp = d.compare(*(cox(f) for f in ref["formulas"]))
    check_models(cmp.table, ref["models"])
    check_tests(cmp.table, ref["tests"])
    assert any("number of events" in n for n in cmp.notes)  # Cox BIC


def test_cox_refit_on_common_sample_matches_r():
    ref = REFERENCE["common_cox"]
    small, big = (cox(f) for f in ref["formulas"])
    cmp = d.compare(small, big)
    assert cmp.refitted == (True, False)
    check_models(cmp.table, ref["models"])
    check_tests(cmp.table, ref["tests"])


# ------------------------------------------------------------- against R: Wald tests
WALD_CASES = [(h, cov) for h, by_cov in REFERENCE["wald_glm"]["tests"].items() for cov in by_cov]
COX_WALD_CASES = [(h, cov) for h, by_cov in REFERENCE["wald_cox"]["tests"].items()
                  for cov in by_cov]


def _hypothesis(label: str):
    # the fixture's "x2" case is a list of term names; the others are constraint strings
    return ["x2"] if label == "x2" else label


@pytest.mark.parametrize(("hypothesis", "cov"), WALD_CASES)
def test_wald_matches_r_with_vcov_vcovcl_vcovhc(hypothesis, cov):
    ref = REFERENCE["wald_glm"]["tests"][hypothesis][cov]
    res = glm(REFERENCE["wald_glm"]["formula"], cov_type=cov)
    w = res.wald_test(_hypothesis(hypothesis))
    assert w.df == ref["df"]
    np.testing.assert_allclose(w.statistic, ref["statistic"], rtol=RTOL_WALD)
    np.testing.assert_allclose(w.p_value, ref["p_value"], rtol=RTOL_WALD)


@pytest.mark.parametrize(("hypothesis", "cov"), COX_WALD_CASES)
def test_cox_wald_matches_r(hypothesis, cov):
    ref = REFERENCE["wald_cox"]["tests"][hypothesis][cov]
    res = cox(REFERENCE["wald_cox"]["formula"], cov_type=cov)
    w = res.wald_test(_hypothesis(hypothesis))
    assert w.df == ref["df"]
    np.testing.assert_allclose(w.statistic, ref["statistic"], rtol=RTOL_WALD)
    np.testing.assert_allclose(w.p_value, ref["p_value"], rtol=RTOL_WALD)


# --------------------------------------------------------------------- by hand
def test_wald_statistic_by_hand():
    b = pd.Series([0.5, 0.2], index=["regional", "world"])
    V = pd.DataFrame([[0.04, 0.0], [0.0, 0.01]], index=b.index, columns=b.index)
    # (0.5 - 0.2)^2 / (0.04 + 0.01) = 1.8
    w = wald_test(b, V, "regional = world")
    assert w.statistic == pytest.approx(1.8, rel=1e-12) and w.df == 1
    assert w.p_value == pytest.approx(math.erfc(math.sqrt(1.8 / 2)), rel=1e-12)
    # joint: 0.25 / 0.04 + 0.04 / 0.01 = 10.25; chi2(2) survival = exp(-W/2)
    w = wald_test(b, V, ["regional", "world"])
    assert w.statistic == pytest.approx(10.25, rel=1e-12) and w.df == 2
    assert w.p_value == pytest.approx(math.exp(-10.25 / 2), rel=1e-12)
    # R b - q with q != 0: 2 * 0.5 - 0.2 - 1 = -0.2; var = 4 * 0.04 + 0.01 = 0.17
    w = wald_test(b, V, "2 * regional - world = 1")
    assert w.statistic == pytest.approx(0.04 / 0.17, rel=1e-12)
    np.testing.assert_allclose(w.table["estimate"], [-0.2])
    np.testing.assert_allclose(w.table["std err"], [math.sqrt(0.17)])


def test_lr_by_hand():
    t = lr_test(-100.0, -97.0, 2)
    assert t.statistic == 6.0 and t.df == 2
    assert t.p_value == pytest.approx(math.exp(-3.0), rel=1e-12)
    with pytest.raises(EstimationError, match="did not reach its maximum"):
        lr_test(-97.0, -100.0, 1)
    with pytest.raises(SpecificationError):
        lr_test(-100.0, -97.0, 0)


def test_single_term_wald_is_z_squared():
    res = glm(REFERENCE["wald_glm"]["formula"])
    for term in res.terms:
        assert res.wald_test([term]).statistic == pytest.approx(res.z_stats[term] ** 2, rel=1e-10)
        assert res.wald_test([term]).p_value == pytest.approx(res.p_values[term], rel=1e-8)


def test_wald_is_invariant_to_how_the_hypothesis_is_written():
    res = glm(REFERENCE["wald_glm"]["formula"])
    a = res.wald_test("regional = 0, world = 0").statistic
    for text in ("world = 0; regional = 0", "regional, world", "0 = regional, world = 0",
                 "regional + world = 0, regional - world = 0", "`regional` = 0, 2*world = 0",
                 "-regional = 0, world * 3 = 0"):
        assert res.wald_test(text).statistic == pytest.approx(a, rel=1e-10), text
    assert res.wald_test(["world", "regional"]).statistic == pytest.approx(a, rel=1e-10)


# --------------------------------------------------------------------- the parser
TERMS = ["Intercept", "regional5", "world", "regional5:post1930", "world:post1930",
         "C(region)[T.b]", "I(x - 1)"]


def test_parser_builds_r_and_q():
    h = parse_constraints("regional5 = world, 2*world:post1930 - I(x - 1) = 1.5", TERMS)
    np.testing.assert_array_equal(h.R, [[0, 1, -1, 0, 0, 0, 0], [0, 0, 0, 0, 2, 0, -1]])
    np.testing.assert_array_equal(h.q, [0, 1.5])
    assert h.labels == ("regional5 = world", "2*world:post1930 - I(x - 1) = 1.5")
    # names containing operators and brackets are matched whole, longest first
    h = parse_constraints("regional5:post1930 + C(region)[T.b]", TERMS)
    np.testing.assert_array_equal(h.R, [[0, 0, 0, 1, 0, 1, 0]])
    assert h.labels == ("regional5:post1930 + C(region)[T.b] = 0",)
    # constants on both sides move to q; repeated terms add up
    h = parse_constraints("world + 1 = 3 - world", TERMS)
    np.testing.assert_array_equal(h.R, [[0, 0, 2, 0, 0, 0, 0]])
    np.testing.assert_array_equal(h.q, [2.0])
    h = parse_constraints("1e-1 * world = .5", TERMS)
    np.testing.assert_allclose(h.R[0, 2], 0.1)
    np.testing.assert_allclose(h.q, [0.5])


@pytest.mark.parametrize(("text", "match"), [
    ("", "empty"),
    ("   ", "empty"),
    ("regional5 = = world", "2 '=' signs"),
    ("regionall = 0", "'regionall'.*not a term"),
    ("world * regional5", "constraints are linear"),
    ("world regional5", "expected '\\+', '-', '=' or ','"),
    ("world = world", "names no term"),
    ("1 = 2", "names no term"),
    ("world, world", "linearly dependent"),
    ("world, , regional5", "empty constraint"),
    ("world,", "empty constraint"),
    ("world = 1.2.3", "not a number"),
    ("`world", "unclosed backtick"),
    ("`nothing` = 0", "not a term"),
    ("world + ", "expected a term or a number"),
    ("__import__('os')", "not a term"),
])
def test_parser_refuses_bad_constraints(text, match):
    with pytest.raises(SpecificationError, match=match):
        parse_constraints(text, TERMS)


def test_parser_refuses_bad_term_lists():
    with pytest.raises(SpecificationError, match="names no term"):
        parse_constraints([], TERMS)
    with pytest.raises(SpecificationError, match="not term"):
        parse_constraints(["world", "gdp"], TERMS)
    with pytest.raises(SpecificationError, match="listed twice"):
        parse_constraints(["world", "world"], TERMS)
    with pytest.raises(SpecificationError, match="constraint string or a list"):
        parse_constraints(3, TERMS)  # type: ignore[arg-type]


# ----------------------------------------------------------------- bad comparisons
def test_refuses_non_nested_models():
    a, b = glm("event ~ x1 + regional"), glm("event ~ x1 + world")
    with pytest.raises(SpecificationError, match="not nested.*'regional'.*'world'"):
        d.compare(a, b)
    # information criteria only are fine
    cmp = d.compare(a, b, test="none")
    assert "lr_chi2" not in cmp.table.columns
    assert cmp.table.loc["model 1", "aic"] == pytest.approx(a.aic)


def test_refuses_different_families_links_and_time_terms():
    base = glm("event ~ x1")
    with pytest.raises(SpecificationError, match="not nested.*link"):
        d.compare(base, glm("event ~ x1 + world", "logit"))
    with pytest.raises(SpecificationError, match="not nested.*time term"):
        d.compare(glm("event ~ x1", time="cubic_duration"), glm("event ~ x1 + world"))
    with pytest.raises(SpecificationError, match="not nested.*model"):
        d.compare(cox("x1"), glm("event ~ x1 + world"))
    with pytest.raises(SpecificationError, match="same terms"):
        d.compare(base, glm("event ~ x1", cov_type="classic"))


def test_refuses_models_on_different_risk_sets():
    frame = read_reference_csv(INPUTS / "compare_sim.csv")
    other = RiskSet.from_panel(frame[frame["year"] > 1950], unit="unit", time="year",
                               event="event")
    a = glm("event ~ x1")
    b = DiscreteTimeHazard.from_formula("event ~ x1 + world", other, link="cloglog").fit()
    with pytest.raises(SpecificationError, match="different risk sets.*same RiskSet"):
        d.compare(a, b)
    # same rows with other columns (an added exposure) are the same risk set
    extra = risk_set().assign(noise=np.linspace(0, 1, risk_set().n_obs))
    c = DiscreteTimeHazard.from_formula("event ~ x1 + noise", extra, link="cloglog").fit()
    assert d.compare(a, c).n_obs == a.n_obs


def test_refuses_different_rows_when_a_result_cannot_be_refit():
    small, big = glm("event ~ x1 + regional"), glm("event ~ x1 + regional + x3")
    bare = replace(small, extra={"link": "cloglog"})  # e.g. a result built by hand
    with pytest.raises(SpecificationError, match="cannot be refit"):
        d.compare(bare, big)
    # on the same rows, no refit is needed
    assert d.compare(replace(glm("event ~ x1 + regional + world"), extra={"link": "cloglog"}),
                     glm("event ~ x1 + regional + world + x2")).n_obs == small.n_obs


def test_refuses_bad_arguments():
    a = glm("event ~ x1")
    with pytest.raises(SpecificationError, match="at least two"):
        d.compare(a)
    with pytest.raises(SpecificationError, match="not a fitted result"):
        d.compare(a, "event ~ x1 + world")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="unknown test"):
        d.compare(a, glm("event ~ x1 + world"), test="wald")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="names must be 2"):
        d.compare(a, glm("event ~ x1 + world"), names=["only one"])
    with pytest.raises(SpecificationError, match="distinct"):
        d.compare(a, glm("event ~ x1 + world"), names=["m", "m"])


def test_every_error_is_a_diffusion_error():
    with pytest.raises(DiffusionError):
        glm("event ~ x1").wald_test("nonsense")


# ------------------------------------------------------------------ the result object
def test_comparison_is_frozen_and_renders():
    ref = REFERENCE["anova_cloglog"]
    cmp = d.compare(*(glm(f) for f in ref["formulas"][:2]), names=["base", "+ regional"])
    assert isinstance(cmp, Comparison)
    with pytest.raises(AttributeError):
        cmp.test = "none"  # type: ignore[misc]
    t = cmp.table
    t.iloc[0, 0] = 99
    assert cmp.table.iloc[0, 0] != 99
    text, md = cmp.as_text(), cmp.as_markdown()
    for name in ("base", "+ regional", "event ~ x1 + regional"):
        assert name in text and name in md
    assert "| model | k | loglik |" in md
    assert str(cmp) == text
    assert "wald_test" in " ".join(cmp.notes)  # the note on clustered rows


@pytest.mark.r
def test_r_script_reproduces_fixture(tmp_path):
    run_r_script(R_SCRIPT, INPUTS, tmp_path, timeout=600)
    new = json.loads((tmp_path / "compare_sim.json").read_text())
    new.pop("versions")  # another R or BLAS may run the script

    def walk(a, b, where="") -> None:
        if isinstance(a, dict):
            assert a.keys() == b.keys(), where
            for k in a:
                walk(a[k], b[k], f"{where}/{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), where
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{where}[{i}]")
        elif isinstance(a, float):
            assert a == pytest.approx(b, rel=1e-9, abs=1e-12), where
        else:
            assert a == b, where

    ref = {k: v for k, v in REFERENCE.items() if k != "versions"}
    walk(new, ref)


def test_likelihood_ratio_refused_for_firth_fits():
    import diffusion as d
    from diffusion.errors import SpecificationError

    rs = d.simulate.world(seed=3, n_units=60).risk_set()
    small = d.FirthHazard.from_formula("event ~ x1", rs, link="logit").fit()
    big = d.FirthHazard.from_formula("event ~ x1 + x2", rs, link="logit").fit()
    with pytest.raises(SpecificationError, match="Firth"):
        d.compare(small, big)
