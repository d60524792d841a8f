"""Iteration settings shared by every iterative fit of :mod:`diffusion.models`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FitControl"]


@dataclass(frozen=True)
class FitControl:
    """Iteration settings of every iterative fit.

    Attributes
    ----------
    tol : float
        Tolerance on the relative change of the deviance (R's ``epsilon``); used by
        the engines that stop on the objective (Cox, parametric).
    max_iter : int
        Maximum number of scoring (IRLS) iterations.
    gtol : float
        The binary-response fit stops when the largest scoring step is below
        ``gtol * max(1, max |beta|)``.
    max_newton : int
        Extra iterations allowed after ``max_iter`` for the final steps (kept for
        compatibility with earlier versions, which polished statsmodels' fit).
    """

    tol: float = 1e-12
    max_iter: int = 200
    gtol: float = 1e-11
    max_newton: int = 25
