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

``treaty`` fits the CEDAW design to a user's ratification years (see
:mod:`diffusion._cli_treaty`). ``netinf`` infers a diffusion network from a CSV of
past adoptions (one row per unit and cascade) with NetInf, once or one network per
year from a moving window, prints the edges and writes them as an edge list that
``fit --edges`` reads (see :mod:`diffusion._cli_netinf`).

``demo`` simulates a world of states (late entry, exits, regions, a regional
diffusion effect), builds the risk set with regional and world exposure, fits a
discrete-time cloglog hazard with a cubic in duration and unit-clustered standard
errors, and prints the result beside the truth.

Errors raised on purpose -- and argparse's own (an unknown option, a value that is
not a year) -- print one line on standard error and exit with code 2; they name the
command-line flags (``--end``), never the Python keywords behind them. Files are read
as UTF-8, UTF-16 (with its byte-order mark) or else Windows-1252/Latin-1, as Excel
writes them. Numbers on the command line are whole numbers in ASCII digits within
stated bounds (years within +-9999), refused before any work starts.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence

from diffusion._cli_netinf import MAX_NETWORKS
from diffusion._cli_treaty import TREATY_END
from diffusion._csv import YEAR_LIMIT, whole_number
from diffusion.errors import DiffusionError

__all__ = ["main", "build_parser"]


# ============================================================ option values
def _whole(lo: int, hi: int, what: str = "a whole number",
           example: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ASCII digits within [lo, hi].

    ``int()`` alone reads '١٩٩٠' (Arabic-Indic digits) as 1990 and builds a risk set
    from 99999999; both are refused here, before any file is read.
    """
    def convert(text: str) -> int:
        n = whole_number(text)
        if n is None:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what} (write it in the digits 0-9, e.g. "
                f"{example if example is not None else max(lo, 1)})")
        if not lo <= n <= hi:
            size = f"{len(str(abs(n)))}-digit number {n}" if abs(n) > 10**6 else str(n)
            raise argparse.ArgumentTypeError(f"{size} is outside {lo}..{hi}")
        return n
    convert.__name__ = what  # argparse names the type in its messages
    return convert


_year = _whole(-YEAR_LIMIT, YEAR_LIMIT, "a year", 1990)


def _finite(lo: float, hi: float, *, open_lo: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in [lo, hi] ((lo, hi] with ``open_lo``)."""
    def convert(text: str) -> float:
        s = text.strip()
        if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", s):
            raise argparse.ArgumentTypeError(f"{text!r} is not a number such as 0.05")
        x = float(s)
        if not math.isfinite(x) or x < lo or x > hi or (open_lo and x == lo):
            raise argparse.ArgumentTypeError(
                f"{text} is outside {'(' if open_lo else '['}{lo:g}, {hi:g}]")
        return x
    convert.__name__ = "number"
    return convert


def _separator(text: str) -> str:
    """An argparse type: one separator character (``\\t`` or ``tab`` for a tab)."""
    sep = "\t" if text in ("\\t", "tab", "TAB") else text
    if len(sep) != 1 or not sep.isascii() or sep in "\"\r\n" or sep.isalnum() or sep in ".-+":
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a field separator; give one character such as ';' or '|', "
            f"or \\t for tabs")
    return sep


