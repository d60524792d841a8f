"""Structural equivalence (Burt 1987): a hand-computed case, a direct re-computation,
invariants and bad input. The comparison with R netdiffuseR is in test_equivalence_vs_r."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
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
