"""First national domestic-violence laws of the 35 OAS member states."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_domestic_violence_laws"]

_DTYPES = {
    "iso3": "object", "cown": "int64", "country": "object", "year": "Int64",
    "law": "object", "level": "object", "confidence": "object", "source": "object",
    "notes": "object",
}


def load_domestic_violence_laws() -> pd.DataFrame:
    """Year of the first national domestic-violence law, one row per OAS member state.

    Unit: the country (35 rows, every member state of the Organization of American
    States), the setting of Hawkins & Humes (2002). Laws from 1991 (Bahamas, Trinidad and
    Tobago) to 2009 (Suriname). ``iso3`` is unique.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by ``iso3``, with columns

        ``iso3`` (str), ``cown`` (int), ``country`` (str)
            State (``country`` as in :func:`load_regions`).
        ``year`` (Int64)
            Year the first national law specific to domestic or intra-family violence
            was enacted (for Peru the year it was promulgated). Missing where no
            national law was found: Canada and Mexico (sub-national laws only, see
            ``notes``), Cuba and Haiti (none found). A missing year is "no national
            law found by the compilers", not proof that none exists.
        ``law`` (str)
            Title and number of that law; missing where ``year`` is.
        ``level`` (str)
            ``"national"`` (federal laws included: the United States' Violence
            Against Women Act), ``"sub-national"`` (only a provincial or Federal
            District law was found) or ``"none found"``.
        ``confidence`` (str)
            ``"high"``: the year is stated by the OAS Inter-American Commission of
            Women's list of laws or by the law's own text or gazette, and no source read
            disagrees. ``"medium"``: secondary sources only, or sources that disagree, or
            an earlier measure was not checked (the reason is in ``notes``). ``"low"``:
            Mexico (see ``notes``).
        ``source`` (str)
            Address of the page the year was read from.
        ``notes`` (str)
            Why a row is not ``"high"``, the sub-national law of Canada and Mexico,
            and later or replacement laws (Chile 2005, Trinidad and Tobago 1999, Panama
            2001, Grenada 2010, Venezuela 2007).

    Notes
    -----
    **Use this table, not** :func:`load_vaw_laws`, **to time domestic-violence laws.**
    The violence-against-women table codes the UN Women database's laws *in force*
    around 2016-2018, so its first year is often a later or replacement law: checked
    against the OAS list, 5 of 10 first laws in the Americas were wrong or missing there
    (Argentina none instead of 1994, Bolivia 2010 instead of 1995, Colombia 2000 instead
    of 1996, Belize 1999 instead of 1992; Trinidad and Tobago, 1991, and Mexico absent).

    This is not Hawkins & Humes' own coding (their country-year data were not found);
    it was compiled independently, country by country, and years may differ from theirs.
    Peru's year (Law 26260, 1993) was added by this project from a secondary source;
    every added or corrected cell is listed, with its source and a short quote, in
    ``scripts/sources/domestic_violence_review.csv`` (Belize's 1992 is confirmed there).
    Known doubts (Jamaica 1995 or 1996, Saint Kitts and Nevis 2000 or 2001, Brazil's and
    Uruguay's earlier penal-code provisions) are in ``notes``.

    For a discrete-time event history of first laws, a row with a missing ``year`` is a
    country at risk until the end of the study (right-censored), not an adopter; the
    sub-national years of Canada (1995) and Mexico (1996) are in ``notes`` for a
    sensitivity analysis.

    Source: compiled from public pages, chiefly the Inter-American Commission of Women
    (CIM, OAS), "Laws on violence" (oas.org/CIM/english/LawsViolence.htm), national
    gazettes and law texts, Immigration and Refugee Board of Canada responses and the
    UN Women Global Database on Violence against Women; one source address per row.
    Facts with short citations; no reuse licence is stated by the sources. Reference:
    Hawkins, Darren and Melissa Humes (2002), "Human Rights and Domestic Violence",
    *Political Science Quarterly* 117(2). Codebook:
    ``data/domestic_violence_laws.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_domestic_violence_laws
    >>> dv = load_domestic_violence_laws().set_index("iso3")
    >>> int(dv.loc["ARG", "year"]), int(dv.loc["TTO", "year"])
    (1994, 1991)
    """
    return read_table("domestic_violence_laws", _DTYPES)
