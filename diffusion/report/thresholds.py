"""Plot of network thresholds against time of adoption (matplotlib, no pyplot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from diffusion.data.checks import show
from diffusion.errors import SpecificationError
from diffusion.exposure.thresholds import Thresholds
from diffusion.report.plots import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["threshold_plot"]


def threshold_plot(result: Thresholds, *, labels: bool = False,
                   title: str | None = None) -> Figure:
    """Each adopter's network threshold against its time of adoption.

    The dashed lines are the cut-offs of Valente's categories (mean minus one sd,
    mean, mean plus one sd of each axis), so the sixteen cells are the cross-table
    of :meth:`~diffusion.exposure.Thresholds.crosstab`. netdiffuseR draws the same
    picture with ``plot_threshold``.

    Parameters
    ----------
    result : Thresholds
        From :func:`diffusion.exposure.thresholds`.
    labels : bool, default False
        Write each unit's name next to its point.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        The points are ``fig.axes[0].collections[0]``; adopters without a threshold
        are left out and counted in a caption.

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion import RiskSet
    >>> from diffusion.exposure import network, thresholds
    >>> from diffusion.report import threshold_plot
    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["c", "c"]})
    >>> ev = pd.DataFrame({"unit": ["a", "b", "c"], "year": [1, 2, 2]})
    >>> rs = RiskSet.from_events(ev, unit="unit", time="year", units=list("abc"),
    ...                          start=1, end=3)
    >>> fig = threshold_plot(thresholds(rs, network(ties)))
    >>> len(fig.axes[0].collections[0].get_offsets())
    3
    """
    if not isinstance(result, Thresholds):
        raise SpecificationError(
            f"threshold_plot needs the result of diffusion.exposure.thresholds, got "
            f"{type(result).__name__}.")
    if not isinstance(labels, bool):
        raise SpecificationError(f"labels must be True or False, got {show(labels)}.")
    table = result.table
    unit, time = table.columns[0], table.columns[1]
    ok = table["threshold"].notna().to_numpy()
    x = table[time].to_numpy(dtype=float)[ok]
    y = table["threshold"].to_numpy(dtype=float)[ok]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(x, y, s=22, alpha=0.7, color="C0", edgecolor="white", linewidth=0.5)
    if labels:
        for name, xi, yi in zip(table[unit].to_numpy()[ok], x, y):
            ax.annotate(str(name), (xi, yi), fontsize=6, xytext=(2, 2),
                        textcoords="offset points")
    for cut in result.cutoffs["time"]:
        if np.isfinite(cut):
            ax.axvline(cut, color="grey", linestyle="--", linewidth=0.8)
    for cut in result.cutoffs["threshold"]:
        if np.isfinite(cut):
            ax.axhline(cut, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel(f"time of adoption ({time})")
    lag = f", exposure in {time} - {result.lags}" if result.lags else ""
    ax.set_ylabel(f"network threshold{lag}")
    ax.set_title(title or f"Network thresholds of {result.n_adopters} adopters")
    ax.grid(alpha=0.3)
    missing = int((~ok).sum())
    if missing:
        fig.text(0.01, 0.01, f"{missing} adopter(s) without a threshold are left out.",
                 fontsize=7, color="dimgrey")
    fig.tight_layout(rect=(0, 0.03 if missing else 0, 1, 1))
    return fig
