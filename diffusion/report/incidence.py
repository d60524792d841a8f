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
everyone enters at 0 (cuminc has no entry time). Variances are not computed here
(cuminc and survfit use different estimators of them).
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
                               clock: Clock = "calendar") -> pd.DataFrame:
    """Aalen--Johansen cumulative incidence of every outcome type.

    Parameters
    ----------
    risk_set : RiskSet
        From :func:`~diffusion.data.competing.competing_risk_set`.
    outcome : str
        The outcome column.
    clock : {"calendar", "duration"}, default "calendar"

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
    return table


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
