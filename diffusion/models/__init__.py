"""Hazard models, one package per family, each with its engine beside it.

``discrete_time``
    Logit, probit and cloglog hazards with time terms and absorbed effects,
    bias-reduced (Firth) and with a unit random intercept (frailty).
``cox``
    Cox models with time-varying covariates and late entry, their checks, the
    proportional-hazards test and predictions.
``parametric``
    Piecewise-exponential and Weibull hazards.
``splitpop``
    Split-population (cure) models for units that may never adopt.
``competing``
    Fine-Gray subdistribution hazards for competing outcomes.

Shared by the families: ``design`` (design matrices from a risk set), ``time_terms``,
``links`` and ``control`` (:class:`FitControl`).
"""

from diffusion.models import time_terms
from diffusion.models.control import FitControl
from diffusion.models.cox import CoxHazard
from diffusion.models.discrete_time import ChunkedDiscreteTimeHazard, DiscreteTimeHazard
from diffusion.models.discrete_time.firth import FirthHazard
from diffusion.models.discrete_time.frailty import FrailtyControl, FrailtyHazard
from diffusion.models.parametric import PiecewiseExponentialHazard, WeibullHazard
from diffusion.models.splitpop import SplitPopulationHazard

__all__ = [
    "DiscreteTimeHazard",
    "ChunkedDiscreteTimeHazard",
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
