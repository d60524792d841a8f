"""The estimation sample of a Cox model and the option vocabularies of the family.

Shared by :mod:`~diffusion.models.cox.hazard`, its checks, its predictions and its
proportional-hazards test, so none of them imports the model class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from diffusion.models.cox import _engine as engine
from diffusion.models.design import Design

__all__ = ["CoxSample", "Ties", "Clock", "ScoreResiduals", "TIES", "CLOCKS", "SCORE_RESIDUALS"]

Ties = Literal["efron", "breslow", "exact"]
Clock = Literal["calendar", "duration"]
ScoreResiduals = Literal["likelihood", "breslow"]
TIES = ("efron", "breslow", "exact")
CLOCKS = ("calendar", "duration")
SCORE_RESIDUALS = ("likelihood", "breslow")



@dataclass(frozen=True)
class CoxSample:
    """The estimation sample of a Cox model, prepared for the engines."""

    design: Design
    names: tuple[str, ...]
    X: np.ndarray  # uncentred covariates
    start: np.ndarray
    stop: np.ndarray
    stratum: np.ndarray  # codes 0..S-1
    stratum_labels: tuple
    data: engine.CoxData
    tied: object  # exact-ties layout, or None
    initial: tuple  # (loglik, score, info) at beta = 0 (Efron/Breslow weights)
    sd: np.ndarray  # standard deviations of the covariates
