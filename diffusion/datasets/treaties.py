"""Ratification years of the UN core human-rights treaties, long form."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["TREATIES", "load_treaty_ratifications", "load_belem_do_para"]

#: Short codes of the 18 treaties, in the order of the table.
TREATIES = (
    "CEDAW", "OP-CEDAW", "ICCPR", "ICCPR-OP1", "ICCPR-OP2", "ICESCR", "ICESCR-OP", "CAT",
    "OPCAT", "CRC", "CRC-OP-AC", "CRC-OP-SC", "CRC-OP-IC", "ICERD", "ICMW", "CPED", "CRPD",
    "CRPD-OP",
)

_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "treaty": "object", "year": "int64",
}


def load_treaty_ratifications() -> pd.DataFrame:
    """Year each UN member state became a party to each UN human-rights treaty.

    Unit: the (state, treaty) pair; only parties have a row, so a non-party is
    right-censored at the status date (mid-2022). 193 UN member states, 18 treaties,
    2,302 rows; years 1966-2022.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by treaty (order of :data:`TREATIES`) and ``iso3``, with

        ``iso3`` (str), ``cown`` (Int64), ``gwcode`` (Int64), ``country`` (str)
            The state (today's codes; Serbia is COW 345, Germany COW 255).
        ``treaty`` (str)
            CEDAW, OP-CEDAW, ICCPR, ICCPR-OP1 (individual complaints), ICCPR-OP2
            (death penalty), ICESCR, ICESCR-OP, CAT, OPCAT, CRC, CRC-OP-AC (armed
            conflict), CRC-OP-SC (sale of children), CRC-OP-IC (communications), ICERD,
            ICMW (migrant workers), CPED (enforced disappearance), CRPD, CRPD-OP.
        ``year`` (int)
            Year of ratification, accession or succession (the status pages' single
            date column; signature alone does not count). Years only, no dates.

    Notes
    -----
    Corrections (source of the correct year: UN Treaty Collection, chapter IV, status
    page of the treaty; all listed in ``data/treaties.md``):

    * CEDAW: Cabo Verde 1991 -> 1980 (accession 5 Dec 1980), Gambia 1983 -> 1993
      (16 Apr 1993), Philippines 1987 -> 1981 (5 Aug 1981), Singapore 1993 -> 1995
      (5 Oct 1995).
    * ICERD, where the source gives the signature year: United States 1966 -> 1994,
      United Kingdom 1966 -> 1969, Brazil 1966 -> 1968, Jamaica 1966 -> 1971,
      Mexico 1966 -> 1975.
    * ICERD, further errors found while building: Germany 1973 -> 1969 (1973 is the
      German Democratic Republic's accession; the Federal Republic ratified on 16 May
      1969); Antigua and Barbuda 1998 -> 1988 (succession 25 Oct 1988); Brunei removed
      (not a party: the source took the United Kingdom's 1969 ratification, which then
      covered Brunei).
    * Parties are rows with status "state party" and a year. Five rows have that status
      and a year but the source's party flag 0 (Kazakhstan ICCPR-OP1 2009, Moldova
      ICESCR 1993, Belgium, Brazil and Ecuador CRC-OP-IC 2014/2017/2018): kept.
      Zimbabwe's OP-CEDAW row has the status but no year and flag 0: left out.

    Known issues: denunciations are not recorded (Jamaica denounced ICCPR-OP1 in 1997,
    Trinidad and Tobago in 2000; both keep their ratification year). Successor states
    carry the predecessor's date (Russia the USSR's; the Czech Republic and Slovakia
    1993 by succession). Only the 193 UN members: the Holy See, the State of Palestine,
    the Cook Islands and Niue, and predecessor states, are absent.

    Source: United Nations Treaty Collection (treaties.un.org), chapter IV "Human
    Rights", status pages as scraped in May-June 2022 by
    world-politics-datalab/humanrights-treaties-ratification-status (no licence
    stated; the dates are public facts). Codebook: ``data/treaties.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_treaty_ratifications
    >>> t = load_treaty_ratifications()
    >>> int(t.query("iso3 == 'PHL' and treaty == 'CEDAW'")["year"].iloc[0])
    1981
    """
    return read_table("treaties", _DTYPES)


def load_belem_do_para() -> pd.DataFrame:
    """Year each state ratified the Belém do Pará Convention (OAS, 1994).

    The Inter-American Convention on the Prevention, Punishment and Eradication of
    Violence against Women (OAS Treaty A-61, adopted 9 June 1994, in force 5 March
    1995). Unit: state party (32 rows); non-parties (Canada, the United States,
    Cuba) are absent.

    Returns
    -------
    pandas.DataFrame
        ``iso3`` (str), ``cown`` (int), ``country`` (str), ``year`` (int): year the
        instrument of ratification or accession was deposited with the OAS General
        Secretariat.

    Notes
    -----
    Source: OAS Department of International Law, "Signatories and ratifications,
    A-61" (public status table); years compiled by hand (facts only). Known issue:
    not re-checked automatically against the OAS site; see ``data/belem_do_para.md``.
    Used by the Hawkins & Humes (2002) replication (``python -m diffusion replicate
    domestic_violence``).

    Examples
    --------
    >>> from diffusion.datasets import load_belem_do_para
    >>> int(load_belem_do_para().set_index("iso3").loc["BRA", "year"])
    1995
    """
    return read_table("belem_do_para", {"iso3": "object", "cown": "int64",
                                        "country": "object", "year": "int64"})
