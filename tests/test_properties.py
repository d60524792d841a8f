"""Property tests: random histories against invariants and a slow reference.

The reference implementation below uses plain Python loops over units and years,
written from the specification only; the vectorised library must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from diffusion import RiskSet
from diffusion.errors import DataError
from diffusion.exposure import (
    network,
    regional_count,
    regional_density,
    regional_share,
    world_count,
    world_share,
)

SETTINGS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

OPEN = None  # an open-ended spell


# ------------------------------------------------------------------ worlds
@dataclass
class World:
    spells: dict[str, list[tuple[int, int | None]]]
    events: dict[str, list[int]]
    groups: dict[str, str]
    ties: list[tuple[str, str, float]]  # static: source, target, weight
    edges: list[tuple[str, str, float, int]]  # by year: source, target, weight, year
    start: int
    end: int

    # ---- tables as a user would pass them
    def events_table(self) -> pd.DataFrame:
        rows = [(u, t) for u, ts in self.events.items() for t in ts]
        return pd.DataFrame(rows, columns=["c", "y"]).astype({"y": "int64"})

    def membership_table(self) -> pd.DataFrame:
        rows = [(u, s, np.nan if e is None else e)
                for u, sp in self.spells.items() for s, e in sp]
        return pd.DataFrame(rows, columns=["c", "start", "end"])

    def groups_table(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.groups.items()), columns=["c", "g"])

    def edges_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.edges, columns=["source", "target", "w", "year"])

    def static_edges_table(self) -> pd.DataFrame:
        return pd.DataFrame(self.ties, columns=["source", "target", "w"])

    # ---- plain-Python semantics
    def member(self, u: str, year: int) -> bool:
        return any(s <= year and (e is None or year <= e) for s, e in self.spells[u])

    def adopted_by(self, u: str, year: int) -> bool:
        return any(t <= year for t in self.events.get(u, []))

    def adopted_in(self, u: str, lo: int, hi: int) -> bool:
        return any(lo <= t <= hi for t in self.events.get(u, []))

    def member_years(self, u: str) -> list[int]:
        return [y for y in range(self.start, self.end + 1) if self.member(u, y)]


@st.composite
def worlds(draw, *, repeated: bool = False, max_units: int = 6) -> World:
    n = draw(st.integers(1, max_units))
    units = [f"u{i}" for i in range(n)]
    spells: dict[str, list[tuple[int, int | None]]] = {}
    events: dict[str, list[int]] = {}
    for u in units:
        s1 = draw(st.integers(0, 12))
        e1 = s1 + draw(st.integers(0, 6))
        sp: list[tuple[int, int | None]] = [(s1, e1)]
        if draw(st.booleans()):  # exit and re-entry after a gap
            s2 = e1 + 1 + draw(st.integers(1, 4))
            sp.append((s2, s2 + draw(st.integers(0, 6))))
        if draw(st.booleans()):  # the last spell is still open
            sp[-1] = (sp[-1][0], None)
        spells[u] = sp
        # candidate event years: inside a spell, or before the first spell
        candidates = [y for s, e in sp for y in range(s, (e if e is not None else s + 8) + 1)]
        candidates += [s1 - 1, s1 - 3]
        k = draw(st.integers(0, 3 if repeated else 1))
        if k:
            chosen = draw(st.lists(st.sampled_from(sorted(set(candidates))), min_size=k,
                                   max_size=k, unique=True))
            events[u] = sorted(chosen)
    groups = {u: draw(st.sampled_from(["g0", "g1", "g2"])) for u in units}
    start = draw(st.integers(-1, 14))
    end = start + draw(st.integers(0, 10))
    pairs = [(s, d) for s in units for d in units if s != d]
    ties, edges = [], []
    if pairs:
        chosen = draw(st.lists(st.sampled_from(pairs), max_size=12, unique=True))
        for s, d in chosen:
            w = float(draw(st.integers(0, 4)))
            ties.append((s, d, w))
            # ties by year around the reference years t - lag of the window
            for year in draw(st.lists(st.integers(start - 4, end), max_size=5, unique=True)):
                edges.append((s, d, float(draw(st.integers(1, 4))), year))
    return World(spells, events, groups, ties, edges, start, end)


def build(world: World, *, repeated: bool = False) -> RiskSet:
    try:
        return RiskSet.from_events(world.events_table(), unit="c", time="y",
                                   membership=world.membership_table(),
                                   start=world.start, end=world.end, repeated=repeated)
    except DataError as err:  # nobody at risk inside the window
        assert "no unit is at risk" in str(err)
        assume(False)
        raise


# ---------------------------------------------------------- slow reference
def reference_rows(world: World, *, repeated: bool) -> pd.DataFrame:
    rows = []
    for u in sorted(world.spells):
        years = world.member_years(u)
        evs = world.events.get(u, [])
        if not years:
            continue
        if repeated:
            for t in years:
                rows.append((u, t, int(t in evs), 1 + sum(e < t for e in evs)))
            continue
        if evs and evs[0] < years[0]:
            continue  # adopted before its first year at risk: excluded
        for t in years:
            if evs and t > evs[0]:
                break
            rows.append((u, t, int(bool(evs) and t == evs[0])))
    cols = ["c", "y", "event"] + (["spell"] if repeated else [])
    return pd.DataFrame(rows, columns=cols)


def ref_regional(world: World, rows, *, stat: str, window: int | None, lag: int) -> list[float]:
    out = []
    for u, t in rows:
        r = t - lag
        peers = [j for j in world.spells
                 if j != u and world.groups[j] == world.groups[u] and world.member(j, r)]
        if window is None:
            hits = [j for j in peers if world.adopted_by(j, r)]
        else:
            hits = [j for j in peers if world.adopted_in(j, r - window + 1, r)]
        if stat == "count":
            out.append(float(len(hits)))
        else:
            out.append(len(hits) / len(peers) if peers else 0.0)
    return out


def ref_world(world: World, rows, *, stat: str, lag: int) -> list[float]:
    out = []
    for _, t in rows:
        r = t - lag
        members = [j for j in world.spells if world.member(j, r)]
        hits = [j for j in members if world.adopted_by(j, r)]
        if stat == "count":
            out.append(float(len(hits)))
        else:
            out.append(len(hits) / len(members) if members else 0.0)
    return out


def ref_network(world: World, rows, *, timed: bool, weighted: bool, normalize: bool,
                lag: int) -> list[float]:
    if timed:
        ties = [(s, d, w, y) for s, d, w, y in world.edges]
    else:
        ties = [(s, d, w, None) for s, d, w in world.ties]
    out = []
    for u, t in rows:
        r = t - lag
        num = den = 0.0
        for s, d, w, y in ties:
            if d != u or (timed and y != r) or not world.member(s, r):
                continue
            w = w if weighted else 1.0
            den += w
            num += w * world.adopted_by(s, r)
        out.append(num / den if normalize and den else (0.0 if normalize else num))
    return out


def row_keys(rs: RiskSet) -> list[tuple[str, int]]:
    f = rs.frame
    return list(zip(f["c"], f["y"].astype(int)))


def exposure(rs: RiskSet, measure) -> np.ndarray:
    return rs.with_exposure("x", measure).frame["x"].to_numpy(dtype=float)


# -------------------------------------------------------------- risk sets
@SETTINGS
@given(worlds())
def test_risk_set_invariants(world):
    rs = build(world)
    f = rs.frame
    # at most one event per unit
    assert f.groupby("c")["event"].sum().max() <= 1
    # no row after the event
    ev_year = f.loc[f["event"] == 1].set_index("c")["y"]
    after = f["c"].map(ev_year)
    assert not (after.notna() & (f["y"] > after)).any()
    # rows only while member and inside the window; one row per unit-year
    for u, t in zip(f["c"], f["y"]):
        assert world.start <= t <= world.end
        assert world.member(u, t)
    assert not f.duplicated(["c", "y"]).any()
    # no row at or before a unit's event that should exist is missing
    pd.testing.assert_frame_equal(f, reference_rows(world, repeated=False), check_dtype=False)


@SETTINGS
@given(worlds(repeated=True))
def test_repeated_risk_set_matches_reference(world):
    rs = build(world, repeated=True)
    pd.testing.assert_frame_equal(rs.frame, reference_rows(world, repeated=True),
                                  check_dtype=False)


@SETTINGS
@given(worlds(), st.randoms(use_true_random=False))
def test_row_order_of_inputs_does_not_matter(world, rnd):
    rs = build(world)
    ev = world.events_table()
    mem = world.membership_table()
    ev = ev.iloc[rnd.sample(range(len(ev)), len(ev))]
    mem = mem.iloc[rnd.sample(range(len(mem)), len(mem))]
    other = RiskSet.from_events(ev, unit="c", time="y", membership=mem,
                                start=world.start, end=world.end)
    pd.testing.assert_frame_equal(other.frame, rs.frame)
    assert other.notes == rs.notes


# --------------------------------------------------------------- exposure
@SETTINGS
@given(worlds(), st.integers(1, 4), st.integers(1, 3))
def test_regional_and_world_equal_slow_reference(world, window, lag):
    rs = build(world)
    rows = row_keys(rs)
    groups = world.groups_table()
    cases = [
        (regional_share(groups, window=window, lag=lag),
         ref_regional(world, rows, stat="share", window=window, lag=lag)),
        (regional_count(groups, window=window, lag=lag),
         ref_regional(world, rows, stat="count", window=window, lag=lag)),
        (regional_density(groups, lag=lag),
         ref_regional(world, rows, stat="share", window=None, lag=lag)),
        (world_share(lag=lag), ref_world(world, rows, stat="share", lag=lag)),
        (world_count(lag=lag), ref_world(world, rows, stat="count", lag=lag)),
    ]
    for measure, want in cases:
        np.testing.assert_allclose(exposure(rs, measure), want, rtol=0, atol=1e-12,
                                   err_msg=repr(measure))


@SETTINGS
@given(worlds(), st.integers(1, 3), st.booleans(), st.booleans())
def test_network_equals_slow_reference(world, lag, weighted, normalize):
    rs = build(world)
    rows = row_keys(rs)
    weight = "w" if weighted else None
    static = network(world.static_edges_table(), weight=weight, normalize=normalize, lag=lag)
    timed = network(world.edges_table(), weight=weight, normalize=normalize, lag=lag,
                    time="year")
    np.testing.assert_allclose(
        exposure(rs, static),
        ref_network(world, rows, timed=False, weighted=weighted, normalize=normalize, lag=lag),
        rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        exposure(rs, timed),
        ref_network(world, rows, timed=True, weighted=weighted, normalize=normalize, lag=lag),
        rtol=0, atol=1e-12)


@SETTINGS
@given(worlds(), st.integers(1, 4), st.integers(1, 3))
def test_shares_lie_in_unit_interval(world, window, lag):
    rs = build(world)
    groups = world.groups_table()
    for measure in (regional_share(groups, window=window, lag=lag),
                    regional_density(groups, lag=lag), world_share(lag=lag),
                    network(world.static_edges_table(), weight="w", lag=lag),
                    network(world.edges_table(), time="year", lag=lag)):
        v = exposure(rs, measure)
        assert np.all(np.isfinite(v))
        assert np.all((v >= 0) & (v <= 1)), repr(measure)


def perturb_future(world: World, cut: int, data) -> World:
    """Remove, move or add adoptions at years >= cut, keeping the input valid."""
    events: dict[str, list[int]] = {}
    for u in world.spells:
        past = [t for t in world.events.get(u, []) if t < cut]
        if past:
            events[u] = past
            continue
        future_years = [y for y in range(cut, cut + 12) if world.member(u, y)]
        if future_years and data.draw(st.booleans()):
            events[u] = [data.draw(st.sampled_from(future_years))]
    return World(world.spells, events, world.groups, world.ties, world.edges, world.start,
                 world.end)


@SETTINGS
@given(worlds(), st.integers(1, 3), st.integers(1, 4), st.data())
def test_exposure_never_looks_ahead(world, lag, window, data):
    rs = build(world)
    cutoff = data.draw(st.integers(world.start, world.end))  # rows t <= cutoff are compared
    changed = perturb_future(world, cutoff - lag + 1, data)
    other = build(changed)
    groups = world.groups_table()
    measures = {
        "regional": regional_share(groups, window=window, lag=lag),
        "count": regional_count(groups, window=window, lag=lag),
        "density": regional_density(groups, lag=lag),
        "world": world_share(lag=lag),
        "world_n": world_count(lag=lag),
        "net": network(world.static_edges_table(), weight="w", lag=lag),
        "net_t": network(world.edges_table(), time="year", lag=lag, normalize=False),
    }
    a, b = rs, other
    for name, m in measures.items():
        a, b = a.with_exposure(name, m), b.with_exposure(name, m)
    fa = a.frame.loc[lambda f: f["y"] <= cutoff].drop(columns="event")
    fb = b.frame.loc[lambda f: f["y"] <= cutoff].drop(columns="event")
    merged = fa.merge(fb, on=["c", "y"], suffixes=("", "_perturbed"))
    for name in measures:
        np.testing.assert_array_equal(merged[name], merged[f"{name}_perturbed"], err_msg=name)


@SETTINGS
@given(worlds(), st.integers(1, 3))
def test_lagged_covariates_never_look_ahead(world, lag):
    rs = build(world)
    f = rs.frame
    # the covariate equals the year it was observed in: row t must read t - lag
    years = range(world.start - 5, world.end + 1)
    table = pd.DataFrame([(u, y, float(y)) for u in world.spells for y in years],
                         columns=["c", "y", "seen"])
    out = rs.with_covariates(table, lag=lag).frame
    np.testing.assert_array_equal(out["seen"].to_numpy(), (f["y"] - lag).to_numpy(dtype=float))


@SETTINGS
@given(worlds(), st.integers(1, 3), st.booleans())
def test_panel_round_trip(world, lag, repeated):
    """A risk set handed back as a panel (with its membership) is the same risk set."""
    rs = build(world, repeated=repeated)
    f = rs.frame
    panel = RiskSet.from_panel(f.drop(columns=["spell"]) if repeated else f, unit="c",
                               time="y", event="event", membership=world.membership_table(),
                               repeated=repeated)
    every_event_in_rows = f["event"].sum() == sum(len(v) for v in world.events.values())
    if not repeated or every_event_in_rows:
        # (events outside the rows are unknown to a panel: they shift the spell counter)
        pd.testing.assert_frame_equal(panel.frame, f)
    if every_event_in_rows:
        groups = world.groups_table()
        for measure in (regional_share(groups, window=2, lag=lag),
                        regional_density(groups, lag=lag), world_share(lag=lag),
                        network(world.static_edges_table(), lag=lag)):
            np.testing.assert_array_equal(exposure(panel, measure), exposure(rs, measure))
