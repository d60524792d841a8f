"""Country names whose state depends on the year, and the state-system spells.

Used by :func:`diffusion.countries.harmonize` when it is given a ``year`` column. The
year boundaries below are those of the project's state-system table
(``data/state_system.csv``, :func:`diffusion.datasets.load_state_system`); the test
suite checks every boundary against it:

* Germany: COW 255 ends in 1945 and restarts in 1990; the German Federal Republic is
  COW 260 1955-1990 and G&W 260 from 1949 (G&W keep 260 for unified Germany).
* Yemen: the Yemen People's Republic (680) is a member 1967-1990; unified Yemen is
  COW 679 from 1990 (G&W continue the Yemen Arab Republic's 678).
* Vietnam: the Republic of Vietnam (817) is a member 1954-1975; 816 from 1954; G&W 815
  (Vietnam/Annam) 1816-1893.
* Korea: 730 is COW 1887-1905 and G&W 1816-1910; North (731) and South (732) Korea
  from 1948 (COW 732 from 1949).
* Congo: the Republic of the Congo (484) and the Democratic Republic of the Congo (490)
  both from 1960.

In a year of change (1990: COW 255 and 260, 678, 679 and 680 are all members) a name
is given the state the project's covariates table (``data/covariates.csv``) gives it:
Germany 1990 is the German Federal Republic (260), Yemen 1990 unified Yemen (679).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["StateMatch", "Period", "Family", "family_of", "spells", "life", "member", "ended",
           "years_text"]


@dataclass(frozen=True)
class StateMatch:
    """One state: its ISO3, COW and G&W codes (None where it has none)."""

    iso3: str | None
    cown: int | None
    gwcode: int | None
    label: str
    historical: bool = False

    def code(self, to: str) -> Any:
        return {"iso3": self.iso3, "cown": self.cown, "gwcode": self.gwcode}[to]

    def describe(self, to: str) -> str:
        """``"Republic of the Congo (COW 484)"``: the state and its code in ``to``."""
        code = self.code(to)
        system = {"iso3": "ISO3", "cown": "COW", "gwcode": "G&W"}[to]
        return f"{self.name} ({system} {code})" if code is not None else \
            f"{self.name} (no {system} code)"

    @property
    def name(self) -> str:
        return self.label.split(",")[0]


@dataclass(frozen=True)
class Period:
    """Years ``first``..``last`` (inclusive; None = open) and the states a name can mean."""

    first: int | None
    last: int | None
    states: tuple[StateMatch, ...]
    note: str | None = None  # a reading worth telling the user (Germany 1949-1990)

    def contains(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and \
            (self.last is None or year <= self.last)


@dataclass(frozen=True)
class Family:
    """A name whose state depends on the year; ``today`` None: ambiguous without one."""

    name: str
    periods: tuple[Period, ...]
    today: StateMatch | None

    def at(self, year: int) -> Period:
        return next(p for p in self.periods if p.contains(year))

    @property
    def states(self) -> tuple[StateMatch, ...]:
        return tuple(dict.fromkeys(s for p in self.periods for s in p.states))


_GERMANY_TO_1945 = StateMatch("DEU", 255, 255, "Germany (Prussia), COW and G&W 255")
_FRG = StateMatch("DEU", 260, 260, "German Federal Republic, COW and G&W 260")
_GERMANY = StateMatch("DEU", 255, 260, "Germany (unified), COW 255, G&W 260")
_YAR = StateMatch("YEM", 678, 678, "North Yemen (Yemen Arab Republic), COW and G&W 678")
_YPR = StateMatch(None, 680, 680, "South Yemen (Yemen People's Republic), COW and G&W 680",
                  historical=True)
_YEMEN = StateMatch("YEM", 679, 678, "Yemen (unified), COW 679, G&W 678")
# COW list no state for Vietnam before 1954; 816 (today's Vietnam's) is kept for it,
# as the covariates table does, and the member-year note tells
_ANNAM = StateMatch("VNM", 816, 815, "Vietnam (Annam), G&W 815")
_DRV = StateMatch("VNM", 816, 816,
                  "North Vietnam (Democratic Republic of Vietnam), COW and G&W 816")
_RVN = StateMatch(None, 817, 817, "South Vietnam (Republic of Vietnam), COW and G&W 817",
                  historical=True)
_VIETNAM = StateMatch("VNM", 816, 816, "Vietnam, COW and G&W 816")
_KOREA = StateMatch(None, 730, 730, "Korea (to 1905/1910), COW and G&W 730", historical=True)
_PRK = StateMatch("PRK", 731, 731, "North Korea, COW and G&W 731")
_KOR = StateMatch("KOR", 732, 732, "South Korea, COW and G&W 732")
_COG = StateMatch("COG", 484, 484, "Republic of the Congo (Brazzaville), COW and G&W 484")
_COD = StateMatch("COD", 490, 490, "Democratic Republic of the Congo (Kinshasa), COW and G&W 490")

GERMANY = Family("Germany", (
    Period(None, 1945, (_GERMANY_TO_1945,)),
    # No German state is a COW member 1946-1954 nor a G&W member 1946-1948; the project's
    # covariates table codes Germany's rows 260 from 1946 to 1990, and so does this.
    Period(1946, 1990, (_FRG,),
           "read as the German Federal Republic (West Germany, 260), as the project's "
           "covariates table does; write 'East Germany' or 'German Democratic Republic' "
           "for the GDR (265)"),
    Period(1991, None, (_GERMANY,)),
), _GERMANY)
YEMEN = Family("Yemen", (
    Period(None, 1966, (_YAR,)),
    Period(1967, 1989, (_YAR, _YPR)),
    Period(1990, None, (_YEMEN,)),
), _YEMEN)
VIETNAM = Family("Vietnam", (
    Period(None, 1893, (_ANNAM,)),
    Period(1894, 1953, (_VIETNAM,)),
    Period(1954, 1975, (_DRV, _RVN)),
    Period(1976, None, (_VIETNAM,)),
), _VIETNAM)
KOREA = Family("Korea", (
    Period(None, 1947, (_KOREA,)),
    Period(1948, None, (_PRK, _KOR)),
), None)
CONGO = Family("Congo", (Period(None, None, (_COG, _COD)),), None)

# The German Federal Republic and the Yemen Arab Republic absorbed the German
# Democratic Republic and the Yemen People's Republic in 1990 and go on as unified
# Germany and Yemen (G&W keep their codes 260 and 678 and their names; COW gives them
# 255 and 679 from 1990): their names after 1990 are the unified states'.
_FRG_1949 = StateMatch(None, 260, 260, "German Federal Republic, historical state, COW 260",
                       historical=True)
_YAR_1918 = StateMatch(None, 678, 678, "Yemen Arab Republic, historical state, COW 678",
                       historical=True)
FRG = Family("German Federal Republic", (
    Period(None, 1990, (_FRG_1949,)),
    Period(1991, None, (_GERMANY,)),
), _FRG_1949)
YAR = Family("Yemen Arab Republic", (
    Period(None, 1989, (_YAR_1918,)),
    Period(1990, None, (_YEMEN,)),
), _YAR_1918)

FAMILIES = (GERMANY, YEMEN, VIETNAM, KOREA, CONGO, FRG, YAR)
# names that are the family's whatever country_converter says ("Korea" is not South Korea)
_BY_NAME = {"korea": KOREA, "congo": CONGO, "the congo": CONGO}
# states of today whose earlier years belong to another state
_BY_ISO3 = {"DEU": GERMANY, "YEM": YEMEN, "VNM": VIETNAM}
# historical states that go on as a unified state (by COW code)
_BY_HISTORICAL_COW = {260: FRG, 678: YAR}


def family_of(normalized: str | None, match: StateMatch | None) -> Family | None:
    """The year-dependent family of a name (normalized) or of a year-blind match."""
    if normalized is not None and normalized in _BY_NAME:
        return _BY_NAME[normalized]
    if match is None:
        return None
    if match.historical:
        return _BY_HISTORICAL_COW.get(match.cown)  # type: ignore[arg-type]
    return _BY_ISO3.get(match.iso3)  # type: ignore[arg-type]


# ------------------------------------------------------------------ spells
_FIRST_YEAR = 1816  # both lists begin in 1816 (state_system.md)

@functools.lru_cache(maxsize=2)
def spells(system: str) -> dict[int, tuple[tuple[int | None, int | None], ...]]:
    """Code -> membership spells ``(start, end)`` in ``"cown"`` or ``"gwcode"``.

    ``end`` is None for a spell open at the end of the list; ``start`` is None for a
    spell that begins with the list (1816): the lists do not say what came before.
    """
    from diffusion.datasets import load_state_system

    table = load_state_system(system="cow" if system == "cown" else "gw")
    first = int(table["start"].min())
    out: dict[int, list[tuple[int | None, int | None]]] = {}
    for code, start, end, open_ended in zip(table[system], table["start"], table["end"],
                                            table["open_ended"]):
        out.setdefault(int(code), []).append(
            (None if int(start) == first else int(start), None if open_ended else int(end)))
    return {k: tuple(v) for k, v in out.items()}


def _within(year: int, spans: tuple[tuple[int | None, int | None], ...]) -> bool:
    return any((a is None or year >= a) and (b is None or year <= b) for a, b in spans)


def member(code: int, year: int, system: str) -> bool | None:
    """Whether ``code`` is a member of the system in ``year`` (None: code not listed)."""
    spans = spells(system).get(int(code))
    if spans is None:
        return None
    return _within(year, spans)


# historical states whose G&W code goes on as their successor's: their own years end
# with their COW spell (the German Federal Republic in 1990, the Yemen Arab Republic in
# 1990), not with G&W's open spell
_ENDS_WITH_COW = {260, 678}


def life(state: StateMatch) -> tuple[tuple[int | None, int | None], ...] | None:
    """Years in which a historical state existed: its spells in COW or G&W (None: unknown)."""
    spans: list[tuple[int | None, int | None]] = []
    cow = spells("cown").get(state.cown, ()) if state.cown is not None else ()
    spans.extend(cow)
    if state.gwcode is not None:
        gw = spells("gwcode").get(state.gwcode, ())
        if state.gwcode in _ENDS_WITH_COW and cow:
            last = max(b for _, b in cow if b is not None)
            gw = tuple((a, last if b is None or b > last else b) for a, b in gw)
        spans.extend(gw)
    return tuple(spans) or None


def ended(state: StateMatch, year: int) -> bool:
    """Whether a historical state had ended by ``year`` (False when its years are unknown).

    Only the end counts: before its first year a state's name is kept like any
    country's before independence (Kosovo 1999, the German Democratic Republic 1946),
    and a member-year note tells; after its last year the name is no country's
    ("Bavaria" in 2000 is a German Land).
    """
    spans = life(state)
    if spans is None or any(b is None for _, b in spans):
        return False
    return year > max(b for _, b in spans if b is not None)


def years_text(spans: tuple[tuple[int | None, int | None], ...]) -> str:
    """``"1816-1871"``, ``"1949-1990"``, ``"from 2008"`` for a message.

    A spell that begins with the lists (start None) is shown from 1816, their first year.
    """
    merged: list[list[int | None]] = []
    order = sorted(spans, key=lambda s: -10**9 if s[0] is None else s[0])
    for a, b in order:
        if merged and (merged[-1][1] is None or a is None or a <= merged[-1][1] + 1):
            prev = merged[-1][1]
            merged[-1][1] = None if prev is None or b is None else max(prev, b)
        else:
            merged.append([a, b])
    parts = []
    for a, b in merged:
        a = _FIRST_YEAR if a is None else a
        if b is None:
            parts.append(f"from {a}")
        else:
            parts.append(f"{a}-{b}")
    return ", ".join(parts)
