"""Write the cascade inputs of ``netinf.R`` (``tests/reference/inputs/netinf_*.csv``).

Run from the repository root::

    python tests/reference/netinf_make_inputs.py

then regenerate the reference outputs with ``Rscript tests/reference/netinf.R``.

The CSV files are the fixtures: the tests read them back, so nothing here is re-run by
the tests. Columns: ``unit, cascade, time`` (one row per adoption).

netinf_tiny
    Three cascades of four units (the hand-computed case of ``tests/test_inferred.py``).
netinf_random
    20 cascades over 10 units with whole-number times 0-11 (many ties), seed 11: the
    units ``u0..u9`` adopt in a random subset of each cascade. Lower-case labels, so
    that R's (locale-dependent) sort and Python's agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    out = HERE / "inputs"
    out.mkdir(exist_ok=True)
    tiny = pd.DataFrame({"unit": list("abcacbdab"), "cascade": [1, 1, 1, 2, 2, 2, 3, 3, 3],
                         "time": [1, 2, 4, 1, 3, 5, 1, 2, 3]})
    tiny.to_csv(out / "netinf_tiny.csv", index=False)
    rng = np.random.default_rng(11)
    rows = []
    for c in range(20):
        adopters = rng.choice(10, size=int(rng.integers(2, 11)), replace=False)
        rows += [(f"u{u}", f"p{c:02d}", int(rng.integers(0, 12))) for u in adopters]
    pd.DataFrame(rows, columns=["unit", "cascade", "time"]).to_csv(
        out / "netinf_random.csv", index=False)


if __name__ == "__main__":
    main()
