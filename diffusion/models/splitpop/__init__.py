"""Split-population (cure) hazard models for units that may never adopt (engine ``_engine``)."""

from diffusion.models.splitpop.hazard import (
    CureBoundaryWarning,
    SplitPopulationHazard,
    cure_probabilities,
    predict_splitpop,
)

__all__ = ["SplitPopulationHazard", "CureBoundaryWarning", "cure_probabilities",
           "predict_splitpop"]
