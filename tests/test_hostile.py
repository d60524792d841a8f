"""Hostile input: only a DiffusionError or a correct result, tables untouched, no warnings.

The library promises that (1) every deliberate error is a :class:`DiffusionError`
that says what, where and what to do, (2) input tables are never modified, (3) every
excluded row is reported, (4) nothing looks ahead. The properties below throw
generated hostile tables and options at every public entry point of the library API
(wrong dtypes: dates, text, objects, booleans, NaN/inf, huge and negative integers,
Unicode digits, mixed types; duplicated columns and keys; empty tables; absurd
options) and check, for each call:

* it returns, or raises a :class:`DiffusionError` -- never a pandas, numpy or scipy
  exception, a ``TypeError`` or a ``MemoryError``;
* no warning escapes (``warnings.simplefilter("error")`` inside the property);
* the caller's tables equal deep copies taken before the call;
* what it returns satisfies the invariants of a correct result.

The second half holds one explicit regression test per case a reviewer found.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffusion import (
    CoxHazard,
    DiffusionError,
    DiscreteTimeHazard,
    FirthHazard,
    FrailtyHazard,
    PiecewiseExponentialHazard,
    RiskSet,
    WeibullHazard,
    compare,
    effects,
)
from diffusion._notes import Note
from diffusion.data.checks import MAX_ROWS, MAX_TIME
from diffusion.errors import (
    DataError,
    InvalidTimeError,
    SpecificationError,
)
from diffusion.exposure import (
    infer_network,
    infer_networks,
    network,
    regional_count,
    regional_density,
    regional_share,
    structural_equivalence,
    world_count,
    world_share,
)
from diffusion.time_terms import Cubic, Dummies, Periods, Spline

# HOSTILE_EXAMPLES=500 runs a deeper, random search (the default is a fixed, quick one)
_DEEP = int(os.environ.get("HOSTILE_EXAMPLES", "0"))
FAST = settings(max_examples=_DEEP or 25, deadline=None, derandomize=not _DEEP, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
SLOW = settings(FAST, max_examples=_DEEP or 12)

# ------------------------------------------------------------------- a small world
UNITS = [f"U{i}" for i in range(8)]
MEM = pd.DataFrame({"c": UNITS, "start": [1950] * 6 + [1953, 1955],
                    "end": [1965] * 7 + [1962]})
EV = pd.DataFrame({"c": ["U0", "U1", "U2", "U3", "U6"], "y": [1954, 1957, 1957, 1961, 1958]})
GROUPS = pd.DataFrame({"c": UNITS, "g": ["a", "a", "a", "b", "b", "b", "c", "c"]})
EDGES = pd.DataFrame({"source": ["U0", "U1", "U2", "U3", "U4", "U5"],
                      "target": ["U1", "U2", "U3", "U4", "U5", "U6"],
                      "w": [1.0, 2.0, 0.5, 1.0, 1.0, 3.0]})
RS = RiskSet.from_events(EV, unit="c", time="y", membership=MEM)
_rng = np.random.default_rng(7)
COV = RS.frame[["c", "y"]].assign(x=_rng.normal(size=RS.n_obs),
                                   z=_rng.normal(size=RS.n_obs))
RSX = RS.with_covariates(COV.assign(y=COV["y"] - 1))  # values for every row at lag 1

# ------------------------------------------------------------------ hostile values
HOSTILE_SCALARS = [
    np.nan, None, np.inf, -np.inf, 1954.5, 10**20, -(10**20), 2**63, 10**400, -5, 0, True, False,
    "1957", "19²", "١٩٥٧", "abc", "", " 1957 ", pd.Timestamp("1957-03-01"),
    dt.date(1957, 1, 1), pd.Timedelta(days=3), np.datetime64("1957-01-01"),
    [1957], (1957,), {"y": 1957}, 1957.0, np.int64(1957), complex(1957, 0), b"1957",
]


def hostile_value() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(HOSTILE_SCALARS),
                     st.integers(min_value=-(10**12), max_value=10**12),
                     st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=4))


@st.composite
def hostile_column(draw: st.DrawFn, good: pd.Series) -> pd.Series:
    """``good`` with some values, or its dtype, replaced by something hostile."""
    how = draw(st.sampled_from(["cells", "dates", "text", "bool", "object", "huge", "empty",
                                "timedelta", "category", "nullable"]))
    n = len(good)
    if how == "cells" and n:
        out = good.astype(object).copy()
        for i in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3)):
            out.iloc[i] = draw(hostile_value())
        return out
    if how == "dates" and pd.api.types.is_numeric_dtype(good):
        return pd.to_datetime(good.astype("int64").astype(str), format="%Y", errors="coerce")
    if how == "timedelta" and pd.api.types.is_numeric_dtype(good):
        return pd.to_timedelta(good.astype("float64"), unit="D")
    if how == "text":
        return good.astype(str)
    if how == "bool":
        return pd.Series([bool(i % 2) for i in range(n)], index=good.index)
    if how == "object":
        return good.astype(object)
    if how == "huge" and pd.api.types.is_numeric_dtype(good):
        return good.astype("float64") * 1e12
    if how == "category":
        return good.astype("category")
    if how == "nullable" and pd.api.types.is_integer_dtype(good):
        return good.astype("Int64").mask(good.index % 3 == 0)
    return good.iloc[:0] if how == "empty" else good


@st.composite
def hostile_frame(draw: st.DrawFn, good: pd.DataFrame) -> pd.DataFrame:
    """``good`` with one column made hostile, a duplicated column or key, or no rows."""
    frame = good.copy()
    what = draw(st.sampled_from(["column", "column", "column", "dupcol", "dupkey", "empty",
                                 "shuffle", "extra", "index"]))
    if what == "column":
        col = draw(st.sampled_from(list(frame.columns)))
        new = draw(hostile_column(frame[col]))
        if len(new) == len(frame):
            # an object Series as it is (pandas would try to infer a dtype from a bare array)
            frame[col] = (pd.Series(list(new), index=frame.index, dtype=object)
                          if new.dtype == object else new.set_axis(frame.index))
        else:
            frame = frame.iloc[:0]
    elif what == "dupcol":
        col = draw(st.sampled_from(list(frame.columns)))
        frame = pd.concat([frame, frame[[col]]], axis=1)
    elif what == "dupkey" and len(frame):
        frame = pd.concat([frame, frame.iloc[[draw(st.integers(0, len(frame) - 1))]]])
    elif what == "empty":
        frame = frame.iloc[:0]
    elif what == "shuffle":
        frame = frame.sample(frac=1.0, random_state=draw(st.integers(0, 99)))
    elif what == "extra":
        value = draw(hostile_value())
        frame = frame.assign(extra=pd.Series([value] * len(frame), index=frame.index,
                                             dtype=object))
    elif what == "index":
        frame.index = ["r"] * len(frame)
    return frame


def call(fn: Callable[[], Any], *tables: Any) -> Any:
    """Run ``fn``: a result or None (a DiffusionError); tables unchanged; no warning."""
    before = [t.copy(deep=True) if isinstance(t, pd.DataFrame) else None for t in tables]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = fn()
        except DiffusionError as exc:
            assert str(exc), "an empty error message"
            out = None
    for old, new in zip(before, tables):
        if old is not None:
            pd.testing.assert_frame_equal(new, old)
    return out


def check_risk_set(rs: RiskSet | None) -> None:
    """Invariants of any risk set the constructors return."""
    if rs is None:
        return
    f = rs.frame
    assert len(f) > 0
    assert set(f[rs.event].unique()) <= {0, 1}
    assert f[rs.time].dtype == np.int64
    assert f[rs.time].between(rs.start, rs.end).all()
    assert not f.duplicated([rs.unit, rs.time]).any()
    assert all(isinstance(n, Note) and n.count >= 0 for n in rs.notes)
    if not rs.repeated:
        assert (f.groupby(rs.unit)[rs.event].sum() <= 1).all()
        last = f.groupby(rs.unit)[rs.time].transform("max")
        assert (f.loc[f[rs.event] == 1, rs.time] == last[f[rs.event] == 1]).all()


# ============================================================ properties: data
@FAST
@given(st.data())
def test_from_events_hostile(data: st.DataObject) -> None:
    ev = data.draw(hostile_frame(EV))
    mem = data.draw(hostile_frame(MEM))
    start = data.draw(st.one_of(st.none(), st.sampled_from([1950, 1949.0, 1955]), hostile_value()))
    end = data.draw(st.one_of(st.none(), st.sampled_from([1965, 1970]), hostile_value()))
    rs = call(lambda: RiskSet.from_events(ev, unit="c", time="y", membership=mem,
                                          start=start, end=end), ev, mem)
    check_risk_set(rs)
    if rs is not None:  # every event is a risk-set event or is counted in a note
        noted = sum(n.count for n in rs.notes
                    if n.kind in ("adopted_before_risk", "censored_after_window"))
        assert rs.n_events + noted == len(ev)


@FAST
@given(st.data())
def test_from_events_units_hostile(data: st.DataObject) -> None:
    units = data.draw(st.lists(st.one_of(st.sampled_from(UNITS), hostile_value()), max_size=9))
    start = data.draw(st.one_of(st.sampled_from([1950, -(10**8), 1940]), hostile_value()))
    end = data.draw(st.one_of(st.sampled_from([1965, 10**8]), hostile_value()))
    repeated = data.draw(st.one_of(st.booleans(), hostile_value()))
    rs = call(lambda: RiskSet.from_events(EV, unit="c", time="y", units=units, start=start,
                                          end=end, repeated=repeated), EV)
    check_risk_set(rs)


PANEL = RS.frame.assign(x=COV["x"].to_numpy())


@FAST
@given(st.data())
def test_from_panel_hostile(data: st.DataObject) -> None:
    panel = data.draw(hostile_frame(PANEL))
    repeated = data.draw(st.booleans())
    rs = call(lambda: RiskSet.from_panel(panel, unit="c", time="y", event="event",
                                         repeated=repeated), panel)
    check_risk_set(rs)
    if rs is not None:
        assert rs.n_obs == len(panel)


@FAST
@given(st.data())
def test_with_covariates_hostile(data: st.DataObject) -> None:
    table = data.draw(hostile_frame(COV))
    lag = data.draw(st.one_of(st.integers(-2, 5), st.sampled_from([10**8, 10**20]),
                              hostile_value()))
    out = call(lambda: RS.with_covariates(table, lag=lag), table)
    if out is not None:
        assert out.n_obs == RS.n_obs
        # nothing looks ahead: the value of row t was observed in t - lag
        key = table.set_index(["c", "y"])
        f = out.frame
        for c in [c for c in table.columns if c not in ("c", "y")][:1]:
            for _, row in f.head(8).iterrows():
                k = (row["c"], row["y"] - lag)
                if k in key.index and not pd.isna(row[c]):
                    assert row[c] == key.loc[k, c]


def exposure_measures(draw: st.DrawFn) -> Any:
    window = draw(st.one_of(st.integers(-1, 30), st.sampled_from([10**6, 10**12, 10**20]),
                            hostile_value()))
    lag = draw(st.one_of(st.integers(-1, 12), st.sampled_from([10**8, 10**20]), hostile_value()))
    groups = draw(hostile_frame(GROUPS))
    edges = draw(hostile_frame(EDGES))
    weight = draw(st.sampled_from([None, "w", "source", 1, "nope"]))
    kind = draw(st.sampled_from(["share", "count", "density", "world", "wcount", "network"]))
    make = {
        "share": lambda: regional_share(groups, window=window, lag=lag),
        "count": lambda: regional_count(groups, window=window, lag=lag),
        "density": lambda: regional_density(groups, lag=lag),
        "world": lambda: world_share(lag=lag),
        "wcount": lambda: world_count(lag=lag),
        "network": lambda: network(edges, weight=weight, lag=lag,
                                   normalize=draw(st.one_of(st.booleans(), hostile_value()))),
    }[kind]
    return kind, make, (groups, edges)


@FAST
@given(st.data())
def test_with_exposure_hostile(data: st.DataObject) -> None:
    kind, make, tables = exposure_measures(data.draw)
    out = call(lambda: RS.with_exposure("e", make()), *tables)
    if out is not None:
        values = out.frame["e"].to_numpy()
        assert np.isfinite(values).all()
        if kind in ("share", "density", "world"):
            assert ((values >= 0) & (values <= 1)).all()
        assert (values >= 0).all()


class _Custom:
    """A user-written measure that returns whatever it is given."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def compute(self, risk_set: RiskSet) -> Any:
        return self.out


