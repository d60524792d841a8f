"""Structural equivalence (Burt 1987): a hand-computed case, a direct re-computation,
invariants and bad input. The comparison with R netdiffuseR is in test_equivalence_vs_r."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, run_r_script
from hypothesis import given, settings
from hypothesis import strategies as st

from diffusion import RiskSet
from diffusion.errors import DataError, MissingColumnError, SpecificationError
from diffusion.exposure import network, structural_equivalence


def test_hand_computed_case():
    """a and b both listen to c: identical positions (d_ab = 0); d_ac = sqrt(2) (the
    farthest, weight 0); d_ad = 1. Weights for a: sqrt(2) and sqrt(2) - 1, normalised."""
    ties = pd.DataFrame({"source": ["c", "c"], "target": ["a", "b"]})
    se = structural_equivalence(ties, units=list("abcd")).set_index(["target", "source"])
    r2 = math.sqrt(2)
    assert se.loc[("a", "b"), "weight"] == pytest.approx(r2 / (2 * r2 - 1), rel=1e-14)
    assert se.loc[("a", "d"), "weight"] == pytest.approx((r2 - 1) / (2 * r2 - 1), rel=1e-14)
    assert ("a", "c") not in se.index
    # d is at distance 1 from a and b and sqrt(2) from c: a and b share its weight
    assert se.loc[("d", "a"), "weight"] == pytest.approx(0.5, rel=1e-14)


def _direct(units, ties, v=1.0, unreachable="zero"):
    """The definition, term by term: geodesics by breadth-first search from each ego
    along the ties it listens to, then Burt's distance and weights."""
    n = len(units)
    pos = {u: i for i, u in enumerate(units)}
    listens = {i: set() for i in range(n)}
    for s, t in ties:
        if s != t:
            listens[pos[t]].add(pos[s])
    z = np.full((n, n), np.nan)
    for i in range(n):
        dist, frontier, step = {i: 0}, [i], 0
        while frontier:
            step += 1
            nxt = [j for f in frontier for j in listens[f] if j not in dist]
            for j in nxt:
                dist.setdefault(j, step)
            frontier = list(dict.fromkeys(nxt))
        for j, dj in dist.items():
            z[i, j] = dj
    z[np.isnan(z)] = 0.0 if unreachable == "zero" else np.nanmax(z) + 1
    if z.max() > 0:
        z = z / z.max()
    d = np.zeros((n, n))
    for i, j in itertools.permutations(range(n), 2):
        others = [k for k in range(n) if k not in (i, j)]
        d[i, j] = math.sqrt((z[i, j] - z[j, i]) ** 2
                            + sum((z[i, k] - z[j, k]) ** 2 for k in others)
                            + sum((z[k, i] - z[k, j]) ** 2 for k in others))
    W = np.zeros((n, n))
    for i in range(n):
        dmax = max(d[i, j] for j in range(n) if j != i)
        gaps = [(dmax - d[i, j]) ** v if j != i else 0.0 for j in range(n)]
        total = sum(gaps)
        if total > 0:
            W[i] = np.array(gaps) / total
    return W


def _weights(se, units):
    pos = {u: i for i, u in enumerate(units)}
    W = np.zeros((len(units), len(units)))
    for s, t, w in se[["source", "target", "weight"]].itertuples(index=False):
        W[pos[t], pos[s]] = w
    return W


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("v,unreachable", [(1.0, "zero"), (2.5, "zero"), (1.0, "max+1")])
def test_equals_direct_definition(seed, v, unreachable):
    rng = np.random.default_rng(seed)
    units = [f"u{i}" for i in range(12)]
    pairs = [(units[a], units[b]) for a, b in rng.integers(0, 12, size=(20, 2))]
    ties = pd.DataFrame(pairs, columns=["source", "target"])
    se = structural_equivalence(ties, units=units, v=v, unreachable=unreachable)
    np.testing.assert_allclose(_weights(se, units), _direct(units, pairs, v, unreachable),
                               atol=1e-12)


