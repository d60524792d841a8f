"""``python -m diffusion fit``: CSV files in, a fitted hazard model out.

The command is a thin front end on the Python API -- :meth:`RiskSet.from_events`,
:meth:`RiskSet.with_covariates`, :meth:`RiskSet.with_exposure`,
:class:`DiscreteTimeHazard` and :class:`CoxHazard` -- so its estimates are the API's.
What it adds is the boundary a CSV file needs: every file is read as text, checked
column by column, and converted once; a bad value is reported on one line naming the
file, the line (the header is line 1, as in a spreadsheet) and the column.
Errors the library raises later are prefixed with the file they concern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diffusion._csv import (
    Table,
    YEAR_LIMIT,
    duplicates,
    int_like,
    numeric_or_text,
    read_table,
    unit_text,
    unit_values,
    whole_number,
    years,
)
from diffusion._progress import progress
from diffusion.data.checks import preview, show
from diffusion.errors import DataError, DiffusionError, SpecificationError

__all__ = ["ExposureSpec", "parse_exposure", "FitInputs", "load_inputs", "build_risk_set",
           "default_formula", "fit_model", "results_json", "EXPOSURE_KINDS", "MIN_EPP",
           "events_per_parameter_warning", "window_notes", "cli_message"]

#: fewer events than this per estimated parameter earns a warning before the results:
#: the rule of thumb of Peduzzi et al. (1996, J Clin Epidemiol 49:1373-1379) for logistic
#: regression, below which coefficients were biased both ways and Wald tests and
#: intervals lost their nominal properties. Vittinghoff & McCulloch (2007, "Relaxing the
#: rule of ten events per variable in logistic and Cox regression") find fewer often
#: adequate: hence a warning, not an error. The count leaves out the intercept, as
#: that literature does, and includes the time terms, which are estimated like any
#: covariate.
MIN_EPP = 10

# ================================================================ exposures
EXPOSURE_KINDS: dict[str, tuple[str, ...]] = {
    "regional_share": ("window", "lag", "group", "name"),
    "regional_count": ("window", "lag", "group", "name"),
    "regional_density": ("lag", "group", "name"),
    "world_share": ("lag", "name"),
    "world_count": ("lag", "name"),
    "network": ("weight", "normalize", "lag", "source", "target", "time", "name"),
}
_REQUIRED = {"regional_share": ("window",), "regional_count": ("window",)}
#: largest --lag and window=: longer than any study period the years allow
MAX_LAG = 2 * YEAR_LIMIT


@dataclass(frozen=True)
class ExposureSpec:
    """One ``--exposure`` option, parsed: ``kind[:key=value,...]``."""

    text: str
    kind: str
    name: str
    options: tuple[tuple[str, Any], ...]

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)

    def measure(self, *, groups: pd.DataFrame | None, edges: pd.DataFrame | None) -> Any:
        from diffusion import exposure

        o = dict(self.options)
        if self.kind.startswith("regional"):
            kw = {"lag": o["lag"], "group": o.get("group")}
            if self.kind == "regional_density":
                return exposure.regional_density(groups, **kw)
            fn = exposure.regional_share if self.kind == "regional_share" else exposure.regional_count
            return fn(groups, window=o["window"], **kw)
        if self.kind in ("world_share", "world_count"):
            return getattr(exposure, self.kind)(lag=o["lag"])
        return exposure.network(edges, weight=o.get("weight"), normalize=o.get("normalize", True),
                                lag=o["lag"], source=o.get("source", "source"),
                                target=o.get("target", "target"), time=o.get("time"))

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.options)
        return f"{self.name} = {self.kind}({args})"


def parse_exposure(text: str, *, lag: int = 1) -> ExposureSpec:
    """Parse ``kind[:key=value,...]`` (see ``python -m diffusion fit --help``).

    >>> parse_exposure("regional_share:window=5").name
    'regional_share5'
    >>> parse_exposure("network:weight=trade,normalize=false,name=trade_exp").get("normalize")
    False
    """
    def bad(msg: str) -> SpecificationError:
        return SpecificationError(f"--exposure {show(text)}: {msg}")

    kind, _, rest = str(text).strip().partition(":")
    kind = kind.strip()
    if kind not in EXPOSURE_KINDS:
        raise bad(f"unknown exposure {show(kind)}; choose one of "
                  f"{', '.join(EXPOSURE_KINDS)}.")
    allowed = EXPOSURE_KINDS[kind]
    options: dict[str, Any] = {}
    for item in [p for p in rest.split(",")] if rest.strip() else []:
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key or not value:
            raise bad(f"cannot read {show(item.strip())}; write key=value, e.g. "
                      f"{kind}:{allowed[0]}=...")
        if key not in allowed:
            raise bad(f"unknown option {show(key)} for {kind}; its options are "
                      f"{', '.join(allowed)}.")
        if key in options:
            raise bad(f"option {show(key)} is given twice.")
        if key in ("window", "lag"):
            number = whole_number(value)
            if number is None or number < 1:
                raise bad(f"{key} must be a whole number >= 1, got {show(value)}.")
            if number > MAX_LAG:
                raise bad(f"{key}={value} years is more than the {MAX_LAG} a risk set of "
                          f"years can use; give a number such as 5.")
            options[key] = number
        elif key == "normalize":
            if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise bad(f"normalize must be true or false, got {show(value)}.")
            options[key] = value.lower() in ("true", "yes", "1")
        else:
            options[key] = value
    for key in _REQUIRED.get(kind, ()):
        if key not in options:
            raise bad(f"{kind} needs {key}=N (years counted back), e.g. {kind}:{key}=5.")
    options.setdefault("lag", lag)
    name = options.pop("name", None)
    if name is None:
        name = kind + (str(options["window"]) if "window" in options else "")
    order = [k for k in allowed if k in options]
    return ExposureSpec(text, kind, name, tuple((k, options[k]) for k in order))


# =================================================================== inputs
@dataclass(frozen=True, eq=False)
class FitInputs:
    """The validated, typed tables of one ``fit`` run."""

    unit: str
    time: str
    events: pd.DataFrame
    membership: pd.DataFrame
    groups: pd.DataFrame | None
    covariates: pd.DataFrame | None
    edges: pd.DataFrame | None
    paths: dict[str, str]
    exposures: tuple[ExposureSpec, ...]
    #: how files were read, when it is worth saying (a file that is not UTF-8)
    notes: tuple[str, ...] = ()


def _pick_unit(events: Table, membership: Table, unit: str | None) -> str:
    if unit is not None:
        events.need([unit], "Check --unit.")
        membership.need([unit], "Check --unit (the unit column must have the same name "
                                "in every file).")
        return unit
    shared = [c for c in events.columns if c in membership.columns and c not in ("start", "end")]
    if not shared:
        raise DataError(
            f"{events.path} and {membership.path} share no column to identify the units "
            f"(events: {preview(events.columns)}; membership: {preview(membership.columns)}). "
            f"Name the unit column the same in both files, or pass --unit NAME.")
    return shared[0]


def _pick_time(events: Table, unit: str, time: str | None) -> str:
    if time is not None:
        if time == unit:
            raise SpecificationError(f"--time-col {show(time)} is the unit column; name the "
                                     f"column of event years.")
        events.need([time], "Check --time-col.")
        return time
    others = [c for c in events.columns if c != unit]
    if not others:
        raise DataError(f"{events.path}: no year column besides the unit column {show(unit)}; "
                        f"give each event's year in a column named year.")
    if "year" in others:
        return "year"
    if len(others) == 1:
        return others[0]
    raise DataError(f"{events.path}: cannot tell which column holds the event year among "
                    f"{preview(others)}; pass --time-col NAME.")


def load_inputs(
    *,
    events: str,
    membership: str,
    groups: str | None = None,
    covariates: str | None = None,
    edges: str | None = None,
    exposures: Sequence[str] = (),
    unit: str | None = None,
    time: str | None = None,
    lag: int = 1,
    sep: str = ",",
) -> FitInputs:
    """Read and check every file; return typed tables ready for the Python API."""
    if lag < 1 or lag > MAX_LAG:
        raise SpecificationError(f"--lag must be a whole number from 1 to {MAX_LAG}, got {lag}.")
    specs = tuple(parse_exposure(e, lag=lag) for e in exposures)
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpecificationError(
            f"several --exposure options make a column {preview(dup)}; give them "
            f"different names with name=..., e.g. regional_share:window=3,name=regional3.")
    for s in specs:
        if s.kind.startswith("regional") and groups is None:
            raise SpecificationError(f"--exposure {show(s.text)} needs a groups file: pass "
                                     f"--groups FILE (unit and region columns).")
        if s.kind == "network" and edges is None:
            raise SpecificationError(f"--exposure {show(s.text)} needs an edge list: pass "
                                     f"--edges FILE (source, target[, weight][, year]).")
    if edges is not None and not any(s.kind == "network" for s in specs):
        raise SpecificationError("--edges is given but no --exposure network uses it; add "
                                 "--exposure network (or drop --edges).")

    ev = read_table(events, role="events", sep=sep)
    mem = read_table(membership, role="membership", sep=sep)
    read = [ev, mem]
    for t, what in ((ev, "one row per adoption (unit, year)"),
                    (mem, "one row per membership spell (unit, start, end)")):
        if t.frame.empty:
            raise DataError(f"{t.path}: the file has a header line ({preview(t.columns)}) but "
                            f"no rows; the {t.role} file needs {what}.")
    unit = _pick_unit(ev, mem, unit)
    time = _pick_time(ev, unit, time)
    paths = {"events": events, "membership": membership}

    # ------------------------------------------------------ membership
    mem.need([unit, "start", "end"], "The membership file needs one row per spell: the unit, "
                                     "start and end (inclusive years; end empty if still a member).")
    m_units = unit_text(mem, unit)
    m_start = years(mem, "start")
    m_end = years(mem, "end", allow_missing=True)
    inverted = ~np.isnan(m_end) & (m_start > m_end)
    if inverted.any():
        raise mem.error("the spell starts after it ends; swap start and end.",
                        lines=mem.frame.index[inverted], column="start")

    # ------------------------------------------------------ events
    ev.need([unit, time], "Pass --unit / --time-col if the columns are named differently.")
    e_units = unit_text(ev, unit)
    e_years = years(ev, time)
    duplicates(ev, {unit: e_units, time: pd.Series(e_years, index=ev.frame.index)}, "event")
    several = e_units.duplicated(keep=False).to_numpy()
    if several.any():
        first = e_units[several].iloc[0]
        lines = ev.frame.index[(e_units == first).to_numpy()]
        raise ev.error(
            f"unit {show(first)} has several events ({int(e_units[several].nunique())} unit(s) "
            f"do). The fit command models the first adoption: keep one row per unit.",
            lines=lines, column=unit)
    known = set(m_units)
    unknown = ~e_units.isin(known).to_numpy()
    if unknown.any():
        first = e_units[unknown].iloc[0]
        raise ev.error(
            f"unit {show(first)} is not in the membership file {membership} "
            f"({int(unknown.sum())} unknown unit(s): {preview(list(dict.fromkeys(e_units[unknown])))}). "
            f"Check the codes, or add their membership spells.",
            lines=ev.frame.index[unknown], column=unit)

    as_int = all(int_like(v) for v in m_units) and all(int_like(v) for v in e_units)
    events_df = pd.DataFrame({unit: unit_values(e_units, as_int).to_numpy(),
                              time: e_years.astype(np.int64)})
    end_col = pd.array([None if np.isnan(v) else int(v) for v in m_end], dtype="Int64")
    membership_df = pd.DataFrame({unit: unit_values(m_units, as_int).to_numpy(),
                                  "start": m_start.astype(np.int64), "end": end_col})

    # ------------------------------------------------------ groups
    groups_df = None
    if groups is not None:
        gt = read_table(groups, role="groups", sep=sep)
        read.append(gt)
        paths["groups"] = groups
        gt.need([unit], "The groups file needs the unit column (named as in the events file) "
                        "and a group column such as region.")
        others = [c for c in gt.columns if c != unit]
        if not others:
            raise gt.error(f"no group column besides {show(unit)}; add one (e.g. region).")
        for s in specs:
            g = s.get("group")
            if s.kind.startswith("regional"):
                if g is not None:
                    gt.need([g], f"Check group= in --exposure {show(s.text)}.")
                elif len(others) > 1:
                    raise gt.error(
                        f"several group columns ({preview(others)}); choose one in the "
                        f"exposure, e.g. --exposure {s.kind}:"
                        f"{'window=5,' if 'window' in dict(s.options) else ''}group={others[0]}.")
        g_units = unit_text(gt, unit)
        duplicates(gt, {unit: g_units}, "unit")
        cols = {unit: unit_values(g_units, as_int).to_numpy()}
        for c in others:
            text = gt.text(c)
            miss = text.isna().to_numpy()
            if miss.any():
                raise gt.error(f"missing group ({int(miss.sum())} row(s)); every unit needs one.",
                               lines=gt.frame.index[miss], column=c)
            cols[c] = text.astype(object).to_numpy()
        groups_df = pd.DataFrame(cols)

    # ------------------------------------------------------ covariates
    cov_df = None
    if covariates is not None:
        ct = read_table(covariates, role="covariates", sep=sep)
        read.append(ct)
        paths["covariates"] = covariates
        ct.need([unit, time], "The covariates file needs the unit and year columns, named as "
                              "in the events file, and one column per covariate.")
        c_units = unit_text(ct, unit)
        c_years = years(ct, time)
        duplicates(ct, {unit: c_units, time: pd.Series(c_years, index=ct.frame.index)},
                   "unit-year")
        names = [c for c in ct.columns if c not in (unit, time)]
        if not names:
            raise ct.error("no covariate columns besides the unit and the year.")
        cols = {unit: unit_values(c_units, as_int).to_numpy(), time: c_years.astype(np.int64)}
        for c in names:
            cols[c] = numeric_or_text(ct, c).to_numpy()
        cov_df = pd.DataFrame(cols)

    # ------------------------------------------------------ edges
    edges_df = None
    if edges is not None:
        et = read_table(edges, role="edges", sep=sep)
        read.append(et)
        paths["edges"] = edges
        net = [s for s in specs if s.kind == "network"]
        cols: dict[str, Any] = {}
        for s in net:
            src, dst = s.get("source", "source"), s.get("target", "target")
            et.need([src, dst], "Name the columns source and target, or say which they are: "
                                "--exposure network:source=COL,target=COL.")
            for c in (src, dst):
                if c not in cols:
                    cols[c] = unit_values(unit_text(et, c), as_int).to_numpy()
            w = s.get("weight")
            if w is not None and w not in cols:
                et.need([w], f"Check weight= in --exposure {show(s.text)}.")
                values = numeric_or_text(et, w)
                if values.dtype == object:
                    raise et.error("weights must be numbers.", column=w)
                cols[w] = values.to_numpy()
            t = s.get("time")
            if t is not None and t not in cols:
                et.need([t], f"Check time= in --exposure {show(s.text)}.")
                cols[t] = years(et, t).astype(np.int64)
        edges_df = pd.DataFrame(cols)

    notes = tuple(f"{t.path} is not UTF-8; read as {t.encoding}." for t in read
                  if t.encoding != "utf-8")
    return FitInputs(unit, time, events_df, membership_df, groups_df, cov_df, edges_df, paths,
                     specs, notes)


# =================================================================== model
#: unit-years the command line builds (a typo such as --end 99999 is refused up front)
MAX_UNIT_YEARS = 5_000_000

#: Python keywords in the library's messages and the command-line flags that set them
_FLAGS = (
    ("pass end= to close the window", "pass --end YEAR to close the window"),
    ("raise FitControl(max_iter=...)",
     "fit through the Python API with a higher FitControl(max_iter=...)"),
    ("the window start=/end=", "the window --start/--end"),
    ("outside='censor'", "--outside censor"),
    ("pass start= and end=", "pass --start and --end"),
    ("cov_type=", "--cov-type "), ("cluster=", "--cluster "), ("start=", "--start "),
    ("end=", "--end "), ("lag=", "--lag "), ("ties=", "--ties "), ("link=", "--model "),
)


def cli_message(message: str) -> str:
    """A library message on one line, its Python keywords (``end=``) replaced by the
    command-line flags that set them (``--end``)."""
    import re

    msg = " ".join(str(message).split())
    for keyword, flag in _FLAGS:
        # whole keywords only: 'end=' but not 'trend='
        msg = re.sub(r"(?<![\w-])" + re.escape(keyword), flag, msg)
    return msg.replace("  ", " ")


def _blame(path: str, exc: DiffusionError) -> DiffusionError:
    """The library's error, prefixed with the file it concerns (same class)."""
    msg = cli_message(str(exc))
    try:
        return type(exc)(f"{path}: {msg}")
    except Exception:  # pragma: no cover - an error class with another signature
        return DataError(f"{path}: {msg}")