def _figure(path: str) -> str:
    """An argparse type: a figure path whose suffix matplotlib writes (none means PNG)."""
    from pathlib import PurePath

    from matplotlib.backend_bases import FigureCanvasBase

    suffix = PurePath(path).suffix.lower().lstrip(".")
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise argparse.ArgumentTypeError(
            f"{path!r}: cannot draw a .{suffix} file; end the name with one of "
            f"{', '.join('.' + f for f in sorted(formats))}")
    return path


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: COMMAND: message (COMMAND --help ...)``."""

    def error(self, message: str):  # type: ignore[override]
        message = " ".join(str(message).split())
        self.exit(2, f"error: {self.prog}: {message} (run \"{self.prog} --help\" for the "
                     f"options)\n")


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


def _replicate(args: argparse.Namespace) -> int:
    from diffusion import replications

    from diffusion._cli_fit import events_per_parameter_warning

    rep = replications.run(args.name)
    warn = events_per_parameter_warning(rep.main, fixed_design=True, firth_option=False)
    if warn:
        print(warn + "\n")
    return _emit(rep, args, [warn.removeprefix("warning: ")] if warn else [])


def _treaty(args: argparse.Namespace) -> int:
    from diffusion._cli_treaty import treaty

    rep, warning_lines = treaty(args)
    return _emit(rep, args, warning_lines)


def _netinf(args: argparse.Namespace) -> int:
    from diffusion._cli_netinf import netinf

    return netinf(args)


def _emit(rep, args: argparse.Namespace, warning_lines: Sequence[str] = ()) -> int:
    print(rep.report())
    if args.json:
        def dump(path: str) -> None:
            out = rep.to_json()
            if warning_lines:
                out["warnings"] = list(warning_lines)
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(out, fh, indent=2)
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
                       cov_type=args.cov_type, cluster=args.cluster, ties=args.ties,
                       firth=args.firth)
    files = ", ".join(f"{k} {v}" for k, v in inputs.paths.items())
    for note in (*inputs.notes, *cf.window_notes(inputs, start=args.start, end=args.end)):
        print(f"note: {note}")
    warn = cf.events_per_parameter_warning(res)
    if warn:
        print(warn)
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
        if warn:
            out["warnings"] = [warn.removeprefix("warning: ")]

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

files (CSV, comma-separated, header on line 1, UTF-8 or Latin-1/Windows-1252;
errors name the file, line and column; years are whole numbers within +-9999):
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

The default formula is "event ~" every exposure and covariate.

small data: with fewer than 10 events per estimated parameter (covariates,
exposures and time terms count; the intercept does not) a warning is printed
before the estimates: the rule of thumb of Peduzzi et al. (1996) for logistic
regression, below which estimates and p-values are biased and unstable.
--firth fits the discrete-time model by bias-reduced maximum likelihood
(diffusion.FirthHazard); a separation error suggests it.

Exit status: 0 on success, 2 on bad files or options (one line on stderr).
"""


