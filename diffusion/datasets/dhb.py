"""US state policy cascades and the networks inferred from them (Desmarais, Harden & Boehmke 2015)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from diffusion.data.checks import check_option
from diffusion.datasets._files import read_table

__all__ = ["DHB_NETWORKS", "load_dhb_networks", "load_dhb_policies"]

DHB_NETWORKS: tuple[str, ...] = ("35y_300", "10y_400")
_POLICY_DTYPES = {"state": "object", "policy": "object", "year": "int64"}
_NETWORK_DTYPES = {"network": "object", "year": "int64", "source": "object", "target": "object"}


def load_dhb_policies() -> pd.DataFrame:
    """Adoption years of the 187 policies behind DHB's inferred networks, one row per adoption.

    Unit: the (state, policy) adoption; 6,196 rows, 50 states, years 1804-2009. Only
    adopters have a row (a state without a row had not adopted by 2009). These are
    the cascades of :func:`diffusion.exposure.infer_network`.

    Returns
    -------
    pandas.DataFrame
        A new frame sorted by policy, year and state, with columns ``state`` (USPS
        code), ``policy`` (the archive's short name; ``lott`` is the state lottery)
        and ``year`` (int).

    Notes
    -----
    Source: Desmarais, Harden & Boehmke (2015), "Persistent Policy Pathways: Inferring
    Diffusion Networks in the American States", *American Political Science Review*
    109(2): 392-406; replication archive (Harvard Dataverse, doi:10.7910/DVN/A1GIMB),
    file ``mkdata-network02.tab``. Codebook: ``data/dhb_policies.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_dhb_policies
    >>> p = load_dhb_policies()
    >>> p["policy"].nunique(), p["state"].nunique()
    (187, 50)
    """
    return read_table("dhb_policies", _POLICY_DTYPES)


def load_dhb_networks(network: Literal["35y_300", "10y_400"] | None = "35y_300") -> pd.DataFrame:
    """The yearly diffusion networks DHB inferred with NetInf, one row per directed edge.

    Parameters
    ----------
    network : {"35y_300", "10y_400", None}, default "35y_300"
        ``"35y_300"``: 300 edges a year inferred from the adoptions of the preceding
        35 years; ``"10y_400"``: at most 400 edges from the preceding 10 years; None:
        both (with the ``network`` column).

    Returns
    -------
    pandas.DataFrame
        ``network``, ``year`` (1960-2009), ``source`` and ``target`` (USPS codes): the
        target follows the source. The network of year ``t`` is inferred from the
        adoptions up to ``t - 1``. :func:`diffusion.exposure.network` with
        ``time="year"`` gives row ``t`` the ties of year ``t - lag`` beside adoption
        status in ``t - lag``; relabelling the networks ``year - 1`` (the last year
        of their window, the convention of :func:`~diffusion.exposure.infer_networks`)
        gives row ``t`` DHB's network of year ``t`` beside adoption status in
        ``t - 1``, which is what DHB's network of year ``t`` was built from.

    Notes
    -----
    The archive's pair table does not say which state is the source; the direction
    used (``state_02`` -> ``state_01``) is the one under which NetInf, run again on
    :func:`load_dhb_policies`, recovers 86-96 % of the edges (see
    ``data/dhb_networks.md``).

    Examples
    --------
    >>> from diffusion.datasets import load_dhb_networks
    >>> n = load_dhb_networks()
    >>> n.groupby("year").size().unique().tolist()
    [300]
    """
    frame = read_table("dhb_networks", _NETWORK_DTYPES)
    if network is None:
        return frame
    check_option(network, DHB_NETWORKS, name="network")
    return frame[frame["network"] == network].reset_index(drop=True)