@FAST
@given(st.data())
def test_custom_measure_hostile(data: st.DataObject) -> None:
    n = RS.n_obs
    values = data.draw(st.one_of(
        st.just(np.zeros(n)), st.just(np.zeros(n - 1)), st.just(np.zeros((n, 2))),
        st.just(["a"] * n), st.just(None), st.just(pd.Series(np.ones(n))),
        st.just(np.full(n, np.inf)), st.just(np.array([pd.Timestamp("2000")] * n))))
    notes = data.draw(st.sampled_from([(), [], None, "note", (Note("k", 1, "m"),), ("x",)]))
    shape = data.draw(st.sampled_from(["pair", "single", "none", "triple"]))
    out = {"pair": (values, notes), "single": values, "none": None,
           "triple": (values, notes, 1)}[shape]
    res = call(lambda: RS.with_exposure("e", _Custom(out)))
    if res is not None:
        assert res.frame["e"].shape == (n,)


# ========================================================== properties: models
MODELS = ["logit", "firth", "frailty", "cox", "pwe", "weibull"]


def fit(kind: str, rs: RiskSet, covariates: Any, time: Any = None, formula: str | None = None,
        **options: Any) -> Any:
    if formula is not None:
        make = {
            "logit": lambda: DiscreteTimeHazard.from_formula(formula, rs, link="logit", time=time),
            "firth": lambda: FirthHazard.from_formula(formula, rs, link="logit", time=time),
            "frailty": lambda: FrailtyHazard.from_formula(formula, rs, link="logit"),
            "cox": lambda: CoxHazard.from_formula(formula, rs, **options),
            "pwe": lambda: PiecewiseExponentialHazard.from_formula(formula, rs, **options),
            "weibull": lambda: WeibullHazard.from_formula(formula, rs),
        }[kind]
    else:
        make = {
            "logit": lambda: DiscreteTimeHazard(rs, covariates=covariates, link="logit",
                                                time=time),
            "firth": lambda: FirthHazard(rs, covariates=covariates, link="logit", time=time),
            "frailty": lambda: FrailtyHazard(rs, covariates=covariates, link="logit"),
            "cox": lambda: CoxHazard(rs, covariates=covariates, **options),
            "pwe": lambda: PiecewiseExponentialHazard(rs, covariates=covariates, **options),
            "weibull": lambda: WeibullHazard(rs, covariates=covariates),
        }[kind]
    return make().fit()


