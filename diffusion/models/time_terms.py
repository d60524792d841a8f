"""Time dependence of the baseline hazard in discrete-time models.

Each term is one small class with ``build(time, entry, event)``, returning the design
columns, a mask of the rows it keeps, and notes. Strings map to default terms:
``"dummies"``, ``"periods"`` (needs breaks: use :class:`Periods`), ``"cubic"``
(Carter & Signorino 2010) and ``"spline"`` (natural cubic spline, Beck, Katz &
Tucker 1998). Every term runs on calendar time (the year) or on duration (periods
since the unit entered the risk set: 1 in its first year at risk; for a unit that
leaves and re-enters the system the clock keeps running; with ``repeated=True`` it
restarts at each spell; for units already members when the window opens it counts
from the window start).

Conventions shared with the R reference scripts (``tests/reference/``):

* ``Cubic`` uses ``s = x - origin`` with ``origin = min(x) - 1`` over the estimation
  rows (so ``s`` starts at 1), columns ``s, s^2, s^3``. Shifting the origin changes
  only the time coefficients and the intercept, never the others or the fit.
* ``Spline`` spans the same space as R ``splines::ns(x, df)`` (interior knots at the
  quantiles of ``x`` over the estimation rows, boundary knots at its range, no
  intercept column); the basis columns may differ from R's by a rotation, so only
  the time coefficients depend on the basis.
* ``Dummies`` uses the first (earliest) category as reference when the model has
  an intercept. Categories without any event make the maximum-likelihood estimate
  infinite: by default that is an error naming the categories; ``empty="drop"``
  drops their rows (as Stata's ``logit`` does with a note), counted in the notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, Union

import numpy as np
import pandas as pd
from scipy.interpolate import BSpline

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_TIME,
    check_option,
    check_positive_int,
    preview,
    show,
)
from diffusion.errors import SeparationError, SpecificationError

__all__ = ["TimeTerm", "Dummies", "Periods", "Cubic", "Spline", "resolve_time", "natural_spline_basis"]

Scale = Literal["calendar", "duration"]
SCALES = ("calendar", "duration")


class TimeTerm(Protocol):
    """A time-dependence term (one class per kind)."""

    scale: str

    def build(self, x: np.ndarray, event: np.ndarray, *, intercept: bool
              ) -> tuple[pd.DataFrame, np.ndarray, tuple[Note, ...]]:
        """Design columns for clock values ``x``, the rows kept, and notes."""
        ...  # pragma: no cover

    def describe(self) -> str:
        """Short label for tables (e.g. ``"cubic (duration)"``)."""
        ...  # pragma: no cover


def _label(scale: str) -> str:
    return "year" if scale == "calendar" else "duration"


@dataclass(frozen=True)
class Dummies:
    """One indicator per period (year or duration), reference = first."""

    scale: Scale = "calendar"
    empty: Literal["error", "drop"] = "error"

    def __post_init__(self) -> None:
        check_option(self.scale, SCALES, name="time scale")
        check_option(self.empty, ("error", "drop"), name="empty")

    def describe(self) -> str:
        return f"dummies ({self.scale})"

    def build(self, x, event, *, intercept):
        keep = np.ones(len(x), dtype=bool)
        notes: tuple[Note, ...] = ()
        per = pd.Series(event).groupby(x).sum()
        empty = per.index[per.to_numpy() == 0]
        if len(empty):
            if self.empty == "error":
                raise SeparationError(
                    f"{len(empty)} {_label(self.scale)} value(s) have no event, so their "
                    f"dummies would be minus infinity: {preview(list(empty))}. Use "
                    f"time=Periods(...), 'cubic' or 'spline', or Dummies(empty='drop') to "
                    f"drop those rows."
                )
            keep = ~np.isin(x, empty)
            notes = (Note("time_dummies_empty", int((~keep).sum()),
                          f"{int((~keep).sum())} row(s) in {len(empty)} {_label(self.scale)} "
                          f"value(s) without any event were dropped (time dummies): "
                          f"{preview(list(empty))}."),)
        cats = np.unique(x[keep])
        if intercept:
            cats = cats[1:]
        cols = {f"{_label(self.scale)}[{c}]": (x[keep] == c).astype(np.float64) for c in cats}
        return pd.DataFrame(cols), keep, notes


@dataclass(frozen=True)
class Periods:
    """Piecewise-constant baseline: one indicator per period after the first.

    ``breaks=[1930, 1950]`` gives periods ``[min, 1929]``, ``[1930, 1949]``,
    ``[1950, max]``.
    """

    breaks: Sequence[int] = field(default_factory=tuple)
    scale: Scale = "calendar"

    def __post_init__(self) -> None:
        check_option(self.scale, SCALES, name="time scale")
        if isinstance(self.breaks, (str, bytes)) or not isinstance(self.breaks, Iterable):
            raise SpecificationError(
                f"period breaks must be a list of whole periods, e.g. Periods([1930]), got "
                f"{show(self.breaks)}.")
        b = list(self.breaks)
        if not b:
            raise SpecificationError("Periods needs at least one break, e.g. Periods([1930]).")
        if any(not _whole(v) for v in b):
            raise SpecificationError(f"period breaks must be whole periods, got {show(b)}.")
        if any(abs(v) > MAX_TIME for v in b):
            raise SpecificationError(
                f"period breaks must lie within +-{MAX_TIME:.0e} periods, got {show(b)}.")
        if sorted(set(b)) != b:
            raise SpecificationError(f"period breaks must be strictly increasing, got {show(b)}.")
        object.__setattr__(self, "breaks", tuple(int(v) for v in b))

    def describe(self) -> str:
        return f"periods at {', '.join(map(str, self.breaks))} ({self.scale})"

    def build(self, x, event, *, intercept):
        lo_x, hi_x = int(x.min()), int(x.max())
        edges = [lo_x] + [b for b in self.breaks] + [hi_x + 1]
        bad = [b for b in self.breaks if b <= lo_x or b > hi_x]
        if bad:
            raise SpecificationError(
                f"period break(s) {preview(bad)} leave an empty period: the data run from "
                f"{lo_x} to {hi_x}. Choose breaks inside that range."
            )
        which = np.searchsorted(np.asarray(self.breaks), x, side="right")
        names = [f"period[{edges[k]}-{edges[k + 1] - 1}]" for k in range(len(edges) - 1)]
        per_events = np.bincount(which, weights=event, minlength=len(names))
        no_ev = [names[k] for k in range(len(names)) if per_events[k] == 0]
        if no_ev:
            raise SeparationError(
                f"period(s) {preview(no_ev)} have no event; their baseline would be minus "
                f"infinity. Merge them with a neighbour by moving the breaks."
            )
        start = 1 if intercept else 0
        cols = {names[k]: (which == k).astype(np.float64) for k in range(start, len(names))}
        return pd.DataFrame(cols), np.ones(len(x), dtype=bool), ()


@dataclass(frozen=True)
class Cubic:
    """Cubic polynomial ``s, s^2, s^3`` with ``s = x - min(x) + 1`` (Carter & Signorino)."""

    scale: Scale = "duration"

    def __post_init__(self) -> None:
        check_option(self.scale, SCALES, name="time scale")

    def describe(self) -> str:
        return f"cubic ({self.scale})"

    def build(self, x, event, *, intercept):
        s = (x - x.min() + 1).astype(np.float64)
        n = "t" if self.scale == "calendar" else "duration"
        cols = {n: s, f"{n}^2": s**2, f"{n}^3": s**3}
        return pd.DataFrame(cols), np.ones(len(x), dtype=bool), ()


@dataclass(frozen=True)
class Spline:
    """Natural cubic spline with ``df`` columns (Beck, Katz & Tucker 1998); R ``ns(x, df)``.

    ``df`` is an integer from 1 to 100 and must be smaller than the number of distinct
    clock values in the estimation sample; knots that would coincide (many rows on few
    values) are refused with a :class:`~diffusion.errors.SpecificationError` rather
    than passed to scipy.
    """

    df: int = 3
    scale: Scale = "duration"

    def __post_init__(self) -> None:
        check_option(self.scale, SCALES, name="time scale")
        check_positive_int(self.df, name="spline df", maximum=100)

    def describe(self) -> str:
        return f"natural spline, df={self.df} ({self.scale})"

    def build(self, x, event, *, intercept):
        basis = natural_spline_basis(x.astype(np.float64), self.df)
        n = "t" if self.scale == "calendar" else "duration"
        cols = {f"ns({n})[{k + 1}]": basis[:, k] for k in range(basis.shape[1])}
        return pd.DataFrame(cols), np.ones(len(x), dtype=bool), ()


def _whole(value: object) -> bool:
    """A whole number (not a bool, not text): 1930, 1930.0, numpy integers."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return False
    if isinstance(value, (int, np.integer)):
        return True
    return bool(np.isfinite(value)) and float(value).is_integer()