def test_groups_are_separate():
    ties = pd.DataFrame({"source": ["c", "c", "z", "z"], "target": ["a", "b", "x", "y"]})
    groups = pd.DataFrame({"unit": list("abcdxyz"), "group": [1, 1, 1, 1, 2, 2, 2]})
    se = structural_equivalence(ties, units=list("abcdxyz"), groups=groups)
    g = dict(zip(groups["unit"], groups["group"]))
    assert all(g[s] == g[t] for s, t in zip(se["source"], se["target"]))
    # the first group alone gives the same weights
    alone = structural_equivalence(ties.iloc[:2], units=list("abcd"))
    inside = se[se["target"].isin(list("abcd"))].reset_index(drop=True)
    pd.testing.assert_frame_equal(inside, alone, check_like=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=25),
       st.floats(0.5, 3.0))
def test_invariants(pairs, v):
    units = list(range(8))
    ties = pd.DataFrame(pairs, columns=["source", "target"]) if pairs else \
        pd.DataFrame({"source": [], "target": []})
    se = structural_equivalence(ties, units=units, v=v)
    assert (se["weight"] > 0).all() and (se["source"] != se["target"]).all()
    sums = se.groupby("target")["weight"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
    # units with no weights are counted in the notes
    flat = {n.kind: n.count for n in se.attrs["notes"]}.get("no_structural_weights", 0)
    assert flat == len(units) - se["target"].nunique()


def test_feeds_network_exposure_and_input_untouched():
    ties = pd.DataFrame({"source": ["c", "c", "a"], "target": ["a", "b", "d"]})
    copy = ties.copy()
    se = structural_equivalence(ties, units=list("abcd"))
    pd.testing.assert_frame_equal(ties, copy)
    events = pd.DataFrame({"unit": ["b"], "year": [2]})
    rs = RiskSet.from_events(events, unit="unit", time="year", units=list("abcd"),
                             start=1, end=4)
    f = rs.with_exposure("se", network(se, weight="weight")).frame
    a = f[f["unit"] == "a"].set_index("year")["se"]
    # a's weight on b (identical position) is sqrt(2)/(2 sqrt(2) - 1) once b adopted (t-1 = 2)
    assert a.loc[3] == pytest.approx(se.query("target == 'a' and source == 'b'")["weight"]
                                     .iloc[0] / se.query("target == 'a'")["weight"].sum())
    assert a.loc[2] == 0.0
    assert f["se"].between(0, 1).all()


def test_bad_input():
    ties = pd.DataFrame({"source": ["c"], "target": ["a"]})
    with pytest.raises(MissingColumnError, match="'from'"):
        structural_equivalence(ties, source="from")
    with pytest.raises(SpecificationError, match="v must be"):
        structural_equivalence(ties, v=0)
    with pytest.raises(SpecificationError, match="unreachable"):
        structural_equivalence(ties, unreachable="inf")
    with pytest.raises(DataError, match="missing"):
        structural_equivalence(pd.DataFrame({"source": [None], "target": ["a"]}))
    with pytest.raises(DataError, match="no group"):
        structural_equivalence(ties, groups=pd.DataFrame({"unit": ["a"], "group": [1]}))
    with pytest.raises(DataError, match="twice"):
        structural_equivalence(ties, units=["a", "a", "c"])
    out = structural_equivalence(ties, units=["a", "b"])
    assert {n.kind for n in out.attrs["notes"]} >= {"ties_outside_units"}


# ------------------------------------------------------------------ R netdiffuseR
R_OUT = json.loads((OUTPUTS / "equivalence.json").read_text())


def _dense(trip, n):
    W = np.zeros((n, n))
    W[np.asarray(trip["i"]) - 1, np.asarray(trip["j"]) - 1] = trip["x"]
    return W


def _medinnov():
    doctors = pd.read_csv(INPUTS / "equivalence_doctors.csv")
    ties = pd.read_csv(INPUTS / "equivalence_ties.csv")
    groups = doctors[["doctor", "city"]].rename(columns={"doctor": "unit", "city": "group"})
    return doctors, ties, groups


@pytest.mark.parametrize("key,max_steps", [("se_city", 6), ("se_city_n20", None)])
def test_medical_innovation_weights_equal_netdiffuser(key, max_steps):
    """struct_equiv(g, groupvar = city) to 1e-12 (netdiffuseR adds 1e-15 to the row sums).

    netdiffuseR follows paths of at most 6 steps; ``n = 20`` is exact on this graph
    (its longest geodesic has 10 steps), as ``max_steps=None``.
    """
    doctors, ties, groups = _medinnov()
    units = doctors["doctor"].tolist()
    se = structural_equivalence(ties, units=units, source="alter", target="ego",
                                groups=groups, max_steps=max_steps)
    ref = _dense(R_OUT["medinnov"][key], len(units))
    np.testing.assert_allclose(_weights(se, units), ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("k", range(3))
@pytest.mark.parametrize("key,kw", [("se", {"max_steps": 6}), ("se_n20", {}),
                                    ("se_v2", {"max_steps": 6, "v": 2.0})])
def test_random_graph_weights_equal_netdiffuser(k, key, kw):
    rand = pd.read_csv(INPUTS / "equivalence_random.csv")
    part = rand[rand["graph"] == k]
    case = R_OUT["random"][k]
    se = structural_equivalence(part, units=case["nodes"], source="alter", target="ego", **kw)
    ref = _dense(case[key], len(case["nodes"]))
    np.testing.assert_allclose(_weights(se, case["nodes"]), ref, rtol=1e-12, atol=1e-14)


def _exposures():
    """Cohesion and SE exposure of the doctor-months, as network() computes them."""
    doctors, ties, groups = _medinnov()
    adopters = doctors[doctors["toa"] < 18]
    rs = RiskSet.from_events(adopters, unit="doctor", time="toa", units=doctors["doctor"],
                             start=1, end=17)
    se = structural_equivalence(ties, units=doctors["doctor"], source="alter", target="ego",
                                groups=groups, max_steps=6)
    rs = (rs.with_exposure("cohesion", network(ties.drop_duplicates(), source="alter",
                                               target="ego"))
            .with_exposure("se", network(se, weight="weight")))
    return doctors, rs.frame


def test_exposures_equal_netdiffuser():
    """Row (i, t) reads adoption by t - 1: netdiffuseR's exposure column t - 1 (which
    counts adoption at or before its time). Cohesion: exposure(diffnet) (0/1 ties);
    structural: exposure(diffnet, alt.graph = SE, valued = TRUE)."""
    doctors, frame = _exposures()
    pos = {d: i for i, d in enumerate(doctors["doctor"])}
    for column, key in (("cohesion", "exposure_cohesion"), ("se", "exposure_se_burt")):
        ref = np.array(R_OUT["medinnov"][key])
        later = frame[frame["toa"] >= 2]
        expected = ref[[pos[d] for d in later["doctor"]], later["toa"].to_numpy() - 2]
        np.testing.assert_allclose(later[column], expected, rtol=1e-10, atol=1e-12)


def test_netdiffuser_se_exposure_uses_inverse_weights():
    """netdiffuseR's exposure(alt.graph = "se") weighs alters by 1 / SE (documented
    difference): rebuilt from the stored SE weights it equals R's values."""
    doctors, ties, groups = _medinnov()
    n = len(doctors)
    W = _dense(R_OUT["medinnov"]["se_city"], n)
    inv = np.divide(1.0, W, out=np.zeros_like(W), where=W != 0)
    adopted = np.array([[toa <= t for t in range(1, 19)] for toa in doctors["toa"]], float)
    with np.errstate(invalid="ignore"):
        rebuilt = inv @ adopted / (inv.sum(axis=1, keepdims=True) + 1e-15)
    ref = np.array(R_OUT["medinnov"]["exposure_se_inverse"])
    np.testing.assert_allclose(rebuilt, ref, rtol=1e-10, atol=1e-12)
    burt = np.array(R_OUT["medinnov"]["exposure_se_burt"])
    assert np.max(np.abs(burt - ref)) > 0.05  # the two weightings differ materially


@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(REF / "equivalence.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "equivalence.json").read_text())
    for key in ("se_city", "exposure_cohesion", "exposure_se_burt"):
        a, b = new["medinnov"][key], R_OUT["medinnov"][key]
        np.testing.assert_allclose(np.asarray(a["x"] if isinstance(a, dict) else a),
                                   np.asarray(b["x"] if isinstance(b, dict) else b),
                                   rtol=1e-12)