def _risk_set_culprit(inputs: FitInputs, exc: DiffusionError) -> str:
    """The file a RiskSet.from_events error concerns: events only when it is about events."""
    msg = str(exc).lower()
    about_events = any(w in msg for w in ("event", "adopter", "adopted")) and not any(
        w in msg for w in ("spell", "unit-periods", "window"))
    return inputs.paths["events" if about_events else "membership"]


def window_notes(inputs: FitInputs, *, start: int | None, end: int | None) -> list[str]:
    """Plain notes on a --start/--end outside the years the files hold."""
    years_seen = [inputs.events[inputs.time].to_numpy(dtype="float64"),
                  inputs.membership["start"].to_numpy(dtype="float64"),
                  inputs.membership["end"].dropna().to_numpy(dtype="float64")]
    if inputs.covariates is not None:
        years_seen.append(inputs.covariates[inputs.time].to_numpy(dtype="float64"))
    seen = np.concatenate(years_seen)
    first, last = int(np.nanmin(seen)), int(np.nanmax(seen))
    notes = []
    if end is not None and end > last:
        notes.append(f"the files end in {last}; --end {end} adds {end - last} year(s) that no "
                     f"file mentions: units whose membership has no end stay at risk in them "
                     f"and cannot adopt (no event is recorded after {last}).")
    if start is not None and start < first:
        notes.append(f"the files begin in {first}; --start {start} adds no year before it "
                     f"(units are at risk from their membership start).")
    return notes


