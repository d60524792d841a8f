"""Permutation and placebo inference for exposure terms.

* ``within_year``: hand-made histories check that each year's adoptions go to units
  at risk under the permuted history, that the number per year is kept, and that
  adoptions before entry stay where they were.
* ``rewire``: every unit keeps its in- and out-degree exactly, no self-tie or multiple
  tie appears, weights travel with their source, and the network does change.
* The test: p-value formula, the observed statistic is the model's, results identical
  across n_jobs, a strong effect is detected, refusals, and the plot.
"""

from __future__ import annotations

from collections import Counter

import matplotlib
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import diffusion as d
from diffusion import simulate
from diffusion.errors import SpecificationError
from diffusion.exposure import network, regional_share
from diffusion.inference._placebo import network_to_rewire, permute_within_year, rewire
from diffusion.inference.permutation import PermutationResult

matplotlib.use("Agg")


# ------------------------------------------------------------- within_year
MEMBERS = pd.DataFrame({"c": ["A", "B", "C", "D", "E", "F"],
                        "start": [1900, 1900, 1900, 1903, 1900, 1905],
                        "end": [1910, 1910, 1902, 1910, 1910, 1910]})
EVENTS = pd.DataFrame({"c": ["A", "B", "D", "F"], "y": [1901, 1901, 1904, 1899]})


def _rs():
    return d.RiskSet.from_events(EVENTS, unit="c", time="y", membership=MEMBERS,
                                 start=1900, end=1910)


def test_within_year_keeps_adoptions_per_year_and_picks_units_at_risk():
    rs = _rs()
    member = {r.c: range(r.start, r.end + 1) for r in MEMBERS.itertuples()}
    seen_units = Counter()
    for seed in range(400):
        events, shortfall = permute_within_year(rs, np.random.default_rng(seed))
        assert shortfall == 0
        # F adopted before it entered: never at risk, its adoption is kept
        assert events.loc[events["c"] == "F", "y"].tolist() == [1899]
        free = events[events["c"] != "F"]
        assert sorted(free["y"]) == [1901, 1901, 1904]  # two in 1901, one in 1904
        assert free["c"].is_unique
        for u, y in zip(free["c"], free["y"]):
            assert y in member[u]  # a member in the year it adopts
        seen_units.update(free["c"])
    # in 1901, A, B, C and E are at risk: two of them adopt, each with probability 1/2.
    # C leaves in 1902; in 1904 the adoption goes to D (entered 1903) or to one of A, B,
    # E not drawn in 1901: 3 candidates if C was drawn, 2 if not. So
    # P(C) = 1/2, P(D) = 1/2 * 1/3 + 1/2 * 1/2 = 5/12, P(A) = P(B) = P(E) = 25/36.
    # 400 draws: binomial SDs are at most 10; allow 4 SDs
    expected = {"A": 400 * 25 / 36, "B": 400 * 25 / 36, "C": 200, "D": 400 * 5 / 12,
                "E": 400 * 25 / 36}
    assert set(seen_units) == set(expected)
    for u, n in expected.items():
        assert abs(seen_units[u] - n) < 40, (u, seen_units[u], n)


def test_within_year_units_that_adopted_in_a_permuted_year_are_not_drawn_again():
    # every unit at risk in 1901 adopts that year: whatever the draw, A, B, C and E
    # take 1901, and the 1904 adoption can only go to D
    ev = pd.DataFrame({"c": ["A", "B", "C", "E", "D"], "y": [1901, 1901, 1901, 1901, 1904]})
    rs = d.RiskSet.from_events(ev, unit="c", time="y", membership=MEMBERS.iloc[:5],
                               start=1900, end=1910)
    for seed in range(20):
        events, shortfall = permute_within_year(rs, np.random.default_rng(seed))
        assert dict(zip(events["c"], events["y"])) == {"A": 1901, "B": 1901, "C": 1901,
                                                       "E": 1901, "D": 1904}
        assert shortfall == 0


# ------------------------------------------------------------------ rewire
def _random_digraph(seed: int, n: int = 40, m: int = 160) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    e = pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)})
    e = e[e.source != e.target].drop_duplicates().reset_index(drop=True)
    e["weight"] = np.arange(len(e), dtype=float) + 1
    return e


def test_rewire_keeps_in_and_out_degrees_and_stays_simple():
    edges = _random_digraph(1)
    net, notes, _ = network_to_rewire(edges, "source", "target")
    assert notes == []
    for seed in range(5):
        s, t = rewire(net.s, net.d, len(net.nodes), np.random.default_rng(seed), 10 * len(net.s))
        out = net.rebuild(s, t)
        assert Counter(out["source"]) == Counter(edges["source"])
        assert Counter(out["target"]) == Counter(edges["target"])
        assert not (out["source"] == out["target"]).any()
        assert not out.duplicated(["source", "target"]).any()
        # the network changed: most ties are new
        old = set(zip(edges["source"], edges["target"]))
        new = set(zip(out["source"], out["target"]))
        assert len(new - old) > 0.7 * len(old)
        # a tie keeps its source and its weight
        pd.testing.assert_series_equal(out["source"], edges["source"])
        pd.testing.assert_series_equal(out["weight"], edges["weight"])


