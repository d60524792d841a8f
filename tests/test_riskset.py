"""Risk-set construction on tiny cases whose expected frames are written by hand.

Every expected frame below was derived from the rules of the specification
(a unit is at risk in year t when t is in [start, end], it is a member in t and
it has not had its event before t), not from the library's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusion import RiskSet
from diffusion.errors import MembershipError, SpecificationError
from diffusion.exposure import network, regional_density, regional_share, world_share


def expected(rows, columns=("c", "y", "event")):
    """Build an expected risk-set frame from hand-written tuples."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    for col in columns[1:]:
        if col in ("y", "event", "spell"):
            frame[col] = frame[col].astype(np.int64)
    return frame


def assert_frame(actual: pd.DataFrame, rows, columns=("c", "y", "event")) -> None:
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True), expected(rows, columns), check_dtype=False
    )
    # the time and event columns are integers, not floats
    assert actual["y"].dtype.kind == "i"
    assert actual["event"].dtype.kind == "i"


def kinds(rs: RiskSet) -> dict[str, int]:
    return {n.kind: n.count for n in rs.notes}


# ---------------------------------------------------------------- spells
# A: member 1990-1991, leaves, re-enters 1994 (open); adopts 1995 in the re-entry spell
# B: enters late (1992-1995), never adopts
# C: member 1990-1996, adopts 1993
SPELLS = pd.DataFrame(
    {
        "c": ["A", "A", "B", "C"],
        "start": [1990, 1994, 1992, 1990],
        "end": [1991, np.nan, 1995, 1996],
    }
)
EVENTS = pd.DataFrame({"c": ["A", "C"], "y": [1995, 1993]})

ROWS_ABC = [
    ("A", 1990, 0), ("A", 1991, 0), ("A", 1994, 0), ("A", 1995, 1),
    ("B", 1992, 0), ("B", 1993, 0), ("B", 1994, 0), ("B", 1995, 0),
    ("C", 1990, 0), ("C", 1991, 0), ("C", 1992, 0), ("C", 1993, 1),
]


def test_late_entry_exit_reentry_and_event_in_reentry_spell():
    rs = RiskSet.from_events(EVENTS, unit="c", time="y", membership=SPELLS,
                             start=1990, end=1996)
    assert_frame(rs.frame, ROWS_ABC)
    assert (rs.n_obs, rs.n_events, rs.n_units) == (12, 2, 3)
    assert rs.notes == ()


def test_default_window_is_the_span_of_the_spells():
    # start = first spell start (1990); end = last finite end (1996)
    rs = RiskSet.from_events(EVENTS, unit="c", time="y", membership=SPELLS)
    assert (rs.start, rs.end) == (1990, 1996)
    assert_frame(rs.frame, ROWS_ABC)


def test_window_clips_rows():
    rs = RiskSet.from_events(EVENTS, unit="c", time="y", membership=SPELLS,
                             start=1991, end=1994)
    assert_frame(rs.frame, [
        ("A", 1991, 0), ("A", 1994, 0),
        ("B", 1992, 0), ("B", 1993, 0), ("B", 1994, 0),
        ("C", 1991, 0), ("C", 1992, 0), ("C", 1993, 1),
    ])
    # A's 1995 event lies after the window end: censored there and noted
    assert kinds(rs) == {"censored_after_window": 1}


def test_adoption_before_entry_is_excluded_and_noted():
    # D enters in 1993 but adopted in 1991 (e.g. before independence)
    # E was a member since 1980 and adopted in 1985, before the window opens
    spells = pd.concat([SPELLS, pd.DataFrame({"c": ["D", "E"], "start": [1993, 1980],
                                              "end": [1996, np.nan]})],
                       ignore_index=True)
    events = pd.concat([EVENTS, pd.DataFrame({"c": ["D", "E"], "y": [1991, 1985]})],
                       ignore_index=True)
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells,
                             start=1990, end=1996)
    assert_frame(rs.frame, ROWS_ABC)
    assert kinds(rs) == {"adopted_before_risk": 2}
    note = next(n for n in rs.notes if n.kind == "adopted_before_risk")
    assert "'D'" in note.message and "1991" in note.message
    assert "'E'" in note.message and "1985" in note.message
    # the excluded adopters stay in the history (they count in exposure)
    assert {"D", "E"} <= set(rs.history.units)


def test_event_in_first_year_at_risk_is_kept():
    spells = pd.DataFrame({"c": ["A", "B"], "start": [1990, 1992], "end": [1993, 1993]})
    events = pd.DataFrame({"c": ["B"], "y": [1992]})
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells)
    assert_frame(rs.frame, [
        ("A", 1990, 0), ("A", 1991, 0), ("A", 1992, 0), ("A", 1993, 0),
        ("B", 1992, 1),
    ])
    assert rs.notes == ()


