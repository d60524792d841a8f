"""Random-intercept binary regression by adaptive Gauss-Hermite quadrature (lme4's AGQ).

Model: ``y_it | b_i ~ Bernoulli(F(x_it' beta + b_i))`` with ``b_i = sigma u_i``,
``u_i ~ N(0, 1)`` independent across groups. The marginal log-likelihood of group ``i``
is ``log integral exp(g_i(u)) du / sqrt(2 pi)`` with
``g_i(u) = sum_t log f(y_it | eta_it + sigma u) - u^2 / 2``.

Adaptive quadrature, exactly as ``lme4::glmer(nAGQ = q)`` computes it (C++
``glmerAGQ``): centre the rule at the conditional mode ``u_i^`` (``g_i'(u^) = 0``), scale
it by ``s_i = (1 + sigma^2 sum_t w_it)^(-1/2)`` where ``w_it`` are the *expected*
(Fisher) weights at the mode -- lme4's PIRLS weights, so for the cloglog and probit
links ``s_i`` is not the inverse square root of the exact curvature -- and with
``(z_k, W_k)`` the q-point Gauss-Hermite rule for the standard normal density::

    loglik_i = log s_i + log sum_k W_k exp(g_i(u^_i + s_i z_k) + z_k^2 / 2)

(``-2 sum_i loglik_i`` is lme4's deviance; for 0/1 responses its deviance residuals are
``-2 log f``, so no constant separates the two). ``q = 1`` is the Laplace
approximation.

The gradient is analytic, including the dependence of ``u^_i`` and ``s_i`` on the
parameters (implicit differentiation of ``g_i'(u^) = 0``); the Hessian is the central
difference of that gradient. Everything is vectorised over rows and groups; the only
Python loops run over quadrature nodes (inside numpy broadcasting) and iterations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse, special

from diffusion.models.discrete_time._binary import (
    expected_weight,
    expected_weight_slope,
    loglik_derivatives,
)
from diffusion.models.links import Link

__all__ = ["gauss_hermite", "RandomInterceptProblem", "FrailtyControl", "FrailtyFit",
           "fit_random_intercept"]


def gauss_hermite(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of the ``n``-point Gauss-Hermite rule for the N(0, 1) density.

    The weights sum to one (lme4's ``GHrule(n)``).
    """
    z, w = np.polynomial.hermite_e.hermegauss(n)
    return z, w / w.sum()


@dataclass(frozen=True)
class FrailtyControl:
    """Iteration settings of the random-intercept fit.

    Attributes
    ----------
    gtol : float
        Newton iterations stop when every step is below ``gtol`` times
        ``max(1, |parameter|)``.
    max_iter : int
        Maximum number of Newton iterations on ``(beta, sigma)``.
    mode_tol : float
        Convergence of the conditional modes (absolute, on the N(0, 1) scale).
    hessian_step : float
        Relative step of the central differences of the gradient (Hessian).
    """

    gtol: float = 1e-10
    max_iter: int = 200
    mode_tol: float = 1e-13
    hessian_step: float = 1e-5


