"""Which CEDAW holdouts look like states that may never ratify?

Run: ``python examples/split_population.py``. The CEDAW risk set of
``python -m diffusion replicate cedaw`` (COW members 1980-2016, covariates lagged one
year). A standard discrete-time cloglog model treats the 13 states that had not
ratified by 2016 as late ratifiers. The split-population model adds a logit for
whether a state is at risk of ratifying at all (here by its Polity2 score at entry)
and estimates the hazard of ratification for the states at risk. Its cure
probabilities say, for each holdout, how likely it is to be a never-ratifier given
that it had not ratified by the end of its spell.
"""

from __future__ import annotations

from diffusion import DiscreteTimeHazard, SplitPopulationHazard
from diffusion.models.splitpop import cure_probabilities
from diffusion.replications.treaties import treaty_risk_set


def main() -> None:
    rs, _, _ = treaty_risk_set("CEDAW")
    duration = "regional + world + igo"
    standard = DiscreteTimeHazard.from_formula(f"event ~ {duration}", rs, link="cloglog",
                                               time="cubic").fit()
    split = SplitPopulationHazard.from_formula(rs, risk="polity2", duration=duration,
                                               time="cubic").fit()
    print(standard.summary())
    print(split.summary())
    cure = cure_probabilities(split)
    holdouts = cure[cure["event"] == 0].sort_values("cured_posterior", ascending=False)
    print("\nHoldouts (COW code): prior P(never at risk) and posterior given no ratification")
    print(holdouts[["cown", "cured", "cured_posterior"]].round(3).to_string(index=False))


if __name__ == "__main__":
    main()
