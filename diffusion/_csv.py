"""Reading a user's CSV file at the boundary: text in, typed columns out, one-line errors.

Every file is read as text (so that codes such as Namibia's ``NA`` or COW ``002`` are
not guessed at), and each column is converted by the check that knows what it must
hold. ``Table.frame.index`` holds the file's line numbers (the header is line 1, as
in a spreadsheet), so that an error names the file, the line and the column::

    events.csv, line 3, column 'year': '19x6' is not a whole year. ...
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from diffusion.data.checks import preview, show
from diffusion.errors import DataError, DiffusionError

__all__ = ["Table", "read_table", "read_typed", "decode", "typed_frame", "years", "unit_text",
           "unit_values", "numeric_or_text", "duplicates", "int_like", "whole_number",
           "MISSING_TOKENS", "YEAR_LIMIT"]

# cells read as missing in numeric columns (R writes NA, Stata ".", the World Bank "..")
MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", ".", ".."})

#: years (and ``--start``/``--end``) read by the command line lie within +-YEAR_LIMIT:
#: four digits, so that a typo such as 19900 or a timestamp is refused on its line
#: instead of building a risk set of millions of empty years.
YEAR_LIMIT = 9999

# an integer written in ASCII digits only: str.isdigit() also accepts '²' and other
# Unicode digits that int() then refuses or (for '١٩٩٠') reads silently
_ASCII_INT = re.compile(r"[+-]?[0-9]+")
_ASCII_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


# ===================================================================== files
@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file read as text. ``frame.index`` holds the file's line numbers."""

    path: str
    frame: pd.DataFrame = field(repr=False)
    role: str
    #: how the bytes were decoded: "utf-8", "utf-16", "windows-1252" or "latin-1"
    encoding: str = "utf-8"

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


def decode(path: str, *, role: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in, or a one-line error.

    UTF-8 (with or without a byte-order mark) first; UTF-16 when the file starts with
    its byte-order mark (Excel's "Unicode text") or, without one, has a NUL in every
    other byte as ASCII text in UTF-16 has; otherwise Windows-1252, the encoding
    Excel writes on Western-European Windows, whose letters include Latin-1's (a byte
    it leaves undefined is read as Latin-1). A file with NUL bytes is not text.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file ({role}).") from exc
    except IsADirectoryError as exc:
        raise DataError(f"{path}: is a directory, not a CSV file ({role}).") from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read the {role} file ({exc.strerror or exc}).") from exc
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: starts like UTF-16 text but byte {exc.start} is not; "
                            f"save the {role} file as CSV UTF-8.") from exc
    if b"\x00" in data and len(data) % 2 == 0:
        # UTF-16 without its byte-order mark: ASCII text has a NUL in every other byte
        for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if zeros.count(0) >= 0.9 * len(zeros):
                try:
                    return data.decode(encoding), "utf-16"
                except UnicodeDecodeError:
                    break
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise DataError(f"{path}: holds NUL bytes (byte {at}), so it is not "
                        f"a text file; save the {role} file as CSV UTF-8.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_table(path: str, *, role: str, sep: str = ",", sep_option: str | None = "--sep") -> Table:
    """Read a CSV file as text; refuse empty or unreadable files, unnamed or duplicate columns.

    ``sep_option`` is the command-line flag that sets the separator (None when the
    command has none): a file that looks separated by ';' or tabs names it.
    """
    import csv
    import io

    text, encoding = decode(path, role=role)
    if not text.strip():
        raise DataError(f"{path}: the file is empty; the {role} file needs a header line "
                        f"and one row per line.")
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                          na_values=[""], sep=sep, skip_blank_lines=False,
                          quoting=csv.QUOTE_MINIMAL)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path}: the file is empty; the {role} file needs a header line "
                        f"and one row per line.") from exc
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", first)
        if m:
            # header=None: pandas counts the fields of the first line it read
            raise DataError(
                f"{path}, line {m.group(2)}: {m.group(3)} fields where the lines before have "
                f"{m.group(1)}; cannot read as CSV. Put values holding the separator in "
                f"double quotes (\"Korea, Rep.\") or remove the extra fields.") from exc
        m = re.search(r"EOF inside string starting at row (\d+)", first)
        if m:
            raise DataError(
                f"{path}, line {int(m.group(1)) + 1}: a double quote opens a value that never "
                f"closes; cannot read as CSV. Close the quote or remove it.") from exc
        raise DataError(f"{path}: cannot read as CSV ({first.rstrip('.')}).") from exc
    raw.index = raw.index + 1  # line numbers
    # blank lines before the header are not the header
    filled = ~raw.isna().all(axis=1)
    raw = raw.loc[filled.cummax()]
    if raw.empty:
        raise DataError(f"{path}: the file is empty (its lines hold only separators); the "
                        f"{role} file needs a header line and one row per line.")
    header = raw.iloc[0].tolist()
    body = raw.iloc[1:]
    body = body.loc[~body.isna().all(axis=1)]  # blank lines are not rows
    line = int(raw.index[0])
    names = []
    for i, h in enumerate(header):
        name = "" if h is None or (isinstance(h, float) and np.isnan(h)) else str(h).strip()
        if not name:
            raise DataError(f"{path}, line {line}: column {i + 1} has no name; give every "
                            f"column of the {role} file a header.")
        names.append(name)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"{path}, line {line}: column name(s) {preview(dup)} appear more than "
                        f"once; rename them.")
    if len(names) == 1 and sep == "," and any(c in names[0] for c in ";\t|"):
        other = next(c for c in ";\t|" if c in names[0])
        fix = (f"pass {sep_option} {show(other)}" if sep_option else
               "save it with commas between the columns")
        raise DataError(f"{path}, line {line}: one column named {show(names[0])}; the file "
                        f"looks separated by {show(other)}, not commas: {fix}.")
    body = body.copy()
    body.columns = names
    return Table(path, body, role, encoding)


