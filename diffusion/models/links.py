"""Link functions of binary-response hazard models and their derivatives.

For a Bernoulli outcome with mean ``mu = F(eta)`` and variance ``V = mu (1 - mu)``:

* score contribution ``u_i = (y_i - mu_i) mu'_i / V_i`` (times ``x_i``);
* expected information weight ``w_i = mu'_i^2 / V_i`` (R ``glm``'s IRLS weights);
* observed information weight ``w_i - (y_i - mu_i) d/deta (mu'_i / V_i)``.

For the logit (canonical) link both informations coincide; for probit and cloglog
they differ, which is why R (expected, from ``glm``) and Stata (observed, from its
Newton-Raphson ML) report slightly different standard errors for the same model.
Each formula is written in a form that stays finite for large ``|eta|``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["Link", "LINKS", "get_link"]

_TINY = np.finfo(np.float64).tiny


@dataclass(frozen=True)
class Link:
    """A binary-response link: name plus derivative formulas."""

    name: str

    def mean(self, eta: np.ndarray) -> np.ndarray:
        if self.name == "logit":
            return special.expit(eta)
        if self.name == "probit":
            return special.ndtr(eta)
        return -np.expm1(-np.exp(eta))

    def loglik_terms(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """Per-row Bernoulli log-likelihood."""
        if self.name == "logit":
            return y * eta - np.logaddexp(0.0, eta)
        if self.name == "probit":
            return y * special.log_ndtr(eta) + (1 - y) * special.log_ndtr(-eta)
        e = np.exp(eta)
        return y * np.log(np.maximum(-np.expm1(-e), _TINY)) - (1 - y) * e

    def _g(self, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return mu, g = mu'/V and dg/deta."""
        if self.name == "logit":
            mu = special.expit(eta)
            return mu, np.ones_like(eta), np.zeros_like(eta)
        if self.name == "probit":
            mu = special.ndtr(eta)
            # phi/Phi and phi/(1-Phi) as inverse Mills ratios, stable in the tails
            r1 = np.exp(-0.5 * eta**2 - 0.5 * np.log(2 * np.pi) - special.log_ndtr(eta))
            r0 = np.exp(-0.5 * eta**2 - 0.5 * np.log(2 * np.pi) - special.log_ndtr(-eta))
            g = r1 + r0  # phi / (Phi (1 - Phi))
            dg = g * (-eta - r1 + r0)
            return mu, g, dg
        e = np.exp(eta)
        mu = np.maximum(-np.expm1(-e), _TINY)
        g = e / mu
        dmu = e * np.exp(-e)
        dg = g * (1.0 - dmu / mu)
        return mu, g, dg

    def score_and_weight(self, y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-row score factor ``(y - mu) mu'/V`` and expected weight ``mu'^2 / V``."""
        mu, g, _ = self._g(eta)
        dmu = self._dmu(eta, mu)
        return (y - mu) * g, dmu * g

    def observed_weight(self, y: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """Per-row weight of the observed information (negative Hessian)."""
        mu, g, dg = self._g(eta)
        return self._dmu(eta, mu) * g - (y - mu) * dg

    def _dmu(self, eta: np.ndarray, mu: np.ndarray) -> np.ndarray:
        if self.name == "logit":
            return mu * (1 - mu)
        if self.name == "probit":
            return np.exp(-0.5 * eta**2) / np.sqrt(2 * np.pi)
        e = np.exp(eta)
        return e * np.exp(-e)


LINKS = ("logit", "probit", "cloglog")


def get_link(name: str) -> Link:
    from diffusion.data.checks import check_option

    return Link(check_option(name, LINKS, name="link"))
