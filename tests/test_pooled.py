"""Pooled event history: the risk set, exposures within processes, absorbed effects,
two-way clustering, the stratified Cox model, and bad input.

Reference values: ``tests/reference/pooled.R`` (R glm with dummies + sandwich, coxph),
inputs written by ``tests/reference/pooled_make_inputs.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, read_reference_csv, run_r_script

from diffusion import CoxHazard, DiscreteTimeHazard, FirthHazard, RiskSet
from diffusion.errors import (
    CollinearityError,
    DiffusionError,
    InvalidEventError,
    SpecificationError,
)
from diffusion.exposure import (
    network,
    regional_count,
    regional_density,
    regional_share,
    world_count,
    world_share,
)
from diffusion.inference.covariance import sandwich_covariance

LINKS = ["logit", "probit", "cloglog"]


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def ref():
    return json.loads((OUTPUTS / "pooled.json").read_text())


@pytest.fixture(scope="module")
def pooled():
    """The fixture's pooled risk set with world share (within policy) and lagged x1, x2."""
    events = read_reference_csv(INPUTS / "pooled_events.csv")
    units = read_reference_csv(INPUTS / "pooled_units.csv")["unit"].tolist()
    cov = read_reference_csv(INPUTS / "pooled_covariates.csv")
    rs = RiskSet.from_events(events, unit="unit", time="year", process="policy", units=units,
                             end=2005)
    return rs.with_exposure("world", world_share()).with_covariates(cov, lag=1)


def _small(seed=1, n_units=25, n_proc=6):
    """A small simulated pooled risk set with a continuous covariate."""
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n_units)]
    rows = [(f"p{p}", u, 1990 + p + int(rng.integers(0, 14)))
            for p in range(n_proc) for u in units if rng.random() < 0.6]
    ev = pd.DataFrame(rows, columns=["policy", "state", "year"])
    rs = RiskSet.from_events(ev, unit="state", time="year", process="policy", units=units,
                             end=2008)
    return rs.assign(x=rng.normal(size=rs.n_obs),
                     z=lambda f: f["state"].str[1:].astype(int) / 10 + rng.normal(size=len(f)))


# ------------------------------------------------------------- the risk set
def test_risk_set_matches_r(pooled, ref):
    r = ref["risk_set"]
    f = pooled.frame
    assert pooled.n_obs == r["n_rows"]
    assert pooled.n_events == r["n_events"]
    assert f.groupby("policy").size().to_dict() == r["rows_per_policy"]
    # world share within policy, computed by R on its own (sum of exact multiples of 1/40)
    assert f["world"].sum() == pytest.approx(r["world_sum"], abs=1e-9)
    assert list(f.columns[:4]) == ["policy", "unit", "year", "event"]
    assert pooled.process == "policy"


def test_windows_start_at_first_adoption_and_rows_stop_at_adoption():
    ev = pd.DataFrame({"unit": ["A", "B", "A"], "policy": ["x", "x", "y"],
                       "year": [2001, 2003, 2005]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                             units=["A", "B", "C"], end=2006)
    f = rs.frame
    x = f[f.policy == "x"]
    assert x.groupby("unit")["year"].agg(["min", "max"]).to_dict("index") == {
        "A": {"min": 2001, "max": 2001}, "B": {"min": 2001, "max": 2003},
        "C": {"min": 2001, "max": 2006}}
    assert x["event"].sum() == 2
    y = f[f.policy == "y"]
    assert set(y["year"]) == {2005, 2006} and y["event"].sum() == 1
    # without end=: each window closes at its process's last adoption (SPID's convention)
    rs2 = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                              units=["A", "B", "C"])
    assert rs2.frame.groupby("policy")["year"].max().to_dict() == {"x": 2003, "y": 2005}


