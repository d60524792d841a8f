"""Split-population (cure) discrete-time cloglog model: diffusion.models.splitpop.

Reference: ``tests/reference/splitpop.R`` maximises the same likelihood, written
independently in R on the probability scale, with ``optim`` and Newton steps on
numDeriv derivatives (``outputs/splitpop.json``). Tolerances: estimates 1e-6
(both optimisers stop well inside it), standard errors 1e-5 relative (numerical
Hessians on both sides: R's Richardson extrapolation, our central difference of the
analytic score).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, load_module, read_reference_csv, run_r_script

from diffusion import RiskSet
from diffusion.errors import EstimationError, SpecificationError
from diffusion.models.splitpop._engine import SplitPopData, unit_loglik, unit_scores
from diffusion.models.splitpop import (
    CureBoundaryWarning,
    SplitPopulationHazard,
    cure_probabilities,
    predict_splitpop,
)

REFERENCE = json.loads((OUTPUTS / "splitpop.json").read_text())


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
