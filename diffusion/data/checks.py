"""Validation helpers used once, at the boundary where user tables enter.

Each ``check_*`` function either returns a cleaned copy of what it checked or raises
a :class:`~diffusion.errors.DataError` subclass whose message says what was found,
where, and what to do. Nothing here mutates the caller's objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    "check_frame",
    "check_columns",
    "check_years",
    "check_unique",
    "check_positive_int",
    "check_option",
    "preview",
    "listing",
    "show",
]


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
    return obj


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
    raw = frame[column]

    def where(mask: np.ndarray) -> str:
        rows = np.flatnonzero(mask)[:5]
        if unit is not None and unit in frame.columns:
            return listing(
                [f"{show(frame[unit].iloc[i])} ({show(raw.iloc[i])})" for i in rows]
            )
        return listing([f"row {show(frame.index[i])} ({show(raw.iloc[i])})" for i in rows])

    if pd.api.types.is_bool_dtype(raw):
        raise InvalidTimeError(f"{name}: column {show(column)} holds booleans, not years.")
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
    return values


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


def check_positive_int(value: Any, *, name: str) -> int:
    """Return ``value`` as an int >= 1, or raise :class:`SpecificationError`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise SpecificationError(f"{name} must be an integer >= 1, got {show(value)}.")
    return int(value)


def check_option(value: Any, options: Sequence[str], *, name: str) -> str:
    """Check a closed option set (the Literal types of the public API) in one place."""
    if value not in options:
        raise SpecificationError(
            f"unknown {name} {show(value)}; choose one of {', '.join(map(repr, options))}."
        )
    return str(value)
