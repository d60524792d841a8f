"""Discrete-time hazard models: binary regression (logit, probit, cloglog) on unit-periods.

``hazard`` holds :class:`DiscreteTimeHazard` and ``spec`` the specification it shares
with the Firth (``firth``) and frailty (``frailty``) variants; ``absorb`` sweeps out
process and period fixed effects; ``predict`` gives hazards and adoption curves for
covariate profiles; ``chunked`` fits the model chunk by chunk (Parquet chunks, Dask)
for risk sets bigger than memory. The engines (our own Fisher scoring ``_glm``, link kernels
``_binary``, absorbed effects ``_absorb``, ``_firth``, ``_frailty``) sit beside them.
"""

from diffusion.models.discrete_time.chunked import ChunkedDiscreteTimeHazard
from diffusion.models.discrete_time.firth import FirthHazard
from diffusion.models.discrete_time.frailty import FrailtyControl, FrailtyHazard
from diffusion.models.discrete_time.hazard import DiscreteTimeHazard

__all__ = ["DiscreteTimeHazard", "ChunkedDiscreteTimeHazard", "FirthHazard", "FrailtyHazard", "FrailtyControl"]
