"""Which CEDAW holdouts look like states that may never ratify?

Run: ``python examples/split_population.py``. The CEDAW risk set of
``python -m diffusion replicate cedaw`` (COW members 1980-2016, covariates lagged one
year). A standard discrete-time cloglog model treats the 13 states that had not
ratified by 2016 as late ratifiers. The split-population model adds a logit for
whether a state is at risk of ratifying at all (here by its Polity2 score at entry)
and estimates the hazard of ratification for the states at risk. Its cure
probabilities say, for each holdout, how likely it is to be a never-ratifier given
that it had not ratified by the end of its spell.

The duration part is fitted three ways on the same sample: the discrete-time cloglog
hazard with a cubic in duration, and the Weibull and log-logistic distributions of
``spduration`` (Beger et al. 2017), integrated over each year. One table compares
them: log likelihood with and without the cure part, AIC, BIC and the risk part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import DiscreteTimeHazard, SplitPopulationHazard
from diffusion.errors import ConvergenceError
from diffusion.models.splitpop import cure_probabilities, predict_splitpop
from diffusion.replications.treaties import treaty_risk_set
from diffusion.report.tables import regression_table

DURATION = "regional + world + igo"


def compare(rs) -> tuple[pd.DataFrame, dict]:
    """One row per duration part; the fits that converged."""
    rows, fits = [], {}
    for dist in ("cloglog", "weibull", "loglogistic"):
        time = "cubic" if dist == "cloglog" else None
        model = SplitPopulationHazard.from_formula(rs, risk="polity2", duration=DURATION,
                                                   distribution=dist, time=time)
        try:
            res = model.fit()
        except ConvergenceError as exc:  # the risk part runs to the boundary
            print(f"\n{dist}: {exc}")
            rows.append({"distribution": dist, "status": "risk part not identified"})
            continue
        fits[dist] = res
        sp = res.extra["splitpop"]
        cure = cure_probabilities(res)
        rows.append({
            "distribution": dist, "status": "converged", "k": res.n_params,
            "loglik": res.loglik, "loglik_no_cure": sp["loglik_no_cure"],
            "aic": res.aic, "bic": res.bic,
            "risk:polity2": res.params["risk:polity2"],
            "se": res.std_errors["risk:polity2"],
            "mean_at_risk": cure["at_risk"].mean(),
            "alpha": (np.exp(res.params["shape:log(alpha)"])
                      if "shape:log(alpha)" in res.params else np.nan)})
    table = pd.DataFrame(rows).set_index("distribution")
    return table.astype({"k": "Int64"}), fits


def main() -> None:
    rs, _, _ = treaty_risk_set("CEDAW")
    standard = DiscreteTimeHazard.from_formula(f"event ~ {DURATION}", rs, link="cloglog",
                                               time="cubic").fit()
    print(standard.summary())
    table, fits = compare(rs)
    print("\nDuration parts of the split-population model (risk part: polity2 at entry)")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.round(3).to_string())
    print()
    print(regression_table(list(fits.values()), labels=list(fits)))
    split = fits["cloglog"]
    cure = cure_probabilities(split)
    holdouts = cure[cure["event"] == 0].sort_values("cured_posterior", ascending=False)
    print("\nHoldouts (COW code): prior P(never at risk) and posterior given no ratification")
    print(holdouts[["cown", "cured", "cured_posterior"]].round(3).to_string(index=False))
    # a profile: a state at the mean of the covariates, by years since entry
    prof = pd.DataFrame({"polity2": 0.0, "regional": 0.5, "world": 0.5, "igo": 5.0,
                         "duration": [1, 5, 10, 20]})
    print("\nWeibull fit, a state with polity2 = 0, half its region and world ratified:")
    print(predict_splitpop(fits["weibull"], data=prof).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
