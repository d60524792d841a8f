"""Write the simulated input panels of ``discrete_time.R`` (``tests/reference/inputs/``).

Run from the repository root::

    python tests/reference/make_inputs.py

and then regenerate the reference outputs with ``Rscript tests/reference/discrete_time.R``.

The CSV files are the fixtures: the tests read them back (they never re-simulate), so a
later change to :func:`diffusion.simulate.world` does not change what is compared with R.
Each panel is the risk set of a simulated world (late entry, exits and re-entries), one
row per unit-year at risk, with columns

``unit, year, event, x1, x2, regional, world, duration``

where ``x1``, ``x2`` are lagged one year, ``regional`` and ``world`` are exposure shares,
and ``duration = year - (the unit's first year in the risk set) + 1`` (the clock keeps
running across a gap in membership). Numbers are written with 17 significant digits so
that R and pandas read back exactly the same doubles.

Panels
------
sim_a
    150 units, 1890-2019, cloglog data-generating process, default coefficients.
sim_b
    120 units, 1890-2019, logit, other coefficients. ``x1`` is set to missing in the
    first year of the window (1890, as if the lagged covariate were unobserved there)
    and in the first year at risk of every tenth unit. So listwise deletion is
    exercised; the time terms must be built on the estimation rows (the calendar clock
    starts in 1891, the reference year of the dummies is 1891); and the duration clock
    must count from the first year *at risk*, not from the first row kept.
sim_c
    300 units over a short window, 1990-2014, probit, high hazard: every calendar year
    and every duration value has events, so unrestricted time dummies exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import diffusion
from diffusion.simulate import world

HERE = Path(__file__).resolve().parent
COLUMNS = ["unit", "year", "event", "x1", "x2", "regional", "world", "duration"]

#: name -> keyword arguments of diffusion.simulate.world
PANELS: dict[str, dict] = {
    "sim_a": {"seed": 11, "n_units": 150, "link": "cloglog"},
    "sim_b": {"seed": 23, "n_units": 120, "link": "logit",
              "intercept": -3.5, "x1": 0.5, "x2": -0.4, "regional": 1.5},
    "sim_c": {"seed": 37, "n_units": 300, "link": "probit", "start": 1990, "end": 2014,
              "intercept": -1.6, "x1": 0.25, "x2": -0.3, "regional": 1.0, "late_entry": 0.1},
}

#: panels in which x1 is blanked in the window's first year and in the first year at
#: risk of every tenth unit
BLANK_X1 = {"sim_b"}


def panel(name: str) -> pd.DataFrame:
    """The risk-set panel ``name`` as written to ``inputs/<name>.csv``."""
    rs = world(**PANELS[name]).risk_set()
    frame = rs.frame
    frame["duration"] = (frame["year"] - rs.entry_times() + 1).astype(np.int64)
    frame = frame.sort_values(["unit", "year"], kind="mergesort").reset_index(drop=True)
    if name in BLANK_X1:
        units = frame["unit"].drop_duplicates().to_numpy()[::10]
        first = frame["unit"].isin(units) & (frame["duration"] == 1)
        frame.loc[first | (frame["year"] == frame["year"].min()), "x1"] = np.nan
    return frame[COLUMNS]


def main(out_dir: Path = HERE / "inputs") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"generator": "tests/reference/make_inputs.py",
                "diffusion_version": diffusion.__version__, "panels": {}}
    for name, settings in PANELS.items():
        frame = panel(name)
        frame.to_csv(out_dir / f"{name}.csv", index=False, float_format="%.17g", na_rep="NA")
        manifest["panels"][name] = {
            "simulate_world": settings,
            "x1_blanked": name in BLANK_X1,
            "n_rows": len(frame),
            "n_units": int(frame["unit"].nunique()),
            "n_events": int(frame["event"].sum()),
            "n_missing_x1": int(frame["x1"].isna().sum()),
        }
        print(f"{name}: {len(frame)} rows, {frame['unit'].nunique()} units, "
              f"{int(frame['event'].sum())} events")
    (out_dir / "sim_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
