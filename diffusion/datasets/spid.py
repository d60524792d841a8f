"""US state policy adoptions: the State Policy Innovation and Diffusion database (SPID)."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_spid", "load_spid_policies"]

_DTYPES = {"state": "object", "state_abbr": "object", "policy": "object", "year": "int64"}
_POLICY_DTYPES = {
    "policy": "object", "topic": "object", "source": "object", "first_year": "int64",
    "last_year": "int64", "n_adoptions": "int64", "description": "object",
}


def load_spid() -> pd.DataFrame:
    """Adoption years of 728 policies by the 50 US states (SPID), one row per adoption.

    Unit: the (state, policy) adoption; 17,835 rows, years 1691-2017. Only adopters have
    a row: a state without a row for a policy had not adopted it by the policy's last
    year (right-censored). For a risk set take the 50 states over the policy's years
    (:func:`load_spid_policies`); states joined the Union at different dates.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by policy, year and state, with columns ``state`` (full
        name), ``state_abbr`` (postal code), ``policy`` (SPID's short name) and
        ``year`` (int, adoption year).

    Notes
    -----
    State lotteries appear twice: ``lott`` (Boehmke-Skinner source, 36 adoptions
    1964-1993, law-enactment years) and ``gambling_lottery_adoptio`` (Caughey-Warshaw,
    44 adoptions 1964-2013). Some policy names are truncated, as in SPID
    (``gambling_lottery_adoptio``).
    The sources SPID compiles date adoptions differently (enactment, effective date).

    Source: Boehmke, Brockway, Desmarais, Harden, LaCombe, Linder & Wallach (2020),
    "SPID: A New Database for Inferring Public Policy Innovativeness and Diffusion
    Networks", *Policy Studies Journal* 48(2): 517-545; data as shipped in the R package
    NetworkInference 1.2.5 (desmarais-lab/NetworkInference, MIT licence), object
    ``policies``. Codebook: ``data/spid.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_spid
    >>> s = load_spid()
    >>> lott = s[s["policy"] == "lott"]
    >>> lott.nsmallest(2, "year")[["state_abbr", "year"]].to_numpy().tolist()
    [['NH', 1964], ['NY', 1967]]
    """
    return read_table("spid", _DTYPES)


def load_spid_policies() -> pd.DataFrame:
    """The 728 SPID policies: topic, source, years covered and description.

    Returns
    -------
    pandas.DataFrame
        A new frame, one row per policy, with columns ``policy``, ``topic`` (policy
        agenda major topic), ``source`` (the compilation SPID took it from:
        Boehmke-Skinner, Caughey-Warshaw, Walker, Karch, Uniform Law, ...),
        ``first_year`` and ``last_year`` (the years the source covers),
        ``n_adoptions`` (rows in :func:`load_spid`) and ``description``.

    Notes
    -----
    Source and licence as for :func:`load_spid` (object ``policies_metadata``).
    Codebook: ``data/spid_policies.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_spid_policies
    >>> p = load_spid_policies()
    >>> p.loc[p["policy"] == "lott", ["source", "n_adoptions"]].to_numpy().tolist()
    [['Boehmke-Skinner', 36]]
    """
    return read_table("spid_policies", _POLICY_DTYPES)
