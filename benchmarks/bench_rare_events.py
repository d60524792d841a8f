"""Benchmark of the bias-reduced, random-intercept and effects computations.

Run with ``python benchmarks/bench_rare_events.py`` (after ``pip install .``). It
simulates a 1,000-unit x 30-year panel of repeatable events with a unit frailty
(30,000 rows), fits a Firth cloglog with clustered SEs, random-intercept logit models
with 1 (Laplace) and 7 adaptive quadrature points, and the average marginal effects of
the frailty model, and prints the median wall time of each over several repetitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from _timing import timed
from scipy import special

from diffusion import FirthHazard, FrailtyHazard, RiskSet, effects


def panel(n_units: int = 1000, n_years: int = 30, seed: int = 1) -> RiskSet:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(1991, 1991 + n_years), n_units)
    x1 = rng.normal(size=len(unit))
    x2 = (rng.random(n_units) < 0.4).astype(float)[unit]
    b = rng.normal(0, 0.8, n_units)[unit]
    y = (rng.random(len(unit)) < special.expit(-3 + 0.5 * x1 - 0.5 * x2 + b)).astype(int)
    frame = pd.DataFrame({"unit": unit, "year": year, "event": y, "x1": x1, "x2": x2})
    return RiskSet.from_panel(frame, unit="unit", time="year", event="event", repeated=True)


def main() -> None:
    rs = panel()
    print(f"{rs.n_obs} rows, {rs.n_units} units, {rs.n_events} events")
    t, _ = timed(lambda: FirthHazard(rs, covariates=["x1", "x2"], link="cloglog").fit())
    print(f"Firth cloglog, clustered SEs      {t:8.3f} s")
    model = FrailtyHazard(rs, covariates=["x1", "x2"], link="logit")
    t, _ = timed(lambda: model.fit(n_quad=1), repeat=3)
    print(f"random intercept, Laplace         {t:8.3f} s")
    t, res = timed(lambda: model.fit(n_quad=7), repeat=3)
    print(f"random intercept, 7-point AGQ     {t:8.3f} s  (sd = {res.frailty_sd:.3f})")
    t, _ = timed(lambda: effects.average_marginal_effects(res), repeat=3)
    print(f"population-averaged AMEs          {t:8.3f} s")


if __name__ == "__main__":
    main()
