"""Coverage study: do 95 % intervals cover the truth 95 % of the time?

For each model family -- discrete-time logit, probit and cloglog, and Cox -- simulate
``--n-sims`` worlds (default 500) from a correctly specified design, fit the model and
count how often the 95 % Wald interval of each coefficient covers the true value, with
model-based ("classic") and unit-clustered standard errors. Prints one table per
covariance, with the Monte Carlo standard error of a coverage share
(``sqrt(0.95 * 0.05 / n)``, 0.0097 for 500 worlds), and the ratio of the mean estimated
standard error to the Monte Carlo SD of the estimates (1 when the SEs are right).

The design (the same as ``tests/test_simulate_power.py``, whose slow test asserts the
classic rows): 80 units in 5 regions, 1960-1999, late entry and exits, a random
directed network (3 sources per unit on average), regional share (window 5), network
exposure, INGO embeddedness and a domestic covariate. Cox models are fitted with exact
ties on the logit worlds (the discrete partial likelihood is then the correctly
specified model; the baseline absorbs the intercept).

Usage::

    python scripts/coverage_study.py                 # 500 worlds, 2 workers
    python scripts/coverage_study.py --n-sims 2000 --n-jobs -1
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from diffusion import simulate

FORMULA = "event ~ regional + network + ingo + domestic"
FAMILIES = ("logit", "probit", "cloglog", "cox")


def coverage_design(family: str) -> simulate.SimulationDesign:
    """The design of the study (identical to tests/test_simulate_power.py)."""
    link = "logit" if family == "cox" else family
    return simulate.synthetic(
        seed=11, n_units=80, n_groups=5, start=1960, end=1999, network_degree=3,
        link=link, intercept=-1.8 if link == "probit" else -3.0, regional=1.5,
        network=1.0, ingo=0.5, domestic=0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sims", type=int, default=500)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--cov-types", nargs="+", default=["classic", "cluster"],
                        choices=["classic", "cluster", "robust"])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    args = parser.parse_args()

    mc_se = np.sqrt(0.95 * 0.05 / args.n_sims)
    print(f"Coverage of 95% Wald intervals over {args.n_sims} simulated worlds per family "
          f"(seed {args.seed}; Monte Carlo SE of a share: {mc_se:.4f}).")
    print(f"Design: {coverage_design('logit').structure!r}; model {FORMULA!r}.\n")
    for cov_type in args.cov_types:
        rows, ratios = {}, {}
        for family in args.families:
            terms = ["regional", "network", "ingo", "domestic"]
            if family != "cox":
                terms = ["Intercept", *terms]
            t0 = time.perf_counter()
            res = simulate.power(coverage_design(family), formula=FORMULA, model=family,
                                 ties="exact", terms=terms, n_sims=args.n_sims,
                                 seed=args.seed, n_jobs=args.n_jobs, cov_type=cov_type)
            seconds = time.perf_counter() - t0
            row = res.coverage.to_dict()
            row["pooled"] = float(res.coverage.mean())
            row["failed"] = res.n_failed
            row["seconds"] = seconds
            rows[family] = row
            ratios[family] = (res.table["mean_std_error"] / res.table["sd_estimate"]).to_dict()
        table = pd.DataFrame.from_dict(rows, orient="index")
        cols = ["Intercept", "regional", "network", "ingo", "domestic", "pooled", "failed",
                "seconds"]
        table = table[[c for c in cols if c in table.columns]]
        print(f"Coverage, {cov_type} standard errors (target 0.95; Intercept: "
              f"discrete-time models only)")
        print(table.to_string(float_format=lambda x: f"{x:.3f}", na_rep="-"))
        print(f"\nMean estimated SE / Monte Carlo SD of the estimates ({cov_type})")
        print(pd.DataFrame.from_dict(ratios, orient="index")
              .to_string(float_format=lambda x: f"{x:.3f}", na_rep="-"))
        print()


if __name__ == "__main__":
    main()
