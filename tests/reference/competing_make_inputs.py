"""Write the simulated competing-risks fixture (``inputs/competing_sim.csv``).

Run from the repository root::

    python tests/reference/competing_make_inputs.py
    Rscript tests/reference/competing.R

The CSV is the fixture: the tests read it back and never re-simulate. One row per
unit, with columns

``unit, entry, last, status, x1, x2``

``entry`` is the unit's first year at risk (late entry: about half the units enter
after 1950), ``last`` its last year at risk, ``status`` the outcome in ``last``:
``"a"`` (the cause of interest), ``"b"`` (the competing outcome) or ``""``
(censored: the window closed in 1990, or the unit left the system). ``x1`` is
normal, ``x2`` is 0/1, both constant within unit. Yearly data: many ties, between
events of both causes and censorings, as in country-year data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def simulate(seed: int = 20261203, n: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = (rng.random(n) < 0.4).astype(float)
    entry = np.where(rng.random(n) < 0.5, 1950, rng.integers(1951, 1980, size=n))
    # each unit leaves the system at a random year (censoring) or stays to 1990
    leave = np.where(rng.random(n) < 0.35, rng.integers(1955, 1990, size=n), 1990)
    leave = np.maximum(leave, entry)
    h_a = 1 - np.exp(-np.exp(-4.0 + 0.6 * x1 - 0.5 * x2))
    h_b = 1 - np.exp(-np.exp(-4.3 - 0.3 * x1 + 0.7 * x2))
    rows = []
    for i in range(n):
        status = ""
        last = leave[i]
        for t in range(entry[i], leave[i] + 1):
            u = rng.random()
            if u < h_a[i]:
                status, last = "a", t
                break
            if u < h_a[i] + h_b[i]:
                status, last = "b", t
                break
        rows.append((f"u{i:03d}", int(entry[i]), int(last), status, x1[i], x2[i]))
    return pd.DataFrame(rows, columns=["unit", "entry", "last", "status", "x1", "x2"])


def main() -> None:
    out = HERE / "inputs" / "competing_sim.csv"
    simulate().to_csv(out, index=False, float_format="%.17g")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
