"""Year of female suffrage per country: LIED v6.8, Paxton et al., and equal terms with men."""

from __future__ import annotations

from typing import Literal, get_args

import pandas as pd

from diffusion.datasets._files import read_table
from diffusion.errors import SpecificationError

__all__ = ["Definition", "load_suffrage"]

Definition = Literal["lied", "paxton", "equal_terms"]

_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "year": "Int64", "year_paxton": "Int64", "left_censored": "bool",
    "left_censored_paxton": "bool", "year_equal": "Int64", "confidence_equal": "object",
    "source_equal": "object", "alternatives_equal": "object",
}
_YEAR = {"lied": "year_lied", "paxton": "year_paxton", "equal_terms": "year_equal"}
_COLUMNS = ["iso3", "cown", "gwcode", "country", "year", "year_lied", "year_paxton",
            "year_equal", "left_censored", "left_censored_paxton", "confidence_equal",
            "source_equal", "alternatives_equal"]


def load_suffrage(*, definition: Definition = "lied") -> pd.DataFrame:
    """Year of female suffrage per country under one of three definitions.

    Unit: the country (one row per Correlates of War code). 217 rows. ``year`` is the
    year of the chosen ``definition``; the three definitions' years are all kept beside
    it (``year_lied``, ``year_paxton``, ``year_equal``), so the choice only decides
    which one is called ``year``.

    Parameters
    ----------
    definition : {"lied", "paxton", "equal_terms"}, default "lied"
        ``"lied"``: the first year "virtually all female citizens are allowed to vote
        in national elections" (LIED v6.8; 1893-2012, 198 rows have one).
        ``"paxton"``: the first year coded "Yes" for universal female suffrage by
        Paxton, Hughes & Green (2006), extended to 2017 by Our World in Data (196 rows).
        ``"equal_terms"``: the year of the legal act that first let women vote in
        national elections *on the same terms as men*, the event of Ramirez, Soysal &
        Shanahan (1997) (198 rows). The default stays ``"lied"`` so that code written
        before the option existed gets the same ``year``; replications of Ramirez et
        al. should ask for ``"equal_terms"``.

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
            The year of the chosen definition: a copy of ``year_lied``,
            ``year_paxton`` or ``year_equal``. ``frame.attrs["definition"]`` names it.
        ``year_lied`` (Int64)
            First year with LIED's ``female_suffrage == 1``: "virtually all female
            citizens are allowed to vote in national elections". Missing: never by 2024
            (Saudi Arabia, Brunei, the United Arab Emirates, ...) or a state that
            ended before (Baden, Bavaria, ...).
        ``year_paxton`` (Int64)
            First year coded "Yes" for universal female suffrage by Paxton, Hughes &
            Green (2006) as extended to 2017 by Our World in Data.
        ``year_equal`` (Int64)
            Year of the law, decree or constitution that first let women vote in
            national elections on the same terms as men. Restrictions that bound both
            sexes (race, literacy for all, colonial status) do not delay it;
            restrictions on women only (a higher age, an education or property test,
            separate registration) do. Municipal votes do not count. For a state that
            became independent later, the year refers to its territory before
            independence (French West Africa: 1956, the loi-cadre's single college).
            Missing: states that ended before women voted (Baden, Korea before 1910),
            the Vatican, Saudi Arabia, and three rows not researched (Kosovo,
            Zanzibar, the Republic of Vietnam).
        ``left_censored``, ``left_censored_paxton`` (bool)
            ``year_lied`` (``year_paxton``) equals the first year LIED (Paxton)
            observes the country, so the true adoption may be earlier (LIED: 35 rows;
            Paxton: 112, because Paxton only observes sovereign years -- New Zealand
            enters in 1907, Finland in 1917). Treat these as left-truncated, not as
            adoption events. ``year_equal`` has no observation window and no flag.
        ``confidence_equal`` (str)
            "high": a country-specific source states the equal-terms event; "medium":
            a country-specific source with some ambiguity, or two independent sources
            agree; "low": a single list, an unresolved conflict, or a year of the
            territory before independence that no country source confirms. Empty
            where ``year_equal`` is.
        ``source_equal`` (str)
            Address of the source of ``year_equal`` (the quote and the reasoning are
            in the build script's ``scripts/sources/suffrage_equal_terms_review.csv``
            or in the shared first-pass table).
        ``alternatives_equal`` (str)
            Other defensible equal-terms years, ``;``-separated, for the contested
            cases (Portugal 1976, South Africa 1994, ...); empty for the others. The
            sources are in ``scripts/sources/suffrage_equal_terms_alternatives.csv``.

    Raises
    ------
    SpecificationError
        ``definition`` is not one of the three names.

    Notes
    -----
    **The definitions differ by decades for some countries.** LIED waits until virtually
    all adults could vote: the United States 1965 (Voting Rights Act) where the equal-
    terms year is 1920 and Paxton's 1920; Brazil 1985 against 1932; Ecuador 1978 against
    1929. Paxton is left-truncated at sovereignty and counts the last racial restriction
    (Australia 1962, Canada 1960; equal terms 1902 and 1918). The equal-terms year ignores
    restrictions that bound men too (South Africa 1930, white women; the alternative
    1994 is listed), and waits for the last restriction on women only (Portugal 1968,
    Hungary 1945, Egypt 1979). Choose one definition and say which.

    **Correction.** LIED and Paxton both give Turkey 1930, the year of the municipal vote
    (Municipal Code, Act 1580 of 3 April 1930); women won the national vote with the
    constitutional and electoral amendments of 5 December 1934. Both columns carry 1934.

    Construction: LIED has several units for some COW codes (Prussia and Germany are
    255; Russia and the USSR 365; Serbia, Yugoslavia and Serbia-Montenegro 345); the
    first year is the earliest over those units, and ``left_censored`` compares it with
    the earliest year observed for any of them. LIED units without a COW code (Cape
    Colony, Hamburg, Newfoundland, Somaliland, the Palestinian units, ...) are left out.
    Paxton/OWID entities are matched to COW codes by name ("Germany pre-1949" and
    "Germany" to 255, "USSR" and "Russia" to 365, ...); American Samoa has none and is
    left out. The equal-terms year is the shared first-pass compilation with the
    project's review laid over it, row by row.

    Sources: LIED, Skaaning, Gerring & Bartusevičius, *Lexical Index of Electoral
    Democracy* v6.8, Harvard Dataverse doi:10.7910/DVN/WPKNIT (CC0 1.0), read from the
    R package democracyData 0.6.0 (X. Marquez), which adds the COW and G&W codes.
    Paxton, Hughes & Green (2006), "The International Women's Movement and Women's
    Political Representation, 1893-2003", *American Sociological Review* 71(6),
    ICPSR 24340 (ICPSR terms), as extended by Our World in Data (owid/owid-datasets;
    OWID's own work CC BY 4.0). Equal terms: public pages cited row by row (facts and
    years, with quotations of at most 25 words). Codebook with every decision, the
    counts by confidence and the contested cases: ``data/suffrage.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_suffrage
    >>> s = load_suffrage(definition="equal_terms").set_index("iso3")
    >>> s.loc[["USA", "TUR"], ["year", "year_lied", "year_paxton"]].to_numpy().tolist()
    [[1920, 1965, 1920], [1934, 1934, 1934]]
    """
    if definition not in _YEAR:
        raise SpecificationError(
            f"definition={definition!r} is not a suffrage definition; choose one of "
            f"{', '.join(repr(d) for d in get_args(Definition))} (LIED's 'virtually all "
            "women vote', Paxton et al.'s universal suffrage, or the national vote on "
            "the same terms as men of Ramirez, Soysal & Shanahan 1997)."
        )
    frame = read_table("suffrage", _DTYPES).rename(columns={"year": "year_lied"})
    frame["year"] = frame[_YEAR[definition]]
    frame = frame[_COLUMNS]
    frame.attrs["definition"] = definition
    return frame
