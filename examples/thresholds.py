"""Network thresholds of the Medical Innovation doctors (Coleman, Katz & Menzel 1966).

Run: ``python examples/thresholds.py [figure.png]``. Valente (1996) reads a doctor's
*network threshold* as the share of the colleagues he named who had prescribed
tetracycline by the month he first did. Low-threshold doctors adopted while few of their
contacts had; a late adopter with a low threshold was slow although his contacts were
not (Valente's "isolates" of his personal network). The 16 doctors who had not
prescribed by month 17 are non-adopters here (netdiffuseR codes them as month 18).
"""

from __future__ import annotations

import sys

from diffusion import RiskSet, datasets
from diffusion.exposure import network, thresholds
from diffusion.report import threshold_plot


def main(figure: str | None = None) -> None:
    doctors = datasets.load_medical_innovation()
    ties = datasets.load_medical_innovation_ties()
    # nominations of surveyed colleagues, any of the three networks: a tie from the
    # colleague named (source of influence) to the doctor who named him
    named = ties.loc[ties["alter_surveyed"], ["ego", "alter"]].drop_duplicates()
    adopters = doctors.dropna(subset=["month"])
    rs = RiskSet.from_events(adopters, unit="doctor", time="month",
                             units=doctors["doctor"], start=1, end=17)
    res = thresholds(rs, network(named, source="alter", target="ego"))

    table = res.table
    print(f"{res.n_adopters} adopters of {res.n_units} doctors; "
          f"mean threshold {table['threshold'].mean():.3f}")
    print("cut-offs (mean - sd, mean, mean + sd):")
    for axis, cut in res.cutoffs.items():
        print(f"  {axis:9s} " + "  ".join(f"{c:.3f}" for c in cut))
    print("\nadopters by time of adoption (rows) and threshold (columns):")
    print(res.crosstab().to_string())
    corr = table["month"].corr(table["threshold"], method="spearman")
    print(f"\nSpearman correlation of month and threshold: {corr:.3f}")
    units = res.units.dropna(subset=["month"])
    print("\nmost susceptible adopters (K = 1, normalised):")
    print(units.nlargest(5, "susceptibility").to_string(index=False))
    for note in res.notes:
        print(f"note: {note}")
    if figure:
        threshold_plot(res).savefig(figure, dpi=120)
        print(f"\nwrote {figure}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
