"""Frozen results of hazard models: one vocabulary for every model family.

``params``, ``std_errors``, ``z_stats``, ``p_values``, ``conf_int(level)``, ``cov``,
``loglik``, ``aic``, ``bic``, ``n_obs``, ``n_events``, ``n_units``, ``notes`` and
``summary()``. Inference is asymptotic-normal (z), as in R's ``summary.glm`` for
binomial models and Stata's ``logit``/``cloglog``; intervals are Wald intervals
(R ``confint.default``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from diffusion._notes import Note
from diffusion.data.checks import show
from diffusion.errors import SpecificationError

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.inference.tests import WaldTest

__all__ = ["HazardResults"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class HazardResults:
    """Results of a fitted hazard model (immutable).

    Attributes
    ----------
    model : str
        Model family, e.g. ``"discrete-time cloglog"``.
    terms : tuple of str
        Parameter names, in order.
    loglik : float
        Maximised log-likelihood.
    n_obs, n_events, n_units : int
        Rows, events and units in the estimation sample.
    n_clusters : int or None
        Number of clusters for cluster-robust covariance.
    cov_type : str
        ``"classic"``, ``"robust"`` or ``"cluster"``.
    cluster : str or None
        Name of the cluster column.
    information : str
        ``"expected"`` or ``"observed"`` (bread of the covariance).
    small_sample : str
        Small-sample factor convention (see :mod:`diffusion.inference.covariance`).
    time_term : str or None
        Description of the baseline time dependence.
    notes : tuple of Note
        Every decision taken on the data, counted (risk-set construction,
        listwise deletion, dropped time categories).
    converged : bool
    n_iter : int
    estimation_rows : numpy.ndarray
        Positions (in the risk set's ``frame``) of the rows used.
    n_bic : int or None
        Sample size in the BIC penalty when it is not ``n_obs``: Cox models use the
        number of events, as R's ``BIC`` for ``coxph`` (``nobs.coxph``).
    extra : dict
        Family-specific facts (``link``, ``ties``, ``clock``, ...). Discrete-time and
        Cox fits also record ``extra["model"]`` (the model that produced the result)
        and ``extra["fit_options"]`` (the ``fit`` arguments), so that
        :func:`diffusion.compare` can refit them on a common sample.
    """

    model: str
    terms: tuple[str, ...]
    _params: np.ndarray = field(repr=False)
    _cov: np.ndarray = field(repr=False)
    loglik: float
    n_obs: int
    n_events: int
    n_units: int
    cov_type: str
    cluster: str | None = None
    n_clusters: int | None = None
    information: str = "expected"
    small_sample: str = "r"
    time_term: str | None = None
    dependent: str = "event"
    formula: str | None = None
    notes: tuple[Note, ...] = ()
    converged: bool = True
    n_iter: int = 0
    estimation_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64),
                                        repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    n_bic: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_params", _frozen(self._params))
        object.__setattr__(self, "_cov", _frozen(self._cov))
        rows = np.array(self.estimation_rows, dtype=np.int64, copy=True)
        rows.setflags(write=False)
        object.__setattr__(self, "estimation_rows", rows)

    # ---------------------------------------------------------- vocabulary
    @property
    def params(self) -> pd.Series:
        """Estimated coefficients."""
        return pd.Series(self._params.copy(), index=list(self.terms), name="params")

    @property
    def cov(self) -> pd.DataFrame:
        """Covariance matrix of the estimates."""
        return pd.DataFrame(self._cov.copy(), index=list(self.terms), columns=list(self.terms))

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors (square roots of the diagonal of :attr:`cov`)."""
        return pd.Series(np.sqrt(np.diag(self._cov)), index=list(self.terms), name="std_errors")

    @property
    def z_stats(self) -> pd.Series:
        """Wald z statistics ``params / std_errors``."""
        return pd.Series(self._params / np.sqrt(np.diag(self._cov)), index=list(self.terms),
                         name="z_stats")

    @property
    def p_values(self) -> pd.Series:
        """Two-sided p-values from the standard normal."""
        z = self._params / np.sqrt(np.diag(self._cov))
        return pd.Series(2 * stats.norm.sf(np.abs(z)), index=list(self.terms), name="p_values")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald confidence intervals ``params +/- z_{(1+level)/2} * std_errors``."""
        if not (isinstance(level, (float, int)) and 0 < level < 1):
            raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
        q = stats.norm.ppf(0.5 + level / 2)
        se = np.sqrt(np.diag(self._cov))
        return pd.DataFrame({"lower": self._params - q * se, "upper": self._params + q * se},
                            index=list(self.terms))

    @property
    def n_params(self) -> int:
        """Number of estimated parameters."""
        return len(self.terms)

    @property
    def aic(self) -> float:
        """Akaike information criterion ``-2 loglik + 2 K``."""
        return -2.0 * self.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        """Bayesian information criterion ``-2 loglik + K log(n)`` (as R's ``BIC``).

        ``n`` is ``n_obs``, or ``n_bic`` when set (the number of events for Cox models).
        """
        n = self.n_bic if self.n_bic is not None else self.n_obs
        return -2.0 * self.loglik + self.n_params * float(np.log(n))

    def hazard_ratios(self, level: float = 0.95) -> pd.DataFrame:
        """Hazard ratios ``exp(params)`` with Wald intervals ``exp(conf_int(level))``.

        Defined for proportional-hazards models: Cox, piecewise-exponential and
        Weibull models, and the discrete-time cloglog model (grouped-time
        proportional hazards, Prentice & Gloeckler 1978). Only covariates are listed:
        not the intercept, time terms or the Weibull shape. For logit and probit models
        ``exp(coef)`` is an odds ratio or has no such meaning, and this is refused.
        """
        link = self.extra.get("link")
        if not (self.extra.get("proportional_hazards") or link == "cloglog"):
            what = ("an odds ratio, not a hazard ratio" if link == "logit"
                    else "not a hazard ratio")
            raise SpecificationError(
                f"exp(coef) of a {self.model} model is {what}; hazard ratios exist for Cox, "
                f"piecewise-exponential, Weibull and cloglog models."
            )
        ci = self.conf_int(level)
        out = pd.DataFrame({"hazard_ratio": np.exp(self._params),
                            "lower": np.exp(ci["lower"].to_numpy()),
                            "upper": np.exp(ci["upper"].to_numpy())},
                           index=list(self.terms))
        # parametric models: only the covariates (not the baseline parameters)
        keep = self.extra.get("hazard_ratio_terms")
        if keep is None and link == "cloglog":
            # the time terms are the last n_time_terms columns of the design
            n_time = int(self.extra.get("n_time_terms", 0))
            covariates = self.terms[: len(self.terms) - n_time] if n_time else self.terms
            keep = [t for t in covariates if t != "Intercept"]
        return out.loc[list(keep)] if keep is not None else out

    def wald_test(self, hypothesis: str | Sequence[str]) -> WaldTest:
        """Wald test of linear constraints, with this result's own covariance.

        Parameters
        ----------
        hypothesis : str or sequence of str
            Term names, all constrained to zero (``["regional", "world"]``), or a
            string of comma-separated linear constraints over the terms
            (``"regional = world"``, ``"regional + world = 0"``,
            ``"regional = 0, world = 0"``). See :mod:`diffusion.inference.tests`.

        Returns
        -------
        WaldTest
            ``statistic`` ``(R b - q)' (R V R')^{-1} (R b - q)``, ``df``, ``p_value``
            from chi-square(df); ``V`` is :attr:`cov` (classic, robust or cluster).
        """
        from diffusion.inference.tests import wald_test

        if self.cov_type == "cluster":
            covariance = f"cluster({self.cluster}), G={self.n_clusters}"
        else:
            covariance = self.cov_type
        return wald_test(self.params, self.cov, hypothesis, covariance=covariance)

    def summary(self, *, level: float = 0.95):
        """A :class:`~diffusion.results.summary.Summary` with text/Markdown/LaTeX/HTML renderers."""
        from diffusion.results.summary import Summary

        return Summary.from_results(self, level=level)

    def __str__(self) -> str:
        return str(self.summary())

    def __repr__(self) -> str:
        return (f"HazardResults({self.model}, {self.n_params} terms, n_obs={self.n_obs}, "
                f"n_events={self.n_events}, loglik={self.loglik:.4f})")
