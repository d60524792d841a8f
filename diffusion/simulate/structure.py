"""Who exists when: the units, membership spells, groups and network of a simulation.

A :class:`Structure` is the part of a simulated world that is *not* random from one
replication to the next: which units are members of the system in which years (late
entry, exits, re-entries), which region each belongs to, and who can influence whom.
It is built once and validated once, either from a user's real tables
(:meth:`Structure.from_tables`, e.g. the bundled COW spells and regions) or at random
(:meth:`Structure.synthetic`). The outcomes -- covariates and adoptions -- are drawn
afresh in every replication by :func:`diffusion.simulate.generate`.

Conventions are those of :class:`diffusion.RiskSet`: spells are inclusive; a unit is
a member in year ``t`` when ``t`` lies in one of its spells. An edge
``source -> target`` means *source can influence target*, as in
:func:`diffusion.exposure.network`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from diffusion._notes import Note
from diffusion.data.checks import (
    check_columns,
    check_frame,
    check_positive_int,
    check_unique,
    listing,
    preview,
    show,
)
from diffusion.data.history import OPEN_END
from diffusion.data.riskset import RiskSet, _check_membership
from diffusion.errors import DataError, SpecificationError
from diffusion.exposure.base import group_codes
from diffusion.inference._replicate import check_seed

__all__ = ["Structure", "check_probability"]


@dataclass(frozen=True, eq=False)
class Structure:
    """Units, membership spells, groups and (optionally) a network, validated.

    Do not call the constructor; use :meth:`from_tables` or :meth:`synthetic`.

    Attributes
    ----------
    membership : DataFrame
        ``unit``, ``start``, ``end``: the spells of every unit that is a member in
        some year of ``[start - 1, end]`` (open ends closed at ``end``).
    groups : DataFrame
        ``unit``, ``region``: one row per unit of :attr:`membership`.
    edges : DataFrame or None
        ``source``, ``target``, ``weight``: directed ties between units of the
        structure (self-ties and ties to unknown units removed, counted in
        :attr:`notes`).
    start, end : int
        Years simulated (inclusive).
    notes : tuple of Note
        Every decision taken on the input tables, counted.
    units : numpy.ndarray
        The unit labels; the arrays below are indexed like them (read-only).
    member : numpy.ndarray
        Boolean ``(n_units, end - start + 2)``: member in year ``start - 1 + k``.
    group_code : numpy.ndarray
        Group of each unit, coded ``0 .. n_groups - 1``.
    first_year : numpy.ndarray
        First year of each unit's first spell (entry into the system).
    weights : scipy.sparse matrix or None
        ``weights[i, j]``: weight of the tie ``j -> i`` (``j`` is a source of ``i``).
    """

    membership: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame | None = field(repr=False)
    start: int
    end: int
    notes: tuple[Note, ...] = field(default=(), repr=False)
    # derived arrays (indexed like `units`): set by the constructors
    units: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object), repr=False)
    member: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=bool),
                               repr=False)  # years start - 1 .. end
    group_code: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64),
                                   repr=False)
    first_year: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64),
                                   repr=False)
    weights: Any = field(default=None, repr=False)  # sparse (target, source)

    def __post_init__(self) -> None:
        for name in ("units", "member", "group_code", "first_year"):
            a = np.array(getattr(self, name), copy=True)
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    @property
    def n_units(self) -> int:
        """Number of units that are members in some simulated year."""
        return int(len(self.units))

    @property
    def n_groups(self) -> int:
        """Number of groups (regions)."""
        return int(self.group_code.max()) + 1 if len(self.group_code) else 0

    @property
    def n_edges(self) -> int:
        """Number of directed ties kept (0 without a network)."""
        return 0 if self.edges is None else int(len(self.edges))

    def __repr__(self) -> str:
        net = f", {self.n_edges} ties" if self.edges is not None else ""
        return (f"Structure({self.n_units} units, {self.n_groups} groups, "
                f"{self.start}-{self.end}{net})")

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_tables(
        cls,
        *,
        membership: pd.DataFrame,
        groups: pd.DataFrame,
        start: int,
        end: int,
        edges: Any = None,
        unit: str = "unit",
        group: str | None = None,
        source: str = "source",
        target: str = "target",
        weight: str | None = None,
    ) -> Structure:
        """Take the structure of a simulation from real tables.

        Parameters
        ----------
        membership : DataFrame
            Spells with columns ``unit``, ``start``, ``end`` (inclusive; a missing
            ``end`` means still a member), e.g.
            :func:`diffusion.datasets.load_state_system`.
        groups : DataFrame
            The unit column and a group column (e.g. ``cow_region`` of
            :func:`diffusion.datasets.load_regions`). Rows of units that are not
            members in the simulated years are ignored.
        start, end : int
            Years simulated (inclusive); they must overlap the spells.
        edges : DataFrame or networkx.DiGraph, optional
            Directed ties ``source -> target`` (the source can influence the
            target), with an optional weight column. An undirected graph is a tie in
            both directions (noted).
        unit : str, default "unit"
            Unit column of ``membership`` and ``groups``.
        group : str, optional
            Group column of ``groups`` when it has several columns besides ``unit``.
        source, target, weight : str
            Columns of ``edges`` (``weight=None``: every tie weighs 1).

        Returns
        -------
        Structure

        Raises
        ------
        SpecificationError
            The window is not a pair of whole years with ``start <= end``, or no
            spell overlaps ``[start - 1, end]``.
        DataError
            Malformed spells (overlapping, inverted, ...), units without a group,
            duplicate ties, negative weights.

        Examples
        --------
        >>> from diffusion.datasets import load_regions, load_state_system
        >>> from diffusion.simulate import Structure
        >>> cow = load_state_system(system="cow")[["cown", "start", "end"]]
        >>> regions = load_regions()[["cown", "cow_region"]].dropna()
        >>> Structure.from_tables(membership=cow, groups=regions, start=1950, end=2000,
        ...                       unit="cown")
        Structure(198 units, 5 groups, 1950-2000)
        """
        start, end = _check_window(start, end)
        check_frame(membership, name="membership")
        check_columns(membership, [unit], name="membership")
        spells = _check_membership(membership, unit)
        notes: list[Note] = []
        overlap = (spells["end"] >= start - 1) & (spells["start"] <= end)
        if not overlap.any():
            first = int(spells["start"].min())
            last_end = spells["end"].where(spells["end"] < OPEN_END, spells["start"])
            raise SpecificationError(
                f"the years simulated, {start}-{end}, do not overlap the membership "
                f"spells (they run from {first} to {int(last_end.max())}). Choose start= "
                f"and end= inside the spells."
            )
        keep_units = pd.unique(spells.loc[overlap, "u"])
        dropped = spells["u"].nunique() - len(keep_units)
        if dropped:
            notes.append(Note("structure_units_outside", int(dropped),
                              f"{dropped} unit(s) are members in no year of {start - 1}-"
                              f"{end} and are left out of the simulation."))
        spells = spells.loc[spells["u"].isin(keep_units) & overlap].copy()
        spells["end"] = np.minimum(spells["end"], end)
        table = pd.DataFrame({"unit": spells["u"].infer_objects().to_numpy(),
                              "start": spells["start"].to_numpy(),
                              "end": spells["end"].to_numpy()}).reset_index(drop=True)
        no_events = pd.DataFrame({"unit": pd.Series([], dtype=object),
                                  "year": pd.Series([], dtype=np.int64)})
        rs = RiskSet.from_events(no_events, unit="unit", time="year", membership=table,
                                 start=start, end=end)
        hist = rs.history

        check_frame(groups, name="groups")
        check_columns(groups, [unit], name="groups")
        if group is None:
            others = [c for c in groups.columns if c != unit]
            if len(others) != 1:
                raise SpecificationError(
                    f"groups must hold the unit column {show(unit)} and one group column; "
                    f"it has {len(others)} other columns ({preview(others)}). Pass group='NAME'."
                )
            group = others[0]
        check_columns(groups, [group], name="groups")
        relevant = groups.loc[groups[unit].isin(hist.units), [unit, group]]
        named = relevant.rename(columns={unit: "unit", group: "region"})
        codes = group_codes(named, "region", rs)  # validates: one group per member unit
        labels = pd.Series(named["region"].to_numpy(), index=pd.Index(named["unit"]))
        group_table = pd.DataFrame({"unit": hist.units.to_numpy(),
                                    "region": labels.reindex(hist.units).to_numpy()})

        member = hist.member_matrix(start - 1, end)
        first_year = (pd.Series(hist.spell_start).groupby(hist.spell_unit).min()
                      .reindex(range(len(hist.units))).to_numpy(dtype=np.int64))
        edge_table, weights, edge_notes = _edges(edges, hist.units, source, target, weight)
        notes.extend(edge_notes)
        # labels with their natural dtype (COW codes as int64, names as object), so
        # that every simulated table has the unit column the user's tables have
        labels = pd.Index(hist.units.tolist()).to_numpy()
        group_table["unit"] = labels
        return cls(table, group_table, edge_table, start, end, tuple(notes),
                   labels, member, codes, first_year, weights)

    @classmethod
    def synthetic(
        cls,
        *,
        seed: int,
        n_units: int = 150,
        n_groups: int = 6,
        start: int = 1900,
        end: int = 1999,
        late_entry: float = 0.3,
        exit_rate: float = 0.05,
        network_degree: float = 0.0,
        homophily: float = 0.7,
    ) -> Structure:
        """A random structure: late entry, exits and re-entries, regions, a network.

        Parameters
        ----------
        seed : int
            Seed of the structure (fixed across the replications of a design).
        n_units, n_groups : int
            Units (named ``u0000``, ``u0001``, ...) and regions (``R0``, ``R1``, ...).
        start, end : int
            Years simulated (inclusive, at least 10).
        late_entry : float
            Probability that a unit enters after ``start`` (uniformly in
            ``[start + 1, end - 5]``); the others entered before ``start``.
        exit_rate : float
            Probability that a unit leaves the system once (and, with probability
            1/2, re-enters 2-7 years later).
        network_degree : float
            Mean number of sources of influence per unit (Poisson); 0: no network.
        homophily : float
            Probability that a source is drawn from the unit's own region (when it
            has other units) rather than from all units.

        Returns
        -------
        Structure

        Raises
        ------
        SpecificationError
            ``n_units < 1``, ``n_groups < 1``, probabilities outside [0, 1], a
            negative degree, fewer than 10 years.
        """
        seed = check_seed(seed)
        n_units = check_positive_int(n_units, name="n_units")
        n_groups = check_positive_int(n_groups, name="n_groups")
        start, end = _check_window(start, end)
        if end - start < 9:
            raise SpecificationError(
                f"a synthetic structure needs at least 10 years; got {start}-{end}.")
        for name, p in [("late_entry", late_entry), ("exit_rate", exit_rate),
                        ("homophily", homophily)]:
            check_probability(p, name)
        if not _is_real(network_degree) or network_degree < 0:
            raise SpecificationError(
                f"network_degree is a mean number of ties and must be >= 0, got "
                f"{show(network_degree)}.")
        rng = np.random.default_rng(seed)
        units = np.array([f"u{i:04d}" for i in range(n_units)], dtype=object)
        group = rng.integers(0, n_groups, n_units)
        late = rng.random(n_units) < late_entry
        entry = np.where(late, rng.integers(start + 1, end - 4, n_units),
                         start - rng.integers(1, 60, n_units))
        exits = rng.random(n_units) < exit_rate
        back = rng.random(n_units) < 0.5
        rows: list[tuple[str, int, int]] = []
        for i in range(n_units):
            lo = max(int(entry[i]), start)
            if exits[i] and lo + 2 < end - 4:
                first_end = int(rng.integers(lo + 2, end - 4))
                rows.append((units[i], int(entry[i]), first_end))
                if back[i]:
                    rows.append((units[i], first_end + int(rng.integers(2, 8)), end))
            else:
                rows.append((units[i], int(entry[i]), end))
        membership = pd.DataFrame(rows, columns=["unit", "start", "end"])
        membership = membership.loc[membership["start"] <= membership["end"]]
        groups = pd.DataFrame({"unit": units, "region": [f"R{g}" for g in group]})
        edges = None
        if network_degree > 0 and n_units > 1:
            pairs: list[tuple[str, str]] = []
            degree = np.minimum(rng.poisson(network_degree, n_units), n_units - 1)
            for i in range(n_units):
                others = np.flatnonzero(np.arange(n_units) != i)
                same = others[group[others] == group[i]]
                chosen: set[int] = set()
                while len(chosen) < degree[i]:
                    pool = same if (len(same) and rng.random() < homophily) else others
                    chosen.add(int(rng.choice(pool)))
                pairs.extend((units[j], units[i]) for j in sorted(chosen))
            edges = pd.DataFrame(pairs, columns=["source", "target"])
        return cls.from_tables(membership=membership, groups=groups, start=start, end=end,
                               edges=edges)


# --------------------------------------------------------------------- helpers
def check_probability(value: Any, name: str) -> float:
    """Return ``value`` as a float in [0, 1], or raise :class:`SpecificationError`."""
    if not _is_real(value) or not 0 <= value <= 1:
        raise SpecificationError(f"{name} is a probability and must lie in [0, 1], got "
                                 f"{show(value)}.")
    return float(value)


def _is_real(value: Any) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float, np.integer,
                                                               np.floating))
            and bool(np.isfinite(value)))


def _check_window(start: Any, end: Any) -> tuple[int, int]:
    for name, value in [("start", start), ("end", end)]:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise SpecificationError(f"{name} must be a whole year, got {show(value)}.")
    if start > end:
        raise SpecificationError(f"start={start} is after end={end}; swap them.")
    return int(start), int(end)


def _edges(edges: Any, units: pd.Index, source: str, target: str, weight: str | None
           ) -> tuple[pd.DataFrame | None, Any, list[Note]]:
    """Validate ties; return the table kept, the (target, source) weight matrix, notes."""
    if edges is None:
        return None, None, []
    notes: list[Note] = []
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        nx = None
    if nx is not None and isinstance(edges, nx.Graph):
        rows = [(u, v, (d.get(weight, np.nan) if weight else 1.0))
                for u, v, d in edges.edges(data=True)]
        table = pd.DataFrame(rows, columns=["s", "d", "w"])
        if not edges.is_directed():
            notes.append(Note("network_undirected", len(table),
                              f"the graph is undirected: each of its {len(table)} ties is "
                              f"used in both directions."))
            table = pd.concat([table, table.rename(columns={"s": "d", "d": "s"})],
                              ignore_index=True).drop_duplicates(["s", "d"])
    elif isinstance(edges, pd.DataFrame):
        cols = [source, target] + ([weight] if weight else [])
        check_columns(edges, cols, name="edges")
        w = (pd.to_numeric(edges[weight], errors="coerce").to_numpy(dtype="float64",
                                                                     na_value=np.nan)
             if weight else np.ones(len(edges)))
        table = pd.DataFrame({"s": edges[source].to_numpy(), "d": edges[target].to_numpy(),
                              "w": w})
        if table[["s", "d"]].isna().any().any():
            raise DataError("edges has missing source or target values; drop those rows.")
    else:
        raise SpecificationError(
            f"edges must be a DataFrame (source, target[, weight]) or a networkx graph, got "
            f"{type(edges).__name__}.")
    w = table["w"].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        b = table.loc[bad].head(5)
        raise DataError(
            f"edges has {int(bad.sum())} weight(s) that are missing, infinite or negative: "
            f"{listing(f'{show(s)}->{show(d)} ({x})' for s, d, x in zip(b.s, b.d, b.w))}. "
            f"Weights must be finite and >= 0.")
    check_unique(table.rename(columns={"s": source, "d": target}), [source, target],
                 name="edges", what="tie")
    loops = (table["s"] == table["d"]).to_numpy()
    if loops.any():
        notes.append(Note("network_self_loops", int(loops.sum()),
                          f"{int(loops.sum())} self-tie(s) were removed (a unit is not its "
                          f"own source of influence)."))
    s_code = units.get_indexer(pd.Index(table["s"]))
    d_code = units.get_indexer(pd.Index(table["d"]))
    unknown = ~loops & ((s_code < 0) | (d_code < 0))
    if unknown.any():
        notes.append(Note("network_unknown_units", int(unknown.sum()),
                          f"{int(unknown.sum())} tie(s) name units that are not members in "
                          f"the simulated years and were removed."))
    keep = ~loops & ~unknown
    kept = pd.DataFrame({"source": table["s"].to_numpy()[keep],
                         "target": table["d"].to_numpy()[keep],
                         "weight": w[keep]}).reset_index(drop=True)
    n = len(units)
    matrix = sparse.csr_matrix((w[keep], (d_code[keep], s_code[keep])), shape=(n, n))
    return kept, matrix, notes
