"""Write the input panels of ``firth.R`` and ``effects.R`` (``tests/reference/inputs/firth_*.csv``).

Run from the repository root::

    python tests/reference/firth_make_inputs.py

then regenerate the reference outputs with ``Rscript tests/reference/firth.R``.

The CSV files are the fixtures: the tests read them back and never re-simulate, so a
later change to :func:`diffusion.simulate.world` does not change what is compared with
R. Numbers are written with 17 significant digits (exact doubles for R and pandas).

Panels
------
firth_rare
    A rare-event risk set: 80 simulated states, 1960-2009, logit data-generating
    process with intercept -5 (about 2,800 state-years and 21 adoptions), columns
    ``unit, year, event, x1, x2, regional, world, duration`` as ``make_inputs.py``.
firth_separation
    The same rows plus ``colony``, a unit-level 0/1 trait that is 1 for every third
    state that never adopts (and for no adopter). No row with ``colony = 1`` has an
    event: quasi-complete separation, so the maximum-likelihood coefficient of
    ``colony`` is minus infinity while the bias-reduced estimate is finite.
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
SETTINGS = {"seed": 5, "n_units": 80, "start": 1960, "end": 2009, "link": "logit",
            "intercept": -5.0, "x1": 0.5, "x2": -0.5, "regional": 3.0}


def rare_panel() -> pd.DataFrame:
    rs = world(**SETTINGS).risk_set()
    frame = rs.frame
    frame["duration"] = (frame["year"] - rs.entry_times() + 1).astype(np.int64)
    frame = frame.sort_values(["unit", "year"], kind="mergesort").reset_index(drop=True)
    return frame[COLUMNS]


def separation_panel(rare: pd.DataFrame) -> pd.DataFrame:
    adopters = set(rare.loc[rare["event"] == 1, "unit"])
    never = sorted(set(rare["unit"]) - adopters)
    colonies = set(never[::3])
    out = rare.copy()
    out["colony"] = out["unit"].isin(colonies).astype(np.int64)
    return out


def main(out_dir: Path = HERE / "inputs") -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    rare = rare_panel()
    sep = separation_panel(rare)
    assert sep.loc[sep["colony"] == 1, "event"].sum() == 0
    panels = {"firth_rare": rare, "firth_separation": sep}
    manifest = {"generator": "tests/reference/firth_make_inputs.py",
                "diffusion_version": diffusion.__version__,
                "simulate_world": SETTINGS, "panels": {}}
    for name, frame in panels.items():
        frame.to_csv(out_dir / f"{name}.csv", index=False, float_format="%.17g")
        manifest["panels"][name] = {
            "n_rows": len(frame), "n_units": int(frame["unit"].nunique()),
            "n_events": int(frame["event"].sum())}
    manifest["panels"]["firth_separation"]["n_colony_units"] = int(
        sep.loc[sep["colony"] == 1, "unit"].nunique())
    (out_dir / "firth_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
