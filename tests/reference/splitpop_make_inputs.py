"""Write the input panel of ``splitpop.R`` (``tests/reference/inputs/splitpop_sim.csv``).

Run from the repository root::

    python tests/reference/splitpop_make_inputs.py

then regenerate the reference output with ``Rscript tests/reference/splitpop.R``.

The CSV is the fixture: tests read it back and never re-simulate for the R comparison.
Numbers are written with 17 significant digits (exact doubles for R and pandas).

Data-generating process (seed 20261203)
--------------------------------------
400 units observed in years 1-20; each enters in a year drawn uniformly from 1-8
(late entry) and is observed from entry. A unit-level ``z`` ~ N(0, 1) sets the
probability of being at risk, ``logistic(0.5 + 1.0 z)``; units not at risk never
adopt. A unit at risk adopts in year ``t`` with the cloglog hazard
``1 - exp(-exp(-2.5 + 0.5 x_t))``, ``x_t`` ~ N(0, 1) drawn every year. The spell
ends at the event or in year 20 (censored). Columns ``unit, year, event, x, z``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

TRUTH = {"risk:Intercept": 0.5, "risk:z": 1.0, "duration:Intercept": -2.5, "duration:x": 0.5}


def simulate(n_units: int = 400, seed: int = 20261203, last: int = 20) -> pd.DataFrame:
    """Simulate the panel described in the module docstring (rows at risk only)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        entry = int(rng.integers(1, 9))
        z = rng.normal()
        at_risk = rng.random() < 1 / (1 + np.exp(-(0.5 + 1.0 * z)))
        for year in range(entry, last + 1):
            x = rng.normal()
            h = 1 - np.exp(-np.exp(-2.5 + 0.5 * x))
            event = int(at_risk and rng.random() < h)
            rows.append((f"u{i:03d}", year, event, x, z))
            if event:
                break
    return pd.DataFrame(rows, columns=["unit", "year", "event", "x", "z"])


if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "inputs" / "splitpop_sim.csv"
    simulate().to_csv(out, index=False, float_format="%.17g")
    print(f"wrote {out}")
