"""Shared machinery of exposure measures: the unit-by-year grid of the history.

Every measure is computed on a grid of units (every unit the risk set knows,
including units that already adopted and left the risk set) by reference years
``r = t - lag``. ``member[j, r]`` says whether unit ``j`` was a member in ``r`` and
``adopted[j, r]`` whether it had had an event by ``r``. Values for row ``(i, t)``
are read at ``r = t - lag``, so no measure can look at year ``t`` or later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_ROWS,
    check_columns,
    check_frame,
    check_hashable,
    check_positive_int,
    listing,
    preview,
    show,
)
from diffusion.errors import GroupError, SpecificationError

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["Grid", "grid", "group_codes", "safe_share", "effective_window"]


@dataclass(frozen=True)
class Grid:
    """Unit-by-year matrices and where each risk-set row reads them."""

    y0: int
    member: np.ndarray  # bool (n_units, n_years)
    upto: np.ndarray  # int: events with time <= year
    row_unit: np.ndarray  # code of the row's unit
    row_col: np.ndarray  # column of r = t - lag

    def adopted(self) -> np.ndarray:
        return self.upto > 0

    def in_window(self, window: int) -> np.ndarray:
        """Had an event in ``[r - window + 1, r]``, i.e. ``[t - window, t - 1]`` at lag 1."""
        shifted = np.zeros_like(self.upto)
        # The grid starts `window` years before the first reference year, so every
        # column a row reads has its whole window inside the grid.
        shifted[:, window:] = self.upto[:, :-window]
        return (self.upto - shifted) > 0


def grid(risk_set: RiskSet, lag: int, back: int = 0) -> Grid:
    """Build the grid for ``risk_set`` at ``lag``, reaching ``back`` extra years."""
    lag = check_positive_int(lag, name="lag")
    if getattr(risk_set, "process", None) is not None:
        # a pooled risk set's history mixes the adoptions of every process
        raise SpecificationError(
            f"this risk set pools processes ({risk_set.process!r}); add exposures with "
            f"rs.with_exposure(name, measure), which computes them within each process.")
    frame = risk_set._frame
    r = frame[risk_set.time].to_numpy(dtype=np.int64) - lag
    y0 = int(r.min()) - back
    y1 = int(r.max())
    hist = risk_set.history
    cells = len(hist.units) * (y1 - y0 + 1)
    if cells > MAX_ROWS:
        raise SpecificationError(
            f"the exposure grid would hold {cells} unit-years ({len(hist.units)} units by "
            f"{y1 - y0 + 1} years from {y0} to {y1}), more than the {MAX_ROWS} diffusion "
            f"builds. Check the years of the risk set and the window.")
    return Grid(
        y0=y0,
        member=hist.member_matrix(y0, y1),
        upto=hist.events_upto(y0, y1),
        row_unit=hist.codes(frame[risk_set.unit]),
        row_col=r - y0,
    )


def effective_window(risk_set: RiskSet, lag: int, window: int) -> int:
    """The shortest window that counts the same events as ``window`` for every row.

    Events in ``[r - window + 1, r]`` with ``r = t - lag``: once ``r - window`` lies
    before the first event of the history for every row, a longer window counts
    exactly the same events. Clipping to that length keeps the grid as small as the
    data (``window=10**6`` costs no more than the span of the events).
    """
    times = risk_set.history.event_time
    if not len(times):
        return 1
    r_max = int(risk_set._frame[risk_set.time].max()) - lag
    return int(max(1, min(window, r_max - int(times.min()) + 1)))


def safe_share(num: np.ndarray, den: np.ndarray, what: str) -> tuple[np.ndarray, tuple[Note, ...]]:
    """``num / den`` with 0 where ``den == 0`` (counted in a note)."""
    empty = den == 0
    out = np.divide(num, den, out=np.zeros(len(num), dtype=np.float64), where=~empty)
    notes: tuple[Note, ...] = ()
    if empty.any():
        notes = (Note("exposure_no_peers", int(empty.sum()),
                      f"{int(empty.sum())} row(s) had no {what} in t-lag; their share is set to 0."),)
    return out, notes


def group_codes(groups: pd.DataFrame, group: str | None, risk_set: RiskSet) -> np.ndarray:
    """Group code of every unit in the risk set's history (validated).

    Every unit that is a member at some time (it can be somebody's peer) must have
    exactly one group.
    """
    check_frame(groups, name="groups")
    unit = risk_set.unit
    check_columns(groups, [unit], name="groups")
    if group is None:
        others = [c for c in groups.columns if c != unit]
        if len(others) != 1:
            raise SpecificationError(
                f"groups must hold the unit column {show(unit)} and one group column; it has "
                f"{len(others)} other columns ({preview(others)}). Pass group='NAME'."
            )
        group = others[0]
    check_columns(groups, [group], name="groups")
    for col in (unit, group):
        check_hashable(groups[col], name="groups", column=col)
    table = groups[[unit, group]]
    missing_group = table[group].isna()
    if missing_group.any():
        raise GroupError(
            f"groups has {int(missing_group.sum())} unit(s) without a group in column "
            f"{show(group)}: {preview(list(table.loc[missing_group, unit]))}. Give them a group."
        )
    dup = table[unit].duplicated(keep=False)
    if dup.any():
        bad = table.loc[dup].groupby(unit)[group].apply(lambda s: sorted(map(str, s.unique())))
        shown = listing([f"{show(u)} ({', '.join(g)})" for u, g in bad.items()])
        raise GroupError(
            f"groups lists {len(bad)} unit(s) more than once: {shown}. Each unit belongs "
            f"to exactly one group."
        )
    hist = risk_set.history
    lookup = pd.Series(table[group].to_numpy(), index=pd.Index(table[unit]))
    ever_member = np.zeros(len(hist.units), dtype=bool)
    ever_member[hist.spell_unit] = True
    mapped = lookup.reindex(hist.units)
    lacking = mapped.isna().to_numpy() & ever_member
    if lacking.any():
        raise GroupError(
            f"groups lacks {int(lacking.sum())} unit(s) of the risk set's population: "
            f"{listing([risk_set.label(u) for u in hist.units[lacking]])}. Every member unit (including units "
            f"that adopted before entering the risk set) needs a group."
        )
    codes, _ = pd.factorize(mapped, use_na_sentinel=True)
    return codes.astype(np.int64)


def group_sums(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Sum ``values`` (n_units, n_years) within groups: result (n_groups, n_years)."""
    n_groups = int(codes.max()) + 1 if len(codes) and codes.max() >= 0 else 0
    out = np.zeros((n_groups, values.shape[1]), dtype=np.float64)
    valid = codes >= 0
    np.add.at(out, codes[valid], values[valid].astype(np.float64))
    return out
