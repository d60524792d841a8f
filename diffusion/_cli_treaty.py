"""``python -m diffusion treaty FILE``: a user's ratification years through the treaty design.

The file lists ratifying countries only (one row each: a country column and
``year``); every other COW member is a non-ratifier. Countries are given as ISO3
codes (``iso3``), COW numbers (``cown``) or names (``country``, or ``--country
COLUMN``), which :func:`diffusion.countries.harmonize` matches in the ratification
year. The window runs from ``--start`` to ``--end`` (at most :data:`TREATY_END`,
where the COW and covariate data end). The design itself is
:func:`diffusion.replications.treaties.run_treaty`.
"""

from __future__ import annotations

import argparse

import pandas as pd

from diffusion._csv import read_typed
from diffusion.errors import DataError, DiffusionError, SpecificationError

__all__ = ["treaty", "TREATY_END", "TREATY_FIRST", "N_PARAMETERS"]

#: the treaty design's window ends with the COW and covariate data, which begin in 1816
TREATY_END = 2016
TREATY_FIRST = 1816
#: coefficients of the design's main model besides the intercept: regional, world, igo,
#: polity2, log_gdppc and a cubic in duration
N_PARAMETERS = 8


_CODE_COLUMNS = ("iso3", "cown")
_NAME_COLUMNS = ("country", "name", "state", "country_name")


def _treaty_events(table, frame, column: str | None):
    """The user's ratifications as ``iso3``/``cown`` and ``year``, and notes to print.

    Codes pass as given; a column of names (or of codes of another kind) goes through
    :func:`diffusion.countries.harmonize` to COW numbers.
    """
    path = table.path
    cols = list(frame.columns)
    explicit = column is not None
    if column is None:
        column = next((c for c in (*_CODE_COLUMNS, *_NAME_COLUMNS) if c in cols), None)
        if column is None:
            raise DataError(
                f"{path}: no country column (its columns are {', '.join(cols)}). Name it iso3 "
                f"(ISO alpha-3 codes), cown (COW numbers) or country (names, matched by "
                f"diffusion.countries.harmonize), or pass --country COLUMN.")
    elif column not in cols:
        raise DataError(f"{path}: no column {column!r} (--country); its columns are "
                        f"{', '.join(cols)}.")
    elif column == "year":
        raise SpecificationError("--country year: the year column holds the ratification "
                                 "years; name the column of countries.")
    if "year" not in cols:
        raise DataError(f"{path}: no column 'year' (its columns are {', '.join(cols)}); give "
                        f"each ratification's year in a column named year.")
    if column in _CODE_COLUMNS and not explicit:
        return frame[[column, "year"]].reset_index(drop=True), []
    from diffusion._cli_fit import cli_message
    from diffusion.countries import harmonize

    values = frame[column]
    numeric = pd.api.types.is_numeric_dtype(values)
    # the ratification year picks the state a name meant then ("Germany" in 1985 is the
    # German Federal Republic, COW 260); years that are not whole numbers are left to
    # the checks of the treaty design, which name their lines
    dated = pd.api.types.is_integer_dtype(frame["year"])
    try:
        h = harmonize(frame[[column, "year"]], column, to="cown", new_column="_cown",
                      year="year" if dated else None,
                      source="cown" if numeric else None, errors="report")
    except DiffusionError as exc:
        raise type(exc)(f"{path}, column {column!r}: {cli_message(str(exc))}") from exc
    if h.unmatched:
        lines = [int(i) for i in h.unmatched_rows]
        shown = ", ".join(repr(v) for v in h.unmatched[:6]) + (
            f" and {len(h.unmatched) - 6} more" if len(h.unmatched) > 6 else "")
        # harmonize's account of names that match several states (which ones), its row
        # labels being the file's line numbers here
        why = "".join(" " + cli_message(n.message).replace("(row ", "(line ")
                      for n in h.notes if n.kind == "country_ambiguous")
        raise DataError(
            f"{path}, line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines[:6]))}"
            f"{' ...' if len(lines) > 6 else ''}, column {column!r}: {len(h.unmatched)} "
            f"value(s) give no single country: {shown}.{why} Correct the names, or give "
            f"ISO3 codes (column iso3); names are matched by diffusion.countries.harmonize.")
    out = h.table
    notes = [f"{path}: {len(out)} {column} values matched to COW codes by "
             f"diffusion.countries.harmonize."]
    missing = out["_cown"].isna().to_numpy()
    if missing.any():
        gone = sorted({str(v) for v in out.loc[missing, column]})
        notes.append(f"{int(missing.sum())} row(s) name a country with no COW state code, "
                     f"outside the population like other non-members: {', '.join(gone[:8])}"
                     f"{' ...' if len(gone) > 8 else ''}.")
    out = out.loc[~missing]
    events = pd.DataFrame({"cown": out["_cown"].astype("int64").to_numpy(),
                           "year": out["year"].to_numpy()})
    return events, notes


