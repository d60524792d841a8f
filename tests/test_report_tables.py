"""Regression tables: hand-made results with known numbers, snapshot renderings, refusals,
and one integration test on fitted models (structure, not digits).

Snapshots live in ``tests/snapshots/report_table_*``. After an intended change of the
layout, regenerate them with ``DIFFUSION_UPDATE_SNAPSHOTS=1 pytest tests/test_report_tables.py``
and read the diff before committing: the hand-checked cells below do not depend on them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion import HazardResults
from diffusion._notes import Note
from diffusion.errors import SpecificationError
from diffusion.report import RegressionTable, regression_table

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("DIFFUSION_UPDATE_SNAPSHOTS") == "1"

DROPPED = Note("adopted_before_risk", 2, "2 unit(s) had their event before their first year "
               "at risk and are excluded from the risk set: 'A' (1950), 'B' (1961).")
LISTWISE = Note("listwise_deletion", 3, "3 row(s) (0 event(s)) dropped for missing values "
                "(listwise) in 'w': 3.")


def _result(model, terms, params, se, **kw) -> HazardResults:
    base = {"loglik": -120.5, "n_obs": 1000, "n_events": 40, "n_units": 50,
            "cov_type": "classic"}
    base.update(kw)
    return HazardResults(model=model, terms=tuple(terms), _params=np.asarray(params, float),
                         _cov=np.diag(np.asarray(se, float) ** 2), **base)


@pytest.fixture(scope="module")
def logit() -> HazardResults:
    # x: z = 2 (p = 0.0455, one star at 0.05); z: z = -0.5 (p = 0.617); Intercept: z = -5
    return _result("discrete-time logit", ["Intercept", "x", "z", "duration"],
                   [-2.0, 0.5, -0.25, -0.0125], [0.4, 0.25, 0.5, 0.01],
                   cov_type="cluster", cluster="country", n_clusters=50,
                   time_term="linear (duration)", notes=(DROPPED,),
                   extra={"link": "logit", "n_time_terms": 1})


@pytest.fixture(scope="module")
def cox() -> HazardResults:
    # x: z = 4 (p = 6.3e-5); w: z = 1.5 (p = 0.134)
    return _result("Cox (efron ties)", ["x", "w"], [0.4, 1.2], [0.1, 0.8], loglik=-80.25,
                   n_obs=997, time_term="calendar clock", notes=(DROPPED, LISTWISE),
                   n_bic=40, extra={"proportional_hazards": True})


@pytest.fixture(scope="module")
def ratify() -> HazardResults:
    return _result("discrete-time cloglog", ["Intercept", "x"], [-3.0, 0.75], [0.5, 0.3],
                   dependent="ratify", n_obs=2400, n_events=90, n_units=120,
                   extra={"link": "cloglog", "n_time_terms": 0})


def _check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"missing snapshot {path}; run with DIFFUSION_UPDATE_SNAPSHOTS=1"
    expected = path.read_text(encoding="utf-8").rstrip("\n")
    assert text == expected, f"rendering differs from {path.name}"


# ------------------------------------------------------- hand-checked numbers
def test_cells_by_hand(logit, cox):
    table = regression_table([logit, cox], stars=True).to_frame()
    rows = list(table.index)
    x = rows.index("x")
    assert table.iloc[x].tolist() == ["0.500*", "0.400***"]
    assert table.iloc[x + 1].tolist() == ["(0.250)", "(0.100)"]
    z = rows.index("z")
    assert table.iloc[z].tolist() == ["-0.250", ""]
    assert table.loc["Intercept"].tolist() == ["-2.000***", ""]
    # AIC = -2 loglik + 2 K: 241 + 8 and 160.5 + 4
    assert table.loc["AIC"].tolist() == ["249.000", "164.500"]
    assert table.loc["Observations"].tolist() == ["1,000", "997"]
    assert table.loc["Std. errors"].tolist() == ["cluster: country (G=50)", "classic"]
    assert table.loc["Time"].tolist() == ["linear (duration)", "calendar clock"]


def test_exp_cells_by_hand(logit, cox):
    table = regression_table([logit, cox], stat="exp").to_frame()
    # exp(0.5) = 1.6487; delta-method se exp(0.5) * 0.25 = 0.4122
    assert table.loc["x"].tolist() == ["1.649", "1.492"]
    x = list(table.index).index("x")
    assert table.iloc[x + 1].tolist() == ["(0.412)", "(0.149)"]
    assert table.loc["Statistic"].tolist() == ["odds ratio", "hazard ratio"]
    # the intercept and the time term have no ratio interpretation
    assert "Intercept" not in table.index and "duration" not in table.index
    ci = regression_table([logit, cox], stat="exp", uncertainty="ci", layout="beside",
                          digits=4).to_frame()
    # exp(0.5 -+ 1.959964 * 0.25) = exp(0.010009), exp(0.989991)
    assert ci.loc["x"].iloc[0] == "1.6487 [1.0101, 2.6912]"


def test_stars_thresholds_and_footer(logit, cox):
    t = regression_table([logit, cox], stars=(0.01, 0.2, 0.05))
    frame = t.to_frame()
    # p(x) = 0.0455 passes 0.2 and 0.05; p(w) = 0.134 passes 0.2 only
    assert frame.loc["x"].tolist() == ["0.500**", "0.400***"]
    assert frame.loc["w"].tolist() == ["", "1.200*"]
    assert "* p<0.2, ** p<0.05, *** p<0.01" in t.footer[1]
    assert not any("p<" in f for f in regression_table(logit).footer)


def test_notes_are_numbered_once_and_name_their_models(logit, cox):
    t = regression_table([logit, cox], labels=["Logit", "Cox"])
    assert t.notes == (str(DROPPED), f"In Cox: {LISTWISE}")
    text = t.as_text()
    assert "  [1] 2 unit(s)" in text and "  [2] In Cox: 3 row(s)" in text


def test_different_dependent_events_are_flagged(logit, ratify):
    t = regression_table([logit, ratify], labels=["adopt", "ratify"])
    assert t.to_frame().loc["Dependent"].tolist() == ["event", "ratify"]
    warning = [f for f in t.footer if f.startswith("Warning")]
    assert len(warning) == 1 and "'event' in adopt" in warning[0] and "'ratify' in ratify" in warning[0]
    assert not any(f.startswith("Warning") for f in regression_table([logit, logit]).footer)


def test_term_selection(logit, cox):
    t = regression_table([logit, cox], keep=["w", "x"], order=["w"],
                         term_labels={"w": "Wealth"}).to_frame()
    assert [r for r in t.index if r][:2] == ["Wealth", "x"]
    t = regression_table([logit, cox], drop=["Intercept", "duration"]).to_frame()
    assert [r for r in t.index[:6] if r] == ["x", "z", "w"]
    hidden = regression_table([logit, cox], baseline=False)
    assert [r.label for r in hidden.estimates if r.label] == ["x", "z", "w"]
    assert any("not shown: baseline=False" in f for f in hidden.footer)


def test_mixed_cox_and_glm_warn_about_likelihoods(logit, cox):
    assert any("log partial likelihood" in f for f in regression_table([logit, cox]).footer)
    assert not any("partial" in f for f in regression_table([logit]).footer)


# ------------------------------------------------------------------ snapshots
@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "html"])
def test_snapshot_coefficients(logit, cox, fmt):
    t = regression_table([logit, cox], labels=["Logit", "Cox"], stars=True,
                         term_labels={"x": "Exposure_share"}, title="Adoption & exposure")
    _check_snapshot(f"report_table_coef.{ {'text': 'txt', 'markdown': 'md', 'latex': 'tex', 'html': 'html'}[fmt] }",
                    getattr(t, f"as_{fmt}")())


@pytest.mark.parametrize("fmt", ["text", "latex"])
def test_snapshot_ratios_beside(logit, cox, fmt):
    t = regression_table([logit, cox], stat="exp", uncertainty="ci", level=0.9,
                         layout="beside", stars=(0.1, 0.05, 0.01), order=["w"])
    _check_snapshot(f"report_table_ratios.{'txt' if fmt == 'text' else 'tex'}",
                    getattr(t, f"as_{fmt}")())


def test_snapshot_dependent_warning(logit, ratify):
    t = regression_table([logit, ratify], labels=["Adopt", "Ratify"], baseline=False, digits=2)
    _check_snapshot("report_table_dependent.txt", str(t))


def test_repr_html_and_str(logit):
    t = regression_table(logit)
    assert isinstance(t, RegressionTable)
    assert str(t) == t.as_text() and t._repr_html_() == t.as_html()


# -------------------------------------------------------------------- refusals
def test_refusals(logit, cox):
    probit = _result("discrete-time probit", ["Intercept", "x"], [0.1, 0.2], [0.1, 0.1],
                     extra={"link": "probit"})
    bad = [
        ([], {}, "empty"),
        ([logit, pd.DataFrame()], {}, r"results\[1\] \(DataFrame\)"),
        ("logit", {}, "got str"),
        ([logit, cox], {"labels": ["one"]}, "1 labels for 2 model"),
        ([logit, cox], {"labels": ["a", "a"]}, "repeat 'a'"),
        ([logit], {"stat": "odds"}, "unknown stat 'odds'"),
        ([logit], {"uncertainty": "sd"}, "unknown uncertainty"),
        ([logit], {"layout": "wide"}, "unknown layout"),
        ([logit], {"level": 95}, "level"),
        ([logit], {"stars": "yes"}, "stars"),
        ([logit], {"stars": (0.05, 1.5)}, "strictly between 0 and 1"),
        ([logit], {"digits": -1}, "digits"),
        ([logit], {"keep": ["regional"]}, "keep names term.*'regional'.*'Intercept', 'x'"),
        ([logit], {"term_labels": {"X": "x"}}, "term_labels names"),
        ([logit], {"term_labels": {"x": "same", "z": "same"}}, "same label"),
        ([logit], {"keep": ["Intercept"], "stat": "exp"}, "no term is left"),
        ([logit, probit], {"stat": "exp"}, "probit.*neither a hazard ratio nor an odds ratio"),
    ]
    for results, kwargs, message in bad:
        with pytest.raises(SpecificationError, match=message):
            regression_table(results, **kwargs)
    with pytest.raises(TypeError):
        regression_table([logit], "coef")  # options are keyword-only


# ---------------------------------------------------------------- integration
def test_fitted_models_side_by_side():
    rs = d.simulate.world(seed=1, n_units=80).risk_set()  # 2 units adopted before entry
    fits = [
        d.DiscreteTimeHazard.from_formula("event ~ x1 + x2 + regional", rs, link="cloglog",
                                          time="cubic").fit(),
        d.DiscreteTimeHazard.from_formula("event ~ x1 + regional + world", rs,
                                          link="logit").fit(cov_type="robust"),
        d.CoxHazard.from_formula("event ~ x1 + x2 + regional", rs).fit(),
        d.WeibullHazard.from_formula("event ~ x1 + x2 + regional", rs).fit(),
    ]
    labels = ["cloglog", "logit", "Cox", "Weibull"]
    t = regression_table(fits, labels=labels, stars=True)
    frame = t.to_frame()
    assert list(frame.columns) == labels
    terms = [r.label for r in t.estimates if r.kind == "estimate"]
    assert terms[:4] == ["Intercept", "x1", "x2", "regional"]
    assert {"duration", "duration^2", "duration^3", "world", "log(shape)"} <= set(terms)
    assert len(t.estimates) == 2 * len(terms)
    assert frame.loc["Observations"].tolist() == [f"{r.n_obs:,}" for r in fits]
    assert frame.loc["Events"].tolist() == [f"{r.n_events:,}" for r in fits]
    assert frame.loc["Std. errors"].tolist()[1] == "robust"
    assert len(t.notes) == len({str(n) for r in fits for n in r.notes}) > 0
    assert frame.loc["world"].tolist()[0] == "" and frame.loc["world"].tolist()[1] != ""
    ratios = regression_table(fits, labels=labels, stat="exp").to_frame()
    assert ratios.loc["Statistic"].tolist() == ["hazard ratio", "odds ratio", "hazard ratio",
                                                "hazard ratio"]
    assert [r for r in ratios.index if r][:4] == ["x1", "x2", "regional", "world"]
    for render in (t.as_text, t.as_markdown, t.as_latex, t.as_html):
        out = render()
        assert all(label in out for label in labels)
    assert t.as_latex().startswith(r"\begin{tabular}{lcccc}")
    assert t.as_html().count("<tr class='estimate'>") == len(terms)
