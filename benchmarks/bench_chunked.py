"""Past one machine: the 18 UN human-rights treaties in country dyads, built and fitted in chunks.

Run with ``python benchmarks/bench_chunked.py`` (needs the ``scale`` extra: pyarrow, and
dask + distributed for ``--dask``). Options: ``--dir PATH`` (where the chunks go; default
a temporary directory), ``--treaties N`` (the first N treaties, for a smoke run),
``--dask`` (fit on a ``dask.distributed.LocalCluster`` as well), ``--in-memory`` (also
fit the same rows in memory, for the memory ratio; needs about 12 GB).

The risk set: for each treaty, every COW member from the treaty's first ratification to
2016 is at risk until it ratifies, and every other member in ``t - 1`` is a potential
source (``DyadRiskSet.from_events(..., sources="all")``): about 30 million
country-pair-years. Each treaty is one chunk; a chunk is built, given its covariates
(``source_ratified``: the source had ratified by ``t - 1``; ``since``: years since the
treaty's first ratification) and written to Parquet before the next one is built.

The model: ``event ~ source_ratified + since + C(treaty)``, cloglog, clustered by the
ratifying country (Volden 2006's dyadic emulation design).

Each phase runs in its own child process, which reports its peak resident memory as
the operating system counts it (``resource.getrusage(RUSAGE_SELF).ru_maxrss``): the
build, the chunked fit on this machine, and (with ``--dask``) the chunked fit on a
two-worker LocalCluster (the driver's peak, and the largest worker's, read as the
driver's ``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: per data set: the formula, the unit (cluster) column and the term reported
DATA = {
    "treaties": ("event ~ source_ratified + since + C(treaty)", "cown", "source_ratified"),
    "spid": ("event ~ source_adopted + since", "state", "source_adopted"),
}


def _write(chunks, directory: str) -> dict:
    """Write the chunks as they are built; rows, chunks, seconds and bytes on disk."""
    from diffusion import write_chunks

    t0 = time.perf_counter()
    store = write_chunks(chunks, directory, overwrite=True)
    return {"rows": store.total_rows, "chunks": len(store.files),
            "seconds": time.perf_counter() - t0,
            "bytes_on_disk": sum(p.stat().st_size for p in store.files)}


def build(directory: str, n_treaties: int) -> dict:
    import numpy as np
    import pandas as pd

    from diffusion import DyadRiskSet
    from diffusion.datasets import load_state_system, load_treaty_ratifications

    treaties = load_treaty_ratifications().dropna(subset=["cown"])
    spells = load_state_system(system="cow")[["cown", "start", "end"]]
    names = list(dict.fromkeys(treaties["treaty"]))[:n_treaties]

    def chunks():
        for name in names:
            ev = treaties.loc[treaties.treaty == name, ["cown", "year"]]
            first = int(ev["year"].min())
            d = DyadRiskSet.from_events(ev, unit="cown", time="year", membership=spells,
                                        start=first, end=2016, outside="censor",
                                        sources="all")
            f = d.frame
            ratified = ev.groupby("cown")["year"].min()
            src_year = f["source"].map(ratified).to_numpy(dtype=np.float64)
            year = f["year"].to_numpy()
            yield pd.DataFrame({
                "cown": f["cown"].to_numpy(dtype=np.int64),
                "source": f["source"].to_numpy(dtype=np.int64),
                "year": year.astype(np.int64),
                "event": f["event"].to_numpy(dtype=np.int64),
                "source_ratified": (src_year <= year - 1).astype(np.float64),
                "since": (year - first).astype(np.float64),
                "treaty": name})
            del d, f

    return _write(chunks(), directory)


def build_spid(directory: str, n_chunks: int) -> dict:
    """SPID's 728 policies in state dyads (every state a potential source): ~47M rows,
    written as ``n_chunks`` chunks of whole policies."""
    import numpy as np
    import pandas as pd

    from diffusion import DyadRiskSet
    from diffusion.datasets import load_spid

    spid = load_spid()
    states = sorted(spid.state_abbr.unique())
    policies = sorted(spid.policy.unique())
    adopted = spid.groupby(["policy", "state_abbr"])["year"].min()

    def chunks():
        for group in np.array_split(np.array(policies, dtype=object), n_chunks):
            ev = spid[spid.policy.isin(set(group))]
            d = DyadRiskSet.from_events(ev, unit="state_abbr", time="year", units=states,
                                        end=2017, process="policy", sources="all")
            f = d.frame
            key = pd.MultiIndex.from_arrays([f["policy"], f["source"]])
            src_year = adopted.reindex(key).to_numpy(dtype=np.float64)
            year = f["year"].to_numpy()
            first = f.groupby("policy")["year"].transform("min").to_numpy()
            yield pd.DataFrame({
                "state": f["state_abbr"].to_numpy(dtype=object),
                "year": year.astype(np.int64),
                "event": f["event"].to_numpy(dtype=np.int64),
                "source_adopted": (src_year <= year - 1).astype(np.float64),
                "since": (year - first).astype(np.float64)})
            del d, f

    return _write(chunks(), directory)


def fit(directory: str, where: str, data: str) -> dict:
    from diffusion import ChunkedDiscreteTimeHazard, open_chunks

    formula, unit, term = DATA[data]
    store = open_chunks(directory)
    t0 = time.perf_counter()
    if where == "dask":
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, memory_limit="6GB") as cluster, \
                Client(cluster):
            res = ChunkedDiscreteTimeHazard.from_formula(
                formula, dd.read_parquet(directory), link="cloglog", unit=unit).fit()
    elif where == "memory":
        import pandas as pd

        from diffusion.models.discrete_time.chunked import ChunkedDiscreteTimeHazard as C

        frame = pd.concat([store.read(i) for i in range(len(store.files))],
                          ignore_index=True)
        res = C.from_formula(formula, [frame], link="cloglog", unit=unit).fit()
    else:
        res = ChunkedDiscreteTimeHazard.from_formula(formula, store, link="cloglog",
                                                     unit=unit).fit()
    return {"seconds": time.perf_counter() - t0, "passes": res.extra["passes"],
            "n_obs": res.n_obs, "k": len(res.terms),
            "term": [term, float(res.params[term]), float(res.std_errors[term])]}


def _child(args: list[str]) -> tuple[dict, float]:
    """Run a phase in a child process; its result and its own peak RSS in GB (for
    Dask, the driver's; the largest worker's is in ``result["peak_children_kb"]``)."""
    out = subprocess.run([sys.executable, __file__, *args], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result, result["peak_self_kb"] / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None)
    parser.add_argument("--data", choices=sorted(DATA), default="treaties",
                        help="treaties: 18 UN treaties in country dyads (~7M rows); "
                             "spid: 728 SPID policies in state dyads (~47M rows)")
    parser.add_argument("--treaties", type=int, default=18)
    parser.add_argument("--chunks", type=int, default=24, help="chunks of SPID policies")
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--in-memory", action="store_true")
    parser.add_argument("--phase", choices=["build", "local", "dask", "memory"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "build":
            result = (build(args.dir, args.treaties) if args.data == "treaties"
                      else build_spid(args.dir, args.chunks))
        else:
            result = fit(args.dir, args.phase, args.data)
        # this process's peak, and its descendants' (Dask workers and nannies)
        result["peak_self_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["peak_children_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps(result))
        return
    directory = args.dir or str(Path(tempfile.mkdtemp()) / "treaty_dyads")
    common = ["--dir", directory, "--treaties", str(args.treaties), "--data", args.data,
              "--chunks", str(args.chunks)]
    built, peak_build = _child([*common, "--phase", "build"])
    rows = built["rows"]
    print(f"{args.data}: {built['chunks']} chunks, {rows:,} dyad-years, "
          f"{built['bytes_on_disk'] / 1024**2:,.0f} MB of Parquet in {directory}")
    print("| phase | seconds | passes | peak memory (GB) | x design |")
    print("|---|---:|---:|---:|---:|")
    local, peak_local = _child([*common, "--phase", "local"])
    design_gb = rows * local["k"] * 8 / 1024**3
    print(f"| build (one chunk at a time) | {built['seconds']:.1f} | | {peak_build:.2f} | "
          f"{peak_build / design_gb:.2f} |")
    print(f"| fit, chunk store on this machine | {local['seconds']:.1f} | {local['passes']} | "
          f"{peak_local:.2f} | {peak_local / design_gb:.2f} |")
    if args.dask:
        dask_res, peak_dask = _child([*common, "--phase", "dask"])
        worker = dask_res["peak_children_kb"] / 1024**2
        print(f"| fit, Dask LocalCluster (2 workers): driver | {dask_res['seconds']:.1f} | "
              f"{dask_res['passes']} | {peak_dask:.2f} | {peak_dask / design_gb:.2f} |")
        print(f"| fit, Dask LocalCluster: largest worker | | | {worker:.2f} | "
              f"{worker / design_gb:.2f} |")
    if args.in_memory:
        mem, peak_mem = _child([*common, "--phase", "memory"])
        print(f"| fit, all rows in memory | {mem['seconds']:.1f} | {mem['passes']} | "
              f"{peak_mem:.2f} | {peak_mem / design_gb:.2f} |")
    name, coef, se = local["term"]
    print(f"\ndesign matrix of all rows: {rows:,} x {local['k']} doubles = {design_gb:.2f} GB; "
          f"{name}: {coef:.4f} (SE {se:.4f})")


if __name__ == "__main__":
    main()
