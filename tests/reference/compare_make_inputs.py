"""Write the simulated input panel of ``compare.R`` (``tests/reference/inputs/compare_sim.csv``).

Run from the repository root::

    python tests/reference/compare_make_inputs.py

and then regenerate the reference outputs with ``Rscript tests/reference/compare.R``.

The CSV file is the fixture: the tests read it back (they never re-simulate), so a later
change to :func:`diffusion.simulate.world` does not change what is compared with R. The
panel is the risk set of a simulated world (120 units, 1900-2010, cloglog process with a
world effect, late entry, exits and re-entries), one row per unit-year at risk, with
columns

``unit, year, event, x1, x2, x3, regional, world, duration``

``x1``, ``x2`` are lagged one year; ``x3`` is pure noise that is missing in about one row
in eight (so models with and without it are fitted on different rows, and the comparison
must refit on the common sample); ``duration = year - (the unit's first year in the risk
set) + 1``. Numbers are written with 17 significant digits so that R and pandas read back
exactly the same doubles.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import diffusion as d

HERE = Path(__file__).resolve().parent
SEED = 20240611


def main() -> None:
    sim = d.simulate.world(seed=SEED, n_units=120, start=1900, end=2010, link="cloglog",
                           intercept=-4.5, world_effect=1.5)
    rs = sim.risk_set()
    frame = rs.frame
    rng = np.random.default_rng(SEED + 1)
    x3 = rng.normal(size=len(frame))
    x3[rng.random(len(frame)) < 0.125] = np.nan
    frame["x3"] = x3
    frame["duration"] = (frame["year"] - rs.entry_times() + 1).astype(int)
    frame = frame[["unit", "year", "event", "x1", "x2", "x3", "regional", "world", "duration"]]
    out = HERE / "inputs" / "compare_sim.csv"
    frame.to_csv(out, index=False, float_format="%.17g")
    manifest = {
        "generated_by": "tests/reference/compare_make_inputs.py",
        "seed": SEED,
        "simulate": {"n_units": 120, "start": 1900, "end": 2010, "link": "cloglog",
                     "intercept": -4.5, "world_effect": 1.5},
        "rows": int(len(frame)), "events": int(frame["event"].sum()),
        "units": int(frame["unit"].nunique()), "x3_missing": int(np.isnan(x3).sum()),
    }
    (HERE / "inputs" / "compare_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