def build_risk_set(inputs: FitInputs, *, start: int | None = None, end: int | None = None,
                   lag: int = 1, outside: str = "error", show_progress: bool | None = None):
    """The risk set with covariates, exposures and group columns, as the API builds it."""
    from diffusion import RiskSet

    if start is not None and end is not None and start > end:
        raise SpecificationError(f"--start {start} is after --end {end}; swap them.")
    open_ended = inputs.membership["end"].isna().to_numpy()
    if end is None and open_ended.all():
        raise DataError(f"{inputs.paths['membership']}: every membership spell is open-ended "
                        f"(column 'end' empty), so the study has no last year; pass --end "
                        f"YEAR.")
    lo = np.maximum(inputs.membership["start"].to_numpy(dtype="int64"),
                    start if start is not None else np.iinfo(np.int64).min)
    ends = inputs.membership["end"].to_numpy(dtype="float64", na_value=np.nan)
    last = end if end is not None else int(max(np.nanmax(ends) if (~open_ended).any() else
                                               -np.inf, inputs.membership["start"].max()))
    hi = np.minimum(np.where(np.isnan(ends), last, ends), last)
    size = int(np.clip(hi - lo + 1, 0, None).sum())
    if size > MAX_UNIT_YEARS:
        raise SpecificationError(
            f"the risk set would hold {size} unit-years ({len(lo)} membership spells, "
            f"{int(lo.min())} to {last}), more than the {MAX_UNIT_YEARS} "
            f"the command line builds; check --start/--end and the years in "
            f"{inputs.paths['membership']}.")
    try:
        rs = RiskSet.from_events(inputs.events, unit=inputs.unit, time=inputs.time,
                                 membership=inputs.membership, start=start, end=end,
                                 outside=outside)
    except DiffusionError as exc:
        raise _blame(_risk_set_culprit(inputs, exc), exc) from exc
    if inputs.covariates is not None:
        try:
            rs = rs.with_covariates(inputs.covariates, lag=lag)
        except DiffusionError as exc:
            raise _blame(inputs.paths["covariates"], exc) from exc
    for spec in progress(inputs.exposures, desc="exposures", enabled=show_progress):
        path = (inputs.paths["edges"] if spec.kind == "network" else
                inputs.paths["groups"] if spec.kind.startswith("regional") else
                f"--exposure {show(spec.text)}")
        try:
            rs = rs.with_exposure(spec.name, spec.measure(groups=inputs.groups,
                                                          edges=inputs.edges))
        except DiffusionError as exc:
            raise _blame(path, exc) from exc
    if inputs.groups is not None:
        # static unit attributes (e.g. region) for fixed effects: C(region)
        frame = rs.frame
        g = inputs.groups
        # an explicit index dtype: set_index on text would re-infer it (a FutureWarning
        # under pandas 2.x with future.infer_string)
        units = pd.Index(g[inputs.unit].to_numpy(), dtype=g[inputs.unit].dtype)
        extra = {c: frame[inputs.unit].map(pd.Series(g[c].to_numpy(), index=units)).to_numpy()
                 for c in g.columns if c != inputs.unit and c not in frame.columns}
        if extra:
            rs = rs.assign(**extra)
    return rs


