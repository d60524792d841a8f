"""Country names and codes: one column of names or codes to ISO3, COW or G&W codes.

Data on treaties, laws and policies come with country names spelled a hundred ways
("Côte d'Ivoire", "Cote d’Ivoire", "Ivory Coast"; "Korea, Rep."; "Viet Nam";
"Burma") or with codes of another system. :func:`harmonize` adds one code column to
a *new* table and reports every value it could not match -- nothing is dropped or
set to missing without saying so.

How a value is matched
----------------------
``source="name"`` (the default for text that is not a column of ISO3 codes):

1. the table of historical states below (names of states that no longer exist, and
   that have a COW / Gleditsch-Ward code but no current ISO code);
2. country_converter's regular expressions (``coco``; ISO3 result), for current
   countries under any of their usual names;
3. the English names of the bundled crosswalk
   (:func:`diffusion.datasets.load_regions`: Baden, Bavaria, Hanover, Tibet, ...).

Names are compared after removing accents, case and punctuation ("Côte d’Ivoire" and
"cote d'ivoire" are one name). ``source="iso3"``, ``"cown"`` and ``"gwcode"`` look the
code up in the crosswalk (codes given as text, ``"365"`` or ``" 2"``, are read as
numbers). ISO3 codes and COW / G&W codes are then converted through the crosswalk.

Historical states
-----------------

| names (any spelling)                                   | COW | G&W | note                                        |
|--------------------------------------------------------|-----|-----|---------------------------------------------|
| Soviet Union, USSR                                     | 365 | 365 | retired ISO SUN; COW and G&W code Russia 365 too |
| Yugoslavia, Serbia and Montenegro                      | 345 | 345 | retired ISO YUG, SCG; COW 345 is also Serbia's |
| Czechoslovakia                                         | 315 | 315 | retired ISO CSK                             |
| West Germany, German Federal Republic, FRG             | 260 | 260 | G&W 260 is also unified Germany's           |
| East Germany, German Democratic Republic, GDR          | 265 | 265 | retired ISO DDR                             |
| Yemen Arab Republic, North Yemen                       | 678 | 678 | G&W 678 is also unified Yemen's             |
| South Yemen, Yemen People's Republic, Democratic Yemen | 680 | 680 | retired ISO YMD                             |
| South Vietnam, Republic of Vietnam                     | 817 | 817 |                                             |
| North Vietnam, Democratic Republic of Vietnam          | 816 | 816 | 816 is also Vietnam's                       |
| Austria-Hungary                                        | 300 | 300 |                                             |
| Ottoman Empire                                         | 640 | 640 | 640 is also Turkey's                        |
| Prussia                                                | 255 | 255 | COW 255 is also unified Germany's           |
| Korean Empire, Kingdom of Korea (to 1905/1910)         | 730 | 730 | plain "Korea" is South Korea                |
| Zanzibar                                               | 511 | 511 |                                             |
| Kosovo                                                 | 347 | 347 | XKX is a user-assigned code, not ISO        |

Every spelling is in ``HISTORICAL_STATES``. German and Italian states before
unification (Baden, Bavaria, Württemberg, the Two Sicilies, ...) are matched by the
crosswalk's names.

Converting one of these to ``to="iso3"`` gives a missing value and a note (they
have no current ISO code): use ``to="cown"`` or ``"gwcode"`` for historical data.
The retired ISO codes are accepted with ``source="iso3"``, as are ZAR (Zaire, now
COD), ROM (Romania, ROU) and TMP (East Timor, TLS).

Codes are converted year-blind. COW 345, 365, 255 and 640, and G&W 260 and 678,
denote both a historical state and its present successor; the crosswalk maps them
to the successor's ISO code (SRB, RUS, DEU, TUR, DEU, YEM) and the result says so in
a note. For country-year data across such a change, convert with the year in view
(e.g. with :func:`diffusion.datasets.load_state_system`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion._coco import coco_iso3
from diffusion._notes import Note
from diffusion.data.checks import check_columns, check_frame, check_option, listing, preview, show
from diffusion.errors import DataError, SpecificationError

__all__ = ["harmonize", "Harmonized", "HISTORICAL_STATES", "TARGETS", "SOURCES"]

Target = Literal["iso3", "cown", "gwcode"]
Source = Literal["name", "iso3", "cown", "gwcode"]
TARGETS = ("iso3", "cown", "gwcode")
SOURCES = ("name", "iso3", "cown", "gwcode")
ERRORS = ("raise", "report")


@dataclass(frozen=True)
class HistoricalState:
    """A state with a COW / G&W code but no current ISO 3166-1 code."""

    name: str
    cown: int | None
    gwcode: int | None
    aliases: tuple[str, ...]
    retired_iso3: tuple[str, ...] = ()


HISTORICAL_STATES: tuple[HistoricalState, ...] = (
    HistoricalState("Soviet Union", 365, 365,
                    ("soviet union", "ussr", "u s s r", "union of soviet socialist republics",
                     "russia ussr", "ussr russia", "russian federation ussr"), ("SUN",)),
    HistoricalState("Yugoslavia", 345, 345,
                    ("yugoslavia", "sfr yugoslavia", "socialist federal republic of yugoslavia",
                     "federal republic of yugoslavia", "fr yugoslavia", "yugoslavia fed rep",
                     "yugoslavia fr", "yugoslavia serbia and montenegro",
                     "serbia and montenegro", "serbia montenegro", "kingdom of yugoslavia"),
                    ("YUG", "SCG")),
    HistoricalState("Czechoslovakia", 315, 315,
                    ("czechoslovakia", "czechoslovak republic", "czechoslovak socialist republic",
                     "czech and slovak federal republic"), ("CSK",)),
    HistoricalState("German Federal Republic", 260, 260,
                    ("west germany", "germany west", "german federal republic", "frg", "gfr",
                     "federal republic of germany west", "germany federal republic")),
    HistoricalState("German Democratic Republic", 265, 265,
                    ("east germany", "germany east", "german democratic republic", "gdr", "ddr",
                     "germany democratic republic"), ("DDR",)),
    HistoricalState("Yemen Arab Republic", 678, 678,
                    ("yemen arab republic", "north yemen", "yemen north", "yar")),
    HistoricalState("Yemen People's Republic", 680, 680,
                    ("south yemen", "yemen south", "yemen people s republic",
                     "yemen peoples republic", "people s democratic republic of yemen",
                     "peoples democratic republic of yemen", "yemen pdr", "yemen p d r",
                     "democratic yemen", "yemen democratic"), ("YMD",)),
    HistoricalState("Republic of Vietnam", 817, 817,
                    ("south vietnam", "vietnam south", "south viet nam", "viet nam south",
                     "republic of vietnam", "republic of viet nam", "vietnam republic of")),
    HistoricalState("Democratic Republic of Vietnam", 816, 816,
                    ("north vietnam", "vietnam north", "north viet nam", "viet nam north",
                     "democratic republic of vietnam", "democratic republic of viet nam",
                     "vietnam democratic republic of")),
    HistoricalState("Austria-Hungary", 300, 300,
                    ("austria hungary", "austro hungarian empire", "austria hungarian empire",
                     "austro hungary")),
    HistoricalState("Ottoman Empire", 640, 640, ("ottoman empire", "turkey ottoman empire")),
    HistoricalState("Prussia", 255, 255, ("prussia", "kingdom of prussia", "germany prussia")),
    HistoricalState("Kingdom of Korea", 730, 730,
                    ("korean empire", "kingdom of korea", "joseon", "korea kingdom",
                     "korea to 1910")),
    HistoricalState("Zanzibar", 511, 511, ("zanzibar",)),
    HistoricalState("Kosovo", 347, 347, ("kosovo", "republic of kosovo")),
)

# retired ISO codes of states that continue under a new code
_RENAMED_ISO3 = {"ZAR": "COD", "ROM": "ROU", "TMP": "TLS"}

# codes that denote a historical state and its successor (year-blind conversion)
_SHARED_CODES = {
    "cown": {345: "Yugoslavia to 2006 and Serbia since", 365: "the Soviet Union to 1991 "
             "and Russia since", 255: "Prussia/Germany to 1945 and unified Germany since "
             "1990", 640: "the Ottoman Empire and Turkey"},
    "gwcode": {260: "the German Federal Republic and unified Germany since 1990",
               678: "the Yemen Arab Republic and unified Yemen since 1990"},
}

# other spellings of crosswalk names that country_converter does not know
_CROSSWALK_ALIASES = {
    "wurttemberg": "wuerttemburg", "wuerttemberg": "wuerttemburg",
    "kingdom of wurttemberg": "wuerttemburg", "hesse kassel": "hesse electoral",
    "hesse darmstadt": "hesse grand ducal", "kingdom of the two sicilies": "two sicilies",
    "kingdom of bavaria": "bavaria", "kingdom of saxony": "saxony",
    "kingdom of hanover": "hanover", "grand duchy of baden": "baden",
    "grand duchy of tuscany": "tuscany",
}

@dataclass(frozen=True, eq=False)
class Harmonized:
    """The outcome of :func:`harmonize`: a new table and what could not be matched.

    Attributes
    ----------
    table : DataFrame
        A copy of the input with the code column added (each access returns a copy).
    column, new_column : str
        The column read and the column added.
    source, to : str
        What ``column`` holds and the code system of ``new_column``.
    unmatched : tuple
        Distinct values that matched no country (their rows get a missing code).
    unmatched_rows : tuple
        Index labels of the rows holding those values.
    uncoded : tuple of str
        Distinct values recognised as a country or state that has no code in ``to``
        (e.g. the Soviet Union in ISO3, Greenland in COW): missing code, noted.
    notes : tuple of Note
        Every decision, counted: unmatched and uncoded values, missing values,
        historical names, codes shared by a state and its successor.
    """

    _table: pd.DataFrame
    column: str
    new_column: str
    source: str
    to: str
    unmatched: tuple[Any, ...]
    unmatched_rows: tuple[Hashable, ...]
    uncoded: tuple[Any, ...]
    notes: tuple[Note, ...]

    @property
    def table(self) -> pd.DataFrame:
        """A copy of the harmonized table."""
        return self._table.copy()

    @property
    def n_matched(self) -> int:
        """Rows that received a code."""
        return int(self._table[self.new_column].notna().sum())

    def __repr__(self) -> str:
        return (f"Harmonized({len(self._table)} rows, {show(self.column)} ({self.source}) -> "
                f"{show(self.new_column)} ({self.to}), {self.n_matched} coded, "
                f"{len(self.unmatched)} unmatched value(s), {len(self.notes)} notes)")

    def __str__(self) -> str:
        lines = [repr(self)] + [f"  - {n.message}" for n in self.notes]
        return "\n".join(lines)


def harmonize(
    table: pd.DataFrame,
    column: str,
    to: Target = "iso3",
    *,
    source: Source | None = None,
    new_column: str | None = None,
    errors: Literal["raise", "report"] = "raise",
) -> Harmonized:
    """Add a column of ISO3, COW or G&W codes for the countries named in ``column``.

    Parameters
    ----------
    table : DataFrame
        Any table with a country column; it is not changed.
    column : str
        Column holding country names, ISO3 codes, COW codes or G&W codes.
    to : {"iso3", "cown", "gwcode"}, default "iso3"
        Code system of the new column: ISO 3166-1 alpha-3 (text), Correlates of War
        state number, or Gleditsch & Ward state number (nullable integers, ``Int64``).
    source : {"name", "iso3", "cown", "gwcode"}, optional
        What ``column`` holds. Default: ``"iso3"`` when every value is a known ISO3
        code, ``"name"`` for other text; numbers must say ``"cown"`` or ``"gwcode"``
        (the two systems share most, not all, codes).
    new_column : str, optional
        Name of the added column; default ``to``. An existing column is never
        overwritten.
    errors : {"raise", "report"}, default "raise"
        ``"raise"``: a :class:`~diffusion.errors.DataError` lists the unmatched values
        and their rows. ``"report"``: their rows get a missing code and the values are
        in :attr:`Harmonized.unmatched` and the notes.

    Returns
    -------
    Harmonized
        ``.table`` (a new table), ``.unmatched``, ``.unmatched_rows``, ``.uncoded``,
        ``.notes``.

    Raises
    ------
    DataError
        ``errors="raise"`` and some values match no country.
    SpecificationError
        Unknown ``to``/``source``/``errors``; numbers without ``source``; an existing
        ``new_column``.

    Notes
    -----
    Matching order for names: the historical states of this module's table, then
    country_converter's regular expressions, then the names of the bundled crosswalk
    (:func:`diffusion.datasets.load_regions`). A name that country_converter matches
    to several countries ("Austria-Hungary" -> AUT and HUN) is not guessed: it is
    looked up in the historical table and the crosswalk, or else reported unmatched.
    Like R's ``countrycode``, codes are converted year-blind (see the module
    docstring for the codes a state shares with its successor).

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.countries import harmonize
    >>> t = pd.DataFrame({"country": ["Ivory Coast", "Korea, Rep.", "USSR"], "year": [1995, 1984, 1981]})
    >>> h = harmonize(t, "country", to="cown")
    >>> h.table["cown"].tolist()
    [437, 732, 365]
    >>> harmonize(t, "country", to="iso3").table["iso3"].tolist()
    ['CIV', 'KOR', nan]
    """
    check_frame(table, name="table")
    if not isinstance(column, str):
        raise SpecificationError(f"column must be a column name (str), got {show(column)}.")
    check_columns(table, [column], name="table")
    to = check_option(to, TARGETS, name="to")
    errors = check_option(errors, ERRORS, name="errors")
    if source is not None:
        source = check_option(source, SOURCES, name="source")
    new_column = to if new_column is None else new_column
    if not isinstance(new_column, str) or not new_column:
        raise SpecificationError(f"new_column must be a non-empty string, got {show(new_column)}.")
    if new_column in table.columns:
        raise SpecificationError(
            f"table already has a column {show(new_column)}; pass new_column='...' to name "
            f"the code column differently (existing columns are never overwritten)."
        )

    raw = table[column]
    missing = _missing(raw)
    notes: list[Note] = []
    if source is None:
        source = _guess_source(raw[~missing], column)
        notes.append(Note("country_source", int((~missing).sum()),
                          f"column {show(column)} read as {_SOURCE_TEXT[source]} "
                          f"(pass source= to say otherwise)."))

    keys = [_key(v, source) for v in raw.to_numpy()]
    distinct = list(dict.fromkeys(k for k, m in zip(keys, missing) if not m))
    matches, more_notes = _match(distinct, source)
    notes.extend(more_notes)

    code_of: dict[Any, Any] = {}
    uncoded: list[Any] = []
    unmatched: list[Any] = []
    shared: list[Any] = []
    for k in distinct:
        m = matches.get(k)
        if m is None:
            unmatched.append(k)
            continue
        value = m.code(to)
        if value is None:
            uncoded.append(k)
        code_of[k] = value
        if source in _SHARED_CODES and to != source and k in _SHARED_CODES[source]:
            shared.append(k)
    values = [code_of.get(k) if not m else None for k, m in zip(keys, missing)]
    new = _column(values, to, table.index)

    # ------------------------------------------------------------ report
    rows_of = _rows_by_key(keys, missing, table.index)
    if unmatched:
        shown = listing([f"{show(_raw_of(k, raw, keys))} ({_rows_text(rows_of[k])})"
                         for k in unmatched], limit=10)
        n_rows = sum(len(rows_of[k]) for k in unmatched)
        if errors == "raise":
            raise DataError(
                f"table column {show(column)}: {len(unmatched)} value(s) in {n_rows} row(s) "
                f"match no country ({_SOURCE_TEXT[source]}): {shown}. Correct the spelling, "
                f"recode them yourself, or pass errors='report' to give them a missing code."
            )
        notes.append(Note("country_unmatched", n_rows,
                          f"{len(unmatched)} value(s) in {n_rows} row(s) match no country and "
                          f"have a missing {to}: {shown}."))
    if uncoded:
        why = ("no current ISO code (historical state): use to='cown' or to='gwcode'"
               if to == "iso3" else
               f"no {'COW' if to == 'cown' else 'G&W'} code (not a state of that system)")
        n_rows = sum(len(rows_of[k]) for k in uncoded)
        shown = listing([f"{show(_raw_of(k, raw, keys))} ({matches[k].label})" for k in uncoded],
                        limit=10)
        notes.append(Note("country_no_code", n_rows,
                          f"{len(uncoded)} value(s) in {n_rows} row(s) were recognised but have "
                          f"{why}; their {to} is missing: {shown}."))
    if missing.any():
        notes.append(Note("country_missing", int(missing.sum()),
                          f"{int(missing.sum())} row(s) have no value in {show(column)} and a "
                          f"missing {to}: {_rows_text(list(table.index[missing]))}."))
    historical = [k for k in distinct if k in matches and matches[k].historical]
    if historical and source in ("name", "iso3") and to != "iso3":
        n_rows = sum(len(rows_of[k]) for k in historical)
        notes.append(Note("country_historical", n_rows,
                          f"{len(historical)} value(s) name historical states: "
                          f"{listing([f'{show(_raw_of(k, raw, keys))} -> {matches[k].label}' for k in historical], 10)}."))
    for k in shared:
        system = "COW" if source == "cown" else "G&W"
        notes.append(Note("country_shared_code", len(rows_of[k]),
                          f"{system} {k} denotes {_SHARED_CODES[source][k]}; converted "
                          f"year-blind to {to} {code_of[k]} ({_rows_text(rows_of[k])})."))

    out = table.copy()
    out[new_column] = new
    return Harmonized(out, column, new_column, source, to, tuple(unmatched),
                      tuple(r for k in unmatched for r in rows_of[k]), tuple(uncoded),
                      tuple(notes))


# ------------------------------------------------------------------ matching
_SOURCE_TEXT = {"name": "country names", "iso3": "ISO3 codes", "cown": "COW codes",
                "gwcode": "G&W codes"}


@dataclass(frozen=True)
class _Match:
    iso3: str | None
    cown: int | None
    gwcode: int | None
    label: str
    historical: bool = False

    def code(self, to: str) -> Any:
        return {"iso3": self.iso3, "cown": self.cown, "gwcode": self.gwcode}[to]


def normalize_name(name: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces.

    >>> normalize_name("Côte d’Ivoire")
    'cote d ivoire'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@functools.lru_cache(maxsize=1)
def _crosswalk() -> pd.DataFrame:
    from diffusion.datasets import load_regions

    cw = load_regions()[["iso3", "cown", "gwcode", "country"]]
    return cw


@functools.lru_cache(maxsize=1)
def _lookups() -> dict[str, dict[Any, _Match]]:
    cw = _crosswalk()
    by: dict[str, dict[Any, _Match]] = {"iso3": {}, "cown": {}, "gwcode": {}, "name": {}}
    for iso3, cown, gw, country in cw.itertuples(index=False):
        iso3 = iso3 if isinstance(iso3, str) else None
        cown = None if pd.isna(cown) else int(cown)
        gw = None if pd.isna(gw) else int(gw)
        label = country if iso3 else (
            f"{country}, historical state, " + (f"COW {cown}" if cown is not None else f"G&W {gw}"))
        m = _Match(iso3, cown, gw, label, historical=iso3 is None)
        if iso3:
            by["iso3"][iso3] = m
        if cown is not None:
            by["cown"][cown] = m
        if gw is not None:
            by["gwcode"][gw] = m
        by["name"].setdefault(normalize_name(country), m)
    for alias, name in _CROSSWALK_ALIASES.items():
        by["name"][alias] = by["name"][name]
    hist: dict[str, _Match] = {}
    for h in HISTORICAL_STATES:
        m = _Match(None, h.cown, h.gwcode, f"{h.name}, historical state, COW {h.cown}",
                   historical=True)
        for alias in (h.name, *h.aliases):
            hist[normalize_name(alias)] = m
        for code in h.retired_iso3:
            by["iso3"][code] = m
        # the table's codes complete the crosswalk's historical rows (COW 260, the
        # German Federal Republic, has no G&W code there; G&W 345, Yugoslavia, no COW)
        for system, code in (("cown", h.cown), ("gwcode", h.gwcode)):
            known = by[system].get(code)
            if code is not None and (known is None or known.iso3 is None):
                by[system][code] = m
    for old, new in _RENAMED_ISO3.items():
        by["iso3"][old] = by["iso3"][new]
    by["historical"] = hist
    return by


def _match(distinct: list[Any], source: str) -> tuple[dict[Any, _Match], list[Note]]:
    look = _lookups()
    notes: list[Note] = []
    if source != "name":
        table = look[source]
        return {k: table[k] for k in distinct if k is not None and k in table}, notes
    out: dict[Any, _Match] = {}
    pending: list[str] = []
    for k in distinct:
        norm = normalize_name(k)
        if norm in look["historical"]:
            out[k] = look["historical"][norm]
        elif norm:
            pending.append(k)
    if pending:
        found = coco_iso3(pending)
        if found is None:  # pragma: no cover - country_converter unusable
            found = [[] for _ in pending]
            notes.append(Note("country_converter_unavailable", len(pending),
                              f"country_converter could not be used; {len(pending)} name(s) "
                              f"were matched by the historical table and the crosswalk's "
                              f"names only."))
        ambiguous: list[str] = []
        for k, codes in zip(pending, found):
            if len(codes) == 1 and codes[0] in look["iso3"]:
                out[k] = look["iso3"][codes[0]]
                continue
            by_name = look["name"].get(normalize_name(k))
            if by_name is not None:
                out[k] = by_name
            elif len(codes) > 1:
                ambiguous.append(f"{show(k)} ({' or '.join(codes)})")
        if ambiguous:
            notes.append(Note("country_ambiguous", len(ambiguous),
                              f"{len(ambiguous)} name(s) match several countries and are left "
                              f"unmatched: {listing(ambiguous, 10)}."))
    return out, notes


# ------------------------------------------------------------------ helpers
def _missing(raw: pd.Series) -> np.ndarray:
    miss = raw.isna().to_numpy()
    text = raw.astype("object").to_numpy()
    blank = np.array([isinstance(v, str) and not v.strip() for v in text], dtype=bool)
    return miss | blank


def _key(value: Any, source: str) -> Any:
    """The lookup key of one raw value (None when it cannot be a key)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if source == "name":
        return str(value).strip()
    if source == "iso3":
        return str(value).strip().upper()
    # COW / G&W numbers, possibly given as text ("365", " 2", "365.0")
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        return str(value).strip()
    if np.isfinite(number) and number.is_integer():
        return int(number)
    return str(value).strip()


