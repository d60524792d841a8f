"""Engine of the split-population (cure) model: plain arrays in and out.

Unit ``i`` has rows ``t = 1..T_i`` (sorted by time), a risk-part row ``z_i`` and an
event indicator ``d_i`` at its last row. Each row carries the increment ``dH_it >= 0``
of the cumulative hazard of a unit at risk over the row's interval (see
:func:`increments`); with ``pi_i = logistic(z_i' gamma)``::

    log L_i = log pi_i + log(1 - exp(-dH_iT)) - sum_{t<T} dH_it        if d_i = 1
    log L_i = log[(1 - pi_i) + pi_i S_i],  log S_i = -sum_t dH_it       if d_i = 0

The duration parts differ only in ``dH``:

* ``cloglog``: ``dH_it = exp(x_it' beta)`` (then ``1 - exp(-dH)`` is the cloglog
  hazard);
* ``weibull``: ``H(s | x) = (lambda s)^alpha``, ``lambda = exp(-x' beta)``,
  ``alpha = exp(a)``; ``dH_it = H(d_it | x_it) - H(d_it - 1 | x_it)``;
* ``loglogistic``: ``H(s | x) = log(1 + (lambda s)^alpha)``, same ``lambda``, ``alpha``.

``d_it`` is the row's duration (1 in the first year at risk). Parameters are ordered
``[gamma, beta]`` and, for the two continuous-time parts, ``a = log(alpha)`` last.

Everything is computed on the log scale (``logaddexp``), so that ``pi`` near 1 and
``S`` near 0 neither underflow nor lose digits. The per-unit score is analytic (chain
rule through ``dH``); the Hessian is the central difference of the analytic total
score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize

from diffusion.models._newton import newton

__all__ = [
    "DISTRIBUTIONS",
    "SplitPopData",
    "SplitPopFit",
    "fit_splitpop",
    "increments",
    "numeric_hessian",
    "unit_loglik",
    "unit_scores",
]

#: duration parts; the last two have a shape parameter ``log(alpha)``
Distribution = Literal["cloglog", "weibull", "loglogistic"]
DISTRIBUTIONS: tuple[str, ...] = ("cloglog", "weibull", "loglogistic")


@dataclass(frozen=True)
class SplitPopData:
    """Rows sorted by unit then time; ``unit`` holds codes ``0..n_units-1``."""

    X: np.ndarray  # duration design, one row per unit-period
    Z: np.ndarray  # risk design, one row per unit
    unit: np.ndarray  # unit code of each row
    last: np.ndarray  # True at each unit's last row
    d: np.ndarray  # event indicator per unit (0/1)
    dur: np.ndarray | None = None  # duration clock of each row (1 = first year at risk)
    dist: str = "cloglog"
    cure: bool = True  # False: pi = 1 for every unit (the model without a cure part)

    @property
    def k_risk(self) -> int:
        return self.Z.shape[1]

    @property
    def k_shape(self) -> int:
        return 0 if self.dist == "cloglog" else 1


@dataclass(frozen=True)
class SplitPopFit:
    """Outcome of :func:`fit_splitpop`: parameters ordered ``[gamma, beta, (log alpha)]``."""

    params: np.ndarray
    loglik: float
    hessian: np.ndarray
    scores: np.ndarray  # per unit, n_units x k
    converged: bool
    n_iter: int


def increments(theta_dur: np.ndarray, X: np.ndarray, dur: np.ndarray | None, dist: str,
               *, derivatives: bool = False):
    """Cumulative-hazard increment of each row for a unit at risk, and its derivatives.

    Returns ``dH`` or, with ``derivatives=True``, ``(dH, g_beta, g_a)``: ``dH`` has
    derivative ``g_beta[:, None] * X`` with respect to ``beta`` and ``g_a`` with
    respect to ``a = log(alpha)`` (``None`` for cloglog).
    """
    kx = X.shape[1]
    beta = theta_dur[:kx]
    eta = X @ beta
    if dist == "cloglog":
        dH = np.exp(eta)
        return (dH, dH, None) if derivatives else dH
    alpha = float(np.exp(theta_dur[kx]))
    d = np.asarray(dur, dtype=np.float64)
    first = d <= 1.0  # the interval (0, 1]: H(0) = 0
    log_d = np.log(d)
    log_d0 = np.log(np.where(first, 1.0, d - 1.0))
    v1 = alpha * (log_d - eta)  # log H(d) for weibull, logit of F(d) for loglogistic
    v0 = alpha * (log_d0 - eta)
    if dist == "weibull":
        H1 = np.exp(v1)
        # H(d) - H(d-1) = H(d) (1 - ((d-1)/d)^alpha), without cancellation
        dH = np.where(first, H1, -H1 * np.expm1(v0 - v1))
        if not derivatives:
            return dH
        H0 = np.where(first, 0.0, np.exp(v0))
        g_beta = -alpha * dH
        g_a = v1 * H1 - np.where(first, 0.0, v0 * H0)
        return dH, g_beta, g_a
    # loglogistic: H(s) = log(1 + exp(v(s))) (softplus)
    S1 = np.logaddexp(0.0, v1)
    S0 = np.where(first, 0.0, np.logaddexp(0.0, v0))
    dH = S1 - S0
    if not derivatives:
        return dH
    s1 = 1.0 / (1.0 + np.exp(-v1))
    s0 = np.where(first, 0.0, 1.0 / (1.0 + np.exp(-v0)))
    g_beta = -alpha * (s1 - s0)
    g_a = v1 * s1 - np.where(first, 0.0, v0 * s0)
    return dH, g_beta, g_a


def _split(theta: np.ndarray, data: SplitPopData):
    kz = data.k_risk
    gamma = theta[:kz]
    if data.cure:
        zg = data.Z @ gamma
        log_pi = -np.logaddexp(0.0, -zg)
        log_1mpi = -np.logaddexp(0.0, zg)
    else:
        n = len(data.d)
        log_pi = np.zeros(n)
        log_1mpi = np.full(n, -np.inf)
    return theta[kz:], log_pi, log_1mpi


def _parts(theta: np.ndarray, data: SplitPopData):
    """``(log_pi, log_1mpi, dH, cum_all, dH_last)`` at ``theta``."""
    theta_dur, log_pi, log_1mpi = _split(theta, data)
    dH = increments(theta_dur, data.X, data.dur, data.dist)
    n = len(data.d)
    # cumulative hazard over all of the unit's rows; the last row's increment
    cum_all = np.bincount(data.unit, weights=dH, minlength=n)
    dH_last = dH[data.last]  # one per unit, in unit-code order (rows are sorted)
    return log_pi, log_1mpi, dH, cum_all, dH_last


def unit_loglik(theta: np.ndarray, data: SplitPopData) -> np.ndarray:
    """Log likelihood contribution of each unit."""
    log_pi, log_1mpi, _, cum_all, dH_last = _parts(theta, data)
    d = data.d.astype(bool)
    out = np.empty(len(d))
    # adopters: log pi + log P(adopt in the last row) - (cumulative hazard before it)
    log_h = np.log(-np.expm1(-dH_last[d]))
    out[d] = log_pi[d] + log_h - (cum_all[d] - dH_last[d])
    c = ~d
    out[c] = np.logaddexp(log_1mpi[c], log_pi[c] - cum_all[c])
    return out


def unit_scores(theta: np.ndarray, data: SplitPopData) -> np.ndarray:
    """Analytic score of each unit's log likelihood (``n_units x k``)."""
    theta_dur, log_pi, log_1mpi = _split(theta, data)
    dH, g_beta, g_a = increments(theta_dur, data.X, data.dur, data.dist, derivatives=True)
    n = len(data.d)
    cum_all = np.bincount(data.unit, weights=dH, minlength=n)
    d = data.d.astype(bool)
    c = ~d
    a = np.empty(n)  # d loglik_i / d (z_i' gamma)
    a[d] = np.exp(log_1mpi[d])  # 1 - pi
    log_L = np.logaddexp(log_1mpi[c], log_pi[c] - cum_all[c])
    p_atrisk_surv = np.exp(log_pi[c] - cum_all[c] - log_L)  # pi S / L
    p_atrisk = np.exp(log_pi[c] - log_L)  # pi / L
    # pi (1 - pi) (S - 1) / L = (1 - pi) (pi S / L - pi / L)
    a[c] = np.exp(log_1mpi[c]) * (p_atrisk_surv - p_atrisk)
    # r_it = d loglik_i / d dH_it: -1 on an adopter's rows before its event, the
    # posterior probability of being at risk (negated) on a censored unit's rows
    w = np.ones(n)
    w[c] = p_atrisk_surv
    r = -w[data.unit]
    event_rows = np.flatnonzero(data.last)[d]
    # d log(1 - exp(-dH)) / d dH = 1 / expm1(dH)
    r[event_rows] = 1.0 / np.expm1(dH[event_rows])
    blocks = [data.Z * a[:, None]] if data.cure else [np.zeros((n, data.k_risk))]
    sb = np.zeros((n, data.X.shape[1]))
    np.add.at(sb, data.unit, data.X * (r * g_beta)[:, None])
    blocks.append(sb)
    if g_a is not None:
        blocks.append(np.bincount(data.unit, weights=r * g_a, minlength=n)[:, None])
    return np.hstack(blocks)