def default_formula(inputs: FitInputs) -> str:
    """``event ~`` every exposure and every covariate column (in file order)."""
    terms = [s.name for s in inputs.exposures]
    if inputs.covariates is not None:
        terms += [c for c in inputs.covariates.columns if c not in (inputs.unit, inputs.time)]
    if not terms:
        raise SpecificationError(
            "nothing to fit: pass --formula, or --exposure / --covariates whose columns then "
            "make the default formula.")
    return "event ~ " + " + ".join(terms)


def fit_model(rs, *, formula: str, model: str, time: str | None, cov_type: str,
              cluster: str | None, ties: str = "efron", firth: bool = False):
    """Fit ``model`` on the risk set exactly as the Python API would.

    ``firth=True`` fits the discrete-time model by bias-reduced maximum likelihood
    (:class:`~diffusion.FirthHazard`); a separation error otherwise suggests it.
    """
    from diffusion import CoxHazard, DiscreteTimeHazard, FirthHazard
    from diffusion.errors import SeparationError

    if model == "cox" and time not in (None, "none"):
        raise SpecificationError(
            f"--time {time} applies to discrete-time models; a Cox model leaves the "
            f"baseline hazard unspecified. Drop --time (or use --model cloglog).")
    if model == "cox" and firth:
        raise SpecificationError("--firth fits discrete-time models (cloglog, logit, probit); "
                                 "drop it or choose --model cloglog.")
    if cov_type != "cluster" and cluster is not None:
        raise SpecificationError(f"--cluster is only used with --cov-type cluster, not {cov_type}.")
    try:
        if model == "cox":
            spec = CoxHazard.from_formula(formula, rs, ties=ties)
        else:
            term = "cubic" if time is None else (None if time == "none" else time)
            cls = FirthHazard if firth else DiscreteTimeHazard
            spec = cls.from_formula(formula, rs, link=model, time=term)
    except SpecificationError as exc:
        hint = ""
        if "absent from the risk set" in str(exc):
            hint = (" (the columns are: event, the unit and year, the --covariates columns, "
                    "the --exposure names and the --groups columns)")
        raise type(exc)(f"--formula: {cli_message(str(exc))}{hint}") from exc
    try:
        return spec.fit(cov_type=cov_type, cluster=cluster)
    except SeparationError as exc:
        hint = "" if firth or model == "cox" else " Rerun with --firth for bias-reduced estimates."
        raise SeparationError(cli_message(str(exc)) + hint) from exc
    except DiffusionError as exc:
        msg = cli_message(str(exc))
        if cluster is not None and "cluster column" in msg:
            raise type(exc)(f"--cluster: {msg}") from exc
        if "design column" in msg:
            raise type(exc)(f"--formula: {msg}") from exc
        raise type(exc)(msg) from exc


