"""Data-generating processes with explicit seeds, returning the truth with the data."""

from diffusion.simulate.world import SimulatedWorld, world

__all__ = ["world", "SimulatedWorld"]