def check_result(res: Any) -> None:
    if res is None:
        return
    assert np.isfinite(res.params.to_numpy()).all()
    assert len(set(res.params.index)) == len(res.params)
    assert res.n_obs > 0 and res.n_events > 0


@st.composite
def hostile_covariate(draw: st.DrawFn) -> tuple[pd.Series, str]:
    n = RS.n_obs
    good = pd.Series(COV["x"].to_numpy())
    how = draw(st.sampled_from(["nan", "const", "inf", "dates", "text", "bool", "mixed",
                                "huge", "tiny", "objects", "hostile", "category"]))
    values = {
        "nan": lambda: pd.Series(np.full(n, np.nan)),
        "const": lambda: pd.Series(np.full(n, 3.0)),
        "inf": lambda: good.where(good.index != 3, np.inf),
        "dates": lambda: pd.Series(pd.to_datetime((np.arange(n) % 7 + 1950).astype(str), format="%Y")),
        "text": lambda: good.round(0).astype(str),
        "bool": lambda: good > 0,
        "mixed": lambda: good.astype(object).where(good.index % 4 != 0, "x"),
        "huge": lambda: good * 1e200,
        "tiny": lambda: good * 1e-200,
        "objects": lambda: pd.Series([{"a": 1}] * n),
        "hostile": lambda: good.astype(object).where(good.index % 5 != 1,
                                                     draw(hostile_value())),
        "category": lambda: pd.Series(pd.Categorical(np.where(good > 0, "hi", "lo"))),
    }[how]()
    name = draw(st.sampled_from(["v", "Intercept", "log(shape)", "t", "duration", "year[1951]",
                                 "period[1955-1965]", "ns(duration)[1]", "x:y", "v v"]))
    return values, name


