"""Did states create science-policy bodies on UNESCO's model? (Finnemore 1993)

Run: ``python examples/science_policy.py [figure.png]``. The same analysis is
``python -m diffusion replicate science_policy``; this script shows the pieces: the
cited founding years, the risk set (states without a known year leave it, counted in
the notes), Finnemore's stated facts beside the data, and the model.
"""

from __future__ import annotations

import sys

from diffusion import DiscreteTimeHazard, datasets
from diffusion.replications import science_policy as sp


def main() -> None:
    table = datasets.load_science_policy()
    print(f"{len(table)} states with a cited founding year; confidence:",
          table["confidence"].value_counts().to_dict())
    print(sp.finnemore_facts().to_string(), "\n")

    rs, regions, notes = sp.build_risk_set()
    print(rs)
    for note in notes:
        print("note:", note)
    res = DiscreteTimeHazard.from_formula(sp.FORMULA, rs, link="cloglog", time="cubic").fit()
    print(res.summary())
    if len(sys.argv) > 1:
        rep = sp.run()
        rep.figure.savefig(sys.argv[1], dpi=120)
        print(f"figure written to {sys.argv[1]}")


if __name__ == "__main__":
    main()
