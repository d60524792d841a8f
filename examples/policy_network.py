"""Does a new state policy travel along the pathways of earlier ones? (DHB-style analysis)

Run: ``python examples/policy_network.py``. Desmarais, Harden & Boehmke (2015) infer
who-follows-whom networks among the US states from the order in which they adopted
earlier policies, and use them as the ties of network exposure. Here the policy is the
anti-bullying programme (SPID ``antibully``, 1999-2015); the network of each year is
inferred with NetInf from every *other* SPID policy adopted in the 35 years up to that
year, so the exposure of year ``t`` uses only what had happened by ``t - 1``.
"""

from __future__ import annotations

from diffusion import DiscreteTimeHazard, RiskSet, datasets
from diffusion.exposure import infer_networks, network, world_share

POLICY, START, END = "antibully", 1999, 2015


def main() -> None:
    spid = datasets.load_spid()
    mine = spid.loc[spid["policy"] == POLICY, ["state_abbr", "year"]]
    others = spid[spid["policy"] != POLICY]
    # one network per year, from the 35 years of other adoptions up to that year
    ties = infer_networks(others, range(START - 1, END), window=35, unit="state_abbr",
                          cascade="policy", time="year", n_edges=300)
    rs = (RiskSet.from_events(mine, unit="state_abbr", time="year",
                              units=spid["state_abbr"].unique(), start=START, end=END)
          .with_exposure("pathways", network(ties, time="year"))
          .with_exposure("world", world_share()))
    res = DiscreteTimeHazard.from_formula("event ~ pathways + world", rs, link="logit",
                                          time="cubic").fit()
    print(res.summary())
    print(f"\nNetwork of {END - 1}: {int((ties['year'] == END - 1).sum())} edges inferred from "
          f"{others['policy'].nunique()} other policies.")


if __name__ == "__main__":
    main()
