"""Frozen result of the proportional-hazards test of a Cox model (R ``cox.zph``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ProportionalHazardsTest"]


@dataclass(frozen=True, eq=False)
class ProportionalHazardsTest:
    """Score tests of ``beta_j(t) = beta_j + gamma_j g(t)`` and scaled Schoenfeld residuals.

    Attributes
    ----------
    transform : str
        The function ``g`` of time: ``"km"``, ``"rank"``, ``"identity"`` or ``"log"``.
    table : DataFrame
        ``chisq``, ``df``, ``p`` for each term and ``GLOBAL`` (R ``cox.zph(fit)$table``).
    residuals : DataFrame
        One row per event: ``time`` (the clock), ``g`` (the transformed time, R's
        ``$x``), the unit, the stratum when stratified, and one column per term with
        the scaled Schoenfeld residual ``beta + d V_s r`` (R's ``$y``), a smoothed plot
        of which against ``g`` estimates ``beta_j(t)``.
    """

    transform: str
    _table: pd.DataFrame = field(repr=False)
    _residuals: pd.DataFrame = field(repr=False)

    @property
    def table(self) -> pd.DataFrame:
        """Per-term and global chi-square tests (copy)."""
        return self._table.copy()

    @property
    def residuals(self) -> pd.DataFrame:
        """Scaled Schoenfeld residuals, one row per event (copy)."""
        return self._residuals.copy()

    def __str__(self) -> str:
        t = self._table.copy()
        t["chisq"] = t["chisq"].map(lambda v: f"{v:.4f}")
        t["p"] = t["p"].map(lambda v: f"{v:.4f}")
        return (f"Proportional-hazards test (score test, g(t) = {self.transform})\n"
                + t.to_string())

    def __repr__(self) -> str:
        return f"ProportionalHazardsTest(transform={self.transform!r}, {len(self._table) - 1} terms)"