def numeric_hessian(theta: np.ndarray, data: SplitPopData) -> np.ndarray:
    """Central difference of the analytic total score (symmetrised)."""
    k = len(theta)
    H = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(theta[j]))
        up = theta.copy()
        dn = theta.copy()
        up[j] += h
        dn[j] -= h
        H[:, j] = (unit_scores(up, data).sum(0) - unit_scores(dn, data).sum(0)) / (2 * h)
    return (H + H.T) / 2


def fit_splitpop(data: SplitPopData, start: np.ndarray, *, max_iter: int = 100,
                 tol: float = 1e-10) -> SplitPopFit:
    """Quasi-Newton (BFGS) from ``start``, then Newton steps to a tight optimum.

    The columns are scaled to a maximum absolute value of 1 while iterating (so that
    the finite-difference steps of the Hessian suit a cubic in duration as well as a
    share); parameters, Hessian and scores are returned on the original scale. The
    shape parameter ``log(alpha)`` is not scaled.
    """
    kz = data.k_risk
    scale = np.r_[_col_scale(data.Z), _col_scale(data.X), np.ones(data.k_shape)]
    kx = data.X.shape[1]
    scaled = SplitPopData(data.X / scale[kz:kz + kx], data.Z / scale[:kz], data.unit,
                          data.last, data.d, data.dur, data.dist, data.cure)
    fit = _fit_scaled(scaled, np.asarray(start, dtype=np.float64) * scale, max_iter=max_iter,
                      tol=tol)
    theta = fit.params / scale
    return SplitPopFit(theta, fit.loglik, fit.hessian * np.outer(scale, scale),
                       unit_scores(theta, data), fit.converged, fit.n_iter)


