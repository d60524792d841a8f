"""Plots (matplotlib). Functions return the Figure and never call ``show``.

matplotlib is imported lazily, with the non-interactive Agg backend when no backend
has been chosen, so plotting works on machines without a screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from diffusion.data.checks import preview
from diffusion.errors import SpecificationError
from diffusion.exposure.base import group_codes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from diffusion.data.riskset import RiskSet

__all__ = ["cumulative_adoption", "cumulative_adoption_table", "coefficient_plot"]


def _pyplot():
    import matplotlib

    if "matplotlib.pyplot" not in __import__("sys").modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def cumulative_adoption_table(
    risk_set: RiskSet, groups: pd.DataFrame | None = None, *, group: str | None = None
) -> pd.DataFrame:
    """Share of the units that were members in each year that had adopted by then.

    The denominator is the set of units that existed (were members) in that year,
    not today's states: states that did not exist yet are not counted as
    non-adopters, and a new state entering without the policy lowers the share.

    Returns
    -------
    DataFrame
        Index: year (the risk set's window); columns: ``"all"`` and one per group.
    """
    hist = risk_set.history
    y0, y1 = risk_set.start, risk_set.end
    member = hist.member_matrix(y0, y1)
    adopted = member & (hist.events_upto(y0, y1) > 0)
    years = np.arange(y0, y1 + 1)
    out = {"all": adopted.sum(axis=0) / np.maximum(member.sum(axis=0), 1)}
    if groups is not None:
        codes = group_codes(groups, group, risk_set)
        col = group or [c for c in groups.columns if c != risk_set.unit][0]
        labels = pd.Series(groups[col].to_numpy(), index=groups[risk_set.unit]).reindex(hist.units)
        for g in sorted(pd.unique(labels.dropna())):
            sel = (labels.to_numpy() == g) & (codes >= 0)
            den = member[sel].sum(axis=0)
            share = np.divide(adopted[sel].sum(axis=0), den, out=np.full(len(years), np.nan),
                              where=den > 0)
            out[str(g)] = share
    return pd.DataFrame(out, index=pd.Index(years, name=risk_set.time))


def cumulative_adoption(
    risk_set: RiskSet,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
    only: list[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Plot cumulative adoption over time as a share of the units that existed.

    Parameters
    ----------
    risk_set : RiskSet
    groups : DataFrame, optional
        Unit column and a group column: one line per group plus the overall line.
    only : list of str, optional
        Draw only these groups (an unknown group is an error).
    title : str, optional
    """
    table = cumulative_adoption_table(risk_set, groups, group=group)
    if only is not None:
        unknown = [g for g in only if g not in table.columns]
        if unknown:
            raise SpecificationError(
                f"group(s) {preview(unknown)} do not exist; groups are "
                f"{preview([c for c in table.columns if c != 'all'], 20)}."
            )
        table = table[["all", *only]]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for col in table.columns:
        style = {"color": "black", "linewidth": 2.5} if col == "all" else {"linewidth": 1.4}
        ax.plot(table.index, table[col], label="all states" if col == "all" else col, **style)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(risk_set.time)
    ax.set_ylabel("share of existing states that have adopted")
    ax.set_title(title or "Cumulative adoption (denominator: states existing each year)")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def coefficient_plot(results, *, level: float = 0.95, labels: list[str] | None = None,
                     drop: tuple[str, ...] = ("Intercept",), title: str | None = None) -> Figure:
    """Point estimates with confidence intervals, one marker per model and term.

    Parameters
    ----------
    results : HazardResults or sequence of them
    level : float
        Confidence level of the intervals.
    labels : list of str, optional
        Model names for the legend (default ``"model 1"``, ...).
    drop : tuple of str
        Terms left out (the intercept by default).
    """
    models = list(results) if isinstance(results, (list, tuple)) else [results]
    labels = labels or [f"model {i + 1}" for i in range(len(models))]
    if len(labels) != len(models):
        raise SpecificationError(f"{len(labels)} labels for {len(models)} models.")
    terms: list[str] = []
    for res in models:
        terms += [t for t in res.terms if t not in drop and t not in terms]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(terms) + 1.5))
    step = 0.8 / max(len(models), 1)
    for k, (res, lab) in enumerate(zip(models, labels)):
        ci = res.conf_int(level)
        ys, xs, lo, hi = [], [], [], []
        for i, t in enumerate(terms):
            if t in res.terms:
                ys.append(i + (k - (len(models) - 1) / 2) * step)
                xs.append(res.params[t])
                lo.append(ci.loc[t, "lower"])
                hi.append(ci.loc[t, "upper"])
        xs_a = np.asarray(xs)
        ax.errorbar(xs_a, ys, xerr=[xs_a - np.asarray(lo), np.asarray(hi) - xs_a], fmt="o",
                    capsize=3, label=lab)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(range(len(terms)))
    ax.set_yticklabels(terms)
    ax.invert_yaxis()
    ax.set_xlabel(f"coefficient ({100 * level:g}% interval)")
    ax.set_title(title or "Coefficients")
    if len(models) > 1:
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
