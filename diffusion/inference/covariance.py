"""Covariance estimators for M-estimators: classic, heteroskedasticity-robust, cluster.

All estimators are built from the *bread* ``A`` (an information matrix, summed
over rows) and the per-row scores ``u_i x_i``::

    classic : A^{-1}
    robust  : c * A^{-1} (sum_i s_i s_i') A^{-1}             s_i = u_i x_i
    cluster : c * A^{-1} (sum_g S_g S_g') A^{-1}             S_g = sum_{i in g} s_i

Small-sample factor ``c`` (``small_sample=``), with ``G`` clusters (``G = N`` for
``robust``), ``N`` rows and ``K`` parameters:

* ``"r"`` (default): ``G/(G-1) * (N-1)/(N-K)`` -- R ``sandwich::vcovCL(type =
  "HC1")`` (and ``vcovHC(type = "HC1")`` for ``robust``: ``N/(N-K)``);
* ``"stata"``: ``G/(G-1)`` -- Stata's ``logit``/``probit``/``cloglog`` with
  ``vce(cluster)``; with ``vce(robust)``, ``N/(N-1)``;
* ``"none"``: ``1`` (HC0; the textbook sandwich, R ``vcovCL(type = "HC0",
  cadjust = FALSE)``).

Which information is the bread differs between R and Stata for non-canonical links:
R's ``glm`` (and ``sandwich``) use the *expected* information (the IRLS weights);
Stata maximises by Newton-Raphson and uses the *observed* information (negative
Hessian). They coincide for the logit link. Choose with ``information=``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from diffusion._linalg import as_columns, column_cluster_sums, column_gram
from diffusion.errors import EstimationError

__all__ = ["sandwich_covariance", "sandwich", "score_meat", "multiway_meat", "COV_TYPES", "SMALL_SAMPLE", "CovType",
           "SmallSample"]

CovType = Literal["cluster", "classic", "robust"]
SmallSample = Literal["r", "stata", "none"]
COV_TYPES = ("cluster", "classic", "robust")
SMALL_SAMPLE = ("r", "stata", "none")


def _inverse(info: np.ndarray) -> np.ndarray:
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - guarded by rank checks
        raise EstimationError(
            "the information matrix is singular; some terms are not identified."
        ) from exc
    return (inv + inv.T) / 2


def _cluster_codes(clusters: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Integer cluster codes ``0 .. G-1`` and ``G`` (at least 2)."""
    codes, uniques = pd.factorize(pd.Series(clusters), sort=False)
    g = len(uniques)
    if g < 2:
        raise EstimationError(
            f"cluster-robust standard errors need at least 2 clusters; found {g}."
        )
    return codes, g