def test_event_after_window_end_is_censored_and_noted():
    spells = pd.DataFrame({"c": ["F", "G"], "start": [1990, 1990], "end": [np.nan, 1993]})
    events = pd.DataFrame({"c": ["F"], "y": [2000]})
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells,
                             start=1990, end=1993)
    assert_frame(rs.frame, [
        ("F", 1990, 0), ("F", 1991, 0), ("F", 1992, 0), ("F", 1993, 0),
        ("G", 1990, 0), ("G", 1991, 0), ("G", 1992, 0), ("G", 1993, 0),
    ])
    assert kinds(rs) == {"censored_after_window": 1}
    note = rs.notes[0]
    assert "'F'" in note.message and "2000" in note.message and "1993" in note.message
    assert rs.n_events == 0


def test_units_path():
    events = pd.DataFrame({"c": ["A", "B"], "y": [1992, 1989]})
    rs = RiskSet.from_events(events, unit="c", time="y", units=["A", "B", "C"],
                             start=1990, end=1993)
    assert_frame(rs.frame, [
        ("A", 1990, 0), ("A", 1991, 0), ("A", 1992, 1),
        ("C", 1990, 0), ("C", 1991, 0), ("C", 1992, 0), ("C", 1993, 0),
    ])
    assert kinds(rs) == {"adopted_before_risk": 1}
    assert "'B'" in rs.notes[0].message


def test_units_path_with_integer_ids_and_no_events():
    events = pd.DataFrame({"c": pd.Series([], dtype="int64"), "y": pd.Series([], dtype="int64")})
    rs = RiskSet.from_events(events, unit="c", time="y", units=[2, 1], start=2000, end=2001)
    assert_frame(rs.frame, [(1, 2000, 0), (1, 2001, 0), (2, 2000, 0), (2, 2001, 0)])
    assert rs.n_events == 0


def test_repeated_events_with_spell_counter():
    # A adopts in 1991 and 1993, returning to risk the year after each event;
    # C had an event in 1988, before the window: its rows start in spell 2.
    events = pd.DataFrame({"c": ["A", "A", "C"], "y": [1993, 1991, 1988]})
    rs = RiskSet.from_events(events, unit="c", time="y", units=["A", "B", "C"],
                             start=1990, end=1994, repeated=True)
    assert rs.spell == "spell"
    assert_frame(rs.frame, [
        ("A", 1990, 0, 1), ("A", 1991, 1, 1), ("A", 1992, 0, 2), ("A", 1993, 1, 2),
        ("A", 1994, 0, 3),
        ("B", 1990, 0, 1), ("B", 1991, 0, 1), ("B", 1992, 0, 1), ("B", 1993, 0, 1),
        ("B", 1994, 0, 1),
        ("C", 1990, 0, 2), ("C", 1991, 0, 2), ("C", 1992, 0, 2), ("C", 1993, 0, 2),
        ("C", 1994, 0, 2),
    ], columns=("c", "y", "event", "spell"))
    assert kinds(rs) == {"event_before_risk": 1}
    assert rs.n_events == 2


def test_repeated_events_across_a_membership_gap():
    spells = pd.DataFrame({"c": ["A", "A"], "start": [1990, 1994], "end": [1991, 1995]})
    events = pd.DataFrame({"c": ["A", "A"], "y": [1990, 1995]})
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells, repeated=True)
    assert_frame(rs.frame, [
        ("A", 1990, 1, 1), ("A", 1991, 0, 2), ("A", 1994, 0, 2), ("A", 1995, 1, 2),
    ], columns=("c", "y", "event", "spell"))


# ------------------------------------------------------------------ panel
def test_from_panel_keeps_covariates_and_sorts():
    panel = pd.DataFrame({
        "c": ["B", "A", "A", "B", "A"],
        "y": [2001, 2001, 2000, 2000, 2002],
        "adopt": [1, 0, 0, 0, 1],
        "gdp": [2.5, 1.5, 1.0, 2.0, 1.75],
        "region": ["s", "n", "n", "s", "n"],
    })
    rs = RiskSet.from_panel(panel, unit="c", time="y", event="adopt")
    want = pd.DataFrame({
        "c": ["A", "A", "A", "B", "B"],
        "y": [2000, 2001, 2002, 2000, 2001],
        "adopt": [0, 0, 1, 0, 1],
        "gdp": [1.0, 1.5, 1.75, 2.0, 2.5],
        "region": ["n", "n", "n", "s", "s"],
    })
    pd.testing.assert_frame_equal(rs.frame, want, check_dtype=False)
    assert rs.event == "adopt"
    assert (rs.start, rs.end) == (2000, 2002)
    assert (rs.n_obs, rs.n_events, rs.n_units) == (5, 2, 2)


