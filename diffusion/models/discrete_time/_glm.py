"""Binary-response GLM fitting: our own Fisher scoring (IRLS) on column-major data.

The coefficients are found by Fisher scoring -- the same iteration as R ``glm``'s
IRLS -- written for tall, thin country-year designs:

* the design is held column-major (one contiguous array per column), so every
  per-row product runs over contiguous memory;
* the information ``X'WX`` is built from ``k (k + 1) / 2`` column dot products and
  the score ``X'u`` from ``k`` more (no ``n x k`` temporary, no least-squares solve
  per iteration as in statsmodels' IRLS, no QR as in R's ``glm.fit``);
* the step solves the ``k x k`` system by Cholesky on the equilibrated information
  (``D^-1/2 A D^-1/2``, unit diagonal), which keeps polynomial time terms well
  conditioned; a matrix that is not positive definite falls back to an
  eigen-decomposition;
* the per-row work (link derivatives and log-likelihood) reuses a fixed set of
  buffers, so a fit allocates a few vectors of length ``n`` once.

Conventions (as R ``glm``): starting values ``mu = (y + 1/2) / 2`` (or, with an
intercept, the intercept-only maximum); the first iteration is the weighted
least-squares fit of the working response; then Fisher steps ``beta += A^-1 X'u`` with
step halving when the log-likelihood is not finite or falls. For cloglog and probit,
whose Fisher scoring converges only linearly, the steps after the log-likelihood has
settled (a full step changing it by less than ``1e-8`` relative) use the observed
information (Newton), which converges quadratically to the same maximum. R stops when the relative deviance change is below ``epsilon`` (1e-8 by
default); we continue until the largest step is below ``gtol`` relative to the
coefficients (1e-11 by default), so the coefficients agree with R run at a tight
``glm.control(epsilon = 1e-14)`` to about 1e-9 relative. Everything else -- the
covariance, information matrices, scores -- is computed by :mod:`diffusion.inference`
from the returned coefficients.

statsmodels' GLM is not used for the fit: at a million rows its IRLS spends most of its
time in a least-squares solve per iteration, and its cluster covariance uses the
observed Hessian (R's ``sandwich::vcovCL`` uses the expected information, which differs
by about 1.5 % for cloglog).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import linalg, special

from diffusion._linalg import as_columns, column_dots, column_gram, column_matvec
from diffusion.models.control import FitControl
from diffusion.models.links import Link

__all__ = ["GLMFit", "fit_binary_glm"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_TINY = np.finfo(np.float64).tiny


@dataclass(frozen=True)
class GLMFit:
    params: np.ndarray
    converged: bool
    n_iter: int
    messages: tuple[str, ...]
    #: at the converged estimate (None otherwise): the linear predictor, the per-row
    #: score factors and expected-information weights, and the log-likelihood -- so the
    #: caller's covariance needs no second pass over the data
    eta: np.ndarray | None = None
    score: np.ndarray | None = None
    weight: np.ndarray | None = None
    loglik: float | None = None


def _intercept_column(Xf: np.ndarray, y: np.ndarray) -> int | None:
    """The design column that is 1 in every row, when the mean of y is inside (0, 1)."""
    ybar = float(y.mean()) if len(y) else 0.0
    if not 0.0 < ybar < 1.0:
        return None
    for j in range(Xf.shape[1]):
        col = Xf[:, j]
        if col[0] == 1.0 and col.min() == 1.0 and col.max() == 1.0:
            return j
    return None


def _link_in_place(link: Link, mu: np.ndarray) -> np.ndarray:
    """``g(mu)`` written over ``mu``: logit, probit or complementary log-log."""
    if link.name == "logit":
        return special.logit(mu, out=mu)
    if link.name == "probit":
        return special.ndtri(mu, out=mu)
    np.negative(mu, out=mu)
    np.log1p(mu, out=mu)                                  # log(1 - mu)
    np.negative(mu, out=mu)
    return np.log(mu, out=mu)


def _start_eta(link: Link, y: np.ndarray) -> np.ndarray:
    """R's ``binomial()$initialize``: ``mu = (y + 1/2) / 2``, mapped to the link scale.

    Computed in one new vector (no temporaries: at the start of a large fit this is
    the moment of peak memory).
    """
    mu = np.add(y, 0.5)
    mu *= 0.5
    return _link_in_place(link, mu)


class _Kernel:
    """Per-row score factor ``u``, expected weight ``w`` and the log-likelihood, in place."""

    def __init__(self, link: Link, y: np.ndarray) -> None:
        n = len(y)
        self.name = link.name
        self.y = y
        # the event rows: few in a hazard model, so the terms that differ between
        # y = 1 and y = 0 are computed on the whole vector for y = 0 and corrected on
        # this subset, instead of evaluating both branches on every row
        self.events = np.flatnonzero(y == 1.0)
        self.u = np.empty(n)
        self.w = np.empty(n)
        self.t1 = np.empty(n)
        self.t2 = np.empty(n)

    def __call__(self, eta: np.ndarray) -> float:
        y, u, w, t1, t2 = self.y, self.u, self.w, self.t1, self.t2
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if self.name == "logit":
                ev = self.events
                special.expit(eta, out=t1)                      # mu
                np.negative(t1, out=u)
                u[ev] += 1.0                                    # y - mu
                np.subtract(1.0, t1, out=w)
                np.multiply(w, t1, out=w)                       # mu (1 - mu)
                np.logaddexp(0.0, eta, out=t2)                  # log(1 + e^eta)
                return float(eta[ev].sum() - np.sum(t2))
            if self.name == "probit":
                special.log_ndtr(eta, out=t1)                   # log Phi
                np.negative(eta, out=t2)
                special.log_ndtr(t2, out=t2)                    # log (1 - Phi)
                ll = float(np.dot(y, t1) + np.sum(t2) - np.dot(y, t2))
                # r1 = phi/Phi, r0 = phi/(1-Phi); u = y r1 - (1-y) r0; w = r1 r0
                np.square(eta, out=w)
                np.multiply(w, -0.5, out=w)
                np.subtract(w, _LOG_SQRT_2PI, out=w)            # log phi
                np.subtract(w, t1, out=t1)
                np.exp(t1, out=t1)                              # r1
                np.subtract(w, t2, out=t2)
                np.exp(t2, out=t2)                              # r0
                np.add(t1, t2, out=u)
                np.multiply(u, y, out=u)
                np.subtract(u, t2, out=u)                       # y (r1 + r0) - r0
                np.multiply(t1, t2, out=w)
                return ll
            # cloglog: e = exp(eta); r = e / expm1(e) (= mu'/mu); u = y r - (1-y) e; w = e r
            ev = self.events
            np.exp(eta, out=t1)                                 # e
            np.minimum(t1, 700.0, out=t2)
            np.expm1(t2, out=t2)
            # r = e / expm1(e), without masks (a mask is an n-vector too): flooring both
            # at the smallest normal double gives r = 1 where e underflows to 0 or to a
            # subnormal (its limit), and e > 700 gives r < 1e-300, zero for every purpose
            np.maximum(t2, _TINY, out=t2)
            np.maximum(t1, _TINY, out=w)
            np.divide(w, t2, out=w)                             # r
            np.negative(t1, out=u)                              # y = 0: -e
            u[ev] = w[ev]                                       # y = 1: r
            # l = sum over y = 1 of log mu, minus sum over y = 0 of e
            e1 = t1[ev]
            log_mu = np.log(np.maximum(-np.expm1(-e1), _TINY))
            ll = float(np.sum(log_mu + e1) - np.sum(t1))
            np.multiply(w, t1, out=w)                           # e r
            return ll


    def observed(self, eta: np.ndarray, out: np.ndarray) -> np.ndarray:
        """The observed-information weights ``-du/deta`` at ``eta``, written to ``out``.

        Uses the vectors of the last call, which must have been at ``eta``. For logit
        they equal the expected weights ``w``. Cloglog: ``e = exp(eta)`` on rows with
        ``y = 0`` and ``r (r exp(e) - 1)`` on events (``r = e / expm1(e)``); probit:
        ``r0 (r0 - eta)`` and ``r1 (r1 + eta)`` with the Mills ratios
        ``r0 = phi / (1 - Phi)``, ``r1 = phi / Phi``. Both are positive (the
        log-likelihoods are concave in ``eta``).
        """
        ev = self.events
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if self.name == "logit":
                np.copyto(out, self.w)
            elif self.name == "probit":
                np.subtract(self.t2, eta, out=out)
                np.multiply(out, self.t2, out=out)             # r0 (r0 - eta)
                r1 = self.t1[ev]
                out[ev] = r1 * (r1 + eta[ev])
            else:
                np.copyto(out, self.t1)                        # e
                e1 = np.maximum(self.t1[ev], _TINY)
                r = e1 / np.maximum(np.expm1(np.minimum(e1, 700.0)), _TINY)
                r_exp = e1 / np.maximum(-np.expm1(-e1), _TINY)  # r exp(e), stably
                out[ev] = r * (r_exp - 1.0)
        return out


def halve_step(kernel: _Kernel, ll: float,
               candidate: Callable[[float], np.ndarray]) -> tuple[float, float] | None:
    """Step halving, as R ``glm.fit`` does: ``(scale, log-likelihood)`` of the largest
    ``scale`` in 1, 1/2, 1/4, ... whose linear predictor ``candidate(scale)`` gives a
    finite log-likelihood not below ``ll`` (up to rounding), or None after 60 halvings.
    The kernel's vectors are left at the accepted predictor."""
    scale = 1.0
    for _ in range(60):
        new_ll = kernel(candidate(scale))
        if np.isfinite(new_ll) and new_ll >= ll - 1e-9 * (1.0 + abs(ll)):
            return scale, new_ll
        scale /= 2.0
    return None


