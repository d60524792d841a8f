"""Notes: every decision taken on the data, counted.

A :class:`Note` records one decision that changed which rows enter an analysis
(units excluded because they adopted before entering the risk set, rows lost to
missing covariates, exposure rows without peers, ...). Risk sets carry their notes
forward to every model fitted on them, and results print them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Note"]


@dataclass(frozen=True)
class Note:
    """One counted decision taken on the data.

    Attributes
    ----------
    kind : str
        Short machine-readable key, e.g. ``"adopted_before_entry"``.
    count : int
        How many rows or units the decision concerned.
    message : str
        Human-readable sentence naming the decision and (some of) the units.
    """

    kind: str
    count: int
    message: str

    def __str__(self) -> str:
        return self.message
