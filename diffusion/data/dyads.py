"""Directed-dyad event history: one row per (unit, source, year) at risk.

A directed-dyad risk set (Volden 2006; Boehmke 2009) asks *from whom* a unit learns:
each row pairs a unit at risk of adopting (the monadic risk set's row ``(unit, t)``)
with one other unit, the **source**, a potential model. The event of the row is the
unit's adoption in ``t``; dyadic covariates (contiguity, distance, ideological
difference) and the attributes of both sides then say which sources are emulated.

Which sources (the rule)
------------------------
``sources="adopted"`` (default)
    Row ``(i, j, t)`` exists iff ``(i, t)`` is in the monadic risk set, ``j != i``,
    ``j`` was a member in ``t - 1`` and ``j`` had adopted in a year ``<= t - 1``.
    These are the dyads in which an emulation of ``j`` by ``i`` is possible. Boehmke
    (2009, "Potential ambiguities in a directed dyad approach to state policy
    emulation", Political Methodology working paper 699, abstract) shows that keeping
    every dyad "can produce misleading estimates in favor of policy emulation"
    ("since early adopters are policy leaders, later adopters will appear to emulate
    them") and proposes "conditioning on the opportunity to emulate", which "is much
    less likely to produce inaccurate findings": this rule. Volden (2006, "States as
    policy laboratories", AJPS) introduced the "directed dyad-year event history
    analysis" for policy diffusion (policy changes in the Children's Health Insurance
    Program, 1998-2001); only its abstract was read for this module, so whether its
    dyads are restricted in exactly this way is not verified here. Consequence: a
    unit-year at risk in which no other unit had adopted yet has no row -- in
    particular **the first adopters' events have no dyad** (counted in
    :attr:`~diffusion.data.riskset.RiskSet.notes`, kind ``no_source``).
``sources="all"``
    Every other unit that was a member in ``t - 1`` is a source (the unconditional
    dyadic model; put "the source had adopted by ``t - 1``" in the model as a
    covariate if wanted). Each unit-year at risk is repeated ``n - 1`` times.

Other designs exist and are not built here: an outcome defined per dyad (the unit
takes up *the source's* version of a policy, or moves toward it) rather than the unit's
adoption, and sources restricted to recent adopters. The event here is always
the unit's adoption in ``t``: a unit that adopts is at risk, and has ``event = 1``,
in every one of its dyads of that year.

Conventions
-----------
* The rule is evaluated in ``t - 1``, the year whose information the unit can use in
  ``t``; a source that adopted in ``t`` itself is not yet a source in ``t``.
* Sources are all units the risk set knows (members, adopters, and units excluded
  from the monadic risk set because they adopted before entering it).
* The frame is ordered by (process,) unit, year, source, and keeps the monadic
  columns (``unit``, ``time``, ``event``, the process) plus ``source`` and ``dyad``,
  an integer key of the directed pair (``unit code * n_units + source code``), which
  is the risk set's :attr:`unit`: models cluster by dyad by default, and by unit with
  ``fit(cluster=<unit column>)``. Duration clocks (``entry_times``) count from the
  *unit's* first year at risk, not the dyad's.
* With ``process=`` (pooled event history, :mod:`diffusion.data.pooled`) the rule
  holds within each process, and the dyad key ignores the process (a cluster is
  the directed pair across processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_ROWS,
    check_columns,
    check_frame,
    check_hashable,
    check_option,
    check_positive_int,
    check_unique,
    check_years,
    listing,
    preview,
    show,
)
from diffusion.data.riskset import RiskSet
from diffusion.errors import DataError, SpecificationError

__all__ = ["DyadRiskSet"]

Rule = Literal["adopted", "all"]
Side = Literal["unit", "source", "both"]


@dataclass(frozen=True, eq=False)
class DyadRiskSet(RiskSet):
    """A directed-dyad risk set: rows (unit, source, year); a :class:`RiskSet` keyed by dyad.

    Build it with :meth:`from_events`. It is a :class:`~diffusion.data.riskset.RiskSet`
    whose unit is the dyad key, so every model accepts it; :attr:`monad` names the
    unit column and :attr:`source` the source column. See the module docstring for
    the rule choosing the sources.

    Attributes
    ----------
    monad : str
        Name of the (monadic) unit column.
    source : str
        Name of the source column.
    rule : {"adopted", "all"}
        The source rule.
    monadic : RiskSet
        The monadic risk set the dyads expand.
    """

    monad: str = ""
    source: str = "source"
    rule: str = "adopted"
    monadic: RiskSet | None = field(default=None, repr=False)
    unit_entry: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_dyads(self) -> int:
        """Number of distinct directed dyads with at least one row."""
        return int(self._frame[self.unit].nunique())

    def __repr__(self) -> str:
        return (
            f"DyadRiskSet({self.n_obs} dyad-years, {self.n_dyads} dyads, "
            f"{int(self._frame[self.monad].nunique())} units, {self.n_events} event rows, "
            f"sources={self.rule!r}, {self.time} {self.start}-{self.end}, "
            f"{len(self.notes)} notes)"
        )

    # ------------------------------------------------------------ constructor
    @classmethod
    def from_events(  # type: ignore[override]
        cls,
        events: pd.DataFrame,
        *,
        unit: str,
        time: str,
        membership: pd.DataFrame | None = None,
        units: Any = None,
        start: int | None = None,
        end: int | None = None,
        process: str | None = None,
        process_start: pd.DataFrame | None = None,
        sources: Rule = "adopted",
        source: str = "source",
        dyad: str = "dyad",
        event: str = "event",
        outside: str = "error",
        labels: Any = None,
    ) -> DyadRiskSet:
        """Build the directed-dyad risk set from adoption events and membership.

        Parameters
        ----------
        events, unit, time, membership, units, start, end, process, process_start, event, outside, labels
            As in :meth:`diffusion.RiskSet.from_events`, which builds the monadic risk
            set (the unit-years at risk) that the dyads expand.
        sources : {"adopted", "all"}, default "adopted"
            Which other units are sources of row ``(unit, t)``: those that were members
            in ``t - 1`` and had adopted by ``t - 1`` (Boehmke 2009's conditional
            emulation model, see the module docstring), or all members in ``t - 1``.
        source, dyad : str
            Names of the source column and of the integer dyad-key column.

        Returns
        -------
        DyadRiskSet

        Raises
        ------
        SpecificationError
            On clashing column names, an unknown rule, or more than
            :data:`~diffusion.data.checks.MAX_ROWS` dyad-years (refused before the
            rows are allocated).
        DataError
            As :meth:`diffusion.RiskSet.from_events`; or when no dyad is at risk.

        Notes
        -----
        Row ``(i, j, t)`` exists iff ``(i, t)`` is in the monadic risk set, ``j != i``,
        ``j`` is a member in ``t - 1`` and (rule ``"adopted"``) ``j``'s adoption year is
        ``<= t - 1``; its event is the monadic event of ``(i, t)``. The rows are
        expanded with integer codes and ``numpy.repeat``; there is no loop over dyads.

        Examples
        --------
        >>> import pandas as pd
        >>> from diffusion import DyadRiskSet
        >>> ev = pd.DataFrame({"state": ["A", "B"], "year": [2001, 2003]})
        >>> d = DyadRiskSet.from_events(ev, unit="state", time="year",
        ...                             units=["A", "B", "C"], start=2000, end=2003)
        >>> d.frame[["state", "source", "year", "event"]]
          state source  year  event
        0     B      A  2002      0
        1     B      A  2003      1
        2     C      A  2002      0
        3     C      A  2003      0
        """
        rule = check_option(sources, ("adopted", "all"), name="sources")
        for name, value in (("source", source), ("dyad", dyad)):
            if not isinstance(value, str) or not value:
                raise SpecificationError(
                    f"{name} must be a non-empty column name, got {show(value)}.")
        taken = [c for c in (unit, time, event, process) if c is not None]
        clash = [c for c in (source, dyad) if c in taken]
        if clash or source == dyad:
            raise SpecificationError(
                f"the dyad risk set creates columns {show(source)} (source=) and {show(dyad)} "
                f"(dyad=); they must differ from each other and from the unit, time, event "
                f"and process columns {preview(taken)}. Pass other names.")
        mono = RiskSet.from_events(
            events, unit=unit, time=time, membership=membership, units=units, start=start,
            end=end, event=event, outside=outside, labels=labels, process=process,
            process_start=process_start)
        hist = mono.history
        n = len(hist.units)
        mf = mono._frame
        t = mf[time].to_numpy(np.int64)
        ucode = hist.codes(mf[unit].to_numpy())
        # adoption year of every unit (per process): a (K, n) table, "never" = huge
        never = np.iinfo(np.int64).max
        if process is not None:
            procs = mono.processes
            n_proc = len(procs.names)
            kcode = np.asarray(procs.names.get_indexer(pd.Index(mf[process].to_numpy())),
                               dtype=np.int64)
            adopt = np.full((n_proc, n), never, dtype=np.int64)
            # several rows per (process, unit) cannot occur (one adoption each)
            np.minimum.at(adopt, (procs.event_process, procs.event_unit), procs.event_time)
        else:
            n_proc = 1
            kcode = np.zeros(len(mf), dtype=np.int64)
            adopt = np.full((1, n), never, dtype=np.int64)
            np.minimum.at(adopt, (np.zeros(len(hist.event_unit), dtype=np.int64),
                                  hist.event_unit), hist.event_time)
        # one "column" per (process, year) present in the rows: its eligible sources
        y0 = int(t.min())
        n_years = int(t.max()) - y0 + 1
        col_key, inv = np.unique(kcode * n_years + (t - y0), return_inverse=True)
        inv = inv.reshape(-1)
        col_k = col_key // n_years
        col_y = col_key % n_years + y0 - 1          # the year t - 1 the rule looks at
        member = hist.member_matrix(y0 - 1, y0 + n_years - 2)   # (n, n_years) for t - 1
        eligible = member[:, col_y - (y0 - 1)].T             # (n_cols, n)
        if rule == "adopted":
            eligible = eligible & (adopt[col_k] <= col_y[:, None])
        counts = eligible.sum(axis=1).astype(np.int64)
        rows_k, rows_j = np.nonzero(eligible)                 # row-major: by column, then source
        offsets = np.concatenate([[0], np.cumsum(counts)])
        cnt = counts[inv]
        self_in = eligible[inv, ucode]
        total = int(cnt.sum()) - int(self_in.sum())
        if total > MAX_ROWS:
            raise SpecificationError(
                f"the dyad risk set would hold {total} dyad-years ({len(mf)} unit-years at "
                f"risk times their sources, {n} units), more than the {MAX_ROWS} diffusion "
                f"builds in memory. Narrow the window (start=, end=), pass fewer units, or "
                f"use sources='adopted'.")
        del rows_k
        # expand: row r of the monadic frame gets the sources of its column, skipping the
        # unit itself: the k-th output source is list[k], or list[k + 1] from the unit's
        # own place in the list on (positions fit in int32: at most MAX_ROWS rows)
        own = np.cumsum(eligible, axis=1, dtype=np.int64)[inv, ucode] - 1   # unit's place
        n_out = cnt - self_in
        start_r = offsets[inv]
        skip_at = np.where(self_in, start_r + own, np.iinfo(np.int64).max)
        rep = np.repeat(np.arange(len(mf), dtype=np.int32), n_out)
        pos = np.arange(total, dtype=np.int64)
        pos += np.repeat(start_r - (np.cumsum(n_out) - n_out), n_out)
        pos += pos >= np.repeat(skip_at, n_out)
        src = rows_j.astype(np.int32)[pos]
        del pos
        if not len(rep):
            raise DataError(
                f"no dyad is at risk: no unit-year at risk in {mono.start}-{mono.end} has a "
                f"source under sources={rule!r}"
                + (" (no other unit had adopted before it)" if rule == "adopted" else "")
                + ". Widen the window or pass sources='all'.")
        notes = list(mono.notes)
        has_dyad = np.zeros(len(mf), dtype=bool)
        has_dyad[rep] = True
        lost = ~has_dyad
        if lost.any():
            ev = mf[event].to_numpy()
            lost_events = int(ev[lost].sum())
            shown = listing([f"{mono.label(u)} in {y}" for u, y in
                             zip(mf[unit].to_numpy()[lost & (ev == 1)][:5],
                                 t[lost & (ev == 1)][:5])])
            why = ("no other unit had adopted by t-1" if rule == "adopted"
                   else "no other unit was a member in t-1")
            notes.append(Note(
                "no_source", int(lost.sum()),
                f"{int(lost.sum())} unit-year(s) at risk have no dyad ({why}); "
                f"{lost_events} of them are adoptions that the dyadic model does not see"
                + (f": {shown}" if lost_events else "") + ".",
            ))
        cols: dict[str, Any] = {}
        if process is not None:
            cols[process] = mf[process].to_numpy()[rep]
        known = hist.units.to_numpy()
        cols[unit] = known[ucode[rep]]
        cols[source] = known[src]
        cols[time] = t[rep]
        cols[event] = mf[event].to_numpy()[rep]
        cols[dyad] = ucode[rep] * n + src.astype(np.int64)
        # copy=False: no consolidation of the columns into 2-D blocks (a full copy)
        frame = pd.DataFrame(cols, copy=False)
        entry = mono.entry_times().to_numpy(np.int64)[rep]
        return cls(frame, dyad, time, event, mono.start, mono.end, False, hist, tuple(notes),
                   (), mono.labels, process, mono.processes, unit, source, rule, mono, entry)

    @classmethod
    def from_panel(cls, *args: Any, **kwargs: Any) -> DyadRiskSet:  # type: ignore[override]
        """Not available: build dyads with :meth:`from_events`, or wrap a ready dyad panel
        with :meth:`diffusion.RiskSet.from_panel` (``unit=`` the dyad key)."""
        raise SpecificationError(
            "DyadRiskSet.from_panel is not available: use DyadRiskSet.from_events, or wrap "
            "a ready dyad-year panel with RiskSet.from_panel(frame, unit=<dyad key>, ...).")

    # ------------------------------------------------------------- access
    def entry_times(self) -> pd.Series:
        """First year at risk of each row's *unit* (per process), the duration clock's origin."""
        return pd.Series(self.unit_entry, index=self._frame.index, name=self.time)

    def single_history(self, what: str):
        """Refused: plots and placebo tests read a monadic history; use :attr:`monadic`."""
        raise SpecificationError(
            f"{what} reads a monadic adoption history; this is a directed-dyad risk set. "
            f"Use its .monadic risk set.")

    def with_exposure(self, name: str, measure: Any) -> DyadRiskSet:  # type: ignore[override]
        """Refused: exposure measures are monadic (compute them on :attr:`monadic` and join
        them with :meth:`with_covariates`)."""
        raise SpecificationError(
            "exposure measures count a unit's peers, not a dyad's: compute them on the "
            ".monadic risk set, or use with_dyad_covariates for a source-specific term.")

    # ---------------------------------------------------------- covariates
    def with_covariates(self, table: pd.DataFrame, *, lag: int = 1,  # type: ignore[override]
                        side: Side = "both") -> DyadRiskSet:
        """Join monadic covariates observed in ``t - lag`` for the unit and/or the source.

        Parameters
        ----------
        table : DataFrame
            Columns :attr:`monad` and :attr:`time` (the unit and year names) plus the
            covariates; one row per unit-year. Units absent from the risk set are ignored.
        lag : int, default 1
            Row ``t`` receives the values of ``t - lag`` (``lag >= 1``: never the year of
            the event or later).
        side : {"unit", "source", "both"}, default "both"
            Whose values to join: the unit's (columns suffixed ``_unit``), the source's
            (``_source``), or both.

        Returns
        -------
        DyadRiskSet
            Rows without a value in ``t - lag`` get NaN (counted in :attr:`notes`).
        """
        lag = check_positive_int(lag, name="lag")
        side = check_option(side, ("unit", "source", "both"), name="side")
        keys = [self.monad, self.time]
        table, years, names = self._check_table(table, keys, what="unit-year",
                                                name="covariates")
        sides = ["unit", "source"] if side == "both" else [side]
        new = [f"{c}_{s}" for s in sides for c in names]
        self._check_new(new)
        codes = self.history.codes(table[self.monad].to_numpy())
        ok = codes >= 0           # other units cannot match any row
        lookup = pd.Index(_key(codes[ok], years[ok] + lag, self._y0(), self._ny()))
        rows_t = self._frame[self.time].to_numpy(np.int64)
        fu, fs = self._codes()
        added: dict[str, Any] = {}
        for s in sides:
            rcodes = fu if s == "unit" else fs
            pos = lookup.get_indexer(_key(rcodes, rows_t, self._y0(), self._ny()))
            for c in names:
                values = table[c].to_numpy()[ok]
                added[f"{c}_{s}"] = pd.api.extensions.take(values, pos, allow_fill=True)
        return self._join(added, f"covariates lagged {lag} year(s)", lag)

    def with_dyad_covariates(self, table: pd.DataFrame, *, lag: int = 1) -> DyadRiskSet:
        """Join dyadic covariates (contiguity, distance, ideological difference).

        Parameters
        ----------
        table : DataFrame
            Columns :attr:`monad` (the unit) and ``source`` (the source, under that
            column name), optionally :attr:`time`, plus the covariates; one row per
            directed dyad (per year when :attr:`time` is a column). A symmetric measure
            must be listed in both directions. Every unit and source must be known to
            the risk set (a misspelt code would otherwise silently join nothing).
        lag : int, default 1
            With a year column: row ``t`` receives the values of ``t - lag``
            (``lag >= 1``). Without one, the values are constant and ``lag`` is unused.

        Returns
        -------
        DyadRiskSet
            Rows without a value get NaN (counted in :attr:`notes`).

        Raises
        ------
        DataError
            Unknown units or sources (named), duplicated dyads or dyad-years, missing
            columns, bad years.
        """
        lag = check_positive_int(lag, name="lag")
        check_frame(table, name="dyad covariates")
        timed = self.time in table.columns
        keys = [self.monad, self.source] + ([self.time] if timed else [])
        table, years, names = self._check_table(
            table, keys, what="dyad-year" if timed else "dyad", name="dyad covariates")
        self._check_new(names)
        ucodes = self.history.codes(table[self.monad].to_numpy())
        scodes = self.history.codes(table[self.source].to_numpy())
        for col, codes in ((self.monad, ucodes), (self.source, scodes)):
            if (codes < 0).any():
                unknown = pd.unique(table[col].to_numpy()[codes < 0])
                raise DataError(
                    f"dyad covariates column {show(col)} has {len(unknown)} value(s) that are "
                    f"not units of the risk set: {preview(unknown)}. Fix the codes (or drop "
                    f"those rows); known units are e.g. {preview(self.history.units[:5])}.")
        n = len(self.history.units)
        fu, fs = self._codes()
        if timed:
            lookup = pd.Index(_key(ucodes * n + scodes, years + lag, self._y0(), self._ny()))
            pos = lookup.get_indexer(_key(fu * n + fs, self._frame[self.time].to_numpy(np.int64),
                                          self._y0(), self._ny()))
        else:
            pos = pd.Index(ucodes * n + scodes).get_indexer(fu * n + fs)
        added = {c: pd.api.extensions.take(table[c].to_numpy(), pos, allow_fill=True)
                 for c in names}
        return self._join(added, f"dyad covariates lagged {lag} year(s)" if timed
                          else "dyad covariates", lag if timed else 0)

    # ------------------------------------------------------------ helpers
    def _codes(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows' unit and source codes (into ``history.units``), read off the dyad key."""
        key = self._frame[self.unit].to_numpy(np.int64)
        n = len(self.history.units)
        return key // n, key % n

    def _y0(self) -> int:
        return int(self._frame[self.time].min())

    def _ny(self) -> int:
        return int(self._frame[self.time].max()) - self._y0() + 1

    def _check_table(self, table: pd.DataFrame, keys: list[str], *, what: str,
                     name: str) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
        check_frame(table, name=name)
        check_columns(table, keys, name=name)
        for k in keys:
            if k != self.time:
                check_hashable(table[k], name=name, column=k)
        if self.time in keys:
            years = check_years(table, self.time, name=name, unit=self.monad).astype(np.int64)
        else:
            years = np.zeros(len(table), dtype=np.int64)
        key_frame = pd.DataFrame({k: (years if k == self.time else table[k].to_numpy())
                                  for k in keys})
        check_unique(key_frame, keys, name=name, what=what)
        names = [c for c in table.columns if c not in keys]
        if not names:
            raise SpecificationError(f"{name} has no columns besides {preview(keys)}.")
        return table, years, names

    def _check_new(self, names: list[str]) -> None:
        clash = [c for c in names if c in self._frame.columns]
        if clash:
            raise SpecificationError(
                f"column(s) {preview(clash)} already exist in the dyad risk set; rename them "
                f"before joining.")

    def _join(self, added: dict[str, Any], what: str, lag: int) -> DyadRiskSet:
        # a shallow copy: new columns go to the copy only; the stored frame is never
        # mutated and its (large) columns are not duplicated
        frame = self._frame.copy(deep=False)
        notes = list(self.notes)
        missing: dict[str, int] = {}
        for c, values in added.items():
            frame[c] = values
            n_missing = int(pd.isna(frame[c]).sum())
            if n_missing:
                missing[c] = n_missing
        if missing:
            shown = ", ".join(f"{show(c)}: {k}" for c, k in missing.items())
            when = f" in t-{lag}" if lag else ""
            notes.append(Note(
                "covariate_missing", max(missing.values()),
                f"{what} have no value{when} for some dyad-years ({shown}); models using "
                f"them drop those rows listwise.",
            ))
        return replace(self, _frame=frame, notes=tuple(notes),
                       added=self.added + tuple(added))


def _key(codes: np.ndarray, years: np.ndarray, y0: int, n_years: int) -> np.ndarray:
    """Integer key of (code, year) for years in ``[y0, y0 + n_years)``; -1 outside.

    Out-of-range years (never a row's year) get distinct negative keys so that
    they cannot collide with the rows' keys.
    """
    codes = np.asarray(codes, dtype=np.int64)
    off = np.asarray(years, dtype=np.int64) - y0
    inside = (off >= 0) & (off < n_years) & (codes >= 0)
    return np.where(inside, codes * n_years + off, -1 - np.arange(len(off), dtype=np.int64))
