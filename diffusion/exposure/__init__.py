"""Exposure measures: what a unit's peers, region, world and network did by ``t - lag``.

Each measure is a small object with ``compute(risk_set)``; add it with
:meth:`diffusion.RiskSet.with_exposure`. Denominators count only units that were
members of the system in ``t - lag``; numerators count adoptions over the whole
history, including units that have left the risk set.

* :func:`regional_share`, :func:`regional_count`, :func:`regional_density`
* :func:`world_share`, :func:`world_count`
* :func:`network`
* :func:`structural_equivalence`: Burt's structural-equivalence weights, as ties for
  :func:`network`
* :func:`infer_network`, :func:`infer_networks`: networks inferred from the order of
  past adoptions (NetInf), to use as the ties of :func:`network`
* :func:`thresholds`: Valente's network thresholds (exposure at adoption), adopter
  categories, infectiousness and susceptibility (netdiffuseR)
"""

from diffusion.exposure.equivalence import structural_equivalence
from diffusion.exposure.inferred import InferredNetwork, infer_network, infer_networks
from diffusion.exposure.network import NetworkExposure, network
from diffusion.exposure.regional import (
    RegionalExposure,
    regional_count,
    regional_density,
    regional_share,
)
from diffusion.exposure.thresholds import Thresholds, thresholds
from diffusion.exposure.world import WorldExposure, world_count, world_share

__all__ = [
    "regional_share",
    "regional_count",
    "regional_density",
    "world_share",
    "world_count",
    "network",
    "structural_equivalence",
    "infer_network",
    "infer_networks",
    "InferredNetwork",
    "RegionalExposure",
    "WorldExposure",
    "NetworkExposure",
    "thresholds",
    "Thresholds",
]
