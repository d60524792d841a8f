"""Network plots: who can influence whom (observed, inferred or structural-equivalence ties).

:func:`network_plot` draws directed ties ``source -> target`` (an arrow points to the
unit that is exposed), with edge widths by weight (an inferred network's
``improvement`` by default) and node sizes by the number of units that follow a node;
:func:`network_plot_table` returns the layout and the numbers drawn. The layout is a
seeded spring layout (networkx), so the same ties and seed give the same picture. No
pyplot: the Figure is built directly, as every plot of :mod:`diffusion.report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from diffusion.data.checks import check_columns, check_frame, show
from diffusion.errors import SpecificationError
from diffusion.report.plots import _pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["network_plot", "network_plot_table"]


def _edges(network: Any, source: str, target: str, weight: str | None) -> pd.DataFrame:
    """``source``, ``target``, ``weight`` from an InferredNetwork, a DataFrame or a graph."""
    from diffusion.exposure.inferred import InferredNetwork

    if isinstance(network, InferredNetwork):
        frame, source, target = network.edges, "source", "target"
        weight = weight or "improvement"
    else:
        try:
            import networkx as nx

            if isinstance(network, nx.Graph):
                rows = [(u, v, d.get(weight, 1.0) if weight else 1.0)
                        for u, v, d in network.edges(data=True)]
                return pd.DataFrame(rows, columns=["source", "target", "weight"])
        except ImportError:  # pragma: no cover
            pass
        frame = check_frame(network, name="network")
    check_columns(frame, [source, target] + ([weight] if weight else []), name="network")
    w = frame[weight].to_numpy(dtype=float) if weight else np.ones(len(frame))
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise SpecificationError(f"weights in {show(weight)} must be finite and >= 0.")
    return pd.DataFrame({"source": frame[source].to_numpy(), "target": frame[target].to_numpy(),
                         "weight": w})


def network_plot_table(network: Any, *, source: str = "source", target: str = "target",
                       weight: str | None = None, seed: int = 0,
                       top: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The numbers :func:`network_plot` draws: ``(nodes, edges)``.

    ``nodes``: ``unit``, ``x``, ``y`` (seeded spring layout), ``followers`` (ties out
    of the unit: how many units it can influence); ``edges``: ``source``, ``target``,
    ``weight``, the ``top`` heaviest if given.
    """
    import networkx as nx

    edges = _edges(network, source, target, weight)
    if top is not None:
        if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
            raise SpecificationError(f"top must be an integer >= 1, got {show(top)}.")
        edges = edges.nlargest(top, "weight", keep="first").reset_index(drop=True)
    if edges.empty:
        raise SpecificationError("the network has no ties to draw.")
    g = nx.DiGraph()
    g.add_edges_from(zip(edges["source"], edges["target"]))
    pos = nx.spring_layout(g, seed=seed)
    followers = edges.groupby("source").size()
    nodes = pd.DataFrame({"unit": list(g.nodes)})
    nodes["x"] = [pos[u][0] for u in nodes["unit"]]
    nodes["y"] = [pos[u][1] for u in nodes["unit"]]
    nodes["followers"] = nodes["unit"].map(followers).fillna(0).astype(int)
    return nodes, edges


def network_plot(network: Any, *, source: str = "source", target: str = "target",
                 weight: str | None = None, seed: int = 0, top: int | None = None,
                 title: str | None = None, figsize: tuple[float, float] = (7.0, 7.0)
                 ) -> Figure:
    """Draw directed ties: arrows from a source to the units it can influence.

    Parameters
    ----------
    network : InferredNetwork, DataFrame or networkx graph
        An :class:`~diffusion.exposure.InferredNetwork` (widths by ``improvement``),
        a tie table (``source``, ``target`` and optionally ``weight`` columns, e.g.
        the output of :func:`~diffusion.exposure.infer_networks` for one year or of
        :func:`~diffusion.exposure.structural_equivalence`) or a graph.
    weight : str, optional
        Column (edge attribute) for the widths; default: ``improvement`` for an
        inferred network, equal widths otherwise.
    seed : int
        Seed of the spring layout.
    top : int, optional
        Draw only the ``top`` heaviest ties.

    Returns
    -------
    matplotlib.figure.Figure
        Nodes sized by the number of units each can influence.
    """
    nodes, edges = network_plot_table(network, source=source, target=target, weight=weight,
                                      seed=seed, top=top)
    fig, ax = _pyplot().subplots(figsize=figsize)
    xy = nodes.set_index("unit")[["x", "y"]]
    w = edges["weight"].to_numpy()
    widths = 0.5 + 2.5 * (w - w.min()) / (np.ptp(w) or 1.0)
    for (s, t), lw in zip(zip(edges["source"], edges["target"]), widths):
        ax.annotate("", xy=tuple(xy.loc[t]), xytext=tuple(xy.loc[s]),
                    arrowprops={"arrowstyle": "-|>", "lw": float(lw), "color": "0.45",
                                "shrinkA": 9, "shrinkB": 9, "alpha": 0.8})
    sizes = 120 + 60 * nodes["followers"].to_numpy()
    ax.scatter(nodes["x"], nodes["y"], s=sizes, color="tab:blue", zorder=3)
    for row in nodes.itertuples(index=False):
        ax.annotate(str(row.unit), (row.x, row.y), ha="center", va="center", fontsize=7,
                    color="white", zorder=4)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig
