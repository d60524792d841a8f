"""Checks of a Cox model's estimation sample and fit, each naming what it found.

* strata with rows but no events;
* covariates constant in the sample, or constant (or collinear) within every risk set
  -- aliased with the baseline hazard (world share and period dummies under the
  calendar clock, functions of duration under the duration clock);
* a monotone likelihood (diverging coefficients).
"""

from __future__ import annotations

import numpy as np

from diffusion.data.checks import preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import (
    CollinearityError,
    ConvergenceError,
    EstimationError,
    SeparationError,
    SpecificationError,
)
from diffusion.models.control import FitControl
from diffusion.models.cox import _engine as engine

__all__ = ["check_risk_set", "check_strata_events", "check_constant", "check_aliasing",
           "check_divergence", "inverse"]

#: monotone likelihood: |beta_j| sd(x_j) above _DIVERGED (a hazard ratio above e^20 per
#: standard deviation), or above _LARGE while se_j sd(x_j) exceeds _NO_INFO (the
#: information about the coefficient has vanished: the likelihood is flat in it)
_DIVERGED, _LARGE, _NO_INFO = 20.0, 5.0, 1e3


def check_risk_set(risk_set: object) -> None:
    """Refuse anything that is not a :class:`~diffusion.RiskSet`."""
    if not isinstance(risk_set, RiskSet):
        raise SpecificationError(
            f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}; build one "
            f"with RiskSet.from_events or RiskSet.from_panel."
        )


def check_strata_events(codes: np.ndarray, labels: tuple, y: np.ndarray,
                        strata: str | None) -> None:
    """Refuse strata that have rows but no events (naming them and their row counts)."""
    if not strata:
        return
    events = np.bincount(codes, y, minlength=len(labels))
    rows = np.bincount(codes, minlength=len(labels))
    empty = np.flatnonzero((events == 0) & (rows > 0))
    if len(empty):
        shown = ", ".join(f"{show(labels[j])} ({rows[j]} rows)" for j in empty[:5])
        raise EstimationError(
            f"{len(empty)} stratum/strata of {show(strata)} have rows but no events: {shown}. "
            f"They contribute nothing to the partial likelihood; drop their rows from the "
            f"risk set or merge them with other strata."
        )


def check_constant(X: np.ndarray, names: tuple[str, ...]) -> None:
    """Refuse covariates that are constant in the whole estimation sample."""
    const = [names[j] for j in range(X.shape[1]) if np.ptp(X[:, j]) == 0] if len(X) else []
    if const:
        raise CollinearityError(
            f"covariate(s) {preview(const)} are constant in the estimation sample, so their "
            f"effect is absorbed by the baseline hazard. Remove them."
        )


def check_aliasing(data: engine.CoxData, info0: np.ndarray, sd: np.ndarray,
                    names: tuple[str, ...], clock: str, strata: str | None) -> None:
    """Refuse covariates (or combinations) that are constant within every risk set.

    The information at ``beta = 0`` is ``sum_tau d_tau Cov_tau(x)`` over the rows at
    risk at each event time (Breslow; Efron's has the same null space); a direction
    in its null space is a combination of covariates that takes one value for
    everyone at risk at each event time, whose effect the baseline hazard absorbs.
    """
    k = len(names)
    # scale: the variance of each column over all rows, summed like info0
    total = sd ** 2 * data.group_deaths.sum()
    total[total == 0] = 1.0
    diag = np.diag(info0)
    where = "at each event time" + (f" within each stratum of {show(strata)}" if strata else "")
    if clock == "calendar":
        advice = ("Under the calendar clock a covariate that takes the same value for every "
                  "unit at risk in a year (world share, year or period dummies, global "
                  "trends) is absorbed by the baseline hazard; R's coxph returns NA for it "
                  "without a word. Fit DiscreteTimeHazard with a parametric time term, where "
                  "period-level covariates are identified, or use clock='duration', where "
                  "units at risk at the same duration are observed in different years.")
    else:
        advice = ("Under the duration clock a covariate that takes the same value for every "
                  "unit at risk at a duration (functions of duration) is absorbed by the "
                  "baseline hazard. Remove it, or use clock='calendar'.")
    const = [names[j] for j in range(k) if diag[j] <= 1e-10 * total[j]]
    if const:
        raise CollinearityError(
            f"covariate(s) {preview(const)} take a single value for all rows at risk {where}, "
            f"so their effect is not identified. {advice}"
        )
    scale = np.sqrt(diag)
    R = info0 / np.outer(scale, scale)
    kept: list[int] = []
    problems: list[str] = []
    for j in range(k):
        trial = kept + [j]
        if np.linalg.eigvalsh(R[np.ix_(trial, trial)]).min() > 1e-10:
            kept.append(j)
            continue
        coef = np.linalg.lstsq(R[np.ix_(kept, kept)], R[kept, j], rcond=None)[0]
        involved = [names[kept[i]] for i in np.flatnonzero(np.abs(coef) > 1e-8)]
        problems.append(f"{show(names[j])} is a linear combination of {preview(involved)}")
    if problems:
        raise CollinearityError(
            f"the covariates are collinear within the risk sets ({where}), so some effects "
            f"are not identified: " + "; ".join(problems) + f". {advice}"
        )


def check_divergence(fit: engine.NewtonFit, sd: np.ndarray, names: tuple[str, ...],
                     control: FitControl) -> None:
    """Refuse a monotone likelihood (diverging coefficients, named) or non-convergence."""
    size = np.abs(fit.params) * sd
    try:
        se = np.sqrt(np.abs(np.diag(np.linalg.pinv(fit.info))))
    except np.linalg.LinAlgError:  # pragma: no cover
        se = np.full(len(size), np.inf)
    big = (size > _DIVERGED) | ((size > _LARGE) & (se * sd > _NO_INFO))
    if big.any() or fit.diverging:
        flagged = big | (fit.diverging & (fit.last_step > 1e-3))
        flagged_names = [names[j] for j in np.flatnonzero(flagged)] or list(names)
        raise SeparationError(
            f"monotone likelihood: the coefficient(s) of {preview(flagged_names, 8)} diverge (the "
            f"partial likelihood keeps increasing as they grow), typically because they "
            f"order the events perfectly within the risk sets (e.g. every unit with x = 1 "
            f"adopts before any unit with x = 0). Remove or recode them, merge categories, "
            f"or use a penalised model."
        )
    if not fit.converged:
        raise ConvergenceError(
            f"the partial likelihood did not converge in {control.max_iter} Newton "
            f"iterations. Rescale covariates or raise FitControl(max_iter=...)."
        )


def inverse(info: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Symmetrised inverse of the information matrix."""
    try:
        V = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - guarded by the aliasing check
        raise EstimationError(
            f"the information matrix is singular; some of {preview(names)} are not identified."
        ) from exc
    return (V + V.T) / 2
