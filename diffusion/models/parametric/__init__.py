"""Parametric proportional-hazards models: piecewise exponential and Weibull (engine ``_engine``)."""

from diffusion.models.parametric.hazard import PiecewiseExponentialHazard, WeibullHazard

__all__ = ["PiecewiseExponentialHazard", "WeibullHazard"]