def typed_frame(table: Table) -> pd.DataFrame:
    """The table with its number columns as numbers, as ``pandas.read_csv`` would type them.

    A column becomes numeric only when every non-empty cell is a number written in
    ASCII (so '²' or '١٩٩٠' stay text) that fits a 64-bit integer or float; integers
    stay int64 unless a cell is empty. Other columns are stripped text. The index
    holds the file's line numbers, as ``table.frame.index``.
    """
    out = {}
    for c in table.columns:
        text = table.text(c)
        present = text.notna().to_numpy()
        values = [str(v) for v in text[present]]
        if values and all(_ASCII_INT.fullmatch(v) for v in values):
            ints = [int(v) for v in values]
            if all(abs(v) < 2**63 for v in ints):
                if present.all():
                    out[c] = np.array(ints, dtype="int64")
                else:
                    col = np.full(len(text), np.nan)
                    col[present] = np.array(ints, dtype="float64")
                    out[c] = col
                continue
        elif values and all(_ASCII_NUMBER.fullmatch(v) for v in values):
            nums = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64",
                                                                 na_value=np.nan)
            if np.isfinite(nums[present]).all():
                out[c] = nums
                continue
        out[c] = text.astype(object).to_numpy()
    return pd.DataFrame(out, columns=table.columns, index=table.frame.index)


def read_typed(path: str, *, role: str, what: str) -> tuple[Table, pd.DataFrame]:
    """A user's CSV file and its frame with number columns typed (:func:`typed_frame`).

    Refuses a header without rows; ``what`` says what a row is, for that message.
    Commands without a ``--sep`` option use it (``treaty``, ``netinf``).
    """
    table = read_table(path, role=role, sep_option=None)
    if table.frame.empty:
        raise DataError(f"{path}: the file has a header line ({', '.join(table.columns)}) but "
                        f"no rows; add {what}, one per line.")
    return table, typed_frame(table)


# ------------------------------------------------------------------ columns
def _is_missing(v: Any, tokens: frozenset[str] = frozenset({""})) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() in tokens


def years(table: Table, column: str, *, allow_missing: bool = False) -> np.ndarray:
    """Whole years as float64 (NaN only when ``allow_missing``), or a one-line error.

    A year is written in ASCII digits (``1990``; ``1990.0`` as some programs export it)
    and lies within +-:data:`YEAR_LIMIT`.
    """
    text = table.text(column)
    miss = np.array([_is_missing(v, MISSING_TOKENS) for v in text], dtype=bool)
    ascii_ = np.array([m or bool(_ASCII_NUMBER.fullmatch(str(v))) for v, m in zip(text, miss)],
                      dtype=bool)
    values = pd.to_numeric(text.where(~miss & ascii_), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    bad = ~miss & ~(np.isfinite(values) & (np.mod(np.nan_to_num(values), 1) == 0))
    if bad.any():
        lines = text.index[bad]
        raise table.error(f"{show(text[lines[0]])} is not a whole year"
                          + (f" ({int(bad.sum())} such values)" if bad.sum() > 1 else "")
                          + ". Give years as integers such as 1990.", lines=lines, column=column)
    huge = ~miss & (np.abs(np.nan_to_num(values)) > YEAR_LIMIT)
    if huge.any():
        lines = text.index[huge]
        raise table.error(f"{show(text[lines[0]])} is not a year: years have at most four digits "
                          f"(-{YEAR_LIMIT} to {YEAR_LIMIT})"
                          + (f"; {int(huge.sum())} such values" if huge.sum() > 1 else "")
                          + ". Give years such as 1990, not dates, timestamps or codes.",
                          lines=lines, column=column)
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
    """A whole number in ASCII digits that fits a 64-bit integer ('²' and 10**20 do not)."""
    s = str(v).strip()
    return bool(_ASCII_INT.fullmatch(s)) and abs(int(s)) < 2**63


def whole_number(text: str) -> int | None:
    """``int(text)`` for ASCII digits (with a sign), else None (also for '²' or '1e3')."""
    s = str(text).strip()
    return int(s) if _ASCII_INT.fullmatch(s) else None


def unit_values(text: pd.Series, as_int: bool) -> pd.Series:
    """Identifiers as int64 when every code is a whole number (COW codes), else text.

    Codes too long for a 64-bit integer (or written with non-ASCII digits) keep the
    whole column as text, matched as written.
    """
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
