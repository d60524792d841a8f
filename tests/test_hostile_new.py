"""Hostile input for the newer entry points: chunk stores, chunked fits, split-population
predictions and distributions, Fine-Gray time interactions.

The promise is that of ``tests/test_hostile.py`` (read its docstring): every call returns
a correct result or raises a :class:`~diffusion.DiffusionError` that says what, where
(unit, year, column, chunk or file) and what to do -- never a pandas, numpy, scipy,
pyarrow or formulaic exception, a ``TypeError``, ``KeyError`` or ``MemoryError``, nor a
leaked warning; the caller's tables are unchanged; excluded rows are counted in notes.
The properties reuse that file's hostile values and its ``call`` (no warning, tables
untouched, a result or a DiffusionError); ``HOSTILE_EXAMPLES=500`` deepens them as there.
The second half of each section holds one regression test per crash found.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _reference import INPUTS, read_reference_csv
from hypothesis import given
from hypothesis import strategies as st
from test_hostile import FAST, SLOW, call, hostile_frame, hostile_value, refuses

from diffusion import (
    ChunkedDiscreteTimeHazard,
    DiffusionError,
    RiskSet,
    SplitPopulationHazard,
    open_chunks,
    write_chunks,
)
from diffusion.data.competing import competing_risk_set
from diffusion.errors import (
    DataError,
    EstimationError,
    InvalidEventError,
    MissingColumnError,
    SpecificationError,
)
from diffusion.models.competing import FineGray
from diffusion.models.control import FitControl
from diffusion.models.discrete_time.chunked import MAX_LEVELS
from diffusion.models.splitpop import predict_splitpop
from diffusion.models.splitpop.predict import MAX_PROFILE_ROWS

pytest.importorskip("pyarrow", reason="chunk stores need pyarrow (the 'scale' extra)")


# ================================================================== chunks
def _chunk(seed: int, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"unit": [f"u{i % 10}" for i in range(n)],
                         "year": 2000 + np.arange(n) // 10,
                         "event": (rng.random(n) < 0.2).astype(int),
                         "x": rng.normal(size=n),
                         "g": rng.choice(["a", "b"], n)})


A, B, C = _chunk(1), _chunk(2), _chunk(3)
GOOD = ChunkedDiscreteTimeHazard.from_formula("event ~ x", [A, B], link="logit",
                                              unit="unit").fit()


def chunked(chunks: Any, formula: str = "event ~ x", *, link: str = "logit",
            unit: Any = "unit", time: Any = "year", **fit: Any) -> Any:
    return ChunkedDiscreteTimeHazard.from_formula(formula, chunks, link=link, unit=unit,
                                                  time=time).fit(**fit)


def check_chunked(res: Any, chunks: list[pd.DataFrame]) -> None:
    """A chunked result: finite, and every row is in the fit or counted in the notes."""
    if res is None:
        return
    assert np.isfinite(res._params).all() and np.isfinite(res.std_errors).all()
    assert 0 < res.n_events < res.n_obs
    dropped = sum(n.count for n in res.notes if n.kind == "missing_values")
    assert res.n_obs + dropped == sum(len(c) for c in chunks)


FORMULAS = ["event ~ x", "event ~ x + g", "event ~ C(g)", "event ~ x + C(year)",
            "event ~ C(x)", "event ~ `x` + I(x**2)", "~ x", "event ~ x +", "event ~ (x",
            "event ~ nope", "x ~ event", "event + x ~ g", "event ~ scale(x)", "", 5,
            "event ~ Q('unit')", "event ~ np.log(x)"]


@st.composite
def hostile_chunks(draw: st.DrawFn) -> list[pd.DataFrame]:
    chunks = [A, B, C][: draw(st.integers(1, 3))]
    out = []
    for chunk in chunks:
        how = draw(st.sampled_from(["good", "good", "hostile", "empty", "all_na", "events"]))
        if how == "hostile":
            chunk = draw(hostile_frame(chunk))
        elif how == "empty":
            chunk = chunk.iloc[:0]
        elif how == "all_na":
            chunk = chunk.assign(x=np.nan)
        elif how == "events":
            chunk = chunk.assign(event=draw(st.sampled_from(
                [chunk["event"].astype(bool), chunk["event"] * 0.5, chunk["event"].astype(str),
                 chunk["event"].astype(float).where(chunk.index != 3, np.nan),
                 chunk["event"].astype(float).where(chunk.index != 3, np.inf)])))
        out.append(chunk)
    return out


@SLOW
@given(hostile_chunks(), st.sampled_from(FORMULAS),
       st.sampled_from(["logit", "cloglog", "probit"]),
       st.sampled_from(["cluster", "robust", "classic"]),
       st.sampled_from([None, "unit", "g", "year", "nope"]))
def test_chunked_fit_hostile_chunks(chunks: list[pd.DataFrame], formula: Any, link: str,
                                    cov_type: str, cluster: Any) -> None:
    res = call(lambda: chunked(chunks, formula, link=link, cov_type=cov_type,
                               cluster=cluster), *chunks)
    check_chunked(res, chunks)


@FAST
@given(st.one_of(st.sampled_from(["logit", ["logit"], np.array(["logit", "probit"]), None]),
                 hostile_value()),
       st.one_of(st.sampled_from(["unit", None, ["unit"], "nope"]), hostile_value()),
       st.one_of(st.sampled_from(["year", None, ("year",)]), hostile_value()),
       st.one_of(st.sampled_from([None, FitControl(max_iter=3)]), hostile_value()),
       st.one_of(st.sampled_from(["expected", "observed"]), hostile_value()))
def test_chunked_options_hostile(link: Any, unit: Any, time: Any, control: Any,
                                 information: Any) -> None:
    res = call(lambda: chunked([A, B], link=link, unit=unit, time=time, cov_type="robust",
                               control=control, information=information), A, B)
    check_chunked(res, [A, B])


@FAST
@given(st.lists(st.one_of(st.sampled_from(["A", "B", "empty"]), hostile_value()),
                max_size=4),
       st.booleans())
def test_chunk_sources_hostile(items: list[Any], generator: bool) -> None:
    table = {"A": A, "B": B, "empty": A.iloc[:0]}
    frames = [table.get(i, i) if isinstance(i, str) else i for i in items]
    with tempfile.TemporaryDirectory() as d:
        source = (f for f in frames) if generator else frames
        store = call(lambda: write_chunks(source, Path(d) / "s"))
        if store is not None:
            assert store.total_rows == sum(len(f) for f in frames)
            again = open_chunks(Path(d) / "s")
            assert again.n_rows == store.n_rows and again.columns == store.columns
        else:  # nothing half-written is left behind
            assert not list((Path(d) / "s").glob("*.parquet")) if (Path(d) / "s").exists() \
                else True
        call(lambda: chunked(frames))


@FAST
@given(st.data())
def test_write_chunks_hostile_frames(data: st.DataObject) -> None:
    frames = [data.draw(hostile_frame(A)), data.draw(hostile_frame(B))]
    with tempfile.TemporaryDirectory() as d:
        store = call(lambda: write_chunks(frames, Path(d) / "s"), *frames)
        if store is not None:
            assert store.n_rows == tuple(len(f) for f in frames)
            res = call(lambda: chunked(store))
            check_chunked(res, frames)


# --------------------------------------------------------- regressions: chunks
def test_infinite_covariate_is_named_with_unit_year_and_chunk() -> None:
    bad = A.assign(x=np.where(A.index == 3, np.inf, A["x"]))
    refuses(DataError, lambda: chunked([B, bad]), bad,
            match=r"infinite covariate values: 'x' has 1 \(e\.g\. inf at unit 'u3', "
                  r"year 2000 in chunk 1\)")


def test_duplicated_column_names_are_refused() -> None:
    dup = pd.concat([A, A[["x"]]], axis=1)
    refuses(DataError, lambda: chunked([dup, dup]), dup, match="chunk 0 has 1 duplicated column")
    dup = pd.concat([A, A[["event"]]], axis=1)
    refuses(DataError, lambda: chunked([B.assign(dummy=0).rename(columns={"dummy": "x2"}),
                                        dup]), dup, match="duplicated column")
    with tempfile.TemporaryDirectory() as d:
        refuses(DataError, lambda: write_chunks([A, dup], Path(d) / "s"), dup,
                match="chunk 1 has 1 duplicated column name.*'event'")
        assert not list((Path(d) / "s").glob("*.parquet"))


@pytest.mark.parametrize("unit", [["unit"], 3, ("unit",)])
def test_unit_and_time_must_be_column_names(unit: Any) -> None:
    refuses(SpecificationError, lambda: chunked([A, B], unit=unit), match="unit must be")
    refuses(SpecificationError, lambda: chunked([A, B], time=unit, cov_type="robust"),
            match="time must be")


@pytest.mark.parametrize(("values", "match"), [
    (pd.Series([1, "a", 2.5, None] * 10, dtype=object), "mixes text and numbers"),
    (pd.Series([[1], "a"] * 20, dtype=object), "holds 'list' objects"),
    (pd.Series([{"a": 1}] * 40, dtype=object), "holds 'dict' objects"),
    (pd.Series([(1, 2), "a"] * 20, dtype=object), "holds 'tuple' objects"),
    (pd.to_datetime((2000 + np.arange(40) % 3).astype(str), format="%Y"), "holds dates"),
])
def test_object_and_date_columns_are_refused_as_in_memory(values: Any, match: str) -> None:
    bad = A.assign(g=pd.Series(values).to_numpy() if not isinstance(values, pd.Series)
                   else values)
    refuses(SpecificationError, lambda: chunked([bad, B], "event ~ g"), bad,
            match=f"chunk 0: column 'g' {match}")


def test_numbers_in_one_chunk_text_in_another_are_refused() -> None:
    text = B.assign(x=B["x"].astype(str))
    refuses(DataError, lambda: chunked([A, text]), text,
            match=r"'x' holds numbers in chunk 0 but text.* in chunk 1")


def test_huge_covariate_is_an_estimation_error_without_warnings() -> None:
    a, b = A.assign(x=A["x"] * 1e200), B.assign(x=B["x"] * 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refuses(EstimationError, lambda: chunked([a, b]), a, b, match="overflows.*'x'")


def test_every_row_an_event_is_refused_by_name() -> None:
    refuses(EstimationError, lambda: chunked([A.assign(event=1), B.assign(event=1)]),
            match="every one of the 80 row")


def test_no_rows_left_names_the_missing_columns() -> None:
    refuses(EstimationError, lambda: chunked([A.assign(unit=np.nan), B.assign(unit=np.nan)]),
            match=r"80 row\(s\) in 2 chunk\(s\) \(missing by column: 'unit' 80\)")
    refuses(EstimationError, lambda: chunked([A.iloc[:0], B.iloc[:0]]),
            match=r"0 row\(s\) in 2 chunk\(s\)")
    # a cluster column that is all missing is one of the named columns
    refuses(EstimationError, lambda: chunked([A.assign(cl=np.nan), B.assign(cl=np.nan)],
                                             cluster="cl"), match="'cl' 80")


def test_chunks_with_no_rows_left_are_skipped_and_counted() -> None:
    empty_after_na = B.assign(x=np.nan)
    res = chunked([A, empty_after_na, A.iloc[:0], C])
    ref = chunked([A, C])
    np.testing.assert_allclose(res._params, ref._params, rtol=1e-12)
    assert res.n_obs == ref.n_obs
    assert [n.count for n in res.notes if n.kind == "missing_values"] == [len(B)]


def test_formula_without_event_and_bad_control() -> None:
    refuses(SpecificationError, lambda: chunked([A, B], "~ x"), match="event column on the left")
    refuses(SpecificationError, lambda: chunked([A, B], control=5), match="FitControl")


def test_categorical_with_a_level_per_row_is_refused_before_building_the_design() -> None:
    n = MAX_LEVELS + 10
    big = pd.DataFrame({"unit": np.arange(n) % 50, "year": 2000, "event": np.arange(n) % 7 == 0,
                        "x": np.linspace(0, 1, n)}).astype({"event": int})
    refuses(SpecificationError, lambda: chunked([big], "event ~ C(x)"), big,
            match=f"'x' has {n} distinct values")


def test_option_given_as_an_array_is_refused() -> None:
    refuses(SpecificationError, lambda: chunked([A, B], link=np.array(["logit", "probit"])),
            match="unknown link")
    refuses(SpecificationError, lambda: chunked([A, B], link=np.array(["logit"])),
            match="unknown link")


def test_list_mixing_frames_and_other_objects_names_the_item() -> None:
    refuses(DataError, lambda: chunked([A, "B", B]), match="chunk 1 is a str")
    refuses(DataError, lambda: chunked([A, B.to_numpy()]), match="chunk 1 is a ndarray")


def test_bad_event_example_with_duplicated_row_labels() -> None:
    # the example row is found by position: with repeated index labels, a label look-up
    # returned several rows and the message printed whole Series
    bad = pd.concat([A, B], ignore_index=False).astype({"event": str})
    err = refuses(InvalidEventError, lambda: chunked([bad]), bad)
    assert "e.g. '0' at unit 'u0', year 2000 in chunk 0" in str(err)
    assert "dtype" not in str(err)


def test_columns_with_spaces_and_keywords_fit_as_renamed_columns() -> None:
    for name, term in [("my x", "`my x`"), ("class", "class"), ("lambda", "`lambda`")]:
        chunks = [c.rename(columns={"x": name}) for c in (A, B)]
        res = chunked(chunks, f"event ~ {term}")
        np.testing.assert_allclose(res._params, GOOD._params, rtol=1e-12)


def test_write_chunks_into_a_file_or_a_bad_path() -> None:
    with tempfile.TemporaryDirectory() as d:
        file = Path(d) / "f"
        file.write_text("x")
        refuses(DataError, lambda: write_chunks([A], file), match="is a file")
        refuses(DataError, lambda: open_chunks(file), match="not a directory")
        for bad in (None, 5, ["dir"]):
            refuses(SpecificationError, lambda bad=bad: write_chunks([A], bad),
                    match="directory")
            refuses(SpecificationError, lambda bad=bad: open_chunks(bad), match="directory")
        refuses(SpecificationError, lambda: write_chunks([A], Path(d) / "s", overwrite="no"),
                match="overwrite")
        for chunks in (None, 5, "abc", {"a": A}):
            refuses(DataError, lambda chunks=chunks: write_chunks(chunks, Path(d) / "t"),
                    match="chunks must")


def test_a_generator_that_raises_leaves_no_partial_store() -> None:
    def build():
        yield A
        yield B
        raise RuntimeError("the third treaty failed")

    with tempfile.TemporaryDirectory() as d:
        target = Path(d) / "s"
        refuses(DataError, lambda: write_chunks(build(), target),
                match=r"building chunk 2 failed \(RuntimeError: the third treaty failed\)")
        assert not list(target.glob("*"))
        store = write_chunks([A, B], target)  # no overwrite needed: nothing was left
        assert store.n_rows == (40, 40)

    def build_bad():
        yield A
        yield B.assign(x=B["x"].astype(str))  # another schema: a DataError of ours

    with tempfile.TemporaryDirectory() as d:
        refuses(DataError, lambda: write_chunks(build_bad(), Path(d) / "s"),
                match="chunk 1 does not match")
        assert not list((Path(d) / "s").glob("*"))


@pytest.mark.parametrize("values", [pd.Series([1, "a"] * 20, dtype=object), A["x"] + 1j,
                                    pd.Series([[1], {"a": 1}] * 20, dtype=object),
                                    pd.Series([10**20] * 40, dtype=object)])
def test_columns_parquet_cannot_store_are_named(values: pd.Series) -> None:
    bad = A.assign(g=values)
    with tempfile.TemporaryDirectory() as d:
        refuses(DataError, lambda: write_chunks([bad], Path(d) / "s"), bad,
                match="chunk 0 cannot be stored as Parquet.*column '?g")


def test_non_parquet_files_and_vanished_chunks() -> None:
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "part-00000.parquet").write_text("not parquet")
        refuses(DataError, lambda: open_chunks(d), match="not a readable Parquet file")
        refuses(DataError, lambda: chunked(d), match="part-00000.parquet")
    with tempfile.TemporaryDirectory() as d:
        store = write_chunks([A, B], Path(d) / "s")
        store.files[1].unlink()
        refuses(DataError, lambda: chunked(store), match="cannot read the chunk 'part-00001")


def test_dask_frame_without_rows() -> None:
    dd = pytest.importorskip("dask.dataframe")
    import dask

    with dask.config.set(scheduler="synchronous"):
        ddf = dd.from_pandas(A.iloc[:0], npartitions=1)
        refuses(EstimationError, lambda: chunked(ddf), match="no rows are left")
        inf = dd.from_pandas(pd.concat([A.assign(x=np.where(A.index == 3, -np.inf, A["x"])),
                                        B], ignore_index=True), npartitions=2)
        refuses(DataError, lambda: chunked(inf), match="'x' has 1 .*unit 'u3'")


# ========================================================== split population
PANEL = read_reference_csv(INPUTS / "splitpop_sim.csv")
SP_RS = RiskSet.from_panel(PANEL, unit="unit", time="year", event="event")
SP_FITS = {
    "cloglog": SplitPopulationHazard(SP_RS, risk=["z"], duration=["x"]).fit(),
    "weibull": SplitPopulationHazard.from_formula(SP_RS, risk="z", duration="x",
                                                  distribution="weibull").fit(),
    "loglogistic": SplitPopulationHazard(SP_RS, risk=["z"], duration=["x"],
                                         distribution="loglogistic").fit(),
}
PROFILES = pd.DataFrame({"z": [0.0, 1.0, -0.5], "x": [0.5, -1.0, 0.0],
                         "duration": [1, 4, 12]})


def check_predictions(out: Any) -> None:
    if out is None:
        return
    probs = out[["at_risk", "hazard_at_risk", "p_at_risk", "hazard", "adoption"]].to_numpy()
    known = probs[~np.isnan(probs)]
    assert ((known >= 0) & (known <= 1)).all()
    assert (out["adoption"].dropna() <= out.loc[out["adoption"].notna(), "at_risk"]
            + 1e-15).all()


@FAST
@given(st.data())
def test_predict_splitpop_hostile_profiles(data: st.DataObject) -> None:
    res = SP_FITS[data.draw(st.sampled_from(sorted(SP_FITS)))]
    profiles = data.draw(hostile_frame(PROFILES))
    duration = data.draw(st.one_of(st.just("duration"), st.sampled_from(["z", "nope"]),
                                   hostile_value()))
    out = call(lambda: predict_splitpop(res, data=profiles, duration=duration), profiles)
    check_predictions(out)
    if out is not None:
        assert len(out) == len(profiles)


@SLOW
@given(st.data())
def test_predict_splitpop_hostile_risk_sets(data: st.DataObject) -> None:
    res = SP_FITS[data.draw(st.sampled_from(sorted(SP_FITS)))]
    panel = data.draw(hostile_frame(PANEL.head(60)))

    def run() -> Any:
        rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
        return predict_splitpop(res, data=rs)

    out = call(run, panel)
    check_predictions(out)


@FAST
@given(st.one_of(st.sampled_from(["cloglog", "weibull", "loglogistic", "Weibull", "lognormal",
                                  "", ["weibull"], np.array(["weibull", "cloglog"]),
                                  np.array(["weibull"]), {"weibull": 1}]),
                 hostile_value()),
       st.booleans())
def test_splitpop_distribution_hostile(distribution: Any, formula: bool) -> None:
    def make() -> Any:
        if formula:
            return SplitPopulationHazard.from_formula(SP_RS, risk="z", duration="x",
                                                      distribution=distribution)
        return SplitPopulationHazard(SP_RS, risk=["z"], duration=["x"],
                                     distribution=distribution)

    model = call(make)
    if model is not None:
        assert model.distribution in ("cloglog", "weibull", "loglogistic")


# ---------------------------------------------------- regressions: split population
@pytest.mark.parametrize("dist", sorted(SP_FITS))
def test_profile_durations_that_are_infinite_or_huge(dist: str) -> None:
    res = SP_FITS[dist]
    for bad in (np.inf, -np.inf):
        refuses(DataError, lambda bad=bad: predict_splitpop(res, data=PROFILES.assign(
            duration=[bad, 2, 3])), match="whole durations >= 1")
    for huge in (10**9, 10**20):  # expanding 1..D per profile would exhaust memory
        profiles = PROFILES.assign(duration=[huge, 2, 3])
        refuses(DataError, lambda p=profiles: predict_splitpop(res, data=p), profiles,
                match=f"the limit is {MAX_PROFILE_ROWS:,}")


@pytest.mark.parametrize("dist", sorted(SP_FITS))
def test_profiles_with_dates_infinite_or_huge_covariates(dist: str) -> None:
    res = SP_FITS[dist]
    dates = PROFILES.assign(x=pd.to_datetime(["2000", "2001", "2002"]))
    refuses(DataError, lambda: predict_splitpop(res, data=dates), dates, match="'x'")
    refuses(DataError, lambda: predict_splitpop(res, data=PROFILES.assign(x=[np.inf, 0, 0])),
            match="infinite covariate values, e.g. profile 0")
    huge = PROFILES.assign(x=[1e300, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if dist == "loglogistic":  # its hazard saturates: a valid prediction
            check_predictions(predict_splitpop(res, data=huge))
        else:  # the cloglog and Weibull hazards overflow: the profile is named
            refuses(DataError, lambda: predict_splitpop(res, data=huge), huge,
                    match="profile 0 at duration 1")


def test_new_risk_set_with_a_huge_covariate_names_the_unit_year() -> None:
    panel = PANEL.assign(x=np.where(PANEL.index == 5, 1e300, PANEL["x"]))
    rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
    unit, year = PANEL.loc[5, "unit"], PANEL.loc[5, "year"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refuses(DataError, lambda: predict_splitpop(SP_FITS["weibull"], data=rs),
                match=f"unit '{unit}', year {year}")


@pytest.mark.parametrize("duration", [["duration"], 5, None])
def test_duration_option_must_be_a_column_name(duration: Any) -> None:
    refuses(SpecificationError, lambda: predict_splitpop(SP_FITS["weibull"], data=PROFILES,
                                                         duration=duration),
            match="duration must be")


def test_profiles_with_duplicated_columns_are_refused() -> None:
    dup = pd.concat([PROFILES, PROFILES[["x"]]], axis=1)
    for res in SP_FITS.values():
        refuses(DataError, lambda res=res: predict_splitpop(res, data=dup), dup,
                match="duplicated column name.*'x'")


@pytest.mark.parametrize("distribution", [np.array(["weibull", "cloglog"]),
                                          np.array(["weibull"])])
def test_distribution_given_as_an_array_is_refused(distribution: Any) -> None:
    refuses(SpecificationError, lambda: SplitPopulationHazard(
        SP_RS, risk=["z"], duration=["x"], distribution=distribution),
            match="unknown distribution")


@pytest.mark.parametrize("values", [[complex(1957, 0), 0.5, 0.1],
                                    [pd.Timedelta(days=3), 0.5, 0.1]])
def test_complex_or_duration_cells_are_refused(values: list[Any]) -> None:
    # object cells that pandas reads as numbers but float64 cannot hold (or only by
    # dropping an imaginary part, with a ComplexWarning)
    profiles = PROFILES.assign(x=pd.Series(values, dtype=object))
    for res in SP_FITS.values():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            refuses(DataError, lambda res=res: predict_splitpop(res, data=profiles), profiles,
                    match="'x'|non-numeric|real numbers")
    panel = PANEL.assign(x=pd.Series(values * (len(PANEL) // 3) + values[:len(PANEL) % 3],
                                     dtype=object))
    rs = RiskSet.from_panel(panel, unit="unit", time="year", event="event")
    for res in SP_FITS.values():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            refuses(DataError, lambda res=res: predict_splitpop(res, data=rs),
                    match="the risk set")


def test_profile_errors_keep_their_messages() -> None:
    res = SP_FITS["cloglog"]
    refuses(MissingColumnError, lambda: predict_splitpop(res, data=PROFILES.drop(columns="x")),
            match="'x'")
    refuses(DataError, lambda: predict_splitpop(res, data=PROFILES.iloc[:0]), match="non-empty")
    refuses(DataError, lambda: predict_splitpop(res, data=PROFILES.assign(x=["a", "b", "c"])),
            match="non-numeric")
    for bad in (0, -1, 1.5, np.nan):
        refuses(DataError, lambda bad=bad: predict_splitpop(res, data=PROFILES.assign(
            duration=[bad, 2, 3])), match="duration")


# ================================================================ Fine-Gray
_UNITS = pd.read_csv(INPUTS / "competing_sim.csv", keep_default_na=False)
_EV = _UNITS.loc[_UNITS.status != "", ["unit", "last", "status"]].rename(
    columns={"last": "year", "status": "how"})
_MEM = pd.DataFrame({"unit": _UNITS.unit, "start": _UNITS.entry, "end": _UNITS["last"]})
_COV = _UNITS.set_index("unit")
FG_RS = competing_risk_set(_EV, unit="unit", time="year", outcome="how", membership=_MEM,
                           end=1990).assign(
    x1=lambda f: f.unit.map(_COV.x1).to_numpy(), x2=lambda f: f.unit.map(_COV.x2).to_numpy())


def fine_gray(tf: Any, covariates: Any = ("x2",), **options: Any) -> Any:
    return FineGray(FG_RS, covariates=covariates, outcome="how", cause="a",
                    time_interactions=tf, **options).fit()


def _raises(t: np.ndarray) -> np.ndarray:
    raise RuntimeError("no value before 1990")


FUNCTIONS = [np.log, np.sqrt, lambda t: t, lambda t: (t > 5).astype(float), _raises,
             lambda t: 1 / 0, lambda t: 1.0, lambda t: np.c_[t, t], lambda t: t[:-1],
             lambda t: np.where(t > 3, np.nan, t), lambda t: t / 0, lambda t: t + 1j,
             lambda t: pd.to_datetime(t, unit="D"), lambda t: [{"a": 1}] * len(t),
             lambda t: None, lambda t: t.astype(str), lambda t: list(t), lambda t: t * 1e300,
             lambda t: {}[t[0]], 5, "log"]


@FAST
@given(st.one_of(
    st.none(),
    st.dictionaries(st.one_of(st.sampled_from(["x1_log_t", "q", "x2", "x1", "year", "", " "]),
                              hostile_value().filter(lambda k: isinstance(k, Hashable))),
                    st.one_of(st.tuples(st.one_of(st.sampled_from(["x1", "x2", "how", "unit",
                                                                   "nope"]), hostile_value()),
                                        st.sampled_from(FUNCTIONS)),
                              hostile_value()),
                    max_size=2),
    st.sampled_from([[("q", ("x1", np.log))], "x1", 5, {"x1"}, (("x1", np.log),)])),
    st.sampled_from(["crr", "finegray"]), st.sampled_from(["duration", "calendar"]))
def test_fine_gray_time_interactions_hostile(tf: Any, weights: str, clock: str) -> None:
    res = call(lambda: fine_gray(tf, weights=weights, clock=clock))
    if res is not None:
        assert np.isfinite(res.params.to_numpy()).all()
        assert list(res.params.index) == ["x2", *(tf or {})]


@FAST
@given(st.one_of(st.sampled_from([["x2"], ["x1", "x2"], "x2", [], ["x2", "x2"], ["nope"],
                                  ["how"], [None], 5, None, ["xi"], ["xb"]]),
                 st.lists(hostile_value(), max_size=2)),
       st.one_of(st.sampled_from(["how", ["how"], "nope"]), hostile_value()),
       st.sampled_from(["crr", "finegray"]))
def test_fine_gray_covariates_hostile(covariates: Any, outcome: Any, weights: str) -> None:
    rs = FG_RS.assign(xi=np.where(np.arange(FG_RS.n_obs) == 7, np.inf, FG_RS.frame["x1"]),
                      xb=FG_RS.frame["x1"] > 0)

    def run() -> Any:
        return FineGray(rs, covariates=covariates, outcome=outcome, cause="a",
                        weights=weights).fit()

    res = call(run)
    if res is not None:
        assert np.isfinite(res.params.to_numpy()).all()


# ------------------------------------------------------- regressions: Fine-Gray
@pytest.mark.parametrize("func", [_raises, lambda t: 1 / 0, lambda t: {}[t[0]]])
def test_time_function_that_raises_is_named(func: Any) -> None:
    err = refuses(SpecificationError, lambda: fine_gray({"x1_f": ("x1", func)}),
                  match=r"time interaction 'x1_f': its function failed on the duration times")
    assert isinstance(err.__cause__, Exception)


@pytest.mark.parametrize(("func", "kind"), [(lambda t: t + 1j, "complex128"),
                                            (lambda t: pd.to_datetime(t, unit="D"),
                                             "datetime64")])
def test_time_function_returning_complex_or_dates_is_refused(func: Any, kind: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning from the cast
        refuses(SpecificationError, lambda: fine_gray({"x1_f": ("x1", func)}),
                match=f"returned {kind}")


@pytest.mark.parametrize("name", ["x1", "year", "unit", "how", "", "  "])
def test_time_interaction_named_like_a_column_or_empty_is_refused(name: str) -> None:
    refuses(SpecificationError, lambda: fine_gray({name: ("x1", np.log)}),
            match="time interaction name")


def test_two_time_interactions_of_one_column_fit() -> None:
    # x1 * log(t) and x1 * t: the same fit as on two copies of x1
    tf = {"x1_log_t": ("x1", np.log), "x1_t": ("x1", lambda t: t.astype(float))}
    res = fine_gray(tf)
    rs = FG_RS.assign(x1b=FG_RS.frame["x1"])
    ref = FineGray(rs, covariates=["x2"], outcome="how", cause="a",
                   time_interactions={"x1_log_t": ("x1", np.log),
                                      "x1_t": ("x1b", lambda t: t.astype(float))}).fit()
    np.testing.assert_allclose(res.params.to_numpy(), ref.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(res.cov.to_numpy(), ref.cov.to_numpy(), rtol=1e-10)


def test_fine_gray_covariates_and_outcome_are_checked() -> None:
    refuses(SpecificationError, lambda: fine_gray(None, covariates=5), match="list of column")
    refuses(SpecificationError, lambda: fine_gray(None, covariates=[[1957]]),
            match="column names")
    refuses(SpecificationError, lambda: fine_gray(None, covariates=["x2", "x2"]),
            match="more than once")
    refuses(SpecificationError, lambda: FineGray(FG_RS, covariates=["x2"], outcome=["how"],
                                                 cause="a"), match="outcome must be")
    refuses(SpecificationError, lambda: fine_gray(None, weights=np.array(["crr", "finegray"])),
            match="unknown weights")


def test_infinite_fine_gray_covariate_names_unit_and_year() -> None:
    rs = FG_RS.assign(x3=np.where(np.arange(FG_RS.n_obs) == 5, np.inf, FG_RS.frame["x1"]))
    unit, year = FG_RS.frame["unit"].iloc[5], FG_RS.frame["year"].iloc[5]
    refuses(DataError, lambda: FineGray(rs, covariates=["x3"], outcome="how", cause="a"),
            match=f"'x3' is infinite in 1 row.*'{unit}' in {year}")
    refuses(DataError, lambda: FineGray(rs, covariates=["x2"], outcome="how", cause="a",
                                        time_interactions={"x3_t": ("x3", np.log)}),
            match="'x3' is infinite")


def test_raising_in_a_risk_set_builder_is_not_swallowed() -> None:
    # a DiffusionError from the caller's generator comes back as it was
    def build():
        yield A
        RiskSet.from_panel(A.iloc[:0], unit="unit", time="year", event="event")
        yield B

    with tempfile.TemporaryDirectory() as d:
        refuses(DataError, lambda: write_chunks(build(), Path(d) / "s"), match="no rows")
        assert not list((Path(d) / "s").glob("*"))
    assert issubclass(DataError, DiffusionError)
