"""Replications of published diffusion findings on the bundled data.

Each replication fits a design fixed in advance from the published study and
returns a :class:`~diffusion.replications.base.Replication`: the published claims
beside our estimates, with a plain verdict. Run them from Python
(``diffusion.replications.run("suffrage")``) or the command line
(``python -m diffusion replicate suffrage``).

suffrage
    Women's suffrage 1890-1990 (Ramirez, Soysal & Shanahan 1997).
cedaw
    CEDAW ratification 1980-2016 (Wotipka & Ramirez 2008; Simmons 2009).
crpd
    The CEDAW design run on a second treaty (CRPD, 2007-2016).
lottery
    State lotteries 1964-1986 (Berry & Berry 1990), N = 857.
medical_innovation
    Tetracycline among the doctors of four cities: contagion through cohesion
    (Coleman, Katz & Menzel 1966) versus structural equivalence (Burt 1987).
policy_networks
    The lottery model with exposure through inferred policy networks (Desmarais,
    Harden & Boehmke 2015), published and re-inferred with NetInf.
domestic_violence
    Latin American domestic-violence laws and the Belém do Pará Convention
    (Hawkins & Humes 2002).

science_policy
    Science-policy bureaucracies and the UNESCO model (Finnemore 1993), with her
    stated facts beside the bundled table.
environment
    Ratification of nine multilateral environmental agreements, pooled and one by
    one: world society and embeddedness against wealth (Frank, Hironaka & Schofer
    2000).
"""

from __future__ import annotations

from collections.abc import Callable

from diffusion.data.checks import check_option
from diffusion.replications.base import Claim, Replication

__all__ = ["NAMES", "run", "Claim", "Replication"]


def _suffrage() -> Replication:
    from diffusion.replications.suffrage import run as go

    return go()


def _cedaw() -> Replication:
    from diffusion.replications.treaties import run_cedaw

    return run_cedaw()


def _crpd() -> Replication:
    from diffusion.replications.treaties import run_crpd

    return run_crpd()


def _lottery() -> Replication:
    from diffusion.replications.lottery import run as go

    return go()


def _medical_innovation() -> Replication:
    from diffusion.replications.medical_innovation import run as go

    return go()


def _policy_networks() -> Replication:
    from diffusion.replications.policy_networks import run as go

    return go()


def _science_policy() -> Replication:
    from diffusion.replications.science_policy import run as go

    return go()


def _environment() -> Replication:
    from diffusion.replications.environment import run as go

    return go()


def _domestic_violence() -> Replication:
    from diffusion.replications.domestic_violence import run as go

    return go()


_REGISTRY: dict[str, Callable[[], Replication]] = {
    "suffrage": _suffrage,
    "cedaw": _cedaw,
    "crpd": _crpd,
    "lottery": _lottery,
    "policy_networks": _policy_networks,
    "medical_innovation": _medical_innovation,
    "domestic_violence": _domestic_violence,
    "science_policy": _science_policy,
    "environment": _environment,
}
NAMES = tuple(_REGISTRY)


def run(name: str) -> Replication:
    """Run the replication called ``name`` (one of :data:`NAMES`)."""
    return _REGISTRY[check_option(name, NAMES, name="replication")]()
