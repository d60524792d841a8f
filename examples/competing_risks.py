"""Competing outcomes on shipped data: which parental-involvement law a state adopts first.

Run: ``python examples/competing_risks.py [--plot incidence.png]``.

Why this setup. The issue asked for treaty ratification against accession, but the
bundled ``treaties`` table has one date per state and treaty ("ratification, accession
or succession", ``data/treaties.md``) and no signature dates, so it cannot carry the
type. SPID (``data/spid.csv``) has two variants of one policy: a state's law on
abortion for minors requires either **parental consent** (``aborparc``, 15 states) or
**parental notification** (``aborparn``, 17 states), both coded from 1981. The first
such law a state adopts ends its time at risk of a first parental-involvement law;
its type is the outcome. Only Tennessee adopted both (notification 1992, consent 1999):
its first law is notification. All 50 states are at risk from 1981 (no late entry) to
2000, the last year either variant is coded.

Covariates: whether the state had reformed its abortion law before Roe v. Wade
(SPID ``aborpreroe``, 1966-1972), constant within state; and, time-varying, the share
of the other states of its Census division with a parental-involvement law of either
type by the year before (:func:`~diffusion.exposure.regional_density`, lag 1; the
divisions of ``examples/spid_pooled.py``). With 31 events among 50 states the
estimates are imprecise; the example shows the workflow, not a finding.

It fits
* the cause-specific Cox hazard of each type (the other censored),
* the Fine-Gray subdistribution hazard of each type (R ``cmprsk::crr`` conventions),
* the Fine-Gray hazard with the time-varying division share, ``weights="finegray"``
  (R ``survival::finegray`` on state-year rows + ``coxph``): a state whose first law
  was of the other type stays in the risk set with its division share of that year
  carried forward, down-weighted by the censoring survival ratio (no state is
  censored before 2000 here, so the weights are 1); robust standard errors,
and prints the Aalen-Johansen cumulative incidence of both types.
"""

from __future__ import annotations

import argparse

import pandas as pd

from diffusion import CoxHazard
from diffusion.data.competing import cause_specific, competing_risk_set
from diffusion.datasets import load_spid
from diffusion.exposure import regional_density
from diffusion.models.competing import FineGray
from diffusion.report.incidence import cumulative_incidence, cumulative_incidence_table
from spid_pooled import divisions  # the sibling example (run from examples/ or its path)

TYPES = {"aborparc": "consent", "aborparn": "notification"}


def risk_set():
    spid = load_spid()
    states = sorted(spid["state_abbr"].unique())
    laws = spid.loc[spid["policy"].isin(TYPES)].copy()
    laws["law"] = laws["policy"].map(TYPES)
    # a state's first parental-involvement law (Tennessee: notification 1992)
    first = laws.sort_values(["state_abbr", "year"]).drop_duplicates("state_abbr")
    rs = competing_risk_set(first[["state_abbr", "year", "law"]], unit="state_abbr",
                            time="year", outcome="law", causes=["consent", "notification"],
                            units=states, start=1981, end=2000)
    pre_roe = set(spid.loc[spid["policy"] == "aborpreroe", "state_abbr"])
    rs = rs.assign(pre_roe=lambda f: f["state_abbr"].isin(pre_roe).astype(float))
    # share of the division's other states with a first law (either type) by t - 1
    return rs.with_exposure("division", regional_density(divisions()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write the cumulative incidence plot to this file")
    args = parser.parse_args()

    rs = risk_set()
    print(rs)
    rows = []
    for law in ("consent", "notification"):
        cs = CoxHazard(cause_specific(rs, outcome="law", cause=law), covariates=["pre_roe"])
        fg = FineGray(rs, covariates=["pre_roe"], outcome="law", cause=law, clock="calendar")
        for name, res in (("cause-specific Cox", cs.fit()), ("Fine-Gray", fg.fit())):
            rows.append({"law": law, "model": name, "events": res.n_events,
                         "coef": res.params["pre_roe"], "se": res.std_errors["pre_roe"],
                         "se type": res.cov_type})
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.3f"))

    print("\nFine-Gray with a time-varying covariate (division share at t - 1, "
          "weights='finegray'):")
    rows = []
    for law in ("consent", "notification"):
        res = FineGray(rs, covariates=["pre_roe", "division"], outcome="law", cause=law,
                       clock="calendar", weights="finegray").fit()
        for term in res.params.index:
            rows.append({"law": law, "term": term, "coef": res.params[term],
                         "se": res.std_errors[term], "se type": res.cov_type})
        carried = [n.count for n in res.notes if n.kind == "fine_gray_carry_forward"]
        print(f"  {law}: {carried[0] if carried else 0} state(s) with a first law of the "
              f"other type carry their last division share forward")
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.3f"))
    table = cumulative_incidence_table(rs, outcome="law")
    print("\nCumulative incidence of the first parental-involvement law (Aalen-Johansen):")
    print(table.iloc[[4, 9, 14, 19]].to_string(index=False, float_format="%.3f"))
    if args.plot:
        cumulative_incidence(rs, outcome="law", stacked=True).savefig(args.plot)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
