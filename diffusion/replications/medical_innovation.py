"""Medical Innovation: cohesion versus structural equivalence (Coleman, Katz & Menzel; Burt).

Coleman, J. S., Katz, E. & Menzel, H. (1966). *Medical Innovation: A Diffusion Study*.
Burt, R. S. (1987). Social contagion and innovation: cohesion versus structural
equivalence. *American Journal of Sociology* 92(6): 1287-1335.
Van den Bulte, C. & Lilien, G. L. (2001). Medical Innovation revisited: social contagion
versus marketing effort. *American Journal of Sociology* 106(5): 1409-1435.

Coleman, Katz & Menzel read the faster adoption of tetracycline by doctors who were
named by and named their colleagues as contagion through those ties (cohesion); Burt
argued that doctors follow those in the same *position* of the network (structural
equivalence) rather than those they talk to; Van den Bulte & Lilien found that neither
survives once the drug companies' marketing over time is controlled for.

Design (fixed in advance): doctor-months 1-17 (the 125 doctors of the four cities, all
at risk from month 1, the 16 non-adopters censored at month 17); discrete-time logit
with a cubic in month, city fixed effects, journal subscriptions and professional age;
standard errors clustered by doctor. Exposure in month ``t`` reads adoptions by ``t - 1``:
*cohesion* is the share of the surveyed doctors a doctor named (advice, discussion or
friendship, each colleague once) who had adopted; *structural* is Burt's structural-
equivalence exposure computed within each city (:func:`structural_equivalence`, v = 1,
on the same nominations).
"""

from __future__ import annotations

import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import network, structural_equivalence
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES

__all__ = ["FORMULA", "risk_set", "run"]

FORMULA = "event ~ cohesion + structural + C(city) + journ2 + proage"
ATTRIBUTES = ("city", "journ2", "proage")


def risk_set() -> tuple[RiskSet, pd.DataFrame]:
    """Doctor-months with cohesion and structural-equivalence exposure, and the SE ties."""
    doctors = datasets.load_medical_innovation()
    ties = datasets.load_medical_innovation_ties()
    adopters = doctors.loc[doctors["month"].notna(), ["doctor", "month"]]
    events = adopters.astype({"month": "int64"})
    rs = RiskSet.from_events(events, unit="doctor", time="month", units=doctors["doctor"],
                             start=1, end=17)
    # each colleague once, whatever the network; nominations of doctors outside the
    # sample cannot be used (their adoption is unknown)
    named = ties.loc[ties["alter_surveyed"], ["alter", "ego"]].drop_duplicates()
    cities = doctors[["doctor", "city"]].rename(columns={"doctor": "unit", "city": "group"})
    se = structural_equivalence(named, units=doctors["doctor"], source="alter", target="ego",
                                groups=cities)
    attrs = doctors.set_index("doctor")
    rs = (rs.with_exposure("cohesion", network(named, source="alter", target="ego"))
            .with_exposure("structural", network(se, weight="weight"))
            .assign(**{c: _static(attrs[c]) for c in ATTRIBUTES}))
    return rs, se


def _static(values: pd.Series):
    """A doctor attribute on every row (city as an integer label, the rest as floats)."""
    dtype = "int64" if values.name == "city" else "float64"
    return lambda f: values.reindex(f["doctor"]).astype(dtype).to_numpy()


def run() -> Replication:
    """Fit the contagion models on the Medical Innovation doctors."""
    rs, _ = risk_set()
    model = DiscreteTimeHazard.from_formula(FORMULA, rs, link="logit", time="cubic")
    main = model.fit()
    cohesion_only = DiscreteTimeHazard.from_formula(
        "event ~ cohesion + C(city) + journ2 + proage", rs, link="logit", time="cubic").fit()
    claims = (
        Claim("cohesion", "doctors adopt sooner when the colleagues they name have adopted "
              "(contagion through cohesion; Coleman, Katz & Menzel 1966)", +1, "cohesion_only"),
        Claim("structural", "doctors adopt sooner when doctors in the same network position "
              "have adopted (structural equivalence; Burt 1987)", +1),
        Claim("journ2", "doctors who subscribe to more journals adopt sooner (Coleman, Katz "
              "& Menzel 1966)", +1),
    )
    return Replication(
        name="medical_innovation",
        title="Medical Innovation: tetracycline, 1953-1955 (Coleman, Katz & Menzel; Burt)",
        citation=("Coleman, Katz & Menzel (1966), Medical Innovation; Burt (1987), American "
                  "Journal of Sociology 92(6):1287-1335; Van den Bulte & Lilien (2001), AJS "
                  "106(5):1409-1435."),
        design=("125 doctors in four cities, months 1-17; logit with a cubic in month, city "
                "fixed effects, journal subscriptions and professional age, SEs clustered "
                "by doctor; cohesion and structural-equivalence exposure (within city) from "
                "the advice, discussion and friendship nominations, read in t-1."),
        claims=claims,
        results={"main": main, "cohesion_only": cohesion_only},
        data_notes=(
            ("Half of the nominations name doctors who were not interviewed; exposure uses "
             "the surveyed doctors only."),
            ("Van den Bulte & Lilien (2001) report that the contagion effects vanish once "
             "marketing effort over time is controlled; the time trend here plays that role."),
        ),
        published=STUDIES["medical_innovation"],
    )
