"""Coleman, Katz & Menzel's Medical Innovation study: doctors, tetracycline, three networks."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_medical_innovation", "load_medical_innovation_ties"]

_COVARIATES = ["detail", "meet", "coll", "attend", "proage", "length", "here", "science",
               "position", "journ2", "nojourn", "free", "social", "club", "friends", "belief",
               "presc", "detail2", "proximty"]
_DOCTOR_DTYPES = {"doctor": "object", "city": "int64", "id": "int64", "month": "Int64",
                  "toa_original": "int64", **{c: "Int64" for c in _COVARIATES}}
_TIE_DTYPES = {"ego": "object", "alter": "object", "city": "int64", "network": "object",
               "rank": "int64", "alter_surveyed": "bool"}


def load_medical_innovation() -> pd.DataFrame:
    """The 125 doctors of Coleman, Katz & Menzel (1966) and the month they adopted tetracycline.

    Unit: the doctor (four Illinois cities, 1953-1955). ``month`` is the month of the
    first prescription, 1-17, and missing for the 16 doctors who had not adopted by
    month 17 (netdiffuseR codes them 18; kept as ``toa_original``).

    Returns
    -------
    pandas.DataFrame
        A new frame sorted by city and id: ``doctor`` (key, ``"city-id"``), ``city``,
        ``id``, ``month``, ``toa_original`` and survey items (codes, nullable integers):
        ``detail``, ``meet``, ``coll``, ``attend``, ``proage``, ``length``, ``here``,
        ``science``, ``position``, ``journ2``, ``nojourn``, ``free``, ``social``,
        ``club``, ``friends``, ``belief``, ``presc``, ``detail2``, ``proximty``.

    Notes
    -----
    Source: Coleman, Katz & Menzel (1966), *Medical Innovation: A Diffusion Study*;
    Burt (1987); Valente (1995); as shipped in the R package netdiffuseR (MIT
    licence). Codebook: ``data/medical_innovation.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_medical_innovation
    >>> d = load_medical_innovation()
    >>> len(d), int(d["month"].notna().sum())
    (125, 109)
    """
    return read_table("medical_innovation", _DOCTOR_DTYPES)


def load_medical_innovation_ties() -> pd.DataFrame:
    """The doctors' nominations: advice, discussion and friendship, up to three each.

    Returns
    -------
    pandas.DataFrame
        One row per nomination (912): ``ego`` (who named), ``alter`` (who was named,
        ``"city-id"``; 450 are doctors of the sample, ``alter_surveyed``), ``city``,
        ``network`` (``"advice"``, ``"discussion"``, ``"friendship"``) and ``rank``
        (1-3). The ego listens to the alter: use
        ``network(ties, source="alter", target="ego")``.

    Examples
    --------
    >>> from diffusion.datasets import load_medical_innovation_ties
    >>> t = load_medical_innovation_ties()
    >>> t.groupby("network").size().to_dict()
    {'advice': 286, 'discussion': 337, 'friendship': 289}
    """
    return read_table("medical_innovation_ties", _TIE_DTYPES)
