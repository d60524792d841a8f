"""Cox proportional-hazards models with time-varying covariates and late entry.

``hazard`` holds :class:`CoxHazard`; ``sample`` the estimation sample and the option
vocabularies that the checks, prediction and tests share; ``checks`` the checks of a
risk set before a fit; ``predict`` the baseline hazard and profile predictions;
``zph`` the proportional-hazards test. The engines (``_engine``: Efron and Breslow
partial likelihood; ``_exact``: exact ties) sit beside them.
"""

from diffusion.models.cox.hazard import CoxHazard
from diffusion.models.cox.sample import (
    CLOCKS,
    SCORE_RESIDUALS,
    TIES,
    Clock,
    ScoreResiduals,
    Ties,
)

__all__ = ["CoxHazard", "Ties", "Clock", "ScoreResiduals", "TIES", "CLOCKS", "SCORE_RESIDUALS"]