def score_meat(
    scores: np.ndarray, *, cov_type: str, clusters: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """The meat ``sum_g S_g S_g'`` of a sandwich and the number of clusters ``G``.

    ``scores`` holds one score vector per row, ``(N, K)``. For ``"robust"`` every row
    is its own cluster (``G = N``); for ``"cluster"`` the rows' scores are summed
    within each label of ``clusters`` first.
    """
    n, k = scores.shape
    if cov_type == "robust":
        return scores.T @ scores, n
    codes, g = _cluster_codes(clusters)
    summed = np.column_stack([np.bincount(codes, scores[:, j], minlength=g) for j in range(k)])
    summed = summed.reshape(g, k)
    return summed.T @ summed, g


def sandwich_covariance(
    X: np.ndarray,
    score: np.ndarray,
    weight: np.ndarray,
    *,
    cov_type: CovType,
    clusters: np.ndarray | None = None,
    small_sample: SmallSample = "r",
    k_absorbed: int = 0,
) -> tuple[np.ndarray, int | None]:
    """Covariance of the estimates.

    Parameters
    ----------
    X : (N, K) array
        Design matrix of the estimation rows.
    score : (N,) array
        Per-row score factors ``u_i`` (the score of row ``i`` is ``u_i x_i``).
    weight : (N,) array
        Per-row information weights (the bread is ``X' diag(weight) X``).
    cov_type : {"cluster", "classic", "robust"}
    clusters : (N,) array, or a list of them, optional
        Cluster labels (required for ``"cluster"``). A list of two or more label arrays
        gives multi-way clustering (:func:`multiway_meat`).
    small_sample : {"r", "stata", "none"}
    k_absorbed : int, default 0
        Parameters absorbed outside ``X`` (fixed effects swept out by demeaning, see
        :mod:`diffusion.models.discrete_time.absorb`); they count in ``K`` of the small-sample factor,
        as they do in the dummy-variable fit of R ``glm`` + ``sandwich``.

    Returns
    -------
    cov : (K, K) array
    n_clusters : int or None
    """
    n, k = X.shape
    # column by column (diffusion._linalg): no n x k temporary of weighted rows
    Xc = as_columns(X)
    buf = np.empty(n)
    bread = _inverse(column_gram(Xc, weight, buf))
    if cov_type == "classic":
        return bread, None
    k = k + int(k_absorbed)
    if cov_type == "cluster" and isinstance(clusters, (list, tuple)) and len(clusters) > 1:
        meat, g = multiway_meat(Xc, score, clusters, small_sample=small_sample, buf=buf)
        factor = (n - 1) / (n - k) if small_sample == "r" else 1.0
        cov = factor * bread @ meat @ bread
        return (cov + cov.T) / 2, g
    if isinstance(clusters, (list, tuple)):
        clusters = clusters[0]
    if cov_type == "robust":
        meat, g = column_gram(Xc, np.square(score), buf), n
    else:
        codes, g = _cluster_codes(clusters)
        summed = column_cluster_sums(Xc, score, codes, g, buf)
        meat = summed.T @ summed
    return sandwich(bread, meat, small_sample=small_sample, g=g, n=n, k=k), (
        g if cov_type == "cluster" else None)


def sandwich(bread: np.ndarray, meat: np.ndarray, *, small_sample: SmallSample, g: int,
             n: int, k: int) -> np.ndarray:
    """``c * bread @ meat @ bread`` (symmetrised) with the small-sample factor ``c`` of
    ``G`` clusters, ``N`` rows and ``K`` parameters (see the module docstring)."""
    if small_sample == "r":
        factor = g / (g - 1) * (n - 1) / (n - k)
    elif small_sample == "stata":
        factor = g / (g - 1)
    else:
        factor = 1.0
    cov = factor * bread @ meat @ bread
    return (cov + cov.T) / 2


def multiway_meat(
    X: np.ndarray,
    score: np.ndarray,
    clusters: list[np.ndarray] | tuple[np.ndarray, ...],
    *,
    small_sample: SmallSample = "r",
    buf: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Multi-way cluster meat (Cameron, Gelbach & Miller 2011) and the smallest ``G``.

    For two dimensions ``a`` and ``b``: ``c_a M_a + c_b M_b - c_ab M_ab``, with ``M_s``
    the one-way meat of clustering on ``s`` (``ab``: the intersection, one cluster per
    observed pair) and ``c_s = G_s / (G_s - 1)``; in general every non-empty subset of
    the dimensions enters with sign ``(-1)^(size + 1)``.

    Convention: R ``sandwich::vcovCL(fit, cluster = ~ a + b, type = "HC1",
    multi0 = FALSE)`` -- every term, the intersection included, gets its own
    ``G/(G-1)`` (``small_sample="r"`` or ``"stata"``; ``"none"``: no factor), and the
    ``(N-1)/(N-K)`` of HC1 multiplies the sum (applied by :func:`sandwich_covariance`).
    ``multi0 = TRUE`` (the intersection term as HC0), Stata's ``reghdfe`` and
    ``fixest`` (``G_min/(G_min-1)`` on the whole) differ in these factors only. The
    sum need not be positive semi-definite; it is returned as is (R's ``fix = FALSE``).
    """
    from itertools import combinations

    X = as_columns(X)
    n = X.shape[0]
    buf = np.empty(n) if buf is None else buf
    dims = []
    for c in clusters:
        codes, g = _cluster_codes(c)
        dims.append((codes.astype(np.int64), g))
    meat = np.zeros((X.shape[1], X.shape[1]))
    smallest = min(g for _, g in dims)
    for size in range(1, len(dims) + 1):
        for subset in combinations(range(len(dims)), size):
            codes = dims[subset[0]][0]
            for j in subset[1:]:
                codes = codes * dims[j][1] + dims[j][0]
            codes, uniques = pd.factorize(codes, sort=False)
            g = len(uniques)
            summed = column_cluster_sums(X, score, codes, g, buf)
            adj = g / (g - 1) if (small_sample != "none" and g > 1) else 1.0
            meat += (-1.0) ** (size + 1) * adj * (summed.T @ summed)
    return meat, smallest
