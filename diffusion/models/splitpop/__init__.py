"""Split-population (cure) hazard models for units that may never adopt (engine ``_engine``)."""

from diffusion.models.splitpop.hazard import (
           DISTRIBUTIONS,
           CureBoundaryWarning,
           SplitPopulationHazard,
)
from diffusion.models.splitpop.predict import cure_probabilities, predict_splitpop

__all__ = [
           "DISTRIBUTIONS",
           "CureBoundaryWarning",
           "SplitPopulationHazard",
           "cure_probabilities",
           "predict_splitpop",
]
