"""Domestic-violence laws in Latin America and the Belém do Pará Convention (Hawkins & Humes 2002).

Hawkins, D. & Humes, M. (2002). Human rights and domestic violence. *Political
Science Quarterly* 117(2): 231-257.

Claim: Latin American states adopted laws against domestic violence after the 1994
Belém do Pará Convention, whatever their domestic politics.

Design (small N: 20 countries; read the intervals, not the stars):

* the 20 Latin American states (Spanish-, Portuguese- and French-speaking, members of
  the COW system), at risk 1990-2016 of their first **national** law on domestic
  violence (``load_domestic_violence_laws()``: the OAS Inter-American Commission of
  Women's list, each year cited). A state with no national law found (Mexico: only the
  Federal District's 1996 law; Cuba and Haiti: none found) is censored at 2016;
  the variant ``mexico_1996`` counts Mexico from the Federal District law;
* ``belem``: 1 once the state had ratified the convention by t-1
  (``load_belem_do_para()``); ``regional``: share of the other Latin American states
  with a law by t-1; ``polity2`` and log GDP per capita lagged one year;
* discrete-time cloglog, SEs clustered by country.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import regional_density
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES

__all__ = ["run", "LATIN_AMERICA"]

LATIN_AMERICA = ("ARG", "BOL", "BRA", "CHL", "COL", "CRI", "CUB", "DOM", "ECU", "SLV", "GTM",
                 "HTI", "HND", "MEX", "NIC", "PAN", "PRY", "PER", "URY", "VEN")
START, END = 1990, 2016
#: COW code of Mexico, whose only dated law is the Federal District's (1996)
MEXICO = 70


def run() -> Replication:
    """Fit the Belém do Pará model."""
    regions = datasets.load_regions().dropna(subset=["iso3", "cown"])
    codes = regions[regions["iso3"].isin(LATIN_AMERICA)].drop_duplicates("iso3")
    cown = set(codes["cown"].astype(int))
    spells = datasets.load_state_system(system="cow")
    spells = spells[spells["cown"].isin(cown)][["cown", "start", "end"]]
    laws = datasets.load_domestic_violence_laws()
    laws = laws[laws["cown"].isin(cown) & laws["year"].notna()]
    events = laws[["cown", "year"]].astype("int64")
    belem = datasets.load_belem_do_para()
    belem = belem[belem["cown"].isin(cown)].set_index("cown")["year"]
    years = np.arange(START - 5, END + 1)
    grid = pd.DataFrame([(c, y) for c in sorted(cown) for y in years], columns=["cown", "year"])
    grid["belem"] = (grid["year"] >= grid["cown"].map(belem).fillna(np.inf)).astype(float)
    cov = datasets.load_covariates()[["cown", "year", "polity2", "gdppc"]].dropna(subset=["cown"])
    cov = cov.astype({"cown": "int64"})
    cov = cov[cov["cown"].isin(cown)]
    grid = grid.merge(pd.DataFrame({"cown": cov["cown"], "year": cov["year"],
                                    "polity2": cov["polity2"].astype(float),
                                    "log_gdppc": np.log(cov["gdppc"].astype(float))}),
                      on=["cown", "year"], how="left")
    group = pd.DataFrame({"cown": sorted(cown), "region": "Latin America"})

    def risk_set(ev: pd.DataFrame) -> RiskSet:
        return (RiskSet.from_events(ev, unit="cown", time="year", membership=spells,
                                    start=START, end=END, outside="censor")
                .with_covariates(grid, lag=1)
                .with_exposure("regional", regional_density(group)))

    rs = risk_set(events)
    formula = "event ~ belem + regional + polity2 + log_gdppc"
    mexico = pd.DataFrame({"cown": [MEXICO], "year": [1996]})
    results = {
        "main": DiscreteTimeHazard.from_formula(formula, rs, link="cloglog").fit(),
        "belem_only": DiscreteTimeHazard.from_formula("event ~ belem", rs, link="cloglog").fit(),
        "mexico_1996": DiscreteTimeHazard.from_formula(
            formula, risk_set(pd.concat([events, mexico], ignore_index=True)),
            link="cloglog").fit(),
    }
    claims = (Claim("belem", "states adopted laws after ratifying Belém do Pará", +1),
              Claim("belem", "the same with Mexico counted from the Federal District's 1996 "
                    "law", +1, model="mexico_1996"))
    names = datasets.load_domestic_violence_laws().set_index("cown")["country"]
    never = [str(names.get(c, c)) for c in sorted(set(cown) - set(events["cown"]))]
    notes = (f"{len(cown)} Latin American states; {len(events)} have a first national "
             f"domestic-violence law in load_domestic_violence_laws(); censored at {END} "
             f"(no national law found): {', '.join(never)}.",
             "Small N: with about 20 countries the estimates are imprecise.",
             "Belém do Pará years were compiled by hand from the OAS status table; El "
             "Salvador counts from its 1996 deposit (see data/belem_do_para.md).",
             "The law years were compiled from public sources, not from Hawkins & Humes' "
             "own coding, which could not be read (see data/domestic_violence_laws.md).")
    return Replication(
        name="domestic_violence",
        title="Domestic-violence laws in Latin America, 1990-2016 (Hawkins & Humes 2002)",
        citation="Hawkins & Humes (2002), Political Science Quarterly 117(2):231-257.",
        design=("20 Latin American states at risk 1990-2016 of a first national "
                "domestic-violence law (OAS CIM list, cited per country); "
                "cloglog, SEs clustered by country; Belém do Pará ratification by t-1, "
                "regional density of laws, Polity2, log GDP per capita (lagged one year)."),
        claims=claims,
        results=results,
        data_notes=notes,
        published=STUDIES["domestic_violence"],
    )
