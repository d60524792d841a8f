"""``python -m diffusion netinf FILE``: NetInf networks from a CSV of past adoptions.

One network (``--edges N`` or ``--p-value P``) or one per year of ``--years
FIRST-LAST`` from a moving ``--window``; the edges are printed and written as an
edge list that ``fit --edges`` reads. The inference is
:func:`diffusion.exposure.infer_network` / :func:`~diffusion.exposure.infer_networks`;
this module checks the options and the file first, and names the flags in errors.
"""

from __future__ import annotations

import argparse
import re

import numpy as np

from diffusion._csv import YEAR_LIMIT, read_typed
from diffusion.errors import DataError, DiffusionError, SpecificationError

__all__ = ["netinf", "MAX_NETWORKS"]

#: most yearly networks one ``netinf --years`` run infers
MAX_NETWORKS = 500


def _parse_years(text: str) -> tuple[int, int]:
    """``--years FIRST-LAST`` as two years (ASCII digits, at most four each)."""
    m = re.fullmatch(r"\s*([0-9]+)\s*-\s*([0-9]+)\s*", text)
    if m is None:
        raise SpecificationError(f"--years must look like 1960-2009 (digits 0-9), got {text!r}.")
    first, last = int(m.group(1)), int(m.group(2))
    for y in (first, last):
        if y > YEAR_LIMIT:
            raise SpecificationError(
                f"--years {text}: {y} is not a year ({len(str(y))} digits; years have at most "
                f"four).")
    if first > last:
        raise SpecificationError(f"--years {text}: {first} is after {last}; write FIRST-LAST.")
    if last - first + 1 > MAX_NETWORKS:
        raise SpecificationError(
            f"--years {text} asks for {last - first + 1} yearly networks, more than the "
            f"{MAX_NETWORKS} one run infers; split the range.")
    return first, last


def netinf(args: argparse.Namespace) -> int:
    """Run the command; return the exit status."""
    from diffusion._cli_fit import cli_message
    from diffusion.cli import _write
    from diffusion.exposure import infer_network, infer_networks

    if (args.edges is None) == (args.p_value is None):
        raise SpecificationError("give exactly one of --edges N and --p-value P.")
    if args.years and args.plot:
        raise SpecificationError("--plot draws a single network: leave out --years.")
    span = None
    if args.years:
        span = _parse_years(args.years)
        if args.window is None:
            raise SpecificationError("--years needs --window (years of adoptions per network).")
    elif args.window is not None:
        raise SpecificationError("--window is used with --years (one network per year); add "
                                 "--years FIRST-LAST or drop --window.")
    table, frame = read_typed(args.file, role="adoptions",
                             what="one adoption per line (unit, cascade, time)")
    for flag, col in (("--unit", args.unit), ("--cascade", args.cascade), ("--time", args.time)):
        if col not in frame.columns:
            raise DataError(f"{args.file}: no column {col!r} ({flag}); its columns are "
                            f"{', '.join(map(str, frame.columns))}. Pass {flag} COLUMN.")
    frame = frame.reset_index(drop=True)
    params = None if args.params is None else tuple(args.params)
    options = {"unit": args.unit, "cascade": args.cascade, "time": args.time,
               "n_edges": args.edges, "p_value_cutoff": args.p_value, "model": args.model,
               "params": params if params is None or len(params) > 1 else params[0]}
    pre = []
    if table.encoding != "utf-8":
        pre.append(f"{args.file} is not UTF-8; read as {table.encoding}.")
    try:
        if span is not None:
            first, last = span
            times = frame[args.time]
            if np.issubdtype(times.dtype, np.number) and times.notna().any():
                t_max = float(times.max())
                if first > t_max:
                    raise SpecificationError(
                        f"--years {args.years}: the adoptions end in {t_max:g}, before "
                        f"{first}; every yearly network would be the same. Give years up to "
                        f"{t_max:g}.")
                if last > t_max:
                    pre.append(f"the adoptions end in {t_max:g}; the networks of "
                               f"{int(t_max) + 1}-{last} see no newer adoption.")
            ties = infer_networks(frame, range(first, last + 1), window=args.window, **options)
            notes = ties.attrs.get("notes", ())
            for n in pre:
                print(f"note: {n}")
            print(f"{len(ties)} edges in {ties['year'].nunique()} yearly networks "
                  f"({args.years}, window {args.window} years).")
        else:
            net = infer_network(frame, **options)
            ties, notes = net.edges, net.notes
            for n in pre:
                print(f"note: {n}")
            print(f"{net!r}\n")
            print(net.edges.head(args.show).to_string(index=False))
            if args.plot:
                from diffusion.report import network_plot

                fig = network_plot(net, title=f"{net.n_edges} inferred edges")
                _write(args.plot, lambda path: fig.savefig(path, dpi=120,
                                                           bbox_inches="tight"))
    except DiffusionError as exc:
        msg = cli_message(str(exc))
        for keyword, flag in (("n_edges=", "--edges "), ("p_value_cutoff", "--p-value"),
                              ("window must", "--window must"),
                              ("params for the", "--params for the")):
            msg = re.sub(r"(?<![\w-])" + re.escape(keyword), flag, msg)
        raise type(exc)(f"{args.file}: {msg}") from exc
    for note in notes:
        print(f"note: {note}")
    if args.out:
        _write(args.out, lambda path: ties.to_csv(path, index=False))
        print(f"edges written to {args.out} (source, target"
              f"{', year' if args.years else ''}, improvement, p_value)")
    return 0