@SLOW
@given(st.data())
def test_models_hostile_covariate(data: st.DataObject) -> None:
    values, name = data.draw(hostile_covariate())
    kind = data.draw(st.sampled_from(MODELS))
    use_formula = data.draw(st.booleans())
    time = data.draw(st.sampled_from([None, "cubic", "dummies", Periods([1957]),
                                      Dummies(empty="drop")]))
    options = {"breaks": [1957]} if kind == "pwe" else {}

    def run() -> Any:
        rs = RSX.assign(**{name: values.to_numpy()}) if name not in RSX.frame else RSX
        formula = f"x + Q({name!r})" if use_formula else None
        return fit(kind, rs, ["x", name], time=time if kind in ("logit", "firth") else None,
                   formula=formula, **options)

    check_result(call(run))


@SLOW
@given(st.data())
def test_models_hostile_options(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(MODELS))
    covariates = data.draw(st.one_of(st.sampled_from([["x"], ["x", "z"], "x", [], ["nope"],
                                                     ["x", "x"], [1], ["c"], ["event"]]),
                                     st.lists(hostile_value(), max_size=2)))
    time = data.draw(st.one_of(st.sampled_from([None, "spline", "periods", "nope", 3]),
                               st.builds(Spline, df=st.integers(1, 60)),
                               st.builds(Cubic, scale=st.sampled_from(["calendar", "duration"]))))
    options: dict[str, Any] = {}
    if kind == "cox":
        options = {"ties": data.draw(st.sampled_from(["efron", "breslow", "exact", "nope", 1])),
                   "clock": data.draw(st.sampled_from(["calendar", "duration", None]))}
    if kind == "pwe":
        options = {"breaks": data.draw(st.one_of(st.sampled_from([[1957], [], [1900], 1957]),
                                                 st.lists(hostile_value(), max_size=2)))}
    check_result(call(lambda: fit(kind, RSX, covariates,
                                  time=time if kind in ("logit", "firth") else None,
                                  **options)))


@FAST
@given(st.one_of(st.integers(-3, 200), hostile_value()),
       st.one_of(st.lists(st.one_of(st.integers(1940, 1970), hostile_value()), max_size=3),
                 hostile_value()),
       st.one_of(st.sampled_from(["calendar", "duration"]), hostile_value()))
def test_time_terms_hostile(df: Any, breaks: Any, scale: Any) -> None:
    for make in (lambda: Spline(df=df, scale=scale), lambda: Periods(breaks, scale=scale),
                 lambda: Cubic(scale=scale), lambda: Dummies(scale=scale, empty=df)):
        term = call(make)
        if term is not None:
            check_result(call(lambda: DiscreteTimeHazard(
                RSX, covariates=["x"], link="logit", time=term).fit()))


LOGIT = DiscreteTimeHazard(RSX, covariates=["x", "z"], link="logit").fit()
LOGIT_X = DiscreteTimeHazard(RSX, covariates=["x"], link="logit").fit()
COX = CoxHazard(RSX, covariates=["x", "z"]).fit()


@FAST
@given(st.one_of(st.text(max_size=12), st.lists(st.text(max_size=6), max_size=3),
                 st.sampled_from(["x = 0", "x = z", "x = ²", "x = 1e400", "x = ١", "x=0, x=0",
                                  "2*x = 0", "Intercept = 0", "", None, 1])))
def test_wald_test_hostile(hypothesis: Any) -> None:
    out = call(lambda: LOGIT.wald_test(hypothesis))
    if out is not None:
        assert np.isfinite(out.statistic) or out.statistic == np.inf


@FAST
@given(st.lists(st.sampled_from(["logit", "logit_x", "cox", "none", "str"]), max_size=3),
       st.sampled_from(["lr", "wald", "nope", None]))
def test_compare_hostile(which: list[str], test: Any) -> None:
    table = {"logit": LOGIT, "logit_x": LOGIT_X, "cox": COX, "none": None, "str": "model"}
    call(lambda: compare(*[table[w] for w in which], test=test))


@FAST
@given(st.one_of(st.none(), st.lists(st.sampled_from(["x", "z", "nope", "Intercept"]),
                                     max_size=2), hostile_value()),
       hostile_value(), hostile_value())
def test_effects_hostile(variables: Any, from_: Any, to: Any) -> None:
    out = call(lambda: effects.average_marginal_effects(LOGIT, variables=variables))
    if out is not None:
        assert np.isfinite(out.select_dtypes("number").to_numpy()).all()
    call(lambda: effects.first_difference(LOGIT, "x", from_=from_, to=to))


ADOPTIONS = pd.DataFrame({
    "unit": ["a", "b", "c", "a", "b", "c", "d", "a", "d"],
    "cascade": [1, 1, 1, 2, 2, 2, 2, 3, 3],
    "time": [1950, 1952, 1955, 1960, 1961, 1963, 1964, 1970, 1972],
})


@FAST
@given(st.data())
def test_infer_network_hostile(data: st.DataObject) -> None:
    table = data.draw(hostile_frame(ADOPTIONS))
    n_edges = data.draw(st.one_of(st.integers(-1, 6), hostile_value()))
    params = data.draw(st.one_of(st.none(), hostile_value()))
    out = call(lambda: infer_network(table, n_edges=n_edges, params=params), table)
    if out is not None:
        assert out.n_edges <= n_edges
    years = data.draw(st.one_of(st.just(range(1960, 1973)), st.lists(hostile_value(),
                                                                    max_size=3)))
    window = data.draw(st.one_of(st.integers(-1, 30), hostile_value()))
    call(lambda: infer_networks(table, years, window=window, n_edges=2), table)


