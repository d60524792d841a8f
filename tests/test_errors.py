"""Bad input: one test per case of the specification.

Each test asserts the specific DiffusionError subclass, that the message names what
was found and where (unit, year, column), that the error is raised by diffusion
itself (no pandas KeyError/ValueError underneath, nothing chained), and, where a
table was passed, that the caller's table is left as it was.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from diffusion import DiffusionError, DiscreteTimeHazard, RiskSet
from diffusion.errors import (
    DataError,
    DuplicateKeyError,
    EstimationError,
    GroupError,
    InvalidEventError,
    InvalidTimeError,
    MembershipError,
    MissingColumnError,
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

MEM = pd.DataFrame({"c": ["A", "B", "C"], "start": [1900, 1900, 1900],
                    "end": [1910, 1910, 1910]})
EV = pd.DataFrame({"c": ["A"], "y": [1905]})
PANEL = pd.DataFrame({"c": ["A", "A", "A", "B", "B"], "y": [1, 2, 3, 1, 2],
                      "e": [0, 0, 1, 0, 0], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
GROUPS = pd.DataFrame({"c": ["A", "B", "C"], "g": [1, 1, 2]})


def lit(*parts: str) -> str:
    """Regex matching the literal ``parts`` in this order."""
    return ".*".join(re.escape(p) for p in parts)


def raises(exc: type[DiffusionError], match: str, fn, *tables: pd.DataFrame):
    """Call ``fn``; check the error class, message, origin, and untouched tables."""
    before = [t.copy(deep=True) for t in tables]
    with pytest.raises(exc, match=match) as info:
        fn()
    err = info.value
    assert isinstance(err, DiffusionError)
    # nothing chained: no pandas/numpy exception was caught and re-raised
    assert err.__cause__ is None and err.__context__ is None
    # raised by diffusion itself, not from inside pandas or numpy
    origin = str(info.traceback[-1].path).replace("\\", "/")
    assert "/diffusion/" in origin, origin
    for old, new in zip(before, tables):
        pd.testing.assert_frame_equal(new, old)
    return err


def events(**kw) -> RiskSet:
    return RiskSet.from_events(kw.pop("ev", EV), unit="c", time="y",
                               membership=kw.pop("membership", MEM), **kw)


@pytest.fixture(scope="module")
def rs() -> RiskSet:
    return events()


# ------------------------------------------------------- duplicate unit-time
def test_duplicate_event_rows():
    ev = pd.DataFrame({"c": ["A", "B", "A"], "y": [1905, 1903, 1905]})
    raises(DuplicateKeyError, lit("events", "('c', 'y')", "('A', 1905)", "one row per key"),
           lambda: events(ev=ev), ev)


def test_duplicate_panel_rows():
    panel = PANEL.assign(y=[1, 1, 2, 1, 2], e=0)
    raises(DuplicateKeyError, lit("panel", "('c', 'y')", "('A', 1)"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


def test_duplicate_panel_rows_written_differently():
    # 1 and "1" are the same year once read
    panel = pd.DataFrame({"c": ["A", "A"], "y": ["1", 1], "e": [0, 0]})
    raises(DuplicateKeyError, lit("panel", "('A', 1)"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


def test_duplicate_units_list():
    raises(DuplicateKeyError, lit("units", "'B'"),
           lambda: RiskSet.from_events(EV, unit="c", time="y", units=["A", "B", "B"],
                                       start=1900, end=1910))


# ------------------------------------------------------ several events per unit
def test_several_events_without_repeated():
    ev = pd.DataFrame({"c": ["A", "B", "A"], "y": [1906, 1903, 1905]})
    raises(InvalidEventError, lit("several events", "'A' (1905, 1906)", "repeated=True"),
           lambda: events(ev=ev), ev)
    # the same events are accepted with repeated=True
    assert events(ev=ev, repeated=True).n_events == 3


def test_several_events_in_panel_without_repeated():
    panel = PANEL.assign(e=[0, 1, 1, 0, 0])
    raises(InvalidEventError, lit("column 'e'", "several events", "'A' (2, 3)", "repeated=True"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


# -------------------------------------------------------------------- times
def test_missing_event_time():
    ev = pd.DataFrame({"c": ["A", "B"], "y": [1905, np.nan]})
    raises(InvalidTimeError, lit("events", "column 'y'", "missing", "'B' (nan)"),
           lambda: events(ev=ev), ev)


def test_non_numeric_event_time():
    ev = pd.DataFrame({"c": ["A", "B"], "y": [1905, "1906x"]})
    raises(InvalidTimeError, lit("events", "column 'y'", "non-numeric", "'B' ('1906x')"),
           lambda: events(ev=ev), ev)


def test_fractional_event_time():
    ev = pd.DataFrame({"c": ["A", "B"], "y": [1905, 1906.5]})
    raises(InvalidTimeError, lit("column 'y'", "not whole years", "'B' (1906.5)"),
           lambda: events(ev=ev), ev)


def test_boolean_event_time():
    ev = pd.DataFrame({"c": ["A"], "y": [True]})
    raises(InvalidTimeError, lit("column 'y'", "booleans"), lambda: events(ev=ev), ev)


def test_missing_membership_start():
    mem = MEM.assign(start=[1900, np.nan, 1900])
    raises(InvalidTimeError, lit("membership", "column 'start'", "missing", "'B'"),
           lambda: events(membership=mem), mem)


def test_non_numeric_panel_time():
    panel = PANEL.astype({"y": object})
    panel.loc[4, "y"] = "two"
    raises(InvalidTimeError, lit("panel", "column 'y'", "'B' ('two')"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


def test_missing_covariate_time(rs):
    table = pd.DataFrame({"c": ["A", "B"], "y": [1901, np.nan], "x": [1, 2]})
    raises(InvalidTimeError, lit("covariates", "column 'y'", "'B'"),
           lambda: rs.with_covariates(table), table)


def test_window_bound_not_a_year():
    raises(InvalidTimeError, lit("start", "'1900'"), lambda: events(start="1900"))


# --------------------------------------------------------------- membership
def test_membership_spell_inverted():
    mem = pd.DataFrame({"c": ["A", "B"], "start": [1900, 1910], "end": [1910, 1900]})
    raises(MembershipError, lit("start is after the end", "'B' 1910-1900", "Swap"),
           lambda: events(membership=mem), mem)


def test_membership_spells_overlap():
    mem = pd.DataFrame({"c": ["B", "A", "A"], "start": [1900, 1905, 1900],
                        "end": [1910, 1910, 1906]})
    raises(MembershipError, lit("overlapping", "'A' 1900-1906 and 1905-1910", "Merge"),
           lambda: events(membership=mem), mem)


def test_membership_open_spell_overlaps():
    mem = pd.DataFrame({"c": ["A", "A"], "start": [1900, 1905], "end": [np.nan, 1910]})
    raises(MembershipError, lit("overlapping", "'A' 1900-open and 1905-1910"),
           lambda: events(membership=mem), mem)


def test_membership_empty():
    raises(MembershipError, lit("membership", "no rows"),
           lambda: events(membership=MEM.iloc[:0]))


def test_adopter_absent_from_membership():
    ev = pd.DataFrame({"c": ["A", "Z"], "y": [1905, 1907]})
    raises(MembershipError, lit("absent from the membership table", "'Z' (event in 1907)"),
           lambda: events(ev=ev), ev)


def test_adopter_absent_from_units():
    ev = pd.DataFrame({"c": ["Z"], "y": [1905]})
    raises(MembershipError, lit("absent from units", "'Z'"),
           lambda: RiskSet.from_events(ev, unit="c", time="y", units=["A"], start=1900,
                                       end=1910), ev)


def test_event_after_the_unit_left_the_system():
    ev = pd.DataFrame({"c": ["A"], "y": [1912]})
    raises(MembershipError, lit("not a member", "'A' in 1912 (member 1900-1910)"),
           lambda: events(ev=ev, end=1915), ev)


def test_event_in_a_membership_gap():
    mem = pd.DataFrame({"c": ["A", "A"], "start": [1900, 1908], "end": [1903, 1910]})
    ev = pd.DataFrame({"c": ["A"], "y": [1905]})
    raises(MembershipError, lit("'A' in 1905 (member 1900-1903, 1908-1910)"),
           lambda: events(ev=ev, membership=mem), ev, mem)


def test_panel_row_outside_membership():
    mem = pd.DataFrame({"c": ["A", "B"], "start": [1, 2], "end": [3, 2]})
    raises(MembershipError, lit("not a", "member", "'B' in 1"),
           lambda: RiskSet.from_panel(PANEL, unit="c", time="y", event="e", membership=mem),
           PANEL, mem)


# ------------------------------------------------------------- panel events
def test_rows_after_the_event_in_a_panel():
    panel = PANEL.assign(e=[0, 1, 0, 0, 0])
    raises(InvalidEventError, lit("after the unit's event", "'A' in 3 (event in 2)"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


@pytest.mark.parametrize("bad, shown", [(2, "(2)"), (-1, "(-1)"), (0.5, "(0.5)"),
                                        (np.nan, "(nan)"), ("yes", "('yes')")])
def test_event_values_other_than_0_1(bad, shown):
    panel = PANEL.astype({"e": object})
    panel.loc[3, "e"] = bad
    raises(InvalidEventError, lit("column 'e'", "0 or 1", f"'B' in 1 {shown}"),
           lambda: RiskSet.from_panel(panel, unit="c", time="y", event="e"), panel)


# --------------------------------------------------------------------- window
def test_window_start_after_end():
    raises(InvalidTimeError, lit("start=1909", "end=1901"),
           lambda: events(start=1909, end=1901))
    raises(InvalidTimeError, lit("start=1909", "end=1901"),
           lambda: RiskSet.from_events(EV, unit="c", time="y", units=["A"], start=1909,
                                       end=1901))


def test_window_without_anyone_at_risk():
    raises(DataError, lit("no unit is at risk", "1950-1960"),
           lambda: events(start=1950, end=1960))


def test_neither_membership_nor_units():
    raises(SpecificationError, lit("membership", "units"),
           lambda: RiskSet.from_events(EV, unit="c", time="y"))


def test_units_without_window():
    raises(SpecificationError, lit("start=", "end="),
           lambda: RiskSet.from_events(EV, unit="c", time="y", units=["A", "B"]))


def test_membership_and_units():
    raises(SpecificationError, lit("not both"),
           lambda: RiskSet.from_events(EV, unit="c", time="y", membership=MEM, units=["A"]))


# ------------------------------------------------------------ absent columns
def _bad_columns_cases():
    rs = events()
    return {
        "events": (lambda: RiskSet.from_events(EV, unit="country", time="y", membership=MEM),
                   ("events", "'country'")),
        "membership": (lambda: events(membership=MEM.rename(columns={"end": "stop"})),
                       ("membership", "'end'")),
        "panel": (lambda: RiskSet.from_panel(PANEL, unit="c", time="y", event="adopt"),
                  ("panel", "'adopt'")),
        "covariates": (lambda: rs.with_covariates(pd.DataFrame({"c": ["A"], "year": [1901],
                                                                "x": [1]})),
                       ("covariates", "'y'")),
        "groups unit": (lambda: rs.with_exposure("r", regional_density(
            GROUPS.rename(columns={"c": "country"}))), ("groups", "'c'")),
        "groups group": (lambda: rs.with_exposure("r", regional_density(GROUPS, group="region")),
                         ("groups", "'region'")),
        "edges": (lambda: rs.with_exposure("n", network(pd.DataFrame({"from": ["A"],
                                                                      "target": ["B"]}))),
                  ("edges", "'source'")),
        "edge weight": (lambda: rs.with_exposure("n", network(
            pd.DataFrame({"source": ["A"], "target": ["B"]}), weight="w")), ("edges", "'w'")),
        "edge time": (lambda: rs.with_exposure("n", network(
            pd.DataFrame({"source": ["A"], "target": ["B"]}), time="year")),
            ("edges", "'year'")),
    }


@pytest.mark.parametrize("case", list(_bad_columns_cases()))
def test_named_column_absent(case):
    fn, parts = _bad_columns_cases()[case]
    table, column = parts
    err = raises(MissingColumnError, lit(table, "no column", column), fn)
    # str() is the plain message, not a quoted KeyError repr
    assert not str(err).startswith(("'", '"'))


# ----------------------------------------------------------- windows and lags
@pytest.mark.parametrize("make", [
    lambda: regional_share(GROUPS, window=0),
    lambda: regional_count(GROUPS, window=-2),
    lambda: regional_share(GROUPS, window=1.5),
])
def test_window_below_one(make):
    raises(SpecificationError, lit("window must be an integer >= 1"), make)


@pytest.mark.parametrize("make", [
    lambda: regional_share(GROUPS, window=2, lag=0),
    lambda: regional_count(GROUPS, window=2, lag=0),
    lambda: regional_density(GROUPS, lag=0),
    lambda: world_share(lag=0),
    lambda: world_count(lag=-1),
    lambda: network(pd.DataFrame({"source": ["A"], "target": ["B"]}), lag=0),
])
def test_lag_below_one(make):
    raises(SpecificationError, lit("lag must be an integer >= 1", "got"), make)


def test_covariate_lag_below_one(rs):
    table = pd.DataFrame({"c": ["A"], "y": [1901], "x": [1]})
    raises(SpecificationError, lit("lag must be an integer >= 1", "got 0"),
           lambda: rs.with_covariates(table, lag=0), table)


# -------------------------------------------------------------------- groups
def test_group_table_missing_units(rs):
    groups = GROUPS.iloc[:2]
    raises(GroupError, lit("groups lacks 1 unit", "'C'"),
           lambda: rs.with_exposure("r", regional_share(groups, window=2)), groups)


def test_group_table_unit_in_two_groups(rs):
    groups = pd.DataFrame({"c": ["A", "B", "C", "C"], "g": [1, 1, 2, 1]})
    raises(GroupError, lit("more than once", "'C' (1, 2)"),
           lambda: rs.with_exposure("r", regional_density(groups)), groups)


def test_group_table_unit_without_group(rs):
    groups = GROUPS.assign(g=[1, np.nan, 2])
    raises(GroupError, lit("without a group", "column 'g'", "'B'"),
           lambda: rs.with_exposure("r", regional_density(groups)), groups)


def test_group_table_with_several_group_columns(rs):
    groups = GROUPS.assign(h=0)
    raises(SpecificationError, lit("one group column", "'g', 'h'", "group="),
           lambda: rs.with_exposure("r", regional_density(groups)), groups)


# ---------------------------------------------------------------- covariates
def test_covariate_table_duplicate_keys(rs):
    table = pd.DataFrame({"c": ["A", "B", "A"], "y": [1900, 1900, 1900], "x": [1, 2, 3]})
    raises(DuplicateKeyError, lit("covariates", "('c', 'y')", "('A', 1900)"),
           lambda: rs.with_covariates(table), table)


def test_covariate_table_duplicate_keys_written_differently(rs):
    table = pd.DataFrame({"c": ["A", "A"], "y": ["1900", 1900], "x": [1, 2]})
    raises(DuplicateKeyError, lit("covariates", "('A', 1900)"),
           lambda: rs.with_covariates(table), table)


def test_covariate_column_clash(rs):
    table = pd.DataFrame({"c": ["A"], "y": [1900], "event": [1]})
    raises(SpecificationError, lit("'event'", "already exist"),
           lambda: rs.with_covariates(table), table)


# -------------------------------------------------------------------- edges
def test_edges_duplicate_ties(rs):
    edges = pd.DataFrame({"source": ["A", "A"], "target": ["B", "B"]})
    raises(DuplicateKeyError, lit("edges", "('A', 'B')"),
           lambda: rs.with_exposure("n", network(edges)), edges)


def test_edges_bad_weight(rs):
    edges = pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"], "w": [1.0, -2.0]})
    raises(DataError, lit("edges", "'B'->'C' (-2.0)", ">= 0"),
           lambda: rs.with_exposure("n", network(edges, weight="w")), edges)


def test_edges_missing_year(rs):
    edges = pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"], "yr": [1901, np.nan]})
    raises(InvalidTimeError, lit("edges", "column 'yr'", "'B'"),
           lambda: rs.with_exposure("n", network(edges, time="yr")), edges)


# ------------------------------------------------------------ no events, fit
def test_no_events_at_fit():
    rs0 = events(ev=EV.iloc[:0])  # building the risk set is allowed
    assert rs0.n_events == 0
    raises(EstimationError, lit("no events"),
           lambda: DiscreteTimeHazard(rs0, link="logit").fit())


# ----------------------------------------------------------- unknown options
@pytest.mark.parametrize("fn, parts", [
    (lambda rs: DiscreteTimeHazard(rs, link="logistic"), ("unknown link", "'logistic'")),
    (lambda rs: DiscreteTimeHazard(rs, link="logit").fit(cov_type="hc9"),
     ("unknown cov_type", "'hc9'")),
    (lambda rs: DiscreteTimeHazard(rs, link="logit").fit(information="hessian"),
     ("unknown information", "'hessian'")),
    (lambda rs: network(pd.DataFrame({"source": ["A"], "target": ["B"]}), normalize="yes"),
     ("normalize", "'yes'")),
    (lambda rs: events(repeated="no"), ("repeated", "'no'")),
    (lambda rs: RiskSet.from_panel(PANEL, unit="c", time="y", event="e", repeated=1),
     ("repeated", "1")),
])
def test_unknown_option_values(rs, fn, parts):
    raises(SpecificationError, lit(*parts), lambda: fn(rs))


# -------------------------------------------------------------- wrong types
@pytest.mark.parametrize("fn, name", [
    (lambda rs: RiskSet.from_events([("A", 1905)], unit="c", time="y", membership=MEM),
     "events"),
    (lambda rs: events(membership={"c": ["A"]}), "membership"),
    (lambda rs: RiskSet.from_panel(PANEL.to_dict(), unit="c", time="y", event="e"), "panel"),
    (lambda rs: rs.with_covariates([1, 2]), "covariates"),
    (lambda rs: rs.with_exposure("r", regional_density({"A": 1})), "groups"),
])
def test_tables_that_are_not_dataframes(rs, fn, name):
    raises(DataError, lit(name, "must be a pandas DataFrame"), lambda: fn(rs))


def test_missing_unit_identifier():
    ev = pd.DataFrame({"c": ["A", None], "y": [1905, 1906]})
    raises(DataError, lit("events", "column 'c'", "missing unit"), lambda: events(ev=ev), ev)


def test_column_names_the_risk_set_creates():
    ev = pd.DataFrame({"spell": ["A"], "y": [1905]})
    raises(SpecificationError, lit("'spell'", "rename your unit or time column"),
           lambda: RiskSet.from_events(ev, unit="spell", time="y", units=["A"], start=1900,
                                       end=1910, repeated=True), ev)
    ev = pd.DataFrame({"event": ["A"], "y": [1905]})
    raises(SpecificationError, lit("'event'", "rename your unit or time column"),
           lambda: RiskSet.from_events(ev, unit="event", time="y", units=["A"], start=1900,
                                       end=1910), ev)
