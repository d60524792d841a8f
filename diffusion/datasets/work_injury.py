"""Work-injury laws: first law and first social insurance by country (GWIP, Breznau & Lanver)."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_work_injury"]

_DTYPES = {"iso3": "object", "cown": "int64", "country": "object", "independence": "Int64",
           "first_law": "int64", "first_law_type": "object", "first_socins": "Int64",
           "full_coverage": "Int64"}


def load_work_injury() -> pd.DataFrame:
    """Years of the first work-injury law and first social insurance, 186 countries (GWIP v1).

    Unit: the country (COW code). Laws from 1854 to 2014; every country has a first
    law, 167 a first social-insurance law.

    Returns
    -------
    pandas.DataFrame
        A new frame sorted by ``cown``: ``iso3``, ``cown``, ``country``,
        ``independence``, ``first_law``, ``first_law_type`` (``"employer liability"``
        or ``"risk pooling"``), ``first_socins``, ``full_coverage`` (nullable years).

    Notes
    -----
    Source: Breznau & Lanver (2020), Global Work-Injury Policy Database (GWIP) v1,
    Harvard Dataverse doi:10.7910/DVN/IVKYIE. Vietnam is written as COW 816 (GWIP:
    817). Codebook: ``data/work_injury.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_work_injury
    >>> w = load_work_injury()
    >>> int(w.loc[w["iso3"] == "DEU", "first_socins"].iloc[0])
    1884
    """
    return read_table("work_injury", _DTYPES)
