"""Covariance estimators (classic, robust, cluster) and tests on estimated models."""

from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance
from diffusion.inference.score_covariance import score_covariance

__all__ = ["sandwich_covariance", "score_covariance", "COV_TYPES", "SMALL_SAMPLE"]
