"""Regional (group) exposure: what the *other* members of a unit's group did.

For row ``(i, t)`` with reference year ``r = t - lag`` and ``G(i)`` the other units
of ``i``'s group that are members in ``r``:

* ``regional_share(window=k)``: share of ``G(i)`` with an event in ``[r - k + 1, r]``
  (at lag 1: ``[t - k, t - 1]``);
* ``regional_count(window=k)``: their number;
* ``regional_density()``: share of ``G(i)`` with an event at or before ``r``.

Adopters that left the risk set (or never entered it) still count while they are
members; units that were not members in ``r`` (not yet independent, or out of the
system) count in neither numerator nor denominator. When ``G(i)`` is empty the
share is 0 and the rows are counted in the notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_positive_int
from diffusion.exposure.base import effective_window, grid, group_codes, group_sums, safe_share

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["RegionalExposure", "regional_share", "regional_count", "regional_density"]


@dataclass(frozen=True)
class RegionalExposure:
    """Exposure to the other members of the unit's group (see module docstring)."""

    groups: pd.DataFrame = field(repr=False)
    statistic: str  # "share", "count" or "density"
    window: int | None = None
    lag: int = 1
    group: str | None = None

    def compute(self, risk_set: RiskSet) -> tuple[np.ndarray, tuple[Note, ...]]:
        lag = check_positive_int(self.lag, name="lag")
        codes = group_codes(self.groups, self.group, risk_set)
        window = effective_window(risk_set, lag, self.window) if self.window else 0
        g = grid(risk_set, lag, window)
        hit = g.in_window(window) if window else g.adopted()
        member = g.member
        hit_member = member & hit
        num_g = group_sums(hit_member, codes)
        den_g = group_sums(member, codes)
        rg = codes[g.row_unit]
        own_member = member[g.row_unit, g.row_col]
        own_hit = hit_member[g.row_unit, g.row_col]
        num = num_g[rg, g.row_col] - own_hit
        if self.statistic == "count":
            return num.astype(np.float64), ()
        den = den_g[rg, g.row_col] - own_member
        return safe_share(num, den, "other member of its group")


def regional_share(
    groups: pd.DataFrame, *, window: int, lag: int = 1, group: str | None = None
) -> RegionalExposure:
    """Share of the other group members (members in ``t - lag``) that adopted in the last ``window`` years.

    Parameters
    ----------
    groups : DataFrame
        The unit column (named as in the risk set) and one group column (e.g. region).
    window : int
        Years counted back from ``t - lag``: events in ``[t - lag - window + 1, t - lag]``.
    lag : int, default 1
    group : str, optional
        Name of the group column when ``groups`` has several.

    Examples
    --------
    >>> from diffusion.exposure import regional_share
    >>> rs = rs.with_exposure("regional5", regional_share(regions, window=5))  # doctest: +SKIP
    """
    window = check_positive_int(window, name="window")
    check_positive_int(lag, name="lag")
    return RegionalExposure(groups, "share", window, lag, group)


def regional_count(
    groups: pd.DataFrame, *, window: int, lag: int = 1, group: str | None = None
) -> RegionalExposure:
    """Number of other group members (members in ``t - lag``) that adopted in the last ``window`` years."""
    window = check_positive_int(window, name="window")
    check_positive_int(lag, name="lag")
    return RegionalExposure(groups, "count", window, lag, group)


def regional_density(
    groups: pd.DataFrame, *, lag: int = 1, group: str | None = None
) -> RegionalExposure:
    """Share of the other group members (members in ``t - lag``) that adopted by ``t - lag``."""
    check_positive_int(lag, name="lag")
    return RegionalExposure(groups, "density", None, lag, group)
