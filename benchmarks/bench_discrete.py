"""Benchmark of the discrete-time (binary-response) engine against the alternatives.

Run with ``python benchmarks/bench_discrete.py`` after ``pip install ".[bench]"``
(lifelines, glum, pyfixest; R with ``sandwich`` is used when ``Rscript`` is on the
PATH). Options: ``--sizes 100000 1000000`` (rows at risk, about), ``--repeat 3``,
``--memory 3500000`` (the rows of the peak-memory measurement; 0 skips it).

It simulates a country-year panel -- units observed for 124 years until their event,
three covariates, a cloglog hazard -- and fits a cloglog with standard errors clustered
by unit, in one run on the same machine:

* diffusion ``DiscreteTimeHazard.from_formula(...).fit()`` (the whole fit: design,
  scoring, clustered covariance);
* statsmodels ``GLM(Binomial(CLogLog)).fit(cov_type="cluster")``;
* glum ``GeneralizedLinearRegressor(family="binomial", link="cloglog", alpha=0)`` and
  its ``covariance_matrix(clusters=)``;
* R ``glm(binomial("cloglog"))`` + ``sandwich::vcovCL(type = "HC1")``, timed inside R
  (reading the CSV is not timed);
* pyfixest ``feglm(family="logit")`` with unit fixed effects absorbed, as a reference
  for the absorbed-effects case (a different model: logit, fixed effects).

Only ratios are meaningful on a shared machine: the table prints each tool's best time
of ``--repeat`` runs and its ratio to diffusion's. The memory part reports the peak of
the memory numpy allocates during one ``fit()`` (``tracemalloc``), as a multiple of the
design matrix's bytes (rows x terms x 8).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from diffusion import DiscreteTimeHazard, RiskSet

YEARS = 124


def panel(n_rows: int, seed: int = 1) -> pd.DataFrame:
    """About ``n_rows`` unit-years: units at risk for up to 124 years, cloglog events."""
    rng = np.random.default_rng(seed)
    n_units = max(10, int(n_rows / (YEARS * 0.95)))
    unit = np.repeat(np.arange(n_units), YEARS)
    year = np.tile(np.arange(1890, 1890 + YEARS), n_units)
    x = rng.normal(size=(len(unit), 3))
    eta = -6.5 + x @ np.array([0.3, -0.2, 0.1])
    event = rng.random(len(unit)) < -np.expm1(-np.exp(eta))
    df = pd.DataFrame({"unit": unit, "year": year, "event": event.astype(np.int64),
                       "x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2]})
    first = df.loc[df["event"] == 1].groupby("unit")["year"].min()
    return df[df["year"] <= df["unit"].map(first).fillna(10**6)].reset_index(drop=True)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def fit_diffusion(df: pd.DataFrame):
    rs = RiskSet.from_panel(df, unit="unit", time="year", event="event")
    model = DiscreteTimeHazard.from_formula("event ~ x1 + x2 + x3", rs, link="cloglog")
    return model, rs


def run_r(df: pd.DataFrame, repeat: int) -> float | None:
    if shutil.which("Rscript") is None:
        return None
    script = f"""
        suppressPackageStartupMessages(library(sandwich))
        d <- read.csv(commandArgs(TRUE)[1])
        times <- replicate({repeat}, system.time({{
          f <- glm(event ~ x1 + x2 + x3, family = binomial("cloglog"), data = d)
          v <- vcovCL(f, cluster = ~unit, type = "HC1")
        }})[["elapsed"]])
        cat(min(times), "\\n")
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        df.to_csv(path, index=False)
        (Path(tmp) / "bench.R").write_text(script)
        proc = subprocess.run(["Rscript", str(Path(tmp) / "bench.R"), str(path)],
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    return float(proc.stdout.split()[-1])


def run_size(n_rows: int, repeat: int) -> list[tuple[str, float | None]]:
    df = panel(n_rows)
    model, _ = fit_diffusion(df)
    t_ours, res = best(model.fit, repeat)
    rows: list[tuple[str, float | None]] = [("diffusion", t_ours)]
    y = df["event"].to_numpy(np.float64)
    X = np.column_stack([np.ones(len(df)), df[["x1", "x2", "x3"]].to_numpy()])
    groups = df["unit"].to_numpy()
    try:
        import statsmodels.api as sm

        fam = sm.families.Binomial(sm.families.links.CLogLog())
        t, _ = best(lambda: sm.GLM(y, X, family=fam).fit(
            cov_type="cluster", cov_kwds={"groups": groups}), repeat)
        rows.append(("statsmodels GLM", t))
    except ImportError:
        rows.append(("statsmodels GLM", None))
    try:
        from glum import GeneralizedLinearRegressor

        def glum_fit():
            g = GeneralizedLinearRegressor(family="binomial", link="cloglog", alpha=0,
                                           fit_intercept=False, gradient_tol=1e-10)
            g.fit(X, y)
            return g.covariance_matrix(X, y, clusters=groups, expected_information=True)
        t, _ = best(glum_fit, repeat)
        rows.append(("glum", t))
    except ImportError:
        rows.append(("glum", None))
    rows.append(("R glm + vcovCL", run_r(df, repeat)))
    try:
        import pyfixest as pf

        t, _ = best(lambda: pf.feglm("event ~ x1 + x2 + x3 | unit", df, family="logit",
                                     vcov={"CRV1": "unit"}), 1)
        rows.append(("pyfixest feglm logit | unit (other model)", t))
    except Exception:  # noqa: BLE001 - optional tool; any failure means "not measured"
        rows.append(("pyfixest feglm logit | unit (other model)", None))
    print(f"\n{len(df):,} rows, {int(df['event'].sum()):,} events, "
          f"{df['unit'].nunique():,} units; cloglog, SEs clustered by unit "
          f"(best of {repeat})")
    print(f"  {'tool':<44}{'seconds':>10}{'x diffusion':>14}")
    for name, t in rows:
        if t is None:
            print(f"  {name:<44}{'-':>10}{'-':>14}")
        else:
            print(f"  {name:<44}{t:>10.3f}{t / t_ours:>14.1f}")
    return rows


def peak_memory(n_rows: int) -> None:
    df = panel(n_rows)
    model, _ = fit_diffusion(df)
    design_bytes = len(df) * 4 * 8  # intercept + 3 covariates, float64
    tracemalloc.start()
    model.fit()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of one fit at {len(df):,} rows: {peak / 2**20:,.0f} MiB = "
          f"{peak / design_bytes:.2f} x the design matrix ({design_bytes / 2**20:,.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", type=int, default=3_500_000)
    args = parser.parse_args()
    for n in args.sizes:
        run_size(n, args.repeat)
    if args.memory:
        peak_memory(args.memory)


if __name__ == "__main__":
    main()
