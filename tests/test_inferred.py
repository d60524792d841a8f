"""Inferred networks (NetInf): hand-computed cases, a naive re-implementation, invariants."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, OUTPUTS, REF, run_r_script
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from diffusion import DiffusionError, RiskSet
from diffusion import datasets as ds
from diffusion.errors import (
    DataError,
    DuplicateKeyError,
    MissingColumnError,
    SpecificationError,
)
from diffusion.exposure import infer_network, infer_networks, network

TINY = pd.DataFrame({
    "unit": list("abcacbdab"),
    "cascade": [1, 1, 1, 2, 2, 2, 3, 3, 3],
    "time": [1, 2, 4, 1, 3, 5, 1, 2, 3],
})


def test_tiny_case_by_hand():
    """Exponential, rate 0.5: log(beta/eps) = log(5e9) = 22.332704...

    Edge a->b: cascade 1 (b's best external parent is a, dt 1: gain log(beta/eps));
    cascade 2 (external parent c, dt 2; a is at dt 4: gain log(beta/eps) - 0.5 * 2);
    cascade 3 (a at dt 1: log(beta/eps)). Total 3 log(5e9) - 1. Then a->c gains
    log(5e9) in cascade 2 (c's external parent was a) and log(5e9) - 0.5 in cascade 1
    (the external parent was b, at dt 2; a is at dt 3): 2 log(5e9) - 0.5.
    """
    net = infer_network(TINY, n_edges=4, params=0.5)
    g = math.log(0.5 / 1e-10)
    assert net.edges[["source", "target"]].to_numpy().tolist() == [
        ["a", "b"], ["a", "c"], ["d", "a"], ["c", "b"]]
    np.testing.assert_allclose(net.edges["improvement"], [3 * g - 1, 2 * g - 0.5, g, 1.0],
                               rtol=1e-12)
    # the fourth edge gains 1 in one cascade of three: z = 0, p = 1/2
    assert net.edges["p_value"].iloc[3] == pytest.approx(0.5, abs=1e-12)
    assert net.stopped == "n_edges" and net.n_cascades == 3 and net.n_units == 4
    # trees: b's parent in cascade 2 is c after the fourth edge
    t = net.trees.set_index(["cascade", "unit"])
    assert t.loc[(2, "b"), "parent"] == "c"
    assert t.loc[(3, "a"), "parent"] == "d"


def _naive(frame, n_edges, f):
    """NetInf as NetworkInference 1.2 runs it: every improvement recomputed each step,
    scores log(0.5 f) and log(1e-10 f), equally good edges to the last (destination,
    origin) in label order."""
    nodes = sorted(frame["unit"].unique())
    casc = {c: dict(zip(g["unit"], g["time"])) for c, g in frame.groupby("cascade")}

    def logf(d):  # log(0.5 f(d)), the score of a network edge
        return math.log(0.5 * f(d))

    score = {}
    for c, times in casc.items():
        for v, tv in times.items():
            before = [tv - tu for u, tu in times.items() if tu < tv]
            if before:
                score[(c, v)] = max(math.log(1e-10 * f(d)) for d in before)
    chosen, gains = [], []
    possible = {(u, v) for t in casc.values() for u in t for v in t if t[u] < t[v]}
    for _ in range(n_edges):
        best, best_gain = None, 0.0
        for v in nodes:
            for u in nodes:
                if (u, v) not in possible or (u, v) in chosen:
                    continue
                gain = sum(max(0.0, logf(t[v] - t[u]) - score[(c, v)])
                           for c, t in casc.items() if u in t and v in t and t[u] < t[v])
                if gain >= best_gain:
                    best, best_gain = (u, v), gain
        chosen.append(best)
        gains.append(best_gain)
        u, v = best
        for c, t in casc.items():
            if u in t and v in t and t[u] < t[v]:
                score[(c, v)] = max(score[(c, v)], logf(t[v] - t[u]))
    return chosen, gains


def _random_cascades(seed, n_units=8, n_cascades=12, tmax=10):
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_cascades):
        adopters = rng.choice(n_units, size=rng.integers(1, n_units + 1), replace=False)
        for u in adopters:
            rows.append((f"u{u}", f"p{c}", int(rng.integers(0, tmax))))
    return pd.DataFrame(rows, columns=["unit", "cascade", "time"])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("model,params,f", [
    # the densities as NetworkInference's C++ writes them: the greedy search breaks
    # exact ties, so the scores must be the same floating-point numbers
    ("exponential", 0.7, lambda d: 0.7 * math.exp(-1 * 0.7 * d)),
    ("rayleigh", 2.0, lambda d: (d / 2.0 ** 2) * math.exp(-d ** 2 / (2 * 2.0 ** 2))),
    ("log-normal", (0.5, 1.2), lambda d: (1 / (d * 1.2 * math.sqrt(2 * math.pi))
                                          * math.exp(-((math.log(d) - 0.5) ** 2)
                                                     / (2 * 1.2 ** 2)))),
])
def test_equals_naive_greedy(seed, model, params, f):
    frame = _random_cascades(seed)
    net = infer_network(frame, n_edges=10, model=model, params=params)
    chosen, gains = _naive(frame, 10, f)
    assert [tuple(r) for r in net.edges[["source", "target"]].to_numpy()] == chosen
    np.testing.assert_allclose(net.edges["improvement"], gains, rtol=1e-10, atol=1e-12)


def test_p_value_cutoff_stops_before_failing_edge():
    frame = _random_cascades(3, n_cascades=30)
    full = infer_network(frame, n_edges=25, params=0.7)
    cut = infer_network(frame, p_value_cutoff=0.05, params=0.7)
    k = cut.n_edges
    assert cut.stopped == "p_value"
    assert (cut.edges["p_value"] < 0.05).all()
    # the same greedy path, stopped at the first edge whose p-value reaches 0.05
    pd.testing.assert_frame_equal(cut.edges, full.edges.iloc[:k])
    assert full.edges["p_value"].iloc[k] >= 0.05


def test_default_rate_is_networkinference_initial_value():
    # since-first gaps: 1, 3, 2, 4, 1, 2 (mean 13/6); consecutive gaps: 1, 2, 2, 2, 1, 1
    net = infer_network(TINY, n_edges=1)
    assert net.params[0] == pytest.approx(((6 / 13) + (6 / 9)) / 2, rel=1e-14)


def test_ties_cannot_infect_each_other():
    frame = pd.DataFrame({"unit": ["a", "b", "c"], "cascade": [1, 1, 1], "time": [1, 1, 2]})
    net = infer_network(frame, n_edges=2, params=1.0)
    assert set(map(tuple, net.edges[["source", "target"]].to_numpy())) == {("a", "c"), ("b", "c")}
    assert net.n_possible_edges == 2
    with pytest.raises(SpecificationError, match="exceeds the 2 possible edges"):
        infer_network(frame, n_edges=3, params=1.0)


def test_input_untouched_and_row_order_irrelevant():
    frame = _random_cascades(1)
    copy = frame.copy()
    a = infer_network(frame, n_edges=8, params=0.5)
    pd.testing.assert_frame_equal(frame, copy)
    b = infer_network(frame.sample(frac=1, random_state=2), n_edges=8, params=0.5)
    pd.testing.assert_frame_equal(a.edges, b.edges)


def test_non_adopters_counted_and_single_adopter_cascades_noted():
    frame = pd.concat([TINY, pd.DataFrame({"unit": ["e", "a"], "cascade": [1, 9],
                                           "time": [np.nan, 3]})], ignore_index=True)
    net = infer_network(frame, n_edges=2, params=0.5)
    kinds = {n.kind: n.count for n in net.notes}
    assert kinds == {"no_adoption_time": 1, "single_adopter_cascade": 1}
    assert net.n_cascades == 4


def test_ties_feed_network_exposure():
    net = infer_network(TINY, n_edges=2, params=0.5)
    rs = RiskSet.from_panel(pd.DataFrame({"unit": list("bbcc"), "year": [1, 2, 1, 2],
                                          "event": [0, 1, 0, 0]}),
                            unit="unit", time="year", event="event")
    assert list(net.ties().columns) == ["source", "target"]
    out = rs.with_exposure("netinf", network(net.ties(), normalize=False)).frame
    assert out["netinf"].between(0, 1).all()
    g = net.to_networkx()
    assert set(g.edges) == {("a", "b"), ("a", "c")}


def test_bad_input():
    with pytest.raises(MissingColumnError, match="'policy'"):
        infer_network(TINY, cascade="policy", n_edges=1)
    with pytest.raises(SpecificationError, match="exactly one of"):
        infer_network(TINY)
    with pytest.raises(SpecificationError, match="exactly one of"):
        infer_network(TINY, n_edges=2, p_value_cutoff=0.1)
    with pytest.raises(SpecificationError, match="n_edges must be"):
        infer_network(TINY, n_edges=0)
    with pytest.raises(SpecificationError, match="p_value_cutoff"):
        infer_network(TINY, p_value_cutoff=1.5)
    with pytest.raises(SpecificationError, match="unknown transmission model"):
        infer_network(TINY, n_edges=1, model="gamma")
    with pytest.raises(SpecificationError, match="give params for the rayleigh"):
        infer_network(TINY, n_edges=1, model="rayleigh")
    with pytest.raises(SpecificationError, match=r"\(mu, sigma\)"):
        infer_network(TINY, n_edges=1, model="log-normal", params=(0.0, -1.0))
    with pytest.raises(SpecificationError, match="rate"):
        infer_network(TINY, n_edges=1, params=-1)
    dup = pd.concat([TINY, TINY.iloc[[0]]], ignore_index=True)
    with pytest.raises(DuplicateKeyError, match=r"\('a', 1\)"):
        infer_network(dup, n_edges=1)
    bad = TINY.assign(time=TINY["time"].astype(object))
    bad.loc[2, "time"] = "1990s"
    with pytest.raises(DataError, match="'c' in 1"):
        infer_network(bad, n_edges=1)
    with pytest.raises(DataError, match="missing"):
        infer_network(TINY.assign(unit=[None] + list(TINY["unit"][1:])), n_edges=1)
    with pytest.raises(DiffusionError, match="DataFrame"):
        infer_network([1, 2], n_edges=1)
    with pytest.raises(SpecificationError, match="at least two cascades"):
        infer_network(TINY[TINY["cascade"] == 1], p_value_cutoff=0.05, params=0.5)
    with pytest.raises(SpecificationError, match="window"):
        infer_networks(TINY, [3], window=0, n_edges=1)


def test_networks_by_year_never_look_ahead():
    frame = _random_cascades(5, n_cascades=25, tmax=20)
    yearly = infer_networks(frame, range(5, 20), window=6, n_edges=5, params=0.5)
    assert set(yearly["year"]) <= set(range(5, 20))
    for year in (8, 12, 19):
        part = frame[(frame["time"] > year - 6) & (frame["time"] <= year)]
        alone = infer_network(part, n_edges=5, params=0.5).edges
        got = yearly[yearly["year"] == year].drop(columns="year").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone)
    # adoptions after a year change nothing about that year's network
    later = frame.assign(time=np.where(frame["time"] > 12, frame["time"] + 3, frame["time"]))
    again = infer_networks(later, [12], window=6, n_edges=5, params=0.5)
    pd.testing.assert_frame_equal(again.reset_index(drop=True),
                                  yearly[yearly["year"] == 12].reset_index(drop=True))


def test_networks_by_year_keep_all_edges_when_few_are_possible():
    yearly = infer_networks(TINY, [2, 3, 10], window=2, n_edges=3, params=0.5)
    kinds = {n.kind: n.count for n in yearly.attrs["notes"]}
    assert kinds.get("few_possible_edges", 0) >= 1
    # year 2: adoptions at times 1 and 2 only: a->b (two cascades) and d->a
    two = yearly[yearly["year"] == 2]
    assert set(map(tuple, two[["source", "target"]].to_numpy())) == {("a", "b"), ("d", "a")}
    assert kinds.get("no_possible_edges") == 1  # year 10: no adoptions in (8, 10]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_invariants(seed, n_edges):
    frame = _random_cascades(seed, n_units=6, n_cascades=8, tmax=6)
    try:
        net = infer_network(frame, n_edges=n_edges, params=0.8)
    except SpecificationError:
        return  # fewer possible edges than asked
    e = net.edges
    assert len(e) == n_edges
    assert not e.duplicated(["source", "target"]).any()
    assert (e["source"] != e["target"]).all()
    assert (e["improvement"] >= 0).all()
    # gains only shrink as edges are added (submodularity), so the greedy sequence of
    # improvements never increases
    assert (np.diff(e["improvement"]) <= 1e-9).all()
    assert ((e["p_value"] >= 0) & (e["p_value"] <= 1)).all()
    # every tree parent is an inferred edge into that unit
    t = net.trees.dropna(subset=["parent"])
    edges = set(map(tuple, e[["source", "target"]].to_numpy()))
    assert all((p, u) in edges for p, u in zip(t["parent"], t["unit"]))


# ------------------------------------------------------------------ R NetworkInference
REFERENCE = json.loads((OUTPUTS / "netinf.json").read_text())["cases"]


def _inputs(name):
    if name == "spid_all":
        return ds.load_spid()[["state_abbr", "policy", "year"]].rename(
            columns={"state_abbr": "unit", "policy": "cascade", "year": "time"})
    if name.startswith("dhb"):
        frame = ds.load_dhb_policies().rename(
            columns={"state": "unit", "policy": "cascade", "year": "time"})
        return frame[frame["time"].between(1945, 1979)] if name == "dhb_1980" else frame
    return pd.read_csv(INPUTS / f"netinf_{name.split('_')[0]}.csv")


def _ours(name):
    args = REFERENCE[name]["args"]
    kw = {"model": args["trans_mod"], "params": args.get("params")}
    if "n_edges" in args:
        kw["n_edges"] = args["n_edges"]
    else:
        kw["p_value_cutoff"] = args["p_value_cutoff"]
    return infer_network(_inputs(name), **kw)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_edges_and_improvements_equal_r(name):
    """Same edges in the same order; improvements equal to 1e-12 (relative).

    The scores are computed with the same operations as NetworkInference's C++, so the
    improvements agree to the last bit here (the tolerance allows another C library).
    With p_value_cutoff, R also returns the first edge that failed the test.
    """
    case, net = REFERENCE[name], _ours(name)
    ref = pd.DataFrame(case["edges"])
    if "p_value_cutoff" in case["args"]:
        ref = ref.iloc[:-1]
    assert net.edges["source"].tolist() == ref["origin"].tolist()
    assert net.edges["target"].tolist() == ref["destination"].tolist()
    np.testing.assert_allclose(net.edges["improvement"], ref["improvement"], rtol=1e-12)
    np.testing.assert_allclose(net.params, case["params"], rtol=1e-14)
    # the first p-value, before R's tree scores drift (see test_r_p_values_explained):
    # equal up to R's approximation of the normal distribution function (1.5e-7)
    np.testing.assert_allclose(net.edges["p_value"].iloc[0], ref["p_value"].iloc[0], atol=5e-7)


def test_trees_equal_r():
    ref = pd.DataFrame(REFERENCE["tiny_exp"]["trees"])
    ours = _ours("tiny_exp").trees
    got = ours.assign(cascade=ours["cascade"].astype(str)).set_index(["cascade", "unit"])
    for row in ref.itertuples(index=False):
        assert got.loc[(row.cascade, row.child), "parent"] == row.parent
        assert got.loc[(row.cascade, row.child), "log_score"] == pytest.approx(row.log_score,
                                                                               rel=1e-14)


def _replay_p_values(frame, f, edges):
    """Vuong p-values along a given sequence of edges, two ways.

    ``correct``: d_c = (gain in cascade c) - 1/n, as infer_network computes it.
    ``as_r``: NetworkInference 1.2.4's vuong_test subtracts 1/n from the tree scores
    *in place* (an Rcpp vector shares its caller's memory), so the stored score of a
    cascade drifts by -1/n per edge until the cascade's tree is next updated and its
    score re-summed; R also uses 1/n and sqrt(n) in single precision and the
    Abramowitz-Stegun approximation of Phi.
    """
    casc = {c: dict(zip(g["unit"], g["time"])) for c, g in frame.groupby("cascade")}
    n = len(casc)
    score = {}
    for c, t in casc.items():
        for v, tv in t.items():
            before = [tv - tu for tu in t.values() if tu < tv]
            if before:
                score[(c, v)] = max(math.log(1e-10 * f(d)) for d in before)

    def tree(c):
        return sum(s for (cc, _), s in score.items() if cc == c)

    stored = {c: tree(c) for c in casc}
    correct, as_r = [], []
    n32, sqrt32 = float(np.float32(1) / np.float32(n)), float(np.sqrt(np.float32(n)))
    for u, v in edges:
        gains = {}
        for c, t in casc.items():
            if u in t and v in t and t[u] < t[v]:
                new = math.log(0.5 * f(t[v] - t[u]))
                if new > score[(c, v)]:
                    gains[c] = new - score[(c, v)]
                    score[(c, v)] = new
        d = np.array([gains.get(c, 0.0) for c in casc])
        correct.append(float(stats.norm.sf((d.sum() - 1) / (d.std(ddof=1) * math.sqrt(n)))))
        old = np.array([stored[c] for c in casc])
        for c in gains:
            stored[c] = tree(c)
        new = np.array([stored[c] for c in casc]) - n32
        liks = new - old
        z = liks.sum() / (liks.std(ddof=1) * sqrt32)
        as_r.append(1 - _phi_abramowitz_stegun(z))
        stored = dict(zip(casc, new))  # the in-place subtraction
    return np.array(correct), np.array(as_r)


def _phi_abramowitz_stegun(x):
    a1, a2, a3, a4, a5, p = (0.254829592, -0.284496736, 1.421413741, -1.453152027,
                             1.061405429, 0.3275911)
    sign = -1 if x < 0 else 1
    x = abs(x) / math.sqrt(2.0)
    t = 1.0 / (1.0 + p * x)
    y = 1.0 - (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t * math.exp(-x * x)
    return 0.5 * (1.0 + sign * y)


@pytest.mark.parametrize("name,f", [
    ("tiny_exp", lambda d: 0.5 * math.exp(-1 * 0.5 * d)),
    ("random_exp", lambda d: 0.7 * math.exp(-1 * 0.7 * d)),
    ("random_rayleigh", lambda d: (d / 2.0 ** 2) * math.exp(-d ** 2 / (2 * 2.0 ** 2))),
])
def test_r_p_values_explained(name, f):
    """Our p-values are Vuong's test; R's differ only by its drifting tree scores."""
    case, net = REFERENCE[name], _ours(name)
    edges = list(zip(case["edges"]["origin"], case["edges"]["destination"]))
    correct, as_r = _replay_p_values(_inputs(name), f, edges)
    np.testing.assert_allclose(net.edges["p_value"], correct, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(case["edges"]["p_value"], as_r, rtol=1e-6, atol=1e-9)
    if name != "tiny_exp":
        assert np.max(np.abs(correct - as_r)) > 1e-3  # the drift matters


@pytest.mark.r
def test_r_script_reproduces_fixtures(tmp_path):
    run_r_script(REF / "netinf.R", INPUTS, tmp_path)
    new = json.loads((tmp_path / "netinf.json").read_text())["cases"]
    for name, case in REFERENCE.items():
        assert new[name]["edges"]["origin"] == case["edges"]["origin"]
        np.testing.assert_allclose(new[name]["edges"]["improvement"],
                                   case["edges"]["improvement"], rtol=1e-12)
