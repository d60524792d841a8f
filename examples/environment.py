"""Environmental treaties: world society or national wealth? (Frank, Hironaka & Schofer 2000)

Run: ``python examples/environment.py [figure.png]``. The same analysis is
``python -m diffusion replicate environment``; this script shows the pieces: the nine
agreements' ratification tables, risk sets built per agreement with exposures computed
within each, the stacked panel with agreement-specific baselines, and the fit.
"""

from __future__ import annotations

import sys

from diffusion import DiscreteTimeHazard, datasets
from diffusion.replications import environment as env


def main() -> None:
    table = datasets.load_environmental_treaties()
    print(table.groupby("treaty")["year"].agg(["count", "min", "max"]), "\n")
    stacked, by_treaty, regions, notes = env.stacked_risk_set()
    print(f"stacked: {stacked.n_obs} state-agreement-years, {stacked.n_events} ratifications")
    res = DiscreteTimeHazard.from_formula(f"event ~ {env.TERMS} + C(treaty)", stacked,
                                          link="cloglog", time="cubic").fit(cluster="cown")
    print(res.summary())
    print("Embeddedness: COW IGO memberships and environmental agreements joined "
          "(UIA INGO counts are proprietary and not used).")
    if len(sys.argv) > 1:
        from diffusion.report.plots import cumulative_adoption

        fig = cumulative_adoption(by_treaty["UNFCCC"], regions,
                                  title="UNFCCC: share of existing states that ratified")
        fig.savefig(sys.argv[1], dpi=120)
        print(f"figure written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