def test_rewire_a_networkx_digraph_and_remove_self_ties():
    edges = _random_digraph(2)
    g = nx.from_pandas_edgelist(edges, "source", "target", edge_attr="weight",
                                create_using=nx.DiGraph)
    g.add_edge(0, 0, weight=5.0)
    net, notes, cleaned = network_to_rewire(g, "source", "target")
    assert [n.kind for n in notes] == ["network_self_loops"]
    assert g.has_edge(0, 0)  # the caller's graph is untouched
    s, t = rewire(net.s, net.d, len(net.nodes), np.random.default_rng(0), 500)
    h = net.rebuild(s, t)
    assert isinstance(h, nx.DiGraph) and set(h.nodes) == set(g.nodes)
    assert dict(h.in_degree()) == dict(cleaned.in_degree())
    assert dict(h.out_degree()) == dict(cleaned.out_degree())
    assert nx.number_of_selfloops(h) == 0


def test_rewire_of_a_complete_bipartite_core_cannot_change_and_keeps_it():
    # a -> {x, y}, b -> {x, y}: every swap would create an existing tie
    edges = pd.DataFrame({"source": ["a", "a", "b", "b"], "target": ["x", "y", "x", "y"]})
    net, _, _ = network_to_rewire(edges, "source", "target")
    s, t = rewire(net.s, net.d, len(net.nodes), np.random.default_rng(0), 40)
    out = net.rebuild(s, t)
    assert set(zip(out.source, out.target)) == set(zip(edges.source, edges.target))


# --------------------------------------------------------------- the test
@pytest.fixture(scope="module")
def world():
    design = simulate.synthetic(seed=3, n_units=120, n_groups=10, start=1960, end=1999,
                                network_degree=3, intercept=-3.5, regional=3.0,
                                network=1.0, ingo=0.5)
    data = simulate.generate(design, seed=1)

    def build(events, edges):
        rs = d.RiskSet.from_events(events, unit="unit", time="year",
                                   membership=data.membership, start=1960, end=1999)
        rs = rs.with_covariates(data.covariates, lag=1)
        rs = rs.with_exposure("regional", regional_share(data.groups, window=5))
        return rs.with_exposure("network", network(edges, weight="weight"))

    rs = build(data.events, data.edges)
    # a Cox model on the calendar clock: its baseline absorbs the level of every year,
    # which the within-year permutation keeps (see diffusion.inference.permutation)
    model = d.CoxHazard.from_formula("event ~ regional + network + ingo", rs)
    return data, build, model


def test_within_year_test_reports_the_observed_statistic_and_the_p_value(world):
    data, build, model = world
    res = d.permutation_test(model, build, term="regional", B=19, seed=4, edges=data.edges,
                             cov_type="classic")
    fit = model.fit(cov_type="classic")
    assert res.observed == fit.z_stats["regional"]
    null = res.null_distribution
    assert len(null) == res.n_valid == 19 and res.n_failed == 0
    assert res.p_value == (1 + np.sum(np.abs(null) >= abs(res.observed))) / 20
    # a strong regional effect (true 3.0): no permuted history is as extreme
    assert res.observed > 4 and res.p_value == 1 / 20
    # permuted histories destroy the effect: the null is centred near 0
    assert abs(np.median(null)) < 1


def test_within_year_discrete_time_model_without_year_control(world):
    """Without a year control the null is shifted (documented); the test still runs."""
    data, build, _ = world
    rs = build(data.events, data.edges)
    logit = d.DiscreteTimeHazard.from_formula("event ~ regional + ingo", rs, link="logit")
    res = d.permutation_test(logit, build, term="regional", B=9, seed=3, edges=data.edges)
    assert res.observed == logit.fit().z_stats["regional"]
    assert res.n_valid == 9


def test_rewire_detects_a_network_effect_with_the_coefficient_statistic(world):
    data, build, cox = world
    res = d.permutation_test(cox, build, term="network", B=19, seed=1, scheme="rewire",
                             edges=data.edges, statistic="coef")
    assert res.observed == cox.fit().params["network"]
    assert res.scheme == "rewire" and res.statistic == "coef"
    # true effect 1.0: the observed coefficient exceeds every rewired one
    assert res.p_value == 1 / 20
    assert abs(np.median(res.null_distribution)) < res.observed / 2


