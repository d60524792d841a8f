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
   countries under any of their usual names -- kept only when every word of the name
   belongs to a name of that country or is a word of state form (below);
3. the English names of the bundled crosswalk
   (:func:`diffusion.datasets.load_regions`: Baden, Bavaria, Hanover, Tibet, ...).

country_converter's expressions *search* the name, so on their own they would make
"Niger State" (a Nigerian state) Niger, "Western Australia" Australia and "Punjab
(India)" India. A match is kept only when each word of the name is a word of one of
the country's names (country_converter's short and official names and the literal
words of its expression, the crosswalk's and the state-system list's names), a word
of state form ("republic", "rep", "dem", "people's", "of", "the", "sar", "pdr",
...), or a word the country's expression matches whole ("usa", "uae", "drc"). Other
names are left unmatched with a note (kind ``country_partial``) naming the country
and the extra words.

Names that denote several states
--------------------------------
"Congo" (Republic of the Congo, 484, or Democratic Republic of the Congo, 490),
"Korea" after 1947 (North, 731, or South, 732), and names country_converter gives
several countries ("France and Germany") are never given one of them: their rows get
a missing code, and :attr:`Harmonized.ambiguous` and a note (kind
``country_ambiguous``) list them with their candidates; with ``errors="raise"`` they
are an error. With ``year=``, a name is given the state that existed in its row's
year:

| name (and any spelling coco gives the same ISO3) | years     | COW        | G&W        |
|--------------------------------------------------|-----------|------------|------------|
| Germany                                          | to 1945   | 255        | 255        |
|                                                  | 1946-1990 | 260 (FRG)  | 260        |
|                                                  | from 1991 | 255        | 260        |
| Yemen                                            | to 1966   | 678        | 678        |
|                                                  | 1967-1989 | 678 or 680: ambiguous  |  |
|                                                  | from 1990 | 679        | 678        |
| Vietnam                                          | to 1893   | none       | 815        |
|                                                  | 1894-1953 | 816        | 816        |
|                                                  | 1954-1975 | 816 or 817: ambiguous  |  |
|                                                  | from 1976 | 816        | 816        |
| Korea                                            | to 1947   | 730        | 730        |
|                                                  | from 1948 | 731 or 732: ambiguous  |  |
| Congo                                            | any year  | 484 or 490: ambiguous  |  |
| West Germany, German Federal Republic, FRG       | to 1990   | 260        | 260        |
|                                                  | from 1991 | 255        | 260        |
| North Yemen, Yemen Arab Republic                 | to 1989   | 678        | 678        |
|                                                  | from 1990 | 679        | 678        |

The boundaries are those of the state-system table
(:func:`diffusion.datasets.load_state_system`); in 1990, when COW lists 255 and 260,
678, 679 and 680, the name is the state the project's covariates table gives it.
"Germany" 1946-1990 is read as the German Federal Republic, as the covariates table
codes Germany's rows, with a note (kind ``country_read_as``): write "East Germany" or
"German Democratic Republic" for the GDR (265). The German Federal Republic and the
Yemen Arab Republic absorbed the other state in 1990 and go on as unified Germany and
Yemen (G&W keep 260 and 678 and name them so). "East Germany", "South Yemen", "South
Vietnam", "Republic of Vietnam", ... name one state in any year until it ended.
Without ``year=``, Germany, Yemen, Vietnam and the German Federal Republic and Yemen
Arab Republic are coded year-blind (today's Germany, Yemen and Vietnam; the FRG and
the YAR) and a note (``country_year_blind``) says so; Korea and Congo stay ambiguous.

With ``year=``, a historical state's name is no country's after the state ended (the
last year of its spells in COW or G&W): "Bavaria" is COW 245 in 1850 and unmatched in
2000, when it is a German Land (note kind ``country_ended``). Before its first year a
name keeps its code, like a country's before independence (Kosovo 1999, South Sudan
2005). A code that is not a member of the target system in its row's year (Germany
1950 in COW, which lists the German Federal Republic from 1955; South Sudan before
2011; India in 1930) is kept and noted (``country_not_member``).

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
| Korean Empire, Kingdom of Korea (to 1905/1910)         | 730 | 730 | plain "Korea": see above                    |
| Zanzibar                                               | 511 | 511 |                                             |
| Kosovo                                                 | 347 | 347 | XKX is a user-assigned code, not ISO        |

