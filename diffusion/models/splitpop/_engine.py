"""Engine of the discrete-time split-population (cure) model: plain arrays in and out.

Unit ``i`` has rows ``t = 1..T_i`` (sorted by time), a risk-part row ``z_i`` and an
event indicator ``d_i`` at its last row. With ``pi_i = logistic(z_i' gamma)`` and the
complementary log-log hazard ``h_it = 1 - exp(-exp(x_it' beta))``::

    log L_i = log pi_i + log h_iT - sum_{t<T} exp(x_it' beta)        if d_i = 1
    log L_i = log[(1 - pi_i) + pi_i S_i],  log S_i = -sum_t exp(x_it' beta)   if d_i = 0

Everything is computed on the log scale (``logaddexp``), so that ``pi`` near 1 and
``S`` near 0 neither underflow nor lose digits. The per-unit score is analytic; the
Hessian is the central difference of the analytic total score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from diffusion.models._newton import newton

__all__ = ["SplitPopData", "SplitPopFit", "unit_loglik", "unit_scores", "fit_splitpop",
           "numeric_hessian"]


@dataclass(frozen=True)
class SplitPopData:
    """Rows sorted by unit then time; ``unit`` holds codes ``0..n_units-1``."""

    X: np.ndarray  # duration design, one row per unit-period
    Z: np.ndarray  # risk design, one row per unit
    unit: np.ndarray  # unit code of each row
    last: np.ndarray  # True at each unit's last row
    d: np.ndarray  # event indicator per unit (0/1)

    @property
    def k_risk(self) -> int:
        return self.Z.shape[1]


@dataclass(frozen=True)
class SplitPopFit:
    """Outcome of :func:`fit_splitpop`: parameters ordered ``[gamma, beta]``."""

    params: np.ndarray
    loglik: float
    hessian: np.ndarray
    scores: np.ndarray  # per unit, n_units x k
    converged: bool
    n_iter: int


def _parts(theta: np.ndarray, data: SplitPopData):
    kz = data.k_risk
    gamma, beta = theta[:kz], theta[kz:]
    zg = data.Z @ gamma
    eta = data.X @ beta
    log_pi = -np.logaddexp(0.0, -zg)
    log_1mpi = -np.logaddexp(0.0, zg)
    lam = np.exp(eta)  # -log(1 - h_it)
    n = len(data.d)
    # cumulative hazard over the rows before the last (adopters) and over all rows
    cum_all = np.bincount(data.unit, weights=lam, minlength=n)
    lam_last = lam[data.last]  # one per unit, in unit-code order (rows are sorted)
    return gamma, beta, log_pi, log_1mpi, lam, cum_all, lam_last


def unit_loglik(theta: np.ndarray, data: SplitPopData) -> np.ndarray:
    """Log likelihood contribution of each unit."""
    _, _, log_pi, log_1mpi, _, cum_all, lam_last = _parts(theta, data)
    d = data.d.astype(bool)
    out = np.empty(len(d))
    # adopters: log pi + log h_T - (cumulative hazard before T)
    log_h = np.log(-np.expm1(-lam_last[d]))
    out[d] = log_pi[d] + log_h - (cum_all[d] - lam_last[d])
    c = ~d
    out[c] = np.logaddexp(log_1mpi[c], log_pi[c] - cum_all[c])
    return out


def unit_scores(theta: np.ndarray, data: SplitPopData) -> np.ndarray:
    """Analytic score of each unit's log likelihood (``n_units x k``)."""
    _, _, log_pi, log_1mpi, lam, cum_all, lam_last = _parts(theta, data)
    d = data.d.astype(bool)
    n = len(d)
    a = np.empty(n)  # d loglik_i / d (z_i' gamma)
    a[d] = np.exp(log_1mpi[d])  # 1 - pi
    c = ~d
    log_L = np.logaddexp(log_1mpi[c], log_pi[c] - cum_all[c])
    p_atrisk_surv = np.exp(log_pi[c] - cum_all[c] - log_L)  # pi S / L
    p_atrisk = np.exp(log_pi[c] - log_L)  # pi / L
    # pi (1 - pi) (S - 1) / L = (1 - pi) (pi S / L - pi / L)
    a[c] = np.exp(log_1mpi[c]) * (p_atrisk_surv - p_atrisk)
    # row residuals r_it = d loglik_i / d eta_it
    r = -lam.copy()
    last_rows = np.flatnonzero(data.last)
    adopt_last = last_rows[d]
    # at the event row: d log h / d eta = exp(eta) exp(-exp(eta)) / h = lam / expm1(lam)
    r[adopt_last] = lam[adopt_last] / np.expm1(lam[adopt_last])
    # censored: every row weighted by the posterior probability of being at risk
    w = np.ones(n)
    w[c] = p_atrisk_surv
    r = np.where(d[data.unit], r, -lam * w[data.unit])
    sg = data.Z * a[:, None]
    sb = np.zeros((n, data.X.shape[1]))
    np.add.at(sb, data.unit, data.X * r[:, None])
    return np.hstack([sg, sb])


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
    share); parameters, Hessian and scores are returned on the original scale.
    """
    scale = np.r_[_col_scale(data.Z), _col_scale(data.X)]
    kz = data.k_risk
    scaled = SplitPopData(data.X / scale[kz:], data.Z / scale[:kz], data.unit, data.last,
                          data.d)
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
