"""topdown_test: the four models, the nested tests, the rolling-origin accuracy.

The data are the fixture panel of ``tests/reference/compare.R`` (``inputs/compare_sim.csv``):
``x1``, ``x2`` play the domestic block, ``regional`` and ``world`` the two diffusion
blocks, and ``x3`` (missing in one row in eight) the organisational ties, so that the
four models are fitted on different rows unless they are refit on a common sample.
The numbers are checked against independent routes: fits on the complete-case panel
built by hand, predictions computed from those fits, and AUC/Brier/log scores computed
from their definitions (not with scikit-learn, which the module uses).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import diffusion as d
from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet
from diffusion import time_terms as tt
from diffusion.errors import SpecificationError
from diffusion.topdown import NAMES, TopDownResult

from _reference import INPUTS, read_reference_csv

ORIGINS = [1960, 1975, 1990]


@functools.cache
def panel() -> pd.DataFrame:
    return read_reference_csv(INPUTS / "compare_sim.csv")


@functools.cache
def risk_set() -> RiskSet:
    return RiskSet.from_panel(panel(), unit="unit", time="year", event="event")


@functools.cache
def topdown(ties_with: str = "world") -> TopDownResult:
    out_of_sample = ties_with == "world"  # the variant only checks the blocks
    return d.topdown_test(risk_set(), domestic=["x1", "x2"], regional="regional",
                          world="world", ties="x3", ties_with=ties_with,
                          origin=ORIGINS if out_of_sample else None, horizon=5,
                          out_of_sample=out_of_sample)


@functools.cache
def topdown_cox() -> TopDownResult:
    return d.topdown_test(risk_set(), domestic=["x1", "x2"], regional="regional",
                          world="world", model="cox", origin=[1975], horizon=10)


def by_hand_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney form: P(score of an event row > score of a non-event row), ties 1/2."""
    ranks = stats.rankdata(score)
    n1 = y.sum()
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


# ------------------------------------------------------------------ the models
def test_blocks_and_models():
    td = topdown()
    assert td.blocks == {"domestic": ("x1", "x2"), "regional": ("regional",),
                         "world": ("world", "x3")}
    assert list(td.results) == list(NAMES)
    assert list(td.results["domestic + world"].terms) == ["Intercept", "x1", "x2", "world", "x3"]
    dom = topdown("domestic")
    assert dom.blocks["domestic"] == ("x1", "x2", "x3") and dom.blocks["world"] == ("world",)
    assert "x3" in dom.results["domestic"].terms


def test_common_sample_equals_complete_case_fits():
    td = topdown()
    rows = [r.estimation_rows for r in td.results.values()]
    assert all(np.array_equal(rows[0], r) for r in rows)
    assert td.n_obs == int(panel()["x3"].notna().sum())
    assert any("refit" in n for n in td.notes)
    # an independent route: the complete-case panel, fitted directly
    cc = RiskSet.from_panel(panel().dropna(subset=["x3"]), unit="unit", time="year",
                            event="event")
    direct = DiscreteTimeHazard(cc, covariates=["x1", "x2", "regional"], link="cloglog").fit()
    ours = td.results["domestic + regional"]
    np.testing.assert_allclose(ours.params, direct.params, rtol=1e-8)
    np.testing.assert_allclose(ours.std_errors, direct.std_errors, rtol=1e-8)
    assert ours.loglik == pytest.approx(direct.loglik, rel=1e-12)


def test_tests_table_is_the_nested_lr_and_wald_tests():
    td = topdown()
    t = td.tests
    assert list(t.index) == ["regional | domestic", "world | domestic",
                             "world | domestic + regional", "regional | domestic + world"]
    r = td.results
    ll = {k: v.loglik for k, v in r.items()}
    expected = [2 * (ll["domestic + regional"] - ll["domestic"]),
                2 * (ll["domestic + world"] - ll["domestic"]),
                2 * (ll["full"] - ll["domestic + regional"]),
                2 * (ll["full"] - ll["domestic + world"])]
    np.testing.assert_allclose(t["lr_chi2"], expected, rtol=1e-12)
    assert list(t["df"]) == [1, 2, 2, 1]  # ties go with the world block
    np.testing.assert_allclose(t["lr_p"], stats.chi2.sf(expected, t["df"]), rtol=1e-10)
    w = r["full"].wald_test("world = 0, x3 = 0")
    assert t.loc["world | domestic + regional", "wald_chi2"] == pytest.approx(w.statistic)
    assert t.loc["regional | domestic", "wald_chi2"] == pytest.approx(
        r["domestic + regional"].z_stats["regional"] ** 2)
    info = td.information
    np.testing.assert_allclose(info["aic"], [r[k].aic for k in NAMES])


