"""The placebo schemes of :func:`diffusion.permutation_test` (private).

``permute_within_year`` gives each year's adoptions to random units at risk under the
permuted history; ``rewire`` makes directed double-edge swaps that keep every unit's in-
and out-degree. See :mod:`diffusion.inference.permutation` for the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import listing, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError

__all__ = ["observed_events", "permute_within_year", "Network", "network_to_rewire",
           "rewire"]


def observed_events(risk_set: RiskSet) -> pd.DataFrame:
    """Every event of the risk set's history (adoptions before entry included)."""
    hist = risk_set.single_history("the permutation test")
    return pd.DataFrame({risk_set.unit: hist.units.to_numpy()[hist.event_unit],
                         risk_set.time: hist.event_time.astype(np.int64)})


def permute_within_year(risk_set: RiskSet, rng: np.random.Generator
                        ) -> tuple[pd.DataFrame, int]:
    """A history with the adoptions of each year given to random units at risk.

    Returns the events table (risk set's unit and time columns) and the number of
    adoptions that could not be placed because fewer units than observed adoptions
    were at risk in a year under the permuted history (normally 0).
    """
    hist = risk_set.single_history("the permutation test")
    frame = risk_set._frame
    n = len(hist.units)
    free = np.zeros(n, dtype=bool)
    free[hist.codes(frame[risk_set.unit].unique())] = True
    fixed = ~free[hist.event_unit]
    per_year = frame.loc[frame[risk_set.event] == 1, risk_set.time].value_counts()
    member = hist.member_matrix(risk_set.start, risk_set.end)
    adopted = np.zeros(n, dtype=bool)
    year = np.zeros(n, dtype=np.int64)
    shortfall = 0
    for t in sorted(int(x) for x in per_year.index):
        d = int(per_year[t])
        candidates = np.flatnonzero(free & member[:, t - risk_set.start] & ~adopted)
        m = min(d, len(candidates))
        shortfall += d - m
        pick = rng.choice(candidates, size=m, replace=False)
        adopted[pick] = True
        year[pick] = t
    units = hist.units.to_numpy()
    events = pd.DataFrame({
        risk_set.unit: np.concatenate([units[hist.event_unit[fixed]], units[adopted]]),
        risk_set.time: np.concatenate([hist.event_time[fixed], year[adopted]]).astype(np.int64),
    })
    return events, shortfall


@dataclass(frozen=True)
class Network:
    """The observed network as integer codes, and how to give it back to ``build``."""

    kind: str  # "frame" or "graph"
    table: pd.DataFrame  # the cleaned ties, source/target columns as given
    nodes: np.ndarray  # node labels
    s: np.ndarray  # source codes
    d: np.ndarray  # target codes
    source: str
    target: str
    graph: Any = None

    def rebuild(self, s: np.ndarray, d: np.ndarray) -> Any:
        if self.kind == "frame":
            out = self.table.copy()
            out[self.source] = self.nodes[s]
            out[self.target] = self.nodes[d]
            return out
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(self.graph.nodes(data=True))
        attrs = [data for _, _, data in self.graph.edges(data=True)]
        g.add_edges_from((self.nodes[a], self.nodes[b], dict(w))
                         for a, b, w in zip(s, d, attrs))
        return g


def network_to_rewire(edges: Any, source: str, target: str) -> tuple[Network, list[Note], Any]:
    """Validate the network to rewire; return it, the notes, and the cleaned edges."""
    notes: list[Note] = []
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        nx = None
    if nx is not None and isinstance(edges, nx.Graph):
        if not edges.is_directed() or edges.is_multigraph():
            raise SpecificationError(
                f"scheme='rewire' needs a directed network without multiple ties (a "
                f"networkx DiGraph or a DataFrame of ties); got a {type(edges).__name__}. "
                f"Convert it with nx.DiGraph(graph).")
        loops = list(nx.selfloop_edges(edges))
        graph = edges
        if loops:
            graph = edges.copy()
            graph.remove_edges_from(loops)
            notes.append(Note("network_self_loops", len(loops),
                              f"{len(loops)} self-tie(s) were removed before rewiring."))
        pairs = list(graph.edges())
        nodes = np.array(list(graph.nodes()), dtype=object)
        index = pd.Index(nodes)
        s = index.get_indexer([u for u, _ in pairs]).astype(np.int64)
        d = index.get_indexer([v for _, v in pairs]).astype(np.int64)
        table = pd.DataFrame({"source": [u for u, _ in pairs], "target": [v for _, v in pairs]})
        net = Network("graph", table, nodes, s, d, "source", "target", graph)
        return net, notes, graph
    if not isinstance(edges, pd.DataFrame):
        raise SpecificationError(
            f"scheme='rewire' needs edges=: a DataFrame of ties ({show(source)}, "
            f"{show(target)}, ...) or a networkx DiGraph; got "
            f"{'nothing' if edges is None else type(edges).__name__}.")
    for col in (source, target):
        if col not in edges.columns:
            raise SpecificationError(
                f"edges has no column {show(col)}; its columns are "
                f"{preview(list(edges.columns))}. Pass source= and target=.")
    table = edges.reset_index(drop=True)
    if table[[source, target]].isna().any().any():
        raise SpecificationError("edges has missing source or target values; drop those rows.")
    dup = table.duplicated([source, target], keep=False)
    if dup.any():
        repeated = table.loc[dup, [source, target]].drop_duplicates()
        first = repeated.head(5)
        raise SpecificationError(
            f"edges lists {int(dup.sum())} rows for {len(repeated)} repeated tie(s), e.g. "
            f"{listing(f'{show(a)}->{show(b)}' for a, b in zip(first[source], first[target]))}. "
            f"scheme='rewire' rewires a static network (one row per tie); ties by year are "
            f"not supported.")
    loops = (table[source] == table[target]).to_numpy()
    if loops.any():
        notes.append(Note("network_self_loops", int(loops.sum()),
                          f"{int(loops.sum())} self-tie(s) were removed before rewiring."))
        table = table.loc[~loops].reset_index(drop=True)
    codes, nodes = pd.factorize(pd.concat([table[source], table[target]], ignore_index=True))
    m = len(table)
    # the labels keep the dtype of the columns (int codes stay int64)
    net = Network("frame", table, pd.Index(nodes).to_numpy(),
                   codes[:m].astype(np.int64), codes[m:].astype(np.int64), source, target)
    return net, notes, table


def rewire(s: np.ndarray, d: np.ndarray, n_nodes: int, rng: np.random.Generator,
           n_swaps: int) -> tuple[np.ndarray, np.ndarray]:
    """Directed double-edge swaps keeping in- and out-degrees (see module docstring).

    Makes ``n_swaps`` successful swaps (at most ``100 * n_swaps`` attempts); tie ``k``
    keeps its source ``s[k]`` and receives a new target.
    """
    s = s.copy()
    d = d.copy()
    m = len(s)
    existing = set((s * n_nodes + d).tolist())
    done = attempts = 0
    while done < n_swaps and attempts < 100 * n_swaps:
        pairs = rng.integers(0, m, size=(max(64, 2 * (n_swaps - done)), 2))
        for i, j in pairs.tolist():
            attempts += 1
            a, b, c, e = s[i], d[i], s[j], d[j]
            if i == j or a == e or c == b:
                continue
            ae, cb = a * n_nodes + e, c * n_nodes + b
            if ae in existing or cb in existing:
                continue
            existing.discard(a * n_nodes + b)
            existing.discard(c * n_nodes + e)
            existing.add(ae)
            existing.add(cb)
            d[i], d[j] = e, b
            done += 1
            if done >= n_swaps:
                break
    return s, d