def test_identical_across_n_jobs(world):
    data, build, model = world
    for scheme, term in [("within_year", "regional"), ("rewire", "network")]:
        one = d.permutation_test(model, build, term=term, B=6, seed=8, scheme=scheme,
                                 edges=data.edges, n_jobs=1)
        two = d.permutation_test(model, build, term=term, B=6, seed=8, scheme=scheme,
                                 edges=data.edges, n_jobs=2)
        np.testing.assert_array_equal(one.null_distribution, two.null_distribution)
        assert one.p_value == two.p_value
    # a different seed gives a different null distribution
    other = d.permutation_test(model, build, term="network", B=6, seed=9, scheme="rewire",
                               edges=data.edges)
    assert not np.array_equal(other.null_distribution, one.null_distribution)


def test_rewire_changes_only_the_network_exposure(world):
    data, build, model = world
    seen = []

    def spy(events, edges):
        rs = build(events, edges)
        seen.append((events.sort_values(["unit", "year"]).reset_index(drop=True),
                     rs.frame))
        return rs

    d.permutation_test(model, spy, term="network", B=2, seed=1, scheme="rewire",
                       edges=data.edges)
    base_events, base = seen[0]  # the check that build reproduces the model's risk set
    for events, frame in seen[1:]:
        pd.testing.assert_frame_equal(events, base_events)
        pd.testing.assert_series_equal(frame["regional"], base["regional"])
        assert not np.allclose(frame["network"], base["network"])


def test_plot_returns_a_figure(world):
    data, build, model = world
    res = d.permutation_test(model, build, term="regional", B=9, seed=2, edges=data.edges)
    fig = res.plot()
    ax = fig.axes[0]
    assert isinstance(fig, matplotlib.figure.Figure)
    assert sum(p.get_height() for p in ax.patches) == 9  # the histogram holds the draws
    assert ax.lines[0].get_xdata()[0] == res.observed
    assert "regional" in ax.get_xlabel()
    assert "p = " in str(res) or "p-value" in str(res)
    # built without pyplot (never registered with a pyplot figure manager): nothing to close


@pytest.mark.parametrize("kwargs, match", [
    ({"B": 0}, "B must be an integer >= 1"),
    ({"n_jobs": 0}, "n_jobs must be a non-zero integer"),
    ({"scheme": "shuffle"}, "unknown scheme 'shuffle'"),
    ({"statistic": "t"}, "unknown statistic 't'"),
    ({"term": "gdp"}, "term 'gdp' is not a term of the model"),
    ({"seed": None}, "seed must be a non-negative integer"),
    ({"scheme": "rewire", "edges": None}, "scheme='rewire' needs edges="),
])
def test_refusals(kwargs, match, world):
    data, build, model = world
    args = {"term": "regional", "B": 3, "seed": 1, "edges": data.edges, **kwargs}
    with pytest.raises(SpecificationError, match=match):
        d.permutation_test(model, build, **args)


def test_results_and_inconsistent_builders_are_refused(world):
    data, build, model = world
    with pytest.raises(SpecificationError, match="not its fitted results"):
        d.permutation_test(model.fit(), build, term="regional", B=3, seed=1)

    def other_window(events, edges):
        rs = d.RiskSet.from_events(events, unit="unit", time="year",
                                   membership=data.membership, start=1960, end=1999)
        rs = rs.with_covariates(data.covariates, lag=1)
        rs = rs.with_exposure("regional", regional_share(data.groups, window=3))
        return rs.with_exposure("network", network(edges, weight="weight"))

    with pytest.raises(SpecificationError, match="does not reproduce the model's risk set"):
        d.permutation_test(model, other_window, term="regional", B=3, seed=1,
                           edges=data.edges)
    with pytest.raises(SpecificationError, match="must return a diffusion.RiskSet"):
        d.permutation_test(model, lambda e, g: e, term="regional", B=3, seed=1)


def test_rewire_refuses_ties_by_year(world):
    data, build, model = world
    yearly = pd.concat([data.edges.assign(year=1980), data.edges.assign(year=1990)])
    with pytest.raises(SpecificationError, match="rewires a static network"):
        d.permutation_test(model, build, term="network", B=3, seed=1, scheme="rewire",
                           edges=yearly)


def test_result_is_frozen(world):
    data, build, model = world
    res = d.permutation_test(model, build, term="regional", B=3, seed=1, edges=data.edges)
    assert isinstance(res, PermutationResult)
    with pytest.raises(AttributeError):
        res.p_value = 0.0
    null = res.null_distribution
    null[:] = 0
    assert not np.all(res.null_distribution == 0)


def test_progress_bar_on_request_and_checked(world, capsys):
    data, build, model = world
    d.permutation_test(model, build, term="regional", B=3, seed=1, edges=data.edges,
                       progress=True)
    assert "permutations (within_year)" in capsys.readouterr().err
    d.permutation_test(model, build, term="regional", B=3, seed=1, edges=data.edges,
                       progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(SpecificationError, match="progress must be True, False or None"):
        d.permutation_test(model, build, term="regional", B=3, seed=1, edges=data.edges,
                           progress="yes")
