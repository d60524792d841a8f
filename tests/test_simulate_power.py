"""Simulation designs, their hazard, Monte Carlo power and interval coverage.

* The design takes its structure from real tables (the bundled COW spells and
  regions) exactly; impossible designs are refused with SpecificationError.
* The simulated exposures equal the library's exposures computed on the simulated
  risk set, and the simulated hazard equals F(x'beta) computed from the risk set's
  columns and the truth: the data-generating process is the model the library fits.
* Tiny deterministic cases (hazard 0 or 1) check late entry, exits and re-entry.
* ``power`` is reproducible replication by replication and identical across n_jobs.
* Slow: over 500 simulated worlds per model family, 95 % intervals cover the truth
  93-97 % of the time.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import diffusion as d
from diffusion import simulate
from diffusion.datasets import load_regions, load_state_system
from diffusion.errors import DataError, SpecificationError


@pytest.fixture(scope="module")
def cow():
    spells = load_state_system(system="cow")[["cown", "start", "end"]]
    regions = load_regions()[["cown", "cow_region"]].dropna()
    return spells, regions


@pytest.fixture(scope="module")
def cow_design(cow):
    spells, regions = cow
    return simulate.from_structure(
        membership=spells, groups=regions, unit="cown", start=1900, end=2010,
        link="logit", intercept=-4.0, trend=0.1, regional=2.0, world=1.0, ingo=0.5,
        domestic=0.3, pre_entry_adoption=0.2)


@pytest.fixture(scope="module")
def net_design():
    return simulate.synthetic(
        seed=4, n_units=120, n_groups=5, start=1950, end=1999, late_entry=0.4,
        exit_rate=0.15, network_degree=3, link="cloglog", intercept=-3.5, trend=0.2,
        regional=1.5, world=0.5, network=1.0, ingo=0.4, domestic=-0.3,
        pre_entry_adoption=0.2)


# ----------------------------------------------------------------- structure
def test_structure_from_cow_tables_is_the_real_structure(cow, cow_design):
    spells, regions = cow
    s = cow_design.structure
    # the members of 1899-2010, counted here from the raw table
    overlap = spells[(spells["end"] >= 1899) & (spells["start"] <= 2010)]
    assert s.n_units == overlap["cown"].nunique()
    assert set(s.units) == set(overlap["cown"])
    # Germany (255): 1816-1945 and 1990-2016, both spells kept (the second closed at 2010)
    ger = s.membership[s.membership["unit"] == 255].sort_values("start")
    assert ger[["start", "end"]].to_numpy().tolist() == [[1816, 1945], [1990, 2010]]
    # regions as in the table
    got = s.groups.set_index("unit")["region"]
    want = regions.set_index("cown")["cow_region"]
    assert all(got[u] == want[u] for u in got.index)
    assert s.n_groups == 5
    # the membership grid: Germany is not a member in 1950, is in 1940 and 1995
    i = list(s.units).index(255)
    assert s.member[i, 1940 - 1899] and not s.member[i, 1950 - 1899] and s.member[i, 1995 - 1899]
    # units that are members only before 1899 are left out, and counted
    assert [n.kind for n in s.notes] == ["structure_units_outside"]
    assert s.notes[0].count == spells["cown"].nunique() - s.n_units > 0


def test_from_structure_does_not_touch_the_callers_tables(cow):
    spells, regions = cow
    before = spells.copy(deep=True), regions.copy(deep=True)
    simulate.generate(simulate.from_structure(membership=spells, groups=regions,
                                              unit="cown", start=1950, end=1960), seed=1)
    pd.testing.assert_frame_equal(spells, before[0])
    pd.testing.assert_frame_equal(regions, before[1])


def test_generate_from_cow_structure_follows_membership(cow_design):
    data = simulate.generate(cow_design, seed=3)
    rs = data.risk_set()
    f = rs.frame
    # no row of Germany at risk while it was not a member
    assert not ((f["unit"] == 255) & f["year"].between(1946, 1989)).any()
    # late entrants (decolonisation) are at risk from their entry on
    first = f.groupby("unit")["year"].min()
    assert (first > 1950).sum() > 50
    # adoptions before entry exist, are excluded from the risk set, and counted
    assert any(n.kind == "adopted_before_risk" for n in rs.notes)
    assert data.truth == cow_design.truth


# ------------------------------------- the hazard is the model the library fits
@pytest.mark.parametrize("which", ["cow", "network"])
def test_simulated_exposure_equals_library_exposure(which, cow_design, net_design):
    design = cow_design if which == "cow" else net_design
    data = simulate.generate(design, seed=11)
    rs = data.risk_set()
    frame = rs.frame
    sim = data.exposures
    # the same rows at risk, in the same order, with the same events
    assert frame[["unit", "year"]].equals(sim[["unit", "year"]])
    np.testing.assert_array_equal(frame["event"].to_numpy(), sim["event"].to_numpy())
    terms = ["regional", "world"] + (["network"] if which == "network" else [])
    for term in terms:
        # both sides compute the same ratios of integer counts (weights are 1): equal
        # up to the last bit of a division
        np.testing.assert_allclose(sim[term].to_numpy(), frame[term].to_numpy(),
                                   rtol=0, atol=1e-15, err_msg=term)
    # the exposures vary (the check is not on zeros)
    assert frame["regional"].std() > 0.05 and frame["world"].std() > 0.05


@pytest.mark.parametrize("which", ["cow", "network"])
def test_simulated_hazard_is_the_fitted_model(which, cow_design, net_design):
    design = cow_design if which == "cow" else net_design
    data = simulate.generate(design, seed=5)
    frame = data.risk_set().frame
    truth = data.truth
    eta = truth["Intercept"] + sum(truth[t] * frame[t].to_numpy() for t in truth
                                   if t != "Intercept")
    inverse = {"logit": special.expit, "probit": special.ndtr,
               "cloglog": lambda e: -np.expm1(-np.exp(e))}[design.link]
    np.testing.assert_allclose(data.exposures["hazard"].to_numpy(), inverse(eta),
                               rtol=1e-12, atol=0)


def test_covariates_are_observed_each_year_and_enter_lagged(net_design):
    data = simulate.generate(net_design, seed=2)
    cov = data.covariates
    s = net_design.structure
    assert len(cov) == s.n_units * (s.end - s.start + 2)
    assert cov["year"].min() == s.start - 1 and cov["year"].max() == s.end
    frame = data.risk_set().frame
    row = frame.iloc[len(frame) // 2]
    lagged = cov[(cov["unit"] == row["unit"]) & (cov["year"] == row["year"] - 1)]
    assert lagged["ingo"].item() == row["ingo"]
    # INGO embeddedness grows by about ingo_growth per decade
    slope = np.polyfit(cov["year"], cov["ingo"], 1)[0] * 10
    assert abs(slope - net_design.ingo_growth) < 0.05
    # the domestic covariate is a persistent AR(1) with standard-normal margins
    dom = cov.pivot(index="unit", columns="year", values="domestic").to_numpy()
    assert abs(dom.std() - 1) < 0.05
    assert abs(np.corrcoef(dom[:, 1:].ravel(), dom[:, :-1].ravel())[0, 1] - 0.8) < 0.03


def _tiny(intercept: float):
    membership = pd.DataFrame({"unit": ["A", "B", "C", "C", "D"],
                               "start": [1890, 1905, 1890, 1906, 1890],
                               "end": [1910, 1910, 1902, 1910, 1899]})
    groups = pd.DataFrame({"unit": ["A", "B", "C", "D"], "region": ["x", "x", "y", "y"]})
    return simulate.from_structure(membership=membership, groups=groups, start=1900,
                                   end=1910, intercept=intercept, link="logit")


def test_tiny_world_hazard_one_every_member_adopts_at_its_first_year_at_risk():
    data = simulate.generate(_tiny(40.0), seed=1)
    # D left before the window (no row); A and C adopt in 1900, B when it enters in 1905
    got = data.events.sort_values("unit").set_index("unit")["year"].to_dict()
    assert got == {"A": 1900, "B": 1905, "C": 1900}


def test_tiny_world_hazard_zero_no_adoption_and_reentry_is_at_risk():
    data = simulate.generate(_tiny(-40.0), seed=1)
    assert data.events.empty
    rows = data.exposures.groupby("unit")["year"].apply(list).to_dict()
    assert rows["A"] == list(range(1900, 1911))
    assert rows["B"] == list(range(1905, 1911))
    # C is out of the system 1903-1905 and back at risk from 1906
    assert rows["C"] == [1900, 1901, 1902, *range(1906, 1911)]
    assert "D" not in rows
    # D was a member in 1899 (t - 1 of 1900): it is a peer of C in 1900, not in 1901
    assert set(data.design.structure.units) == {"A", "B", "C", "D"}


def test_same_seed_same_history_different_seed_differs(net_design):
    a, b, c = (simulate.generate(net_design, seed=s) for s in (1, 1, 2))
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.covariates, b.covariates)
    assert not a.events.equals(c.events)
    assert a.seed == 1


def test_parameter_recovery_on_the_cow_structure(cow_design):
    """One large history: every estimate within 4 standard errors of the truth."""
    design = dataclasses.replace(cow_design, intercept=-3.0, trend=0.0)
    data = simulate.generate(design, seed=2)
    res = d.DiscreteTimeHazard.from_formula(
        "event ~ regional + world + ingo + domestic", data.risk_set(), link="logit").fit()
    truth = pd.Series(data.truth)[list(res.terms)]
    z = (res.params - truth) / res.std_errors
    assert np.all(np.abs(z) < 4), z.to_dict()
    assert res.n_events > 100


# ------------------------------------------------------------- validation
@pytest.mark.parametrize("change", [
    {"link": "tobit"}, {"pre_entry_adoption": 1.5}, {"pre_entry_adoption": -0.1},
    {"window": 0}, {"regional": float("nan")}, {"domestic_persistence": 1.0},
    {"network": 1.0},  # no network in this structure
    {"ingo": "big"},
])
def test_impossible_designs_are_refused(change, cow_design):
    with pytest.raises(SpecificationError):
        dataclasses.replace(cow_design, **change)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_units": 0}, "n_units must be an integer >= 1"),
    ({"late_entry": 1.2}, "late_entry is a probability"),
    ({"exit_rate": -0.5}, "exit_rate is a probability"),
    ({"homophily": 2}, "homophily is a probability"),
    ({"link": "tobit"}, "unknown link 'tobit'"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"seed": 1.5}, "seed must be a non-negative integer"),
    ({"start": 1990, "end": 1995}, "at least 10 years"),
    ({"network_degree": -1}, "network_degree"),
])
def test_impossible_synthetic_designs_are_refused(kwargs, match):
    args = {"seed": 1, **kwargs}
    with pytest.raises(SpecificationError, match=match):
        simulate.synthetic(**args)


def test_years_that_do_not_overlap_membership_are_refused(cow):
    spells, regions = cow
    with pytest.raises(SpecificationError, match="1700-1750, do not overlap the membership "
                                                 "spells .* from 1816 to 2016"):
        simulate.from_structure(membership=spells, groups=regions, unit="cown",
                                start=1700, end=1750)


def test_units_without_a_group_are_a_data_error(cow):
    spells, regions = cow
    with pytest.raises(DataError, match="groups lacks 1 unit"):
        simulate.from_structure(membership=spells, groups=regions[regions["cown"] != 2],
                                unit="cown", start=1900, end=1950)


def test_generate_needs_a_design_and_a_seed(net_design):
    with pytest.raises(SpecificationError, match="design must be a SimulationDesign"):
        simulate.generate("world", seed=1)
    with pytest.raises(SpecificationError, match="seed must be"):
        simulate.generate(net_design, seed=None)


# ------------------------------------------------------------------- power
@pytest.fixture(scope="module")
def small_design():
    return simulate.synthetic(seed=2, n_units=60, n_groups=4, start=1960, end=1999,
                              network_degree=2, link="logit", intercept=-3.0,
                              regional=1.5, network=1.0, ingo=0.8)


FORMULA = "event ~ regional + network + ingo + domestic"


def test_power_is_identical_across_n_jobs(small_design):
    one = simulate.power(small_design, formula=FORMULA, n_sims=6, seed=9, n_jobs=1)
    two = simulate.power(small_design, formula=FORMULA, n_sims=6, seed=9, n_jobs=2)
    pd.testing.assert_frame_equal(one.estimates, two.estimates, check_exact=True)
    pd.testing.assert_frame_equal(one.std_errors, two.std_errors, check_exact=True)
    pd.testing.assert_frame_equal(one.table, two.table, check_exact=True)


def test_power_replication_b_is_the_fit_on_the_b_th_spawned_seed(small_design):
    res = simulate.power(small_design, formula=FORMULA, n_sims=3, seed=21,
                         cov_type="classic")
    child = np.random.SeedSequence(21).spawn(3)[2]
    rs = simulate.generate(small_design, seed=child).risk_set()
    fit = d.DiscreteTimeHazard.from_formula(FORMULA, rs, link="logit").fit(cov_type="classic")
    np.testing.assert_array_equal(res.estimates.iloc[2].to_numpy(),
                                  fit.params[list(res.table.index)].to_numpy())
    # the table is computed from these estimates: a two-sided Wald test at alpha
    z = res.estimates / res.std_errors
    rejected = pd.DataFrame(2 * stats.norm.sf(z.abs()) < 0.05, columns=z.columns).mean()
    pd.testing.assert_series_equal(res.power, rejected.rename("power"), check_names=False)
    assert list(res.table.index) == ["regional", "network", "ingo", "domestic"]
    assert res.table.loc["domestic", "truth"] == 0.0


def test_power_detects_a_strong_effect_and_not_a_null_one(small_design):
    design = dataclasses.replace(small_design, ingo=1.5, regional=0.0)
    res = simulate.power(design, formula=FORMULA, n_sims=30, seed=3, cov_type="classic")
    assert res.power["ingo"] == 1.0
    # 30 replications at alpha = 0.05: P(more than 6 rejections | H0) < 0.001
    assert res.power["domestic"] <= 6 / 30 and res.power["regional"] <= 6 / 30
    assert res.n_failed == 0


def test_power_cox_on_the_logit_world(small_design):
    res = simulate.power(small_design, formula=FORMULA, model="cox", ties="exact", n_sims=4,
                         seed=1)
    assert list(res.table.index) == ["regional", "network", "ingo", "domestic"]
    assert res.model == "cox" and res.table["n_fits"].eq(4).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"n_jobs": 0}, "n_jobs must be a non-zero integer"),
    ({"n_sims": 0}, "n_sims must be an integer >= 1"),
    ({"alpha": 1.5}, "alpha must lie strictly between 0 and 1"),
    ({"model": "tobit"}, "unknown model 'tobit'"),
    ({"terms": ["trend"]}, "term(s) 'trend' are not terms of the fitted model"),
    ({"formula": "event ~ gdp"}, "absent from the risk set: 'gdp'"),
    ({"seed": None}, "seed must be"),
    ({"model": "cox", "time": "cubic"}, "time= applies to discrete-time models"),
])
def test_power_refuses_impossible_requests(kwargs, match, small_design):
    args = {"formula": FORMULA, "n_sims": 2, "seed": 1, **kwargs}
    with pytest.raises(SpecificationError, match=match.replace("(", r"\(").replace(")", r"\)")):
        simulate.power(small_design, **args)


def test_power_says_when_no_history_can_be_fitted(small_design):
    # the calendar-clock baseline of a Cox model absorbs the world share
    with pytest.raises(d.errors.EstimationError, match="could not be fitted on any of the 2"):
        simulate.power(small_design, formula="event ~ regional + world", model="cox",
                       n_sims=2, seed=1)


# --------------------------------------------------------------- coverage
COVERAGE_FAMILIES = ["logit", "probit", "cloglog", "cox"]


def coverage_design(family: str) -> simulate.SimulationDesign:
    """The design of the coverage study (also used by scripts/coverage_study.py)."""
    link = "logit" if family == "cox" else family
    return simulate.synthetic(
        seed=11, n_units=80, n_groups=5, start=1960, end=1999, network_degree=3,
        link=link, intercept=-1.8 if link == "probit" else -3.0, regional=1.5,
        network=1.0, ingo=0.5, domestic=0.3)


@pytest.mark.slow
@pytest.mark.parametrize("family", COVERAGE_FAMILIES)
def test_95_percent_intervals_cover_the_truth(family):
    """500 worlds of 80 units x 40 years; model-based (classic) 95 % intervals.

    Pooled over the terms, coverage must lie in [0.93, 0.97]; for each term (500
    intervals, Monte Carlo SE 0.0097) within 3.5 Monte Carlo SEs of 0.95. Cox models
    are fitted with exact ties on the logit worlds: the discrete partial likelihood
    is then the correctly specified model (the baseline absorbs the intercept).
    """
    design = coverage_design(family)
    terms = (["regional", "network", "ingo", "domestic"] if family == "cox"
             else ["Intercept", "regional", "network", "ingo", "domestic"])
    res = simulate.power(design, formula=FORMULA, model=family, ties="exact", terms=terms,
                         n_sims=500, seed=2024, n_jobs=2, cov_type="classic")
    assert res.n_failed <= 5
    cover = res.coverage
    assert 0.93 <= cover.mean() <= 0.97, res
    assert cover.between(0.95 - 3.5 * 0.0097, 0.95 + 3.5 * 0.0097).all(), res
