"""Inferred diffusion networks: who follows whom, read off the order of past adoptions.

When no network of influence is observed, the NetInf algorithm (Gomez-Rodriguez,
Leskovec & Krause 2010) infers one from *cascades*: many policies (treaties, laws),
each adopted by units at known times. An edge ``u -> v`` means *v tends to adopt soon
after u*; Desmarais, Harden & Boehmke (2015) use such networks, inferred from the
adoption of hundreds of policies by the US states, as the ties of network exposure.

The model (as in the R package NetworkInference 1.2, whose ``netinf`` this equals)
------------------------------------------------------------------------------------
In cascade ``c`` every adopter ``v`` except the earliest has a *parent*: one earlier
adopter ``u`` (strictly earlier: units adopting at the same time cannot have infected
each other). The score of parent ``u`` for ``v`` is, with ``dt = t_v - t_u > 0`` and
``f`` the transmission density,

    log(beta f(dt))      if u -> v is an edge of the network  (beta = 0.5)
    log(epsilon f(dt))   otherwise, an "external" parent      (epsilon = 1e-10)

Each adopter takes its best-scoring parent, and the fit of a network is the sum of
these scores over cascades. Starting from the empty network (every parent external),
the greedy step adds the edge with the largest *improvement*: the sum, over the
cascades in which ``u`` adopted before ``v``, of the gain from making ``u`` the parent
of ``v`` when that beats ``v``'s current parent. Only edges with ``u`` before ``v`` in
some cascade are candidates. Adding ``u -> v`` changes only the improvements of
edges into ``v``, so only those are recomputed (NetworkInference recomputes all).

Transmission densities (``params``):

* ``"exponential"``, ``(lambda,)``: ``lambda exp(-lambda dt)``;
* ``"rayleigh"``, ``(alpha,)``: ``dt / alpha^2 exp(-dt^2 / (2 alpha^2))``;
* ``"log-normal"``, ``(mu, sigma)``: the log-normal density of ``dt``.

Stopping: after ``n_edges`` edges, or, with ``p_value_cutoff``, while Vuong's test
that the new edge improves the fit has a p-value below the cutoff. For cascades
``c = 1..n`` with tree-score gains ``d_c`` from the new edge (a penalty of one
parameter, ``1/n`` per cascade)::

    z = (sum_c d_c - 1) / (sd(d) sqrt(n)),    p = 1 - Phi(z),   sd with n - 1

Conventions that differ from NetworkInference (documented, tested)
-----------------------------------------------------------------
* With ``p_value_cutoff``, NetworkInference also returns the first edge whose p-value
  reaches the cutoff (it stops *after* adding it); here that edge is left out, since
  the test says it does not improve the fit.
* ``Phi`` is the exact normal distribution function; NetworkInference uses an
  approximation accurate to about 1.5e-7, so p-values agree to that.
* Equally good edges: NetworkInference takes the last in the order of (destination,
  origin) node ids, its ids being the order of ``node_names``; so does this function,
  with units ordered as sorted labels (the R reference runs with sorted node names).
  The scores are computed with the same operations as NetworkInference's C++, so that
  edges tied there are tied here.
* ``params=None`` initialises the exponential rate as NetworkInference does: the mean
  of ``1 / mean(t_v - t_first)`` and ``1 / mean(t_v - t_previous)`` over the later
  adopters of all cascades (gaps between tied adopters count as 0). For the other
  two models give ``params`` (NetworkInference's initial values for them are
  heuristic and scale-dependent).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from diffusion._notes import Note
from diffusion.data.checks import (
    MAX_TIME,
    check_columns,
    check_frame,
    check_not_dates,
    check_option,
    check_positive_int,
    check_units,
    is_number,
    listing,
    preview,
    show,
)
from diffusion.errors import DataError, DuplicateKeyError, SpecificationError

__all__ = ["TRANSMISSION_MODELS", "InferredNetwork", "infer_network", "infer_networks"]

TransmissionModel = Literal["exponential", "rayleigh", "log-normal"]
TRANSMISSION_MODELS: tuple[str, ...] = ("exponential", "rayleigh", "log-normal")
#: weight of a network edge and of the external ("epsilon") parent, as NetInf
BETA, EPSILON = 0.5, 1e-10


@dataclass(frozen=True)
class InferredNetwork:
    """A network inferred by NetInf: edges in the order they were added.

    Attributes
    ----------
    edges : DataFrame
        ``source`` (origin), ``target`` (destination: the unit that follows),
        ``improvement`` (gain in the log score from adding the edge) and ``p_value``
        (Vuong's test that the edge improves the fit), one row per edge in the order
        the greedy algorithm chose them. Read as "source can influence target", the
        direction :func:`diffusion.exposure.network` expects.
    trees : DataFrame
        For every adopter with an earlier adopter in its cascade: ``cascade``,
        ``unit``, ``time``, ``parent`` (``None`` when external) and ``log_score``.
    model : str
    params : tuple of float
        Parameters of the transmission density (given or initialised).
    n_cascades, n_units : int
        Cascades and distinct adopters used.
    n_possible_edges : int
        Ordered pairs ``u -> v`` with ``u`` adopting before ``v`` in some cascade.
    stopped : str
        ``"n_edges"``, ``"p_value"`` (the next edge failed the test) or
        ``"exhausted"`` (no candidate edge left).
    notes : tuple of Note
        Rows not used (non-adopters, cascades with a single adopter).
    """

    edges: pd.DataFrame = field(repr=False)
    trees: pd.DataFrame = field(repr=False)
    model: str
    params: tuple[float, ...]
    n_cascades: int
    n_units: int
    n_possible_edges: int
    stopped: str
    notes: tuple[Note, ...] = ()

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    def ties(self) -> pd.DataFrame:
        """The edges as a tie table (``source``, ``target``) for :func:`~diffusion.exposure.network`."""
        return self.edges[["source", "target"]].reset_index(drop=True)

    def to_networkx(self) -> Any:
        """A networkx ``DiGraph`` with ``improvement`` and ``p_value`` edge attributes."""
        import networkx as nx

        g = nx.DiGraph()
        for row in self.edges.itertuples(index=False):
            g.add_edge(row.source, row.target, improvement=row.improvement, p_value=row.p_value)
        return g

    def __repr__(self) -> str:
        return (f"InferredNetwork({self.n_edges} edges among {self.n_units} units from "
                f"{self.n_cascades} cascades, {self.model} {self.params}, stopped: {self.stopped})")


# ------------------------------------------------------------------ densities
def _density(model: str, params: tuple[float, ...]):
    """The transmission density ``f(dt)`` as a scalar function, written as
    NetworkInference's C++ writes it (same operations, same order)."""
    if model == "exponential":
        (rate,) = params
        return lambda x: rate * math.exp(-1 * rate * x)
    if model == "rayleigh":
        (alpha,) = params
        return lambda x: (x / alpha ** 2) * math.exp(-x ** 2 / (2 * alpha ** 2))
    mu, sigma = params
    return lambda x: (1 / (x * sigma * math.sqrt(2 * math.pi))
                      * math.exp(-((math.log(x) - mu) ** 2) / (2 * sigma ** 2)))


def _scores(model: str, params: tuple[float, ...], dt: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """``log(beta f(dt))`` and ``log(epsilon f(dt))`` of every pair.

    Computed once per distinct gap with the C library's ``exp`` and ``log`` (Python's
    ``math``), in NetworkInference's order of operations, so that the scores are the
    same floating-point numbers as R's: the greedy search breaks exact ties between
    equally good edges, and equal real numbers must compare equal here as they do there.
    A density that underflows to 0 gives a score of ``-inf``.
    """
    gaps, inverse = np.unique(dt, return_inverse=True)
    f = _density(model, params)
    edge = np.empty(len(gaps))
    ext = np.empty(len(gaps))
    for i, x in enumerate(gaps.tolist()):
        y = f(x)
        edge[i] = math.log(BETA * y) if BETA * y > 0 else -math.inf
        ext[i] = math.log(EPSILON * y) if EPSILON * y > 0 else -math.inf
    return edge[inverse], ext[inverse]


def _check_params(model: str, params: Any) -> tuple[float, ...]:
    need = 2 if model == "log-normal" else 1
    names = "(mu, sigma)" if model == "log-normal" else (
        "(lambda,), the rate" if model == "exponential" else "(alpha,), the scale")
    values = np.atleast_1d(np.asarray(params, dtype=object))
    try:
        floats = tuple(float(v) for v in values)
    except (TypeError, ValueError, OverflowError):
        floats = ()
    positive = floats[-1:] if model == "log-normal" else floats
    if (len(floats) != need or not all(np.isfinite(floats))
            or any(v <= 0 for v in positive)):
        raise SpecificationError(
            f"params for the {model} model must be {names}: {need} finite number(s)"
            f"{', sigma > 0' if model == 'log-normal' else ', > 0'}; got {show(params)}."
        )
    return floats


# ------------------------------------------------------------------ cascades
@dataclass(frozen=True)
class _Cascades:
    """Adoptions as integer arrays: cascade code, node code, time (sorted by cascade, time)."""

    cascade: np.ndarray
    node: np.ndarray
    time: np.ndarray
    cascade_labels: np.ndarray
    node_labels: np.ndarray
    notes: tuple[Note, ...]


def _cascades(adoptions: pd.DataFrame, unit: str, cascade: str, time: str) -> _Cascades:
    frame = check_frame(adoptions, name="adoptions")
    check_columns(frame, [unit, cascade, time], name="adoptions")
    for col in (unit, cascade):
        miss = frame[col].isna().to_numpy()
        if miss.any():
            raise DataError(
                f"adoptions: column {show(col)} has {int(miss.sum())} missing value(s) (first "
                f"at row {show(frame.index[np.flatnonzero(miss)[0]])}). Every adoption needs "
                f"a unit and a cascade; drop those rows."
            )
        check_units(frame[col], name="adoptions", column=col)
    raw = frame[time]
    if pd.api.types.is_bool_dtype(raw):
        raise DataError(f"adoptions: column {show(time)} holds booleans, not times.")
    check_not_dates(raw, name="adoptions", column=time)
    if raw.dtype == object and raw.map(lambda v: isinstance(v, (bool, np.bool_))).any():
        raise DataError(f"adoptions: column {show(time)} holds booleans, not times.")
    t = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = (np.isnan(t) & raw.notna().to_numpy()) | np.isinf(t)
    if bad.any():
        rows = np.flatnonzero(bad)[:5]
        raise DataError(
            f"adoptions: column {show(time)} has {int(bad.sum())} value(s) that are not finite "
            f"numbers, at " + listing([f"{show(frame[unit].iloc[i])} in "
                                       f"{show(frame[cascade].iloc[i])} ({show(raw.iloc[i])})"
                                       for i in rows]) + ". Give adoption times as numbers."
        )
    notes: list[Note] = []
    keep = ~np.isnan(t)
    if not keep.any():
        raise DataError(
            f"adoptions has no adoption times ({len(frame)} row(s)); give one row per unit "
            f"and cascade with the time it adopted.")
    if not keep.all():
        notes.append(Note("no_adoption_time", int((~keep).sum()),
                          f"{int((~keep).sum())} row(s) without an adoption time (non-adopters) "
                          f"are not part of any cascade."))
    used = frame.loc[keep, [unit, cascade]]
    dup = used.duplicated(keep=False).to_numpy()
    if dup.any():
        pairs = used.loc[dup].drop_duplicates().head(5)
        raise DuplicateKeyError(
            f"adoptions: {int(used.loc[dup].drop_duplicates().shape[0])} (unit, cascade) pair(s) "
            f"adopt more than once: " + listing([tuple(r) for r in pairs.itertuples(index=False)])
            + ". A cascade records each unit's first adoption: keep the earliest row."
        )
    c_codes, c_labels = pd.factorize(used[cascade], sort=True)
    n_codes, n_labels = pd.factorize(used[unit], sort=True)
    t = t[keep]
    order = np.lexsort((n_codes, t, c_codes))
    sizes = np.bincount(c_codes, minlength=len(c_labels))
    if (sizes == 1).any():
        single = [c_labels[j] for j in np.flatnonzero(sizes == 1)]
        notes.append(Note("single_adopter_cascade", len(single),
                          f"{len(single)} cascade(s) with a single adopter carry no information "
                          f"about ties: {preview(single)}."))
    return _Cascades(c_codes[order], n_codes[order], t[order], np.asarray(c_labels, dtype=object),
                     np.asarray(n_labels, dtype=object), tuple(notes))


def _pairs(cs: _Cascades) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every ordered pair (earlier adopter i, later adopter j) within a cascade, as row indices."""
    bounds = np.flatnonzero(np.diff(cs.cascade)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(cs.cascade)]])
    ii, jj = [], []
    for s, e in zip(starts, ends):
        if e - s < 2:
            continue
        i, j = np.triu_indices(e - s, k=1)
        ii.append(i + s)
        jj.append(j + s)
    if not ii:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), starts
    i, j = np.concatenate(ii), np.concatenate(jj)
    dt = cs.time[j] - cs.time[i]
    strict = dt > 0  # tied adopters cannot infect each other
    return i[strict], j[strict], dt[strict], starts


def _initial_rate(cs: _Cascades, starts: np.ndarray) -> float:
    """NetworkInference's initial exponential rate (see the module docstring)."""
    first_time = np.repeat(cs.time[starts], np.diff(np.concatenate([starts, [len(cs.time)]])))
    later = np.ones(len(cs.time), dtype=bool)
    later[starts] = False
    since_first = (cs.time - first_time)[later]
    gaps = np.diff(cs.time)[later[1:]]
    if not len(since_first) or since_first.mean() <= 0 or gaps.mean() <= 0:
        raise SpecificationError(
            "cannot initialise the exponential rate: no cascade has adopters at two different "
            "times. Give params=(rate,) or more cascades."
        )
    return float(np.mean([1 / since_first.mean(), 1 / gaps.mean()]))


# ------------------------------------------------------------------ NetInf
def infer_network(
    adoptions: pd.DataFrame,
    *,
    unit: str = "unit",
    cascade: str = "cascade",
    time: str = "time",
    n_edges: int | None = None,
    p_value_cutoff: float | None = None,
    model: TransmissionModel = "exponential",
    params: float | Sequence[float] | None = None,
) -> InferredNetwork:
    """Infer a diffusion network from cascades of adoptions (NetInf, equal to R ``netinf``).

    Parameters
    ----------
    adoptions : DataFrame
        One row per adoption: ``unit``, ``cascade`` (the policy or treaty) and
        ``time``. Rows with a missing time (non-adopters) are skipped and counted.
    n_edges : int, optional
        Number of edges to infer. Give this or ``p_value_cutoff``.
    p_value_cutoff : float in (0, 1], optional
        Add edges while Vuong's test of the new edge has a p-value below the cutoff.
    model : {"exponential", "rayleigh", "log-normal"}
        Transmission density of the time from a parent's adoption to its child's.
    params : float or sequence, optional
        ``lambda`` (exponential rate), ``alpha`` (Rayleigh scale) or ``(mu, sigma)``
        (log-normal). Default for the exponential: NetworkInference's initial value.

    Returns
    -------
    InferredNetwork

    Notes
    -----
    The algorithm, the stopping rule and the conventions that differ from R
    NetworkInference are in the docstring of :mod:`diffusion.exposure.inferred`.

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.exposure import infer_network
    >>> adoptions = pd.DataFrame({
    ...     "unit": ["a", "b", "c", "a", "c", "b", "a", "b"],
    ...     "cascade": [1, 1, 1, 2, 2, 2, 3, 3],
    ...     "time": [1, 2, 4, 1, 3, 5, 1, 2]})
    >>> net = infer_network(adoptions, n_edges=2, params=0.5)
    >>> net.edges[["source", "target"]].to_numpy().tolist()
    [['a', 'b'], ['a', 'c']]
    """
    model = _check_options(model, n_edges, p_value_cutoff, params)
    cs = _cascades(adoptions, unit, cascade, time)
    return _infer(cs, model, params, n_edges, p_value_cutoff)


def _check_options(model: Any, n_edges: Any, p_value_cutoff: Any, params: Any) -> str:
    model = check_option(model, TRANSMISSION_MODELS, name="transmission model")
    if (n_edges is None) == (p_value_cutoff is None):
        raise SpecificationError(
            "give exactly one of n_edges (how many edges to infer) and p_value_cutoff (add "
            "edges while Vuong's test rejects at that level)."
        )
    if n_edges is not None and (isinstance(n_edges, bool)
                                or not isinstance(n_edges, (int, np.integer)) or n_edges < 1):
        raise SpecificationError(f"n_edges must be an integer >= 1, got {show(n_edges)}.")
    if p_value_cutoff is not None and (isinstance(p_value_cutoff, bool) or not (
            isinstance(p_value_cutoff, (int, float, np.floating))
            and 0 < float(p_value_cutoff) <= 1)):
        raise SpecificationError(f"p_value_cutoff must be in (0, 1], got {show(p_value_cutoff)}.")
    if params is None and model != "exponential":
        raise SpecificationError(
            f"give params for the {model} model ("
            f"{'(mu, sigma)' if model == 'log-normal' else 'alpha, the scale'}); only the "
            f"exponential rate has a default."
        )
    if params is not None:
        _check_params(model, params)
    return model


def _infer(cs: _Cascades, model: str, params: Any, n_edges: int | None,
           cutoff: float | None, *, cap: bool = False,
           pairs: tuple[np.ndarray, ...] | None = None) -> InferredNetwork:
    """NetInf on prepared cascades; ``cap``: ask for at most the possible edges;
    ``pairs``: :func:`_pairs` of ``cs`` when already computed."""
    pi, pj, dt, starts = pairs if pairs is not None else _pairs(cs)
    if cutoff is not None and len(cs.cascade_labels) < 2:
        raise SpecificationError(
            f"p_value_cutoff needs at least two cascades (Vuong's test compares the fit "
            f"cascade by cascade); found {len(cs.cascade_labels)}. Give n_edges instead."
        )
    if params is None:
        params_t: tuple[float, ...] = (_initial_rate(cs, starts),)
    else:
        params_t = _check_params(model, params)
    edge_score, ext_score = _scores(model, params_t, dt)
    return _greedy(cs, pi, pj, edge_score, ext_score, model, params_t, n_edges, cutoff, cap)


def _greedy(cs: _Cascades, pi: np.ndarray, pj: np.ndarray, edge_score: np.ndarray,
            ext_score: np.ndarray, model: str,
            params: tuple[float, ...], n_edges: int | None,
            cutoff: float | None, cap: bool) -> InferredNetwork:
    n_rows = len(cs.node)
    n_nodes = len(cs.node_labels)
    n_casc = len(cs.cascade_labels)
    # slots: the later adopters (rows j); initial score: best external parent
    score = np.full(n_rows, -np.inf)
    np.maximum.at(score, pj, ext_score)
    slots = np.unique(pj)
    if len(slots) and not np.all(np.isfinite(score[slots])):
        r = slots[~np.isfinite(score[slots])][0]
        raise SpecificationError(
            f"the {model} density with params {params} is 0 (underflows) at every gap "
            f"between {show(cs.node_labels[cs.node[r]])} in cascade "
            f"{show(cs.cascade_labels[cs.cascade[r]])} and its earlier adopters (R: "
            f"'Observed time with zero likelihood'); choose parameters on the scale of "
            f"the gaps (up to {float(np.max(cs.time) - np.min(cs.time)):g})."
        )
    parent = np.full(n_rows, -1)  # network parent (row index), -1: external
    # candidate edges keyed (destination, origin) in the order of node ids, as
    # NetworkInference's std::map: equally good edges go to the last key
    u, v = cs.node[pi], cs.node[pj]
    pair_edge_key = v.astype(np.int64) * n_nodes + u
    edge_keys, pair_edge = np.unique(pair_edge_key, return_inverse=True)
    n_possible = len(edge_keys)
    if n_edges is not None and cap:
        n_edges = min(n_edges, n_possible)
    if n_edges is not None and n_edges > n_possible:
        raise SpecificationError(
            f"n_edges={n_edges} exceeds the {n_possible} possible edges (ordered pairs with the "
            f"origin adopting before the destination in some cascade); ask for fewer."
        )
    # pairs grouped by destination node, then by edge, then cascade (R's summation order)
    by_dest = np.lexsort((cs.cascade[pj], pair_edge, v))
    dest_sorted = v[by_dest]
    dest_start = np.searchsorted(dest_sorted, np.arange(n_nodes + 1))
    improvement = np.zeros(n_possible)

    def refresh(node: int) -> None:
        idx = by_dest[dest_start[node]:dest_start[node + 1]]
        if not len(idx):
            return
        gain = np.maximum(edge_score[idx] - score[pj[idx]], 0.0)
        e = pair_edge[idx]
        new_edge = np.r_[True, e[1:] != e[:-1]]
        # bincount adds in input order (cascade order within an edge), as R's loop;
        # a pairwise sum (np.add.reduceat) would break exact ties differently
        improvement[e[new_edge]] = np.bincount(np.cumsum(new_edge) - 1, gain)

    for node in range(n_nodes):
        refresh(node)
    available = np.ones(n_possible, dtype=bool)
    tree = np.zeros(n_casc)  # per-cascade log score changes only through gains
    chosen, gains, pvalues = [], [], []
    stopped = "exhausted"
    limit = n_possible if n_edges is None else n_edges
    while len(chosen) < limit and available.any():
        masked = np.where(available, improvement, -np.inf)
        best_value = masked.max()
        e_best = int(np.flatnonzero(masked == best_value)[-1])  # last on ties, as R
        node_v = int(edge_keys[e_best] // n_nodes)
        idx = by_dest[dest_start[node_v]:dest_start[node_v + 1]]
        idx = idx[pair_edge[idx] == e_best]
        delta_rows = edge_score[idx] - score[pj[idx]]
        take = delta_rows > 0
        delta = np.zeros(n_casc)
        np.add.at(delta, cs.cascade[pj[idx][take]], delta_rows[take])
        p = _vuong_p(delta)
        if cutoff is not None and not p < cutoff:
            stopped = "p_value"
            break
        score[pj[idx][take]] = edge_score[idx][take]
        parent[pj[idx][take]] = pi[idx][take]
        tree += delta
        chosen.append(e_best)
        gains.append(float(best_value))
        pvalues.append(p)
        available[e_best] = False
        refresh(node_v)
    else:
        if n_edges is not None and len(chosen) == n_edges:
            stopped = "n_edges"
    keys = edge_keys[np.array(chosen, dtype=np.int64)]
    edges = pd.DataFrame({
        "source": cs.node_labels[keys % n_nodes] if len(keys) else np.array([], dtype=object),
        "target": cs.node_labels[keys // n_nodes] if len(keys) else np.array([], dtype=object),
        "improvement": np.array(gains, dtype=np.float64),
        "p_value": np.array(pvalues, dtype=np.float64),
    })
    has = np.isfinite(score)
    par = np.where(parent >= 0, parent, -1)
    trees = pd.DataFrame({
        "cascade": cs.cascade_labels[cs.cascade[has]],
        "unit": cs.node_labels[cs.node[has]],
        "time": cs.time[has],
        "parent": [cs.node_labels[cs.node[r]] if r >= 0 else None for r in par[has]],
        "log_score": score[has],
    })
    units = np.unique(cs.node)
    return InferredNetwork(edges, trees, model, params, n_casc, len(units), n_possible,
                           stopped, cs.notes)


def _vuong_p(delta: np.ndarray) -> float:
    """One-sided Vuong test of a new edge: per-cascade gains ``delta``, one parameter."""
    n = len(delta)
    if n < 2:
        return float("nan")
    sd = float(np.std(delta, ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (float(delta.sum()) - 1.0) / (sd * np.sqrt(n))
    if np.isnan(z):
        return float("nan")
    return float(special.ndtr(-z))


# ------------------------------------------------------------------ by year
def infer_networks(
    adoptions: pd.DataFrame,
    years: Iterable[int],
    *,
    window: int,
    unit: str = "unit",
    cascade: str = "cascade",
    time: str = "time",
    n_edges: int | None = None,
    p_value_cutoff: float | None = None,
    model: TransmissionModel = "exponential",
    params: float | Sequence[float] | None = None,
) -> pd.DataFrame:
    """Yearly networks, each inferred from the adoptions of a moving window.

    The network of year ``t`` is inferred from the adoptions with
    ``t - window < time <= t`` (Desmarais, Harden & Boehmke 2015 use 35 years and
    300 edges). Used with ``network(ties, time="year")``, row ``(i, t)`` reads the
    ties of ``t - lag``, inferred from adoptions up to ``t - lag``: nothing after
    the adoption status it is combined with, so no look-ahead.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``year``, ``improvement``, ``p_value``; a year whose
        window has too few possible edges for ``n_edges`` gets all of them (that year
        is listed in ``attrs["notes"]``).
    """
    model = _check_options(model, n_edges, p_value_cutoff, params)
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise SpecificationError(f"window must be an integer >= 1 (years), got {show(window)}.")
    check_positive_int(window, name="window")
    if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
        raise SpecificationError(f"years must be a sequence of years, e.g. range(1960, 2010), "
                                 f"got {show(years)}.")
    years = list(years)
    bad = [y for y in years if not is_number(y) or abs(y) > MAX_TIME or float(y) != int(y)]
    if bad:
        raise SpecificationError(f"years must be whole years, got {preview(bad)}.")
    cs = _cascades(adoptions, unit, cascade, time)
    out, short, empty = [], [], []
    for year in (int(y) for y in years):
        part = _window(cs, year - window, year)
        pairs = _pairs(part)
        if not len(pairs[0]):
            empty.append(year)
            continue
        net = _infer(part, model, params, n_edges, p_value_cutoff, cap=True, pairs=pairs)
        if n_edges is not None and net.n_edges < n_edges:
            short.append(year)
        if not net.n_edges:
            continue
        out.append(net.edges.assign(year=year)[list(_YEARLY_COLUMNS)])
    notes = list(cs.notes)
    if short:
        notes.append(Note("few_possible_edges", len(short),
                          f"{len(short)} year(s) had fewer possible edges than n_edges={n_edges} "
                          f"and keep all of them: {preview(short)}."))
    if empty:
        notes.append(Note("no_possible_edges", len(empty),
                          f"{len(empty)} year(s) have no two adoptions at different times in "
                          f"their window and no ties: {preview(empty)}."))
    result = (pd.concat(out, ignore_index=True) if out
              else pd.DataFrame({c: [] for c in _YEARLY_COLUMNS}))
    result.attrs["notes"] = tuple(notes)
    return result


_YEARLY_COLUMNS = ("source", "target", "year", "improvement", "p_value")


def _window(cs: _Cascades, after: float, upto: float) -> _Cascades:
    """The adoptions with ``after < time <= upto`` (the units keep their codes)."""
    keep = (cs.time > after) & (cs.time <= upto)
    codes, labels = pd.factorize(cs.cascade_labels[cs.cascade[keep]], sort=True)
    return _Cascades(codes, cs.node[keep], cs.time[keep], np.asarray(labels, dtype=object),
                     cs.node_labels, ())
