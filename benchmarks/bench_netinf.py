"""Benchmark of network inference (NetInf): diffusion vs R NetworkInference.

Run with ``python benchmarks/bench_netinf.py [--repeat 3] [--no-r]`` (after
``pip install .``). On the 187 policies of Desmarais, Harden & Boehmke (2015)
(``load_dhb_policies``: 6,196 adoptions by the 50 states) it times

* ``infer_network(..., n_edges=300)`` on all the cascades (exponential, rate 0.5);
* ``infer_networks(..., years=1960-2009, window=35, n_edges=300)``: DHB's 50 yearly
  networks;
* R ``NetworkInference::netinf(cascades, n_edges = 300, params = 0.5)`` on all the
  cascades, when ``Rscript`` and the package are installed (only the ``netinf`` call
  is timed, inside R);

and prints the median wall time of ``--repeat`` runs after one untimed warm-up, the
ratio, and whether the edges agree.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from _timing import timed

from diffusion.datasets import load_dhb_policies
from diffusion.exposure import infer_network, infer_networks

R_CODE = r"""
suppressPackageStartupMessages(library(NetworkInference))
invisible(Sys.setlocale("LC_COLLATE", "C"))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
cas <- as_cascade_long(data.frame(node_name = d$state, event_time = d$year,
                                  cascade_id = d$policy),
                       node_names = sort(unique(d$state)))
reps <- as.integer(args[2])
times <- numeric(reps)
invisible(netinf(cas, n_edges = 300, params = 0.5, quiet = TRUE))
for (i in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]
  out <- netinf(cas, n_edges = 300, params = 0.5, quiet = TRUE)
  times[i] <- proc.time()[["elapsed"]] - t0
}
cat(median(times), "\n")
cat(paste(out$origin_node, out$destination_node, sep = ">"), sep = "\n")
"""




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-r", action="store_true", help="skip R")
    args = parser.parse_args()
    policies = load_dhb_policies()
    cols = {"unit": "state", "cascade": "policy", "time": "year"}
    t_one, net = timed(lambda: infer_network(policies, n_edges=300, params=0.5, **cols),
                       args.repeat, warm_up=True)
    print(f"{len(policies):,} adoptions, {policies['policy'].nunique()} cascades, "
          f"{net.n_possible_edges:,} possible edges; median of {args.repeat}")
    print(f"  diffusion infer_network, 300 edges        {t_one:8.3f} s")
    t_years, yearly = timed(lambda: infer_networks(policies, range(1960, 2010), window=35,
                                                   n_edges=300, params=0.5, **cols),
                            args.repeat, warm_up=True)
    print(f"  diffusion infer_networks, 50 years        {t_years:8.3f} s "
          f"({len(yearly):,} edges)")
    rscript = shutil.which("Rscript")
    if args.no_r or rscript is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        data, script = Path(tmp) / "d.csv", Path(tmp) / "bench.R"
        policies.to_csv(data, index=False)
        script.write_text(R_CODE)
        proc = subprocess.run([rscript, str(script), str(data), str(args.repeat)],
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"  R NetworkInference: not run ({proc.stderr.strip().splitlines()[-1]})")
        return
    lines = proc.stdout.split("\n")
    t_r = float(lines[0])
    r_edges = [tuple(line.split(">")) for line in lines[1:] if line]
    same = r_edges == list(zip(net.edges["source"], net.edges["target"]))
    print(f"  R netinf, 300 edges                       {t_r:8.3f} s   ratio "
          f"{t_r / t_one:6.1f}x   same edges: {same}")


if __name__ == "__main__":
    main()
