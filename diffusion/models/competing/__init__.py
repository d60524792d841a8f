"""Competing outcomes: the Fine-Gray subdistribution hazard (``finegray``, engine ``_engine``).

Cause-specific hazards are the ordinary models on the risk set of
:func:`diffusion.data.competing.cause_specific`.
"""

from diffusion.models.competing.finegray import (
    FINE_GRAY_COV,
    FineGray,
    FineGrayCov,
    cause_specific,
    unit_outcomes,
)

__all__ = ["FineGray", "FineGrayCov", "FINE_GRAY_COV", "cause_specific", "unit_outcomes"]