class RandomInterceptProblem:
    """Marginal log-likelihood, gradient and Hessian for one data set.

    Parameters are ``theta = (beta_1, ..., beta_K, sigma)``. The objective is even in
    ``sigma`` (``u -> -u``); the optimiser may cross zero and the fit reports ``|sigma|``.
    """

    def __init__(self, y: np.ndarray, X: np.ndarray, groups: np.ndarray, n_groups: int,
                 link: Link, n_quad: int, control: FrailtyControl) -> None:
        self.y = y
        self.X = X
        self.groups = groups
        self.n_groups = n_groups
        self.link = link
        self.control = control
        self.z, self.w = gauss_hermite(n_quad)
        n = len(y)
        #: (groups x rows) indicator: per-group sums as one sparse product
        self.M = sparse.csr_matrix((np.ones(n), (groups, np.arange(n))), shape=(n_groups, n))
        self._u = np.zeros(n_groups)

    # ------------------------------------------------------------ pieces
    def _gsum(self, a: np.ndarray) -> np.ndarray:
        """Sum rows within groups (``a`` is (N,) or (N, m))."""
        out = self.M @ a
        return np.asarray(out)

    def modes(self, eta: np.ndarray, sigma: float) -> np.ndarray:
        """Conditional modes ``u^_i`` of ``g_i`` by safeguarded Newton (``g_i`` is concave)."""
        link, y, g_of = self.link, self.y, self.groups
        u = self._u.copy() if sigma != 0 else np.zeros(self.n_groups)
        if sigma == 0:
            return u

        def objective(u_: np.ndarray) -> np.ndarray:
            return self._gsum(link.loglik_terms(y, eta + sigma * u_[g_of])) - 0.5 * u_**2

        ll, d1, d2 = loglik_derivatives(link, y, eta + sigma * u[g_of])
        current = self._gsum(ll) - 0.5 * u**2
        for _ in range(100):
            grad = sigma * self._gsum(d1) - u
            curv = sigma**2 * self._gsum(d2) - 1.0
            step = -grad / curv
            ll, d1, d2 = loglik_derivatives(link, y, eta + sigma * (u + step)[g_of])
            new = self._gsum(ll) - 0.5 * (u + step) ** 2
            # halve the steps of the groups whose objective did not improve (or overflowed)
            halved = False
            for _ in range(40):
                worse = ~(new >= current - 1e-12 * np.abs(current))
                if not worse.any():
                    break
                halved = True
                step = np.where(worse, step / 2, step)
                new = np.where(worse, objective(u + step), new)
            u = u + step
            current = new
            if halved:
                ll, d1, d2 = loglik_derivatives(link, y, eta + sigma * u[g_of])
            if np.max(np.abs(step)) < self.control.mode_tol * max(1.0, float(np.max(np.abs(u)))):
                break
        self._u = u
        return u

    def evaluate(self, theta: np.ndarray, *, gradient: bool = True
                 ) -> tuple[float, np.ndarray | None, np.ndarray, np.ndarray]:
        """Log-likelihood (and its gradient) at ``theta``; also the modes and scales.

        Trial points of the line search may overflow the link functions; that shows as a
        non-finite log-likelihood, which the line search rejects.
        """
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            return self._evaluate(theta, gradient)

    def _evaluate(self, theta: np.ndarray, gradient: bool
                  ) -> tuple[float, np.ndarray | None, np.ndarray, np.ndarray]:
        link, y, X, g_of = self.link, self.y, self.X, self.groups
        beta, sigma = theta[:-1], float(theta[-1])
        eta = X @ beta
        u = self.modes(eta, sigma)
        e0 = eta + sigma * u[g_of]
        w0 = expected_weight(link, e0)
        S_w = self._gsum(w0)
        s = 1.0 / np.sqrt(1.0 + sigma**2 * S_w)

        nodes = u[:, None] + s[:, None] * self.z[None, :]  # (G, q)
        e = eta[:, None] + sigma * nodes[g_of]  # (N, q)
        if gradient:
            ll, d1, _ = loglik_derivatives(link, y[:, None], e)
        else:
            ll = link.loglik_terms(y[:, None], e)
        g = self._gsum(ll) - 0.5 * nodes**2  # (G, q)
        a = np.log(self.w)[None, :] + g + 0.5 * self.z[None, :] ** 2
        lse = special.logsumexp(a, axis=1)
        loglik = float(np.sum(np.log(s) + lse))
        if not gradient:
            return loglik, None, u, s

        p = np.exp(a - lse[:, None])  # (G, q): weights of the nodes
        sum_d1 = self._gsum(d1)  # (G, q)
        G_k = sigma * sum_d1 - nodes  # g'(u_k)
        A = np.sum(p * G_k, axis=1)
        B = 1.0 / s + np.sum(p * G_k * self.z[None, :], axis=1)

        # partial derivatives with the modes and scales held fixed
        c = np.sum(p[g_of] * d1, axis=1)  # (N,)
        d_beta = self._gsum(c[:, None] * X)  # (G, K)
        d_sigma = np.sum(p * nodes * sum_d1, axis=1)  # (G,)

        # implicit derivatives of the modes: g'(u^) = sigma sum d1(e0) - u^ = 0
        _, d1_0, d2_0 = loglik_derivatives(link, y, e0)
        H = sigma**2 * self._gsum(d2_0) - 1.0
        du_beta = -(sigma * self._gsum(d2_0[:, None] * X)) / H[:, None]  # (G, K)
        du_sigma = -(self._gsum(d1_0) + sigma * u * self._gsum(d2_0)) / H  # (G,)

        # derivatives of the scales s = (1 + sigma^2 S_w)^(-1/2)
        wp = expected_weight_slope(link, e0)
        sum_wp = self._gsum(wp)
        dQ_beta = sigma**2 * (self._gsum(wp[:, None] * X) + sigma * sum_wp[:, None] * du_beta)
        dQ_sigma = 2 * sigma * S_w + sigma**2 * self._gsum(wp * (u[g_of] + sigma * du_sigma[g_of]))
        ds_beta = -0.5 * (s**3)[:, None] * dQ_beta
        ds_sigma = -0.5 * s**3 * dQ_sigma

        grad_beta = d_beta + A[:, None] * du_beta + B[:, None] * ds_beta
        grad_sigma = d_sigma + A * du_sigma + B * ds_sigma
        grad = np.concatenate([grad_beta.sum(axis=0), [grad_sigma.sum()]])
        return loglik, grad, u, s

    def hessian(self, theta: np.ndarray, grad: np.ndarray | None = None) -> np.ndarray:
        """Differences of the analytic gradient, symmetrised.

        Central differences (error O(h^2)) by default; forward differences from ``grad``
        (the gradient at ``theta``; half the cost, error O(h)) when it is given -- good
        enough for Newton directions, not for standard errors.
        """
        k = len(theta)
        H = np.empty((k, k))
        saved = self._u.copy()
        for j in range(k):
            h = self.control.hessian_step * max(1.0, abs(theta[j]))
            step = np.zeros(k)
            step[j] = h
            self._u = saved.copy()
            gp = self.evaluate(theta + step)[1]
            if grad is not None:
                H[:, j] = (gp - grad) / h
                continue
            self._u = saved.copy()
            gm = self.evaluate(theta - step)[1]
            H[:, j] = (gp - gm) / (2 * h)
        self._u = saved
        return (H + H.T) / 2


