"""Binary-response GLM fitting through statsmodels, behind a thin adapter.

statsmodels fits the coefficients (IRLS = Fisher scoring); everything else --
log-likelihood, information matrices, scores, covariance -- is computed by
:mod:`diffusion.inference` from the returned linear predictor, because
statsmodels' GLM cluster covariance uses the observed Hessian and so differs from
R's ``sandwich::vcovCL`` for non-canonical links (about 1.5 % for cloglog).

Quirks handled here, in one place:
* statsmodels stops IRLS on the relative change of the deviance; we use a tight
  tolerance (1e-12 by default) and then take Newton steps on the score until its
  scaled norm is below ``control.gtol``, so coefficients agree with R run with a
  tight ``glm.control(epsilon=)`` to about 1e-9 relative.
* Its warnings (perfect separation, domain warnings in the link) are caught and
  turned into our own diagnostics by the caller.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

from diffusion.models.links import Link

__all__ = ["FitControl", "GLMFit", "fit_binary_glm"]


@dataclass(frozen=True)
class FitControl:
    """Iteration settings of every iterative fit.

    Attributes
    ----------
    tol : float
        Tolerance of statsmodels' IRLS on the relative deviance change.
    max_iter : int
        Maximum number of IRLS iterations.
    gtol : float
        Newton polishing stops when ``max |A^{-1} U|`` (the Newton step) is below this.
    max_newton : int
        Maximum number of Newton polishing steps.
    """

    tol: float = 1e-12
    max_iter: int = 200
    gtol: float = 1e-11
    max_newton: int = 25


@dataclass(frozen=True)
class GLMFit:
    params: np.ndarray
    converged: bool
    n_iter: int
    messages: tuple[str, ...]


def fit_binary_glm(y: np.ndarray, X: np.ndarray, link: Link, control: FitControl) -> GLMFit:
    """Maximum-likelihood fit of a Bernoulli GLM with ``link``."""
    family = sm.families.Binomial(link=link.statsmodels())
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            res = sm.GLM(y, X, family=family).fit(
                method="IRLS", tol=control.tol, maxiter=control.max_iter)
    messages.extend(str(w.message) for w in caught)
    beta = np.asarray(res.params, dtype=np.float64)
    n_iter = int(getattr(res, "fit_history", {}).get("iteration", control.max_iter))
    converged = bool(getattr(res, "converged", True))
    # Newton polishing on the expected information (Fisher scoring steps)
    for _ in range(control.max_newton):
        with np.errstate(all="ignore"):
            eta = X @ beta
            score, weight = link.score_and_weight(y, eta)
            info = X.T @ (X * weight[:, None])
            grad = X.T @ score
        if not (np.all(np.isfinite(info)) and np.all(np.isfinite(grad))):
            converged = False
            break
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            converged = False
            break
        beta = beta + step
        n_iter += 1
        if np.max(np.abs(step)) < control.gtol * max(1.0, float(np.max(np.abs(beta)))):
            converged = True
            break
    else:
        converged = False
    return GLMFit(beta, converged, n_iter, tuple(messages))
