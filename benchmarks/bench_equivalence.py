"""Benchmark of structural equivalence: diffusion vs R netdiffuseR ``struct_equiv``.

Run with ``python benchmarks/bench_equivalence.py [--nodes 125 500 1000] [--repeat 3]
[--no-r]`` (after ``pip install .``). For each size it draws a random directed network
(three nominations per node, as the Medical Innovation survey) and times
``structural_equivalence(ties, units=...)`` (exact geodesics) and, when ``Rscript`` and
netdiffuseR are installed, ``struct_equiv(graph)`` inside R (paths of at most 6 steps,
its default; only the call is timed). It prints the median wall time after one
untimed warm-up and the ratio. netdiffuseR's distance step builds matrices of
``n(n-1)/2 x n`` numbers, so R is only run up to ``--r-max`` nodes (default 500).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import timed

from diffusion.exposure import structural_equivalence

R_CODE = r"""
suppressPackageStartupMessages({library(netdiffuseR); library(Matrix)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); n <- as.integer(args[2]); reps <- as.integer(args[3])
g <- sparseMatrix(i = d$ego + 1, j = d$alter + 1, x = 1, dims = c(n, n))
invisible(struct_equiv(g))
times <- numeric(reps)
for (i in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]; invisible(struct_equiv(g))
  times[i] <- proc.time()[["elapsed"]] - t0
}
cat(median(times), "\n")
"""


def ties(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ego = np.repeat(np.arange(n), 3)
    alter = rng.integers(0, n, size=3 * n)
    keep = ego != alter
    return pd.DataFrame({"ego": ego[keep], "alter": alter[keep]}).drop_duplicates()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[125, 500, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-r", action="store_true", help="skip R")
    parser.add_argument("--r-max", type=int, default=500,
                        help="largest network given to R (its distance step builds "
                             "n(n-1)/2 x n matrices: about 8 GB at 1000 nodes)")
    args = parser.parse_args()
    rscript = None if args.no_r else shutil.which("Rscript")
    for n in args.nodes:
        t = ties(n)
        ours, _ = timed(lambda t=t, n=n: structural_equivalence(
            t, units=range(n), source="alter", target="ego"), args.repeat, warm_up=True)
        line = f"{n:6d} nodes, {len(t):6d} ties   diffusion {ours:8.3f} s"
        if rscript and n > args.r_max:
            line += f"   R: skipped above --r-max {args.r_max}"
        elif rscript:
            with tempfile.TemporaryDirectory() as tmp:
                data, script = Path(tmp) / "t.csv", Path(tmp) / "b.R"
                t.to_csv(data, index=False)
                script.write_text(R_CODE)
                proc = subprocess.run([rscript, str(script), str(data), str(n),
                                       str(args.repeat)], capture_output=True, text=True,
                                      check=False)
            if proc.returncode == 0:
                r = float(proc.stdout.split()[0])
                line += f"   R struct_equiv {r:8.3f} s   ratio {r / ours:6.1f}x"
            else:
                why = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])
                line += f"   R: not run ({why[-1]})"
        print(line)


if __name__ == "__main__":
    main()
