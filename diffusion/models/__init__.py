"""Hazard models: discrete-time (logit, probit, cloglog) with time terms, bias-reduced
(Firth) and with a unit random intercept (frailty); Cox, piecewise-exponential and
Weibull models; split-population (cure) models for units that may never adopt."""

from diffusion.models import time_terms
from diffusion.models._engines.glm import FitControl
from diffusion.models.cox import CoxHazard
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.models.firth import FirthHazard
from diffusion.models.frailty import FrailtyControl, FrailtyHazard
from diffusion.models.parametric import PiecewiseExponentialHazard, WeibullHazard
from diffusion.models.splitpop import SplitPopulationHazard

__all__ = [
    "DiscreteTimeHazard",
    "FirthHazard",
    "FrailtyHazard",
    "FrailtyControl",
    "CoxHazard",
    "PiecewiseExponentialHazard",
    "WeibullHazard",
    "SplitPopulationHazard",
    "FitControl",
    "time_terms",
]
