"""Berry & Berry's (1990) state lottery adoption panel."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_lottery"]

_DTYPES = {
    "state": "object", "statenum": "int64", "year": "int64", "year_original": "int64",
    "adopt": "int64", "elect1": "int64", "elect2": "int64", "income1": "float64",
    "fiscal": "float64", "party": "Int64", "religion": "float64", "neighbor": "int64",
    "nbrpercn": "float64",
}


def load_lottery() -> pd.DataFrame:
    """State-years at risk of adopting a state lottery, 1964-1986 (Berry & Berry 1990).

    Unit: the state-year at risk: the 48 contiguous states from 1964 until the year
    they adopt, which is their last row (901 rows, 27 adoptions). Every column of the
    replication file is kept.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by year and state, with columns

        ``state`` (postal code), ``statenum`` (alphabetical index 1-50 over all 50
        states)
        ``year`` (int)
            Four-digit year, 1964-1986.
        ``year_original`` (int)
            The file's two-digit year, 64-86.
        ``adopt`` (int)
            1 in the year the state adopts a lottery, else 0.
        ``elect1``, ``elect2`` (int)
            Berry & Berry's election-cycle indicators: ``elect1`` is 1 in a
            gubernatorial election year; ``elect2`` is 1 in the two years before an
            election in states with four-year terms (always 0 where the term is two
            years).
        ``income1`` (float)
            State per capita income, in the file's units (hundreds of dollars,
            apparently constant).
        ``fiscal`` (float)
            Fiscal health (negative: weaker finances).
        ``party`` (Int64)
            1 when one party holds the governorship and both legislative chambers;
            missing for Nebraska and Minnesota (non-partisan legislatures then).
        ``religion`` (float)
            Percentage of the population that is fundamentalist Protestant or Mormon.
        ``neighbor`` (int), ``nbrpercn`` (float)
            Number and share of bordering states that had adopted a lottery before.

    Notes
    -----
    The archive has no codebook; the descriptions above follow Berry & Berry (1990)
    and the values (check the article before relying on the units). Known issue:
    ``nbrpercn`` exceeds 1 once (Wisconsin 1986: 3 adopting neighbours, 1.5), kept as
    in the file.

    Sources: Berry, Frances Stokes, and William D. Berry (1990), "State Lottery
    Adoptions as Policy Innovations: An Event History Analysis", *American Political
    Science Review* 84(2): 395-415. The file ``lottery.tab`` of the replication archive
    of Desmarais, Harden & Boehmke (2015), "Persistent Policy Pathways: Inferring
    Diffusion Networks in the American States", *APSR* 109(2): 392-406, Harvard
    Dataverse doi:10.7910/DVN/A1GIMB (copy in picsolab/PolicyFlow; licence as on the
    Dataverse record). Codebook: ``data/lottery.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_lottery
    >>> lot = load_lottery()
    >>> lot.loc[lot["adopt"] == 1, ["state", "year"]].head(2).to_numpy().tolist()
    [['NH', 1964], ['NY', 1967]]
    """
    return read_table("lottery", _DTYPES)