@FAST
@given(st.data())
def test_structural_equivalence_hostile(data: st.DataObject) -> None:
    edges = data.draw(hostile_frame(EDGES[["source", "target"]]))
    v = data.draw(st.one_of(st.floats(allow_nan=True, allow_infinity=True), hostile_value()))
    max_steps = data.draw(st.one_of(st.none(), st.integers(-1, 8), hostile_value()))
    out = call(lambda: structural_equivalence(edges, v=v, max_steps=max_steps), edges)
    if out is not None:
        assert np.isfinite(out.select_dtypes("number").to_numpy()).all()


# ===================================================== regression tests, one per case
def refuses(exc: type[DiffusionError], fn: Callable[[], Any], *tables: pd.DataFrame,
            match: str | None = None) -> DiffusionError:
    before = [t.copy(deep=True) for t in tables]
    with pytest.raises(exc, match=match) as info:
        fn()
    for old, new in zip(before, tables):
        pd.testing.assert_frame_equal(new, old)
    return info.value


@pytest.mark.parametrize("kind", ["logit", "firth", "pwe", "weibull", "cox", "frailty"])
@pytest.mark.parametrize("formula", [False, True])
def test_covariate_named_intercept_is_refused(kind: str, formula: bool) -> None:
    rs = RSX.assign(Intercept=COV["z"].to_numpy())
    options = {"breaks": [1957]} if kind == "pwe" else {}
    err = refuses(SpecificationError,
                  lambda: fit(kind, rs, ["x", "Intercept"],
                              formula="x + Intercept" if formula else None, **options))
    assert "'Intercept'" in str(err) and "Rename" in str(err)


@pytest.mark.parametrize("formula", [False, True])
def test_weibull_covariate_named_log_shape_is_refused(formula: bool) -> None:
    rs = RSX.assign(**{"log(shape)": COV["z"].to_numpy()})
    err = refuses(SpecificationError,
                  lambda: fit("weibull", rs, ["x", "log(shape)"],
                              formula="x + Q('log(shape)')" if formula else None))
    assert "'log(shape)'" in str(err)


@pytest.mark.parametrize("name", ["t", "t^2", "year[1957]", "ns(t)[1]"])
def test_covariate_named_like_a_time_term_is_refused(name: str) -> None:
    rs = RSX.assign(**{name: COV["z"].to_numpy()})
    time = {"t": Cubic(scale="calendar"), "t^2": Cubic(scale="calendar"),
            "year[1957]": Dummies(empty="drop"), "ns(t)[1]": Spline(scale="calendar")}[name]
    refuses(SpecificationError, lambda: DiscreteTimeHazard(
        rs, covariates=["x", name], link="logit", time=time).fit(), match="clash")


def test_pwe_varying_name_collision_is_refused() -> None:
    rs = RSX.assign(**{"x:period[1950-1956]": COV["z"].to_numpy()})
    refuses(SpecificationError, lambda: PiecewiseExponentialHazard(
        rs, covariates=["x", "x:period[1950-1956]"], breaks=[1957], varying=["x"]).fit(),
        match="already exist")


def test_datetime_event_years_are_refused_naming_the_column() -> None:
    ev = EV.assign(y=pd.to_datetime(EV["y"].astype(str)))
    err = refuses(InvalidTimeError,
                  lambda: RiskSet.from_events(ev, unit="c", time="y", membership=MEM), ev)
    assert "'y'" in str(err) and ".dt.year" in str(err)
    old = EV.assign(y=pd.to_datetime(["1930-01-01"] * len(EV)))  # before 1970: negative ns
    refuses(InvalidTimeError, lambda: RiskSet.from_events(old, unit="c", time="y",
                                                          membership=MEM), old)


def test_datetime_objects_as_years_are_refused() -> None:
    ev = EV.assign(y=[dt.date(int(y), 1, 1) for y in EV["y"]])
    refuses(InvalidTimeError, lambda: RiskSet.from_events(ev, unit="c", time="y",
                                                          membership=MEM), ev, match="dates")


@pytest.mark.parametrize("column", ["start", "end"])
def test_datetime_membership_is_refused(column: str) -> None:
    mem = MEM.assign(**{column: pd.to_datetime(MEM[column].astype(str))})
    err = refuses(InvalidTimeError,
                  lambda: RiskSet.from_events(EV, unit="c", time="y", membership=mem), mem)
    assert repr(column) in str(err)


def test_datetime_panel_years_are_refused() -> None:
    panel = PANEL.assign(y=pd.to_datetime(PANEL["y"].astype(str)))
    refuses(InvalidTimeError,
            lambda: RiskSet.from_panel(panel, unit="c", time="y", event="event"), panel,
            match=r"\.dt\.year")


def test_datetime_covariate_years_are_refused() -> None:
    table = COV.assign(y=pd.to_datetime(COV["y"].astype(str)))
    refuses(InvalidTimeError, lambda: RS.with_covariates(table), table)


@pytest.mark.parametrize("value", [10**20, -(10**20), 2 * MAX_TIME])
@pytest.mark.parametrize("bound", ["start", "end"])
def test_huge_window_bounds_are_refused(value: int, bound: str) -> None:
    refuses(InvalidTimeError, lambda: RiskSet.from_events(
        EV, unit="c", time="y", membership=MEM, **{bound: value}), EV, MEM, match=str(value))


