"""Competing outcomes on one risk set: an ``outcome`` column naming each event's type.

A unit may leave the risk set by one of several outcomes (ratification or accession,
one of several policy variants). :func:`competing_risk_set` builds the ordinary risk
set of the first event of any type (:meth:`RiskSet.from_events`) and adds a
categorical ``outcome`` column: the event's type on the row of the event, missing on
every other row. The declared outcome codes are the column's categories, so a code
that never occurs inside the window is still known.

:func:`cause_specific` turns it into the risk set of one cause with the other causes
censored at their event year -- the cause-specific hazard, fitted by the existing
:class:`~diffusion.CoxHazard` and :class:`~diffusion.DiscreteTimeHazard`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_columns, check_frame, listing, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import DataError, SpecificationError

__all__ = ["competing_risk_set", "cause_specific", "check_outcome"]


def competing_risk_set(
    events: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    causes: Sequence[Any] | None = None,
    membership: pd.DataFrame | None = None,
    units: Sequence[Any] | None = None,
    start: int | None = None,
    end: int | None = None,
    outside: str = "error",
    event: str = "event",
    labels: Mapping[Any, Any] | None = None,
) -> RiskSet:
    """Risk set of the first event of any type, with the event's type in ``outcome``.

    Parameters
    ----------
    events : DataFrame
        One row per unit that had an event: columns ``unit``, ``time`` and
        ``outcome`` (the event's type, e.g. ``"ratification"``/``"accession"``).
        Units without an event come from ``membership`` or ``units``.
    unit, time : str
        As in :meth:`RiskSet.from_events`.
    outcome : str
        Column of ``events`` with the event type; the risk set gets a column of the
        same name (categorical; missing on rows without an event).
    causes : sequence, optional
        The admissible outcome codes, in order. Default: the codes found in
        ``events``, sorted. A code in ``events`` that is not listed is refused.
    membership, units, start, end, outside, event, labels
        As in :meth:`RiskSet.from_events` (one event per unit: competing outcomes
        end the unit's time at risk; ``repeated`` and pooled processes are not
        supported).

    Returns
    -------
    RiskSet
        Its notes count, per outcome, the events that fall outside the risk set (before
        the unit's first year at risk, after the window).

    Raises
    ------
    DataError
        On a missing outcome for an event, or an outcome code not in ``causes``;
        everything :meth:`RiskSet.from_events` refuses.

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.data.competing import competing_risk_set
    >>> ev = pd.DataFrame({"c": ["A", "B"], "year": [1902, 1903], "how": ["r", "a"]})
    >>> rs = competing_risk_set(ev, unit="c", time="year", outcome="how",
    ...                         units=["A", "B", "C"], start=1901, end=1904)
    >>> rs.frame.loc[rs.frame["event"] == 1, ["c", "year", "how"]]
       c  year how
    1  A  1902   r
    4  B  1903   a
    """
    check_frame(events, name="events")
    check_columns(events, [unit, time, outcome], name="events")
    if outcome in (unit, time, event):
        raise SpecificationError(
            f"outcome={show(outcome)} must name a column other than the unit, time and "
            f"event columns.")
    codes = events[outcome]
    missing = codes.isna().to_numpy()
    if missing.any():
        shown = listing([f"{u} ({t})" for u, t in
                         zip(events.loc[missing, unit], events.loc[missing, time])])
        raise DataError(
            f"events has {int(missing.sum())} event(s) without an outcome in column "
            f"{show(outcome)}: {shown}. Give every event its type, or drop the rows.")
    found = sorted(pd.unique(codes), key=str)
    if causes is None:
        causes = found
    else:
        if isinstance(causes, str):
            causes = [causes]
        causes = list(causes)
        if len(set(causes)) != len(causes) or not causes:
            raise SpecificationError(f"causes must be distinct codes, got {preview(causes)}.")
        unknown = [c for c in found if c not in causes]
        if unknown:
            bad = codes.isin(unknown).to_numpy()
            shown = listing([f"{u} ({t}: {show(c)})" for u, t, c in
                             zip(events.loc[bad, unit], events.loc[bad, time], codes[bad])])
            raise DataError(
                f"events has {int(bad.sum())} event(s) with outcome code(s) "
                f"{preview(unknown)} not among causes={preview(causes)}: {shown}. Add the "
                f"code to causes=, or recode the events.")
    rs = RiskSet.from_events(
        events[[unit, time]], unit=unit, time=time, membership=membership, units=units,
        start=start, end=end, outside=outside, event=event, labels=labels)
    if outcome in rs.frame.columns:  # pragma: no cover - excluded by the check above
        raise SpecificationError(f"column {show(outcome)} already exists in the risk set.")
    frame = rs.frame
    key = pd.MultiIndex.from_arrays([events[unit].to_numpy(), events[time].to_numpy()])
    by_key = pd.Series(codes.to_numpy(), index=key)
    rows = pd.MultiIndex.from_arrays([frame[unit].to_numpy(), frame[time].to_numpy()])
    values = by_key.reindex(rows).to_numpy(dtype=object)
    values[frame[event].to_numpy() == 0] = None
    column = pd.Categorical(values, categories=causes)
    # events of each type lost to the window or to late entry (counted, not hidden)
    kept = pd.Series(column[frame[event].to_numpy() == 1]).value_counts()
    given = codes.value_counts()
    lost = {c: int(given.get(c, 0) - kept.get(c, 0)) for c in causes}
    lost = {c: n for c, n in lost.items() if n > 0}
    notes = list(rs.notes)
    if lost:
        notes.append(Note(
            "outcome_outside_risk_set", sum(lost.values()),
            "events outside the risk set by outcome (before the unit's first year at risk "
            "or after the window; see the notes above): "
            + ", ".join(f"{show(c)}: {n}" for c, n in lost.items()) + "."))
    # not RiskSet.assign: it would turn the categorical into a plain array
    frame[outcome] = column
    return replace(rs, _frame=frame, notes=tuple(notes), added=rs.added + (outcome,))


def check_outcome(risk_set: RiskSet, outcome: str, cause: Any | None = None) -> pd.Categorical:
    """The outcome column of ``risk_set``, checked; ``cause`` must be one of its codes.

    Raises
    ------
    SpecificationError
        When ``outcome`` is not a column of the risk set, is not an outcome column
        built by :func:`competing_risk_set`, when ``cause`` is not one of its codes, or
        when ``cause`` has no event inside the risk set.
    """
    if not isinstance(risk_set, RiskSet):
        raise SpecificationError(
            f"expected a RiskSet (from competing_risk_set), got {type(risk_set).__name__}.")
    frame = risk_set._frame
    if outcome not in frame.columns:
        raise SpecificationError(
            f"the risk set has no outcome column {show(outcome)}; build it with "
            f"diffusion.data.competing.competing_risk_set(..., outcome={show(outcome)}).")
    column = frame[outcome]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        raise SpecificationError(
            f"column {show(outcome)} is not an outcome column (categorical event types); "
            f"build the risk set with competing_risk_set.")
    event = frame[risk_set.event].to_numpy()
    coded = column.notna().to_numpy()
    if np.any(coded != (event == 1)):
        raise DataError(
            f"column {show(outcome)} must name the type of every event and only of events; "
            f"{int(np.sum(coded != (event == 1)))} row(s) disagree with {show(risk_set.event)}.")
    if cause is not None:
        causes = list(column.cat.categories)
        if cause not in causes:
            raise SpecificationError(
                f"unknown outcome code {show(cause)}: the codes of {show(outcome)} are "
                f"{preview(causes)}.")
        if not (column == cause).any():
            raise DataError(
                f"outcome {show(cause)} has no event inside the risk set (its events, if "
                f"any, fall outside the window or before the units' entry; see the notes). "
                f"Nothing can be estimated for it.")
    return column.array


def cause_specific(risk_set: RiskSet, *, outcome: str, cause: Any) -> RiskSet:
    """The risk set of one cause: events of the other causes become censorings.

    The event column keeps its name and holds 1 only on events of ``cause``; a unit
    whose event is of another type keeps its row of that year with event 0 and leaves
    the risk set afterwards (it is censored then). Fit the cause-specific hazard with
    the existing models, e.g. ``CoxHazard(cause_specific(rs, outcome="how",
    cause="r"), covariates=[...])``.

    Notes
    -----
    Cause-specific hazards (Prentice et al. 1978): ``h_k(t) = lim P(T in [t, t+dt),
    type k | T >= t) / dt``. The year of a competing event stays at risk for ``cause``
    (the unit is censored at the end of that year), as R ``Surv(time, status == k)``
    treats a competing event at ``time``. Counted in the notes.
    """
    column = check_outcome(risk_set, outcome, cause)
    frame = risk_set._frame.copy()
    is_cause = np.asarray(column == cause)
    n_other = int(frame[risk_set.event].sum() - is_cause.sum())
    frame[risk_set.event] = is_cause.astype(np.int64)
    note = Note("competing_censored", n_other,
                f"cause-specific risk set of {show(outcome)} = {show(cause)}: {n_other} event(s) "
                f"of other types are censored at their year.")
    return replace(risk_set, _frame=frame, notes=risk_set.notes + (note,))