def test_process_start_table_and_exclusions_counted():
    ev = pd.DataFrame({"unit": ["A", "B", "C"], "policy": ["x", "x", "x"],
                       "year": [1995, 2001, 2003]})
    starts = pd.DataFrame({"policy": ["x", "z"], "start": [2000, 2002]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                             units=["A", "B", "C", "D"], end=2004, process_start=starts)
    f = rs.frame
    assert f[f.policy == "x"]["year"].min() == 2000
    assert "A" not in set(f[f.policy == "x"]["unit"])  # adopted in 1995, before the window
    kinds = {n.kind: n for n in rs.notes}
    assert kinds["adopted_before_risk"].count == 1
    assert "'x': 1" in kinds["adopted_before_risk"].message
    assert kinds["process_no_adopters"].count == 1  # z has no adoptions
    assert (f[f.policy == "z"]["event"] == 0).all()
    assert len(f[f.policy == "z"]) == 4 * 3


def test_membership_spells_and_entry_times_per_process():
    ev = pd.DataFrame({"unit": ["A", "B"], "policy": ["x", "y"], "year": [1992, 1996]})
    mem = pd.DataFrame({"unit": ["A", "B", "C"], "start": [1990, 1990, 1994],
                        "end": [None, None, None]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy", membership=mem,
                             end=1998)
    f = rs.frame
    assert f[(f.policy == "x") & (f.unit == "C")]["year"].min() == 1994
    entry = rs.entry_times().to_numpy()
    expected = f.groupby(["policy", "unit"])["year"].transform("min").to_numpy()
    np.testing.assert_array_equal(entry, expected)


def test_spid_as_written():
    from diffusion.datasets import load_spid

    spid = load_spid()
    states = sorted(spid["state_abbr"].unique())
    rs = RiskSet.from_events(spid, unit="state_abbr", time="year", process="policy",
                             units=states, end=2017)
    assert rs.n_events == len(spid) == 17835
    assert rs.frame["policy"].nunique() == 728
    assert rs.notes[0].kind == "pooled" and rs.notes[0].count == 728
    # each policy's window opens at its first adoption
    f = rs.frame
    first = spid.groupby("policy")["year"].min()
    np.testing.assert_array_equal(f.groupby("policy")["year"].min().to_numpy(),
                                  first.sort_index().to_numpy())


# -------------------------------------------------- exposures within processes
def _spelled():
    """Pooled events with membership spells, late entry and an adoption before entry."""
    rng = np.random.default_rng(7)
    units = [f"s{i}" for i in range(12)]
    mem = pd.DataFrame({"unit": units, "start": [1980 + (i % 4) * 3 for i in range(12)],
                        "end": [None] * 11 + [1999]})
    rows = []
    for p in range(4):
        for i, u in enumerate(units):
            if rng.random() < 0.7:
                rows.append((u, f"p{p}", int(1984 + p + rng.integers(0, 16))))
    rows.append(("s3", "p0", 1982))  # before s3 enters (1989): excluded from p0
    ev = pd.DataFrame(rows, columns=["unit", "policy", "year"]).drop_duplicates(
        ["unit", "policy"], keep="last")
    groups = pd.DataFrame({"unit": units, "region": [i % 3 for i in range(12)]})
    edges = pd.DataFrame([(units[i], units[(i + 1) % 12]) for i in range(12)]
                         + [(units[i], units[(i + 5) % 12]) for i in range(0, 12, 2)],
                         columns=["source", "target"])
    timed = pd.concat([edges.assign(year=y) for y in range(1983, 2002, 2)], ignore_index=True)
    return ev, mem, groups, edges, timed


MEASURES = {
    "regional_share": lambda g, e, t: regional_share(g, window=3),
    "regional_count": lambda g, e, t: regional_count(g, window=2),
    "regional_density": lambda g, e, t: regional_density(g, lag=2),
    "world_share": lambda g, e, t: world_share(),
    "world_count": lambda g, e, t: world_count(lag=2),
    "network": lambda g, e, t: network(e),
    "network_sum": lambda g, e, t: network(e, normalize=False),
    "network_timed": lambda g, e, t: network(t, time="year"),
}


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_exposure_within_process_equals_loop(name):
    ev, mem, groups, edges, timed = _spelled()
    measure = MEASURES[name](groups, edges, timed)
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy", membership=mem,
                             end=2001)
    pooled = rs.with_exposure("e", measure).frame
    pieces = []
    for p, sub in ev.groupby("policy"):
        single = RiskSet.from_events(sub, unit="unit", time="year", membership=mem,
                                     start=int(sub["year"].min()), end=2001)
        pieces.append(single.with_exposure("e", measure).frame.assign(policy=p))
    looped = pd.concat(pieces, ignore_index=True)
    merged = pooled.merge(looped, on=["policy", "unit", "year"], how="outer",
                          suffixes=("_pooled", "_loop"), indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_array_equal(merged["event_pooled"], merged["event_loop"])
    # identical, not close: the same arithmetic on the same adoptions
    np.testing.assert_array_equal(merged["e_pooled"], merged["e_loop"])


def test_exposure_counts_only_the_rows_own_process():
    # B adopts policy y in 2000; A's exposure to policy x must not see it
    ev = pd.DataFrame({"unit": ["A", "B", "C"], "policy": ["x", "y", "x"],
                       "year": [2003, 2000, 2000]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                             units=["A", "B", "C"], end=2003)
    f = rs.with_exposure("w", world_count()).frame
    a_x = f[(f.policy == "x") & (f.unit == "A")].set_index("year")["w"]
    assert a_x.to_dict() == {2000: 0.0, 2001: 1.0, 2002: 1.0, 2003: 1.0}


# ------------------------------------------------------ absorbed effects vs R
@pytest.mark.parametrize("link", LINKS)
def test_absorbed_fit_matches_r_dummy_fit(pooled, ref, link):
    r = ref["cases"][link]
    model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + world", pooled, link=link,
                                            absorb=["policy", "year"])
    res = model.fit(cov_type="classic")
    assert res.n_obs == r["n_obs"] and res.n_events == r["n_events"]
    dropped = {n.kind: n.count for n in res.notes}["absorb_dropped"]
    assert dropped == r["n_dropped"]
    # R run at epsilon = 1e-14; both solve the same likelihood equations
    np.testing.assert_allclose(res.params.to_numpy(), r["params"], rtol=1e-8, atol=1e-10)
    assert res.loglik == pytest.approx(r["loglik"], rel=1e-10)
    # K of the small-sample factor: R's dummy fit counts the intercept + all effects
    assert res.extra["n_absorbed"] + len(r["params"]) == r["k"]
    checks = {"classic": {"cov_type": "classic"}, "robust": {"cov_type": "robust"},
              "cluster_unit": {"cluster": "unit"}, "cluster_policy": {"cluster": "policy"},
              "cluster_twoway": {"cluster": ["unit", "policy"]}}
    for key, kw in checks.items():
        se = model.fit(**kw).std_errors.to_numpy()
        np.testing.assert_allclose(se, r["se"][key], rtol=1e-7, err_msg=key)


def test_cox_stratified_by_policy_matches_r(pooled, ref):
    r = ref["cases"]["cox_efron"]
    for clock in ("calendar", "duration"):  # the same fit: all units enter at the start
        model = CoxHazard.from_formula("x1 + x2", pooled, strata="policy", clock=clock)
        res = model.fit(cov_type="classic")
        np.testing.assert_allclose(res.params.to_numpy(), r["params"], rtol=1e-8)
        np.testing.assert_allclose(res.std_errors.to_numpy(), r["se"]["classic"], rtol=1e-7)
        assert res.loglik == pytest.approx(r["loglik"], rel=1e-10)
        robust = model.fit(cluster="unit")
        np.testing.assert_allclose(robust.std_errors.to_numpy(), r["se"]["cluster_unit"],
                                   rtol=1e-7)


@pytest.mark.r
def test_r_script_reproduces_fixture(tmp_path):
    run_r_script(REF / "pooled.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "pooled.json").read_text())
    old = json.loads((OUTPUTS / "pooled.json").read_text())
    assert new["risk_set"] == old["risk_set"]
    for case, values in old["cases"].items():
        np.testing.assert_allclose(new["cases"][case]["params"], values["params"], rtol=1e-9)
        for key, se in values["se"].items():
            np.testing.assert_allclose(new["cases"][case]["se"][key], se, rtol=1e-9)


# ------------------------------------------- absorbed effects vs Python dummy fits
@pytest.mark.parametrize("link", LINKS)
def test_absorbed_equals_dummy_fit(link):
    rs = _small()
    a = DiscreteTimeHazard.from_formula("event ~ x + z", rs, link=link,
                                        absorb=["policy", "year"])
    d = DiscreteTimeHazard.from_formula("event ~ x + z + C(policy) + C(year)", rs, link=link)
    for kw in ({"cov_type": "classic"}, {"cov_type": "robust"}, {"cluster": "state"}):
        ra, rd = a.fit(**kw), d.fit(**kw)
        np.testing.assert_allclose(ra.params.to_numpy(), rd.params[["x", "z"]].to_numpy(),
                                   rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ra.std_errors.to_numpy(),
                                   rd.std_errors[["x", "z"]].to_numpy(), rtol=1e-8)
        assert ra.loglik == pytest.approx(rd.loglik, rel=1e-10)


def _dummy_panel(rs, rows):
    """The rows of ``rs`` at ``rows`` as a plain panel (unit: unit x process)."""
    f = rs.frame.iloc[rows]
    f = f.assign(unit_process=f[rs.unit] + "/" + f["policy"])
    return RiskSet.from_panel(f, unit="unit_process", time="year", event="event")


def test_one_absorbed_factor_and_alternating_projections():
    rs = _small(seed=3).assign(region=lambda f: f["state"].str[-1])
    one = DiscreteTimeHazard.from_formula("event ~ x + z", rs, link="logit",
                                          absorb=["policy"]).fit()
    panel = _dummy_panel(rs, one.estimation_rows)
    dummy = DiscreteTimeHazard.from_formula("event ~ x + z + C(policy)", panel, link="logit")
    np.testing.assert_allclose(one.params.to_numpy(),
                               dummy.fit().params[["x", "z"]].to_numpy(), rtol=1e-8)
    # three factors: alternating projections
    three = DiscreteTimeHazard.from_formula("event ~ x + z", rs, link="cloglog",
                                            absorb=["policy", "year", "region"])
    res = three.fit(cov_type="classic")
    panel = _dummy_panel(rs, res.estimation_rows)
    dummy3 = DiscreteTimeHazard.from_formula(
        "event ~ x + z + C(policy) + C(year) + C(region)", panel, link="cloglog")
    ref3 = dummy3.fit(cov_type="classic")
    np.testing.assert_allclose(res.params.to_numpy(), ref3.params[["x", "z"]].to_numpy(),
                               rtol=1e-8)
    np.testing.assert_allclose(res.std_errors.to_numpy(),
                               ref3.std_errors[["x", "z"]].to_numpy(), rtol=1e-8)


def test_perfectly_predicting_groups_dropped_and_counted():
    rs = _small(seed=2)
    f = rs.frame
    quiet = f["policy"].eq("p0").to_numpy()  # a process whose adoptions are removed
    panel = f.assign(event=np.where(quiet, 0, f["event"]),
                     unit_process=f["state"] + "/" + f["policy"])
    rs2 = RiskSet.from_panel(panel, unit="unit_process", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("event ~ x", rs2, link="logit",
                                          absorb=["policy", "year"]).fit(cluster="state")
    note = {n.kind: n for n in res.notes}["absorb_dropped"]
    assert note.count >= int(quiet.sum())
    assert "'policy': 1 group(s), " + str(int(quiet.sum())) + " row(s), 0 event(s)" in note.message
    assert res.n_obs == rs2.n_obs - note.count
    assert "p0" not in set(rs2.frame["policy"].iloc[res.estimation_rows])


@pytest.mark.parametrize("link", ["logit", "cloglog"])
def test_perfect_groups_of_both_factors_dropped_in_turn(link):
    # policy p0 never adopted (all 0); in the last year every other process's rows
    # adopt, so once p0 is gone that year is all 1 and goes too (fixest drops both kinds,
    # repeatedly); the rest must equal the dummy fit on the rows kept
    rs = _small(seed=2)
    f = rs.frame
    quiet = f["policy"].eq("p0").to_numpy()
    last = (f["year"].eq(2008) & ~f["policy"].eq("p0")).to_numpy()
    assert quiet.sum() and last.sum() and (f["year"].eq(2008) & quiet).sum()
    panel = f.assign(event=np.where(quiet, 0, np.where(last, 1, f["event"])),
                     unit_process=f["state"] + "/" + f["policy"])
    rs2 = RiskSet.from_panel(panel, unit="unit_process", time="year", event="event")
    res = DiscreteTimeHazard.from_formula("event ~ x + z", rs2, link=link,
                                          absorb=["policy", "year"]).fit(cluster="state")
    note = {n.kind: n for n in res.notes}["absorb_dropped"]
    assert note.count == int(quiet.sum() + last.sum())
    assert f"'policy': 1 group(s), {int(quiet.sum())} row(s), 0 event(s)" in note.message
    n_last = int(last.sum())
    assert f"'year': 1 group(s), {n_last} row(s), {n_last} event(s)" in note.message
    f2 = rs2.frame
    kept = f2["policy"].ne("p0") & f2["year"].ne(2008)
    np.testing.assert_array_equal(res.estimation_rows, np.flatnonzero(kept.to_numpy()))
    dummy = DiscreteTimeHazard.from_formula(
        "event ~ x + z + C(policy) + C(year)", _dummy_panel(rs2, res.estimation_rows),
        link=link).fit(cluster="state")
    np.testing.assert_allclose(res.params.to_numpy(), dummy.params[["x", "z"]].to_numpy(),
                               rtol=1e-8)
    np.testing.assert_allclose(res.std_errors.to_numpy(),
                               dummy.std_errors[["x", "z"]].to_numpy(), rtol=1e-8)


# ------------------------------------------------------------ two-way clusters
def test_two_way_of_the_same_clusters_is_one_way():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    u = rng.normal(size=200)
    w = rng.uniform(0.1, 1, size=200)
    g = rng.integers(0, 15, size=200)
    one, _ = sandwich_covariance(X, u, w, cov_type="cluster", clusters=g, small_sample="none")
    two, _ = sandwich_covariance(X, u, w, cov_type="cluster", clusters=[g, g],
                                 small_sample="none")
    np.testing.assert_allclose(two, one, rtol=1e-12)


def test_two_way_clustering_without_absorb(pooled):
    """V(a + b) = V(a) + V(b) - V(a x b), each with its own G/(G-1) (sandwich, multi0=FALSE)."""
    rs = pooled.assign(pair=lambda f: f["unit"] + "/" + f["policy"])
    model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + world", rs, link="logit")
    res = model.fit(cluster=["unit", "policy"])
    assert res.cluster == "unit + policy" and res.n_clusters == 6
    parts = [model.fit(cluster=c).cov.to_numpy() for c in ("unit", "policy", "pair")]
    np.testing.assert_allclose(res.cov.to_numpy(), parts[0] + parts[1] - parts[2],
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(res.params, model.fit(cluster="unit").params)


# ----------------------------------------------------------------- bad input
def test_bad_input():
    ev = pd.DataFrame({"unit": ["A", "B"], "policy": ["x", "x"], "year": [2000, 2001]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                             units=["A", "B", "C"], end=2003)
    assert rs.notes[1].kind == "one_process"
    with pytest.raises(SpecificationError, match="absent from the risk set"):
        DiscreteTimeHazard.from_formula("event ~ 1", rs, link="logit", absorb=["nation"])
    with pytest.raises(SpecificationError, match="both absorbed and in the formula"):
        DiscreteTimeHazard.from_formula("event ~ year", rs, link="logit", absorb=["year"])
    with pytest.raises(SpecificationError, match="does not absorb"):
        FirthHazard.from_formula("event ~ 1", rs, link="logit", absorb=["policy"])
    with pytest.raises(SpecificationError, match="repeated"):
        RiskSet.from_events(ev, unit="unit", time="year", process="policy", units=["A"],
                            end=2003, repeated=True)
    with pytest.raises(SpecificationError, match="process_start= needs process="):
        RiskSet.from_events(ev, unit="unit", time="year", units=["A", "B"], end=2003,
                            process_start=pd.DataFrame({"policy": ["x"], "start": [1990]}))
    twice = pd.concat([ev, ev.assign(year=[2002, 2003])])
    with pytest.raises(InvalidEventError, match="several adoptions of the same process"):
        RiskSet.from_events(twice, unit="unit", time="year", process="policy",
                            units=["A", "B"], end=2003)
    with pytest.raises(SpecificationError, match="no adoptions"):
        RiskSet.from_events(ev, unit="unit", time="year", process="policy", units=["A", "B"],
                            process_start=pd.DataFrame({"policy": ["z"], "start": [1990]}))
    with pytest.raises(DiffusionError, match="without a process"):
        RiskSet.from_events(ev.assign(policy=["x", None]), unit="unit", time="year",
                            process="policy", units=["A", "B"], end=2003)


def test_covariate_constant_within_absorbed_group_refused():
    rs = _small().assign(trend=lambda f: f["year"] * 0.1)
    with pytest.raises(CollinearityError, match="do not vary within the absorbed"):
        DiscreteTimeHazard.from_formula("event ~ x + trend", rs, link="logit",
                                        absorb=["policy", "year"]).fit()


def test_observed_information_refused_for_cloglog():
    rs = _small()
    model = DiscreteTimeHazard.from_formula("event ~ x", rs, link="cloglog",
                                            absorb=["policy", "year"])
    with pytest.raises(SpecificationError, match="observed"):
        model.fit(information="observed")


def test_duration_clock_counts_from_the_process_window():
    ev = pd.DataFrame({"unit": ["A", "B", "A"], "policy": ["x", "x", "y"],
                       "year": [2001, 2003, 2005]})
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy",
                             units=["A", "B", "C"], end=2006)
    f = rs.frame
    duration = f["year"] - rs.entry_times() + 1
    assert duration[(f.policy == "y") & (f.unit == "B")].tolist() == [1, 2]
    assert duration[(f.policy == "x") & (f.unit == "C")].tolist() == [1, 2, 3, 4, 5, 6]


def test_outside_membership_censor_equals_loop():
    ev = pd.DataFrame({"unit": ["A", "B", "A", "C"], "policy": ["x", "x", "y", "y"],
                       "year": [2003, 2001, 2004, 2002]})
    mem = pd.DataFrame({"unit": ["A", "B", "C", "A"], "start": [1998, 1998, 1998, 2003],
                        "end": [2000, None, None, None]})  # A is out in 2001-2002
    ev.loc[0, "year"] = 2002  # A adopts x while out
    with pytest.raises(DiffusionError, match="not a member"):
        RiskSet.from_events(ev, unit="unit", time="year", process="policy", membership=mem,
                            end=2005)
    rs = RiskSet.from_events(ev, unit="unit", time="year", process="policy", membership=mem,
                             end=2005, outside="censor")
    assert {n.kind: n.count for n in rs.notes}["event_outside_membership"] == 1
    pooled = rs.with_exposure("w", world_share()).frame
    for p, sub in ev.groupby("policy"):
        single = RiskSet.from_events(sub, unit="unit", time="year", membership=mem,
                                     start=int(sub["year"].min()), end=2005,
                                     outside="censor").with_exposure("w", world_share())
        mine = pooled[pooled.policy == p].drop(columns="policy").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, single.frame[mine.columns])


def test_absorbed_summary_names_the_effects():
    res = DiscreteTimeHazard.from_formula("event ~ x", _small(), link="logit",
                                          absorb=["policy", "year"]).fit()
    assert res.time_term == "absorbed effects (policy, year)"
    assert "absorbed effects (policy, year)" in str(res.summary())


@pytest.mark.parametrize("n_factors", [1, 2, 3])
def test_absorber_residual_is_the_weighted_least_squares_residual(n_factors):
    from diffusion.models.discrete_time._absorb import Absorber

    rng = np.random.default_rng(n_factors)
    n = 300
    codes = [rng.integers(0, 12, n), rng.integers(0, 7, n), rng.integers(0, 3, n)][:n_factors]
    if n_factors >= 2:  # two disconnected blocks of levels
        codes[1] = np.where(codes[0] < 6, codes[1] % 3, 3 + codes[1] % 4)
    x = rng.normal(size=(n, 2))
    w = rng.uniform(0.05, 2.0, size=n)
    D = np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])
    sw = np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(D * sw, x * sw, rcond=None)
    expected = x - D @ coef
    got = Absorber(codes).residualise_columns(x, w)
    np.testing.assert_allclose(got, expected, atol=1e-10)


def test_effects_refused_for_absorbed_and_work_after_two_way_clusters(pooled):
    from diffusion.effects import average_marginal_effects

    absorbed = DiscreteTimeHazard.from_formula("event ~ x1", pooled, link="logit",
                                               absorb=["policy"]).fit()
    with pytest.raises(SpecificationError, match="absorbed effects"):
        average_marginal_effects(absorbed)
    plain = DiscreteTimeHazard.from_formula("event ~ x1 + C(policy)", pooled, link="logit")
    two = average_marginal_effects(plain.fit(cluster=["unit", "policy"]))
    one = average_marginal_effects(plain.fit(cluster="unit"))
    np.testing.assert_allclose(two.iloc[:, 0], one.iloc[:, 0])


def test_measure_called_directly_on_a_pooled_risk_set_is_refused(pooled):
    with pytest.raises(SpecificationError, match="within each process"):
        world_share().compute(pooled)


def test_history_readers_refuse_a_pooled_risk_set(pooled):
    # plots, curves and placebo tests read one process's history: on a pooled risk set
    # they would count adoptions across processes, so they refuse it
    from diffusion.inference._placebo import observed_events
    from diffusion.report.curves import kaplan_meier_table
    from diffusion.report.plots import cumulative_adoption_table

    rs = pooled
    for call in (lambda: cumulative_adoption_table(rs),
                 lambda: kaplan_meier_table(rs, origin="membership"),
                 lambda: observed_events(rs)):
        with pytest.raises(SpecificationError, match="pools the processes"):
            call()
