"""Command line: ``python -m diffusion replicate NAME`` and ``python -m diffusion demo``.

``replicate`` runs a replication on the bundled data (see
:mod:`diffusion.replications`), prints the published claims beside our estimates
with a plain verdict, and optionally writes the estimates as JSON and a figure.

``demo`` simulates a world of states (late entry, exits, regions, a regional
diffusion effect), builds the risk set with regional and world exposure, fits a
discrete-time cloglog hazard with a cubic in duration and unit-clustered standard
errors, and prints the result beside the truth. Errors raised on purpose print one
line and exit with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from diffusion.errors import DiffusionError

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    from diffusion import DiscreteTimeHazard, simulate

    world = simulate.world(seed=args.seed, n_units=args.units)
    rs = world.risk_set()
    model = DiscreteTimeHazard.from_formula(
        "event ~ x1 + x2 + regional + world", rs, link="cloglog", time="cubic")
    res = model.fit(cov_type="cluster")
    print(f"Simulated world: {args.units} states, {world.start}-{world.end}, seed {args.seed}")
    print(f"Risk set: {rs}\n")
    print(res.summary())
    print("\nTruth vs estimate (95% interval):")
    ci = res.conf_int()
    for term, true in world.truth.items():
        if term in res.terms:
            lo, hi = ci.loc[term]
            inside = "covers" if lo <= true <= hi else "MISSES"
            print(f"  {term:<10} true {true:+.3f}  estimate {res.params[term]:+.3f}  "
                  f"[{lo:+.3f}, {hi:+.3f}] {inside}")
    if args.json:
        out = {"params": res.params.to_dict(), "std_errors": res.std_errors.to_dict(),
               "p_values": res.p_values.to_dict(), "n_obs": res.n_obs,
               "n_events": res.n_events, "n_units": res.n_units, "truth": world.truth}
        def dump(path: str) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(out, fh, indent=2)
        _write(args.json, dump)
    return 0


def _write(path: str, write) -> None:
    try:
        write(path)
    except OSError as exc:
        raise DiffusionError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _read_csv(path: str):
    import pandas as pd

    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError as exc:
        raise DiffusionError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DiffusionError(f"{path}: cannot read as CSV ({first})") from exc


def _replicate(args: argparse.Namespace) -> int:
    from diffusion import replications

    rep = replications.run(args.name)
    return _emit(rep, args)


def _treaty(args: argparse.Namespace) -> int:
    from diffusion.replications.treaties import run_treaty

    table = _read_csv(args.file)
    try:
        rep = run_treaty(args.name, events=table, start=args.start, name=args.name.lower())
    except DiffusionError as exc:
        raise DiffusionError(f"{args.file}: {exc}") from exc
    return _emit(rep, args)


def _emit(rep, args: argparse.Namespace) -> int:
    print(rep.report())
    if args.json:
        def dump(path: str) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(rep.to_json(), fh, indent=2)
        _write(args.json, dump)
    if args.plot:
        fig = rep.figure
        if fig is None:
            from diffusion.report.plots import coefficient_plot

            fig = coefficient_plot(list(rep.results.values()), labels=list(rep.results),
                                   title=rep.title)
        _write(args.plot, lambda path: fig.savefig(path, dpi=120))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m diffusion",
        description="Event-history analysis of policy and norm diffusion.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from diffusion.replications import NAMES

    rep = sub.add_parser(
        "replicate", help="reproduce a published finding on the bundled data",
        description="Fit a published design on the bundled data and print the published "
                    "claims beside our estimates, saying plainly whether each is reproduced. "
                    f"Names: {', '.join(NAMES)}.")
    rep.add_argument("name", help=f"one of: {', '.join(NAMES)}")
    rep.add_argument("--json", metavar="PATH",
                     help="write params, std_errors, p_values, n_obs, n_events, n_units")
    rep.add_argument("--plot", metavar="PATH", help="write the replication's figure (PNG, PDF)")
    rep.set_defaults(func=_replicate)
    tr = sub.add_parser(
        "treaty", help="fit the CEDAW ratification design to your own treaty data",
        description="Read a CSV of ratification years (columns iso3 or cown, and year), build "
                    "the COW risk set from --start to 2016 with regional and world "
                    "ratification shares, IGO memberships, Polity2 and GDP, fit a cloglog "
                    "hazard with clustered SEs, and print the results.")
    tr.add_argument("file", help="CSV with columns iso3 (or cown) and year")
    tr.add_argument("--name", default="treaty", help="name of the treaty (for the report)")
    tr.add_argument("--start", type=int, required=True,
                    help="year the treaty opened for signature (first year at risk)")
    tr.add_argument("--json", metavar="PATH", help="write the estimates as JSON")
    tr.add_argument("--plot", metavar="PATH", help="write the cumulative-ratification figure")
    tr.set_defaults(func=_treaty)
    demo = sub.add_parser(
        "demo", help="fit a cloglog diffusion model on a simulated world",
        description="Simulate states adopting a policy (regional diffusion, late entry, "
                    "exits), build the risk set, fit a discrete-time cloglog hazard with "
                    "clustered SEs, and compare the estimates with the truth.")
    demo.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    demo.add_argument("--units", type=int, default=200, help="number of states (default 200)")
    demo.add_argument("--json", metavar="PATH", help="also write the estimates as JSON")
    demo.set_defaults(func=_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except DiffusionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
