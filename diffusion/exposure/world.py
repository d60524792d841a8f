"""World prevalence: the share (or number) of system members that have adopted.

For reference year ``r = t - lag``: among all units that are members in ``r``
(the row's own unit included), the share whose event is at or before ``r``. The
value is the same for every unit in year ``t`` (a period-level covariate; under a
calendar-clock Cox model it is aliased with the baseline hazard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from diffusion._notes import Note
from diffusion.data.checks import check_positive_int
from diffusion.exposure.base import grid, safe_share

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["WorldExposure", "world_share", "world_count"]


@dataclass(frozen=True)
class WorldExposure:
    """Share or count of members in ``t - lag`` that adopted by ``t - lag``."""

    statistic: str  # "share" or "count"
    lag: int = 1

    def compute(self, risk_set: RiskSet) -> tuple[np.ndarray, tuple[Note, ...]]:
        g = grid(risk_set, check_positive_int(self.lag, name="lag"))
        num_year = (g.member & g.adopted()).sum(axis=0)
        num = num_year[g.row_col].astype(np.float64)
        if self.statistic == "count":
            return num, ()
        den = g.member.sum(axis=0)[g.row_col]
        return safe_share(num, den, "member of the system")


def world_share(*, lag: int = 1) -> WorldExposure:
    """Share of all system members in ``t - lag`` that adopted by ``t - lag``.

    Examples
    --------
    >>> from diffusion.exposure import world_share
    >>> rs = rs.with_exposure("world", world_share())  # doctest: +SKIP
    """
    return WorldExposure("share", check_positive_int(lag, name="lag"))


def world_count(*, lag: int = 1) -> WorldExposure:
    """Number of system members in ``t - lag`` that adopted by ``t - lag``."""
    return WorldExposure("count", check_positive_int(lag, name="lag"))
