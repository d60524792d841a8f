"""Network exposure: what a unit's sources of influence did.

An edge ``(source, target[, weight][, time])`` means *source can influence target*.
Direction is explicit and never symmetrised: a tie from A to B exposes B to A's
adoption, not A to B's. For row ``(i, t)`` with ``r = t - lag`` and ``S(i)`` the
sources of ``i`` that are members in ``r`` (ties of year ``r`` when the edges are by
year)::

    normalize=True :  sum_{j in S(i)} w_ji * adopted_j(r) / sum_{j in S(i)} w_ji
    normalize=False:  sum_{j in S(i)} w_ji * adopted_j(r)

This is netdiffuseR's cohesive exposure (``exposure(..., normalized=TRUE)``) read
with the lag convention of event-history models: adoption by ``t - 1`` predicts
adoption in ``t``. Units without any member source get 0 (counted in the notes).
A networkx ``DiGraph`` is read edge by edge; an undirected ``Graph`` is, by its
nature, a tie in both directions (said in the notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from diffusion._notes import Note
from diffusion.data.checks import (
    check_columns,
    check_frame,
    check_hashable,
    check_positive_int,
    check_unique,
    check_years,
    show,
)
from diffusion.errors import DataError, SpecificationError
from diffusion.exposure.base import grid, safe_share

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["NetworkExposure", "network"]


@dataclass(frozen=True)
class NetworkExposure:
    """Weighted share (or sum) of a unit's sources that adopted by ``t - lag``."""

    edges: Any = field(repr=False)
    weight: str | None = None
    normalize: bool = True
    lag: int = 1
    source: str = "source"
    target: str = "target"
    time: str | None = None

    def _edge_table(self) -> tuple[pd.DataFrame, list[Note]]:
        notes: list[Note] = []
        if _is_graph(self.edges):
            g = self.edges
            rows = [(u, v, (d.get(self.weight, np.nan) if self.weight else 1.0))
                    for u, v, d in g.edges(data=True)]
            table = pd.DataFrame(rows, columns=["s", "d", "w"])
            table["w"] = _weights(table["w"], table["s"], table["d"], self.weight)
            if not g.is_directed():
                notes.append(Note("network_undirected", len(table),
                                  f"the graph is undirected: each of its {len(table)} ties "
                                  f"exposes both ends to each other."))
                table = pd.concat([table, table.rename(columns={"s": "d", "d": "s"})],
                                  ignore_index=True)
                table = table.drop_duplicates(["s", "d"])
            table["y"] = 0
            timed = False
        elif isinstance(self.edges, pd.DataFrame):
            e = check_frame(self.edges, name="edges")
            cols = [self.source, self.target] + ([self.weight] if self.weight else []) + (
                [self.time] if self.time else [])
            check_columns(e, cols, name="edges")
            for col in (self.source, self.target):
                check_hashable(e[col], name="edges", column=col)
            w = (_weights(e[self.weight], e[self.source], e[self.target], self.weight)
                 if self.weight else np.ones(len(e)))
            y = (check_years(e, self.time, name="edges", unit=self.source).astype(np.int64)
                 if self.time else np.zeros(len(e), dtype=np.int64))
            table = pd.DataFrame({"s": e[self.source].to_numpy(), "d": e[self.target].to_numpy(),
                                  "w": w, "y": y})
            if table[["s", "d"]].isna().any().any():
                raise DataError("edges has missing source or target values; drop those rows.")
            timed = self.time is not None
        else:
            raise SpecificationError(
                f"edges must be a DataFrame (source, target[, weight][, time]) or a "
                f"networkx graph, got {type(self.edges).__name__}."
            )
        bad_w = ~np.isfinite(table["w"].to_numpy()) | (table["w"].to_numpy() < 0)
        if bad_w.any():
            b = table.loc[bad_w].head(5)
            shown = ", ".join(f"{show(s)}->{show(d)} ({w})" for s, d, w in zip(b.s, b.d, b.w))
            raise DataError(
                f"edges has {int(bad_w.sum())} weight(s) that are missing, infinite or "
                f"negative: {shown}. Weights must be finite and >= 0."
            )
        check_unique(table.rename(columns={"s": self.source, "d": self.target,
                                           "y": self.time or "time"}),
                     [self.source, self.target] + ([self.time] if timed else []),
                     name="edges", what="tie")
        loops = (table["s"] == table["d"]).to_numpy()
        if loops.any():
            notes.append(Note("network_self_loops", int(loops.sum()),
                              f"{int(loops.sum())} self-tie(s) were ignored (a unit is not its "
                              f"own source of influence)."))
            table = table.loc[~loops]
        return table.reset_index(drop=True), notes

    def compute(self, risk_set: RiskSet) -> tuple[np.ndarray, tuple[Note, ...]]:
        table, notes = self._edge_table()
        return self._values(risk_set, table, notes)

    def compute_pooled(self, risk_set: RiskSet) -> tuple[np.ndarray, tuple[Note, ...]]:
        """Within each process of a pooled risk set; the ties are checked once."""
        from diffusion.data.pooled import merge_notes, process_risk_sets

        table, notes = self._edge_table()
        out = np.empty(risk_set.n_obs, dtype=np.float64)
        collected: dict[str, list] = {}
        for _, name, rows, sub in process_risk_sets(risk_set):
            out[rows], more = self._values(sub, table, [])
            for n in more:
                collected.setdefault(n.kind, []).append((name, n))
        return out, tuple(notes) + merge_notes(collected)

    def _values(self, risk_set: RiskSet, table: pd.DataFrame,
                notes: list[Note]) -> tuple[np.ndarray, tuple[Note, ...]]:
        lag = check_positive_int(self.lag, name="lag")
        notes = list(notes)
        g = grid(risk_set, lag)
        hist = risk_set.history
        s_code = hist.codes(table["s"])
        d_code = hist.codes(table["d"])
        unknown = (s_code < 0) | (d_code < 0)
        if unknown.any():
            notes.append(Note("network_unknown_units", int(unknown.sum()),
                              f"{int(unknown.sum())} tie(s) name units outside the risk set's "
                              f"population and were ignored."))
        keep = ~unknown
        s_code, d_code = s_code[keep], d_code[keep]
        w = table["w"].to_numpy()[keep]
        n = len(hist.units)
        member = g.member.astype(np.float64)
        adopted = (g.member & g.adopted()).astype(np.float64)
        if self.time is None:
            wmat = sparse.csr_matrix((w, (d_code, s_code)), shape=(n, n))
            num_m = wmat @ adopted
            den_m = wmat @ member
            num = np.asarray(num_m)[g.row_unit, g.row_col]
            den = np.asarray(den_m)[g.row_unit, g.row_col]
        else:
            col = table["y"].to_numpy()[keep] - g.y0
            inside = (col >= 0) & (col < member.shape[1])
            s_c, d_c, w_c, col = s_code[inside], d_code[inside], w[inside], col[inside]
            num_m = np.zeros_like(member)
            den_m = np.zeros_like(member)
            np.add.at(num_m, (d_c, col), w_c * adopted[s_c, col])
            np.add.at(den_m, (d_c, col), w_c * member[s_c, col])
            num = num_m[g.row_unit, g.row_col]
            den = den_m[g.row_unit, g.row_col]
        if not self.normalize:
            return num, tuple(notes)
        values, more = safe_share(num, den, "source that was a member")
        return values, tuple(notes) + more


