"""Thin adapter around country_converter (``coco``): names to ISO3 codes, quietly.

country_converter is the name matcher of :func:`diffusion.countries.harmonize`. Its
quirks are handled here, in one place:

* it logs ("X not found in regex", "More than one regular expression match") and may
  print or warn; all of it is silenced (the caller reports unmatched names itself);
* version 1.3.2 reads its table with ``converters=str``, which under pandas 3 makes
  Namibia's ISO2 code "NA" a missing value and fails in ``CountryConverter()``; its
  table is read here as text and handed over as a DataFrame;
* a name it matches to several countries comes back as a list, kept as such;
* its regular expressions *search* the name: "Niger State" (a Nigerian state) matches
  Niger's ``\\bniger(?!ia)``, "Western Australia" Australia's ``australia``, "Bavaria,
  Germany" Germany's. :func:`coco_vocabulary` gives, for each ISO3 code, the texts whose
  words may make up a name of that country (its short and official names and the
  literal words of its regular expression), and :func:`coco_regex` the expression itself;
  the caller refuses a match that leaves words of the name unexplained.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import re
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["coco_iso3", "coco_vocabulary", "coco_regex"]

_NOT_FOUND = "\x00not found"

# integer columns of country_converter's table (its CountryConverter.__init__)
_COCO_INT_COLUMNS = ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember",
                     "obsolete", "GEOnumeric")


@functools.lru_cache(maxsize=1)
def _coco() -> Any:
    """country_converter's converter, or None when it cannot be built.

    country_converter 1.3.2 reads its own table with ``converters=str``, which under
    pandas 3 turns Namibia's ISO2 code "NA" into a missing value and fails. Its table
    is therefore read here, as text with only empty cells missing (as our loaders
    read the bundled tables), and handed to it as a DataFrame.
    """
    with _quiet():
        try:
            import country_converter as coco
            from country_converter import country_converter as module
        except ImportError:  # pragma: no cover - a declared dependency
            return None
        try:
            data = pd.read_csv(module.COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str,
                               keep_default_na=False, na_values=[""])
            data = data.astype(object)  # plain Python strings for its regexes (pandas 3)
            for col in _COCO_INT_COLUMNS:
                if col in data.columns:
                    data[col] = pd.to_numeric(data[col], errors="coerce").astype("Int64")
            return coco.CountryConverter(country_data=data)
        except Exception:  # pragma: no cover - another layout: its own loader
            try:
                return coco.CountryConverter()
            except Exception:
                return None


@contextlib.contextmanager
def _quiet():
    """Silence country_converter: its logger, prints and warnings."""
    loggers = [logging.getLogger("country_converter"),
               logging.getLogger("country_converter.country_converter")]
    before = [lg.disabled for lg in loggers]
    try:
        for lg in loggers:
            lg.disabled = True
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, b in zip(loggers, before):
            lg.disabled = b


def coco_iso3(names: Sequence[str]) -> list[list[str]] | None:
    """ISO3 codes that country_converter's regexes give each name ([] when none).

    None when country_converter cannot be loaded or fails (the caller says so).
    """
    # coco's regexes expect ASCII apostrophes ("Cote d'Ivoire") and single spaces
    # ("viet.?nam" misses "Viet   Nam")
    cleaned = [" ".join(str(n).replace("\u2019", "'").replace("\u2018", "'")
                        .replace("`", "'").split()) for n in names]
    cc = _coco()
    if cc is None:  # pragma: no cover - country_converter unusable here
        return None
    with _quiet():
        try:
            found = cc.convert(list(cleaned), src="regex", to="ISO3", enforce_list=True,
                               not_found=_NOT_FOUND)
        except Exception:  # pragma: no cover - a coco failure
            return None
    out = []
    for codes in found:
        codes = [c for c in (codes if isinstance(codes, list) else [codes])
                 if isinstance(c, str) and c != _NOT_FOUND]
        out.append(list(dict.fromkeys(codes)))
    return out


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, tuple[list[str], list[str]]]:
    """ISO3 -> (names, regular expressions) from country_converter's own table."""
    cc = _coco()
    data = getattr(cc, "data", None)
    if data is None:  # pragma: no cover - country_converter unusable here
        return {}
    out: dict[str, tuple[list[str], list[str]]] = {}
    for iso3, short, official, regex in zip(data["ISO3"], data["name_short"],
                                            data["name_official"], data["regex"]):
        if not isinstance(iso3, str):  # pragma: no cover - its table has one per row
            continue
        names, regexes = out.setdefault(iso3, ([], []))
        names.extend(str(n) for n in (short, official) if isinstance(n, str))
        if isinstance(regex, str):
            regexes.append(regex)
    return out


def coco_vocabulary(iso3: str) -> tuple[str, ...]:
    """Texts whose words may make up a name country_converter gives ``iso3``.

    Its short and official names, and the literal words of its regular expression
    (escapes such as ``\\b`` removed): for Côte d'Ivoire "Côte d'Ivoire", "Republic of
    Côte d'Ivoire" and "ivoire ivory". Empty when country_converter is unusable.
    """
    names, regexes = _table().get(iso3, ([], []))
    literal = [re.sub(r"\\.", " ", rx) for rx in regexes]
    return (*names, *literal)


def coco_regex(iso3: str) -> tuple[re.Pattern[str], ...]:
    """country_converter's regular expression(s) for ``iso3``, compiled case-blind."""
    out = []
    for rx in _table().get(iso3, ([], []))[1]:
        try:
            out.append(re.compile(rx, re.IGNORECASE))
        except re.error:  # pragma: no cover - its table compiles
            continue
    return tuple(out)
