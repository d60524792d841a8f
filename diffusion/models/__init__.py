"""Hazard models: discrete-time (logit, probit, cloglog) with time terms; Cox,
piecewise-exponential and Weibull models."""

from diffusion.models import time_terms
from diffusion.models._engines.glm import FitControl
from diffusion.models.cox import CoxHazard
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.models.parametric import PiecewiseExponentialHazard, WeibullHazard

__all__ = [
    "DiscreteTimeHazard",
    "CoxHazard",
    "PiecewiseExponentialHazard",
    "WeibullHazard",
    "FitControl",
    "time_terms",
]