def _solve(A: np.ndarray, g: np.ndarray) -> np.ndarray | None:
    """``A^-1 g`` for a symmetric information matrix, or None when it is singular."""
    d = np.sqrt(np.diag(A))
    if not np.all(np.isfinite(A)) or np.any(d <= 0) or not np.all(np.isfinite(g)):
        return None
    S = A / np.outer(d, d)
    try:
        c = linalg.cho_factor(S, lower=True, check_finite=False)
        return linalg.cho_solve(c, g / d, check_finite=False) / d
    except linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(S)
        if vals[0] <= vals[-1] * 1e-13:
            return None
        return (vecs @ ((vecs.T @ (g / d)) / vals)) / d


def fit_binary_glm(y: np.ndarray, X: np.ndarray, link: Link, control: FitControl) -> GLMFit:
    """Maximum-likelihood fit of a Bernoulli GLM with ``link`` (Fisher scoring)."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    Xf = as_columns(X)
    n, k = Xf.shape
    ones = _intercept_column(Xf, y)
    if ones is not None:
        # start at the intercept-only maximum (the mean hazard on the link scale): a
        # hazard of 0.2 % is far from R's starting mu = (y + 1/2) / 2, and the scoring
        # steps from there converge in a few iterations fewer to the same maximum
        beta = np.zeros(k)
        beta[ones] = float(_link_in_place(link, np.array([y.mean()]))[0])
        eta = np.full(n, beta[ones])
        kernel = _Kernel(link, y)
    else:
        # iteration 1: weighted least squares of the working response at R's start
        eta = _start_eta(link, y)
        kernel = _Kernel(link, y)
        kernel(eta)
        wz = kernel.t2
        np.multiply(kernel.w, eta, out=wz)
        np.add(wz, kernel.u, out=wz)                   # w * z = w eta + u
        beta = _solve(column_gram(Xf, kernel.w, kernel.t1), column_dots(Xf, wz))
        if beta is None:
            return GLMFit(np.full(k, np.nan), False, 1, ("singular information at the start",))
        # between kernel calls its two scratch vectors are free: they serve the Gram and
        # the linear predictor, so a fit holds y, eta, a trial eta and four kernel vectors
        eta = column_matvec(Xf, beta, out=eta, tmp=kernel.t1)
    new_eta = np.empty(n)
    ll = kernel(eta)
    messages: list[str] = []
    converged = False
    # Fisher scoring converges linearly for the non-canonical links (cloglog, probit):
    # once a full step changes the log-likelihood by less than 1e-8 (relative), the
    # remaining steps are Newton steps with the observed information, which converge
    # quadratically to the same maximum (for logit the two informations are equal)
    newton = False
    n_iter = 1
    for n_iter in range(2, control.max_iter + control.max_newton + 1):
        # between kernel calls the old predictor's buffer is free for the weights
        weight = kernel.observed(eta, new_eta) if newton else kernel.w
        A = column_gram(Xf, weight, kernel.t1)
        step = _solve(A, column_dots(Xf, kernel.u))
        if step is None and newton:  # the observed information is not positive here
            newton = False
            step = _solve(column_gram(Xf, kernel.w, kernel.t1), column_dots(Xf, kernel.u))
        if step is None:
            messages.append("the information matrix became singular")
            break
        previous = ll
        accepted = halve_step(kernel, ll, lambda scale: column_matvec(
            Xf, beta + scale * step, out=new_eta, tmp=kernel.t1))
        if accepted is None:
            messages.append("step halving failed to increase the log-likelihood")
            break
        scale, ll = accepted
        beta = beta + scale * step
        eta, new_eta = new_eta, eta  # the accepted predictor; the old buffer is reused
        if (not newton and link.name != "logit" and scale == 1.0
                and abs(ll - previous) < 1e-8 * (1.0 + abs(previous))):
            newton = True
        if np.max(np.abs(scale * step)) < control.gtol * max(1.0, float(np.max(np.abs(beta)))):
            converged = True
            break
    if converged:  # the kernel's vectors belong to the accepted (last evaluated) eta
        del new_eta
        return GLMFit(beta, True, n_iter, tuple(messages), eta=eta, score=kernel.u,
                      weight=kernel.w, loglik=ll)
    return GLMFit(beta, converged, n_iter, tuple(messages))
