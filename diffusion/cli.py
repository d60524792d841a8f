"""Command line: ``python -m diffusion fit``, ``replicate NAME``, ``treaty FILE``,
``netinf FILE``, ``demo``.

``fit`` fits a hazard model to the user's own CSV files -- adoption events,
membership spells, and optionally groups (regions), covariates and an edge list --
with regional, world and network exposure, and prints (and optionally writes as
JSON, a Markdown table and a coefficient plot) the estimates. It is a front end on
the Python API (see :mod:`diffusion._cli_fit`): the estimates are the API's.

``replicate`` runs a replication on the bundled data (see
:mod:`diffusion.replications`), prints the published claims beside our estimates
with a plain verdict, and optionally writes the estimates as JSON and a figure.

``netinf`` infers a diffusion network from a CSV of past adoptions (one row per unit
and cascade) with NetInf, once or one network per year from a moving window, prints
the edges and writes them as an edge list that ``fit --edges`` reads.

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
import textwrap
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


def _netinf(args: argparse.Namespace) -> int:
    from diffusion.exposure import infer_network, infer_networks

    table = _read_csv(args.file)
    if (args.edges is None) == (args.p_value is None):
        raise DiffusionError("give exactly one of --edges N and --p-value P.")
    params = None if args.params is None else tuple(args.params)
    options = {"unit": args.unit, "cascade": args.cascade, "time": args.time,
               "n_edges": args.edges, "p_value_cutoff": args.p_value, "model": args.model,
               "params": params if params is None or len(params) > 1 else params[0]}
    try:
        if args.years and args.plot:
            raise DiffusionError("--plot draws a single network: leave out --years.")
        if args.years:
            first, _, last = args.years.partition("-")
            if not (first.isdigit() and last.isdigit() and int(first) <= int(last)):
                raise DiffusionError(f"--years must look like 1960-2009, got {args.years!r}.")
            if args.window is None:
                raise DiffusionError("--years needs --window (years of adoptions per network).")
            ties = infer_networks(table, range(int(first), int(last) + 1), window=args.window,
                                  **options)
            notes = ties.attrs.get("notes", ())
            print(f"{len(ties)} edges in {ties['year'].nunique()} yearly networks "
                  f"({args.years}, window {args.window} years).")
        else:
            net = infer_network(table, **options)
            ties, notes = net.edges, net.notes
            print(f"{net!r}\n")
            print(net.edges.head(args.show).to_string(index=False))
            if args.plot:
                from diffusion.report import network_plot

                fig = network_plot(net, title=f"{net.n_edges} inferred edges")
                _write(args.plot, lambda path: fig.savefig(path, dpi=120,
                                                           bbox_inches="tight"))
    except DiffusionError as exc:
        raise DiffusionError(f"{args.file}: {exc}") from exc
    for note in notes:
        print(f"note: {note}")
    if args.out:
        _write(args.out, lambda path: ties.to_csv(path, index=False))
        print(f"edges written to {args.out} (source, target"
              f"{', year' if args.years else ''}, improvement, p_value)")
    return 0


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
        _write(args.plot, lambda path: fig.savefig(path, dpi=120, bbox_inches="tight"))
    return 0


def _fit(args: argparse.Namespace) -> int:
    from diffusion import _cli_fit as cf

    inputs = cf.load_inputs(events=args.events, membership=args.membership, groups=args.groups,
                            covariates=args.covariates, edges=args.edges,
                            exposures=args.exposure or (), unit=args.unit, time=args.time_col,
                            lag=args.lag, sep=args.sep)
    rs = cf.build_risk_set(inputs, start=args.start, end=args.end, lag=args.lag,
                           outside=args.outside, show_progress=None)
    formula = args.formula or cf.default_formula(inputs)
    res = cf.fit_model(rs, formula=formula, model=args.model, time=args.time,
                       cov_type=args.cov_type, cluster=args.cluster, ties=args.ties)
    files = ", ".join(f"{k} {v}" for k, v in inputs.paths.items())
    print(f"Files: {files}")
    print(f"Units: column {inputs.unit!r}; time: column {inputs.time!r}; "
          f"covariates lagged {args.lag} year(s)")
    for spec in inputs.exposures:
        print(f"Exposure: {spec.describe()}")
    print(f"Risk set: {rs}")
    print(f"Formula: {formula}\n")
    print(res.summary())
    if args.json:
        out = cf.results_json(res, inputs, rs, formula)

        def dump(path: str) -> None:
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(out, fh, indent=2)
        _write(args.json, dump)
    if args.table:
        text = _markdown_table(res)
        _write(args.table, lambda path: _write_text(path, text + "\n"))
    if args.plot:
        from diffusion.report.plots import coefficient_plot

        n_time = int(res.extra.get("n_time_terms", 0) or 0)
        time_terms = tuple(res.terms[-n_time:]) if n_time else ()
        fig = coefficient_plot([res], labels=[res.model], drop=("Intercept", *time_terms),
                               title=f"{res.model}: {formula}")
        _write(args.plot, lambda path: fig.savefig(path, dpi=120, bbox_inches="tight"))
    return 0


def _markdown_table(res) -> str:
    """The report's regression table when diffusion.report.tables exists, else the summary."""
    import importlib.util

    if importlib.util.find_spec("diffusion.report.tables") is not None:
        from diffusion.report.tables import regression_table

        return regression_table([res]).as_markdown()
    return res.summary().as_markdown()


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


