"""Benchmark of the Cox model on country-years: diffusion vs lifelines vs R ``coxph``.

Run with ``python benchmarks/bench_cox.py [--sizes 100000 1000000] [--repeat 3]``
(after ``pip install .``). For each size it simulates a panel of unit-years at risk
(120 years; 40 % of the units enter late; a time-varying ``x1`` and ``x3`` and a
constant ``x2``; events from a grouped proportional-hazards model, so many ties per
year), and times the fit of

    h_i(t) = h_0(t) exp(b1 x1 + b2 x2 + b3 x3),   rows (t - 1, t], Efron ties

* diffusion: ``CoxHazard(rs, covariates=[...]).fit(cov_type="classic")`` and with
  standard errors clustered by unit (the default);
* lifelines: ``CoxTimeVaryingFitter().fit(df, id_col=, start_col=, stop_col=,
  event_col=)`` (model-based standard errors);
* R (when ``Rscript`` is installed): ``coxph(Surv(start, stop, event) ~ x1 + x2 +
  x3)``, and with ``cluster = unit``; only the ``coxph`` call is timed (inside R).

Every fit starts from the data in memory (the risk set, the DataFrame, the R data
frame); building them is not timed. After one untimed warm-up run (R: the median of
``--repeat`` runs inside one R session), it prints the median wall time of
``--repeat`` runs, the ratios, and the largest difference between the estimates.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import timed

from diffusion import CoxHazard, RiskSet

COVARIATES = ["x1", "x2", "x3"]
N_YEARS = 120


def panel(n_rows: int, seed: int = 1) -> pd.DataFrame:
    """About ``n_rows`` unit-years at risk (late entry, events end a unit's rows)."""
    rng = np.random.default_rng(seed)
    n_units = int(n_rows / 82)  # about 82 years at risk per unit with these settings
    entry = np.where(rng.random(n_units) < 0.4, rng.integers(1, N_YEARS - 5, n_units), 0)
    length = N_YEARS - entry
    unit = np.repeat(np.arange(n_units), length)
    offsets = np.repeat(np.cumsum(length) - length, length)
    year = 1900 + np.repeat(entry, length) + (np.arange(length.sum()) - offsets)
    n = len(unit)
    x1, x3 = rng.normal(size=n), rng.normal(size=n)
    x2 = (rng.random(n_units) < 0.4).astype(float)[unit]
    eta = -5.5 + 0.4 * x1 - 0.5 * x2 + 0.2 * x3
    hit = rng.random(n) < -np.expm1(-np.exp(eta))
    frame = pd.DataFrame({"unit": unit, "year": year, "event": hit.astype(int),
                          "x1": x1, "x2": x2, "x3": x3})
    first = frame.loc[frame.event == 1].groupby("unit")["year"].min()
    event_year = frame["unit"].map(first)
    frame = frame[event_year.isna() | (frame["year"] <= event_year)].reset_index(drop=True)
    frame["event"] = (frame["year"] == frame["unit"].map(first)).astype(int)
    return frame




R_CODE = r"""
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d$start <- d$year - 1
repeat_n <- as.integer(args[2])
time_it <- function(expr) {
  t <- numeric(repeat_n)
  for (i in seq_len(repeat_n)) t[i] <- system.time(fit <- eval(expr))[["elapsed"]]
  list(time = median(t), fit = fit)
}
a <- time_it(quote(coxph(Surv(start, year, event) ~ x1 + x2 + x3, data = d)))
b <- time_it(quote(coxph(Surv(start, year, event) ~ x1 + x2 + x3, data = d, cluster = unit)))
cat(sprintf("%.6f %.6f %s\n", a$time, b$time, paste(sprintf("%.12g", coef(a$fit)),
                                                        collapse = " ")))
"""


def run_r(frame: pd.DataFrame, repeat: int):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, code = Path(tmp) / "panel.csv", Path(tmp) / "bench.R"
        frame.to_csv(data, index=False, float_format="%.17g")
        code.write_text(R_CODE)
        proc = subprocess.run([rscript, str(code), str(data), str(repeat)],
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print("  R failed:", proc.stderr.strip().splitlines()[-1:])
        return None
    parts = proc.stdout.split()
    return float(parts[0]), float(parts[1]), np.array([float(v) for v in parts[2:]])


def run_lifelines(frame: pd.DataFrame, repeat: int):
    try:
        from lifelines import CoxTimeVaryingFitter
    except ImportError:  # pragma: no cover
        return None
    df = frame.assign(start=frame["year"] - 1)[["unit", "start", "year", "event", *COVARIATES]]

    def fit():
        return CoxTimeVaryingFitter().fit(df, id_col="unit", start_col="start",
                                          stop_col="year", event_col="event")

    t, ctv = timed(fit, repeat, warm_up=True)
    return t, ctv.params_[COVARIATES].to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-r", action="store_true", help="skip R")
    parser.add_argument("--no-lifelines", action="store_true", help="skip lifelines")
    args = parser.parse_args()
    for size in args.sizes:
        frame = panel(size)
        rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
        model = CoxHazard(rs, covariates=COVARIATES)
        t_ours, res = timed(lambda: model.fit(cov_type="classic"), args.repeat,
                               warm_up=True)
        t_ours_cl, _ = timed(lambda: model.fit(cov_type="cluster"), args.repeat,
                              warm_up=True)
        ours = res.params.to_numpy()
        print(f"\n{len(frame):,} rows, {rs.n_units:,} units, {rs.n_events:,} events "
              f"(up to {frame.groupby('year')['event'].sum().max()} per year); "
              f"median of {args.repeat}")
        print(f"  diffusion CoxHazard           {t_ours:8.3f} s   "
              f"(clustered SEs: {t_ours_cl:.3f} s)")
        if not args.no_lifelines:
            out = run_lifelines(frame, args.repeat)
            if out is not None:
                t_ll, est = out
                print(f"  lifelines CoxTimeVarying      {t_ll:8.3f} s   "
                      f"ratio {t_ll / t_ours:6.1f}x   max |diff| {np.max(np.abs(est - ours)):.1e}")
        if not args.no_r:
            out = run_r(frame, args.repeat)
            if out is None:
                print("  R coxph                       (Rscript not found: skipped)")
            else:
                t_r, t_r_cl, est = out
                print(f"  R coxph                       {t_r:8.3f} s   "
                      f"ratio {t_r / t_ours:6.1f}x   max |diff| {np.max(np.abs(est - ours)):.1e}")
                print(f"  R coxph, cluster(unit)        {t_r_cl:8.3f} s   "
                      f"ratio {t_r_cl / t_ours_cl:6.1f}x (vs clustered diffusion)")


if __name__ == "__main__":
    main()
