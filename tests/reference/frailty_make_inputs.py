"""Write the input panel of ``frailty.R`` (``tests/reference/inputs/frailty_sim.csv``).

Run from the repository root::

    python tests/reference/frailty_make_inputs.py

then regenerate the reference outputs with ``Rscript tests/reference/frailty.R``.

The CSV file is the fixture: the tests read it back and never re-simulate.

Panel
-----
frailty_sim
    200 units observed every year 1981-2010 and at risk of a *repeatable* event (the
    risk set of ``RiskSet.from_panel(..., repeated=True)``: a unit stays at risk after
    an event), so that the unit frailty is well identified. Each unit has a frailty
    ``b_i ~ N(0, 0.9^2)``; the hazard is
    ``logit h_it = -3 + 0.5 x1_it - 0.5 x2_i + 0.02 (year - 1995) + b_i`` with ``x1``
    standard normal (varies by year) and ``x2`` a unit-level 0/1 trait (40 %).
    Columns ``unit, year, event, x1, x2, t`` with ``t = year - 1995``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

HERE = Path(__file__).resolve().parent
SEED = 2024
N_UNITS = 200
YEARS = np.arange(1981, 2011)
TRUTH = {"Intercept": -3.0, "x1": 0.5, "x2": -0.5, "t": 0.02, "sd": 0.9}


def panel() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    b = rng.normal(0.0, TRUTH["sd"], N_UNITS)
    x2 = (rng.random(N_UNITS) < 0.4).astype(np.float64)
    unit = np.repeat(np.arange(N_UNITS), len(YEARS))
    year = np.tile(YEARS, N_UNITS)
    x1 = rng.normal(size=len(unit))
    t = year - 1995
    eta = (TRUTH["Intercept"] + TRUTH["x1"] * x1 + TRUTH["x2"] * x2[unit] + TRUTH["t"] * t
           + b[unit])
    event = (rng.random(len(unit)) < special.expit(eta)).astype(np.int64)
    return pd.DataFrame({"unit": [f"s{i:03d}" for i in unit], "year": year, "event": event,
                         "x1": x1, "x2": x2[unit], "t": t})


def main(out_dir: Path = HERE / "inputs") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = panel()
    frame.to_csv(out_dir / "frailty_sim.csv", index=False, float_format="%.17g")
    manifest = {"generator": "tests/reference/frailty_make_inputs.py", "seed": SEED,
                "truth": TRUTH, "n_rows": len(frame),
                "n_units": int(frame["unit"].nunique()), "n_events": int(frame["event"].sum())}
    (out_dir / "frailty_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
