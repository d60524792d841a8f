"""Exposure measures on one small world whose values are computed by hand.

The world (window 2000-2004, lag 1 unless said otherwise)::

    unit group  member      event   rows at risk
    A    n      1998-open   --      2000..2004
    B    n      1998-open   2001    2000, 2001 (event)   -> leaves the risk set
    C    n      2002-open   2003    2002, 2003 (event)   -> not a member before 2002
    D    n      1995-2001   1997    none (adopted before the window), leaves in 2001
    E    s      1998-open   --      2000..2004           -> alone in its group

Rows, in the risk set's order: A2000..A2004, B2000, B2001, C2002, C2003, E2000..E2004.
Row (i, t) reads the reference year r = t - lag. Hand computations are in the
comments next to each expected vector.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from diffusion import RiskSet
from diffusion.exposure import (
    network,
    regional_count,
    regional_density,
    regional_share,
    world_count,
    world_share,
)

SPELLS = pd.DataFrame({
    "c": ["A", "B", "C", "D", "E"],
    "start": [1998, 1998, 2002, 1995, 1998],
    "end": [np.nan, np.nan, np.nan, 2001, np.nan],
})
EVENTS = pd.DataFrame({"c": ["B", "C", "D"], "y": [2001, 2003, 1997]})
GROUPS = pd.DataFrame({"c": ["A", "B", "C", "D", "E"], "region": ["n", "n", "n", "n", "s"]})

ROWS = [("A", 2000), ("A", 2001), ("A", 2002), ("A", 2003), ("A", 2004),
        ("B", 2000), ("B", 2001), ("C", 2002), ("C", 2003),
        ("E", 2000), ("E", 2001), ("E", 2002), ("E", 2003), ("E", 2004)]
E_ROWS = 5


@pytest.fixture(scope="module")
def rs() -> RiskSet:
    risk = RiskSet.from_events(EVENTS, unit="c", time="y", membership=SPELLS,
                               start=2000, end=2004)
    assert list(zip(risk.frame["c"], risk.frame["y"])) == ROWS
    assert risk.frame["event"].tolist() == [0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    return risk


def values(rs: RiskSet, measure) -> np.ndarray:
    return rs.with_exposure("x", measure).frame["x"].to_numpy()


def notes_of(rs: RiskSet, measure) -> dict[str, int]:
    added = rs.with_exposure("x", measure).notes[len(rs.notes):]
    return {n.kind: n.count for n in added}


def check(rs, measure, want, notes=None):
    np.testing.assert_allclose(values(rs, measure), want, rtol=0, atol=1e-12)
    if notes is not None:
        assert notes_of(rs, measure) == notes


# ------------------------------------------------------------------ regional
def test_regional_share_window_2(rs):
    # events of the other n-members (members in t-1) in [t-2, t-1]
    want = [
        0,      # A2000 r1999: peers B, D (C not yet member); D's 1997 outside [1998,1999]
        0,      # A2001 r2000: peers B, D; nothing in [1999,2000]
        1 / 2,  # A2002 r2001: peers B, D (C enters 2002); B adopted 2001
        1 / 2,  # A2003 r2002: peers B, C (D has left); B 2001 in [2001,2002]
        1 / 2,  # A2004 r2003: peers B, C; C 2003 in [2002,2003], B 2001 not
        0,      # B2000 r1999: peers A, D
        0,      # B2001 r2000: peers A, D
        1 / 3,  # C2002 r2001: peers A, B, D; B 2001
        1 / 2,  # C2003 r2002: peers A, B; B 2001
        0, 0, 0, 0, 0,  # E: no other member in region s
    ]
    check(rs, regional_share(GROUPS, window=2), want, {"exposure_no_peers": E_ROWS})


def test_regional_count_window_2(rs):
    want = [0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    check(rs, regional_count(GROUPS, window=2), want, {})


def test_regional_density(rs):
    # share of the other n-members (members in t-1) with an event <= t-1
    want = [
        1 / 2,  # A2000 r1999: B no, D yes (1997; left the risk set before it began)
        1 / 2,  # A2001 r2000: B no, D yes
        1,      # A2002 r2001: B yes, D yes
        1 / 2,  # A2003 r2002: B yes, C no; D no longer a member
        1,      # A2004 r2003: B yes, C yes
        1 / 2,  # B2000 r1999: A no, D yes
        1 / 2,  # B2001 r2000
        2 / 3,  # C2002 r2001: A no, B yes, D yes
        1 / 2,  # C2003 r2002: A no, B yes
        0, 0, 0, 0, 0,
    ]
    check(rs, regional_density(GROUPS), want, {"exposure_no_peers": E_ROWS})


def test_regional_lag_2(rs):
    # r = t - 2; share window 2 counts events in [t-3, t-2]
    share = [
        1 / 2,  # A2000 r1998: peers B, D; D 1997 in [1997,1998]
        0,      # A2001 r1999: [1998,1999]
        0,      # A2002 r2000
        1 / 2,  # A2003 r2001: peers B, D; B 2001
        1 / 2,  # A2004 r2002: peers B, C; B 2001 in [2001,2002]
        1 / 2,  # B2000 r1998: peers A, D; D 1997
        0,      # B2001 r1999
        0,      # C2002 r2000: peers A, B, D
        1 / 3,  # C2003 r2001: peers A, B, D; B 2001
        0, 0, 0, 0, 0,
    ]
    check(rs, regional_share(GROUPS, window=2, lag=2), share, {"exposure_no_peers": E_ROWS})
    density = [1 / 2, 1 / 2, 1 / 2, 1, 1 / 2, 1 / 2, 1 / 2, 1 / 3, 2 / 3, 0, 0, 0, 0, 0]
    check(rs, regional_density(GROUPS, lag=2), density)


def test_regional_group_column_named_explicitly(rs):
    groups = GROUPS.assign(other=1)
    want = values(rs, regional_density(GROUPS))
    np.testing.assert_allclose(values(rs, regional_density(groups, group="region")), want)


def test_regional_groups_may_list_units_outside_the_population(rs):
    groups = pd.concat([GROUPS, pd.DataFrame({"c": ["Z"], "region": ["n"]})],
                       ignore_index=True)
    np.testing.assert_allclose(values(rs, regional_density(groups)),
                               values(rs, regional_density(GROUPS)))


def test_regional_own_unit_excluded():
    # two units in one group, both members: each row sees only the other one
    events = pd.DataFrame({"c": ["P"], "y": [2001]})
    rs = RiskSet.from_events(events, unit="c", time="y", units=["P", "Q"],
                             start=2000, end=2002)
    groups = pd.DataFrame({"c": ["P", "Q"], "g": [1, 1]})
    # rows P2000, P2001, Q2000, Q2001, Q2002; P's own adoption never counts for P
    check(rs, regional_density(groups), [0, 0, 0, 0, 1])
    check(rs, regional_count(groups, window=1), [0, 0, 0, 0, 1])


# --------------------------------------------------------------------- world
WORLD_BY_REF = {1999: 1 / 4, 2000: 1 / 4, 2001: 2 / 4, 2002: 1 / 4, 2003: 2 / 4}
# members: r1999/r2000: A, B, D, E (D adopted)          -> 1/4
#          r2001: A, B, D, E (B, D adopted)              -> 2/4
#          r2002: A, B, C, E (D left; B adopted)         -> 1/4
#          r2003: A, B, C, E (B, C adopted)              -> 2/4
WORLD_COUNT_BY_REF = {1999: 1, 2000: 1, 2001: 2, 2002: 1, 2003: 2}


def test_world_share_and_count(rs):
    want = [WORLD_BY_REF[t - 1] for _, t in ROWS]
    check(rs, world_share(), want, {})
    check(rs, world_count(), [WORLD_COUNT_BY_REF[t - 1] for _, t in ROWS], {})


def test_world_share_lag_2(rs):
    # r1998: A, B, D, E members, D adopted -> 1/4 ; others as above
    by_ref = {1998: 1 / 4, **WORLD_BY_REF}
    check(rs, world_share(lag=2), [by_ref[t - 2] for _, t in ROWS])


def test_world_share_no_members_in_reference_year():
    events = pd.DataFrame({"c": ["P"], "y": [2001]})
    spells = pd.DataFrame({"c": ["P", "Q"], "start": [2000, 2000], "end": [2002, 2002]})
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells)
    # rows P2000, P2001, Q2000..Q2002; nobody is a member in 1999
    check(rs, world_share(), [0, 0, 0, 0, 1 / 2], {"exposure_no_peers": 2})


# ------------------------------------------------------------------- network
# source -> target: B->A, C->A, D->A, A->B, E->C (E has no source)
EDGES = pd.DataFrame({"source": ["B", "C", "D", "A", "E"],
                      "target": ["A", "A", "A", "B", "C"],
                      "w": [2.0, 1.0, 3.0, 1.0, 1.0]})


def test_network_static(rs):
    want = [
        1 / 2,  # A2000 r1999: sources B (no), D (yes); C not a member
        1 / 2,  # A2001 r2000
        1,      # A2002 r2001: B yes, D yes
        1 / 2,  # A2003 r2002: B yes, C no; D left
        1,      # A2004 r2003: B yes, C yes
        0, 0,   # B: source A never adopts
        0, 0,   # C: source E never adopts
        0, 0, 0, 0, 0,  # E: no source at all
    ]
    check(rs, network(EDGES), want, {"exposure_no_peers": E_ROWS})


def test_network_direction_is_not_symmetrised(rs):
    # only B -> A: A is exposed to B, B is not exposed to A (B has no source)
    edges = pd.DataFrame({"source": ["B"], "target": ["A"]})
    want = [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    check(rs, network(edges), want, {"exposure_no_peers": 9})
    reverse = pd.DataFrame({"source": ["A"], "target": ["B"]})
    check(rs, network(reverse), [0] * len(ROWS), {"exposure_no_peers": 12})


def test_network_weighted(rs):
    want = [
        3 / 5,  # A2000: D (3) adopted of B (2) + D (3)
        3 / 5,  # A2001
        1,      # A2002: (2 + 3) / 5
        2 / 3,  # A2003: B (2) of B (2) + C (1)
        1,      # A2004: (2 + 1) / 3
        0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]
    check(rs, network(EDGES, weight="w"), want, {"exposure_no_peers": E_ROWS})


def test_network_unnormalised(rs):
    weighted = [3, 3, 5, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    check(rs, network(EDGES, weight="w", normalize=False), weighted, {})
    counts = [1, 1, 2, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    check(rs, network(EDGES, normalize=False), counts, {})


def test_network_time_varying(rs):
    # ties of year t-1 only
    edges = pd.DataFrame({
        "source": ["B", "B", "B", "D", "C", "A", "A"],
        "target": ["A", "A", "A", "A", "A", "B", "B"],
        "year": [1999, 2000, 2001, 2000, 2003, 1999, 2000],
    })
    want = [
        0,      # A2000: ties of 1999: B->A; B has not adopted
        1 / 2,  # A2001: ties of 2000: B->A, D->A; D adopted
        1,      # A2002: ties of 2001: B->A; B adopted 2001
        0,      # A2003: no tie in 2002 -> no peers
        1,      # A2004: ties of 2003: C->A; C adopted 2003
        0, 0,   # B: A->B in 1999 and 2000; A never adopts
        0, 0,   # C: no ties in 2001 or 2002
        0, 0, 0, 0, 0,
    ]
    check(rs, network(edges, time="year"), want, {"exposure_no_peers": 1 + 2 + E_ROWS})
    # lag 2: ties of t-2
    lag2 = [
        0,      # A2000: ties of 1998: none
        0,      # A2001: ties of 1999: B->A; B not adopted by 1999
        1 / 2,  # A2002: ties of 2000: B->A, D->A; D adopted
        1,      # A2003: ties of 2001: B->A; B adopted
        0,      # A2004: ties of 2002: none
        0, 0,   # B2000 (ties 1998: none), B2001 (1999: A->B, A never adopts)
        0, 0,   # C: none
        0, 0, 0, 0, 0,
    ]
    check(rs, network(edges, time="year", lag=2), lag2,
          {"exposure_no_peers": 2 + 1 + 2 + E_ROWS})


def test_network_networkx_digraph(rs):
    g = nx.DiGraph()
    g.add_nodes_from(["A", "B", "C", "D", "E"])
    for s, t, w in zip(EDGES["source"], EDGES["target"], EDGES["w"]):
        g.add_edge(s, t, w=w)
    np.testing.assert_allclose(values(rs, network(g)), values(rs, network(EDGES)))
    np.testing.assert_allclose(values(rs, network(g, weight="w")),
                               [3 / 5, 3 / 5, 1, 2 / 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])


def test_network_networkx_undirected_graph(rs):
    g = nx.Graph()
    g.add_edges_from([("A", "B"), ("D", "A"), ("E", "C")])
    want = [
        1 / 2,  # A2000: neighbours B (no), D (yes)
        1 / 2,  # A2001
        1,      # A2002: B yes, D yes
        1,      # A2003: B yes; D left
        1,      # A2004
        0, 0,   # B: neighbour A never adopts
        0, 0,   # C: neighbour E never adopts
        0,      # E2000: neighbour C not a member in 1999 -> no peers
        0,      # E2001: not a member in 2000 -> no peers
        0,      # E2002: not a member in 2001 -> no peers
        0,      # E2003: C member in 2002, not adopted
        1,      # E2004: C adopted 2003
    ]
    check(rs, network(g), want, {"network_undirected": 3, "exposure_no_peers": 3})


def test_network_ties_to_unknown_units_are_noted(rs):
    edges = pd.concat([EDGES, pd.DataFrame({"source": ["Z"], "target": ["A"], "w": [1.0]})],
                      ignore_index=True)
    np.testing.assert_allclose(values(rs, network(edges)), values(rs, network(EDGES)))
    assert notes_of(rs, network(edges))["network_unknown_units"] == 1


# ----------------------------------------------------------------- general
def test_exposure_notes_are_prefixed_with_the_column_name(rs):
    out = rs.with_exposure("regional", regional_share(GROUPS, window=2))
    assert out.notes[-1].message.startswith("exposure 'regional':")
    assert out.added == ("regional",)


def test_exposure_counts_adopters_that_left_the_risk_set(rs):
    # D never has a row but makes A's density 1/2 in 2000: drop D's event and it is 0
    events = EVENTS.loc[EVENTS["c"] != "D"]
    other = RiskSet.from_events(events, unit="c", time="y", membership=SPELLS,
                                start=2000, end=2004)
    # D is now at risk (rows D2000, D2001), so compare on A's rows only
    a = other.with_exposure("x", regional_density(GROUPS)).frame
    a = a.loc[a["c"] == "A", "x"].tolist()
    assert a == [0, 0, 1 / 2, 1 / 2, 1]
    assert values(rs, regional_density(GROUPS))[:5].tolist() == [1 / 2, 1 / 2, 1, 1 / 2, 1]