def test_from_panel_accepts_float_and_boolean_events():
    panel = pd.DataFrame({"c": ["A", "A"], "y": [1.0, 2.0], "e": [0.0, 1.0]})
    rs = RiskSet.from_panel(panel, unit="c", time="y", event="e")
    assert rs.frame["e"].tolist() == [0, 1]
    assert rs.frame["y"].tolist() == [1, 2]
    panel = pd.DataFrame({"c": ["A", "A"], "y": [1, 2], "e": [False, True]})
    assert RiskSet.from_panel(panel, unit="c", time="y", event="e").n_events == 1


# ------------------------------------------------------------- covariates
COV_RS_EVENTS = pd.DataFrame({"c": ["B"], "y": [1991]})


def cov_risk_set() -> RiskSet:
    # A at risk 1990-1992, B at risk 1990-1991 (adopts 1991)
    return RiskSet.from_events(COV_RS_EVENTS, unit="c", time="y", units=["A", "B"],
                               start=1990, end=1992)


COV_TABLE = pd.DataFrame({
    "c": ["A", "A", "A", "A", "B"],
    "y": [1989, 1990, 1991, 1992, 1990],
    "x": [1.0, 2.0, 3.0, 4.0, 10.0],
    "k": [5, 6, 7, 8, 9],
})


def test_with_covariates_lag_1():
    rs = cov_risk_set().with_covariates(COV_TABLE)
    frame = rs.frame
    want = pd.DataFrame({
        "c": ["A", "A", "A", "B", "B"],
        "y": [1990, 1991, 1992, 1990, 1991],
        "event": [0, 0, 0, 0, 1],
        "x": [1.0, 2.0, 3.0, np.nan, 10.0],   # value of t-1
        "k": [5.0, 6.0, 7.0, np.nan, 9.0],
    })
    pd.testing.assert_frame_equal(frame, want, check_dtype=False)
    assert kinds(rs) == {"covariate_missing": 1}
    assert rs.added == ("x", "k")


def test_with_covariates_lag_2():
    rs = cov_risk_set().with_covariates(COV_TABLE, lag=2)
    want = pd.DataFrame({
        "c": ["A", "A", "A", "B", "B"],
        "y": [1990, 1991, 1992, 1990, 1991],
        "event": [0, 0, 0, 0, 1],
        "x": [np.nan, 1.0, 2.0, np.nan, np.nan],  # value of t-2
        "k": [np.nan, 5.0, 6.0, np.nan, np.nan],
    })
    pd.testing.assert_frame_equal(rs.frame, want, check_dtype=False)
    assert kinds(rs) == {"covariate_missing": 3}
    assert "t-2" in rs.notes[0].message


def test_with_covariates_returns_a_new_risk_set():
    base = cov_risk_set()
    rs = base.with_covariates(COV_TABLE)
    assert list(base.frame.columns) == ["c", "y", "event"]
    assert "x" in rs.frame.columns
    assert base.notes == ()


def test_frame_is_a_copy():
    rs = cov_risk_set()
    frame = rs.frame
    frame.loc[0, "event"] = 99
    frame["new"] = 1
    assert rs.frame["event"].max() == 1
    assert "new" not in rs.frame.columns


# ------------------------------------------------- inputs are never touched
def test_caller_tables_are_not_mutated():
    events = EVENTS.copy().set_index(pd.Index([10, 20]))
    spells = SPELLS.copy()
    cov = pd.DataFrame({"c": ["A", "B", "C"], "y": [1991, 1992, 1991], "x": [1, 2, 3]})
    groups = pd.DataFrame({"c": ["A", "B", "C"], "g": ["n", "n", "s"]})
    edges = pd.DataFrame({"source": ["A", "C"], "target": ["B", "A"], "w": [1.0, 2.0]})
    panel = pd.DataFrame({"c": ["B", "A", "A"], "y": [1, 2, 1], "e": [1, 1, 0],
                          "z": [0.1, 0.2, 0.3]})
    tables = {"events": events, "spells": spells, "cov": cov, "groups": groups,
              "edges": edges, "panel": panel}
    originals = {name: df.copy(deep=True) for name, df in tables.items()}

    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells)
    rs = rs.with_covariates(cov)
    rs = rs.with_exposure("reg", regional_share(groups, window=2))
    rs = rs.with_exposure("world", world_share())
    rs = rs.with_exposure("net", network(edges, weight="w"))
    RiskSet.from_panel(panel, unit="c", time="y", event="e")
    RiskSet.from_events(events, unit="c", time="y", units=["A", "B", "C"],
                        start=1990, end=1996, repeated=True)

    for name, df in tables.items():
        pd.testing.assert_frame_equal(df, originals[name], obj=name)