@dataclass(frozen=True)
class FrailtyFit:
    params: np.ndarray  # beta
    sigma: float
    loglik: float
    hessian: np.ndarray  # of the log-likelihood in (beta, sigma)
    modes: np.ndarray  # conditional modes u^ (N(0,1) scale)
    scales: np.ndarray
    converged: bool
    n_iter: int


def fit_random_intercept(problem: RandomInterceptProblem, beta0: np.ndarray,
                         sigma0: float) -> FrailtyFit:
    """Maximise the AGQ log-likelihood by damped Newton steps on ``(beta, sigma)``."""
    control = problem.control
    theta = np.concatenate([beta0, [sigma0]])
    loglik, grad, _, _ = problem.evaluate(theta)
    converged = False
    reuse = False
    n_iter = 0
    H = None
    for n_iter in range(1, control.max_iter + 1):
        # Newton steps; once the steps are small the Hessian hardly changes and is
        # reused (chord iterations), the final one is recomputed at the maximum
        if H is None or not reuse:
            H = problem.hessian(theta, grad)
        # Newton direction on the negative definite part; fall back to a ridge
        ridge = 0.0
        for _ in range(60):
            try:
                L = np.linalg.cholesky(-H + ridge * np.eye(len(theta)))
                break
            except np.linalg.LinAlgError:
                ridge = max(2 * ridge, 1e-8 * float(np.max(np.abs(np.diag(H)))) + 1e-12)
        else:  # pragma: no cover - defensive
            break
        step = np.linalg.solve(L.T, np.linalg.solve(L, grad))
        saved = problem._u.copy()
        for _ in range(60):
            trial = theta + step
            problem._u = saved.copy()
            new_ll, new_grad, _, _ = problem.evaluate(trial)
            if np.isfinite(new_ll) and new_ll >= loglik - 1e-10 * abs(loglik):
                break
            step = step / 2
        else:
            problem._u = saved
            break
        theta, loglik, grad = trial, new_ll, new_grad
        scale = np.maximum(1.0, np.abs(theta))
        if np.all(np.abs(step) <= control.gtol * scale):
            converged = True
            break
        reuse = bool(np.all(np.abs(step) <= 1e-4 * scale))
    loglik, grad, u, s = problem.evaluate(theta)
    H = problem.hessian(theta)
    sign = 1.0 if theta[-1] >= 0 else -1.0
    # report sigma >= 0: flip the sign of the sigma row/column and of the modes
    flip = np.ones(len(theta))
    flip[-1] = sign
    H = H * np.outer(flip, flip)
    return FrailtyFit(theta[:-1].copy(), abs(float(theta[-1])), loglik, H, sign * u, s,
                      converged, n_iter)
