"""Write the inputs of ``report_curves.R`` (``inputs/report_*.csv``).

Run from the repository root::

    python tests/reference/report_make_inputs.py
    Rscript tests/reference/report_curves.R

The CSV files are the fixtures: ``tests/test_report_plots.py`` reads them back (it never
re-simulates), so a later change to :func:`diffusion.simulate.world` does not change what
is compared with R.

Files
-----
report_rows.csv
    The risk set of a simulated world (80 units, 1890-2019, late entry, exits and
    re-entries, two units that adopted before they entered), one row per unit-year at
    risk: ``unit, year, event, x1, x2, regional, region``. ``x1`` is lagged one year and
    missing in a unit's first year when the covariate table has no earlier value.
report_membership.csv
    The membership spells ``unit, start, end`` of every unit (inclusive years; some
    start before the window opens in 1890, so those units enter observation late).
report_groups.csv
    ``unit, region`` of every unit (including units without rows at risk).
report_profiles.csv
    Two covariate profiles ``profile, x1, x2, regional`` for predicted hazards.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from diffusion.simulate import world

HERE = Path(__file__).resolve().parent
SETTINGS = {"seed": 23, "n_units": 80, "link": "cloglog"}


def main(out: Path = HERE / "inputs") -> None:
    w = world(**SETTINGS)
    frame = w.risk_set().frame
    region = w.groups.set_index("unit")["region"]
    frame["region"] = frame["unit"].map(region)
    frame = frame[["unit", "year", "event", "x1", "x2", "regional", "region"]]
    frame.to_csv(out / "report_rows.csv", index=False, float_format="%.17g")
    w.membership.to_csv(out / "report_membership.csv", index=False)
    w.groups.to_csv(out / "report_groups.csv", index=False)
    profiles = pd.DataFrame({"profile": ["isolated", "neighbours"], "x1": [0.0, 0.5],
                             "x2": [0.0, 1.0], "regional": [0.0, 0.5]})
    profiles.to_csv(out / "report_profiles.csv", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
