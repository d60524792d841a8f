"""Derivatives of the binary-response mean functions beyond those of :mod:`diffusion.models.links`.

For ``mu = F(eta)`` with ``F`` the inverse logit, probit or complementary log-log link:

* ``d1 = dmu/deta`` and ``d2 = d2mu/deta2`` (average marginal effects and their
  delta-method gradients);
* ``d2 / d1`` (the mean-bias-reducing adjustment of Firth-type estimators), written so
  that it stays finite where ``d1`` underflows:

  ====== ================== ===========================
  link   d1                 d2 / d1
  ====== ================== ===========================
  logit  mu (1 - mu)        1 - 2 mu
  probit phi(eta)           -eta
  cloglog exp(eta - e^eta)  1 - e^eta
  ====== ================== ===========================

* ``dw/deta`` with ``w = d1^2 / (mu (1 - mu))`` the expected-information weight (the
  curvature that lme4's PIRLS, and hence its adaptive quadrature, uses for the random
  effects);
* the Bernoulli log-likelihood ``l = y log mu + (1 - y) log(1 - mu)`` and its first two
  derivatives in ``eta`` in one pass (:func:`loglik_derivatives`, the inner loop of the
  random-intercept fit).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from diffusion.models.links import Link

__all__ = ["mean_derivatives", "d2_over_d1", "expected_weight", "expected_weight_slope",
           "loglik_derivatives"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def mean_derivatives(link: Link, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``mu``, ``dmu/deta`` and ``d2mu/deta2``."""
    if link.name == "logit":
        mu = special.expit(eta)
        d1 = mu * (1 - mu)
        return mu, d1, d1 * (1 - 2 * mu)
    if link.name == "probit":
        d1 = np.exp(-0.5 * eta**2 - _LOG_SQRT_2PI)
        return special.ndtr(eta), d1, -eta * d1
    e = np.exp(eta)
    d1 = np.exp(eta - e)
    return -np.expm1(-e), d1, d1 * (1 - e)


def d2_over_d1(link: Link, eta: np.ndarray) -> np.ndarray:
    """``(d2mu/deta2) / (dmu/deta)``, finite for every finite ``eta``."""
    if link.name == "logit":
        return 1 - 2 * special.expit(eta)
    if link.name == "probit":
        return -eta
    return 1 - np.exp(eta)


def expected_weight(link: Link, eta: np.ndarray) -> np.ndarray:
    """Expected-information weight ``(dmu/deta)^2 / (mu (1 - mu))``."""
    if link.name == "logit":
        mu = special.expit(eta)
        return mu * (1 - mu)
    if link.name == "probit":
        # phi^2 / (Phi (1 - Phi)), on the log scale to stay finite in both tails
        return np.exp(-eta**2 - 2 * _LOG_SQRT_2PI - special.log_ndtr(eta) - special.log_ndtr(-eta))
    e = np.exp(eta)
    # e^2 exp(-e) / (1 - exp(-e)) = e * e / expm1(e); for e -> 0 it tends to e
    small = np.minimum(e, 700.0)
    with np.errstate(invalid="ignore"):
        ratio = np.where(small > 0, small / np.expm1(small), 1.0)
    return np.where(e > 700, 0.0, e * ratio)


def expected_weight_slope(link: Link, eta: np.ndarray) -> np.ndarray:
    """``dw/deta`` of :func:`expected_weight`.

    logit ``w (1 - 2 mu)``; probit ``w (-2 eta - r1 + r0)`` with ``r1 = phi/Phi``,
    ``r0 = phi/(1 - Phi)``; cloglog ``w (2 - e^eta / mu)``.
    """
    w = expected_weight(link, eta)
    if link.name == "logit":
        return w * (1 - 2 * special.expit(eta))
    if link.name == "probit":
        r1 = np.exp(-0.5 * eta**2 - _LOG_SQRT_2PI - special.log_ndtr(eta))
        r0 = np.exp(-0.5 * eta**2 - _LOG_SQRT_2PI - special.log_ndtr(-eta))
        return w * (-2 * eta - r1 + r0)
    e = np.exp(eta)
    mu = np.maximum(-np.expm1(-e), np.finfo(np.float64).tiny)
    return w * (2 - e / mu)


def loglik_derivatives(link: Link, y: np.ndarray, eta: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row ``l``, ``dl/deta`` and ``d2l/deta2`` of the Bernoulli log-likelihood.

    The same values as ``Link.loglik_terms``, ``Link.score_and_weight`` (first output)
    and ``-Link.observed_weight``, with the special functions evaluated once:

    * logit: ``l = y eta - log(1 + e^eta)``, ``y - mu``, ``-mu (1 - mu)``;
    * probit, with ``r1 = phi/Phi`` and ``r0 = phi/(1 - Phi)``: ``y r1 - (1 - y) r0``,
      ``-y r1 (eta + r1) + (1 - y) r0 (eta - r0)``;
    * cloglog, with ``e = e^eta`` and ``r = e / expm1(e)`` (= ``dmu/deta / mu``):
      ``y r - (1 - y) e``, ``y (r (1 - e) - r^2) - (1 - y) e``.
    """
    if link.name == "logit":
        mu = special.expit(eta)
        return y * eta - np.logaddexp(0.0, eta), y - mu, -mu * (1 - mu)
    if link.name == "probit":
        lp, lq = special.log_ndtr(eta), special.log_ndtr(-eta)
        log_phi = -0.5 * eta**2 - _LOG_SQRT_2PI
        r1, r0 = np.exp(log_phi - lp), np.exp(log_phi - lq)
        return (y * lp + (1 - y) * lq, y * r1 - (1 - y) * r0,
                -y * r1 * (eta + r1) + (1 - y) * r0 * (eta - r0))
    e = np.exp(eta)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # r = e / expm1(e): 1 as e -> 0, 0 once expm1 overflows (e > 709)
        r = np.where(e > 0, e / np.expm1(np.minimum(e, 700.0)), 1.0)
    r = np.where(e > 700, 0.0, r)
    tiny = np.finfo(np.float64).tiny
    ll = y * np.log(np.maximum(-np.expm1(-e), tiny)) - (1 - y) * e
    return ll, y * r - (1 - y) * e, y * (r * (1 - e) - r * r) - (1 - y) * e
