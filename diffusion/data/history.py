"""The membership and event history behind a risk set.

Exposure measures need more than the rows at risk: they count peers that left the
risk set (because they adopted, or adopted before they entered it) and they ask who
was a member of the system in ``t - lag``, which may lie before the study window.
:class:`History` keeps, for every unit ever mentioned, its membership spells and
all its event times, coded as integers so that unit-by-year matrices can be built
with array arithmetic (no loop over unit-years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["History", "OPEN_START", "OPEN_END"]

# Sentinels for spells without a start (``units=`` risk sets: members "forever") or
# without an end (still a member). They are clipped to the years asked for.
OPEN_START = -(10**9)
OPEN_END = 10**9


@dataclass(frozen=True, eq=False)
class History:
    """Membership spells and events of every unit, integer-coded.

    Attributes
    ----------
    units : pandas.Index
        Every unit known to the risk set (members, adopters, excluded units).
    spell_unit, spell_start, spell_end : numpy.ndarray
        One entry per membership spell; inclusive years; ``spell_unit`` indexes ``units``.
    event_unit, event_time : numpy.ndarray
        One entry per event, including events before entry.
    """

    units: pd.Index
    spell_unit: np.ndarray
    spell_start: np.ndarray
    spell_end: np.ndarray
    event_unit: np.ndarray
    event_time: np.ndarray

    def codes(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Integer codes of ``values`` in :attr:`units` (-1 when unknown)."""
        return np.asarray(self.units.get_indexer(pd.Index(values)), dtype=np.int64)

    def member_matrix(self, y0: int, y1: int) -> np.ndarray:
        """Boolean ``(n_units, y1 - y0 + 1)``: unit is a member in year ``y0 + k``."""
        n_years = y1 - y0 + 1
        diff = np.zeros((len(self.units), n_years + 1), dtype=np.int64)
        lo = np.maximum(self.spell_start, y0)
        hi = np.minimum(self.spell_end, y1)
        keep = lo <= hi
        np.add.at(diff, (self.spell_unit[keep], lo[keep] - y0), 1)
        np.add.at(diff, (self.spell_unit[keep], hi[keep] - y0 + 1), -1)
        return np.cumsum(diff[:, :n_years], axis=1) > 0

    def events_upto(self, y0: int, y1: int) -> np.ndarray:
        """Integer ``(n_units, y1 - y0 + 1)``: events with time ``<= y0 + k``.

        Events before ``y0`` count from the first column on; events after ``y1`` are
        not counted.
        """
        n_years = y1 - y0 + 1
        counts = np.zeros((len(self.units), n_years + 1), dtype=np.int64)
        keep = self.event_time <= y1
        col = np.maximum(self.event_time[keep] - y0, 0)
        np.add.at(counts, (self.event_unit[keep], col), 1)
        return np.cumsum(counts[:, :n_years], axis=1)
