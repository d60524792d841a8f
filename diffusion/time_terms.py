"""Time-dependence terms of discrete-time hazard models (see :mod:`diffusion.models.time_terms`)."""

from diffusion.models.time_terms import Cubic, Dummies, Periods, Spline

__all__ = ["Dummies", "Periods", "Cubic", "Spline"]
