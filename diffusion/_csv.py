"""Reading a user's CSV file at the boundary: text in, typed columns out, one-line errors.

Every file is read as text (so that codes such as Namibia's ``NA`` or COW ``002`` are
not guessed at), and each column is converted by the check that knows what it must
hold. ``Table.frame.index`` holds the file's line numbers (the header is line 1, as
in a spreadsheet), so that an error names the file, the line and the column::

    events.csv, line 3, column 'year': '19x6' is not a whole year. ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from diffusion.data.checks import preview, show
from diffusion.errors import DataError, DiffusionError

__all__ = ["Table", "read_table", "years", "unit_text", "unit_values", "numeric_or_text",
           "duplicates", "int_like", "MISSING_TOKENS"]

# cells read as missing in numeric columns (R writes NA, Stata ".", the World Bank "..")
MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", ".", ".."})


# ===================================================================== files
@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file read as text. ``frame.index`` holds the file's line numbers."""

    path: str
    frame: pd.DataFrame = field(repr=False)
    role: str

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    def error(self, message: str, *, lines: Sequence[int] = (), column: str | None = None,
              cls: type[DiffusionError] = DataError) -> DiffusionError:
        """One-line error: ``PATH, line N, column 'C': message``."""
        where = [self.path]
        if len(lines):
            first = [int(x) for x in lines[:5]]
            text = f"line {first[0]}" if len(lines) == 1 else (
                f"lines {', '.join(map(str, first))}"
                + (f" and {len(lines) - 5} more" if len(lines) > 5 else ""))
            where.append(text)
        if column is not None:
            where.append(f"column {show(column)}")
        return cls(f"{', '.join(where)}: {message}")

    def need(self, columns: Sequence[str], hint: str) -> None:
        missing = [c for c in columns if c not in self.frame.columns]
        if missing:
            raise self.error(
                f"no column {preview(missing)} (its columns are "
                f"{preview(self.columns, 12)}). {hint}", cls=DataError)

    def text(self, column: str) -> pd.Series:
        """Stripped text values, NaN for empty cells."""
        s = self.frame[column]
        return s.where(s.isna(), s.astype(object).map(lambda v: str(v).strip()))


def read_table(path: str, *, role: str, sep: str = ",") -> Table:
    """Read a CSV file as text; refuse unreadable files, unnamed or duplicate columns."""
    import csv

    try:
        raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, na_values=[""],
                          sep=sep, encoding="utf-8-sig", skip_blank_lines=False,
                          quoting=csv.QUOTE_MINIMAL)
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file ({role}).") from exc
    except IsADirectoryError as exc:
        raise DataError(f"{path}: is a directory, not a CSV file ({role}).") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path}: the file is empty; the {role} file needs a header line "
                        f"and one row per line.") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: cannot read as CSV (not UTF-8 text: byte {exc.start}); "
                        f"save the {role} file as CSV UTF-8.") from exc
    except (OSError, pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read as CSV ({first.rstrip('.')}).") from exc
    raw.index = raw.index + 1  # line numbers
    header = raw.iloc[0].tolist()
    body = raw.iloc[1:]
    body = body.loc[~body.isna().all(axis=1)]  # blank lines are not rows
    names = []
    for i, h in enumerate(header):
        name = "" if h is None or (isinstance(h, float) and np.isnan(h)) else str(h).strip()
        if not name:
            raise DataError(f"{path}, line 1: column {i + 1} has no name; give every "
                            f"column of the {role} file a header.")
        names.append(name)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"{path}, line 1: column name(s) {preview(dup)} appear more than once; "
                        f"rename them.")
    if len(names) == 1 and sep == "," and any(c in names[0] for c in ";\t|"):
        other = next(c for c in ";\t|" if c in names[0])
        raise DataError(f"{path}, line 1: one column named {show(names[0])}; the file looks "
                        f"separated by {show(other)}, not commas: pass --sep {show(other)}.")
    body = body.copy()
    body.columns = names
    return Table(path, body, role)


# ------------------------------------------------------------------ columns
def _is_missing(v: Any, tokens: frozenset[str] = frozenset({""})) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() in tokens


