"""Hazard models: discrete-time (logit, probit, cloglog) with time terms."""

from diffusion.models import time_terms
from diffusion.models._engines.glm import FitControl
from diffusion.models.discrete_time import DiscreteTimeHazard

__all__ = ["DiscreteTimeHazard", "FitControl", "time_terms"]
