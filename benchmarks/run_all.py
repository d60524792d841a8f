"""One benchmark table: diffusion against the alternatives, side by side in one run.

Run with ``python benchmarks/run_all.py`` after ``pip install ".[bench]"`` (lifelines,
glum, pyfixest; R with ``survival`` and ``sandwich`` is used when ``Rscript`` is on the
PATH). It writes ``docs/benchmarks.md`` (``--out`` to choose another file), a Markdown
page the documentation includes, and prints it. Options: ``--quick`` (smaller sizes, one
repetition: a smoke run), ``--repeat N``.

What is timed, each in the same process and the same run:

* discrete-time cloglog with unit-clustered SEs, ~100k and ~1M country-years:
  diffusion, statsmodels GLM, glum, R ``glm`` + ``sandwich::vcovCL``
  (``bench_discrete.py``);
* Cox (Efron ties, late entry), ~100k and ~1M rows: diffusion, lifelines
  ``CoxTimeVaryingFitter``, R ``coxph`` (``bench_cox.py``);
* the pooled SPID fit: all 728 policies, risk set and exposures, then a logit with
  policy and year effects absorbed, against pyfixest ``feglm`` (``bench_pooled.py``);
* the directed-dyad builds of ``bench_dyads.py`` (sources that adopted by t-1): SPID one
  policy and all 728 pooled, CEDAW and the 18 UN treaties in country dyads (no other
  package builds these; the time is ours alone).

Absolute times depend on the machine and its load; the ratios are what a run shows.
Every row says which tool and which size; a tool that is not installed is reported as
such, never silently left out.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_cox  # noqa: E402
import bench_discrete  # noqa: E402
from _timing import timed  # noqa: E402

from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet  # noqa: E402

Row = tuple[str, str, str, "float | None"]  # benchmark, size, tool, seconds


def discrete(sizes: list[int], repeat: int) -> list[Row]:
    rows: list[Row] = []
    for n in sizes:
        df = bench_discrete.panel(n)
        size = f"{len(df):,} rows"
        for tool, seconds in bench_discrete.run_size(n, repeat):
            if "pyfixest" in tool:
                continue  # another model: reported with the pooled benchmark
            rows.append(("cloglog, clustered SEs", size, tool, seconds))
    return rows


def cox(sizes: list[int], repeat: int) -> list[Row]:
    rows: list[Row] = []
    for n in sizes:
        frame = bench_cox.panel(n)
        rs = RiskSet.from_panel(frame, unit="unit", time="year", event="event")
        model = CoxHazard(rs, covariates=bench_cox.COVARIATES)
        t_ours, _ = timed(lambda: model.fit(cov_type="classic"), repeat, warm_up=True)
        size = f"{len(frame):,} rows"
        rows.append(("Cox, Efron ties", size, "diffusion", t_ours))
        out = bench_cox.run_lifelines(frame, repeat)
        rows.append(("Cox, Efron ties", size, "lifelines CoxTimeVaryingFitter",
                     None if out is None else out[0]))
        out = bench_cox.run_r(frame, repeat)
        rows.append(("Cox, Efron ties", size, "R coxph", None if out is None else out[0]))
    return rows


def pooled(repeat: int) -> list[Row]:
    import bench_pooled

    t_build, rs = timed(bench_pooled.build, repeat)
    size = f"{rs.n_obs:,} policy-state-years"
    rows: list[Row] = [("SPID pooled: risk set + exposures", size, "diffusion", t_build)]
    model = DiscreteTimeHazard.from_formula("event ~ world + division", rs, link="logit",
                                            absorb=["policy", "year"])
    t_ours, _ = timed(lambda: model.fit(cluster="state_abbr"), repeat)
    rows.append(("SPID pooled: logit, policy + year absorbed", size, "diffusion", t_ours))
    try:
        import pyfixest  # noqa: F401
    except ImportError:
        rows.append(("SPID pooled: logit, policy + year absorbed", size, "pyfixest feglm", None))
        return rows
    frame = rs.frame
    t_pf, _ = timed(lambda: bench_pooled.fit_fixest(frame), repeat)
    rows.append(("SPID pooled: logit, policy + year absorbed", size, "pyfixest feglm", t_pf))
    return rows


def dyads(repeat: int, quick: bool) -> list[Row]:
    """The directed-dyad build (``bench_dyads.py``; no alternative package builds one)."""
    import bench_dyads

    rows: list[Row] = []
    for label, build in bench_dyads.cases():
        if quick and "pooled" in label:
            continue
        t, d = timed(lambda b=build: b("adopted"), repeat)
        rows.append((f"directed-dyad build: {label}", f"{d.n_obs:,} dyad-years",
                     "diffusion", t))
        del d
    return rows


def markdown(rows: list[Row], started: float, quick: bool) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `python benchmarks/run_all.py{' --quick' if quick else ''}` on "
        f"{date.today().isoformat()} ({platform.machine()}, Python "
        f"{platform.python_version()}, {time.perf_counter() - started:.0f} s in all). "
        "Every tool ran in the same run on the same machine; absolute times vary between "
        "machines and with their load, the ratios much less. A dash means the tool is "
        "not installed.",
        "",
    ]
    groups: dict[tuple[str, str], list[tuple[str, float | None]]] = {}
    for bench, size, tool, seconds in rows:
        groups.setdefault((bench, size), []).append((tool, seconds))
    for (bench, size), tools in groups.items():
        ours = next((s for t, s in tools if t == "diffusion"), None)
        lines += [f"## {bench}, {size}", "", "| tool | seconds | × diffusion |",
                  "|---|---:|---:|"]
        for tool, seconds in tools:
            if seconds is None:
                lines.append(f"| {tool} | - | - |")
            else:
                ratio = f"{seconds / ours:.1f}" if ours else "-"
                lines.append(f"| {tool} | {seconds:.3f} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE.parent / "docs" / "benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    sizes = [20_000] if args.quick else [100_000, 1_000_000]
    started = time.perf_counter()
    rows = discrete(sizes, repeat) + cox(sizes, repeat)
    rows += pooled(repeat)
    rows += dyads(repeat, args.quick)
    text = markdown(rows, started, args.quick)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
