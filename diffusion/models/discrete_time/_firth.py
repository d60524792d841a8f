"""Mean-bias-reducing adjusted-score fits of binary GLMs (Firth 1993; Kosmidis & Firth 2009).

The estimate solves ``U*(beta) = 0`` with the adjusted score::

    U*(beta) = sum_i x_i [ (y_i - mu_i) d1_i / V_i  +  h_i d2_i / (2 d1_i) ]

where ``d1 = dmu/deta``, ``d2 = d2mu/deta2``, ``V = mu (1 - mu)`` and ``h_i`` is the
``i``-th diagonal element of the hat matrix ``W^(1/2) X (X'WX)^(-1) X' W^(1/2)`` with
the expected weights ``W = d1^2 / V``. This is R ``brglm2::brglmFit(type = "AS_mean")``
(its ``AS_mean_adjustment``: ``0.5 * hatvalues * d2mus / d1mus``). For the logit link
``d2 / d1 = 1 - 2 mu`` and ``U*`` is the gradient of Firth's penalised log-likelihood
``l(beta) + log det(X'WX) / 2``; for probit and cloglog there is no such objective
(the Jeffreys-penalised likelihood, brglm2's ``MPL_Jeffreys``, is a different estimator).

The iteration is brglm2's quasi Fisher scoring,
``beta <- beta + (X'WX)^(-1) U*(beta)``, with the step halved while the norm of the
adjusted score grows; it stops when the largest step is below ``gtol`` times
``max(1, |beta|)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from diffusion.models.control import FitControl
from diffusion.models.discrete_time._binary import d2_over_d1
from diffusion.models.links import Link

__all__ = ["FirthFit", "fit_firth", "adjusted_score_terms"]


@dataclass(frozen=True)
class FirthFit:
    params: np.ndarray
    converged: bool
    n_iter: int
    score: np.ndarray  # per-row adjusted score factors u*_i (score of row i: u*_i x_i)
    weight: np.ndarray  # expected weights
    hat: np.ndarray  # hat values


def adjusted_score_terms(y: np.ndarray, X: np.ndarray, beta: np.ndarray, link: Link
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-row adjusted score factor ``u*_i``, weights ``w_i``, hat values ``h_i`` and
    the Cholesky factor of ``X'WX`` at ``beta``."""
    eta = X @ beta
    score, weight = link.score_and_weight(y, eta)
    info = X.T @ (X * weight[:, None])
    chol = linalg.cholesky(info, lower=True)
    # h_i = w_i x_i' (X'WX)^{-1} x_i
    inv = linalg.cho_solve((chol, True), np.eye(X.shape[1]))
    hat = weight * np.einsum("ij,jk,ik->i", X, inv, X, optimize=True)
    adjusted = score + 0.5 * hat * d2_over_d1(link, eta)
    return adjusted, weight, hat, chol


def _score_norm(y: np.ndarray, X: np.ndarray, beta: np.ndarray, link: Link) -> float:
    try:
        u = adjusted_score_terms(y, X, beta, link)[0]
    except (linalg.LinAlgError, ValueError):
        return np.inf
    norm = float(np.sum(np.abs(X.T @ u)))
    return norm if np.isfinite(norm) else np.inf


def fit_firth(y: np.ndarray, X: np.ndarray, link: Link, control: FitControl) -> FirthFit:
    """Solve the adjusted-score equations by quasi Fisher scoring from ``beta = 0``."""
    k = X.shape[1]
    beta = np.zeros(k)
    converged = False
    n_iter = 0
    with np.errstate(all="ignore"):
        for n_iter in range(1, control.max_iter + 1):
            try:
                u, _, _, chol = adjusted_score_terms(y, X, beta, link)
            except (linalg.LinAlgError, ValueError):
                break
            grad = X.T @ u
            norm = float(np.sum(np.abs(grad)))
            step = linalg.cho_solve((chol, True), grad)
            if not (np.isfinite(norm) and np.all(np.isfinite(step))):
                break
            # halve (at most 10 times) while the adjusted score grows or is not finite
            for _ in range(10):
                if _score_norm(y, X, beta + step, link) <= norm:
                    break
                step = step / 2
            beta = beta + step
            if np.max(np.abs(step)) < control.gtol * max(1.0, float(np.max(np.abs(beta)))):
                converged = True
                break
    try:
        u, w, h, _ = adjusted_score_terms(y, X, beta, link)
    except (linalg.LinAlgError, ValueError):
        u = w = h = np.full(len(y), np.nan)
        converged = False
    return FirthFit(beta, converged and bool(np.all(np.isfinite(beta))), n_iter, u, w, h)
