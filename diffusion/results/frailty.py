"""Frozen results of random-intercept (frailty) hazard models.

:class:`FrailtyResults` is a :class:`~diffusion.results.hazard.HazardResults` -- the same
vocabulary for the fixed effects (``params``, ``std_errors``, ``cov``, ...) -- plus the
variance component: the standard deviation of the unit random intercept on the linear
predictor scale, its Wald standard error, and the covariance of all estimates
including it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from diffusion.results.hazard import HazardResults

__all__ = ["FrailtyResults"]


@dataclass(frozen=True, eq=False, kw_only=True)
class FrailtyResults(HazardResults):
    """Results of a random-intercept discrete-time hazard model (immutable).

    Everything of :class:`HazardResults` (for the fixed effects), plus the variance
    component.

    Attributes
    ----------
    frailty_sd : float
        Estimated standard deviation ``sigma`` of the random intercept ``b_i ~ N(0,
        sigma^2)`` (R ``lme4``: ``getME(fit, "theta")`` for binomial models, the
        "Std.Dev." of ``VarCorr``).
    frailty_sd_se : float
        Wald standard error of ``frailty_sd`` from the inverse observed information
        (NaN at the boundary ``sigma = 0``). lme4 does not print it; Wald intervals for
        a standard deviation are poor near zero, prefer a likelihood-ratio test.
    group : str
        Column that defines the units sharing a random intercept.
    n_groups : int
    n_quad : int
        Quadrature points (1 = Laplace approximation; lme4 ``nAGQ``).
    """

    frailty_sd: float = np.nan
    frailty_sd_se: float = np.nan
    group: str = ""
    n_groups: int = 0
    n_quad: int = 1
    _full_cov: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        full = np.array(self._full_cov, dtype=np.float64, copy=True)
        full.setflags(write=False)
        object.__setattr__(self, "_full_cov", full)

    @property
    def n_params(self) -> int:
        """Fixed effects plus the random-intercept SD (lme4's ``df`` of ``logLik``)."""
        return len(self.terms) + 1

    @property
    def frailty_variance(self) -> float:
        """``frailty_sd ** 2`` (lme4's "Variance" column of ``VarCorr``)."""
        return float(self.frailty_sd) ** 2

    @property
    def full_cov(self) -> pd.DataFrame:
        """Covariance of the fixed effects and ``frailty_sd`` (last row/column)."""
        names = [*self.terms, f"sd({self.group})"]
        return pd.DataFrame(self._full_cov.copy(), index=names, columns=names)

    def summary(self, *, level: float = 0.95):
        """The :class:`HazardResults` summary, with the variance component among the facts."""
        base = super().summary(level=level)
        se = "" if not np.isfinite(self.frailty_sd_se) else f" ({self.frailty_sd_se:.4f})"
        facts = (*base.facts,
                 ("Frailty SD", f"{self.frailty_sd:.4f}{se}"),
                 ("Groups", f"{self.group}: {self.n_groups}"),
                 ("Quadrature", "Laplace" if self.n_quad == 1 else f"AGQ, {self.n_quad} points"))
        return replace(base, facts=facts)

    def __repr__(self) -> str:
        return (f"FrailtyResults({self.model}, {len(self.terms)} terms, sd({self.group})="
                f"{self.frailty_sd:.4f}, n_obs={self.n_obs}, loglik={self.loglik:.4f})")