Every spelling is in ``HISTORICAL_STATES``. German and Italian states before
unification (Baden, Bavaria, Württemberg, the Two Sicilies, ...) are matched by the
crosswalk's names.

Converting one of these to ``to="iso3"`` gives a missing value and a note (they
have no current ISO code): use ``to="cown"`` or ``"gwcode"`` for historical data.
The retired ISO codes are accepted with ``source="iso3"``, as are ZAR (Zaire, now
COD), ROM (Romania, ROU) and TMP (East Timor, TLS).

Without ``year=``, codes are converted year-blind. COW 345, 365, 255 and 640, and
G&W 260 and 678, denote both a historical state and its present successor; the
crosswalk maps them to the successor's ISO code (SRB, RUS, DEU, TUR, DEU, YEM) and
the result says so in a note. With ``year=``, the codes of Germany, Yemen and Vietnam
(ISO3 DEU, YEM, VNM; COW 255, 679, 816; G&W 260, 678, 816) are converted to the state
of the row's year by the table above (G&W 260 in 1970 is COW 260, in 1995 COW 255;
ISO3 YEM in 1980 is the Yemen Arab Republic, 678); other codes stay year-blind.
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

from diffusion._coco import coco_iso3, coco_regex, coco_vocabulary
from diffusion._country_years import StateMatch, family_of
from diffusion._country_outcomes import (
    SOURCE_TEXT,
    Found,
    Outcome,
    Report,
    plain_label,
    resolve,
)
from diffusion._notes import Note
from diffusion.data.checks import (
    check_columns,
    check_frame,
    check_option,
    check_years,
    listing,
    show,
)
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
                    ("yemen arab republic", "north yemen", "yemen north", "yar",
                     "arab republic of yemen", "yemen arab republic of yemen")),
    HistoricalState("Yemen People's Republic", 680, 680,
                    ("south yemen", "yemen south", "yemen people s republic",
                     "yemen peoples republic", "people s democratic republic of yemen",
                     "peoples democratic republic of yemen", "yemen pdr", "yemen p d r",
                     "yemen people s republic of", "yemen peoples republic of",
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
        Distinct values that some row could not be given one state for: they match no
        country (or only part of a name does: "Niger State"), name a historical state
        after it ended ("Bavaria" in 2000), or match several states. Those rows get
        a missing code.
    unmatched_rows : tuple
        Index labels of those rows.
    uncoded : tuple of str
        Distinct values recognised as a country or state that has no code in ``to``
        (e.g. the Soviet Union in ISO3, Greenland in COW): missing code, noted.
    notes : tuple of Note
        Every decision, counted: unmatched, ambiguous and uncoded values, missing
        values, historical names, codes shared by a state and its successor, names
        coded without a year, codes of non-members in their year.
    ambiguous : tuple
        Distinct values that match several states (in some row's year): "Congo",
        "Korea" after 1947, "Yemen" 1967-1989. They are in ``unmatched`` too (no row of
        theirs got a code) and their candidates are in the notes.
    ambiguous_rows : tuple
        Index labels of the rows holding ambiguous values.
    year : str or None
        The column of years used, if any.
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
    ambiguous: tuple[Any, ...] = ()
    ambiguous_rows: tuple[Hashable, ...] = ()
    year: str | None = None

    @property
    def table(self) -> pd.DataFrame:
        """A copy of the harmonized table."""
        return self._table.copy()

    @property
    def n_matched(self) -> int:
        """Rows that received a code."""
        return int(self._table[self.new_column].notna().sum())

    def __repr__(self) -> str:
        ambiguous = f" ({len(self.ambiguous)} ambiguous)" if self.ambiguous else ""
        return (f"Harmonized({len(self._table)} rows, {show(self.column)} ({self.source}) -> "
                f"{show(self.new_column)} ({self.to}), {self.n_matched} coded, "
                f"{len(self.unmatched)} unmatched value(s){ambiguous}, {len(self.notes)} notes)")

    def __str__(self) -> str:
        lines = [repr(self)] + [f"  - {n.message}" for n in self.notes]
        return "\n".join(lines)


def harmonize(
    table: pd.DataFrame,
    column: str,
    to: Target = "iso3",
    *,
    year: str | None = None,
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
    year : str, optional
        Column of years (whole numbers; missing values allowed). With it, a name is
        given the state that existed in its row's year ("Germany" 1950 is the German
        Federal Republic, 260; 1995 unified Germany, COW 255), historical states are
        not recognised after they ended ("Bavaria" is a state in 1850, not in 2000),
        and codes that are not state-system members in the row's year are noted.
        Without it names are coded year-blind, and names whose state depends on the
        year are noted.
    source : {"name", "iso3", "cown", "gwcode"}, optional
        What ``column`` holds. Default: ``"iso3"`` when every value is a known ISO3
        code, ``"name"`` for other text; numbers must say ``"cown"`` or ``"gwcode"``
        (the two systems share most, not all, codes).
    new_column : str, optional
        Name of the added column; default ``to``. An existing column is never
        overwritten.
    errors : {"raise", "report"}, default "raise"
        ``"raise"``: a :class:`~diffusion.errors.DataError` lists the values that match
        no country or several states, with their rows. ``"report"``: their rows get a
        missing code and the values are in :attr:`Harmonized.unmatched` (and
        :attr:`Harmonized.ambiguous`) and the notes.

    Returns
    -------
    Harmonized
        ``.table`` (a new table, every input row in input order), ``.unmatched``,
        ``.unmatched_rows``, ``.ambiguous``, ``.ambiguous_rows``, ``.uncoded``,
        ``.notes``.

    Raises
    ------
    DataError
        ``errors="raise"`` and some values match no country or several states; names
        (or ISO3 codes) that are not text.
    InvalidTimeError
        ``year`` holds values that are not whole years (fractions, text, dates).
    MissingColumnError
        ``column`` or ``year`` is not a column of ``table``.
    SpecificationError
        Unknown ``to``/``source``/``errors``; numbers without ``source``; an existing
        ``new_column``.

    Notes
    -----
    Matching order for names: the historical states of this module's table, then
    country_converter's regular expressions, then the names of the bundled crosswalk
    (:func:`diffusion.datasets.load_regions`).

    *Partial matches are refused.* country_converter's regular expressions search the
    name, so "Niger State" (a Nigerian state) would be Niger and "Western Australia"
    Australia. A match is kept only when every word of the name is a word of one of
    that country's names (country_converter's names and regular expression, the
    crosswalk's and the state-system list's names) or a word of state form
    ("republic", "rep", "dem", "of", "the", ...). "Korea, Rep." and "Bolivia
    (Plurinational State of)" pass; "Niger State", "Punjab (India)", "Bavaria,
    Germany", "Kurdistan Region of Iraq" are unmatched and noted.

    *Ambiguous names are not guessed.* "Congo" (484 or 490), "Korea" after 1947 (731 or
    732; before 1948 the Korean state, 730), "Yemen" 1967-1989 (678 or 680) and
    "Vietnam" 1954-1975 (816 or 817), and names country_converter gives several
    countries ("France and Germany"), get a missing code and a note naming the
    candidates (or, with ``errors="raise"``, an error). Write the state's own name
    ("Republic of the Congo", "South Korea", "North Yemen", "South Vietnam").
    "Germany" 1946-1990 is read as the German Federal Republic (260), as the
    project's covariates table codes it, with a note; write "East Germany" for 265.
    "Sudan" is 625 in every year, "South Sudan" 626.

    *Year boundaries* are those of the state-system table
    (:func:`diffusion.datasets.load_state_system`); in a year of change the name is
    the state the covariates table gives it (Germany 1990: 260; Yemen 1990: 679).
    With ``source="iso3"``/``"cown"``/``"gwcode"`` and a ``year``, the codes of
    Germany, Yemen and Vietnam are converted to the state of that year (G&W 260 in
    1995 is COW 255, in 1970 COW 260); other codes are converted year-blind, as R's
    ``countrycode`` does (see the module docstring for the codes a state shares with
    its successor).

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
    >>> g = pd.DataFrame({"country": ["Germany", "Germany", "Congo"],
    ...                   "year": [1950, 1995, 1970]})
    >>> h = harmonize(g, "country", to="cown", year="year", errors="report")
    >>> h.table["cown"].tolist()
    [260, 255, <NA>]
    >>> h.ambiguous
    ('Congo',)
    """
    check_frame(table, name="table")
    if not isinstance(column, str):
        raise SpecificationError(f"column must be a column name (str), got {show(column)}.")
    check_columns(table, [column], name="table")
    to = check_option(to, TARGETS, name="to")
    errors = check_option(errors, ERRORS, name="errors")
    if source is not None:
        source = check_option(source, SOURCES, name="source")
    if year is not None:
        if not isinstance(year, str):
            raise SpecificationError(f"year must be a column name (str), got {show(year)}.")
        check_columns(table, [year], name="table")
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
    years = (None if year is None else
             check_years(table, year, name="table", allow_missing=True))
    notes: list[Note] = []
    if source is None:
        source = _guess_source(raw[~missing], column)
        notes.append(Note("country_source", int((~missing).sum()),
                          f"column {show(column)} read as {SOURCE_TEXT[source]} "
                          f"(pass source= to say otherwise)."))
    if source in ("name", "iso3"):
        _check_text(raw, missing, column, source)

    keys = [_key(v, source) for v in raw.to_numpy()]
    distinct = list(dict.fromkeys(k for k, m in zip(keys, missing) if not m))
    found, more_notes = _match(distinct, source)
    notes.extend(more_notes)

    # ------------------------------------------------------------ each row's state
    row_years: list[int | None] = (
        [None] * len(keys) if years is None else
        [None if np.isnan(y) else int(y) for y in years])
    outcome_of: dict[tuple[Any, int | None], Outcome] = {}
    outcomes: list[Outcome | None] = []
    for k, m, y in zip(keys, missing, row_years):
        if m:
            outcomes.append(None)
            continue
        pair = (k, y)
        if pair not in outcome_of:
            outcome_of[pair] = resolve(found.get(k), k, y, source, years is not None)
        outcomes.append(outcome_of[pair])
    values = [o.state.code(to) if o is not None and o.kind == "coded" else None
              for o in outcomes]
    new = _column(values, to, table.index)

    # ------------------------------------------------------------ report
    report = Report(raw, keys, table.index, outcomes, row_years, column, to, source, year,
                     has_year_column="year" in table.columns)
    unmatched, unmatched_rows = report.values_rows(lambda o: o.kind != "coded")
    ambiguous, ambiguous_rows = report.values_rows(lambda o: o.kind == "ambiguous")
    if unmatched and errors == "raise":
        raise DataError(report.error_text())
    notes.extend(report.notes(missing))

    out = table.copy()
    out[new_column] = new
    uncoded = report.values_rows(lambda o: o.kind == "coded" and o.state.code(to) is None)[0]
    return Harmonized(out, column, new_column, source, to, unmatched, unmatched_rows, uncoded,
                      tuple(notes), ambiguous, ambiguous_rows, year)


# ------------------------------------------------------------------ matching
_Match = StateMatch


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
    # the state-system lists' own names ("Hesse-Kassel (Electoral)", "United Provinces of
    # Central America", "Vietnam (Annam/Cochin China/Tonkin)") name their codes' states
    from diffusion.datasets import load_state_system

    for system, col in (("cow", "cown"), ("gw", "gwcode")):
        ss = load_state_system(system=system)
        for code, country in zip(ss[col], ss["country"]):
            known = by[col].get(int(code))
            if known is not None:
                by["name"].setdefault(normalize_name(country), known)
    for old, new in _RENAMED_ISO3.items():
        by["iso3"][old] = by["iso3"][new]
    by["historical"] = hist
    return by


def _match(distinct: list[Any], source: str) -> tuple[dict[Any, Found], list[Note]]:
    look = _lookups()
    notes: list[Note] = []
    if source != "name":
        table = look[source]
        return {k: Found(table[k], family=family_of(None, table[k]), via="code")
                for k in distinct if k is not None and k in table}, notes
    out: dict[Any, Found] = {}
    pending: list[str] = []
    for k in distinct:
        norm = normalize_name(k)
        if norm in look["historical"]:
            state = look["historical"][norm]
            out[k] = Found(state, family=family_of(None, state), via="historical")
        elif family_of(norm, None) is not None:  # "Korea", "Congo": never one state
            out[k] = Found(family=family_of(norm, None), via="name")
        elif norm:
            pending.append(k)
    if not pending:
        return out, notes
    found = coco_iso3(pending)
    if found is None:  # pragma: no cover - country_converter unusable
        found = [[] for _ in pending]
        notes.append(Note("country_converter_unavailable", len(pending),
                          f"country_converter could not be used; {len(pending)} name(s) "
                          f"were matched by the historical table and the crosswalk's "
                          f"names only."))
    for k, codes in zip(pending, found):
        norm = normalize_name(k)
        by_name = look["name"].get(norm)
        codes = [c for c in codes if c in look["iso3"]]
        if len(codes) == 1:
            state = look["iso3"][codes[0]]
            extra = _unexplained(norm, codes[0])
            if not extra:
                out[k] = Found(state, family=family_of(norm, state), via="coco")
                continue
            if by_name is None:
                out[k] = Found(partial=f"{state.name}; also "
                                        f"{listing([repr(w) for w in extra], 5)}")
                continue
        if by_name is not None:
            out[k] = Found(by_name, family=family_of(norm, by_name), via="crosswalk")
        elif len(codes) > 1:
            out[k] = Found(candidates=tuple(look["iso3"][c] for c in codes), via="coco")
    return out, notes


# words of state form that any country's name may carry ("Korea, Rep.", "Iran, Islamic
# Rep.", "Venezuela, RB", "Lao PDR", "Hong Kong SAR, China", "St. Lucia"); never the
# words of a part of a country ("state", "province", "region", "north", "western")
_STATE_FORM_WORDS = frozenset(
    "of the and republic rep dem democratic people peoples s fed federal federation "
    "federative islamic arab socialist united kingdom union commonwealth plurinational "
    "bolivarian rb pdr sar fyr former st saint sts jamahiriya".split())

# other names of a country whose words country_converter's names do not have
_MORE_WORDS = {"TWN": ("chinese taipei",), "KGZ": ("kirghizia",), "BEN": ("dahomey",),
               "LBY": ("libyan arab jamahiriya",)}


@functools.lru_cache(maxsize=None)
def _vocabulary(iso3: str) -> frozenset[str]:
    """Words that may make up a name of ``iso3``: country_converter's names and regular
    expression, the crosswalk's and the state-system list's names."""
    texts = [*coco_vocabulary(iso3), *_MORE_WORDS.get(iso3, ()),
             *_bundled_names().get(iso3, ())]
    return frozenset(w for t in texts for w in normalize_name(t).split())


@functools.lru_cache(maxsize=1)
def _bundled_names() -> dict[str, tuple[str, ...]]:
    """ISO3 -> the names the crosswalk and the state-system lists give it."""
    from diffusion.datasets import load_state_system

    out: dict[str, list[str]] = {}
    tables = [_crosswalk(), load_state_system(system="cow"), load_state_system(system="gw")]
    for t in tables:
        for iso3, country in zip(t["iso3"], t["country"]):
            if isinstance(iso3, str):
                out.setdefault(iso3, []).append(str(country))
    return {k: tuple(v) for k, v in out.items()}


def _unexplained(norm: str, iso3: str) -> list[str]:
    """Words of a (normalized) name that do not belong to a name of ``iso3``.

    A word belongs when it is a word of one of the country's names, a word of state
    form, or a word the country's regular expression matches whole on its own ("usa",
    "uae", "drc"; not "somaliland", which Somalia's ``somali`` matches in part).
    """
    vocab = _vocabulary(iso3)
    regexes = coco_regex(iso3)
    return [w for w in dict.fromkeys(norm.split())
            if w not in vocab and w not in _STATE_FORM_WORDS
            and not any(_whole(rx, w) for rx in regexes)]


def _whole(regex: re.Pattern[str], word: str) -> bool:
    found = regex.search(word)
    return found is not None and found.start() == 0 and found.end() == len(word)


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


def _check_text(raw: pd.Series, missing: np.ndarray, column: str, source: str) -> None:
    """Names and ISO3 codes are text: refuse numbers, booleans, lists, ... among them."""
    values = raw.to_numpy(dtype=object)
    bad = [i for i, (v, m) in enumerate(zip(values, missing))
           if not m and not isinstance(v, (str, np.str_))]
    if bad:
        what = "country names" if source == "name" else "ISO3 codes"
        shown = listing([f"{show(values[i]) if _printable(values[i]) else '<unprintable>'} "
                         f"(row {show(plain_label(raw.index[i]))}, "
                         f"{type(values[i]).__name__})" for i in bad], 5)
        raise DataError(
            f"table column {show(column)} holds {what}, but {len(bad)} value(s) are not "
            f"text: {shown}. Give names as text; give COW or G&W numbers in a column of "
            f"their own with source='cown' or source='gwcode'."
        )


def _printable(value: Any) -> bool:
    try:
        return len(repr(value)) < 80
    except Exception:  # a hostile __repr__
        return False