def _weights(raw: pd.Series, src: pd.Series, dst: pd.Series, name: Any) -> np.ndarray:
    """Edge weights as float64 (numeric text read as numbers); anything else is refused."""
    if pd.api.types.is_bool_dtype(raw.dtype) or not (
            pd.api.types.is_numeric_dtype(raw.dtype) or raw.dtype == object
            or pd.api.types.is_string_dtype(raw.dtype)):
        raise DataError(f"edges: weight {show(name)} holds {raw.dtype} values, not numbers.")
    flags = raw.map(lambda v: isinstance(v, (bool, np.bool_)) or not (
        v is None or isinstance(v, (str, int, float, np.number))))
    coerced = pd.to_numeric(raw.where(~flags.to_numpy(dtype=bool)), errors="coerce")
    bad = flags.to_numpy(dtype=bool) | (raw.notna().to_numpy() & coerced.isna().to_numpy())
    if bad.any():
        idx = np.flatnonzero(bad)[:5]
        shown = ", ".join(f"{show(src.iloc[i])}->{show(dst.iloc[i])} ({show(raw.iloc[i])})"
                          for i in idx)
        raise DataError(
            f"edges: weight {show(name)} has {int(bad.sum())} value(s) that are not numbers: "
            f"{shown}. Weights must be finite numbers >= 0."
        )
    return coerced.to_numpy(dtype="float64", na_value=np.nan)


def _is_graph(obj: Any) -> bool:
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, nx.Graph)


def network(
    edges: Any,
    *,
    weight: str | None = None,
    normalize: bool = True,
    lag: int = 1,
    source: str = "source",
    target: str = "target",
    time: str | None = None,
) -> NetworkExposure:
    """Exposure through directed ties: the (weighted) share of sources that adopted.

    Parameters
    ----------
    edges : DataFrame or networkx graph
        Columns ``source``, ``target`` and optionally a weight and a year column;
        an edge means *source can influence target*. With ``time``, row ``t`` uses
        the ties of year ``t - lag``; without it the ties are static.
    weight : str, optional
        Weight column (edge attribute for a graph). Weights must be finite and >= 0.
    normalize : bool, default True
        Divide by the total weight of the member sources (a share in [0, 1]);
        otherwise return the weighted sum.
    lag : int, default 1
    source, target, time : str
        Column names in ``edges``.

    Examples
    --------
    >>> from diffusion.exposure import network
    >>> rs = rs.with_exposure("neighbours", network(contiguity))  # doctest: +SKIP
    """
    check_positive_int(lag, name="lag")
    for label, value in [("weight", weight), ("time", time)]:
        if value is not None and not isinstance(value, str):
            raise SpecificationError(
                f"{label} must be a column name (a string) or None, got {show(value)}.")
    for label, value in [("source", source), ("target", target)]:
        if not isinstance(value, str):
            raise SpecificationError(f"{label} must be a column name (a string), got {show(value)}.")
    if not isinstance(normalize, bool):
        raise SpecificationError(f"normalize must be True or False, got {show(normalize)}.")
    return NetworkExposure(edges, weight, normalize, lag, source, target, time)
