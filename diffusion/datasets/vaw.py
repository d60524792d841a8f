"""Violence-against-women laws and national action plans by country-year (low confidence)."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_vaw_laws"]

_DTYPES = {
    "iso3": "object", "cown": "int64", "country": "object", "year": "int64",
    "instrument": "object", "topic": "object", "n_entries": "int64",
}


def load_vaw_laws() -> pd.DataFrame:
    """Laws and action plans on violence against women, by COW state-year. Low confidence.

    **Does not time first domestic-violence laws.** For the year a country passed its
    first domestic-violence law (Hawkins & Humes 2002 and similar designs) use
    :func:`load_domestic_violence_laws`: checked against the OAS Inter-American
    Commission of Women's list, 5 of 10 first domestic-violence laws here were wrong or
    missing (Argentina none, not 1994; Bolivia 2010, not 1995; Colombia 2000, not 1996;
    Belize 1999, not 1992; Trinidad and Tobago, 1991, and Mexico absent). Keep this
    table for demonstrations and for the other topics, read as "measures in force
    around 2016-2018 and the year each is dated to".

    Unit: the state-year-instrument-topic with at least one entry (1,452 rows, 184 COW
    states, 1908-2016). The frame behind it is every COW state-year 1816-2016: a
    state-year without a row had no entry, so build risk sets from
    :func:`load_state_system` (COW) and treat absence as "none recorded".

    Returns
    -------
    pandas.DataFrame
        A new frame with columns

        ``iso3`` (str), ``cown`` (int), ``country`` (str)
            State (``iso3`` as in :func:`load_covariates`: today's code, also for COW
            260 and 678; empty for states without one).
        ``year`` (int)
        ``instrument`` (str)
            ``"law"`` or ``"action_plan"`` (national action plan).
        ``topic`` (str)
            ``domestic_violence``, ``violence_against_women`` (general VAW laws),
            ``sexual_violence``, ``sexual_harassment``, ``trafficking``, ``fgm``,
            ``child_early_forced_marriage``, ``stalking``, ``femicide``,
            ``forced_sterilization`` and ``new`` (the author's undocumented "new"
            category). The source's ``property`` columns are all zero.
        ``n_entries`` (int)
            Number of database entries of that kind dated to that year (1-4). Not
            cumulative; the first year with an entry is an adoption event.

    Notes
    -----
    **Why low confidence.** A student-built coding (a qualifying paper) of the UN Women
    *Global Database on Violence against Women*, not a published, validated dataset.
    The UN Women database lists the measures *in force* when it was compiled (about
    2016-2018), so the first year here is often a later amendment or replacement, not
    the first law: United States 2003 (VAWA was 1994), Malaysia 2012 (Domestic Violence
    Act 1994), South Africa 2007 (1998); China 1996 is doubtful (Anti-Domestic Violence
    Law 2015). Entries were coded to years by one person, without a codebook; coverage
    ends in 2016. Use it as a demonstration or benchmark, not as legal history.

    Source: Woo, Byung-Deuk (2019), "Diffusion of Laws Against Women Related
    Violence", qualifying paper, github.com/byngdeuk/Qualification-Paper
    (``replication test/replication start.dta``; no licence stated), coded from UN
    Women, Global Database on Violence against Women (evaw-global-database.unwomen.org).
    The file's CEDAW year is not kept (use :func:`load_treaty_ratifications`).
    Codebook: ``data/vaw_laws.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_vaw_laws
    >>> v = load_vaw_laws()
    >>> dv = v[(v["instrument"] == "law") & (v["topic"] == "domestic_violence")]
    >>> int(dv.loc[dv["iso3"] == "IND", "year"].min())
    2005
    """
    return read_table("vaw_laws", _DTYPES)
