"""Women's suffrage, 1890-1990 (Ramirez, Soysal & Shanahan 1997).

Ramirez, F. O., Soysal, Y. & Shanahan, S. (1997). The changing logic of political
citizenship: cross-national acquisition of women's suffrage rights, 1890 to 1990.
*American Sociological Review* 62(5): 735-745.

Design (fixed from the published study, not tuned):

* countries at risk 1890-1990 while members of the COW state system (spells with
  exits and re-entries); an adoption while out of the system censors the country
  when it left (``outside="censor"``); countries that granted suffrage before they
  entered (e.g. under colonial rule) are excluded from the rows but count as adopters
  for their peers;
* event: the year women won the national vote **on the same terms as men** -- the
  study's event (``load_suffrage(definition="equal_terms")``; each year cited in
  ``data/suffrage.md``). LIED's "virtually all women can vote" year and Paxton et
  al.'s year are alternatives, shown in the sensitivity table;
* ``regional5``: share of the other members of the country's COW region that
  adopted in the last five years (t-5 .. t-1); ``world``: share of all members
  that had adopted by t-1;
* ``post1930``: 1 from 1930 on, interacted with both diffusion terms (the study's
  claim is that the world-level logic took hold after 1930);
* discrete-time cloglog, standard errors clustered by country.

Variants: ``domestic`` adds log GDP per capita (Maddison) and Polity2, lagged one
year, on the rows where both exist (listwise deletion counted in the notes);
``cox`` is a Cox model on the duration clock (world share is a period-level term,
aliased with the baseline hazard under the calendar clock).

Sensitivity (:data:`SENSITIVITY`): the main model refitted under the LIED and Paxton
codings and under each documented alternative year of the contested cases (Portugal,
South Africa, Romania, Guatemala, the former French colonies), printed as one table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import regional_share, world_share
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES
from diffusion.results.hazard import HazardResults

__all__ = ["run", "build_risk_set", "adoption_years", "sensitivity", "SENSITIVITY"]

START, END = 1890, 1990


#: the main terms of the sensitivity table
SENSITIVITY_TERMS = ("regional5", "world:post1930")
#: codings of the sensitivity table: label -> (definition, {iso3 or "french": year})
SENSITIVITY: dict[str, tuple[str, dict[str, int]]] = {
    "equal terms (default)": ("equal_terms", {}),
    "LIED v6.8": ("lied", {}),
    "Paxton et al.": ("paxton", {}),
    "equal terms, Portugal 1976": ("equal_terms", {"PRT": 1976}),
    "equal terms, South Africa 1994": ("equal_terms", {"ZAF": 1994}),
    "equal terms, Romania 1946": ("equal_terms", {"ROU": 1946}),
    "equal terms, Guatemala 1945": ("equal_terms", {"GTM": 1945}),
    "equal terms, former French colonies 1946": ("equal_terms", {"french": 1946}),
}
FORMULA = "event ~ regional5 + world + post1930 + regional5:post1930 + world:post1930"


def adoption_years(definition: str = "equal_terms",
                   overrides: dict[str, int] | None = None) -> pd.DataFrame:
    """The suffrage table with ``year`` under ``definition`` and the given alternatives.

    ``overrides`` maps an ISO3 code to one of its documented alternative years
    (``alternatives_equal``); the key ``"french"`` sets every former French colony whose
    documented alternative is that year (1946: the vote under the 1946 French law, before
    the 1956 loi-cadre ended the women-only categories).
    """
    suff = datasets.load_suffrage(definition=definition)
    for key, year in (overrides or {}).items():
        alts = suff["alternatives_equal"].fillna("").astype(str).str.split(";")
        documented = alts.map(lambda a, y=year: str(y) in a)
        rows = (documented & suff["year"].eq(1956)) if key == "french" else (
            suff["iso3"].eq(key) & documented)
        if not rows.any():
            raise ValueError(f"{key} {year} is not a documented alternative year")
        suff.loc[rows, "year"] = year
    return suff


def build_risk_set(definition: str = "equal_terms", overrides: dict[str, int] | None = None
                   ) -> tuple[RiskSet, pd.DataFrame, list[str]]:
    """The suffrage risk set with exposures and covariates: ``(risk_set, regions, notes)``."""
    notes: list[str] = []
    suff = adoption_years(definition, overrides)
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    members = set(spells["cown"])
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna()
    regions = regions.astype({"cown": "int64"}).drop_duplicates("cown")
    regions = regions[regions["cown"].isin(members)]

    no_code = suff["cown"].isna() & suff["year"].notna()
    if no_code.any():
        notes.append(f"{int(no_code.sum())} suffrage adoption(s) belong to territories without "
                     f"a COW code and are outside the population: "
                     f"{', '.join(suff.loc[no_code, 'country'].astype(str).head(8))}.")
    ev = suff.dropna(subset=["cown", "year"])[["cown", "year"]].astype("int64")
    never_member = ~ev["cown"].isin(members)
    if never_member.any():
        notes.append(f"{int(never_member.sum())} adoption(s) by COW codes that were never "
                     f"members of the state system are outside the population: "
                     f"{sorted(ev.loc[never_member, 'cown'].tolist())}.")
        ev = ev.loc[~never_member]
    label = {"equal_terms": "equal-terms", "lied": "LIED", "paxton": "Paxton"}[definition]
    notes.append(f"{len(members - set(ev['cown']))} member state(s) have no {label} "
                 f"female-suffrage year and are censored at their last year at risk.")
    cov = datasets.load_covariates()[["cown", "year", "gdppc", "polity2"]].dropna(subset=["cown"])
    cov = cov.astype({"cown": "int64"})
    cov = pd.DataFrame({"cown": cov["cown"], "year": cov["year"],
                        "log_gdppc": np.log(cov["gdppc"].astype(float)),
                        "polity2": cov["polity2"].astype(float)})
    rs = (RiskSet.from_events(ev, unit="cown", time="year", membership=spells, start=START,
                              end=END, outside="censor")
          .with_covariates(cov, lag=1)
          .with_exposure("regional5", regional_share(regions, window=5))
          .with_exposure("world", world_share())
          .assign(post1930=lambda f: (f["year"] >= 1930).astype(float)))
    if definition == "equal_terms":
        in_rows = suff[suff["cown"].isin(set(rs.frame["cown"]))]
        low = in_rows[in_rows["confidence_equal"].eq("low")]
        notes.append(f"{len(low)} of the {len(in_rows)} countries with rows at risk have a "
                     f"low-confidence equal-terms year (a single list source; "
                     f"data/suffrage.md lists them): "
                     f"{', '.join(low['country'].astype(str))}.")
    return rs, regions.rename(columns={"cow_region": "region"}), notes


def sensitivity(main: HazardResults | None = None) -> pd.DataFrame:
    """The main model's diffusion terms under every coding of :data:`SENSITIVITY`.

    ``main``: the fit under the default coding, when the caller has it already.
    """
    rows = []
    for label, (definition, overrides) in SENSITIVITY.items():
        if main is not None and definition == "equal_terms" and not overrides:
            res = main
        else:
            rs, _, _ = build_risk_set(definition, overrides)
            res = DiscreteTimeHazard.from_formula(FORMULA, rs, link="cloglog").fit()
        row = {"coding": label, "N": res.n_obs, "events": res.n_events}
        for term in SENSITIVITY_TERMS:
            row[term] = (f"{res.params[term]:+.3f} ({res.std_errors[term]:.3f}) "
                         f"p={res.p_values[term]:.3f}")
        rows.append(row)
    return pd.DataFrame(rows).set_index("coding")


def run(*, cox: bool = True) -> Replication:
    """Fit the suffrage models and compare with Ramirez, Soysal & Shanahan (1997)."""
    rs, regions, notes = build_risk_set()
    formula = FORMULA
    results = {"main": DiscreteTimeHazard.from_formula(formula, rs, link="cloglog").fit()}
    results["domestic"] = DiscreteTimeHazard.from_formula(
        formula + " + log_gdppc + polity2", rs, link="cloglog").fit()
    if cox:
        from diffusion.models.cox import CoxHazard

        results["cox"] = CoxHazard.from_formula(
            "regional5 + world + regional5:post1930 + world:post1930", rs,
            clock="duration", ties="efron").fit(cov_type="cluster")
    claims = (
        Claim("regional5", "regional adoption in the past five years raises the rate", +1),
        Claim("world:post1930", "world-level effect stronger after 1930", +1),
    )
    from diffusion.report.plots import cumulative_adoption

    fig = cumulative_adoption(rs, regions,
                              title="Women's suffrage: share of existing states (COW), 1890-1990")
    return Replication(
        name="suffrage",
        title="Women's suffrage, 1890-1990 (Ramirez, Soysal & Shanahan 1997)",
        citation="Ramirez, Soysal & Shanahan (1997), American Sociological Review 62(5):735-745.",
        design=("COW members 1890-1990 at risk of the national vote for women on the same "
                "terms as men (equal-terms year, cited per country); cloglog, SEs clustered "
                "by country; regional 5-year adoption share (COW regions) and world share, "
                "each interacted with a post-1930 indicator."),
        claims=claims,
        results=results,
        data_notes=tuple(notes),
        figure=fig,
        published=STUDIES["suffrage"],
        tables={"Sensitivity of the main model to the coding of the event "
                "(coef (SE) p):": sensitivity(results["main"])},
    )
