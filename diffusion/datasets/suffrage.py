"""First year of female suffrage per country (LIED v6.8, with Paxton et al. beside it)."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_suffrage"]

_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "year": "Int64", "year_paxton": "Int64", "left_censored": "bool",
    "left_censored_paxton": "bool",
}


def load_suffrage() -> pd.DataFrame:
    """First year of female suffrage per country, from LIED v6.8 and from Paxton et al.

    Unit: the country (one row per Correlates of War code). Years: first suffrage years
    1893-2012 (LIED, observed 1789-2024) and 1907-2011 (Paxton/OWID, observed 1893-2017).
    217 rows; 198 have a LIED year, 196 a Paxton year.

    Returns
    -------
    pandas.DataFrame
        A new frame with columns

        ``iso3`` (str), ``cown`` (Int64, unique), ``gwcode`` (Int64), ``country`` (str)
            Codes and name; ``iso3`` is empty for states that no longer exist
            (German Federal Republic, Czechoslovakia, Yemen Arab Republic, ...).
            ``gwcode`` is the G&W code of the same row of :func:`load_regions` (today's
            Germany, COW 255, is G&W 260; the German Federal Republic, COW 260, has
            none; unified Yemen, COW 679, is G&W 678).
        ``year`` (Int64)
            First year with LIED's ``female_suffrage == 1``: "virtually all female
            citizens are allowed to vote in national elections". Missing: never by 2024
            (Saudi Arabia, Brunei, the United Arab Emirates, ...) or a state that
            ended before (Baden, Bavaria, ...).
        ``year_paxton`` (Int64)
            First year coded "Yes" for universal female suffrage by Paxton, Hughes &
            Green (2006) as extended to 2017 by Our World in Data.
        ``left_censored``, ``left_censored_paxton`` (bool)
            The year equals the first year the source observes the country, so the
            true adoption may be earlier (LIED: 35 rows; Paxton: 112, because Paxton
            only observes sovereign years -- New Zealand enters in 1907, Finland in
            1917). Treat these as left-truncated, not as adoption events.

    Notes
    -----
    **LIED codes the United States as 1965**, not 1920: LIED sets male and female
    suffrage to 1 only from the Voting Rights Act, when virtually all citizens could
    vote. Paxton gives 1920. Other differences follow from the definitions: Australia
    1901 (LIED) and 1962 (Paxton, Aboriginal women); Japan 1952 and 1945 (LIED codes the
    occupation as not sovereign); Kuwait 2006 and 2005. Choose one source and say which.

    Construction: LIED has several units for some COW codes (Prussia and Germany are
    255; Russia and the USSR 365; Serbia, Yugoslavia and Serbia-Montenegro 345); the
    first year is the earliest over those units, and ``left_censored`` compares it with
    the earliest year observed for any of them. LIED units without a COW code (Cape
    Colony, Hamburg, Newfoundland, Somaliland, the Palestinian units, ...) are left out.
    Paxton/OWID entities are matched to COW codes by name ("Germany pre-1949" and
    "Germany" to 255, "USSR" and "Russia" to 365, ...); American Samoa has none and is
    left out.

    Sources: LIED, Skaaning, Gerring & Bartusevičius, *Lexical Index of Electoral
    Democracy* v6.8, Harvard Dataverse doi:10.7910/DVN/WPKNIT (CC0 1.0), read from the
    R package democracyData 0.6.0 (X. Marquez), which adds the COW and G&W codes.
    Paxton, Hughes & Green (2006), "The International Women's Movement and Women's
    Political Representation, 1893-2003", *American Sociological Review* 71(6),
    ICPSR 24340 (ICPSR terms), as extended by Our World in Data (owid/owid-datasets;
    OWID's own work CC BY 4.0). Codebook with every decision: ``data/suffrage.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_suffrage
    >>> s = load_suffrage()
    >>> s.loc[s["iso3"] == "USA", ["year", "year_paxton"]].to_numpy().tolist()
    [[1965, 1920]]
    """
    return read_table("suffrage", _DTYPES)