def test_reordering_input_rows_changes_nothing():
    # D, E adopted before the window (excluded), H, I adopt after it (censored):
    # two notes that each list two units
    spells = pd.concat([SPELLS, pd.DataFrame({"c": ["D", "E", "H", "I"],
                                              "start": [1985, 1985, 1990, 1990],
                                              "end": [np.nan] * 4})],
                       ignore_index=True)
    events = pd.concat([EVENTS, pd.DataFrame({"c": ["D", "E", "H", "I"],
                                              "y": [1988, 1986, 1998, 1999]})],
                       ignore_index=True)
    groups = pd.DataFrame({"c": ["A", "B", "C", "D", "E", "H", "I"],
                           "g": ["n", "n", "s", "n", "s", "s", "n"]})
    edges = pd.DataFrame({"source": ["A", "C", "D"], "target": ["B", "A", "A"]})
    cov = pd.DataFrame({"c": ["A", "B", "C", "C"], "y": [1993, 1992, 1990, 1991],
                        "x": [1.0, 2.0, 3.0, 4.0]})

    def build(ev, sp, gr, ed, cv):
        rs = RiskSet.from_events(ev, unit="c", time="y", membership=sp, start=1990)
        rs = rs.with_covariates(cv)
        rs = rs.with_exposure("reg", regional_share(gr, window=3))
        rs = rs.with_exposure("dens", regional_density(gr))
        rs = rs.with_exposure("world", world_share())
        return rs.with_exposure("net", network(ed))

    base = build(events, spells, groups, edges, cov)
    assert {"adopted_before_risk", "censored_after_window"} <= {n.kind for n in base.notes}
    rng = np.random.default_rng(0)
    for _ in range(5):
        def shuffle(df):
            return df.iloc[rng.permutation(len(df))]
        other = build(shuffle(events), shuffle(spells), shuffle(groups), shuffle(edges),
                      shuffle(cov))
        pd.testing.assert_frame_equal(other.frame, base.frame)
        assert other.notes == base.notes  # same notes, same wording, same order


def test_event_outside_membership_censor_option():
    """A unit that adopts while out of the system is censored when it left."""
    events = pd.DataFrame({"c": ["A", "B"], "y": [1905, 1902]})
    spells = pd.DataFrame({"c": ["A", "A", "B"], "start": [1900, 1908, 1900],
                           "end": [1903, 1910, 1910]})
    with pytest.raises(MembershipError, match=r"'A' in 1905.*outside='censor'"):
        RiskSet.from_events(events, unit="c", time="y", membership=spells)
    rs = RiskSet.from_events(events, unit="c", time="y", membership=spells, outside="censor")
    expected = pd.DataFrame({
        "c": ["A"] * 4 + ["B"] * 3,
        "y": [1900, 1901, 1902, 1903, 1900, 1901, 1902],
        "event": [0, 0, 0, 0, 0, 0, 1],
    })
    pd.testing.assert_frame_equal(rs.frame, expected, check_dtype=False)
    notes = [n for n in rs.notes if n.kind == "event_outside_membership"]
    assert len(notes) == 1 and notes[0].count == 1 and "'A' in 1905" in notes[0].message
    with pytest.raises(SpecificationError, match="unknown outside"):
        RiskSet.from_events(events, unit="c", time="y", membership=spells, outside="drop")


def test_assign_adds_derived_columns_without_mutating():
    events = pd.DataFrame({"c": ["A"], "y": [1902]})
    rs = RiskSet.from_events(events, unit="c", time="y", units=["A", "B"], start=1900, end=1903)
    rs2 = rs.assign(late=lambda f: (f["y"] >= 1902).astype(float), one=np.ones(rs.n_obs))
    assert "late" not in rs.frame.columns
    assert rs2.frame["late"].tolist() == [0, 0, 1, 0, 0, 1, 1]
    with pytest.raises(SpecificationError, match="already exists"):
        rs2.assign(late=np.zeros(rs.n_obs))
    with pytest.raises(SpecificationError, match="one value per row"):
        rs.assign(bad=np.zeros(3))


def test_event_column_can_be_named_after_the_outcome():
    events = pd.DataFrame({"c": ["A"], "y": [1901]})
    rs = RiskSet.from_events(events, unit="c", time="y", units=["A", "B"], start=1900,
                             end=1901, event="suffrage")
    assert list(rs.frame.columns) == ["c", "y", "suffrage"]
    assert rs.event == "suffrage" and rs.frame["suffrage"].tolist() == [0, 1, 0, 0]
    with pytest.raises(SpecificationError, match="creates"):
        RiskSet.from_events(events, unit="c", time="y", units=["A"], start=1900, end=1901,
                            event="c")
