"""Data-generating processes with explicit seeds, returning the truth with the data.

world, SimulatedWorld
    A small self-contained world (regional and world effects, two covariates).
Structure
    Units, membership spells, groups and network of a simulation: from real tables
    (:meth:`Structure.from_tables`) or random (:meth:`Structure.synthetic`).
SimulationDesign, from_structure, synthetic
    A validated design: a structure plus the true hazard (regional, world, network,
    INGO and domestic effects, a time trend, late entry, exits).
generate, SimulatedData
    Draw one history from a design (explicit seed), with the truth.
power, PowerResult
    Monte Carlo power, bias and interval coverage for a design, in parallel.
"""

from diffusion.simulate.design import SimulationDesign, from_structure, synthetic
from diffusion.simulate.generate import SimulatedData, generate
from diffusion.simulate.power import PowerResult, power
from diffusion.simulate.structure import Structure
from diffusion.simulate.world import SimulatedWorld, world

__all__ = [
    "world",
    "SimulatedWorld",
    "Structure",
    "SimulationDesign",
    "from_structure",
    "synthetic",
    "generate",
    "SimulatedData",
    "power",
    "PowerResult",
]