def test_huge_event_years_are_refused() -> None:
    ev = EV.assign(y=[10**20] + list(EV["y"][1:]))
    refuses(InvalidTimeError, lambda: RiskSet.from_events(ev, unit="c", time="y",
                                                          membership=MEM), ev)


def test_absurd_risk_set_size_is_refused_before_allocating() -> None:
    err = refuses(SpecificationError, lambda: RiskSet.from_events(
        EV, unit="c", time="y", units=UNITS, start=-MAX_TIME, end=MAX_TIME), EV)
    assert str(MAX_ROWS) in str(err)


@pytest.mark.parametrize("lag", [10**20, 10**12])
def test_huge_lags_are_refused(lag: int) -> None:
    refuses(SpecificationError, lambda: RS.with_covariates(COV, lag=lag), COV, match="lag")
    refuses(SpecificationError, lambda: RS.with_exposure("w", world_share(lag=lag)),
            match="lag")
    refuses(SpecificationError, lambda: network(EDGES, lag=lag), match="lag")


@pytest.mark.parametrize("window", [10**12, 10**20])
def test_absurd_windows_are_refused(window: int) -> None:
    refuses(SpecificationError, lambda: regional_share(GROUPS, window=window),
            match=str(window))


def test_long_window_equals_the_whole_history() -> None:
    # a window longer than the history counts every earlier event: the same as a
    # window reaching back to the first event, computed on a grid of the data's size
    long = RS.with_exposure("w", regional_share(GROUPS, window=10**7)).frame["w"]
    span = RS.with_exposure("w", regional_share(GROUPS, window=40)).frame["w"]
    pd.testing.assert_series_equal(long, span)


@pytest.mark.parametrize("text", ["19²", "²", "1957²", "¹⁹⁵⁷"])
def test_unicode_superscript_digits_are_refused(text: str) -> None:
    ev = EV.astype({"y": object})
    ev.loc[0, "y"] = text
    refuses(InvalidTimeError, lambda: RiskSet.from_events(ev, unit="c", time="y",
                                                          membership=MEM), ev)


@pytest.mark.parametrize("text", ["x = ²", "x = 1²", "x = ¹"])
def test_unicode_digits_in_wald_constraints(text: str) -> None:
    refuses(SpecificationError, lambda: LOGIT.wald_test(text))


def test_duplicated_year_column_is_refused() -> None:
    ev = pd.concat([EV, EV[["y"]]], axis=1)
    err = refuses(DataError, lambda: RiskSet.from_events(ev, unit="c", time="y",
                                                         membership=MEM), ev)
    assert "duplicated column" in str(err) and "'y'" in str(err)
    mem = pd.concat([MEM, MEM[["start"]]], axis=1)
    refuses(DataError, lambda: RiskSet.from_events(EV, unit="c", time="y", membership=mem),
            mem, match="duplicated column")
    panel = pd.concat([PANEL, PANEL[["y"]]], axis=1)
    refuses(DataError, lambda: RiskSet.from_panel(panel, unit="c", time="y", event="event"),
            panel, match="duplicated column")
    table = pd.concat([COV, COV[["x"]]], axis=1)
    refuses(DataError, lambda: RS.with_covariates(table), table, match="duplicated column")
    groups = pd.concat([GROUPS, GROUPS[["g"]]], axis=1)
    refuses(DataError, lambda: RS.with_exposure("r", regional_share(groups, window=3)),
            groups, match="duplicated column")
    edges = pd.concat([EDGES, EDGES[["w"]]], axis=1)
    refuses(DataError, lambda: RS.with_exposure("n", network(edges, weight="w")), edges,
            match="duplicated column")


def test_empty_panel_is_refused() -> None:
    refuses(DataError, lambda: RiskSet.from_panel(PANEL.iloc[:0], unit="c", time="y",
                                                  event="event"), match="no rows")


@pytest.mark.parametrize("kind", MODELS)
def test_datetime_covariate_is_refused(kind: str) -> None:
    years = (np.arange(RSX.n_obs) % 9 + 1950).astype(str)  # strings: pandas 3 reads numbers as epochs
    rs = RSX.assign(d=pd.to_datetime(years, format="%Y"))
    options = {"breaks": [1957]} if kind == "pwe" else {}
    refuses(SpecificationError, lambda: fit(kind, rs, ["x", "d"], **options))
    refuses(SpecificationError, lambda: fit(kind, rs, None, formula="x + d", **options),
            match="dates")


@pytest.mark.parametrize("weights", [["a"] * 6, [None] * 6, [True] * 6,
                                     [pd.Timestamp("2000")] * 6])
def test_non_numeric_network_weights_are_refused(weights: list[Any]) -> None:
    edges = EDGES.assign(w=weights)
    refuses(DataError, lambda: RS.with_exposure("n", network(edges, weight="w")), edges,
            match="weight")


@pytest.mark.parametrize("weight", ["a", None, [1.0]])
def test_non_numeric_graph_weights_are_refused(weight: Any) -> None:
    nx = pytest.importorskip("networkx")
    g = nx.DiGraph()
    g.add_edge("U0", "U1", w=weight)
    refuses(DataError, lambda: RS.with_exposure("n", network(g, weight="w")), match="weight")


@pytest.mark.parametrize("weight", [1, 2.5, ["w"]])
def test_weight_option_must_be_a_name(weight: Any) -> None:
    refuses(SpecificationError, lambda: network(EDGES, weight=weight), match="weight")


