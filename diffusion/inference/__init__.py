"""Covariance estimators (classic, robust, cluster) and tests on estimated models."""

from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance

__all__ = ["sandwich_covariance", "COV_TYPES", "SMALL_SAMPLE"]
