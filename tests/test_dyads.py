"""Directed-dyad risk sets: invariants, a brute-force reference, fits, bad input.

The reference below loops in plain Python over the monadic rows and every unit,
written from the rule in :mod:`diffusion.data.dyads` only; the vectorised builder
must produce exactly its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffusion import DiscreteTimeHazard, DyadRiskSet, RiskSet
from diffusion.data.checks import MAX_ROWS
from diffusion.errors import DataError, DiffusionError, DuplicateKeyError, SpecificationError

SETTINGS = settings(max_examples=50, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ worlds
@st.composite
def worlds(draw):
    n = draw(st.integers(2, 6))
    names = [f"u{i}" for i in range(n)]
    start = 2000
    end = start + draw(st.integers(1, 8))
    spells, events = [], []
    for u in names:
        s = draw(st.integers(start - 2, end))
        e = draw(st.one_of(st.none(), st.integers(s, end + 2)))
        spells.append((u, s, e))
        if e is not None and draw(st.booleans()):   # a second spell after a gap
            s2 = draw(st.integers(e + 2, max(e, end) + 3))
            spells.append((u, s2, None))
        if draw(st.booleans()):
            events.append((u, draw(st.integers(start - 3, end + 2))))
    mem = pd.DataFrame(spells, columns=["c", "start", "end"])
    mem["end"] = mem["end"].astype("float64")
    ev = pd.DataFrame(events, columns=["c", "y"]).astype({"y": "int64"})
    rule = draw(st.sampled_from(["adopted", "all"]))
    return ev, mem, start, end, rule


def member(mem: pd.DataFrame, u, t) -> bool:
    for s, e in mem.loc[mem.c == u, ["start", "end"]].itertuples(index=False):
        if s <= t and (np.isnan(e) or t <= e):
            return True
    return False


def brute(ev, mem, start, end, rule) -> pd.DataFrame:
    """Dyad rows from the monadic rows, one Python test per (row, candidate source)."""
    mono = RiskSet.from_events(ev, unit="c", time="y", membership=mem, start=start, end=end,
                               outside="censor").frame
    adoption = dict(zip(ev.c, ev.y))
    everyone = sorted(set(mem.c) | set(ev.c))
    rows = []
    for c, y, e in mono[["c", "y", "event"]].itertuples(index=False):
        for j in everyone:
            if j == c or not member(mem, j, y - 1):
                continue
            if rule == "adopted" and not (j in adoption and adoption[j] <= y - 1):
                continue
            rows.append((c, j, y, e))
    return pd.DataFrame(rows, columns=["c", "source", "y", "event"])


def build(ev, mem, start, end, rule, **kw):
    return DyadRiskSet.from_events(ev, unit="c", time="y", membership=mem, start=start,
                                   end=end, outside="censor", sources=rule, **kw)


def sort_rows(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["c", "source", "y", "event"]].sort_values(["c", "y", "source"])
    return out.reset_index(drop=True).astype({"y": "int64", "event": "int64"})


# --------------------------------------------------------------- properties
@SETTINGS
@given(worlds())
def test_builder_equals_brute_force_reference(world):
    ev, mem, start, end, rule = world
    try:
        ref = brute(ev, mem, start, end, rule)
    except DataError:
        return  # no monadic row: the monadic builder already refuses
    if not len(ref):
        with pytest.raises(DataError, match="no dyad is at risk"):
            build(ev, mem, start, end, rule)
        return
    d = build(ev, mem, start, end, rule)
    pd.testing.assert_frame_equal(sort_rows(d.frame), sort_rows(ref), check_dtype=False)


@SETTINGS
@given(worlds())
def test_invariants(world):
    ev, mem, start, end, rule = world
    try:
        d = build(ev, mem, start, end, rule)
    except DataError:
        return
    f = d.frame
    mono = d.monadic.frame
    at_risk = set(zip(mono.c, mono.y))
    # every dyad row's unit is at risk that year
    assert all(k in at_risk for k in zip(f.c, f.y))
    assert (f.c != f.source).all()
    adoption = dict(zip(ev.c, ev.y))
    for c, j, y, e in f[["c", "source", "y", "event"]].itertuples(index=False):
        # no rows after the unit's event; event only in the adoption year
        if c in adoption:
            assert y <= adoption[c]
            assert e == int(y == adoption[c])
        else:
            assert e == 0
        # the source satisfies the rule in t - 1
        assert member(mem, j, y - 1)
        if rule == "adopted":
            assert adoption.get(j, 10**9) <= y - 1
    # the dyad key identifies the (unit, source) pair
    assert f.groupby("dyad")[["c", "source"]].nunique().max().max() == 1
    assert not f.duplicated(["dyad", "y"]).any()
    # the duration clock counts from the unit's entry
    entry = mono.groupby("c")["y"].min()
    np.testing.assert_array_equal(d.entry_times().to_numpy(), f.c.map(entry).to_numpy())


@SETTINGS
@given(worlds(), st.integers(1, 3))
def test_lagged_covariates_never_look_ahead(world, lag):
    ev, mem, start, end, rule = world
    try:
        d = build(ev, mem, start, end, rule)
    except DataError:
        return
    units = sorted(set(mem.c) | set(ev.c))
    years = range(start - 5, end + 2)
    code = {u: i for i, u in enumerate(units)}
    # each value encodes the year it was observed in
    mono = pd.DataFrame([(u, y, 1000 * code[u] + y) for u in units for y in years],
                        columns=["c", "y", "x"])
    dy = pd.DataFrame([(u, s, y, 10**6 * code[u] + 1000 * code[s] + y) for u in units
                       for s in units if s != u for y in years],
                      columns=["c", "source", "y", "z"])
    static = dy.loc[dy.y == start, ["c", "source", "z"]].rename(columns={"z": "w"})
    out = (d.with_covariates(mono, lag=lag).with_dyad_covariates(dy, lag=lag)
           .with_dyad_covariates(static)).frame
    observed = out.y - lag
    np.testing.assert_array_equal(out.x_unit, out.c.map(code) * 1000 + observed)
    np.testing.assert_array_equal(out.x_source, out.source.map(code) * 1000 + observed)
    np.testing.assert_array_equal(out.z, out.c.map(code) * 10**6 + out.source.map(code) * 1000
                                  + observed)
    np.testing.assert_array_equal(out.w, out.c.map(code) * 10**6 + out.source.map(code) * 1000
                                  + start)
    assert (observed < out.y).all()


# -------------------------------------------------------------- small cases
EV = pd.DataFrame({"s": ["A", "B", "C"], "year": [2001, 2003, 2004]})
UNITS = ["A", "B", "C", "D"]


def small(**kw):
    return DyadRiskSet.from_events(EV, unit="s", time="year", units=UNITS, start=2000,
                                   end=2005, **kw)


def test_hand_computed_adopted_rule():
    d = small()
    f = d.frame
    # A adopts in 2001 with no earlier adopter: its event has no dyad (noted)
    assert "A" not in set(f.s)
    assert any(n.kind == "no_source" and "'A' in 2001" in n.message for n in d.notes)
    # B is at risk 2000-2003; A is a source from 2002 (adopted 2001 <= t - 1)
    b = f[f.s == "B"]
    assert list(zip(b.source, b.year, b.event)) == [("A", 2002, 0), ("A", 2003, 1)]
    # C: A from 2002, B from 2004; event in 2004 in both dyads
    c = f[f.s == "C"]
    assert list(zip(c.source, c.year, c.event)) == [
        ("A", 2002, 0), ("A", 2003, 0), ("A", 2004, 1), ("B", 2004, 1)]
    # D never adopts: at risk to 2005 with sources A (2002-), B (2004-), C (2005)
    dd = f[f.s == "D"]
    assert len(dd) == 4 + 2 + 1 and dd.event.sum() == 0
    assert d.n_obs == 2 + 4 + 7 and d.n_events == 1 + 2
    assert "DyadRiskSet(13 dyad-years" in repr(d)


def test_all_rule_keeps_every_member_source():
    d = small(sources="all")
    mono = d.monadic
    assert d.n_obs == mono.n_obs * (len(UNITS) - 1)
    assert not any(n.kind == "no_source" for n in d.notes)


def test_fit_equals_fit_on_brute_force_frame_and_clusters():
    rng = np.random.default_rng(4)
    units = [f"s{i:02d}" for i in range(14)]
    years = np.arange(1990, 2006)
    ev = pd.DataFrame({"s": units[:11], "year": rng.choice(years[1:], 11)})
    d = DyadRiskSet.from_events(ev, unit="s", time="year", units=units, start=1990, end=2005)
    cov = pd.DataFrame([(u, y, rng.normal()) for u in units for y in range(1985, 2006)],
                       columns=["s", "year", "x"])
    pairs = pd.DataFrame([(u, v, rng.normal()) for u in units for v in units if u != v],
                         columns=["s", "source", "dist"])
    d = d.with_covariates(cov, side="both").with_dyad_covariates(pairs)
    # the same rows built by hand from the monadic frame, wrapped as a plain panel
    ref = brute(ev.rename(columns={"s": "c", "year": "y"}),
                pd.DataFrame({"c": units, "start": 1900, "end": np.nan}), 1990, 2005, "adopted")
    ref = ref.rename(columns={"c": "s", "y": "year"})
    ref = ref.merge(cov.assign(year=cov.year + 1).rename(columns={"x": "x_unit"}),
                    on=["s", "year"], how="left")
    ref = ref.merge(cov.assign(year=cov.year + 1).rename(columns={"s": "source", "x": "x_source"}),
                    on=["source", "year"], how="left")
    ref = ref.merge(pairs, on=["s", "source"], how="left")
    ref["pair"] = ref.s + ">" + ref.source
    panel = RiskSet.from_panel(ref, unit="pair", time="year", event="event")
    terms = ["x_unit", "x_source", "dist"]
    for cluster_fast, cluster_ref in ((None, None), ("s", "s")):
        a = DiscreteTimeHazard(d, covariates=terms, link="logit").fit(cluster=cluster_fast)
        b = DiscreteTimeHazard(panel, covariates=terms, link="logit").fit(cluster=cluster_ref)
        np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-10)
        # tolerance: the two fits see the same rows in a different order
        np.testing.assert_allclose(a.std_errors.to_numpy(), b.std_errors.to_numpy(), rtol=1e-8)
        assert a.n_obs == b.n_obs == len(ref)
        assert a.n_clusters == b.n_clusters
    by_unit = DiscreteTimeHazard(d, covariates=terms, link="logit").fit(cluster="s")
    assert by_unit.n_clusters == d.frame.s.nunique()
    by_dyad = DiscreteTimeHazard(d, covariates=terms, link="logit").fit()
    assert by_dyad.n_clusters == d.n_dyads


def test_pooled_dyads_rule_holds_within_each_process():
    ev = pd.DataFrame({"s": ["A", "B", "A", "C"], "p": ["x", "x", "y", "y"],
                       "year": [2001, 2002, 2003, 2001]})
    d = DyadRiskSet.from_events(ev, unit="s", time="year", units=UNITS, end=2004, process="p")
    f = d.frame
    for p, grp in f.groupby("p"):
        adopted = ev[ev.p == p].set_index("s").year
        assert (grp.source.map(adopted) <= grp.year - 1).all()
    assert set(f.loc[(f.p == "y") & (f.s == "A"), "source"]) == {"C"}


# ---------------------------------------------------------------- bad input
def test_unknown_units_in_dyad_table_are_named():
    d = small()
    table = pd.DataFrame({"s": ["B", "Atlantis"], "source": ["A", "Mu"], "z": [1.0, 2.0]})
    with pytest.raises(DataError, match="'Atlantis'"):
        d.with_dyad_covariates(table)


def test_duplicated_dyad_years_refused():
    d = small()
    table = pd.DataFrame({"s": ["B", "B"], "source": ["A", "A"], "year": [2001, 2001],
                          "z": [1.0, 2.0]})
    with pytest.raises(DuplicateKeyError, match="dyad-year"):
        d.with_dyad_covariates(table)
    with pytest.raises(DuplicateKeyError, match="dyad"):
        d.with_dyad_covariates(table.drop(columns="year"))


def test_absurd_size_refused_with_the_size():
    units = [f"u{i}" for i in range(8000)]
    ev = pd.DataFrame({"u": ["u0"], "t": [2001]})
    with pytest.raises(SpecificationError, match=str(8000 * 7999)) as err:
        DyadRiskSet.from_events(ev, unit="u", time="t", units=units, start=2000, end=2000,
                                sources="all")
    assert str(MAX_ROWS) in str(err.value)


def test_options_and_refusals():
    d = small()
    with pytest.raises(SpecificationError):
        small(sources="some")
    with pytest.raises(SpecificationError, match="source"):
        small(source="s")
    with pytest.raises(SpecificationError):
        d.with_covariates(pd.DataFrame({"s": ["A"], "year": [2000], "x": [1.0]}), side="left")
    with pytest.raises(SpecificationError, match="monadic"):
        d.with_exposure("e", object())
    with pytest.raises(SpecificationError):
        DyadRiskSet.from_panel(d.frame, unit="dyad", time="year", event="event")
    with pytest.raises(DiffusionError):
        d.with_dyad_covariates(pd.DataFrame({"s": ["A"], "z": [1.0]}))


def test_inputs_not_mutated():
    ev = EV.copy()
    d = DyadRiskSet.from_events(ev, unit="s", time="year", units=UNITS, start=2000, end=2005)
    pd.testing.assert_frame_equal(ev, EV)
    before = d.frame
    table = pd.DataFrame({"s": ["A"], "source": ["B"], "z": [1.0]})
    d.with_dyad_covariates(table)
    pd.testing.assert_frame_equal(d.frame, before)