# --------------------------------------------------------------- out of sample
@pytest.mark.parametrize(("model", "covariates"), [
    ("full", ["x1", "x2", "regional", "world", "x3"]),
    ("domestic", ["x1", "x2"]),
])
def test_rolling_origin_scores_by_hand(model, covariates):
    td = topdown()
    T, h = 1975, 5
    data = panel().dropna(subset=["x3"])  # the common sample
    train = data[data["year"] <= T]
    test = data[(data["year"] > T) & (data["year"] <= T + h)]
    fit = DiscreteTimeHazard(RiskSet.from_panel(train, unit="unit", time="year", event="event"),
                             covariates=covariates, link="cloglog").fit(cov_type="classic")
    X = np.column_stack([np.ones(len(test)), test[covariates].to_numpy()])
    p = -np.expm1(-np.exp(X @ fit.params.to_numpy()))
    y = test["event"].to_numpy()
    row = td.accuracy.set_index(["model", "origin"]).loc[(model, T)]
    assert row["n_train"] == len(train) and row["n_test"] == len(test)
    assert row["n_test_events"] == y.sum() > 0
    assert row["auc"] == pytest.approx(by_hand_auc(y, p), rel=1e-8)
    assert row["brier"] == pytest.approx(np.mean((y - p) ** 2), rel=1e-8)
    assert row["log_score"] == pytest.approx(
        -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)), rel=1e-8)


def test_rolling_origin_time_term_is_built_on_training_rows_and_held_at_its_edge():
    """A cubic in duration is fitted on the training window; test rows with longer
    durations than any training row get the baseline at the longest training duration."""
    T, h = 1960, 10
    td = d.topdown_test(risk_set(), domestic=["x1", "x2"], regional="regional",
                        world="world", time=tt.Cubic(scale="duration"), origin=[T], horizon=h)
    data = panel()  # no missing values in these columns: the common sample is every row
    train = data[data["year"] <= T]
    test = data[(data["year"] > T) & (data["year"] <= T + h)]
    covariates = ["x1", "x2", "regional", "world"]
    fit = DiscreteTimeHazard(RiskSet.from_panel(train, unit="unit", time="year", event="event"),
                             covariates=covariates, link="cloglog",
                             time=tt.Cubic(scale="duration")).fit(cov_type="classic")
    lo, hi = train["duration"].min(), train["duration"].max()
    assert set(range(lo, hi + 1)) <= set(train["duration"])  # every duration is seen
    assert test["duration"].max() > hi  # some test rows lie beyond the training range
    s = (test["duration"].clip(lo, hi) - lo + 1).to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(test)), test[covariates].to_numpy(), s, s ** 2, s ** 3])
    p = -np.expm1(-np.exp(X @ fit.params.to_numpy()))
    y = test["event"].to_numpy()
    row = td.accuracy.set_index(["model", "origin"]).loc[("full", T)]
    assert row["auc"] == pytest.approx(by_hand_auc(y, p), rel=1e-8)
    assert row["brier"] == pytest.approx(np.mean((y - p) ** 2), rel=1e-8)


def test_accuracy_table_and_summary():
    td = topdown()
    a = td.accuracy
    assert len(a) == 4 * len(ORIGINS) and td.origins == tuple(ORIGINS)
    assert set(a["model"]) == set(NAMES)
    s = td.accuracy_summary
    assert list(s.index) == list(NAMES)
    g = a[a["model"] == "full"]
    pred = td.predictions
    p = pred[pred["model"] == "full"]
    assert s.loc["full", "n_test"] == g["n_test"].sum() == len(p)
    assert s.loc["full", "n_test_events"] == g["n_test_events"].sum() == p["event"].sum()
    # pooled over all test rows: the Brier score is the n_test-weighted mean of the
    # per-origin ones; the AUC ranks all test rows together
    assert s.loc["full", "brier"] == pytest.approx(np.average(g["brier"], weights=g["n_test"]))
    assert s.loc["full", "auc"] == pytest.approx(by_hand_auc(p["event"].to_numpy(),
                                                             p["score"].to_numpy()), rel=1e-10)
    # the stored predictions are the ones scored per origin, on the risk set's rows
    one = p[p["origin"] == 1975]
    assert g.set_index("origin").loc[1975, "auc"] == pytest.approx(
        by_hand_auc(one["event"].to_numpy(), one["score"].to_numpy()), rel=1e-10)
    frame = risk_set().frame
    np.testing.assert_array_equal(frame["year"].to_numpy()[p["row"]], p["year"])
    np.testing.assert_array_equal(frame["event"].to_numpy()[p["row"]], p["event"])