def events_per_parameter_warning(res, *, fixed_design: bool = False,
                                 firth_option: bool = True) -> str | None:
    """The warning printed before the results when events are few per parameter, else None.

    Every estimated coefficient but the intercept counts: covariates, exposures and
    time terms (see :data:`MIN_EPP`). ``fixed_design`` (treaty, replicate: the user
    cannot drop terms) and ``firth_option`` (the command has ``--firth``) shape the
    advice.
    """
    n_par = sum(1 for t in res.params.index if t != "Intercept")
    n_events = int(res.n_events)
    if n_par == 0 or n_events >= MIN_EPP * n_par:
        return None
    firth = "Firth" in str(res.model) or "bias-reduced" in str(res.model)
    if firth:
        advice = "Firth estimates reduce the small-sample bias but not the imprecision"
    elif fixed_design and not firth_option:
        advice = "read the verdicts as tentative (the published design is kept as printed)"
    elif fixed_design:
        advice = "read the verdicts as tentative, or rerun with --firth for bias-reduced estimates"
    else:
        advice = "use fewer terms, or rerun with --firth for bias-reduced estimates"
    return (f"warning: {n_events} events for {n_par} estimated parameters besides the "
            f"intercept ({n_events / n_par:.1f} per parameter): fewer than {MIN_EPP} events per "
            f"estimated parameter, so the estimates, p-values and any verdict below are "
            f"unreliable; {advice}.")


def results_json(res, inputs: FitInputs, rs, formula: str) -> dict[str, Any]:
    """Estimates and their context as plain JSON types."""
    def floats(s: pd.Series) -> dict[str, float]:
        return {str(k): float(v) for k, v in s.items()}

    ci = res.conf_int()
    return {
        "model": res.model, "formula": formula, "time_term": res.time_term,
        "cov_type": res.cov_type, "cluster": res.cluster, "n_clusters": res.n_clusters,
        "params": floats(res.params), "std_errors": floats(res.std_errors),
        "z_stats": floats(res.z_stats), "p_values": floats(res.p_values),
        "conf_int": {"lower": floats(ci["lower"]), "upper": floats(ci["upper"]), "level": 0.95},
        "n_obs": res.n_obs, "n_events": res.n_events, "n_units": res.n_units,
        "loglik": float(res.loglik), "aic": float(res.aic), "bic": float(res.bic),
        "window": [rs.start, rs.end], "unit": inputs.unit, "time": inputs.time,
        "exposures": {s.name: s.describe() for s in inputs.exposures},
        "files": dict(inputs.paths), "notes": [str(n) for n in res.notes],
    }
