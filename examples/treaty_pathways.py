"""Do states ratify CEDAW after the states they followed on earlier human-rights treaties?

Run: ``python examples/treaty_pathways.py``. The CEDAW design of
``python -m diffusion replicate cedaw`` (COW members 1980-2016; regional and world
ratification shares, IGO memberships, Polity2 and GDP; cloglog with a cubic in
duration, SEs clustered by country) plus exposure through an *inferred* network: for
each year, NetInf reads who-follows-whom from the ratifications of the other 17 UN
human-rights treaties in the 30 years up to that year (500 edges), and a state's
exposure in year ``t`` is the share of the states it follows that had ratified CEDAW
by ``t - 1``. The network uses no ratification after ``t - 1``.
"""

from __future__ import annotations

from diffusion import DiscreteTimeHazard, datasets
from diffusion.exposure import infer_networks, network
from diffusion.replications.treaties import treaty_risk_set


def main() -> None:
    ratifications = datasets.load_treaty_ratifications().dropna(subset=["cown"])
    others = ratifications[ratifications["treaty"] != "CEDAW"].astype({"cown": "int64"})
    ties = infer_networks(others, range(1979, 2016), window=30, unit="cown",
                          cascade="treaty", time="year", n_edges=500)
    rs, _, _ = treaty_risk_set("CEDAW")
    rs = rs.with_exposure("pathways", network(ties, time="year"))
    formula = "event ~ regional + world + igo + polity2 + log_gdppc + pathways"
    res = DiscreteTimeHazard.from_formula(formula, rs, link="cloglog", time="cubic").fit()
    print(res.summary())
    print(f"\n{ties['year'].nunique()} yearly networks of {len(ties) // ties['year'].nunique()} "
          f"edges, from {others['treaty'].nunique()} other treaties.")


if __name__ == "__main__":
    main()
