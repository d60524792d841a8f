"""Write the inputs of ``equivalence.R`` (``tests/reference/inputs/equivalence_*.csv``).

Run from the repository root::

    python tests/reference/equivalence_make_inputs.py

then regenerate the reference outputs with ``Rscript tests/reference/equivalence.R``.

equivalence_doctors
    The 125 Medical Innovation doctors (bundled ``data/medical_innovation.csv``):
    ``doctor, city, toa`` with netdiffuseR's coding (18 = not adopted by month 17).
equivalence_ties
    Their nominations of surveyed colleagues, one row per nomination (a colleague named
    in several networks appears several times, as in netdiffuseR's valued graph):
    ``ego, alter``.
equivalence_random
    Three random directed graphs on 15 nodes (``graph, ego, alter``), seed 3, with
    isolates and unreachable pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from diffusion.datasets import load_medical_innovation, load_medical_innovation_ties

HERE = Path(__file__).resolve().parent


def main() -> None:
    out = HERE / "inputs"
    out.mkdir(exist_ok=True)
    doctors = load_medical_innovation()
    doctors[["doctor", "city", "toa_original"]].rename(columns={"toa_original": "toa"}).to_csv(
        out / "equivalence_doctors.csv", index=False)
    ties = load_medical_innovation_ties()
    ties.loc[ties["alter_surveyed"], ["ego", "alter"]].to_csv(
        out / "equivalence_ties.csv", index=False)
    rng = np.random.default_rng(3)
    rows = []
    for g in range(3):
        for _ in range(18 + 6 * g):
            a, b = rng.integers(0, 15, 2)
            if a != b:
                rows.append((g, f"n{a:02d}", f"n{b:02d}"))
    pd.DataFrame(rows, columns=["graph", "ego", "alter"]).drop_duplicates().to_csv(
        out / "equivalence_random.csv", index=False)


if __name__ == "__main__":
    main()