def treaty(args: argparse.Namespace):
    """Read, check and fit ``args.file``; print the notes and warning that precede the
    report. Returns the replication and the warnings for the JSON output."""
    from diffusion._cli_fit import cli_message, events_per_parameter_warning
    from diffusion.errors import SeparationError
    from diffusion.replications.treaties import END, run_treaty

    end = args.end if args.end is not None else END
    if not args.name.strip() or any(not ch.isprintable() for ch in args.name):
        raise SpecificationError(f"--name {args.name!r}: give a printable name such as CEDAW "
                                 f"(it titles the report and the figure).")
    if args.start > END:
        raise SpecificationError(f"the treaty data end in {END}; --start {args.start} leaves "
                                 f"no year at risk. Give the year the treaty opened, up to "
                                 f"{END}.")
    if end < args.start:
        raise SpecificationError(f"--end {end} is before --start {args.start}; swap them.")
    notes = []
    if end > END:
        notes.append(f"treaty data end in {END}; --end {end} adds no years (the window is "
                     f"{args.start}-{END}).")
        end = END
    if end < TREATY_FIRST:
        raise SpecificationError(f"the COW state system begins in {TREATY_FIRST}; the window "
                                 f"{args.start}-{end} (--start/--end) has no member at risk.")
    table, frame = read_typed(args.file, role="treaty", what="one ratifying country and its year")
    events, more = _treaty_events(table, frame, args.country)
    notes += more
    years = pd.to_numeric(events["year"], errors="coerce")
    # impossible or missing years (before 1800, after today) are left to the design's
    # own check, which lists them
    plausible = years.notna().all() and years.between(1800, 9999).all()
    if plausible and len(years) and not years.between(args.start, end).any():
        raise DataError(f"{args.file}: no ratification falls in the window {args.start}-{end} "
                        f"(its years run from {int(years.min())} to {int(years.max())}); "
                        f"check --start and --end.")
    if table.encoding != "utf-8":
        notes.insert(0, f"{args.file} is not UTF-8; read as {table.encoding}.")
    try:
        rep = run_treaty(args.name, events=events, start=args.start, end=end,
                         name=args.name.lower(), firth=args.firth)
    except DiffusionError as exc:
        from diffusion._cli_fit import MIN_EPP
        from diffusion.errors import EstimationError

        msg = cli_message(str(exc))
        if isinstance(exc, EstimationError) and len(events) < MIN_EPP * N_PARAMETERS:
            msg += (f" The file lists {len(events)} ratification(s) for a design of "
                    f"{N_PARAMETERS} parameters besides the intercept: too few to estimate "
                    f"it reliably.")
        if isinstance(exc, SeparationError) and not args.firth:
            msg += " Rerun with --firth for bias-reduced estimates."
        if "unknown iso3 code" in msg or "unknown cown code" in msg:
            msg += (" A column of country names is matched by diffusion.countries.harmonize: "
                    "name it country, or pass --country COLUMN.")
        raise type(exc)(f"{args.file}: {msg}") from exc
    main_res = rep.main
    lines = [f"note: {n}" for n in notes]
    warn = events_per_parameter_warning(main_res, fixed_design=True)
    if warn:
        lines.append(warn)
    never = main_res.n_units - main_res.n_events
    lines.append(f"note: {main_res.n_events} of the {main_res.n_units} COW members in the "
                 f"estimation sample ratified in {args.start}-{end}; the other {never} did not "
                 f"(non-ratifiers are simply left out of the treaty file: every COW member "
                 f"not in it counts as one).")
    print("\n".join(lines) + "\n")
    return rep, ([warn.removeprefix("warning: ")] if warn else [])
