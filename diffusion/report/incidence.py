"""Cumulative incidence of competing outcomes (Aalen--Johansen): table and plot.

Each row ``(i, t)`` of a risk set built by
:func:`diffusion.data.competing.competing_risk_set` is an interval ``(u - 1, u]``,
with ``u = t`` on the calendar clock and ``u = t - entry_i + 1`` on the duration clock
(``entry_i`` the unit's first year at risk). With ``n(u)`` the rows at risk at ``u``,
``e_k(u)`` the events of type ``k`` among them and ``e(u)`` all events::

    S(u)   = prod_{v <= u} (1 - e(v) / n(v))            (Kaplan--Meier, any type)
    F_k(u) = sum_{v <= u} S(v - 1) e_k(v) / n(v)         (Aalen--Johansen)

so ``S + sum_k F_k = 1``. Late entry and re-entry after a gap are left truncation: a
unit counts in ``n(u)`` only in the years it has a row. This equals R
``survfit(Surv(entry - 1, last, state) ~ 1, id = unit)`` (``pstate``) with late entry,
and ``cmprsk::cuminc(ftime, fstatus)`` (``est``) on the duration clock, where
everyone enters at 0 (cuminc has no entry time). Standard errors (``se=True``) follow
cuminc's variance (Gray 1988), not survfit's (infinitesimal jackknife); with late entry
they use the rows at risk, which cuminc cannot check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option
from diffusion.data.competing import check_outcome

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from diffusion.data.riskset import RiskSet

__all__ = ["cumulative_incidence_table", "cumulative_incidence"]

Clock = Literal["calendar", "duration"]


def cumulative_incidence_table(risk_set: RiskSet, *, outcome: str,
                               clock: Clock = "calendar", se: bool = False) -> pd.DataFrame:
    """Aalen--Johansen cumulative incidence of every outcome type.

    Parameters
    ----------
    risk_set : RiskSet
        From :func:`~diffusion.data.competing.competing_risk_set`.
    outcome : str
        The outcome column.
    clock : {"calendar", "duration"}, default "calendar"
    se : bool, default False
        Add ``se_<code>`` columns: standard errors by Gray's (1988) formula, the
        square root of R ``cuminc``'s ``var``.

    Returns
    -------
    DataFrame
        One row per time with rows at risk: ``time``, ``n_risk``, ``n_events``,
        ``survival`` (no event of any type yet) and one column per outcome code (as
        ``str``) with its cumulative incidence ``F_k``.

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.data.competing import competing_risk_set
    >>> ev = pd.DataFrame({"c": ["A", "B"], "year": [2001, 2002], "how": ["r", "a"]})
    >>> rs = competing_risk_set(ev, unit="c", time="year", outcome="how",
    ...                         units=["A", "B", "C", "D"], start=2001, end=2003)
    >>> cumulative_incidence_table(rs, outcome="how")
       time  n_risk  n_events  survival     a     r
    0  2001       4         1      0.75  0.00  0.25
    1  2002       3         1      0.50  0.25  0.25
    2  2003       2         0      0.50  0.25  0.25
    """
    column = check_outcome(risk_set, outcome)
    clock = check_option(clock, ("calendar", "duration"), name="clock")
    f = risk_set._frame
    t = f[risk_set.time].to_numpy(dtype=np.int64)
    if clock == "duration":
        t = t - risk_set.entry_times().to_numpy(dtype=np.int64) + 1
    times, inv = np.unique(t, return_inverse=True)
    n = np.bincount(inv, minlength=len(times)).astype(np.float64)
    event = f[risk_set.event].to_numpy() == 1
    e = np.bincount(inv, weights=event.astype(float), minlength=len(times))
    surv = np.cumprod(1 - e / n)
    before = np.concatenate([[1.0], surv[:-1]])
    table = pd.DataFrame({"time": times, "n_risk": n.astype(np.int64),
                          "n_events": e.astype(np.int64), "survival": surv})
    codes = np.asarray(column.astype(object))
    for k in column.categories:
        ek = np.bincount(inv, weights=(codes == k).astype(float), minlength=len(times))
        table[str(k)] = np.cumsum(before * ek / n)
    if se:
        for k in column.categories:
            ek = np.bincount(inv, weights=(codes == k).astype(float), minlength=len(times))
            table[f"se_{k}"] = np.sqrt(_gray_variance(table[str(k)].to_numpy(), ek, e - ek,
                                                      n, before, surv))
    return table


def _gray_variance(F: np.ndarray, d1: np.ndarray, d2: np.ndarray, n: np.ndarray,
                   s_before: np.ndarray, s_after: np.ndarray) -> np.ndarray:
    """Variance of ``F_k`` by Gray's (1988) formula, as R ``cmprsk::cuminc`` reports it.

    At each time ``u`` with ``d1`` events of type ``k``, ``d2`` of other types, ``n`` at
    risk and ``S(u-)``, ``S(u)``, ``F(u)``: each group of ``d`` tied events adds
    ``c = S(u-)^2 (1 - (d - 1)/(n - 1)) d / n^2`` times ``(a, b)`` outer products to the
    running sums ``V1 = sum a^2 c``, ``V2 = sum a b c``, ``V3 = sum b^2 c``, with
    ``b = 1/S(u)`` and ``a = F(u)/S(u)`` for other types, ``a = 1 + F(u)/S(u)`` for type
    ``k``; ``Var F(t) = V1 + F(t)^2 V3 - 2 F(t) V2``. (Other-type terms leave the
    variance unchanged between jumps of ``F_k``: ``a - F b = 0``.) With late entry ``n``
    counts the rows at risk; cuminc itself has no entry time.
    """
    def tie(d: np.ndarray) -> np.ndarray:  # correction for d tied events among n
        return np.where(d > 1, 1 - (d - 1) / np.maximum(n - 1, 1), 1.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(s_after > 0, 1 / s_after, 0.0)
        c2 = np.where((d2 > 0) & (s_after > 0), s_before**2 * tie(d2) * d2 / n**2, 0.0)
        c1 = s_before**2 * tie(d1) * d1 / n**2
    a2 = F * b
    a1 = 1 + F * b
    v1 = np.cumsum(a2**2 * c2 + a1**2 * c1)
    v2 = np.cumsum(a2 * b * c2 + a1 * b * c1)
    v3 = np.cumsum(b**2 * c2 + b**2 * c1)
    var = v1 + F**2 * v3 - 2 * F * v2
    # cuminc updates the variance at jumps of F_k only; carry it forward in between
    jump = d1 > 0
    idx = np.maximum.accumulate(np.where(jump, np.arange(len(F)), -1))
    return np.where(idx >= 0, var[np.maximum(idx, 0)], 0.0)


def cumulative_incidence(risk_set: RiskSet, *, outcome: str, clock: Clock = "calendar",
                         stacked: bool = False, title: str | None = None) -> Figure:
    """Plot the cumulative incidence of each outcome type (step lines).

    Parameters
    ----------
    risk_set, outcome, clock
        As in :func:`cumulative_incidence_table`.
    stacked : bool, default False
        Stack the curves (the top edge is ``1 - S``, the share with any event).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One step line per outcome type in ``fig.axes[0].lines`` (built without pyplot,
        as the other plots of :mod:`diffusion.report`).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    table = cumulative_incidence_table(risk_set, outcome=outcome, clock=clock)
    codes = [c for c in table.columns if c not in ("time", "n_risk", "n_events", "survival")]
    fig = Figure(figsize=(8, 4.8))
    ax = fig.subplots()
    x = np.concatenate([[table["time"].iloc[0] - 1], table["time"].to_numpy()])
    base = np.zeros(len(x))
    for code in codes:
        y = np.concatenate([[0.0], table[code].to_numpy()])
        if stacked:
            (line,) = ax.step(x, base + y, where="post", label=code)
            ax.fill_between(x, base, base + y, step="post", alpha=0.25,
                            color=line.get_color(), linewidth=0)
            base = base + y
        else:
            ax.step(x, y, where="post", label=code, linewidth=1.6)
    ax.set_ylim(0, 1.02 if stacked else max(0.05, 1.1 * float(table[codes].to_numpy().max())))
    ax.set_xlabel("year" if clock == "calendar" else "years since first year at risk")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("cumulative incidence")
    ax.set_title(title or f"Cumulative incidence by {outcome} (Aalen-Johansen)")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
