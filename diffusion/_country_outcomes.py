"""Outcomes of :func:`diffusion.countries.harmonize`: each value's state in each year.

A value is matched once, year-blind (:class:`Found`); each (value, year) of the table
then gets an :class:`Outcome` -- coded, unmatched, a partial match, a historical state
outside its years, or ambiguous -- and :class:`Report` counts them by value and writes
the error message and the notes.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion._country_years import (
    Family,
    StateMatch,
    ended,
    life,
    member,
    spells,
    years_text,
)
from diffusion._notes import Note
from diffusion.data.checks import listing, preview, show

__all__ = ["Found", "Outcome", "resolve", "Report", "SOURCE_TEXT", "SHARED_CODES",
           "plain_label"]

SOURCE_TEXT = {"name": "country names", "iso3": "ISO3 codes", "cown": "COW codes",
               "gwcode": "G&W codes"}

# codes that denote a historical state and its successor (year-blind conversion)
SHARED_CODES = {
    "cown": {345: "Yugoslavia to 2006 and Serbia since", 365: "the Soviet Union to 1991 "
             "and Russia since", 255: "Prussia/Germany to 1945 and unified Germany since "
             "1990", 640: "the Ottoman Empire and Turkey"},
    "gwcode": {260: "the German Federal Republic and unified Germany since 1990",
               678: "the Yemen Arab Republic and unified Yemen since 1990"},
}


@dataclass(frozen=True)
class Found:
    """What a value matches year-blind."""

    state: StateMatch | None = None           # one state
    candidates: tuple[StateMatch, ...] = ()   # several (country_converter)
    family: Family | None = None              # its state depends on the year
    partial: str | None = None                # words left unexplained ("state")
    via: str = ""                             # "historical", "coco", "crosswalk", "code"


@dataclass(frozen=True)
class Outcome:
    """What one (value, year) is: coded, unmatched, not a state that year, ambiguous."""

    kind: Literal["coded", "unmatched", "partial", "ended", "ambiguous"]
    state: StateMatch | None = None
    candidates: tuple[StateMatch, ...] = ()
    by_year: bool = False         # resolved with the row's year (family)
    year_blind: Family | None = None  # a family name coded without a year
    read_as: str | None = None    # Germany 1946-1990
    partial: str | None = None


def resolve(found: Found | None, key: Any, year: int | None, source: str,
            with_years: bool) -> Outcome:
    """The outcome of one value in one year.

    ``year`` is None for a row without a year; ``with_years`` says whether the table
    has a year column at all.
    """
    if found is None:
        return Outcome("unmatched")
    if found.partial is not None:
        return Outcome("partial", partial=found.partial)
    if found.candidates:
        return Outcome("ambiguous", candidates=found.candidates)
    fam = found.family
    if fam is not None and source != "name" and not with_years:
        fam = None  # codes without a year column: year-blind, as before (shared-code notes)
    if fam is not None:
        if year is None:
            if fam.today is None:
                return Outcome("ambiguous", candidates=fam.states)
            return Outcome("coded", fam.today, year_blind=fam)
        period = fam.at(year)
        states = period.states
        if source != "name":  # a code names one of the period's states, or keeps its own
            states = tuple(s for s in states if s.code(source) == key) or (found.state,)
        if len(states) > 1:
            return Outcome("ambiguous", candidates=states)
        state = states[0]
        if source == "name" and state.historical and ended(state, year):
            return Outcome("ended", state)  # "Korea" 1930
        return Outcome("coded", state, by_year=True,
                       read_as=period.note if source == "name" else None)
    state = found.state
    if year is not None and source == "name" and state.historical and ended(state, year):
        return Outcome("ended", state)  # "Bavaria" 2000
    return Outcome("coded", state)


class Report:
    """Counts and messages of :func:`harmonize`'s outcomes, grouped by value."""

    def __init__(self, raw: pd.Series, keys: list[Any], index: pd.Index,
                 outcomes: list[Outcome | None], years: list[int | None], column: str,
                 to: str, source: str, year: str | None, *, has_year_column: bool) -> None:
        self.raw, self.keys, self.index, self.outcomes = raw, keys, index, outcomes
        self.years, self.column, self.to, self.source, self.year = years, column, to, source, year
        self.has_year_column = has_year_column

    # -------------------------------------------------------------- grouping
    def groups(self, keep: Any, by: Any = None) -> dict[Any, list[int]]:
        """Positions of the rows whose outcome passes ``keep``, by value (and ``by``)."""
        out: dict[Any, list[int]] = {}
        for i, (k, o) in enumerate(zip(self.keys, self.outcomes)):
            if o is not None and keep(o):
                out.setdefault(k if by is None else (k, by(o, i)), []).append(i)
        return out

    def values_rows(self, keep: Any) -> tuple[tuple[Any, ...], tuple[Hashable, ...]]:
        g = self.groups(keep)
        rows = sorted(i for v in g.values() for i in v)
        return tuple(g), tuple(plain_label(self.index[i]) for i in rows)

    def raw_of(self, key: Any) -> str:
        return show(_raw_of(key, self.raw, self.keys))

    def rows(self, positions: list[int]) -> str:
        return _rows_text([self.index[i] for i in positions])

    def years_of(self, positions: list[int]) -> str:
        ys = sorted({self.years[i] for i in positions if self.years[i] is not None})
        return preview(ys, 5)

    # -------------------------------------------------------------- texts
    def _unmatched(self) -> tuple[int, int, str] | None:
        g = self.groups(lambda o: o.kind in ("unmatched", "partial"))
        if not g:
            return None
        shown = listing([f"{self.raw_of(k)} ({self.rows(p)})" for k, p in g.items()], 10)
        return len(g), sum(map(len, g.values())), shown

    def _partial(self) -> tuple[int, int, str] | None:
        g = self.groups(lambda o: o.kind == "partial", by=lambda o, i: o.partial)
        if not g:
            return None
        shown = listing([f"{self.raw_of(k)} ({why})" for (k, why) in g], 10)
        return len(g), sum(map(len, g.values())), shown

    def _ended(self) -> tuple[int, int, str] | None:
        g = self.groups(lambda o: o.kind == "ended", by=lambda o, i: o.state)
        if not g:
            return None
        shown = listing([f"{self.raw_of(k)} in {self.years_of(p)} ({self.rows(p)}; "
                         f"{s.name} existed {years_text(life(s) or ())})"
                         for (k, s), p in g.items()], 10)
        return len({k for k, _ in g}), sum(map(len, g.values())), shown

    def _ambiguous(self) -> tuple[int, int, str] | None:
        g = self.groups(lambda o: o.kind == "ambiguous", by=lambda o, i: o.candidates)
        if not g:
            return None
        shown = listing([
            f"{self.raw_of(k)} ({self.rows(p)}"
            + (f"; in {self.years_of(p)}" if self.year is not None and self.years_of(p) else "")
            + f"): {' or '.join(c.describe(self.to) for c in cands)}"
            for (k, cands), p in g.items()], 10)
        return len({k for k, _ in g}), sum(map(len, g.values())), shown

    def error_text(self) -> str:
        parts = []
        if (u := self._unmatched()) is not None:
            parts.append(f"{u[0]} value(s) in {u[1]} row(s) match no country "
                         f"({SOURCE_TEXT[self.source]}): {u[2]}")
        if (p := self._partial()) is not None:
            parts.append(f"{p[0]} of them contain a country's name and other words, and a "
                         f"state, province or region is not its country: {p[2]}")
        if (n := self._ended()) is not None:
            parts.append(f"{n[0]} value(s) in {n[1]} row(s) name historical states after "
                         f"they ended: {n[2]}")
        if (a := self._ambiguous()) is not None:
            parts.append(f"{a[0]} value(s) in {a[1]} row(s) match several states: {a[2]}")
        todo = "Correct the spelling, write the state's own name"
        if self.year is None and a is not None:
            todo += ", pass year='...' (a column of years) to resolve names by year"
        return (f"table column {show(self.column)}: " + "; ".join(parts) + f". {todo}, "
                f"recode them yourself, or pass errors='report' to give them a missing code.")

    def notes(self, missing: np.ndarray) -> list[Note]:
        to, out = self.to, []
        if (u := self._unmatched()) is not None:
            out.append(Note("country_unmatched", u[1],
                            f"{u[0]} value(s) in {u[1]} row(s) match no country and have a "
                            f"missing {to}: {u[2]}."))
        if (p := self._partial()) is not None:
            out.append(Note("country_partial", p[1],
                            f"{p[0]} value(s) in {p[1]} row(s) contain a country's name and "
                            f"other words (a state, province or region is not its country) "
                            f"and are left unmatched: {p[2]}."))
        if (n := self._ended()) is not None:
            out.append(Note("country_ended", n[1],
                            f"{n[0]} value(s) in {n[1]} row(s) name historical states after "
                            f"they ended and have a missing {to}: {n[2]}."))
        if (a := self._ambiguous()) is not None:
            how = ("write the state's own name" if self.year is not None else
                   "write the state's own name or pass year='...'")
            out.append(Note("country_ambiguous", a[1],
                            f"{a[0]} value(s) in {a[1]} row(s) match several states and "
                            f"have a missing {to} ({how}): {a[2]}."))
        out.extend(self._coded_notes(missing))
        return out

    def _coded_notes(self, missing: np.ndarray) -> list[Note]:
        to, out = self.to, []
        coded = self.groups(lambda o: o.kind == "coded" and o.state.code(to) is None,
                            by=lambda o, i: o.state)
        if coded:
            why = ("no current ISO code (historical state): use to='cown' or to='gwcode'"
                   if to == "iso3" else
                   f"no {'COW' if to == 'cown' else 'G&W'} code (not a state of that system)")
            n_rows = sum(map(len, coded.values()))
            n_values = len({k for k, _ in coded})
            shown = listing([f"{self.raw_of(k)} ({s.label})" for (k, s) in coded], 10)
            out.append(Note("country_no_code", n_rows,
                            f"{n_values} value(s) in {n_rows} row(s) were recognised but have "
                            f"{why}; their {to} is missing: {shown}."))
        if missing.any():
            out.append(Note("country_missing", int(missing.sum()),
                            f"{int(missing.sum())} row(s) have no value in {show(self.column)} "
                            f"and a missing {to}: "
                            f"{_rows_text(list(self.index[missing]))}."))
        hist = self.groups(lambda o: o.kind == "coded" and o.state.historical,
                           by=lambda o, i: o.state)
        if hist and self.source in ("name", "iso3") and to != "iso3":
            n_rows = sum(map(len, hist.values()))
            shown = listing([f"{self.raw_of(k)} -> {s.label}" for (k, s) in hist], 10)
            out.append(Note("country_historical", n_rows,
                            f"{len({k for k, _ in hist})} value(s) name historical states: "
                            f"{shown}."))
        if self.source in SHARED_CODES and to != self.source:
            shared = self.groups(lambda o: o.kind == "coded" and not o.by_year)
            for k, p in shared.items():
                if k in SHARED_CODES[self.source]:
                    system = "COW" if self.source == "cown" else "G&W"
                    code = self.outcomes[p[0]].state.code(to)
                    out.append(Note("country_shared_code", len(p),
                                    f"{system} {k} denotes {SHARED_CODES[self.source][k]}; "
                                    f"converted year-blind to {to} {code} ({self.rows(p)})."))
        blind = self.groups(lambda o: o.year_blind is not None, by=lambda o, i: o.year_blind)
        if blind:
            n_rows = sum(map(len, blind.values()))
            names = listing(dict.fromkeys(f.name for _, f in blind), 5)
            if self.year is None:
                why = "without a year: pass year=" + (
                    "'year' to resolve them" if self.has_year_column else
                    "'...' (a column of years) to resolve them")
            else:
                why = f"because their {show(self.year)} is missing"
            shown = listing([f"{self.raw_of(k)} -> {f.today.describe(to)}"
                             for (k, f) in blind], 10)
            out.append(Note("country_year_blind", n_rows,
                            f"{n_rows} row(s) name states whose code depends on the year "
                            f"({names}) and were coded year-blind {why}: {shown}."))
        read = self.groups(lambda o: o.read_as is not None, by=lambda o, i: (o.state, o.read_as))
        for (k, (s, text)), p in read.items():
            out.append(Note("country_read_as", len(p),
                            f"{self.raw_of(k)} in {self.years_of(p)} ({self.rows(p)}) {text}."))
        if self.year is not None and to in ("cown", "gwcode"):
            outside = self.groups(
                lambda o: o.kind == "coded" and o.state.code(to) is not None,
                by=lambda o, i: (o.state.code(to), member(o.state.code(to), self.years[i], to)
                                 if self.years[i] is not None else None))
            late = {(k, c): p for (k, (c, ok)), p in outside.items() if ok is False}
            if late:
                system = "COW" if to == "cown" else "G&W"
                n_rows = sum(map(len, late.values()))
                shown = listing([f"{self.raw_of(k)} in {self.years_of(p)} -> {c} (member "
                                 f"{years_text(spells(to)[c])})" for (k, c), p in late.items()],
                                10)
                out.append(Note("country_not_member", n_rows,
                                f"{n_rows} row(s) were given a {system} code that is not a "
                                f"member of the {system} state system in their year (code "
                                f"kept; a state-system risk set leaves them out): {shown}."))
        return out


# ------------------------------------------------------------------ helpers
def _rows_text(rows: list) -> str:
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {preview([r.item() if isinstance(r, np.generic) else r for r in rows], 5)}"


def plain_label(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _raw_of(key: Any, raw: pd.Series, keys: list[Any]) -> Any:
    """The first raw value with this key (as the user wrote it)."""
    v = raw.iloc[keys.index(key)]
    return v.item() if isinstance(v, np.generic) else v
