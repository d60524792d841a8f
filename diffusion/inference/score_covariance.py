"""Covariance from per-row score contributions: Cox, Weibull (model-based, robust, cluster).

For estimators whose score is a sum of per-row vectors ``U_i`` that are not of the
GLM form ``u_i x_i`` -- the score residuals of the Cox partial likelihood (Lin & Wei
1989; Therneau & Grambsch 2000, sec. 7.2) and the per-row scores of the Weibull
likelihood (R ``survreg``) -- with ``V`` the inverse observed information::

    classic : V                                   R coxph: fit$naive.var (fit$var without cluster)
    robust  : c * V (sum_i U_i U_i') V            R coxph(..., cluster = row id)
    cluster : c * V (sum_g U_g U_g') V            R coxph(..., cluster = id), U_g = sum_{i in g} U_i

``V U_i`` are R's ``dfbeta`` residuals, so the cluster variance is R's
``crossprod(rowsum(dfbeta, id))``.

Small-sample factor ``c`` (``small_sample=``), with ``G`` clusters (``G = N`` rows for
``robust``):

* ``"r"`` (default) and ``"none"``: ``1``. R's ``coxph`` and ``survreg`` apply no
  factor (unlike ``sandwich::vcovCL`` for GLMs, whose HC1 factor the discrete-time
  and piecewise-exponential models use).
* ``"stata"``: ``G / (G - 1)``, Stata's ``stcox``/``streg, vce(cluster id)`` (and
  ``vce(robust)``, which clusters on the rows).

Counting-process rows of one unit are correlated pieces of one history, but the
martingale structure makes the model-based variance valid for them (Therneau &
Grambsch 2000, sec. 3.7); clustering by unit guards against misspecification
(frailty, omitted unit-level covariates) and equals R whenever R is given
``cluster(unit)``.
"""

from __future__ import annotations

import numpy as np

from diffusion.inference.covariance import score_meat

__all__ = ["score_covariance"]


def score_covariance(
    V: np.ndarray,
    residuals: np.ndarray | None,
    *,
    cov_type: str,
    clusters: np.ndarray | None = None,
    small_sample: str = "r",
) -> tuple[np.ndarray, int | None]:
    """Covariance of the estimates from per-row score contributions.

    Parameters
    ----------
    V : (K, K) array
        Inverse of the observed information at the estimate.
    residuals : (N, K) array or None
        Per-row score contributions (Cox score residuals; not needed for ``"classic"``).
    cov_type : {"classic", "robust", "cluster"}
    clusters : (N,) array, optional
        Cluster labels (``"cluster"`` only).
    small_sample : {"r", "stata", "none"}

    Returns
    -------
    cov : (K, K) array
    n_clusters : int or None
    """
    if cov_type == "classic":
        return (V + V.T) / 2, None
    assert residuals is not None  # internal contract, not user input
    meat, g = score_meat(residuals, cov_type=cov_type, clusters=clusters)
    factor = g / (g - 1) if small_sample == "stata" else 1.0
    cov = factor * V @ meat @ V
    return (cov + cov.T) / 2, (g if cov_type == "cluster" else None)