def test_numeric_text_weights_still_read() -> None:
    edges = EDGES.assign(w=EDGES["w"].astype(str))
    a = RS.with_exposure("n", network(edges, weight="w")).frame["n"]
    b = RS.with_exposure("n", network(EDGES, weight="w")).frame["n"]
    pd.testing.assert_series_equal(a, b)


@pytest.mark.parametrize("out", [(np.zeros(3), ()), None, np.zeros(5),
                                 (np.zeros((5, 2)), ()), (["a"] * 5, ()), ("values", ())])
def test_custom_measure_with_wrong_output_is_refused(out: Any) -> None:
    if isinstance(out, tuple) and len(out[0]) == 5:
        out = (np.zeros((RS.n_obs, 2)), ()) if np.ndim(out[0]) == 2 else (["a"] * RS.n_obs, ())
    refuses(SpecificationError, lambda: RS.with_exposure("e", _Custom(out)),
            match="_Custom.compute")


def test_custom_measure_with_right_output_is_used() -> None:
    values = np.arange(RS.n_obs, dtype=float)
    out = RS.with_exposure("e", _Custom((values, [Note("k", 1, "one")])))
    np.testing.assert_array_equal(out.frame["e"].to_numpy(), values)
    assert out.notes[-1].message == "exposure 'e': one"


def test_spline_with_too_many_df_is_refused() -> None:
    refuses(SpecificationError, lambda: DiscreteTimeHazard(
        RSX, covariates=["x"], link="logit", time=Spline(df=40)).fit(), match="df=40")
    refuses(SpecificationError, lambda: Spline(df=10**9), match="spline df")


@pytest.mark.parametrize("breaks", [1970, "1970", None, [None], ["1970"], [1e30], [True]])
def test_malformed_period_breaks_are_refused(breaks: Any) -> None:
    refuses(SpecificationError, lambda: Periods(breaks), match="break")


@pytest.mark.parametrize("kind", ["logit", "firth", "cox", "weibull", "pwe"])
@pytest.mark.parametrize("how", ["nan", "const", "zero"])
def test_degenerate_covariates_raise_without_warnings(kind: str, how: str) -> None:
    value = {"nan": np.nan, "const": 2.0, "zero": 0.0}[how]
    rs = RSX.assign(v=np.full(RSX.n_obs, value))
    options = {"breaks": [1957]} if kind == "pwe" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refuses(DiffusionError, lambda: fit(kind, rs, ["x", "v"], **options))


def test_mixed_unit_types_are_refused() -> None:
    ev = EV.assign(c=["U0", 1, "U2", "U3", "U6"])
    refuses(DataError, lambda: RiskSet.from_events(ev, unit="c", time="y", membership=MEM),
            ev, match="mixes numeric and text")


def test_unhashable_units_are_refused() -> None:
    ev = EV.assign(c=[["U0"], ["U1"], ["U2"], ["U3"], ["U6"]])
    refuses(DataError, lambda: RiskSet.from_events(ev, unit="c", time="y", membership=MEM),
            ev, match="neither text nor numbers")


def test_frailty_covariate_named_like_its_sd_term_is_refused() -> None:
    rs = RSX.assign(**{"sd(c)": COV["z"].to_numpy()})
    refuses(SpecificationError, lambda: FrailtyHazard(
        rs, covariates=["x", "sd(c)"], link="logit").fit(), match="sd")


def test_pwe_covariate_named_like_a_period_is_refused() -> None:
    rs = RSX.assign(**{"period[x]": COV["z"].to_numpy()})
    refuses(SpecificationError, lambda: PiecewiseExponentialHazard(
        rs, covariates=["x", "period[x]"], breaks=[1957]).fit(), match="period")


@pytest.mark.parametrize("breaks", [1957, "1957"])
def test_pwe_breaks_must_be_a_list(breaks: Any) -> None:
    refuses(SpecificationError, lambda: PiecewiseExponentialHazard(
        RSX, covariates=["x"], breaks=breaks), match="breaks")


@pytest.mark.parametrize("kind", ["weibull", "pwe"])
def test_parametric_engines_leak_no_overflow_warnings(kind: str) -> None:
    # a categorical term with one level per row separates the data: trial Newton steps
    # go far out and overflow (the fit is then refused, without a RuntimeWarning)
    rs = RSX.assign(v=pd.Series(COV["x"].round(1).astype(object).to_numpy()))
    options = {"breaks": [1957]} if kind == "pwe" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refuses(DiffusionError, lambda: fit(kind, rs, None, formula="x + v", **options))


def test_notes_show_the_labels_the_user_knows() -> None:
    ev = pd.DataFrame({"c": [2, 20], "y": [1900, 1960]})
    mem = pd.DataFrame({"c": [2, 20, 200, 210], "start": [1950, 1950, 1950, 1990],
                        "end": [1970, 1970, 1970, 1995]})
    labels = {2: "USA", 20: "CAN", 200: "GBR", 210: "NLD"}
    rs = RiskSet.from_events(ev, unit="c", time="y", membership=mem, labels=labels, end=1970)
    text = " ".join(n.message for n in rs.notes)
    assert "'USA' (1900; first at risk 1950)" in text and "'NLD'" in text
    assert " 2 (" not in text and "210" not in text
    assert rs.frame["c"].isin([2, 20, 200]).all()  # the rows keep the identifiers
    assert rs.label(20) == "'CAN'" and rs.label(999) == "999"
    refuses(SpecificationError, lambda: RiskSet.from_events(
        ev, unit="c", time="y", membership=mem, labels=["USA"]), match="labels")