def _col_scale(A: np.ndarray) -> np.ndarray:
    m = np.max(np.abs(A), axis=0) if len(A) else np.ones(A.shape[1])
    return np.where(m > 0, m, 1.0)


def _fit_scaled(data: SplitPopData, start: np.ndarray, *, max_iter: int,
                tol: float) -> SplitPopFit:

    def negll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll = unit_loglik(theta, data).sum()
        if not np.isfinite(ll):
            return np.inf, np.zeros_like(theta)
        return -ll, -unit_scores(theta, data).sum(0)

    # trial points of the line searches may overflow exp(eta); they get loglik -inf
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        first = optimize.minimize(negll, start, jac=True, method="BFGS",
                                  options={"maxiter": 50 * len(start) + 200, "gtol": 1e-6})

    def deriv(theta: np.ndarray):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll = float(unit_loglik(theta, data).sum())
            if not np.isfinite(ll):  # Newton halves the step on -inf
                k = len(theta)
                return -np.inf, np.zeros(k), np.eye(k)
            U = unit_scores(theta, data).sum(0)
            return ll, U, -numeric_hessian(theta, data)

    def value(theta: np.ndarray) -> float:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll = float(unit_loglik(theta, data).sum())
        return ll if np.isfinite(ll) else -np.inf

    polish = newton(deriv, len(start), max_iter=max_iter, tol=tol, step_tol=1e-7,
                    value=value, start=first.x)
    theta = polish.params
    return SplitPopFit(theta, float(polish.loglik), -polish.info, unit_scores(theta, data),
                       bool(polish.converged), int(first.nit + polish.n_iter))