def test_default_origins_start_when_half_the_events_happened():
    td = d.topdown_test(risk_set(), domestic=["x1"], regional="regional", world="world",
                        horizon=10)
    ev_years = np.sort(panel().loc[panel()["event"] == 1, "year"].to_numpy())
    first = ev_years[int(np.ceil(len(ev_years) / 2)) - 1]
    assert td.origins == tuple(range(first, 2010 - 10 + 1, 10))


def test_cox_topdown_scores_the_linear_predictor():
    td = topdown_cox()
    assert td.model.startswith("Cox")
    assert td.accuracy["brier"].isna().all() and td.accuracy["log_score"].isna().all()
    assert any("linear predictor" in n for n in td.notes)
    T, h = 1975, 10
    data = panel()
    train_rows = (data["year"] <= T).to_numpy()
    # an independent route: the training rows as their own panel (the units' first rows
    # are all in the training window, so the duration clock is the same)
    train = data[train_rows]
    fit = CoxHazard(RiskSet.from_panel(train, unit="unit", time="year", event="event"),
                    covariates=["x1", "x2", "regional", "world"], clock="duration").fit(
        cov_type="classic")
    test = data[(data["year"] > T) & (data["year"] <= T + h)]
    lp = test[["x1", "x2", "regional", "world"]].to_numpy() @ fit.params.to_numpy()
    row = td.accuracy.set_index(["model", "origin"]).loc[("full", T)]
    assert row["auc"] == pytest.approx(by_hand_auc(test["event"].to_numpy(), lp), rel=1e-8)
    # the Cox fits on the common sample are the ordinary fits (no missing values here)
    direct = CoxHazard(risk_set(), covariates=["x1", "x2", "world"], clock="duration").fit()
    assert td.results["domestic + world"].loglik == pytest.approx(direct.loglik, rel=1e-12)


def test_result_is_frozen_renders_and_plots():
    td = topdown()
    with pytest.raises(AttributeError):
        td.n_obs = 0  # type: ignore[misc]
    t = td.tests
    t.iloc[0, 3] = -1
    assert td.tests.iloc[0, 3] != -1
    text, md = td.as_text(), td.as_markdown()
    for s in (text, md):
        assert "regional | domestic + world" in s and "Information criteria" in s
        assert "Out-of-sample accuracy" in s and "x3" in s
    assert str(td) == text
    fig = td.plot()
    assert len(fig.axes) == 3
    import matplotlib.pyplot as plt

    plt.close(fig)
    fig = topdown_cox().plot()
    assert len(fig.axes) == 2  # no Brier panel for Cox
    plt.close(fig)
    quick = d.topdown_test(risk_set(), domestic="x1", regional="regional", world="world",
                           out_of_sample=False)
    assert quick.origins == () and quick.accuracy.empty and quick.predictions.empty
    assert quick.accuracy_summary["auc"].isna().all()
    assert "Out-of-sample" not in quick.as_text()
    plt.close(quick.plot())


# -------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"regional": []}, "regional is empty"),
    ({"world": "x1"}, "both the domestic and the world block"),
    ({"ties": "regional"}, "both the regional and the ties block"),
    ({"ties_with": "region"}, "unknown ties_with"),
    ({"model": "weibull"}, "unknown model"),
    ({"model": "cox", "link": "logit"}, "a Cox model has none"),
    ({"model": "cox", "domestic": []}, "domestic is empty"),
    ({"model": "cox", "time": "cubic"}, "unknown Cox clock"),
    ({"horizon": 0}, "horizon"),
    ({"origin": []}, "origin is empty"),
    ({"origin": [1850]}, "outside the data"),
    ({"origin": [2010]}, "outside the data"),
    ({"origin": [1960.5]}, "whole years"),
    ({"origin": [1960], "out_of_sample": False}, "only with out_of_sample"),
    ({"domestic": ["x1", "x1"]}, "twice"),
    ({"domestic": [3]}, "strings"),
    ({"out_of_sample": "yes"}, "True or False"),
])
def test_refuses(kwargs, match):
    args = {"domestic": ["x1", "x2"], "regional": "regional", "world": "world", **kwargs}
    with pytest.raises(SpecificationError, match=match):
        d.topdown_test(risk_set(), **args)


def test_refuses_a_non_risk_set():
    with pytest.raises(SpecificationError, match="RiskSet"):
        d.topdown_test(panel(), domestic="x1", regional="regional", world="world")