def _guess_source(values: pd.Series, column: str) -> str:
    if not len(values):
        return "name"
    if pd.api.types.is_numeric_dtype(values) or all(
            isinstance(_key(v, "cown"), int) for v in values.to_numpy()):
        raise SpecificationError(
            f"column {show(column)} holds numbers: say whether they are COW or G&W codes "
            f"with source='cown' or source='gwcode'."
        )
    iso = _lookups()["iso3"]
    if all(isinstance(v, str) and len(v.strip()) == 3 and v.strip().isupper()
           and v.strip() in iso for v in values.to_numpy()):
        return "iso3"
    return "name"


def _column(values: list[Any], to: str, index: pd.Index) -> pd.Series:
    if to == "iso3":
        # object dtype under pandas 2 and 3 alike (as load_regions' iso3)
        return pd.Series(np.array([np.nan if v is None else v for v in values], dtype=object),
                         index=index, dtype=object)
    return pd.Series(pd.array(values, dtype="Int64"), index=index)


def _rows_by_key(keys: list[Any], missing: np.ndarray, index: pd.Index) -> dict[Any, list]:
    rows: dict[Any, list] = {}
    for k, m, label in zip(keys, missing, index):
        if not m:
            rows.setdefault(k, []).append(label)
    return rows


def _rows_text(rows: list) -> str:
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {preview([r.item() if isinstance(r, np.generic) else r for r in rows], 5)}"


def _raw_of(key: Any, raw: pd.Series, keys: list[Any]) -> Any:
    """The first raw value with this key (as the user wrote it)."""
    v = raw.iloc[keys.index(key)]
    return v.item() if isinstance(v, np.generic) else v
