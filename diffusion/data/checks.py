"""Validation helpers used once, at the boundary where user tables enter.

Each ``check_*`` function either returns a cleaned copy of what it checked or raises
a :class:`~diffusion.errors.DataError` subclass whose message says what was found,
where, and what to do. Nothing here mutates the caller's objects.

Rules every input table follows
-------------------------------
* Column names are unique: a table with two columns of one name is refused (pandas
  would return a table where a column is expected).
* Times are whole numbers of periods (years). Dates are refused, not converted:
  a ``datetime64``/``Timestamp`` column (or a ``timedelta``/``Period`` one) raises
  :class:`~diffusion.errors.InvalidTimeError` naming the column and asking for
  ``column.dt.year`` -- pandas stores dates as nanoseconds since 1970, and reading
  those as years, or guessing which calendar unit was meant, would be silently wrong.
* Times lie within ``+-MAX_TIME`` (``10**8``) periods, and a risk set holds at most
  ``MAX_ROWS`` (``5 * 10**7``) unit-periods: larger values are typing errors (a year
  in nanoseconds, ``10**20``) and are refused with the value found, before any
  memory is reserved for them.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from diffusion.errors import (
    DataError,
    DuplicateKeyError,
    InvalidTimeError,
    MissingColumnError,
    SpecificationError,
)

__all__ = [
    "MAX_TIME",
    "MAX_ROWS",
    "check_frame",
    "check_columns",
    "check_years",
    "check_unique",
    "check_units",
    "check_hashable",
    "check_int_range",
    "check_scalars",
    "not_scalar",
    "check_not_dates",
    "check_positive_int",
    "check_option",
    "is_number",
    "preview",
    "listing",
    "show",
]


#: Largest absolute time (period) accepted anywhere: the window bounds, event years,
#: membership spells, panel years, lags and windows. Open spells are coded beyond it.
MAX_TIME = 10**8
#: Largest number of unit-periods a risk set (or an exposure grid) may hold.
MAX_ROWS = 5 * 10**7


def preview(items: Iterable[Any], limit: int = 5) -> str:
    """Render the first ``limit`` items of ``items`` for an error message."""
    items = list(items)
    shown = ", ".join(show(i) if isinstance(i, (str, np.str_)) else str(i) for i in items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items) - limit} more)"
    return shown


def show(value: Any) -> str:
    """``repr`` of a value as the user wrote it (numpy scalars shown as Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def listing(items: Iterable[Any], limit: int = 5) -> str:
    """Join already formatted items for an error message (first ``limit``)."""
    items = [str(i) for i in items]
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items) - limit} more)"
    return shown


def check_frame(obj: Any, *, name: str) -> pd.DataFrame:
    """Refuse anything that is not a DataFrame."""
    if not isinstance(obj, pd.DataFrame):
        raise DataError(
            f"{name} must be a pandas DataFrame, got {type(obj).__name__}. "
            f"Read your file with pandas.read_csv and pass the DataFrame."
        )
    dup = obj.columns[obj.columns.duplicated()]
    if len(dup):
        raise DataError(
            f"{name} has {len(obj.columns) - len(set(obj.columns))} duplicated column "
            f"name(s): {preview(list(pd.unique(dup)))}. Rename or drop the extra columns "
            f"(e.g. table.loc[:, ~table.columns.duplicated()])."
        )
    for j in np.flatnonzero((obj.dtypes == object).to_numpy()):
        check_int_range(obj.iloc[:, j], name=name, column=obj.columns[j])
    return obj


def _refuse_cells(values: pd.Series, test: Callable[[Any], bool],
                  message: Callable[[int, Any], str]) -> None:
    """Raise DataError(message(count, first)) when ``test`` holds for object cells."""
    if values.dtype != object:
        return
    bad = values.map(test).to_numpy(dtype=bool)
    if bad.any():
        raise DataError(message(int(bad.sum()), values[bad].iloc[0]))


def check_scalars(values: pd.Series, *, name: str, column: Any) -> None:
    """Refuse cells holding containers or other objects where numbers or text belong."""
    _refuse_cells(values, not_scalar, lambda n, first: (
        f"{name}: column {show(column)} holds {n} value(s) that are neither "
        f"numbers nor text, e.g. a {type(first).__name__}. Give one number per cell."))


def not_scalar(value: Any) -> bool:
    """An object that is neither missing, text, a number nor a boolean."""
    return not (value is None or value is pd.NA
                or isinstance(value, (str, int, float, np.number, np.bool_)))


