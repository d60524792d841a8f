"""Write the competing-risks fixture with a time-varying covariate (``inputs/competing_tv.csv``).

Run from the repository root::

    python tests/reference/competing_tv_make_inputs.py
    Rscript tests/reference/competing_tv.R

The CSV is the fixture: the tests read it back and never re-simulate. One row per
unit and year at risk, with columns

``unit, year, status, x2, z``

``status`` is empty except on a unit's last row, where it is the outcome of that year:
``"a"`` (the cause of interest), ``"b"`` (the competing outcome) or ``""`` (censored:
the window closed in 1990, or the unit left the system). About half the units enter
after 1950 (late entry on the calendar clock). ``x2`` is 0/1, constant within unit;
``z`` is time-varying, a random walk within each unit, and moves both hazards.
Yearly data: many ties between events of both causes and censorings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def simulate(seed: int = 20261214, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x2 = (rng.random(n) < 0.4).astype(float)
    entry = np.where(rng.random(n) < 0.5, 1950, rng.integers(1951, 1980, size=n))
    leave = np.where(rng.random(n) < 0.35, rng.integers(1955, 1990, size=n), 1990)
    leave = np.maximum(leave, entry)
    rows = []
    for i in range(n):
        z = rng.normal()
        for t in range(entry[i], leave[i] + 1):
            h_a = 1 - np.exp(-np.exp(-3.9 + 0.6 * z - 0.5 * x2[i]))
            h_b = 1 - np.exp(-np.exp(-4.2 - 0.4 * z + 0.7 * x2[i]))
            u = rng.random()
            status = "a" if u < h_a else "b" if u < h_a + h_b else ""
            rows.append((f"u{i:03d}", t, status, x2[i], z))
            if status:
                break
            z = z + rng.normal(scale=0.35)
    return pd.DataFrame(rows, columns=["unit", "year", "status", "x2", "z"])


def main() -> None:
    out = HERE / "inputs" / "competing_tv.csv"
    simulate().to_csv(out, index=False, float_format="%.17g")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
