"""Pooled event history: many processes (policies, treaties) over one set of units.

:func:`pooled_from_events` builds the risk set behind
``RiskSet.from_events(events, unit=, time=, process="policy", ...)``: each unit is at
risk of each process until it adopts it (Boehmke 2009; Kreitzer & Boehmke 2016). The
rows are ``(process, unit, time)``, sorted in that order, and the frame keeps the
process column, so that models can absorb process effects
(``DiscreteTimeHazard.from_formula(..., absorb=["policy", "year"])``), cluster by
process, or stratify a Cox model by it.

The window of each process
--------------------------
* **Start.** By default a process's window opens in the year of its first adoption by
  any unit. This is the convention of the SPID authors (Boehmke, Brockway, Desmarais,
  Harden, LaCombe, Linder & Wallach 2020): in the README of their dynamic
  innovativeness scores, "Adoption opportunities begin in the year the policy was
  first adopted by any state". The first adopter's adoption year is therefore a row at
  risk (with ``event = 1``), and the years before it, when no unit could have copied
  anyone, are not. A table ``process_start=`` (columns: the process column and
  ``start``) gives other windows, e.g. the year a model law was drafted; units that
  adopted before their process's start are excluded from that process and counted.
  A global ``start=`` moves every window's start to ``start`` at the earliest (SPID's
  dynamic scores, for instance, use only policies first adopted in 1912 or later).
* **End.** ``end=`` closes every window (``end=2017`` for SPID). Without it a process's
  window closes in the year of its last adoption by any unit, again SPID's convention
  ("end in the year of adoption (if adopted) or the year of the last observed
  adoption by any state"); a process without adopters then needs ``end=``.

Exposure within processes
-------------------------
Every exposure measure is computed within each process: :func:`compute_within` hands
the measure one single-process risk set per process (its rows, its window and a history
holding only that process's adoptions) and stitches the values back, so a measure
counts the adoptions of the row's own process only -- never another policy's. Measures
that know how to do this for all processes at once (``compute_pooled``) are used
directly; they must give the same values (tests/test_pooled.py checks every measure
against a loop over single-process risk sets).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_ROWS,
    check_columns,
    check_frame,
    check_hashable,
    check_option,
    check_years,
    listing,
    preview,
    show,
)
from diffusion.data.history import OPEN_END, History
from diffusion.errors import (
    DataError,
    InvalidEventError,
    InvalidTimeError,
    MembershipError,
    SpecificationError,
)

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import Measure, RiskSet

__all__ = ["Processes", "pooled_from_events", "compute_within", "process_risk_sets"]


@dataclass(frozen=True, eq=False)
class Processes:
    """The processes of a pooled risk set, their windows and their adoptions.

    Attributes
    ----------
    column : str
        Name of the process column of the frame.
    names : pandas.Index
        The processes, in the order of the frame (sorted).
    start, end : numpy.ndarray
        Each process's window (inclusive years).
    bounds : numpy.ndarray
        Row offsets: the rows of process ``k`` are ``bounds[k]:bounds[k + 1]`` of the
        frame (the frame is sorted by process).
    event_process, event_unit, event_time : numpy.ndarray
        Every adoption (including adoptions before the window), as codes into
        :attr:`names` and the history's units.
    """

    column: str
    names: pd.Index
    start: np.ndarray
    end: np.ndarray
    bounds: np.ndarray
    event_process: np.ndarray
    event_unit: np.ndarray
    event_time: np.ndarray

    def history(self, base: History, k: int) -> History:
        """The history of process ``k``: the units' spells and that process's adoptions."""
        lo, hi = np.searchsorted(self.event_process, [k, k + 1])
        return replace(base, event_unit=self.event_unit[lo:hi], event_time=self.event_time[lo:hi])


def _check_process_values(values: pd.Series, *, name: str, column: str) -> pd.Series:
    check_hashable(values, name=name, column=column)
    missing = values.isna().to_numpy()
    if missing.any():
        raise DataError(
            f"{name} has {int(missing.sum())} row(s) without a process in column {show(column)} "
            f"(rows {preview(list(values.index[missing]))}). Fill or drop them.")
    return values


def _start_table(table: Any, process: str, known: pd.Index) -> pd.Series:
    """``process_start=``: one start year per process (index: process)."""
    check_frame(table, name="process_start")
    check_columns(table, [process, "start"], name="process_start")
    names = _check_process_values(table[process], name="process_start", column=process)
    years = check_years(table, "start", name="process_start", unit=process).astype(np.int64)
    out = pd.Series(years, index=pd.Index(names.to_numpy()))
    dup = out.index[out.index.duplicated()]
    if len(dup):
        raise SpecificationError(
            f"process_start lists {len(dup.unique())} process(es) more than once: "
            f"{preview(list(dup.unique()))}. Give one start per process.")
    return out


def pooled_from_events(
    cls: type[RiskSet],
    events: pd.DataFrame,
    *,
    unit: str,
    time: str,
    process: str,
    membership: pd.DataFrame | None,
    units: Any,
    start: int | None,
    end: int | None,
    process_start: pd.DataFrame | None,
    outside: str,
    event: str,
    labels: Any,
) -> RiskSet:
    """Build a pooled risk set (see the module docstring and :meth:`RiskSet.from_events`)."""
    from diffusion.data import riskset as _rs

    check_frame(events, name="events")
    if not isinstance(process, str) or not process:
        raise SpecificationError(f"process must be a column name, got {show(process)}.")
    check_columns(events, [unit, time, process], name="events")
    outside = check_option(outside, ("error", "censor"), name="outside")
    if len({unit, time, process}) < 3:
        raise SpecificationError("unit, time and process must name three different columns.")
    if not isinstance(event, str) or not event or event in (unit, time, process):
        raise SpecificationError(
            f"event must be a non-empty column name other than unit, time and process, got "
            f"{show(event)}.")
    if not len(events):
        raise DataError("events has no rows; a pooled risk set needs the adoptions.")
    name_of = _rs._labeller(_rs._check_labels(labels))
    ev_units = _rs._check_units(events[unit], name="events", column=unit)
    ev_years = check_years(events, time, name="events", unit=unit).astype(np.int64)
    ev_proc = _check_process_values(events[process], name="events", column=process)
    ev = pd.DataFrame({"p": ev_proc.to_numpy(), "u": ev_units.to_numpy(), "t": ev_years})
    ev = ev.sort_values(["p", "u", "t"], kind="mergesort").reset_index(drop=True)
    twice = ev.duplicated(["p", "u"], keep=False)
    if twice.any():
        bad = ev.loc[twice].groupby(["p", "u"], sort=False)["t"].apply(list).head(5)
        shown = listing([f"{name_of(u)} in {show(p)} ({', '.join(map(str, ts))})"
                         for (p, u), ts in bad.items()])
        raise InvalidEventError(
            f"events has several adoptions of the same process by {int(twice.sum())} row(s): "
            f"{shown}. Keep each unit's first adoption of each process.")

    start = _rs._check_window_bound(start, "start")
    end = _rs._check_window_bound(end, "end")
    if membership is not None and units is not None:
        raise SpecificationError("pass membership or units, not both.")
    if membership is None and units is None:
        raise SpecificationError(
            "a pooled risk set needs the units that never adopted: pass membership "
            "(spells unit, start, end) or units (every unit, at risk in every process window).")
    spells = (_rs._check_membership(membership, unit) if membership is not None
              else _rs._spells_from_units(units, unit))

    known = pd.Index(spells["u"].unique())
    absent = ev.loc[~ev["u"].isin(known)]
    if len(absent):
        source = "the membership table" if membership is not None else "units"
        shown = listing([f"{name_of(u)} ({show(p)}, {t})"
                         for p, u, t in zip(absent.p, absent.u, absent.t)])
        raise MembershipError(
            f"{absent['u'].nunique()} adopter(s) are absent from {source}: {shown}. Add them "
            f"(or drop their adoptions if they are not part of the population).")

    # ---------------- the processes and their windows -----------------
    first = ev.groupby("p", sort=True)["t"].min()
    last = ev.groupby("p", sort=True)["t"].max()
    names = first.index
    table = None
    if process_start is not None:
        table = _start_table(process_start, process, names)
        names = names.union(table.index, sort=False)
        try:
            names = names.sort_values()
        except TypeError:
            raise SpecificationError(
                f"process names mix kinds that cannot be sorted "
                f"({preview(sorted({type(x).__name__ for x in names}))}); use text names."
            ) from None
    p_start = first.reindex(names).to_numpy(dtype="float64")
    if table is not None:
        given = table.reindex(names).to_numpy(dtype="float64")
        p_start = np.where(np.isnan(given), p_start, given)
    no_adopters = names[first.reindex(names).isna().to_numpy()]
    if start is not None:
        p_start = np.maximum(p_start, start)
    if end is not None:
        p_end = np.full(len(names), float(end))
    else:
        p_end = last.reindex(names).to_numpy(dtype="float64")
        if len(no_adopters):
            raise SpecificationError(
                f"{len(no_adopters)} process(es) of process_start have no adoptions "
                f"({preview(list(no_adopters))}), so their windows have no end; pass end=.")
    p_start = p_start.astype(np.int64)
    p_end = p_end.astype(np.int64)
    empty = p_start > p_end
    if empty.all():
        raise InvalidTimeError(
            f"every process window is empty (its start is after end={end}). Check start=, "
            f"end= and process_start.")
    notes: list[Note] = []
    if len(names) == 1:
        notes.append(Note(
            "one_process", 1,
            f"the process column {show(process)} holds one process ({show(names[0])}); a "
            f"pooled risk set of one process is that process's risk set (omit process= for "
            f"the usual one).",
        ))
    if len(no_adopters):
        notes.append(Note(
            "process_no_adopters", len(no_adopters),
            f"{len(no_adopters)} process(es) have no adoptions ({preview(list(no_adopters))}); "
            f"their rows are all 0 (a model absorbing process effects drops them).",
        ))
    if empty.any():
        notes.append(Note(
            "process_empty_window", int(empty.sum()),
            f"{int(empty.sum())} process(es) have an empty window (start after end) and no "
            f"rows: {preview(list(names[empty]))}.",
        ))

    # ---------------- events while not a member ------------------------
    status = _rs._event_status(spells, ev[["u", "t"]])
    is_outside = status == "outside"
    if is_outside.any():
        bad = ev.loc[is_outside]
        shown = listing([f"{name_of(r.u)} in {r.t} ({show(r.p)}; {_rs._spells_text(spells, r.u)})"
                         for r in bad.head(5).itertuples()])
        if outside == "error":
            raise MembershipError(
                f"{int(is_outside.sum())} adoption(s) fall in a year the unit was not a member "
                f"of the system: {shown}. Check the years or the spells, or pass "
                f"outside='censor' to censor such units (in that process) when they left.")
        notes.append(Note(
            "event_outside_membership", int(is_outside.sum()),
            f"{int(is_outside.sum())} adoption(s) fall in a year the unit was not a member; the "
            f"unit is censored in that process when it left: {shown}.",
        ))

    # ---------------- expand (process x spell) into rows ----------------
    history = _rs._history(spells, ev[["u", "t"]].iloc[:0])  # units: every spell's unit
    units_index = history.units
    order = spells.assign(code=units_index.get_indexer(spells["u"]))
    try:
        order = order.sort_values(["u", "start"], kind="mergesort")
    except TypeError:
        order = order.sort_values(["code", "start"], kind="mergesort")
    s_code = order["code"].to_numpy(np.int64)
    s_lo = order["start"].to_numpy(np.int64)
    s_hi = order["end"].to_numpy(np.int64)
    n_p, n_s = len(names), len(order)
    lo = np.maximum(s_lo[None, :], p_start[:, None]).ravel()
    hi = np.minimum(s_hi[None, :], p_end[:, None]).ravel()
    pk = np.repeat(np.arange(n_p), n_s)
    uk = np.tile(s_code, n_p)
    keep = lo <= hi
    lengths = (hi - lo + 1)[keep]
    total = int(lengths.sum())
    if total > MAX_ROWS:
        raise SpecificationError(
            f"the pooled risk set would hold {total} process-unit-periods ({n_p} processes), "
            f"more than the {MAX_ROWS} diffusion builds. Narrow the windows (start=, end=, "
            f"process_start) or the processes.")
    r_p = np.repeat(pk[keep], lengths)
    r_u = np.repeat(uk[keep], lengths)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    r_t = np.repeat(lo[keep], lengths) + (np.arange(total) - offsets)

    n_u = len(units_index)
    e_p = names.get_indexer(ev["p"])
    e_u = units_index.get_indexer(ev["u"])
    e_t = ev["t"].to_numpy(np.int64)
    pair_event = np.full(n_p * n_u, np.iinfo(np.int64).max, dtype=np.int64)
    pair_event[e_p * n_u + e_u] = e_t
    r_pair = r_p * n_u + r_u
    first_row = np.full(n_p * n_u, np.iinfo(np.int64).max, dtype=np.int64)
    # rows are sorted by (process, unit, time): a pair's first row starts each run
    starts = np.flatnonzero(np.r_[True, r_pair[1:] != r_pair[:-1]]) if total else np.array([], int)
    first_row[r_pair[starts]] = r_t[starts]

    ev_first = first_row[e_p * n_u + e_u]
    has_rows = ev_first < np.iinfo(np.int64).max
    before = has_rows & (e_t < ev_first) & ~is_outside
    after = e_t > p_end[e_p]
    excluded = np.zeros(n_p * n_u, dtype=bool)
    excluded[(e_p * n_u + e_u)[before]] = True
    ev_year = pair_event[r_pair]
    if is_outside.any():
        # censored in that process when it left: rows before the adoption, all 0
        cens = np.zeros(n_p * n_u, dtype=bool)
        cens[(e_p * n_u + e_u)[is_outside]] = True
        keep_rows = ~excluded[r_pair] & np.where(cens[r_pair], r_t < ev_year, r_t <= ev_year)
        is_event = (r_t == ev_year) & ~cens[r_pair]
    else:
        keep_rows = ~excluded[r_pair] & (r_t <= ev_year)
        is_event = r_t == ev_year

    def per_process(mask: np.ndarray) -> str:
        counts = pd.Series(e_p[mask]).value_counts(sort=False).sort_index()
        return listing([f"{show(names[k])}: {int(c)}" for k, c in counts.items()], 8)

    if after.any():
        notes.append(Note(
            "censored_after_window", int(after.sum()),
            f"{int(after.sum())} adoption(s) fall after their process's window end and are "
            f"censored there (per process: {per_process(after)}).",
        ))
    if before.any():
        notes.append(Note(
            "adopted_before_risk", int(before.sum()),
            f"{int(before.sum())} (unit, process) pair(s) had the adoption before the unit's "
            f"first year at risk of that process and are excluded from it; they still count "
            f"as adopters in exposure measures (per process: {per_process(before)}).",
        ))
    pair_rows = np.zeros(n_p * n_u, dtype=bool)
    pair_rows[r_pair] = True
    never = ~pair_rows.reshape(n_p, n_u).any(axis=0)
    member = np.zeros(n_u, dtype=bool)
    member[s_code] = True
    never &= member
    if never.any():
        notes.append(Note(
            "no_member_years", int(never.sum()),
            f"{int(never.sum())} unit(s) were never members inside any process window and have "
            f"no rows: {listing([name_of(u) for u in units_index[never]])}.",
        ))

    r_p, r_u, r_t = r_p[keep_rows], r_u[keep_rows], r_t[keep_rows]
    if not len(r_t):
        raise DataError("no unit is at risk of any process inside its window; check the "
                        "windows and the membership spells.")
    frame = pd.DataFrame({
        process: names.take(r_p),
        unit: units_index.take(r_u),
        time: r_t.astype(np.int64),
        event: is_event[keep_rows].astype(np.int64),
    })
    frame.columns = pd.Index([process, unit, time, event])
    bounds = np.searchsorted(r_p, np.arange(n_p + 1))
    rows_per = np.diff(bounds)
    events_per = np.bincount(r_p, weights=frame[event].to_numpy(), minlength=n_p)
    notes.insert(0, Note(
        "pooled", n_p,
        f"pooled risk set: {n_p} process(es) in column {show(process)}, {len(frame)} rows at "
        f"risk, {int(events_per.sum())} events; rows per process from {int(rows_per.min())} to "
        f"{int(rows_per.max())} (windows from the first adoption"
        f"{' or process_start' if table is not None else ''} to "
        f"{'end=' + str(end) if end is not None else 'the last adoption'}).",
    ))
    e_order = np.lexsort((e_t, e_p))
    procs = Processes(
        column=process, names=names, start=p_start, end=p_end, bounds=bounds,
        event_process=e_p[e_order].astype(np.int64), event_unit=e_u[e_order].astype(np.int64),
        event_time=e_t[e_order],
    )
    # the risk set's own history holds every adoption of every process; exposure
    # measures never read it directly (compute_within hands them one process at a time)
    history = replace(history, event_unit=procs.event_unit, event_time=procs.event_time)
    ok = ~empty
    rs = cls(frame, unit, time, event, int(p_start[ok].min()), int(p_end[ok].max()), False,
             history, tuple(notes), (), _rs._check_labels(labels), process=process,
             processes=procs)
    return rs


def process_risk_sets(risk_set: RiskSet):
    """Yield ``(k, name, rows, single-process RiskSet)`` for every process with rows."""
    procs: Processes = risk_set.processes
    frame = risk_set._frame
    for k, name in enumerate(procs.names):
        lo, hi = int(procs.bounds[k]), int(procs.bounds[k + 1])
        if hi <= lo:
            continue
        sub = replace(risk_set, _frame=frame.iloc[lo:hi], start=int(procs.start[k]),
                      end=int(procs.end[k]), history=procs.history(risk_set.history, k),
                      notes=(), added=(), process=None, processes=None)
        yield k, name, slice(lo, hi), sub


def compute_within(risk_set: RiskSet, measure: Measure) -> tuple[np.ndarray, tuple[Note, ...]]:
    """Values of ``measure`` computed within each process of a pooled risk set.

    A measure with ``compute_pooled(risk_set)`` computes all processes at once; any
    other measure is computed on one single-process risk set per process. Notes of
    the same kind are summed over processes.
    """
    pooled = getattr(measure, "compute_pooled", None)
    if pooled is not None:
        return pooled(risk_set)
    from diffusion.data.riskset import _check_measure_output

    out = np.empty(len(risk_set._frame), dtype=np.float64)
    collected: dict[str, list[tuple[Any, Note]]] = {}
    for _, name, rows, sub in process_risk_sets(risk_set):
        values, notes = _check_measure_output(measure.compute(sub), measure, rows.stop - rows.start)
        out[rows] = values
        for n in notes:
            collected.setdefault(n.kind, []).append((name, n))
    return out, merge_notes(collected)


def merge_notes(collected: dict[str, list[tuple[Any, Note]]]) -> tuple[Note, ...]:
    """One note per kind, summed over processes, with the first process's message."""
    merged = []
    for kind, items in collected.items():
        total = sum(n.count for _, n in items)
        name, first = items[0]
        merged.append(Note(kind, total, (
            f"{total} in {len(items)} process(es); e.g. in {show(name)}: {first.message}"
            if len(items) > 1 else f"in {show(name)}: {first.message}")))
    return tuple(merged)