def check_int_range(values: pd.Series, *, name: str, column: Any) -> None:
    """Refuse Python integers beyond the range of a float (pandas overflows on them)."""
    if values.dtype != object or "integer" not in pd.api.types.infer_dtype(values, skipna=True) \
            and pd.api.types.infer_dtype(values, skipna=True) != "mixed":
        return
    huge = values.map(lambda v: isinstance(v, int) and abs(v) > _HUGE).to_numpy(dtype=bool)
    if huge.any():
        raise DataError(
            f"{name}: column {show(column)} holds {int(huge.sum())} integer(s) beyond 1e300 "
            f"(e.g. one with {len(str(values[huge].iloc[0]))} digits); give numbers a float "
            f"can hold."
        )


_HUGE = 10**300


def check_columns(frame: pd.DataFrame, columns: Sequence[str], *, name: str) -> None:
    """Raise :class:`MissingColumnError` naming every absent column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"{name} has no column {preview(missing)}; its columns are "
            f"{preview(list(frame.columns), 12)}. Rename the columns or pass the right names."
        )


def check_years(
    frame: pd.DataFrame,
    column: str,
    *,
    name: str,
    unit: str | None = None,
    allow_missing: bool = False,
) -> np.ndarray:
    """Return ``frame[column]`` as float64 years that are integer-valued.

    Missing values are refused unless ``allow_missing`` (they come back as NaN).
    Non-numeric or fractional values are refused with the offending unit and value.
    """
    raw = given = frame[column]

    def where(mask: np.ndarray) -> str:
        rows = np.flatnonzero(mask)[:5]
        if unit is not None and unit in frame.columns:
            return listing(
                [f"{show(frame[unit].iloc[i])} ({show(given.iloc[i])})" for i in rows]
            )
        return listing([f"row {show(frame.index[i])} ({show(given.iloc[i])})" for i in rows])

    if pd.api.types.is_bool_dtype(raw):
        raise InvalidTimeError(f"{name}: column {show(column)} holds booleans, not years.")
    check_not_dates(raw, name=name, column=column)
    if pd.api.types.is_complex_dtype(raw.dtype):
        raise InvalidTimeError(f"{name}: column {show(column)} holds complex numbers, not years.")
    if raw.dtype == object:
        # Python ints beyond int64 or floats hidden in objects: read as float, then
        # the range check below names them
        flags = raw.map(_not_a_year).to_numpy(dtype=bool)
        if flags.any():
            raise InvalidTimeError(
                f"{name}: column {show(column)} has {int(flags.sum())} value(s) that are "
                f"neither numbers nor text at {where(flags)}. Give years as integers."
            )
        # (clipped, so that 10**400 is reported as out of range rather than overflowing)
        raw = raw.map(lambda v: float(min(max(v, -(10**18)), 10**18)) if isinstance(v, int)
                      else v)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(values) & raw.notna().to_numpy()
    if bad.any():
        raise InvalidTimeError(
            f"{name}: column {show(column)} has {int(bad.sum())} non-numeric value(s) at "
            f"{where(bad)}. Give years as integers."
        )
    missing = np.isnan(values)
    if missing.any() and not allow_missing:
        raise InvalidTimeError(
            f"{name}: column {show(column)} has {int(missing.sum())} missing value(s) at "
            f"{where(missing)}. Fill them or drop those rows before building the risk set."
        )
    finite = ~missing
    inf = np.isinf(values)
    frac = finite & ~inf & (np.mod(np.where(inf, 0.0, values), 1.0) != 0)
    if inf.any() or frac.any():
        badv = inf | frac
        raise InvalidTimeError(
            f"{name}: column {show(column)} has {int(badv.sum())} value(s) that are not whole "
            f"years at {where(badv)}. Times are measured in whole periods (years)."
        )
    huge = finite & (np.abs(np.where(finite, values, 0.0)) > MAX_TIME)
    if huge.any():
        raise InvalidTimeError(
            f"{name}: column {show(column)} has {int(huge.sum())} value(s) beyond "
            f"+-{MAX_TIME:.0e} periods at {where(huge)}. Give years (e.g. 1990), not "
            f"timestamps or codes."
        )
    return values


def _not_a_year(value: Any) -> bool:
    """Objects that cannot stand for a year: booleans, complex numbers, containers, ..."""
    if value is None or value is pd.NA or isinstance(value, (str, np.str_)):
        return False
    if isinstance(value, (bool, np.bool_)):
        return True
    return not isinstance(value, (int, float, np.integer, np.floating))


def check_not_dates(raw: pd.Series, *, name: str, column: Any) -> None:
    """Refuse dates and durations where whole years are expected (no silent conversion)."""
    dtype = raw.dtype
    kind = None
    if (pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
            or isinstance(dtype, pd.PeriodDtype)):
        kind = str(dtype)
    elif dtype == object:
        first = raw.map(lambda v: isinstance(v, (pd.Timestamp, pd.Timedelta, pd.Period,
                                                 np.datetime64, np.timedelta64,
                                                 _dt.date, _dt.timedelta)))
        if first.any():
            kind = type(raw[first.to_numpy()].iloc[0]).__name__ + " objects"
    if kind is not None:
        raise InvalidTimeError(
            f"{name}: column {show(column)} holds dates ({kind}), not years. diffusion "
            f"does not convert dates: pass the calendar year, e.g. "
            f"table.assign({column}=table[{show(column)}].dt.year)."
        )


def check_units(values: pd.Series, *, name: str, column: Any) -> pd.Series:
    """Unit identifiers: present, text or numbers (not both), never dates or containers."""
    check_not_dates(values, name=name, column=column)
    missing = values.isna().to_numpy()
    if missing.any():
        rows = list(values.index[missing][:5])
        raise DataError(
            f"{name}: column {show(column)} has {int(missing.sum())} missing unit "
            f"identifier(s) at rows {preview(rows)}. Every row needs a unit."
        )
    if values.dtype == object:
        kinds = values.map(_unit_kind)
        if (kinds == "other").any():
            bad = values[(kinds == "other").to_numpy()]
            raise DataError(
                f"{name}: column {show(column)} has {len(bad)} unit identifier(s) that are "
                f"neither text nor numbers, e.g. {show(bad.iloc[0])} "
                f"({type(bad.iloc[0]).__name__}). Use names or codes."
            )
        if kinds.nunique() > 1:
            num = values[(kinds == "number").to_numpy()].iloc[0]
            txt = values[(kinds == "text").to_numpy()].iloc[0]
            raise DataError(
                f"{name}: column {show(column)} mixes numeric and text unit identifiers (e.g. "
                f"{show(num)} and {show(txt)}); 2 and '2' would be different units. Use one "
                f"type, e.g. table.assign({column}=table[{show(column)}].astype(str))."
            )
    return values


def check_hashable(values: pd.Series, *, name: str, column: Any) -> None:
    """Refuse keys that cannot be matched (lists, dicts, arrays: unhashable objects)."""
    _refuse_cells(values, _unhashable, lambda n, first: (
        f"{name}: column {show(column)} has {n} value(s) that cannot serve as "
        f"keys, e.g. {show(first)} ({type(first).__name__}). Use names or codes."))


def _unhashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _unit_kind(value: Any) -> str:
    if isinstance(value, (str, np.str_)):
        return "text"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)):
        return "number"
    return "other"


def check_unique(frame: pd.DataFrame, keys: Sequence[str], *, name: str, what: str) -> None:
    """Refuse duplicate rows for ``keys``, naming the first duplicates."""
    dup = frame.duplicated(list(keys), keep=False)
    if dup.any():
        first = frame.loc[dup, list(keys)].drop_duplicates().head(5)
        shown = listing([tuple(r) for r in first.itertuples(index=False)])
        n = int(frame.loc[dup, list(keys)].drop_duplicates().shape[0])
        raise DuplicateKeyError(
            f"{name} has several rows for {n} {what} key(s) {tuple(keys)}: {shown}. "
            f"Keep one row per key."
        )


def check_positive_int(value: Any, *, name: str, maximum: int = MAX_TIME) -> int:
    """Return ``value`` as an int in ``[1, maximum]``, or raise :class:`SpecificationError`.

    The default ``maximum`` (:data:`MAX_TIME`) refuses absurd lags and windows
    (``10**20``) before they overflow 64-bit years.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise SpecificationError(f"{name} must be an integer >= 1, got {show(value)}.")
    if value > maximum:
        raise SpecificationError(
            f"{name} must be at most {maximum}, got {show(value)}; no data span that long.")
    return int(value)


def is_number(value: Any) -> bool:
    """A finite real number (Python or numpy), not a bool; Python ints of any size."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, np.integer)):
        return abs(int(value)) <= _HUGE  # beyond, pandas and numpy overflow converting it
    return isinstance(value, (float, np.floating)) and bool(np.isfinite(value))


def check_option(value: Any, options: Sequence[str], *, name: str) -> str:
    """Check a closed option set (the Literal types of the public API) in one place."""
    try:
        known = not isinstance(value, np.ndarray) and bool(value in options)
    except (TypeError, ValueError):  # e.g. a Series, compared element-wise
        known = False
    if not known:
        raise SpecificationError(
            f"unknown {name} {show(value)}; choose one of {', '.join(map(repr, options))}."
        )
    return str(value)
