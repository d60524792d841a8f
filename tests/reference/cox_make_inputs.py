"""Write the simulated input panels of the Cox reference script (``inputs/cox_*.csv``).

Run from the repository root::

    python tests/reference/cox_make_inputs.py
    Rscript tests/reference/cox.R
    Rscript tests/reference/cox_parametric.R
    Rscript tests/reference/cox_exact_robust.R

The CSV files are the fixtures: the tests read them back (they never re-simulate), so
a later change to :func:`diffusion.simulate.world` does not change what is compared
with R. Each panel is the risk set of a simulated world (late entry, exits and
re-entries), one row per unit-year at risk, with columns

``unit, year, event, x1, x2, regional, world, entry, duration, bloc``

``x1`` (time-varying) and ``x2`` (constant within unit) are lagged one year,
``regional`` and ``world`` are exposure shares, ``entry`` is the unit's first year at
risk and ``duration = year - entry + 1`` (the clock keeps running across a gap in
membership). ``bloc`` (``"A"``, ``"B"``, ``"C"``) is a stratum drawn at random per
unit -- not the region: the regional share of a unit's peers is the same for every
unit at risk in a region-year, so ``strata(region)`` would alias it (the model
refuses that, and a test checks it). Numbers carry 17 significant digits.

Panels
------
cox_sim_a
    150 units, 1890-2019, cloglog data-generating process: long histories, few ties
    (up to four events in a year).
cox_sim_b
    300 units, 1990-2014, high hazard: 3 to 19 events every year (exact ties).
cox_sim_c
    160 units, 1930-2019, up to five events in a year among at most about 80 units at
    risk: ties that R's ``agexact.fit`` (which enumerates subsets) can still fit on
    ``Surv(start, stop, event)`` data, for the robust variance after exact ties
    (``cox_exact_robust.R``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import diffusion
from diffusion.simulate import world

HERE = Path(__file__).resolve().parent
COLUMNS = ["unit", "year", "event", "x1", "x2", "regional", "world", "entry", "duration",
           "bloc"]

#: name -> keyword arguments of diffusion.simulate.world
PANELS: dict[str, dict] = {
    "cox_sim_a": dict(seed=11, n_units=150, link="cloglog"),
    "cox_sim_b": dict(seed=37, n_units=300, link="probit", start=1990, end=2014,
                      intercept=-1.6, x1=0.25, x2=-0.3, regional=1.0, late_entry=0.1),
    "cox_sim_c": dict(seed=42, n_units=160, link="cloglog", start=1930, end=2019,
                      intercept=-3.9, exit_rate=0.05),
}


def panel(name: str):
    """The risk-set panel ``name`` as written to ``inputs/<name>.csv``."""
    kwargs = PANELS[name]
    rs = world(**kwargs).risk_set()
    frame = rs.frame
    frame["entry"] = rs.entry_times().to_numpy()
    frame["duration"] = (frame["year"] - frame["entry"] + 1).astype(np.int64)
    units = np.sort(frame["unit"].unique())
    rng = np.random.default_rng(kwargs["seed"] + 1000)
    bloc = dict(zip(units, rng.choice(np.array(["A", "B", "C"]), len(units))))
    frame["bloc"] = frame["unit"].map(bloc)
    frame = frame.sort_values(["unit", "year"], kind="mergesort").reset_index(drop=True)
    return frame[COLUMNS]


def main(out_dir: Path = HERE / "inputs") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {"generator": "tests/reference/cox_make_inputs.py",
                "diffusion_version": diffusion.__version__, "panels": {}}
    for name in PANELS:
        frame = panel(name)
        frame.to_csv(out_dir / f"{name}.csv", index=False, float_format="%.17g")
        manifest["panels"][name] = {
            "simulate_world": PANELS[name],
            "n_rows": int(len(frame)),
            "n_units": int(frame["unit"].nunique()),
            "n_events": int(frame["event"].sum()),
            "max_events_per_year": int(frame.groupby("year")["event"].sum().max()),
        }
        print(f"{name}: {len(frame)} rows, {frame['unit'].nunique()} units, "
              f"{int(frame['event'].sum())} events")
    (out_dir / "cox_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
