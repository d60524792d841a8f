"""Column-major kernels shared by the engines and the covariance estimators.

Country-year designs are tall and thin (millions of rows, a handful of columns). Each
function here runs over one column at a time, so every pass reads contiguous memory
and no ``n x k`` temporary is made: a weighted Gram matrix is ``k (k + 1) / 2`` dot
products after ``k`` in-place multiplications into one buffer of length ``n``. On the
2-core development machine this beats a BLAS ``X.T @ (X * w[:, None])``, which first
writes an ``n x k`` copy.

The dot products are numpy's own single-threaded loops (``einsum``), not BLAS: the
products are memory-bound, so BLAS threads gain nothing, and on a busy machine
OpenBLAS's threads wait on each other -- measured here, a BLAS ``dot`` of two
million-long vectors took 5-15 times longer under load than ``einsum``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_columns", "column_gram", "column_dots", "column_matvec", "column_cluster_sums"]


def as_columns(X: np.ndarray) -> np.ndarray:
    """``X`` as a column-major float64 array (no copy when it already is one)."""
    return np.asfortranarray(X, dtype=np.float64)


def column_gram(X: np.ndarray, w: np.ndarray | None = None,
                buf: np.ndarray | None = None) -> np.ndarray:
    """``X' diag(w) X`` (``X' X`` without ``w``) from column dot products."""
    n, k = X.shape
    A = np.empty((k, k))
    if buf is None and w is not None:
        buf = np.empty(n)
    for i in range(k):
        left = X[:, i] if w is None else np.multiply(X[:, i], w, out=buf)
        for j in range(i, k):
            A[i, j] = A[j, i] = np.einsum("i,i->", left, X[:, j])
    return A


def column_dots(X: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``X' v`` from ``k`` dot products."""
    return np.array([np.einsum("i,i->", X[:, j], v) for j in range(X.shape[1])])


def column_matvec(X: np.ndarray, beta: np.ndarray, out: np.ndarray | None = None,
                  tmp: np.ndarray | None = None) -> np.ndarray:
    """``X beta`` as a sum of scaled columns, into ``out`` (``tmp``: a scratch vector)."""
    n, k = X.shape
    out = np.empty(n) if out is None else out
    tmp = np.empty(n) if tmp is None else tmp
    np.multiply(X[:, 0], beta[0], out=out)
    for j in range(1, k):
        np.multiply(X[:, j], beta[j], out=tmp)
        out += tmp
    return out


def column_cluster_sums(X: np.ndarray, v: np.ndarray, codes: np.ndarray, g: int,
                        buf: np.ndarray | None = None) -> np.ndarray:
    """``S[c, j] = sum over rows i of cluster c of X[i, j] v[i]`` (``(g, k)``)."""
    n, k = X.shape
    buf = np.empty(n) if buf is None else buf
    out = np.empty((g, k))
    for j in range(k):
        np.multiply(X[:, j], v, out=buf)
        out[:, j] = np.bincount(codes, weights=buf, minlength=g)
    return out