_FIT_EPILOG = """\
examples:
  # CEDAW-style design: COW members, regional ratification share over 5 years,
  # world share, lagged covariates, cloglog with a cubic in duration
  python -m diffusion fit --events ratifications.csv --membership cow_members.csv \\
      --groups regions.csv --covariates country_years.csv \\
      --exposure regional_share:window=5 --exposure world_share \\
      --formula "event ~ regional_share5 + world_share + polity2 + log_gdp" \\
      --model cloglog --time cubic --json estimates.json --table table.md --plot coef.png

  # a Cox model with network exposure through a weighted, non-normalised edge list
  python -m diffusion fit --events E.csv --membership S.csv --edges trade.csv \\
      --exposure network:weight=trade,normalize=false,name=trade_exposure --model cox

files (CSV, comma-separated, header on line 1; errors name the file, line and column):
  --events      one row per adoption: the unit and the year (e.g. cown,year)
  --membership  one row per membership spell: unit, start, end (inclusive years;
                end empty when still a member); units that never adopt come from here
  --groups      unit and group columns (e.g. cown,region); also usable as C(region)
  --covariates  unit, year and one column per covariate; joined lagged by --lag
  --edges       source, target[, weight][, year]: source can influence target

exposures (--exposure, repeatable; default column name in brackets):
  regional_share:window=K  share of the other members of the unit's group that
                           adopted in the K years to t-lag       [regional_shareK]
  regional_count:window=K  their number                           [regional_countK]
  regional_density         share of the group that adopted by t-lag [regional_density]
  world_share, world_count share (number) of all members that adopted by t-lag
  network                  (weighted) share of the unit's sources that adopted by
                           t-lag; options weight=COL, normalize=false, source=COL,
                           target=COL, time=COL                 [network]
  every exposure takes lag=N and name=NAME; regional ones take group=COL when the
  groups file has several group columns.

The default formula is "event ~" every exposure and covariate. Exit status: 0 on
success, 2 on bad files or options (one line on stderr).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m diffusion",
        description="Event-history analysis of policy and norm diffusion.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            examples:
              python -m diffusion fit --events E.csv --membership S.csv --groups G.csv \\
                  --exposure regional_share:window=5 --exposure world_share --model cloglog
              python -m diffusion replicate suffrage --plot suffrage.png
              python -m diffusion treaty my_treaty.csv --start 1990 --json out.json
              python -m diffusion netinf policies.csv --unit state --cascade policy \\
                  --time year --edges 300 --out ties.csv
              python -m diffusion demo --seed 1

            Run "python -m diffusion COMMAND --help" for each command's options."""),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fit = sub.add_parser(
        "fit", help="fit a diffusion hazard model to your own CSV files",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the risk set from adoption events and membership spells, add "
                    "lagged covariates and regional, world or network exposure, fit a "
                    "discrete-time (cloglog, logit, probit) or Cox hazard model with "
                    "clustered standard errors, and print the estimates.",
        epilog=_FIT_EPILOG)
    fin = fit.add_argument_group("input files")
    fin.add_argument("--events", required=True, metavar="E.csv",
                     help="adoption events: unit and year, one row per adopter")
    fin.add_argument("--membership", required=True, metavar="S.csv",
                     help="membership spells: unit, start, end")
    fin.add_argument("--groups", metavar="G.csv", help="unit and group (region) columns")
    fin.add_argument("--covariates", metavar="C.csv", help="unit-year covariates")
    fin.add_argument("--edges", metavar="N.csv", help="edge list for network exposure")
    fin.add_argument("--unit", metavar="NAME",
                     help="unit column (default: the first column of the events file that "
                          "the membership file also has)")
    fin.add_argument("--time-col", metavar="NAME",
                     help="year column of the events and covariates files (default: 'year', "
                          "or the events file's only other column)")
    fin.add_argument("--sep", default=",", metavar="CHAR",
                     help="field separator of the CSV files (default ',')")
    fsp = fit.add_argument_group("model")
    fsp.add_argument("--exposure", action="append", metavar="SPEC",
                     help="exposure measure, e.g. regional_share:window=5, world_share, "
                          "network:weight=w,normalize=false (repeatable; see below)")
    fsp.add_argument("--formula", metavar="F",
                     help='model formula, e.g. "event ~ regional_share5 + world_share + gdp" '
                          "(default: every exposure and covariate)")
    fsp.add_argument("--model", default="cloglog", choices=("cloglog", "logit", "probit", "cox"),
                     help="hazard model (default cloglog)")
    fsp.add_argument("--time", default=None, choices=("cubic", "dummies", "spline", "none"),
                     help="time dependence of discrete-time models: cubic in duration "
                          "(default), year dummies, natural spline, or none")
    fsp.add_argument("--ties", default="efron", choices=("efron", "breslow", "exact"),
                     help="tie handling of the Cox model (default efron)")
    fsp.add_argument("--cov-type", default="cluster", choices=("cluster", "robust", "classic"),
                     help="standard errors (default cluster)")
    fsp.add_argument("--cluster", metavar="COL",
                     help="cluster column for --cov-type cluster (default: the unit)")
    fsp.add_argument("--lag", type=int, default=1, metavar="N",
                     help="years by which covariates and exposures are lagged (default 1)")
    fsp.add_argument("--start", type=int, metavar="YEAR",
                     help="first year at risk (default: first membership year)")
    fsp.add_argument("--end", type=int, metavar="YEAR",
                     help="last year at risk (default: last membership year)")
    fsp.add_argument("--outside", default="error", choices=("error", "censor"),
                     help="an event in a year the unit was not a member: refuse it (default) "
                          "or censor the unit when it left")
    fout = fit.add_argument_group("output")
    fout.add_argument("--json", metavar="OUT.json", help="write the estimates as JSON")
    fout.add_argument("--table", metavar="OUT.md", help="write a Markdown results table")
    fout.add_argument("--plot", metavar="OUT.png", help="write a coefficient plot (PNG, PDF)")
    fit.set_defaults(func=_fit)
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
    ni = sub.add_parser(
        "netinf", help="infer a diffusion network from past adoptions (NetInf)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Infer who follows whom from the order in which units adopted many "
                    "earlier policies (NetInf, equal to R NetworkInference), once or one "
                    "network per year from a moving window, and write the edges.",
        epilog=textwrap.dedent("""\
            examples:
              # 300 edges from every cascade in the file
              python -m diffusion netinf policies.csv --unit state --cascade policy \\
                  --time year --edges 300 --out ties.csv
              # DHB-style yearly networks, then network exposure in a model
              python -m diffusion netinf policies.csv --unit state --cascade policy \\
                  --time year --edges 300 --years 1960-2009 --window 35 --out yearly.csv
              python -m diffusion fit --events E.csv --membership S.csv --edges yearly.csv \\
                  --exposure network:time=year"""))
    ni.add_argument("file", help="CSV with one row per adoption: unit, cascade and time")
    ni.add_argument("--unit", default="unit", help="unit column (default 'unit')")
    ni.add_argument("--cascade", default="cascade",
                    help="cascade (policy) column (default 'cascade')")
    ni.add_argument("--time", default="time", help="adoption time column (default 'time')")
    ni.add_argument("--edges", type=int, metavar="N", help="number of edges to infer")
    ni.add_argument("--p-value", type=float, metavar="P",
                    help="instead of --edges: add edges while Vuong's test has p < P")
    ni.add_argument("--model", default="exponential",
                    choices=("exponential", "rayleigh", "log-normal"),
                    help="transmission density (default exponential)")
    ni.add_argument("--params", type=float, nargs="+", metavar="X",
                    help="its parameters: rate, scale, or mu sigma (default for the "
                         "exponential: NetworkInference's initial rate)")
    ni.add_argument("--years", metavar="FIRST-LAST",
                    help="one network per year, each from the --window years up to it")
    ni.add_argument("--window", type=int, metavar="YEARS", help="window length for --years")
    ni.add_argument("--show", type=int, default=20, metavar="K",
                    help="edges printed (default 20)")
    ni.add_argument("--out", metavar="OUT.csv", help="write the edges as CSV")
    ni.add_argument("--plot", metavar="OUT.png",
                    help="draw the network (single network only; PNG, PDF)")
    ni.set_defaults(func=_netinf)
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
    """Run the command line; return the exit status (0 success, 2 bad input or options).

    argparse's own errors (unknown option, invalid choice) print usage and exit 2; here
    they return 2 as well, so that ``main([...])`` can be called from Python.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or an argparse error (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except DiffusionError as exc:
        # one line, whatever the message holds
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