def build_parser() -> argparse.ArgumentParser:
    from diffusion._cli_fit import MIN_EPP
    parser = _Parser(
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
    fin.add_argument("--sep", default=",", type=_separator, metavar="CHAR",
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
    fsp.add_argument("--lag", type=_whole(1, 2 * YEAR_LIMIT), default=1, metavar="N",
                     help="years by which covariates and exposures are lagged (default 1)")
    fsp.add_argument("--start", type=_year, metavar="YEAR",
                     help="first year at risk (default: first membership year)")
    fsp.add_argument("--end", type=_year, metavar="YEAR",
                     help="last year at risk (default: last membership year)")
    fsp.add_argument("--firth", action="store_true",
                     help="fit the discrete-time model by bias-reduced maximum likelihood "
                          "(Firth; diffusion.FirthHazard): finite estimates under separation "
                          "and less small-sample bias")
    fsp.add_argument("--outside", default="error", choices=("error", "censor"),
                     help="an event in a year the unit was not a member: refuse it (default) "
                          "or censor the unit when it left")
    fout = fit.add_argument_group("output")
    fout.add_argument("--json", metavar="OUT.json", help="write the estimates as JSON")
    fout.add_argument("--table", metavar="OUT.md", help="write a Markdown results table")
    fout.add_argument("--plot", type=_figure, metavar="OUT.png", help="write a coefficient plot (PNG, PDF)")
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
    rep.add_argument("--plot", type=_figure, metavar="PATH", help="write the replication's figure (PNG, PDF)")
    rep.set_defaults(func=_replicate)
    tr = sub.add_parser(
        "treaty", help="fit the CEDAW ratification design to your own treaty data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Read a CSV of ratification years, build the COW risk set from --start to --end "
            f"(at most {TREATY_END}, where the COW and covariate data end) with regional and "
            "world ratification shares, IGO memberships, Polity2 and GDP, fit a cloglog "
            "hazard with clustered SEs, and print the results.", 80),
        epilog=textwrap.dedent(f"""\
            the file (CSV, header on line 1; UTF-8, or Latin-1 as Excel writes it):
              one row per RATIFYING country: a country column and year. Countries that
              never ratified are simply left out of the file: every other COW member is
              a non-ratifier, at risk until --end.
              country column: iso3 (ISO alpha-3 codes), cown (COW numbers), or country
              (names such as "Ivory Coast" or "Korea, Rep.", matched by
              diffusion.countries.harmonize); --country COLUMN names another.

            small data: fewer than {MIN_EPP} events per estimated parameter (the main model
              estimates 8 besides the intercept: 3 duration terms, 5 covariates) prints a
              warning before the verdicts (Peduzzi et al. 1996's rule of thumb); --firth
              gives bias-reduced estimates.

            example:
              python -m diffusion treaty my_treaty.csv --start 1990 --json out.json"""))
    tr.add_argument("file", help="CSV with a country column (iso3, cown or country) and year")
    tr.add_argument("--name", default="treaty", help="name of the treaty (for the report)")
    tr.add_argument("--start", type=_year, required=True,
                    help="year the treaty opened for signature (first year at risk)")
    tr.add_argument("--end", type=_year, metavar="YEAR",
                    help=f"last year at risk (default {TREATY_END}, where the data end; a "
                         f"later year adds no years)")
    tr.add_argument("--country", metavar="COLUMN",
                    help="column naming the countries (names or codes), matched by "
                         "diffusion.countries.harmonize")
    tr.add_argument("--firth", action="store_true",
                    help="bias-reduced (Firth) estimates, for few ratifications or separation")
    tr.add_argument("--json", metavar="PATH", help="write the estimates as JSON")
    tr.add_argument("--plot", type=_figure, metavar="PATH", help="write the cumulative-ratification figure")
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
    ni.add_argument("--edges", type=_whole(1, 10**9), metavar="N",
                    help="number of edges to infer")
    ni.add_argument("--p-value", type=_finite(0.0, 1.0, open_lo=True), metavar="P",
                    help="instead of --edges: add edges while Vuong's test has p < P")
    ni.add_argument("--model", default="exponential",
                    choices=("exponential", "rayleigh", "log-normal"),
                    help="transmission density (default exponential)")
    ni.add_argument("--params", type=_finite(-1e12, 1e12), nargs="+", metavar="X",
                    help="its parameters: rate, scale, or mu sigma (default for the "
                         "exponential: NetworkInference's initial rate)")
    ni.add_argument("--years", metavar="FIRST-LAST",
                    help="one network per year, each from the --window years up to it "
                         f"(at most {MAX_NETWORKS} years per run)")
    ni.add_argument("--window", type=_whole(1, 2 * YEAR_LIMIT), metavar="YEARS",
                    help="window length for --years")
    ni.add_argument("--show", type=_whole(0, 10**6), default=20, metavar="K",
                    help="edges printed (default 20)")
    ni.add_argument("--out", metavar="OUT.csv", help="write the edges as CSV")
    ni.add_argument("--plot", type=_figure, metavar="OUT.png",
                    help="draw the network (single network only; PNG, PDF)")
    ni.set_defaults(func=_netinf)
    demo = sub.add_parser(
        "demo", help="fit a cloglog diffusion model on a simulated world",
        description="Simulate states adopting a policy (regional diffusion, late entry, "
                    "exits), build the risk set, fit a discrete-time cloglog hazard with "
                    "clustered SEs, and compare the estimates with the truth.")
    demo.add_argument("--seed", type=_whole(0, 2**32 - 1), default=2024,
                      help="random seed, 0 to 2**32-1 (default 2024)")
    demo.add_argument("--units", type=_whole(20, 5000), default=200,
                      help="number of states, 20 to 5000 (default 200)")
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
    with warnings.catch_warnings():
        # numpy's arithmetic warnings (log of 0, overflow) are noise here: the library
        # reports their consequence (a non-finite design column) as an error
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.showwarning = _show_warning
        return _run(args)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line on standard error: ``warning: message``."""
    print("warning: " + " ".join(str(message).split()), file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # the reader closed the pipe (python -m diffusion ... | head): end quietly, and
        # keep Python from complaining when it flushes standard output at exit
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except DiffusionError as exc:
        # one line, whatever the message holds
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
