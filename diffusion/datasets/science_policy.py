"""First national science-policy bodies and first science ministries, by country."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_science_policy"]

_DTYPES = {
    "iso3": "object", "cown": "int64", "country": "object", "year": "Int64",
    "body": "object", "body_type": "object", "ministry_year": "Int64", "ministry": "object",
    "confidence": "object", "source": "object", "upper_bound": "bool", "none_by": "Int64",
}


def load_science_policy() -> pd.DataFrame:
    """Year each state created its first national science-policy body, one row per country.

    Unit: the country, historical states included (Czechoslovakia, the Soviet Union, the
    German Democratic Republic, Yugoslavia). Built for event histories of the kind in
    Finnemore (1993), who argues that states created science-policy bureaucracies on
    UNESCO's model, and Jang (2000), who times cabinet-level science ministries. Coverage
    is partial: the states of the 1945-1990 COW system without a row are listed, with the
    counts by region and confidence, in ``data/science_policy.md``. ``iso3`` and ``cown``
    are unique.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by ``iso3``, with columns

        ``iso3`` (str)
            ISO 3166-1 alpha-3 code; withdrawn codes for states that no longer exist
            (``CSK``, ``SUN``, ``DDR``, ``YUG``).
        ``cown`` (int)
            Correlates of War code, from :func:`load_regions`; historical states CSK 315,
            SUN 365, DDR 265, YUG 345. ``DEU`` is the German Federal Republic, 260: its
            1962 ministry predates unified Germany (255, a member from 1990).
        ``country`` (str)
            Name as in :func:`load_regions` (historical states by their own name).
        ``year`` (Int64)
            Year of the first national science-policy body (missing only for the rows
            coded ``"none"``, see ``none_by``): the first central-government
            organisation charged with coordinating, planning or advising on national
            science (and technology) policy -- a science or research ministry or minister,
            a national S&T council or commission with a cross-government mandate, a
            department or agency for national coordination of research, or a national
            research council whose founding text gives it that role. Academies, sectoral
            bodies (atomic energy, agriculture), purely research-performing institutes and
            defence bodies do not count; the earliest body that fits is used. Bodies
            created before independence are not used.
        ``body`` (str), ``body_type`` (str)
            Its name and kind: ``"ministry"``, ``"council"``, ``"commission"``,
            ``"department"`` or ``"agency"``; ``"none"`` (and no ``body``) where a source
            shows that the state had no national body.
        ``ministry_year`` (Int64), ``ministry`` (str)
            First cabinet-level ministry or minister for science, research or technology
            (Jang's event; ministers without portfolio, state committees of ministry rank
            and combined portfolios that name science count). Missing means no year was
            verified, **not** that there was no ministry.
        ``confidence`` (str)
            ``"high"``: an official or near-official source (the body's own history, the
            founding law, an archive) states the year and the body clearly fits.
            ``"medium"``: one good secondary source, or a judgement on which body fits.
            ``"low"``: a doubtful fit, thin text, or an upper bound.
        ``source`` (str)
            Address of the page the year was read on.
        ``upper_bound`` (bool)
            The compilers found that an earlier national body existed but not its
            founding year, so ``year`` may be too late.
        ``none_by`` (Int64)
            For ``"none"`` rows: the year by which a source read shows there was still no
            national body (Eswatini, 2018). Such a state is a non-adopter, at risk until
            then; it is never coded so merely because no source was found.

    Notes
    -----
    **A state without a row is not a non-adopter.** No source was read for it; in an
    event history restrict the risk set to the covered states and report how many were
    dropped. A ``"none"`` row (``none_by``) is a non-adopter up to that year; years after
    1990 are real first-body years (right-censored in a 1945-1990 analysis).

    This is not Finnemore's or Jang's own data (neither was found). It was compiled
    independently, to their definitions, from public pages -- agency histories, founding
    laws and gazettes, archives, CIA National Intelligence Survey sections, encyclopaedias
    -- with one cited source and a verbatim quote of at most 25 words per row, kept in the
    build input (the reference folder's three tables and this project's
    ``scripts/sources/science_policy_review.csv``, which adds and corrects rows, e.g.
    Finland 1963 instead of 1978). Of the ten states Finnemore names as first adopters in
    the peak year 1962, six have 1962 here, Pakistan 1961; Bulgaria (1959), El Salvador
    (1992) and Mali (1986, an upper bound) differ. The agreement table is computed in the
    codebook ``data/science_policy.md``. Facts with short citations; the sources state no
    reuse licence.

    References: Finnemore, Martha (1993), "International organizations as teachers of
    norms", *International Organization* 47(4): 565-597. Jang (2000), *Sociological
    Perspectives* 43(2): an event history of cabinet-level ministries of science and
    technology, 1950-1990 (only its abstract was read).

    Examples
    --------
    >>> from diffusion.datasets import load_science_policy
    >>> sp = load_science_policy().set_index("iso3")
    >>> int(sp.loc["GBR", "year"]), int(sp.loc["SWE", "year"])
    (1915, 1962)
    """
    return read_table("science_policy", _DTYPES)
