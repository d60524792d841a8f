"""Newton-Raphson with step halving, shared by the Cox and parametric engines.

Plain arrays in and out; the caller supplies the log likelihood and its derivatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NewtonFit", "newton"]


@dataclass(frozen=True)
class NewtonFit:
    """Outcome of :func:`newton` (plain arrays)."""

    params: np.ndarray
    loglik: float
    loglik_null: float
    score: np.ndarray
    info: np.ndarray
    converged: bool
    n_iter: int
    last_step: np.ndarray  # last Newton step, in units of the standard errors
    diverging: bool  # the log likelihood stopped changing while steps stayed large


def newton(
    deriv,
    k: int,
    *,
    max_iter: int,
    tol: float,
    step_tol: float,
    value=None,
    initial: tuple[float, np.ndarray, np.ndarray] | None = None,
    start: np.ndarray | None = None,
) -> NewtonFit:
    """Newton-Raphson from ``beta = 0`` (or ``start``) with step halving, as R's ``agreg.fit``.

    ``deriv(beta) -> (loglik, score, info)``; ``value(beta) -> loglik`` (optional,
    cheaper, used while halving); ``initial``: ``deriv`` at the starting point if
    already computed. ``loglik_null`` is the log likelihood at the starting point.

    Converged when a Newton step, in units of the standard errors, is below
    ``step_tol``: the derivatives are then evaluated after that step, and Newton's
    quadratic convergence puts the estimate within about ``step_tol**2`` standard
    errors of the maximum (R stops on the relative change of the log likelihood,
    ``coxph.control(eps = 1e-9)``, before its last step).

    A log likelihood that stops changing (relative change below ``tol``) while the
    steps stay large is a monotone likelihood (some coefficients diverge); that is
    reported as ``diverging`` after three such steps.
    """
    value = value or (lambda b: deriv(b)[0])
    beta = np.zeros(k) if start is None else np.array(start, dtype=np.float64)
    ll, U, info = initial if initial is not None else deriv(beta)
    ll0 = ll
    converged = diverging = False
    flat = 0
    it = 0
    scaled = np.zeros(k)
    for it in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(info, U)
        except np.linalg.LinAlgError:
            break
        diag = np.diag(info)
        se = np.sqrt(np.divide(1.0, diag, out=np.full_like(diag, np.inf), where=diag > 0))
        new = beta + step
        ll_new, U_new, info_new = deriv(new)
        if not (ll_new >= ll - 1e-12 * abs(ll)):
            # halve while the likelihood falls (or is not finite), then re-evaluate
            halvings = 0
            while not (ll_new >= ll - 1e-12 * abs(ll)) and halvings < 40:
                step = step / 2
                new = beta + step
                ll_new = value(new)
                halvings += 1
            ll_new, U_new, info_new = deriv(new)
        scaled = np.abs(step) / np.maximum(se, 1e-300)
        small = bool(np.all(scaled <= step_tol))
        change = abs(ll_new - ll) <= tol * max(abs(ll_new), 1.0)
        beta, ll, U, info = new, ll_new, U_new, info_new
        if small:
            converged = True
            break
        flat = flat + 1 if (change and np.max(scaled) > 1e-3) else 0
        if flat >= 3:
            diverging = True
            break
    return NewtonFit(beta, float(ll), float(ll0), U, info, converged, it, scaled, diverging)
