"""Write the inputs of ``pooled.R``: a small pooled event history (``inputs/pooled_*.csv``).

Run from the repository root::

    python tests/reference/pooled_make_inputs.py

then regenerate the reference output with ``Rscript tests/reference/pooled.R``.

The CSV files are the fixtures: the tests read them back and never re-simulate.

Data
----
pooled_events.csv
    ``unit, policy, year``: adoptions of 6 policies by 40 units. Each policy's hazard
    is ``logit^-1(a_policy + b_year + 0.6 x1 - 0.4 x2 + 1.5 world)``, with ``world`` the
    share of units that had adopted the same policy by ``t - 1``; policies start in
    different years (1980-1990) and the study ends in 2005. No unit adopts anything in
    1996 (its hazard is set to 0), so the year 1996 is a group of absorbed ``year``
    effects whose outcomes are all 0 -- dropped by the absorbed fit and by the R script.
pooled_covariates.csv
    ``unit, year, x1, x2``: unit-year covariates 1979-2005, joined at lag 1 (row ``t``
    gets the values of ``t - 1``).
pooled_units.csv
    ``unit``: the 40 units (every unit is at risk of every policy).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 13
N_UNITS = 40
POLICY_START = {"p1": 1980, "p2": 1982, "p3": 1984, "p4": 1986, "p5": 1988, "p6": 1990}
END = 2005
QUIET_YEAR = 1996


def main() -> None:
    rng = np.random.default_rng(SEED)
    units = [f"u{i:02d}" for i in range(N_UNITS)]
    years = np.arange(1979, END + 1)
    cov = pd.DataFrame([(u, int(y)) for u in units for y in years], columns=["unit", "year"])
    unit_level = dict(zip(units, rng.normal(size=N_UNITS)))
    cov["x1"] = np.round(cov["unit"].map(unit_level) + rng.normal(scale=0.5, size=len(cov)), 6)
    cov["x2"] = np.round(rng.normal(size=len(cov)), 6)
    lagged = cov.set_index(["unit", "year"])
    year_effect = dict(zip(years, rng.normal(scale=0.4, size=len(years))))
    rows = []
    for k, (policy, start) in enumerate(POLICY_START.items()):
        a = -4.0 + 0.3 * k
        adopted: dict[str, int] = {}
        for t in range(start, END + 1):
            share = sum(1 for y in adopted.values() if y <= t - 1) / N_UNITS
            for u in units:
                if u in adopted:
                    continue
                x1, x2 = lagged.loc[(u, t - 1), ["x1", "x2"]]
                eta = a + year_effect[t] + 0.6 * x1 - 0.4 * x2 + 1.5 * share
                p = 0.0 if t == QUIET_YEAR else 1 / (1 + np.exp(-eta))
                if t == start and not adopted and u == units[k]:
                    p = 1.0  # every policy has a first adopter in its start year
                if rng.random() < p:
                    adopted[u] = t
        rows += [(u, policy, y) for u, y in adopted.items()]
    events = pd.DataFrame(rows, columns=["unit", "policy", "year"])
    events = events.sort_values(["policy", "year", "unit"]).reset_index(drop=True)
    inputs = HERE / "inputs"
    events.to_csv(inputs / "pooled_events.csv", index=False)
    cov.to_csv(inputs / "pooled_covariates.csv", index=False)
    pd.DataFrame({"unit": units}).to_csv(inputs / "pooled_units.csv", index=False)
    manifest = {"seed": SEED, "n_units": N_UNITS, "policy_start": POLICY_START, "end": END,
                "quiet_year": QUIET_YEAR, "n_events": len(events)}
    (inputs / "pooled_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{len(events)} adoptions written")


if __name__ == "__main__":
    main()
