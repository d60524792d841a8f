"""Pooled event history of all 728 SPID policies (Boehmke et al. 2020).

Run: ``python examples/spid_pooled.py [--topic "Health"]``.

Every state is at risk of every policy from the policy's first adoption (SPID's
convention) to 2017, until it adopts it: about 950,000 policy-state-years. Exposures
are computed within each policy:

* ``division``: share of the other states of the state's Census division that had
  adopted the same policy by ``t - 1`` (:func:`~diffusion.exposure.regional_density`);
* ``world``: share of all states that had adopted it by ``t - 1``
  (:func:`~diffusion.exposure.world_share`);
* ``pathways``: share of the state's sources in Desmarais, Harden & Boehmke's
  inferred diffusion network (the 35-year, 300-edge network of 2009, as static ties)
  that had adopted it by ``t - 1`` (:func:`~diffusion.exposure.network`). That network
  was inferred from adoptions of many of these same policies, so this term is
  descriptive, not a causal estimate.

The model is a cloglog hazard with policy and year effects absorbed, standard errors
clustered by state and by policy (two-way). The script prints the timings.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from diffusion import DiscreteTimeHazard, RiskSet
from diffusion.datasets import load_dhb_networks, load_spid, load_spid_policies
from diffusion.exposure import network, regional_density, world_share

# The nine Census divisions (U.S. Census Bureau, four regions with nine divisions since
# 1950). Each row as listed in the U.S. Energy Information Administration's Energy
# Glossary, entry "Census division" (read via energy.en-academic.com/626/Census_division),
# quoted per division:
DIVISIONS = {
    # "New England: Connecticut, Maine, Massachusetts, New Hampshire, Rhode Island, and Vermont"
    "New England": ["CT", "ME", "MA", "NH", "RI", "VT"],
    # "Middle Atlantic: New Jersey, New York, and Pennsylvania"
    "Middle Atlantic": ["NJ", "NY", "PA"],
    # "East North Central: Illinois, Indiana, Michigan, Ohio, and Wisconsin"
    "East North Central": ["IL", "IN", "MI", "OH", "WI"],
    # "West North Central: Iowa, Kansas, Minnesota, Missouri, Nebraska, North Dakota, and
    # South Dakota"
    "West North Central": ["IA", "KS", "MN", "MO", "NE", "ND", "SD"],
    # "South Atlantic: Delaware, District of Columbia, Florida, Georgia, Maryland, North
    # Carolina, South Carolina, Virginia, and West Virginia" (DC is not a SPID unit)
    "South Atlantic": ["DE", "FL", "GA", "MD", "NC", "SC", "VA", "WV"],
    # "East South Central: Alabama, Kentucky, Mississippi, and Tennessee"
    "East South Central": ["AL", "KY", "MS", "TN"],
    # "West South Central: Arkansas, Louisiana, Oklahoma, and Texas"
    "West South Central": ["AR", "LA", "OK", "TX"],
    # "Mountain: Arizona, Colorado, Idaho, Montana, Nevada, New Mexico, Utah, and Wyoming"
    "Mountain": ["AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY"],
    # "Pacific: Alaska, California, Hawaii, Oregon, and Washington"
    "Pacific": ["AK", "CA", "HI", "OR", "WA"],
}


def divisions() -> pd.DataFrame:
    """The Census division of each of the 50 states (``state_abbr``, ``division``)."""
    return pd.DataFrame([(s, d) for d, states in DIVISIONS.items() for s in states],
                        columns=["state_abbr", "division"])


def build(spid: pd.DataFrame) -> RiskSet:
    """The pooled risk set with the three exposures, timed."""
    states = sorted(spid["state_abbr"].unique())
    ties = load_dhb_networks("35y_300")
    ties = ties.loc[ties["year"] == 2009, ["source", "target"]]
    t0 = time.perf_counter()
    rs = RiskSet.from_events(spid, unit="state_abbr", time="year", process="policy",
                             units=states, end=2017)
    t1 = time.perf_counter()
    rs = (rs.with_exposure("division", regional_density(divisions()))
            .with_exposure("world", world_share())
            .with_exposure("pathways", network(ties)))
    t2 = time.perf_counter()
    print(f"risk set: {rs.n_obs:,} policy-state-years, {rs.n_events:,} adoptions, "
          f"{rs.frame['policy'].nunique()} policies; built in {t1 - t0:.2f} s, "
          f"exposures in {t2 - t1:.2f} s (total {t2 - t0:.2f} s)")
    return rs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", help="only the policies of one SPID topic, e.g. Health")
    args = parser.parse_args()
    spid = load_spid()
    if args.topic:
        topics = load_spid_policies().set_index("policy")["topic"]
        spid = spid[spid["policy"].map(topics) == args.topic]
    rs = build(spid)
    for note in rs.notes:
        print("note:", note)
    t0 = time.perf_counter()
    model = DiscreteTimeHazard.from_formula("event ~ division + world + pathways", rs,
                                            link="cloglog", absorb=["policy", "year"])
    res = model.fit(cluster=["state_abbr", "policy"])
    print(f"absorbed-effects cloglog fitted in {time.perf_counter() - t0:.2f} s\n")
    print(res.summary())


if __name__ == "__main__":
    main()
