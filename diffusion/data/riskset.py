"""The risk set: one row per unit and period at risk of the event.

:class:`RiskSet` is built once, at the boundary, from raw tables
(:meth:`RiskSet.from_events`, :meth:`RiskSet.from_panel`); the constructors check
everything, and the object is immutable afterwards: :meth:`RiskSet.with_covariates`
and :meth:`RiskSet.with_exposure` return new risk sets.

Conventions
-----------
* Times are whole periods (years). Membership spells are inclusive: a spell
  ``(start=1960, end=1990)`` makes the unit a member in 1960 and in 1990.
* A unit is at risk in year ``t`` when ``t`` lies in the study window
  ``[start, end]``, the unit is a member in ``t``, and it has not had its event
  before ``t``. The event year is the last row (``event = 1``), unless
  ``repeated=True``.
* A unit whose event falls before its first year at risk (suffrage granted under
  colonial rule, a treaty ratified before the window opens) is *not* at risk:
  it is excluded from the rows, counted in :attr:`RiskSet.notes`, and still
  counts as an adopter in every exposure measure.
* Events after the window end are right-censored at the window end (counted in
  the notes).
* Times are whole numbers of periods. Date columns (``datetime64``, ``Timestamp``
  or ``date`` objects) are refused with an :class:`~diffusion.errors.InvalidTimeError`
  naming the column, never converted: pass ``table[col].dt.year``. Times beyond
  ``+-10**8`` and risk sets of more than ``5 * 10**7`` unit-periods are refused before
  anything is allocated (:data:`diffusion.data.checks.MAX_TIME`, ``MAX_ROWS``).
* Every input table must have unique column names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_ROWS,
    MAX_TIME,
    show,
    check_columns,
    check_frame,
    check_hashable,
    check_int_range,
    check_option,
    check_positive_int,
    check_unique,
    check_units,
    check_years,
    listing,
    not_scalar,
    preview,
)
from diffusion.data.history import OPEN_END, OPEN_START, History
from diffusion.errors import (
    DataError,
    DuplicateKeyError,
    InvalidEventError,
    InvalidTimeError,
    MembershipError,
    SpecificationError,
)

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["RiskSet", "Measure"]


class Measure(Protocol):
    """What :meth:`RiskSet.with_exposure` needs from an exposure measure."""

    def compute(self, risk_set: RiskSet) -> tuple[np.ndarray, tuple[Note, ...]]:
        """Return one value per row of ``risk_set.frame`` and the notes it took."""
        ...  # pragma: no cover


@dataclass(frozen=True, eq=False)
class RiskSet:
    """Unit-periods at risk of an event, with the history needed for exposure.

    Do not call the constructor directly; use :meth:`from_events` or
    :meth:`from_panel`.

    Attributes
    ----------
    unit, time, event : str
        Column names of the unit identifier, the period, and the 0/1 event.
    start, end : int
        The study window (inclusive).
    repeated : bool
        Whether units return to risk after an event (a ``spell`` column counts them).
    notes : tuple of Note
        Every decision taken on the data, counted.
    history : History
        Membership spells and event times of every unit (for exposure measures).
    """

    _frame: pd.DataFrame
    unit: str
    time: str
    event: str
    start: int
    end: int
    repeated: bool
    history: History = field(repr=False)
    notes: tuple[Note, ...] = ()
    added: tuple[str, ...] = ()
    labels: Mapping[Any, Any] | None = field(default=None, repr=False)
    #: pooled event history (``from_events(process=...)``): the process column and the
    #: processes' windows and adoptions (:class:`diffusion.data.pooled.Processes`)
    process: str | None = None
    processes: Any = field(default=None, repr=False)

    def label(self, unit: Any) -> str:
        """How notes and messages show ``unit``: its label (``labels=``), else its identifier."""
        return _labeller(self.labels)(unit)

    # ------------------------------------------------------------------ access
    @property
    def frame(self) -> pd.DataFrame:
        """A copy of the rows at risk: ``unit``, ``time``, ``event`` and added columns."""
        return self._frame.copy()

    @property
    def n_obs(self) -> int:
        """Number of unit-periods at risk."""
        return int(len(self._frame))

    @property
    def n_events(self) -> int:
        """Number of events in the rows at risk."""
        return int(self._frame[self.event].sum())

    @property
    def n_units(self) -> int:
        """Number of distinct units with at least one row at risk."""
        return int(self._frame[self.unit].nunique())

    @property
    def spell(self) -> str | None:
        """Name of the spell-counter column (``repeated=True`` only)."""
        return "spell" if self.repeated else None

    def __repr__(self) -> str:
        return (
            f"RiskSet({self.n_obs} rows at risk, {self.n_units} units, {self.n_events} "
            f"events, {self.time} {self.start}-{self.end}, {len(self.notes)} notes)"
        )

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_events(
        cls,
        events: pd.DataFrame,
        *,
        unit: str,
        time: str,
        membership: pd.DataFrame | None = None,
        units: Sequence[Any] | None = None,
        start: int | None = None,
        end: int | None = None,
        repeated: bool = False,
        outside: str = "error",
        event: str = "event",
        labels: Any = None,
        process: str | None = None,
        process_start: pd.DataFrame | None = None,
    ) -> RiskSet:
        """Build the risk set from adoption events and state-system membership.

        Parameters
        ----------
        events : DataFrame
            One row per event (adoption), columns ``unit`` and ``time``. Units that
            never adopt are absent here and come from ``membership`` or ``units``.
        unit, time : str
            Column names of the unit identifier and the event year in ``events``
            (``unit`` also names the unit column of ``membership``).
        membership : DataFrame, optional
            Membership spells with columns ``unit``, ``start`` and ``end``
            (inclusive years; several spells per unit allowed, e.g. COW re-entries;
            a missing ``end`` means the unit is still a member).
        units : sequence, optional
            Instead of ``membership``: every unit, at risk for the whole window.
            Requires ``start`` and ``end``.
        start, end : int, optional
            Study window (inclusive). Default: the span of the membership spells.
        repeated : bool, default False
            Units return to risk the year after an event; a ``spell`` column counts
            the unit's events before each row plus one.
        outside : {"error", "censor"}, default "error"
            What to do with an event in a year the unit was not a member (it had
            left the system, e.g. under occupation). ``"error"`` refuses it;
            ``"censor"`` keeps the unit's rows before the event with ``event = 0``
            (it is censored when it left) and no rows after, counted in the notes.
        event : str, default "event"
            Name of the 0/1 event column the risk set creates (name it after the
            outcome, e.g. ``"suffrage"``, so that tables of several models say which
            event each one explains).
        labels : mapping or Series, optional
            How notes show units, ``{identifier: label}``: e.g. when the risk set is keyed
            by COW numbers converted from the user's ISO3 codes, ``{2: "USA", ...}``
            makes every note list ``'USA'`` rather than ``2``. Units without a label are
            shown by their identifier. The rows keep the identifiers.
        process : str, optional
            Pooled event history: the column of ``events`` naming the process (policy,
            treaty). Each unit is at risk of each process until it adopts it; rows are
            ``(process, unit, time)`` and the frame keeps the process column. Each
            process's window opens at its first adoption (SPID's convention) and closes
            at ``end=`` (default: its last adoption); exposures are computed within each
            process. See :mod:`diffusion.data.pooled`.
        process_start : DataFrame, optional
            With ``process``: columns ``process`` and ``start``, the year each listed
            process's window opens (instead of its first adoption).

        Returns
        -------
        RiskSet

        Raises
        ------
        DataError
            On missing columns, bad years, duplicate events, several events per
            unit without ``repeated``, malformed spells, adopters absent from the
            membership table, events while the unit was not a member.
        SpecificationError
            When neither ``membership`` nor ``units`` is given (a risk set of
            adopters only selects on the outcome), or both are, or the window is empty.

        Notes
        -----
        Row ``(i, t)`` is in the risk set iff ``start <= t <= end``, ``i`` is a
        member in ``t`` and ``i`` has no event in any year ``< t``; its event value
        is ``1`` iff ``t`` is the event year. Units whose event lies before their
        first year at risk are excluded and counted in :attr:`notes`.

        Examples
        --------
        >>> import pandas as pd
        >>> from diffusion import RiskSet
        >>> ev = pd.DataFrame({"country": ["A"], "year": [1902]})
        >>> mem = pd.DataFrame({"country": ["A", "B"], "start": [1900, 1901], "end": [1905, 1903]})
        >>> RiskSet.from_events(ev, unit="country", time="year", membership=mem).frame
          country  year  event
        0       A  1900      0
        1       A  1901      0
        2       A  1902      1
        3       B  1901      0
        4       B  1902      0
        5       B  1903      0
        """
        if process is not None or process_start is not None:
            if process is None:
                raise SpecificationError("process_start= needs process= (the process column).")
            if repeated is not False:
                raise SpecificationError(
                    "a pooled risk set (process=) has one adoption per unit and process; "
                    "repeated=True is not supported with process=.")
            from diffusion.data.pooled import pooled_from_events

            return pooled_from_events(
                cls, events, unit=unit, time=time, process=process, membership=membership,
                units=units, start=start, end=end, process_start=process_start,
                outside=outside, event=event, labels=labels)
        check_frame(events, name="events")
        check_columns(events, [unit, time], name="events")
        repeated = _check_flag(repeated, "repeated")
        outside = check_option(outside, ("error", "censor"), name="outside")
        if unit == time:
            raise SpecificationError("unit and time must name different columns.")
        if not isinstance(event, str) or not event:
            raise SpecificationError(f"event must be a non-empty column name, got {show(event)}.")
        for created in (event, "spell") if repeated else (event,):
            if created in (unit, time):
                raise SpecificationError(
                    f"{show(created)} is the name of a column the risk set creates; "
                    f"rename your unit or time column."
                )
        name_of = _labeller(_check_labels(labels))
        ev_units = _check_units(events[unit], name="events", column=unit)
        ev_years = check_years(events, time, name="events", unit=unit).astype(np.int64)
        # sorted once, so that notes and messages do not depend on the row order
        ev = pd.DataFrame({"u": ev_units.to_numpy(), "t": ev_years})
        ev = ev.sort_values(["u", "t"], kind="mergesort").reset_index(drop=True)
        check_unique(ev.rename(columns={"u": unit, "t": time}), [unit, time],
                     name="events", what="event")
        if not repeated:
            counts = ev.groupby("u", sort=False)["t"].size()
            several = counts[counts > 1]
            if len(several):
                shown = listing(
                    [f"{name_of(u)} ({', '.join(map(str, sorted(ev.loc[ev.u == u, 't'])))})"
                     for u in several.index[:5]]
                )
                raise InvalidEventError(
                    f"events has several events for {len(several)} unit(s): {shown}. "
                    f"Keep the first adoption per unit, or pass repeated=True to let "
                    f"units return to risk after each event."
                )

        start = _check_window_bound(start, "start")
        end = _check_window_bound(end, "end")
        if membership is not None and units is not None:
            raise SpecificationError("pass membership or units, not both.")
        if membership is None and units is None:
            raise SpecificationError(
                "a risk set needs the units that never adopted: pass membership "
                "(spells unit, start, end) or units (all units at risk for the whole "
                "window). A risk set of adopters only selects on the outcome."
            )
        if membership is not None:
            spells = _check_membership(membership, unit)
        else:
            if start is None or end is None:
                raise SpecificationError(
                    "with units=, pass the study window start= and end= as well."
                )
            spells = _spells_from_units(units, unit)

        finite_ends = spells.loc[spells["end"] < OPEN_END, "end"]
        if start is None:
            start = int(spells["start"].min())
        if end is None:
            if len(finite_ends):
                end = int(max(finite_ends.max(), spells["start"].max()))
            else:
                raise SpecificationError(
                    "every membership spell is open-ended; pass end= to close the window."
                )
        if start > end:
            raise InvalidTimeError(
                f"the study window is empty: start={start} is after end={end}. "
                f"Swap them or widen the window."
            )

        # -------- every adopter must be in the membership table ------------
        known = pd.Index(spells["u"].unique())
        absent = ev.loc[~ev["u"].isin(known)]
        if len(absent):
            source = "the membership table" if membership is not None else "units"
            shown = listing([f"{name_of(u)} (event in {t})" for u, t in zip(absent.u, absent.t)])
            raise MembershipError(
                f"{absent['u'].nunique()} adopter(s) are absent from {source}: {shown}. "
                f"Add their membership spells (or drop their events if they are not "
                f"part of the population)."
            )

        history = _history(spells, ev)
        notes: list[Note] = []

        # -------- events while not a member -------------------------------
        ev_status = _event_status(spells, ev)
        is_outside = ev_status == "outside"
        if is_outside.any():
            bad = ev.loc[is_outside]
            shown = listing(
                [f"{name_of(r.u)} in {r.t} ({_spells_text(spells, r.u)})"
                 for r in bad.head(5).itertuples()]
            )
            if outside == "error":
                raise MembershipError(
                    f"{int(is_outside.sum())} event(s) fall in a year the unit was not a "
                    f"member of the system (it had left or not yet re-entered): {shown}. "
                    f"Check the event year or the membership spells, or pass "
                    f"outside='censor' to censor such units when they left."
                )
            notes.append(Note(
                "event_outside_membership", int(is_outside.sum()),
                f"{int(is_outside.sum())} event(s) fall in a year the unit was not a member; "
                f"the unit is censored when it left and does not return to risk: {shown}.",
            ))

        # -------- expand spells into member-years inside the window --------
        lo = np.maximum(spells["start"].to_numpy(), start)
        hi = np.minimum(spells["end"].to_numpy(), end)
        keep = lo <= hi
        lengths = (hi - lo + 1)[keep]
        if lengths.sum() > MAX_ROWS:
            raise SpecificationError(
                f"the risk set would hold {int(lengths.sum())} unit-periods ({int(keep.sum())} "
                f"spell(s) over the window {start}-{end}), more than the {MAX_ROWS} diffusion "
                f"builds. Check the window start=/end= and the membership years."
            )
        rows_u = np.repeat(spells["u"].to_numpy()[keep], lengths)
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows_t = np.repeat(lo[keep], lengths) + (np.arange(lengths.sum()) - offsets)
        rows = pd.DataFrame({"u": rows_u, "t": rows_t.astype(np.int64)})

        no_rows = pd.Index(spells["u"].unique()).difference(pd.Index(rows["u"].unique()))
        if len(no_rows):
            notes.append(Note(
                "no_member_years", len(no_rows),
                f"{len(no_rows)} unit(s) were never members inside the window "
                f"{start}-{end} and have no rows: {listing([name_of(u) for u in no_rows])}.",
            ))

        first_at_risk = rows.groupby("u", sort=False)["t"].min()
        ev_first = ev["u"].map(first_at_risk)
        before = ev_first.notna().to_numpy() & (ev["t"].to_numpy() < ev_first.to_numpy())
        after = ev["t"].to_numpy() > end
        if after.any():
            late = ev.loc[after]
            notes.append(Note(
                "censored_after_window", int(after.sum()),
                f"{int(after.sum())} event(s) fall after the window end {end} and are "
                f"censored there: {listing([f'{name_of(u)} ({t})' for u, t in zip(late.u, late.t)])}.",
            ))
        if before.any():
            early = ev.loc[before]
            shown = listing([f"{name_of(u)} ({t}; first at risk {int(first_at_risk[u])})"
                             for u, t in zip(early.u, early.t)])
            if repeated:
                notes.append(Note(
                    "event_before_risk", int(before.sum()),
                    f"{int(before.sum())} event(s) fall before the unit's first year at "
                    f"risk and are not risk-set events (they still count as adoptions "
                    f"in exposure and in the spell counter): {shown}.",
                ))
            else:
                notes.append(Note(
                    "adopted_before_risk", int(before.sum()),
                    f"{int(before.sum())} unit(s) had their event before their first year "
                    f"at risk (e.g. adoption before independence or before {start}) and "
                    f"are excluded from the risk set; they still count as adopters in "
                    f"exposure measures: {shown}.",
                ))

        event_key = pd.MultiIndex.from_arrays([ev["u"], ev["t"]])
        row_key = pd.MultiIndex.from_arrays([rows["u"], rows["t"]])
        is_event = row_key.isin(event_key)
        if repeated:
            # spell = 1 + number of the unit's events strictly before t (all events,
            # including those before the window).
            prior = _count_prior(ev, rows)
            frame = pd.DataFrame({unit: rows["u"].to_numpy(), time: rows["t"].to_numpy(),
                                  event: is_event.astype(np.int64),
                                  "spell": (prior + 1).astype(np.int64)})
        else:
            ev_year = rows["u"].map(ev.set_index("u")["t"])
            ev_year_arr = ev_year.to_numpy(dtype="float64", na_value=np.nan)
            excluded = rows["u"].isin(ev.loc[before, "u"]).to_numpy()
            keep_rows = ~excluded & (np.isnan(ev_year_arr) | (rows["t"].to_numpy() <= ev_year_arr))
            frame = pd.DataFrame({unit: rows["u"].to_numpy()[keep_rows],
                                  time: rows["t"].to_numpy()[keep_rows],
                                  event: is_event[keep_rows].astype(np.int64)})
        frame = frame.sort_values([unit, time], kind="mergesort").reset_index(drop=True)
        if not len(frame):
            raise DataError(
                f"no unit is at risk inside the window {start}-{end}. Check the window "
                f"and the membership spells."
            )
        return cls(frame, unit, time, event, int(start), int(end), bool(repeated),
                   history, tuple(notes), (), _check_labels(labels))

    @classmethod
    def from_panel(
        cls,
        frame: pd.DataFrame,
        *,
        unit: str,
        time: str,
        event: str,
        membership: pd.DataFrame | None = None,
        repeated: bool = False,
    ) -> RiskSet:
        """Wrap and validate a unit-period panel that is already a risk set.

        Parameters
        ----------
        frame : DataFrame
            One row per unit-period at risk; ``event`` is 0/1. Other columns stay
            available as covariates.
        unit, time, event : str
            Column names.
        membership : DataFrame, optional
            Spells (``unit``, ``start``, ``end``) used by exposure measures to know
            who was a member in ``t - lag``. Without it a unit counts as a member
            in the years it has rows, and an adopter stays a member from its event
            to the end of the panel.
        repeated : bool, default False
            Allow several events per unit (rows after an event are then allowed).

        Raises
        ------
        DataError
            On missing columns, duplicate unit-periods, bad times, event values
            other than 0/1, several events per unit, rows after the event.
        """
        check_frame(frame, name="panel")
        check_columns(frame, [unit, time, event], name="panel")
        repeated = _check_flag(repeated, "repeated")
        if not len(frame):
            raise DataError("panel has no rows; give one row per unit-period at risk.")
        if len({unit, time, event}) < 3:
            raise SpecificationError("unit, time and event must name three different columns.")
        units_col = _check_units(frame[unit], name="panel", column=unit)
        years = check_years(frame, time, name="panel", unit=unit).astype(np.int64)
        # on the years as read, so that 1990 and "1990" are one key
        check_unique(pd.DataFrame({unit: units_col.to_numpy(), time: years}), [unit, time],
                     name="panel", what="unit-period")
        raw_event = frame[event]
        if raw_event.dtype == object:
            odd = raw_event.map(not_scalar).to_numpy(dtype=bool)
            if odd.any():
                where = np.flatnonzero(odd)[:5]
                raise InvalidEventError(
                    f"panel column {show(event)} holds {int(odd.sum())} value(s) that are not "
                    f"0 or 1 but objects, e.g. "
                    f"{listing([f'{show(units_col.iloc[i])} in {years[i]}' for i in where])}. "
                    f"Recode the event as 0/1.")
        values = pd.to_numeric(raw_event, errors="coerce")
        bad = ~values.isin([0, 1]).to_numpy()
        if bad.any():
            where = np.flatnonzero(bad)[:5]
            shown = listing([f"{show(units_col.iloc[i])} in {years[i]} ({show(raw_event.iloc[i])})"
                             for i in where])
            raise InvalidEventError(
                f"panel column {show(event)} must hold 0 or 1; {int(bad.sum())} row(s) do "
                f"not (missing or other values): {shown}. Recode the event as 0/1."
            )
        out = frame.copy()
        out[unit] = units_col.to_numpy()
        out[time] = years
        out[event] = values.to_numpy().astype(np.int64)
        out = out.sort_values([unit, time], kind="mergesort").reset_index(drop=True)
        ev = out.loc[out[event] == 1, [unit, time]].rename(columns={unit: "u", time: "t"})
        ev = ev.reset_index(drop=True)
        if not repeated:
            counts = ev.groupby("u", sort=False).size()
            several = counts[counts > 1]
            if len(several):
                shown = listing(
                    [f"{show(u)} ({', '.join(map(str, ev.loc[ev.u == u, 't']))})"
                     for u in several.index[:5]]
                )
                raise InvalidEventError(
                    f"panel column {show(event)} has several events for {len(several)} "
                    f"unit(s): {shown}. Pass repeated=True if units return to risk after "
                    f"an event."
                )
            last_event = out.loc[out[event] == 1].set_index(unit)[time]
            ev_year = out[unit].map(last_event)
            after = (ev_year.notna() & (out[time] > ev_year)).to_numpy()
            if after.any():
                bad_rows = out.loc[after, [unit, time]].head(5)
                shown = listing([f"{show(u)} in {t} (event in {int(last_event[u])})"
                                 for u, t in zip(bad_rows[unit], bad_rows[time])])
                raise InvalidEventError(
                    f"panel has {int(after.sum())} row(s) after the unit's event: {shown}. "
                    f"A unit leaves the risk set after its event; drop those rows or pass "
                    f"repeated=True."
                )
        p_start, p_end = int(out[time].min()), int(out[time].max())
        if membership is not None:
            spells = _check_membership(membership, unit)
            rows = pd.DataFrame({"u": out[unit].to_numpy(), "t": out[time].to_numpy()})
            status = _event_status(spells, rows)
            bad = status != "inside"
            if bad.any():
                b = rows.loc[bad].head(5)
                raise MembershipError(
                    f"panel has {int(bad.sum())} row(s) in years the unit was not a "
                    f"member: {listing([f'{show(u)} in {t}' for u, t in zip(b.u, b.t)])}. "
                    f"Fix the panel or the membership spells."
                )
        else:
            spells = _spells_from_rows(out[unit].to_numpy(), out[time].to_numpy())
            if not repeated and len(ev):
                # adopters stay members from their event to the end of the panel
                last = spells.groupby("u")["end"].transform("max") == spells["end"]
                adopters = spells["u"].isin(ev["u"]).to_numpy()
                spells.loc[last.to_numpy() & adopters, "end"] = p_end
        if repeated:
            prior = _count_prior(ev, pd.DataFrame({"u": out[unit], "t": out[time]}))
            if "spell" in out.columns:
                raise SpecificationError("panel already has a column 'spell'; rename it.")
            out["spell"] = (prior + 1).astype(np.int64)
        history = _history(spells, ev)
        return cls(out, unit, time, event, p_start, p_end, bool(repeated), history, ())

    # ----------------------------------------------------------- extensions
    def with_covariates(self, table: pd.DataFrame, *, lag: int = 1) -> RiskSet:
        """Join unit-period covariates observed in ``t - lag`` onto row ``t``.

        Parameters
        ----------
        table : DataFrame
            Columns ``unit`` and ``time`` (the risk set's names) plus the covariates.
            One row per unit-period.
        lag : int, default 1
            Row ``t`` receives the values observed in ``t - lag`` (``lag >= 1``, so
            a covariate never looks ahead to the year of the event).

        Returns
        -------
        RiskSet
            A new risk set; rows without a value in ``t - lag`` get NaN (counted in
            :attr:`notes`, and dropped listwise only when a model uses the column).
        """
        lag = check_positive_int(lag, name="lag")
        check_frame(table, name="covariates")
        check_columns(table, [self.unit, self.time], name="covariates")
        check_hashable(table[self.unit], name="covariates", column=self.unit)
        years = check_years(table, self.time, name="covariates", unit=self.unit)
        # on the years as read, so that 1990 and "1990" are one key
        check_unique(pd.DataFrame({self.unit: table[self.unit].to_numpy(),
                                   self.time: years.astype(np.int64)}),
                     [self.unit, self.time], name="covariates", what="unit-period")
        names = [c for c in table.columns if c not in (self.unit, self.time)]
        if not names:
            raise SpecificationError("covariates has no columns besides unit and time.")
        clash = [c for c in names if c in self._frame.columns]
        if clash:
            raise SpecificationError(
                f"covariate column(s) {preview(clash)} already exist in the risk set; "
                f"rename them before joining."
            )
        right = table[names].copy()
        right.index = pd.MultiIndex.from_arrays(
            [table[self.unit].to_numpy(), years.astype(np.int64) + lag])
        key = pd.MultiIndex.from_arrays(
            [self._frame[self.unit].to_numpy(), self._frame[self.time].to_numpy()])
        joined = right.reindex(key)
        joined.index = self._frame.index
        frame = pd.concat([self._frame, joined], axis=1)
        missing = {c: int(joined[c].isna().sum()) for c in names}
        missing = {c: n for c, n in missing.items() if n}
        notes = list(self.notes)
        if missing:
            shown = ", ".join(f"{show(c)}: {n}" for c, n in missing.items())
            notes.append(Note(
                "covariate_missing", max(missing.values()),
                f"covariates lagged {lag} year(s) have no value in t-{lag} for some rows "
                f"({shown}); models using them drop those rows listwise.",
            ))
        return replace(self, _frame=frame, notes=tuple(notes), added=self.added + tuple(names))

    def with_exposure(self, name: str, measure: Measure) -> RiskSet:
        """Add one exposure column computed by ``measure`` (see :mod:`diffusion.exposure`).

        Parameters
        ----------
        name : str
            Name of the new column.
        measure : object with ``compute(risk_set)``
            E.g. ``diffusion.exposure.regional_share(groups, window=5)``.
        """
        if not isinstance(name, str) or not name:
            raise SpecificationError(f"exposure name must be a non-empty string, got {show(name)}.")
        if name in self._frame.columns:
            raise SpecificationError(f"column {show(name)} already exists in the risk set.")
        if not hasattr(measure, "compute"):
            raise SpecificationError(
                f"measure must be an exposure measure from diffusion.exposure, got "
                f"{type(measure).__name__}."
            )
        if self.process is not None:  # pooled: within each process (diffusion.data.pooled)
            from diffusion.data.pooled import compute_within

            values, notes = _check_measure_output(compute_within(self, measure), measure,
                                                  len(self._frame))
        else:
            values, notes = _check_measure_output(measure.compute(self), measure,
                                                  len(self._frame))
        frame = self._frame.copy()
        frame[name] = values
        named = tuple(Note(n.kind, n.count, f"exposure {show(name)}: {n.message}") for n in notes)
        return replace(self, _frame=frame, notes=self.notes + named, added=self.added + (name,))

    def assign(self, **columns: Any) -> RiskSet:
        """Add derived columns, like :meth:`pandas.DataFrame.assign`.

        Each value is a callable taking a copy of :attr:`frame` (e.g.
        ``post1930=lambda f: (f["year"] >= 1930).astype(float)``) or an array with
        one value per row. Existing columns cannot be overwritten.

        Examples
        --------
        >>> rs2 = rs.assign(post1930=lambda f: (f["year"] >= 1930).astype(float))  # doctest: +SKIP
        """
        frame = self._frame.copy()
        for name, value in columns.items():
            if name in frame.columns:
                raise SpecificationError(f"column {show(name)} already exists in the risk set.")
            values = value(frame.copy()) if callable(value) else value
            values = np.asarray(values)
            if values.shape != (len(frame),):
                raise SpecificationError(
                    f"column {show(name)} must have one value per row ({len(frame)}), got "
                    f"shape {values.shape}."
                )
            frame[name] = values
        return replace(self, _frame=frame, added=self.added + tuple(columns))

    def single_history(self, what: str):
        """The adoption history, refused (with a clear error) for a pooled risk set.

        Plots, curves and placebo tests read one process's history; a pooled risk set's
        history mixes the adoptions of every process, so they would count across
        processes. ``what`` names the caller in the message.
        """
        if self.process is not None:
            raise SpecificationError(
                f"{what} reads the adoption history of one process, but this risk set "
                f"pools the processes of column {self.process!r}; build the risk set of "
                f"one process (RiskSet.from_events without process=) for it.")
        return self.history

    def entry_times(self) -> pd.Series:
        """First period at risk of each row's unit (of its spell when ``repeated``)."""
        keys = [self.unit, "spell"] if self.repeated else [self.unit]
        if self.process is not None:
            keys = [self.process, self.unit]
        return self._frame.groupby(keys, sort=False)[self.time].transform("min")


# --------------------------------------------------------------------- helpers
def _check_window_bound(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or (
        isinstance(value, float) and not value.is_integer()
    ):
        raise InvalidTimeError(f"{name} must be a whole year, got {show(value)}.")
    if abs(value) > MAX_TIME:
        raise InvalidTimeError(
            f"{name}={show(value)} is beyond +-{MAX_TIME:.0e} periods; give a year such as 1990.")
    return int(value)


def _check_measure_output(out: Any, measure: Any, n: int) -> tuple[np.ndarray, tuple[Note, ...]]:
    """What a (possibly user-written) measure returned: ``n`` numbers and a tuple of notes."""
    what = type(measure).__name__
    if not isinstance(out, tuple) or len(out) != 2:
        raise SpecificationError(
            f"{what}.compute(risk_set) must return (values, notes), got {type(out).__name__}.")
    values, notes = out
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise SpecificationError(
            f"{what}.compute(risk_set) returned values that are not numbers "
            f"({type(values).__name__}); return one float per risk-set row.") from None
    if arr.shape != (n,):
        raise SpecificationError(
            f"{what}.compute(risk_set) returned values of shape {arr.shape}; the risk set has "
            f"{n} rows, so return one value per row (in the order of risk_set.frame).")
    if np.isinf(arr).any():
        raise SpecificationError(
            f"{what}.compute(risk_set) returned {int(np.isinf(arr).sum())} infinite value(s); "
            f"return finite values (NaN for missing ones).")
    notes = tuple(notes) if isinstance(notes, (tuple, list)) else notes
    if not isinstance(notes, tuple) or not all(isinstance(x, Note) for x in notes):
        raise SpecificationError(
            f"{what}.compute(risk_set) must return a tuple of diffusion Note objects as its "
            f"notes, got {type(out[1]).__name__}.")
    return arr, notes


def _check_labels(labels: Any) -> Mapping[Any, Any] | None:
    """A read-only copy of the unit labels (the risk set stays immutable)."""
    if labels is None:
        return None
    if isinstance(labels, pd.Series):
        return MappingProxyType(dict(zip(labels.index, labels.to_numpy())))
    if not isinstance(labels, Mapping):
        raise SpecificationError(
            f"labels must be a mapping {{unit: label}} or a Series, got {type(labels).__name__}.")
    return MappingProxyType(dict(labels))


def _labeller(labels: Mapping[Any, Any] | None):
    def name_of(u: Any) -> str:
        if labels is not None:
            try:
                if u in labels:
                    return show(labels[u])
            except TypeError:  # an unhashable identifier has no label
                pass
        return show(u)
    return name_of


def _check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise SpecificationError(f"{name} must be True or False, got {show(value)}.")
    return bool(value)


def _check_units(values: pd.Series, *, name: str, column: str) -> pd.Series:
    return check_units(values, name=name, column=column)


def _check_membership(membership: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Validate membership spells; return columns ``u``, ``start``, ``end`` (int)."""
    check_frame(membership, name="membership")
    check_columns(membership, [unit, "start", "end"], name="membership")
    if not len(membership):
        raise MembershipError(
            "membership has no rows; give one spell (unit, start, end) per period of "
            "membership, or pass units= instead."
        )
    units = _check_units(membership[unit], name="membership", column=unit)
    start = check_years(membership, "start", name="membership", unit=unit)
    end = check_years(membership, "end", name="membership", unit=unit, allow_missing=True)
    end = np.where(np.isnan(end), OPEN_END, end)
    spells = pd.DataFrame({"u": units.to_numpy(), "start": start.astype(np.int64),
                           "end": end.astype(np.int64)})
    inverted = spells["start"] > spells["end"]
    if inverted.any():
        b = spells.loc[inverted].head(5)
        raise MembershipError(
            f"membership has {int(inverted.sum())} spell(s) whose start is after the end: "
            f"{listing([f'{show(r.u)} {r.start}-{r.end}' for r in b.itertuples()])}. "
            f"Swap start and end."
        )
    spells = spells.sort_values(["u", "start"], kind="mergesort").reset_index(drop=True)
    same = spells["u"].eq(spells["u"].shift())
    prev_end = spells["end"].shift()
    overlap = same & (spells["start"] <= prev_end)
    if overlap.any():
        idx = np.flatnonzero(overlap.to_numpy())[:5]
        shown = listing([
            f"{show(spells['u'][i])} {spells['start'][i - 1]}-{_end_text(spells['end'][i - 1])} "
            f"and {spells['start'][i]}-{_end_text(spells['end'][i])}" for i in idx])
        raise MembershipError(
            f"membership has {int(overlap.sum())} overlapping spell(s): {shown}. "
            f"Merge them into one spell."
        )
    return spells


def _end_text(end: int) -> str:
    return "open" if end >= OPEN_END else str(end)


def _spells_text(spells: pd.DataFrame, u: Any) -> str:
    s = spells.loc[spells["u"] == u]
    return "member " + ", ".join(f"{a}-{_end_text(b)}" for a, b in zip(s["start"], s["end"]))


def _spells_from_units(units: Any, unit: str) -> pd.DataFrame:
    if isinstance(units, (str, bytes)) or not isinstance(units, Iterable):
        raise SpecificationError(f"units must be a list of unit identifiers, got {show(units)}.")
    values = pd.Series(list(units) if not isinstance(units, pd.Series) else units.to_numpy(),
                       dtype=object)
    check_int_range(values, name="units", column=unit)
    values = pd.Series(values.tolist())  # the dtype pandas infers for the identifiers
    if not len(values):
        raise SpecificationError("units is empty.")
    _check_units(values, name="units", column=unit)
    dup = values[values.duplicated()]
    if len(dup):
        raise DuplicateKeyError(
            f"units lists {len(dup)} unit(s) more than once: {preview(list(dup.unique()))}. "
            f"List each unit once."
        )
    return pd.DataFrame({"u": values.to_numpy(), "start": OPEN_START, "end": OPEN_END})


def _spells_from_rows(u: np.ndarray, t: np.ndarray) -> pd.DataFrame:
    """Runs of consecutive periods per unit (rows sorted by unit, time)."""
    frame = pd.DataFrame({"u": u, "t": t})
    new = ~(frame["u"].eq(frame["u"].shift()) & frame["t"].eq(frame["t"].shift() + 1))
    run = new.cumsum()
    spells = frame.groupby(run, sort=False).agg(u=("u", "first"), start=("t", "min"), end=("t", "max"))
    return spells.reset_index(drop=True)


def _event_status(spells: pd.DataFrame, ev: pd.DataFrame) -> np.ndarray:
    """For each (u, t): 'inside' a spell, 'before' the first spell, or 'outside'."""
    merged = ev.reset_index().merge(spells, on="u", how="left")
    inside = (merged["t"] >= merged["start"]) & (merged["t"] <= merged["end"])
    any_inside = inside.groupby(merged["index"]).any()
    first = merged.groupby("index")["start"].min()
    status = np.where(any_inside.reindex(ev.index).to_numpy(), "inside",
                      np.where(ev["t"].to_numpy() < first.reindex(ev.index).to_numpy(),
                               "before", "outside"))
    return status


def _history(spells: pd.DataFrame, ev: pd.DataFrame) -> History:
    units = pd.Index(pd.unique(np.concatenate([spells["u"].to_numpy(dtype=object),
                                               ev["u"].to_numpy(dtype=object)])))
    return History(
        units=units,
        spell_unit=units.get_indexer(spells["u"]).astype(np.int64),
        spell_start=spells["start"].to_numpy(dtype=np.int64),
        spell_end=spells["end"].to_numpy(dtype=np.int64),
        event_unit=units.get_indexer(ev["u"]).astype(np.int64),
        event_time=ev["t"].to_numpy(dtype=np.int64),
    )


def _count_prior(ev: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Number of the unit's events strictly before each row's period."""
    if not len(ev):
        return np.zeros(len(rows), dtype=np.int64)
    ev_sorted = ev.sort_values(["u", "t"])
    out = np.zeros(len(rows), dtype=np.int64)
    t_rows = rows["t"].to_numpy()
    u_rows = rows["u"].to_numpy()
    groups = ev_sorted.groupby("u", sort=False)["t"].apply(lambda s: s.to_numpy())
    # loop over adopting units (not over unit-years): searchsorted per unit
    row_groups = pd.Series(np.arange(len(rows))).groupby(u_rows, sort=False)
    for u, idx in row_groups.indices.items():
        times = groups.get(u)
        if times is not None:
            out[idx] = np.searchsorted(times, t_rows[idx], side="left")
    return out