def natural_spline_basis(x: np.ndarray, df: int) -> np.ndarray:
    """Natural cubic spline basis spanning the space of R ``splines::ns(x, df)``.

    Interior knots: ``df - 1`` quantiles of ``x`` (R's type 7) at equally spaced
    probabilities; boundary knots: ``range(x)``. The B-spline basis on these knots
    (without its first column, as R does without an intercept) is projected onto
    the null space of the second derivatives at both boundary knots.
    """
    n_inner = df - 1
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        raise SpecificationError("a spline needs at least two distinct time values.")
    n_distinct = len(np.unique(x))
    if df >= n_distinct:
        raise SpecificationError(
            f"a spline with df={df} needs more than {df} distinct time values; the estimation "
            f"sample has {n_distinct}. Lower df (e.g. Spline(df=3)) or use Dummies().")
    probs = np.linspace(0, 1, n_inner + 2)[1:-1]
    inner = np.quantile(x, probs) if n_inner else np.array([])
    if n_inner and (np.any(np.diff(inner) <= 0) or inner[0] <= lo or inner[-1] >= hi):
        raise SpecificationError(
            f"a spline with df={df} puts several knots on one time value (the quantiles of "
            f"the {n_distinct} distinct values coincide: {preview(list(np.round(inner, 3)))}). "
            f"Lower df or use Dummies().")
    knots = np.concatenate([[lo] * 4, inner, [hi] * 4])
    n_basis = len(knots) - 4
    basis = BSpline.design_matrix(np.clip(x, lo, hi), knots, 3).toarray()
    # second derivatives of each basis function at the boundary knots
    const = np.empty((2, n_basis))
    for j in range(n_basis):
        coef = np.zeros(n_basis)
        coef[j] = 1.0
        d2 = BSpline(knots, coef, 3).derivative(2)
        const[:, j] = d2(np.array([lo, hi]))
    basis, const = basis[:, 1:], const[:, 1:]
    q, _ = np.linalg.qr(const.T, mode="complete")
    return basis @ q[:, 2:]


TimeSpec = Union[None, str, Dummies, Periods, Cubic, Spline]
TIME_OPTIONS = ("dummies", "periods", "cubic", "spline")


def resolve_time(time: TimeSpec) -> TimeTerm | None:
    """Map the ``time=`` argument of a model to a time term (or None)."""
    if time is None or isinstance(time, (Dummies, Periods, Cubic, Spline)):
        return time
    if isinstance(time, str):
        check_option(time, TIME_OPTIONS, name="time")
        if time == "periods":
            raise SpecificationError(
                "time='periods' needs break years: pass time=Periods([1930, 1950])."
            )
        return {"dummies": Dummies(), "cubic": Cubic(), "spline": Spline()}[time]
    raise SpecificationError(
        f"time must be None, one of {', '.join(map(repr, TIME_OPTIONS))} or a term from "
        f"diffusion.time_terms, got {type(time).__name__}."
    )
