"""Country-year covariates: GDP, population, democracy, IGO and INGO proxies."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_covariates"]

_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "year": "int64", "gdppc": "float64", "pop": "float64", "polyarchy": "float64",
    "polity2": "Int64", "bmr": "Int64", "igo_count": "Int64", "ingo_hq": "Int64",
    "kof_political": "float64",
}


def load_covariates() -> pd.DataFrame:
    """Country-year covariates from seven public sources, 1800-2024.

    Unit: the country-year (30,312 rows). A row exists where at least one source has a
    value; a missing cell means the source has no value for that country-year.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by ``cown`` and ``year``, with columns

        ``iso3`` (str), ``cown`` (Int64), ``gwcode`` (Int64), ``country`` (str)
            ``cown`` is the COW code *of that year* (the German Federal Republic's rows
            are 260 for 1949-1990, Germany's 255 before and after; the Yemen Arab
            Republic's 678 to 1989, Yemen's 679 from 1990). ``iso3`` is today's ISO
            code, also given to the predecessor that held it (260 -> DEU, 678 -> YEM).
            ``gwcode`` is the G&W code of the row's state *if it was a G&W member that
            year* (255 for Germany to 1945, 260 from 1949; 345 for Yugoslavia
            1918-2005), else empty. The G&W list ends in 2017; states still members
            then keep their code to 2024. ``(cown, year)``, ``(iso3, year)`` and
            ``(gwcode, year)`` are each unique.
        ``year`` (int)
        ``gdppc`` (float)
            Real GDP per capita, 2011 international dollars (Maddison Project 2023),
            1800-2022; thin before 1950 (72 countries in 1913, 145 in 1950).
        ``pop`` (float)
            Population, thousands (Maddison Project 2023).
        ``polyarchy`` (float)
            V-Dem v15 electoral democracy index ``v2x_polyarchy``, 0-1, 1800-2024.
        ``polity2`` (Int64)
            Polity5's own ``polity2``, -10 to 10, to 2020: the special codes of
            ``polity`` recoded by Polity's rule -- interruption (-66) missing,
            interregnum (-77) 0, transition (-88) prorated between the scores before
            and after it. A transition with no score on one side stays missing: at the
            start of a series, India 1947-1951 (its first score is 1952), and at the end,
            the German Democratic Republic 1989-1990. Nothing is filled in here.
        ``bmr`` (Int64)
            Boix-Miller-Rosato dichotomous democracy (v4), 0/1, to 2020.
        ``igo_count`` (Int64)
            Full memberships in intergovernmental organisations (COW IGO v3,
            ``sum_igo_full``), 1816-2014.
        ``ingo_hq`` (Int64)
            International NGOs in the WINGO catalogue headquartered in the country and
            existing that year, by today's country, 1800-2020 (0 where none).
        ``kof_political`` (float)
            KOF de facto political globalisation ``KOFPoGIdf`` (embassies, UN
            peace-keeping, international NGOs), 0-100, 1970-2015.

    Notes
    -----
    **Proxies only for INGO ties.** The measures used in world-polity research --
    counts of a country's memberships in international NGOs from the Union of
    International Associations' *Yearbook* (Paxton's INGO network score,
    Hafner-Burton & Tsutsui) -- are proprietary and are not here. ``igo_count`` counts
    *intergovernmental* organisations; ``ingo_hq`` counts INGO *secretariats hosted*,
    highly concentrated in a few countries (United States, Belgium, United Kingdom,
    Switzerland, France); ``kof_political`` is an index with an INGO component. Label
    any use as a proxy.

    Joins: V-Dem, Polity, BMR and COW IGO are coded by the COW code of the state in
    that year; Maddison, KOF and WINGO by today's ISO code, attached to the row holding
    that code in that year. For the USSR (365, 1922-1991), Czechoslovakia (315, 1918-1992)
    and Yugoslavia (345, 1918-1991) ``gdppc`` and ``pop`` are Maddison's series for the
    union, not for Russia or Serbia alone. In 1990 two COW states held one ISO code;
    the one that was a member for more of the year keeps it (260 for Germany, 679 for
    Yemen) and the other row (255 and 678 in 1990) has no ``iso3``.

    Known issues: democracyData codes V-Dem's Czechoslovakia as 316 (Czechia), Polity
    and BMR as 315, so for 1918-1992 ``polyarchy`` sits on the 316 rows. Maddison's
    Germany before 1990 is today's territory. ``ingo_hq`` follows today's borders
    (no value for states without an ISO code, such as the German Democratic Republic).
    In transition years with two units under one code in a source (Italy and Sardinia
    1861, Russia and the USSR 1922, ...) the successor's value is kept. KOF codes
    ROM, ZAR, TMP, ADO, WBG, IMY were recoded to ISO (ROU, COD, TLS, AND, PSE, IMN) and
    its aggregates dropped. WINGO's HQ country code was corrected for 78 INGOs (runs of
    consecutive codes disagreeing with the country name, e.g. US-based INGOs coded
    3-17). Details in ``data/covariates.md``.

    Sources: Bolt & van Zanden (2024), Maddison Project Database 2023 (CC BY 4.0), via
    the R package maddison. Coppedge et al., V-Dem Country-Year Dataset v15 (CC BY-SA
    4.0); Marshall & Gurr, Polity5 (Center for Systemic Peace); Boix, Miller & Rosato
    (2013), *Comparative Political Studies* 46(12), v4 -- all three via the R package
    democracyData. Pevehouse et al. (2020), "Tracking Organizations in the World: The
    Correlates of War IGO Version 3.0 datasets", *Journal of Peace Research* 57(3), via
    peacesciencer. Lall, WINGO v1.1 (github.com/ranjitlall/wingo; no licence stated).
    Gygli, Haelg, Potrafke & Sturm (2019), "The KOF Globalisation Index - Revisited",
    *Review of International Organizations* 14(3), 2018 release (free for research with
    citation). Codebook: ``data/covariates.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_covariates
    >>> cov = load_covariates()
    >>> cov.loc[(cov["iso3"] == "SWE") & (cov["year"] == 1900), "pop"].item()
    5117.0
    """
    return read_table("covariates", _DTYPES)
