"""Likelihoods of the parametric hazard models: Poisson (piecewise exponential) and Weibull.

Plain arrays in, plain arrays out; Newton-Raphson with step halving in both.

Piecewise exponential (Holford 1980; Laird & Olivier 1981). With exposure ``e_i``
(time at risk in row ``i``) and ``eta_i = x_i' beta``, the likelihood of the
piecewise-constant hazard is, up to a constant, the Poisson likelihood of the event
counts with offset ``log e_i``::

    loglik = sum_i [ y_i (eta_i + log e_i) - e_i exp(eta_i) - log y_i! ]

(R ``glm(y ~ x + offset(log(e)), family = poisson)``; ``logLik`` includes the
``log y!`` term, which is 0 for 0/1 events).

Weibull proportional hazards with left truncation. Row ``i`` covers ``(a_i, b_i]``
on the clock, ``a_i >= 0``; with shape ``p = exp(u)``::

    h(s | x) = p s^(p - 1) exp(x' beta),      H(s | x) = s^p exp(x' beta)
    loglik   = sum_i [ y_i (u + (p - 1) log b_i + eta_i) - exp(eta_i) (b_i^p - a_i^p) ]

Rows of a unit add up to the likelihood of its whole history, so late entry (``a > 0``
in the first row), exits, re-entries and time-varying covariates need nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from diffusion.models._newton import newton

__all__ = ["ParametricFit", "fit_poisson", "fit_weibull", "weibull_terms"]


@dataclass(frozen=True)
class ParametricFit:
    params: np.ndarray
    loglik: float
    scores: np.ndarray  # (n, K) per-row score contributions at the estimate
    info: np.ndarray  # observed information
    converged: bool
    n_iter: int


def _newton(deriv, value, start: np.ndarray, *, max_iter: int, step_tol: float):
    """The shared Newton solver from ``start``. ``tol=0`` switches off its monotone-
    likelihood stop: these models report non-convergence after ``max_iter`` instead."""
    fit = newton(deriv, len(start), max_iter=max_iter, tol=0.0, step_tol=step_tol,
                 value=value, start=start)
    return fit.params, fit.loglik, fit.info, fit.converged, fit.n_iter


# ----------------------------------------------------------------- Poisson
def fit_poisson(X: np.ndarray, y: np.ndarray, offset: np.ndarray, *, max_iter: int,
                step_tol: float) -> ParametricFit:
    """Poisson regression with log link and offset (canonical: Newton = Fisher scoring)."""
    const = float(np.sum(gammaln(y + 1)))

    # trial steps of Newton's method may overflow exp(eta); their log likelihood is then
    # not finite and the step is halved, so the overflow is expected and silenced here
    def value(b):
        with np.errstate(over="ignore", invalid="ignore"):
            eta = X @ b + offset
            return float(np.sum(y * eta - np.exp(eta)) - const)

    def deriv(b):
        with np.errstate(over="ignore", invalid="ignore"):
            eta = X @ b + offset
            mu = np.exp(eta)
            ll = float(np.sum(y * eta - mu) - const)
            return ll, X.T @ (y - mu), X.T @ (X * mu[:, None])

    start = np.zeros(X.shape[1])
    # start at the constant rate when there is an intercept column
    ones = np.flatnonzero(np.all(X == 1.0, axis=0))
    if len(ones):
        start[ones[0]] = np.log(y.sum() / np.exp(offset).sum())
    theta, ll, info, converged, it = _newton(deriv, value, start, max_iter=max_iter,
                                              step_tol=step_tol)
    with np.errstate(over="ignore", invalid="ignore"):
        mu = np.exp(X @ theta + offset)
        scores = X * (y - mu)[:, None]
    return ParametricFit(theta, ll, scores, info, converged and _finite(theta, ll, info, scores),
                         it)


def _finite(*parts) -> bool:
    """Whether every number of a fit is finite (else it is reported as not converged)."""
    return all(np.all(np.isfinite(p)) for p in parts)


# ----------------------------------------------------------------- Weibull
def _xlogx(s: np.ndarray, p: float, power: int) -> np.ndarray:
    """``s^p (log s)^power`` with the limit 0 at ``s = 0``."""
    out = np.zeros_like(s)
    pos = s > 0
    ls = np.log(s[pos])
    with np.errstate(over="ignore", invalid="ignore"):  # trial steps while halving
        out[pos] = np.exp(p * ls) * ls ** power
    return out


def weibull_terms(theta: np.ndarray, X: np.ndarray, a: np.ndarray, b: np.ndarray,
                  y: np.ndarray, order: int = 2):
    """Log likelihood, per-row scores (n, K+1) and observed information at ``theta``."""
    with np.errstate(over="ignore", invalid="ignore"):  # trial steps while halving
        return _weibull_terms(theta, X, a, b, y, order)


def _weibull_terms(theta, X, a, b, y, order):
    beta, u = theta[:-1], float(theta[-1])
    p = np.exp(u)
    eta = X @ beta
    r = np.exp(eta)
    A = _xlogx(b, p, 0) - _xlogx(a, p, 0)
    logb = np.log(b)
    with np.errstate(over="ignore", invalid="ignore"):  # trial steps while halving
        ll = float(np.sum(y * (u + (p - 1) * logb + eta) - r * A))
    if order == 0:
        return ll, None, None
    A1 = _xlogx(b, p, 1) - _xlogx(a, p, 1)  # dA/dp
    d_eta = y - r * A
    d_u = y * (1 + p * logb) - r * p * A1
    scores = np.column_stack([X * d_eta[:, None], d_u])
    A2 = _xlogx(b, p, 2) - _xlogx(a, p, 2)  # d2A/dp2
    h_ee = -r * A
    h_eu = -r * p * A1
    h_uu = y * p * logb - r * (p * A1 + p * p * A2)
    k = X.shape[1]
    info = np.empty((k + 1, k + 1))
    info[:k, :k] = -(X.T @ (X * h_ee[:, None]))
    info[:k, k] = info[k, :k] = -(X.T @ h_eu)
    info[k, k] = -float(np.sum(h_uu))
    return ll, scores, info


def fit_weibull(X: np.ndarray, a: np.ndarray, b: np.ndarray, y: np.ndarray, *,
                max_iter: int, step_tol: float) -> ParametricFit:
    """Weibull proportional hazards with left truncation (see the module docstring)."""

    def deriv(theta):
        ll, scores, info = weibull_terms(theta, X, a, b, y)
        with np.errstate(over="ignore", invalid="ignore"):  # a trial step's, see above
            return ll, scores.sum(axis=0), info

    def value(theta):
        return weibull_terms(theta, X, a, b, y, order=0)[0]

    start = np.zeros(X.shape[1] + 1)
    ones = np.flatnonzero(np.all(X == 1.0, axis=0))
    if len(ones):  # exponential start: events over total time at risk
        start[ones[0]] = np.log(y.sum() / np.sum(b - a))
    theta, ll, info, converged, it = _newton(deriv, value, start, max_iter=max_iter,
                                              step_tol=step_tol)
    _, scores, _ = weibull_terms(theta, X, a, b, y)
    return ParametricFit(theta, ll, scores, info, converged and _finite(theta, ll, info, scores),
                         it)
