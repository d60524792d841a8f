"""Frozen results objects and their summaries."""

from diffusion.results.hazard import HazardResults
from diffusion.results.ph_test import ProportionalHazardsTest
from diffusion.results.summary import Summary

__all__ = ["HazardResults", "ProportionalHazardsTest", "Summary"]