def years(table: Table, column: str, *, allow_missing: bool = False) -> np.ndarray:
    """Whole years as float64 (NaN only when ``allow_missing``), or a one-line error."""
    text = table.text(column)
    miss = np.array([_is_missing(v, MISSING_TOKENS) for v in text], dtype=bool)
    values = pd.to_numeric(text.where(~miss), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    bad = ~miss & ~(np.isfinite(values) & (np.mod(np.nan_to_num(values), 1) == 0))
    if bad.any():
        lines = text.index[bad]
        raise table.error(f"{show(text[lines[0]])} is not a whole year"
                          + (f" ({int(bad.sum())} such values)" if bad.sum() > 1 else "")
                          + ". Give years as integers such as 1990.", lines=lines, column=column)
    if miss.any() and not allow_missing:
        hint = (" Units that never adopted belong in the membership file only: delete "
                "their rows here." if table.role == "events" else "")
        raise table.error(f"missing year ({int(miss.sum())} row(s)); every row needs one."
                          + hint, lines=text.index[miss], column=column)
    return np.where(miss, np.nan, values)


def unit_text(table: Table, column: str) -> pd.Series:
    """Unit identifiers as stripped text; missing ones refused."""
    text = table.text(column)
    miss = text.isna().to_numpy() | (text == "").to_numpy()
    if miss.any():
        raise table.error(f"missing unit identifier ({int(miss.sum())} row(s)); every row "
                          f"needs one.", lines=text.index[miss], column=column)
    return text


def int_like(v: Any) -> bool:
    s = str(v).strip()
    return s.lstrip("+-").isdigit()


def unit_values(text: pd.Series, as_int: bool) -> pd.Series:
    """Identifiers as int64 when every code is a whole number (COW codes), else text."""
    if as_int and all(int_like(v) for v in text):
        return text.astype("int64")
    return text.astype(object)


def numeric_or_text(table: Table, column: str) -> pd.Series:
    """A covariate column: numbers when every non-missing cell is a number, else text.

    A column mixing numbers and text is refused (the text is usually a typo or a
    missing-value code) rather than read as a categorical variable.
    """
    text = table.text(column)
    miss = np.array([_is_missing(v, MISSING_TOKENS) for v in text], dtype=bool)
    numbers = pd.to_numeric(text.where(~miss), errors="coerce")
    parsed = numbers.notna().to_numpy()
    if not parsed.any() and (~miss).any():
        return text.where(~miss).astype(object)
    bad = ~miss & ~parsed
    if bad.any():
        lines = text.index[bad]
        raise table.error(
            f"{show(text[lines[0]])} is not a number, but the column's other values are "
            f"({int(bad.sum())} such cell(s)). Fix the value or leave the cell empty (missing).",
            lines=lines, column=column)
    inf = np.isinf(numbers.to_numpy(dtype="float64", na_value=np.nan))
    if inf.any():
        raise table.error("infinite value; give a finite number or leave the cell empty.",
                          lines=text.index[inf], column=column)
    return numbers.astype("float64")


def duplicates(table: Table, keys: dict[str, pd.Series], what: str) -> None:
    frame = pd.DataFrame({k: v.to_numpy() for k, v in keys.items()}, index=table.frame.index)
    dup = frame.duplicated(list(keys), keep=False).to_numpy()
    if dup.any():
        first = frame.loc[dup].iloc[0]
        same = frame.index[dup & (frame == first).all(axis=1).to_numpy()]
        key = ", ".join(f"{k}={_cell(first[k])}" for k in keys)
        n_keys = int(frame.loc[dup].drop_duplicates().shape[0])
        raise table.error(
            f"{n_keys} {what} key(s) appear on several rows, first {key} on lines "
            f"{', '.join(map(str, same[:5]))}. Keep one row per {what}.",
            lines=same, column=" + ".join(keys) if len(keys) > 1 else next(iter(keys)))


def _cell(v: Any) -> str:
    """A key value as it reads in the file (1994, not 1994.0 or '1994')."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)