def test_treaty_notes_show_iso3_codes_given_by_the_user() -> None:
    from diffusion.replications.treaties import treaty_risk_set

    ev = pd.DataFrame({"iso3": ["USA", "CAN", "FRA"], "year": [1975, 1990, 2000]})
    rs, _, _ = treaty_risk_set("mytreaty", 1980, events=ev)
    text = " ".join(n.message for n in rs.notes)
    assert "'USA' (1975; first at risk 1980)" in text
    assert "2 (1975" not in text


@pytest.mark.parametrize("kind", ["pwe", "weibull"])
def test_rare_indicator_separation_is_detected_in_parametric_models(kind: str) -> None:
    # one row without an event has v = 1: the MLE of v is minus infinity, yet
    # |beta| * sd(v) stays small, so only the fitted rates reveal it
    row = int(np.flatnonzero(RSX.frame["event"].to_numpy() == 0)[5])
    v = (np.arange(RSX.n_obs) == row).astype(float)
    options = {"breaks": [1957]} if kind == "pwe" else {}
    refuses(DiffusionError, lambda: fit(kind, RSX.assign(v=v), ["x", "v"], **options),
            match="separation.*'v'")
    # an indicator with events on both sides is estimated
    w = (np.arange(RSX.n_obs) % 3 == 0).astype(float)
    res = fit(kind, RSX.assign(w=w), ["x", "w"], **options)
    assert np.isfinite(res.params["w"])


# ======================================================= more entry points, more options
@FAST
@given(st.data())
def test_from_panel_with_membership_hostile(data: st.DataObject) -> None:
    mem = data.draw(hostile_frame(MEM))
    rs = call(lambda: RiskSet.from_panel(PANEL, unit="c", time="y", event="event",
                                         membership=mem), PANEL, mem)
    check_risk_set(rs)


TIMED = pd.DataFrame({"source": ["U0", "U1", "U2", "U3"] * 2,
                      "target": ["U1", "U2", "U3", "U4"] * 2,
                      "year": [1953] * 4 + [1958] * 4})


@FAST
@given(st.data())
def test_timed_network_hostile(data: st.DataObject) -> None:
    edges = data.draw(hostile_frame(TIMED))
    out = call(lambda: RS.with_exposure("n", network(edges, time="year")), edges)
    if out is not None:
        values = out.frame["n"].to_numpy()
        assert np.isfinite(values).all() and ((values >= 0) & (values <= 1)).all()


PROFILES = pd.DataFrame({"x": [-1.0, 0.0, 1.0], "z": [0.0, 0.5, 1.0]})


@FAST
@given(st.data())
def test_predict_probability_hostile(data: st.DataObject) -> None:
    profiles = data.draw(hostile_frame(PROFILES))
    at = data.draw(st.one_of(st.none(), st.just({"x": [0, 1]}),
                             st.dictionaries(st.sampled_from(["x", "z", "nope", 1]),
                                             st.one_of(hostile_value(),
                                                       st.lists(hostile_value(), max_size=2)),
                                             max_size=2)))
    level = data.draw(st.one_of(st.just(0.95), hostile_value()))
    out = call(lambda: effects.predict_probability(LOGIT, profiles=profiles, level=level),
               profiles)
    if out is not None:
        p = out["probability"].to_numpy()
        assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    out = call(lambda: effects.predict_probability(LOGIT, at=at, level=level))
    if out is not None:
        p = out["probability"].to_numpy()
        assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()


@SLOW
@given(st.data())
def test_fit_options_hostile(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["logit", "firth", "cox", "pwe", "weibull"]))
    cov_type = data.draw(st.one_of(st.sampled_from(["cluster", "classic", "robust"]),
                                   hostile_value()))
    cluster = data.draw(st.one_of(st.sampled_from([None, "c", "x", "nope"]), hostile_value()))
    small_sample = data.draw(st.one_of(st.sampled_from(["r", "stata", "none"]),
                                       hostile_value()))
    strata = data.draw(st.sampled_from([None, "c", "g", "x", "nope", 1]))
    rs = RSX.assign(g=np.where(RSX.frame["c"].isin(["U0", "U1", "U2", "U3"]), "a", "b"))
    options = {"breaks": [1957]} if kind == "pwe" else {}
    if kind == "cox":
        options = {"strata": strata}

    def run() -> Any:
        model = {
            "logit": lambda: DiscreteTimeHazard(rs, covariates=["x"], link="logit"),
            "firth": lambda: FirthHazard(rs, covariates=["x"], link="logit"),
            "cox": lambda: CoxHazard(rs, covariates=["x"], **options),
            "pwe": lambda: PiecewiseExponentialHazard(rs, covariates=["x"], **options),
            "weibull": lambda: WeibullHazard(rs, covariates=["x"]),
        }[kind]()
        return model.fit(cov_type=cov_type, cluster=cluster, small_sample=small_sample)

    res = call(run)
    check_result(res)
    if res is not None:
        assert np.isfinite(res.std_errors.to_numpy()).all()


def test_tiny_covariate_gives_no_warning_from_the_rank_check():
    # a covariate of order 1e-200: its Gram entries underflow; the fast full-rank proof
    # must hand the case to the QR quietly (warnings are errors here), and the fit ends
    # in a result or a DiffusionError
    import diffusion as d
    from diffusion.errors import DiffusionError

    rs = d.simulate.world(seed=3, n_units=60).risk_set()
    tiny = rs.assign(tiny=lambda f: f["x1"] * 1e-200)
    try:
        d.DiscreteTimeHazard.from_formula("event ~ tiny", tiny, link="logit").fit()
    except DiffusionError:
        pass
