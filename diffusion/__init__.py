"""diffusion: event-history analysis of policy and norm diffusion.

Public API
----------
RiskSet
    Unit-periods at risk, built from events and membership spells or from a panel.
exposure
    Regional, world and network exposure measures.
DiscreteTimeHazard
    Discrete-time logit / probit / cloglog hazard models with time dependence.
CoxHazard
    Cox models with time-varying covariates, late entry, strata and Efron, Breslow or
    exact ties, on the calendar or duration clock.
PiecewiseExponentialHazard, WeibullHazard
    Parametric proportional-hazards models on the same risk sets.
DiffusionError
    Root of every error raised on purpose (subclasses in :mod:`diffusion.errors`).
simulate
    Data-generating processes with explicit seeds.
"""

from diffusion import exposure, simulate
from diffusion.data import RiskSet
from diffusion.errors import DiffusionError
from diffusion import time_terms
from diffusion.models import (
    CoxHazard,
    DiscreteTimeHazard,
    FitControl,
    PiecewiseExponentialHazard,
    WeibullHazard,
)
from diffusion.results import HazardResults

__version__ = "0.1.0"

__all__ = [
    "RiskSet",
    "DiscreteTimeHazard",
    "CoxHazard",
    "PiecewiseExponentialHazard",
    "WeibullHazard",
    "HazardResults",
    "DiffusionError",
    "exposure",
    "simulate",
    "time_terms",
    "FitControl",
    "__version__",
]
