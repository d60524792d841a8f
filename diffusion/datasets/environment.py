"""Environmental treaties: years states became parties, and yearly counts of agreements joined.

Frank, Hironaka & Schofer (2000) argue that states "environmentalised" in step with world
society; these two tables give the ratification events of nine global environmental
treaties and each state's embeddedness in the environmental treaty regime.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from diffusion.datasets._files import read_table
from diffusion.errors import SpecificationError

__all__ = [
    "ENVIRONMENTAL_TREATIES",
    "load_environmental_treaties",
    "load_environmental_treaty_counts",
]

#: Short codes of the nine treaties -> the year each was opened for signature, in the
#: order of the table.
ENVIRONMENTAL_TREATIES: dict[str, int] = {
    "RAMSAR": 1971,
    "CITES": 1973,
    "VIENNA": 1985,
    "MONTREAL": 1987,
    "BASEL": 1989,
    "UNFCCC": 1992,
    "CBD": 1992,
    "KYOTO": 1997,
    "STOCKHOLM": 2001,
}

_TREATY_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "treaty": "object", "year": "int64",
}
_COUNT_DTYPES = {"iso3": "object", "cown": "Int64", "year": "int64", "mea_count": "int64"}


def _check_treaties(treaties: str | Iterable[str] | None) -> list[str] | None:
    """The asked treaty codes as a list, refusing unknown ones by name."""
    if treaties is None:
        return None
    asked = [treaties] if isinstance(treaties, str) else list(treaties)
    if not asked:
        raise SpecificationError(
            "treaties is empty; pass None for all nine treaties or some of "
            f"{', '.join(ENVIRONMENTAL_TREATIES)}.")
    unknown = [t for t in asked if not isinstance(t, str) or t not in ENVIRONMENTAL_TREATIES]
    if unknown:
        raise SpecificationError(
            f"{len(unknown)} unknown treaty code(s) {unknown!r}; the known codes are "
            f"{', '.join(ENVIRONMENTAL_TREATIES)} (upper case, as in "
            "ENVIRONMENTAL_TREATIES).")
    return asked


def load_environmental_treaties(*, treaties: str | Iterable[str] | None = None
                                ) -> pd.DataFrame:
    """Year each state became a party to nine global environmental treaties, long form.

    Unit: the (state, treaty) pair; only parties have a row, so a non-party is
    right-censored at the sources' end (ECOLEX 2018, IEADB 2020, HUGGO 2023). 1,703
    rows, 197 states (the UN members plus the Cook Islands, Niue, Palestine and the Holy
    See); years 1974-2023. Same layout as :func:`load_treaty_ratifications`.

    Parameters
    ----------
    treaties : str or iterable of str, optional
        Keep only these treaty codes (keys of :data:`ENVIRONMENTAL_TREATIES`); default
        all nine.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by treaty (order of :data:`ENVIRONMENTAL_TREATIES`) and
        ``iso3``, with

        ``iso3`` (str), ``cown`` (Int64), ``gwcode`` (Int64), ``country`` (str)
            The state (today's codes; ``cown`` is missing for the Cook Islands, Niue and
            Palestine, parties in their own right without a COW code).
        ``treaty`` (str)
            RAMSAR (wetlands, 1971), CITES (trade in endangered species, 1973), VIENNA
            (ozone layer convention, 1985), MONTREAL (ozone protocol, 1987), BASEL
            (hazardous wastes, 1989), UNFCCC (climate change convention, 1992), CBD
            (biological diversity, 1992), KYOTO (climate protocol, 1997), STOCKHOLM
            (persistent organic pollutants, 2001).
        ``year`` (int)
            Year the state consented to be bound: ratification, accession, acceptance,
            approval or succession. Not signature, not entry into force. Years only.

    Raises
    ------
    diffusion.errors.SpecificationError
        A code in ``treaties`` is not one of the nine (the message names them).

    Notes
    -----
    Built from three sources bundled in the R package manyenviron 0.4.0 -- the IEA
    Database (Mitchell), ECOLEX and HUGGO -- keyed by each source's own treaty id, and
    reconciled by majority, with ties going to ECOLEX, then IEADB, then HUGGO. A source
    whose years agree with the other two on fewer than 80% of their shared states is not
    used for that treaty (ECOLEX for Ramsar and CITES, HUGGO for Vienna). Placeholder
    dates (2899, 2999, 9999) and impossible dates are dropped; a successor state's date
    from before its independence is its predecessor's and is used only when no source has
    one of its own. All rules, the per-treaty disagreements, and checks against public
    party counts and status tables are in ``data/environmental_treaties.md``.

    Known issues: withdrawals are not recorded (Canada keeps Kyoto 2002); parties after
    the sources' cut-offs are missing (Stockholm has 182 states against 185 today).

    Cite the IEA Database website and Mitchell et al. (2020, *Global Environmental
    Politics* 20(1): 103-121), and manyenviron (Hollway 2021; data CC BY 4.0).

    Examples
    --------
    >>> from diffusion.datasets import load_environmental_treaties
    >>> kyoto = load_environmental_treaties(treaties="KYOTO")
    >>> int(kyoto.set_index("iso3").loc["RUS", "year"])
    2004
    """
    asked = _check_treaties(treaties)
    frame = read_table("environmental_treaties", _TREATY_DTYPES)
    if asked is not None:
        frame = frame[frame["treaty"].isin(asked)].reset_index(drop=True)
    return frame


def load_environmental_treaty_counts() -> pd.DataFrame:
    """Cumulative number of multilateral environmental agreements each state had joined.

    Unit: state-year, 1900-2020, an embeddedness covariate for models of
    environmental policy adoption. A state's rows start in 1900 or, if later, in the
    earlier of its first year in the COW or Gleditsch-Ward state system and the year
    of its first agreement; earlier years have a count of 0 (agreements joined before
    1900 are in the 1900 value).

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by ``iso3`` and ``year``, with

        ``iso3`` (str), ``cown`` (Int64)
            The state (``cown`` missing for the Cook Islands, Niue and Palestine).
        ``year`` (int)
            Calendar year.
        ``mea_count`` (int)
            Multilateral environmental agreements the state had joined by the end of
            ``year``; non-decreasing within a state (withdrawals are not subtracted).

    Notes
    -----
    Counted are the agreements and protocols of IEADB, ECOLEX and HUGGO that any source
    flags multilateral (or, with no flag, that list three or more states), not their
    amendments, adjustments or non-binding instruments. One agreement found in several
    sources is counted once (HUGGO's cross-references to IEADB and ECOLEX ids, then
    identical title and signature date). The year is the consent year as in
    :func:`load_environmental_treaties`, or the entry-into-force year where no source
    gives a consent date. Rules and counts: ``data/environmental_treaty_counts.md``. The
    level depends on the union of the sources' scopes; use it as a relative measure.

    Examples
    --------
    >>> from diffusion.datasets import load_environmental_treaty_counts
    >>> counts = load_environmental_treaty_counts()
    >>> bool(counts.groupby("iso3")["mea_count"].apply(lambda s: s.is_monotonic_increasing).all())
    True
    """
    return read_table("environmental_treaty_counts", _COUNT_DTYPES)
