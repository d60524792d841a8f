"""Science-policy bureaucracies, 1945-1990 (Finnemore 1993).

Finnemore, M. (1993). International organizations as teachers of norms: the United
Nations Educational, Scientific, and Cultural Organization and science policy.
*International Organization* 47(4): 565-597.

Claim: states created national science-policy bodies on UNESCO's model, in a world-wide
wave that peaked in 1962, whatever their domestic demand -- adoption was unrelated to
GDP per capita, science capacity or defence spending (pp. 571-575; her test is a set of
histograms of those indicators at adoption, not a regression).

Design (fixed in advance):

* COW members at risk from 1945 (or their entry) to 1990 of their first national
  science-policy body (:func:`diffusion.datasets.load_science_policy`, one cited row per
  state). States with no row -- no founding year found -- leave the risk set and are
  counted in the notes; a state with a documented "none by YEAR" is at risk until then.
  Bodies created before 1945 or before independence count as adopters for their peers;
* ``world``: share of all members that had a body by t-1; ``regional``: share of the
  other members of the COW region that had one by t-1 (regional density);
* ``unesco``: 1 from 1960, the year UNESCO's General Conference (11th session) initiated
  its science-policy programme (UNESCO, *Science policy studies and documents*, series
  preface: "a programme initiated by the General Conference of Unesco at its eleventh
  session in 1960");
* domestic demand: log GDP per capita (Maddison) lagged one year. Science capacity (R&D
  spending, scientists) and military burden are not in the bundled data: the report
  says so;
* discrete-time cloglog with a cubic in duration since entry, SEs clustered by country.

Variant ``reliable``: the same model on the rows of states whose year is high or
medium confidence and not an upper bound. Jang (2000) is not replicated: the ministry
years are verified for too few states, and a blank ministry year does not mean "no
ministry", so no risk set can be formed (stated in the report).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import regional_density, world_share
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES

__all__ = ["run", "build_risk_set", "finnemore_facts", "START", "END", "UNESCO_PROGRAMME"]

START, END = 1945, 1990
#: UNESCO's General Conference initiated its science-policy programme in 1960
UNESCO_PROGRAMME = 1960
#: milestones drawn on the adoption curve, each as read in its source
MILESTONES = {
    1945: ("UNESCO founded", "V. V. Krishna, 'Scientific Research in Developing Countries "
           "and UNESCO' (portal.unesco.org): \"The birth of UNESCO in 1945\""),
    1960: ("UNESCO science-policy programme", "UNESCO, Science policy studies and documents, "
           "series preface: \"a programme initiated by the General Conference of Unesco at "
           "its eleventh session in 1960\""),
    1963: ("UN conference on science and technology", "K.-H. Standke, 'Sixty years of UN and "
           "UNESCO', Science and Public Policy 33(9): \"The 1963 UN Conference\""),
}
FORMULA = "event ~ world + regional + unesco + log_gdppc"
#: the countries Finnemore (1993, p. 575) names as adopting in the peak year 1962
PEAK_1962 = ("Bulgaria", "Czechoslovakia", "El Salvador", "Federal Republic of Germany",
             "Indonesia", "Italy", "Lebanon", "Mali", "Pakistan", "Sweden")
_PEAK_COWN = {"Bulgaria": 355, "Czechoslovakia": 315, "El Salvador": 92,
              "Federal Republic of Germany": 260, "Indonesia": 850, "Italy": 325,
              "Lebanon": 660, "Mali": 432, "Pakistan": 770, "Sweden": 380}


def build_risk_set(*, reliable_only: bool = False) -> tuple[RiskSet, pd.DataFrame, list[str]]:
    """The science-policy risk set: ``(risk_set, regions, notes)``."""
    notes: list[str] = []
    table = datasets.load_science_policy()
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    active = spells[(spells["end"] >= START) & (spells["start"] <= END)]
    members = set(active["cown"])
    known = table.dropna(subset=["cown"]).astype({"cown": "int64"})
    if reliable_only:
        dropped = known[known["confidence"].eq("low") | known["upper_bound"]]
        notes.append(f"variant 'reliable': {len(dropped)} state(s) with a low-confidence or "
                     f"upper-bound year leave the risk set.")
        known = known.drop(dropped.index)
    covered = set(known["cown"])
    unknown = sorted(members - covered)
    notes.append(f"{len(unknown)} of the {len(members)} COW members of {START}-{END} have no "
                 f"founding year in the table (no source found) and leave the risk set; "
                 f"they are not coded as non-adopters.")
    # a documented "none by YEAR" keeps a state at risk until that year only
    none_by = known.dropna(subset=["none_by"]).set_index("cown")["none_by"].astype(int)
    keep = active[active["cown"].isin(covered)].copy()
    cut = keep["cown"].map(none_by)
    keep["end"] = np.where(cut.notna(), np.minimum(keep["end"], cut.fillna(0)), keep["end"])
    keep = keep[keep["end"] >= keep["start"]].astype({"end": "int64"})
    events = known.dropna(subset=["year"])[["cown", "year"]].astype("int64")
    events = events[events["cown"].isin(set(keep["cown"]))]
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna()
    regions = regions.astype({"cown": "int64"}).drop_duplicates("cown")
    regions = regions[regions["cown"].isin(set(spells["cown"]))]
    cov = datasets.load_covariates()[["cown", "year", "gdppc"]].dropna(subset=["cown"])
    cov = pd.DataFrame({"cown": cov["cown"].astype("int64"), "year": cov["year"],
                        "log_gdppc": np.log(cov["gdppc"].astype(float))})
    rs = (RiskSet.from_events(events, unit="cown", time="year", membership=keep,
                              start=START, end=END, outside="censor")
          .with_covariates(cov, lag=1)
          .with_exposure("world", world_share())
          .with_exposure("regional", regional_density(regions))
          .assign(unesco=lambda f: (f["year"] >= UNESCO_PROGRAMME).astype(float)))
    notes.append("Domestic demand is measured by GDP per capita only: science capacity "
                 "(R&D spending, scientists and engineers) and military burden, which "
                 "Finnemore also examines, are not in the bundled data.")
    notes.append("Exposure denominators count the states in the risk set's membership "
                 "(those with a known year), not every state of the system.")
    return rs, regions.rename(columns={"cow_region": "region"}), notes


def finnemore_facts() -> pd.DataFrame:
    """Finnemore's stated facts beside the bundled table's values."""
    table = datasets.load_science_policy().dropna(subset=["cown"]).astype({"cown": "int64"})
    year = table.set_index("cown")["year"]
    years = table["year"].dropna().astype(int)
    counts = years.value_counts()
    peak = int(counts.idxmax())
    rows = [
        ("first adopter: Britain, 1915 (p. 574)", "Britain 1915",
         f"{table.loc[table['year'].idxmin(), 'country']} {int(years.min())}"),
        ("United States: National Science Foundation, 1950 (p. 574)", "1950",
         _show(year.get(2))),
        ("peak adoption year: 1962 (p. 575)", "1962",
         f"{peak} ({int(counts.max())} states; 1962: {int(counts.get(1962, 0))})"),
    ]
    for name in PEAK_1962:
        rows.append((f"{name} created its first body in 1962 (p. 575)", "1962",
                     _show(year.get(_PEAK_COWN[name]))))
    later = int(years.between(1963, 1982).sum())
    rows.append(("more than a hundred other states created one in the subsequent twenty "
                 "years (p. 575)", "> 100", f"{later} in 1963-1982 (of the states covered)"))
    out = pd.DataFrame(rows, columns=["Finnemore (1993)", "stated", "bundled table"])
    out["agrees"] = [_agrees(s, d) for s, d in zip(out["stated"], out["bundled table"])]
    return out.set_index("Finnemore (1993)")


def _show(value) -> str:
    return "no year" if value is None or pd.isna(value) else str(int(value))


def _agrees(stated: str, found: str) -> str:
    if stated.startswith(">"):
        return "yes" if int(found.split()[0]) > int(stated[1:]) else "no"
    return "yes" if found.split(" (")[0].endswith(stated.split()[-1]) else "no"


def run() -> Replication:
    """Fit the science-policy models and compare with Finnemore (1993)."""
    rs, regions, notes = build_risk_set()
    reliable, _, reliable_notes = build_risk_set(reliable_only=True)
    results = {
        "main": DiscreteTimeHazard.from_formula(FORMULA, rs, link="cloglog",
                                                time="cubic").fit(),
        "reliable": DiscreteTimeHazard.from_formula(FORMULA, reliable, link="cloglog",
                                                    time="cubic").fit(),
    }
    claims = (
        Claim("world", "states adopt as the world-wide prevalence of the model rises", +1),
        Claim("unesco", "adoption rises once UNESCO promotes science-policy bodies", +1),
        Claim("log_gdppc", "adoption is unrelated to GDP per capita", 0),
    )
    from diffusion.report.plots import cumulative_adoption

    fig = cumulative_adoption(
        rs, regions, title="Science-policy bodies: share of existing states, 1945-1990")
    ax = fig.axes[0]
    for year, (label, _) in MILESTONES.items():
        ax.axvline(year, color="grey", linestyle=":", linewidth=1)
        ax.annotate(label, (year, 0.02), xycoords=("data", "axes fraction"), rotation=90,
                    va="bottom", ha="right", fontsize=7, color="grey")
    facts = finnemore_facts()
    agree = int((facts["agrees"] == "yes").sum())
    notes = [*notes, f"Finnemore's stated facts: {agree} of {len(facts)} agree with the "
             f"bundled table (see the table above).", reliable_notes[0],
             "Jang (2000), ministries of science and technology: not replicated. Ministry "
             "years are verified for too few states, and a blank year does not mean 'no "
             "ministry', so no risk set can be formed.",
             "Milestones on the figure: " + "; ".join(
                 f"{y} {label} ({source})" for y, (label, source) in MILESTONES.items())]
    return Replication(
        name="science_policy",
        title="Science-policy bureaucracies, 1945-1990 (Finnemore 1993)",
        citation=("Finnemore (1993), International Organization 47(4):565-597; Jang (2000), "
                  "Sociological Perspectives."),
        design=(f"COW members {START}-{END} at risk of a first national science-policy body "
                f"(cited per state; states without a known year leave the risk set); "
                f"cloglog with a cubic in duration, SEs clustered by country; world share "
                f"and regional density of bodies (t-1), UNESCO era (from "
                f"{UNESCO_PROGRAMME}), log GDP per capita (t-1)."),
        claims=claims,
        results=results,
        data_notes=tuple(notes),
        figure=fig,
        published=STUDIES["science_policy"],
        tables={"Finnemore's stated facts beside the bundled table:": facts},
    )
