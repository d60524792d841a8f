"""Inferred policy networks and state lotteries (Desmarais, Harden & Boehmke 2015).

Desmarais, B. A., Harden, J. J. & Boehmke, F. J. (2015). Persistent policy pathways:
inferring diffusion networks in the American states. *American Political Science
Review* 109(2): 392-406. They infer yearly networks of "who follows whom" among the
states with NetInf from the adoption of 187 policies, and show that the states a
state follows in that network predict its adoption of a new policy beyond its
geographic neighbours; state lotteries (Berry & Berry 1990) are one of their cases.

Design (fixed in advance; our reading of the published design): Berry & Berry's
lottery probit (:mod:`diffusion.replications.lottery`, N = 857, classic SEs) plus the
share of a state's sources in the network of year ``t`` that had adopted a lottery by
``t - 1`` (:func:`diffusion.exposure.network`), once with the networks DHB published
(35-year windows, 300 edges) and once with networks inferred again here from the same
187 policies (:func:`diffusion.exposure.infer_networks`: the 35 years up to ``t - 1``,
300 edges, exponential model with NetworkInference's initial rate). A state's sources
outside the 48-state panel (Alaska, Hawaii) are ignored (counted in the notes). The
agreement between the two sets of networks (share of common edges) is reported.
"""

from __future__ import annotations

import numpy as np

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import infer_networks, network
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES
from diffusion.replications.lottery import FORMULA

__all__ = ["N_EDGES", "WINDOW", "run"]

WINDOW, N_EDGES = 35, 300


def run() -> Replication:
    """Fit the lottery probit with inferred-network exposure (published and re-inferred)."""
    panel = datasets.load_lottery()
    panel["party"] = panel["party"].astype("float64")
    rs = RiskSet.from_panel(panel, unit="state", time="year", event="adopt")
    years = range(int(panel["year"].min()) - 1, int(panel["year"].max()))
    # DHB's network of year t is inferred from adoptions up to t - 1: relabel it t - 1
    # (the last year of its window), so that with lag 1 row t reads it beside adoption
    # status in t - 1, as infer_networks' networks
    published = datasets.load_dhb_networks("35y_300")
    published = published.assign(year=published["year"] - 1)
    published = published[published["year"].isin(years)]
    policies = datasets.load_dhb_policies()
    inferred = infer_networks(policies, years, window=WINDOW, unit="state",
                              cascade="policy", time="year", n_edges=N_EDGES)
    rs = (rs.with_exposure("network_dhb", network(published, time="year"))
            .with_exposure("network_inferred", network(inferred, time="year")))
    results = {}
    for key, extra in (("main", " + network_dhb"), ("reinferred", " + network_inferred"),
                       ("neighbours_only", "")):
        model = DiscreteTimeHazard.from_formula(FORMULA + extra, rs, link="probit")
        results[key] = model.fit(cov_type="classic")
    overlap = _overlap(published, inferred, years)
    claims = (
        Claim("network_dhb", "states adopt when the states they follow in the inferred "
              "policy network have adopted", +1, "main"),
        Claim("network_inferred", "the same with the networks inferred again here", +1,
              "reinferred"),
    )
    return Replication(
        name="policy_networks",
        title="Inferred policy networks and state lotteries, 1964-1986 (DHB 2015)",
        citation=("Desmarais, Harden & Boehmke (2015), American Political Science Review "
                  "109(2):392-406; Berry & Berry (1990) for the lottery model."),
        design=(f"Berry & Berry's lottery probit (48 states, N = 857, classic SEs) plus the "
                f"share of a state's network sources that had adopted by t-1; networks of "
                f"{N_EDGES} edges from the {WINDOW} years before t, as published by DHB "
                f"('main') and inferred again with NetInf ('reinferred')."),
        claims=claims,
        results=results,
        data_notes=(
            (f"The re-inferred networks share {overlap.mean():.0%} of their edges with "
             f"DHB's (range {overlap.min():.0%}-{overlap.max():.0%} over {len(overlap)} "
             f"years); DHB's NetInf settings are not in the archive."),
            ("The archive does not say which state of a pair is the source; the direction "
             "used is the one NetInf recovers (data/dhb_networks.md)."),
            ("The lottery itself is one of the 187 policies; the network of year t uses "
             "only adoptions up to t - 1."),
        ),
        published=STUDIES["policy_networks"],
    )


def _overlap(published, inferred, years) -> np.ndarray:
    """Share of each year's published edges that the re-inferred network also has."""
    shares = []
    for year in years:
        a = published[published["year"] == year]
        b = inferred[inferred["year"] == year]
        if len(a):
            common = set(zip(a["source"], a["target"])) & set(zip(b["source"], b["target"]))
            shares.append(len(common) / len(a))
    return np.asarray(shares)
