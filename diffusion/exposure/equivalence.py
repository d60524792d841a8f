"""Structural equivalence (Burt 1987): exposure to the adoptions of those in the same position.

Cohesion exposes a unit to the units it is tied to; structural equivalence exposes it to
the units that occupy the same position in the network -- tied to and from the same
others -- whether or not the two are tied (Burt 1987, "Social contagion and innovation:
cohesion versus structural equivalence"). :func:`structural_equivalence` turns a network
into weighted ties for :func:`diffusion.exposure.network`: the weight of ``j`` for ``i``
is ``i``'s structural equivalence with ``j``.

Definition (Burt 1987; Valente 1995; as netdiffuseR's ``struct_equiv``)
----------------------------------------------------------------------
With ``z_ij`` the geodesic distance from ``i`` to ``j`` (shortest path along the ties
``i`` listens to, i.e. from a target to its sources), set to 0 where ``j`` cannot be
reached and divided by the largest distance in the network (or group), the Euclidean
distance between the positions of ``i`` and ``j`` is, over ``k`` not in ``{i, j}``::

    d_ij = sqrt( (z_ij - z_ji)^2 + sum_k (z_ik - z_jk)^2 + sum_k (z_ki - z_kj)^2 )

and with ``dmax_i = max_j d_ij`` the structural equivalence of ``i`` with ``j`` is::

    SE_ij = (dmax_i - d_ij)^v / sum_{k != i} (dmax_i - d_ik)^v

Each row sums to 1; the alter farthest from ``i`` gets weight 0. ``v`` > 1 concentrates
the weight on the closest positions. With ``groups``, distances and weights are computed
within each group (separate communities, e.g. the four cities of Medical Innovation).

Conventions that differ between implementations (documented, tested)
--------------------------------------------------------------------
* Unreachable pairs count as distance 0 before scaling (netdiffuseR's ``inf.replace = 0``;
  Burt's own program used the longest path plus one). Pass ``unreachable="max+1"`` for
  the latter.
* netdiffuseR follows paths of at most 6 steps (``approx_geodesic``); longer ones count
  as unreachable. The default here is exact geodesics; ``max_steps=6`` reproduces it.
* netdiffuseR adds 1e-15 to each row's denominator; here a row whose alters are all at
  distance ``dmax`` (no structure to weigh) has no weights and is counted in the notes.
* netdiffuseR's ``exposure(alt.graph = "se")`` weights alters by ``1 / SE_ij`` (0 where
  ``SE_ij = 0``), which gives the *least* equivalent alters (other than the farthest) the
  most weight. Here, as in Burt (1987), the weights are ``SE_ij`` themselves:
  ``network(structural_equivalence(...), weight="weight")`` equals netdiffuseR's
  ``exposure(alt.graph = SE, valued = TRUE)`` with the ``SE`` matrices of ``struct_equiv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import distance

from diffusion._notes import Note
from diffusion.data.checks import (
    check_columns,
    check_frame,
    check_units,
    check_option,
    is_number,
    preview,
    show,
)
from diffusion.errors import DataError, SpecificationError

__all__ = ["UNREACHABLE", "structural_equivalence"]

UNREACHABLE: tuple[str, ...] = ("zero", "max+1")


def structural_equivalence(
    edges: pd.DataFrame,
    *,
    units: Sequence[Any] | None = None,
    source: str = "source",
    target: str = "target",
    groups: pd.DataFrame | None = None,
    unit: str = "unit",
    group: str = "group",
    v: float = 1.0,
    unreachable: Literal["zero", "max+1"] = "zero",
    max_steps: int | None = None,
) -> pd.DataFrame:
    """Structural-equivalence weights as ties ``source -> target`` for :func:`network`.

    Parameters
    ----------
    edges : DataFrame
        Directed ties ``source -> target`` (*source can influence target*: the target
        names, listens to or follows the source). Duplicates count once; self-ties are
        ignored.
    units : sequence, optional
        Every unit of the network, isolates included (default: the units in
        ``edges``). Ties naming other units are dropped and counted in the notes.
    groups : DataFrame, optional
        Columns ``unit`` and ``group``: structural equivalence is computed within each
        group, and units of different groups get no weight.
    v : float, default 1
        Burt's exponent: larger values put more weight on the closest positions.
    unreachable : {"zero", "max+1"}
        Distance given to pairs with no path (see the module docstring).
    max_steps : int, optional
        Paths longer than this count as no path. Default: exact geodesics.
        netdiffuseR's ``struct_equiv`` follows paths of at most 6 steps
        (``approx_geodesic(n = 6)``): ``max_steps=6`` reproduces it.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``weight``: the weight of ``source`` in the exposure of
        ``target`` (``SE_target,source``), for every pair with a positive weight; the
        notes are in ``attrs["notes"]``. Use as
        ``network(ties, weight="weight")``.

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.exposure import structural_equivalence
    >>> ties = pd.DataFrame({"source": ["c", "c"], "target": ["a", "b"]})
    >>> se = structural_equivalence(ties, units=["a", "b", "c", "d"])
    >>> se[se["target"] == "a"].round(3).to_numpy().tolist()
    [['b', 'a', 0.773], ['d', 'a', 0.227]]

    ``a`` and ``b`` both listen to ``c`` only: their positions are identical
    (``d_ab = 0``); ``c`` is farthest from ``a`` (``d_ac = sqrt(2)``, weight 0) and
    ``d`` in between (``d_ad = 1``): weights ``sqrt(2)`` and ``sqrt(2) - 1``,
    normalised.
    """
    frame = check_frame(edges, name="edges")
    check_columns(frame, [source, target], name="edges")
    if not is_number(v) or v <= 0 or v > 1e6:
        raise SpecificationError(f"v must be a positive number (at most 1e6), got {show(v)}.")
    unreachable = check_option(unreachable, UNREACHABLE, name="unreachable")
    if max_steps is not None and (isinstance(max_steps, bool)
                                  or not isinstance(max_steps, (int, np.integer))
                                  or max_steps < 1):
        raise SpecificationError(f"max_steps must be an integer >= 1 or None, got "
                                 f"{show(max_steps)}.")
    for col in (source, target):
        if frame[col].isna().any():
            raise DataError(
                f"edges: column {show(col)} has {int(frame[col].isna().sum())} missing "
                f"value(s); every tie needs both ends."
            )
        check_units(frame[col], name="edges", column=col)
    notes: list[Note] = []
    if units is None:
        labels = pd.unique(pd.concat([frame[source], frame[target]], ignore_index=True))
    else:
        listed = pd.Series(list(units), dtype=object)
        if listed.duplicated().any():
            dup = listed[listed.duplicated()].unique().tolist()
            raise DataError(f"units lists {len(dup)} unit(s) twice: {preview(dup)}. "
                            f"List each unit once.")
        labels = listed.to_numpy()
    index = pd.Index(labels)
    s_code = index.get_indexer(frame[source])
    t_code = index.get_indexer(frame[target])
    outside = (s_code < 0) | (t_code < 0)
    if outside.any():
        notes.append(Note("ties_outside_units", int(outside.sum()),
                          f"{int(outside.sum())} tie(s) name units outside `units` and were "
                          f"ignored."))
    keep = ~outside & (s_code != t_code)
    n = len(index)
    # A[i, j] = 1 when i (target) listens to j (source): netdiffuseR's ego-by-alter matrix
    A = sparse.csr_matrix((np.ones(int(keep.sum())), (t_code[keep], s_code[keep])),
                          shape=(n, n))
    A.data[:] = 1.0  # duplicates count once
    block = _group_codes(groups, unit, group, index)
    rows, cols, weights, flat = [], [], [], []
    for g in np.unique(block):
        members = np.flatnonzero(block == g)
        if len(members) < 2:
            continue
        sub = A[members][:, members]
        W = _se_matrix(sub, v, unreachable, max_steps)
        empty = np.flatnonzero(W.sum(axis=1) == 0)
        flat.extend(index[members[empty]])
        r, c = np.nonzero(W)
        rows.append(members[r])
        cols.append(members[c])
        weights.append(W[r, c])
    if flat:
        notes.append(Note("no_structural_weights", len(flat),
                          f"{len(flat)} unit(s) are equally distant from every other unit of "
                          f"their group and get no structural-equivalence weights: "
                          f"{preview(flat)}."))
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=int)
    out = pd.DataFrame({"source": index[c].to_numpy() if len(c) else [],
                        "target": index[r].to_numpy() if len(r) else [],
                        "weight": np.concatenate(weights) if weights else []})
    out.attrs["notes"] = tuple(notes)
    return out


def _group_codes(groups: pd.DataFrame | None, unit: str, group: str,
                 index: pd.Index) -> np.ndarray:
    if groups is None:
        return np.zeros(len(index), dtype=np.int64)
    frame = check_frame(groups, name="groups")
    check_columns(frame, [unit, group], name="groups")
    if frame[unit].duplicated().any():
        dup = frame.loc[frame[unit].duplicated(), unit].tolist()
        raise DataError(f"groups lists {len(dup)} unit(s) twice: {preview(dup)}. "
                        f"Give each unit one group.")
    mapping = frame.set_index(unit)[group]
    codes = pd.Series(index).map(mapping)
    if codes.isna().any():
        missing = list(index[codes.isna().to_numpy()])
        raise DataError(f"groups has no group for {len(missing)} unit(s): {preview(missing)}. "
                        f"Every unit of the network needs a group.")
    return pd.factorize(codes)[0]


def _se_matrix(A: sparse.csr_matrix, v: float, unreachable: str,
               max_steps: int | None) -> np.ndarray:
    """Burt's structural-equivalence weights for one group (rows: egos)."""
    n = A.shape[0]
    z = csgraph.shortest_path(A, method="D", directed=True, unweighted=True)
    if max_steps is not None and max_steps < n:  # geodesics are at most n - 1 steps
        z[z > max_steps] = np.inf
    finite = np.isfinite(z)
    top = z[finite].max() if finite.any() else 0.0
    z[~finite] = 0.0 if unreachable == "zero" else top + 1
    scale = z.max()
    if scale > 0:
        z = z / scale
    # d_ij^2 = (z_ij - z_ji)^2 + sum_{k not i,j} (z_ik - z_jk)^2 + (z_ki - z_kj)^2: the
    # sums over all k (direct differences, no Gram expansion, so that equal positions
    # get a distance of exactly 0), less their k = i and k = j terms
    full = distance.cdist(z, z, "sqeuclidean") + distance.cdist(z.T, z.T, "sqeuclidean")
    diag = np.diag(z)
    zt = z.T
    own = ((diag[:, None] - zt) ** 2 + (z - diag[None, :]) ** 2
           + (diag[:, None] - z) ** 2 + (zt - diag[None, :]) ** 2)
    d2 = full - own + (z - zt) ** 2
    d = np.sqrt(np.maximum(d2, 0.0))
    np.fill_diagonal(d, 0.0)
    off = ~np.eye(n, dtype=bool)
    dmax = np.where(off, d, -np.inf).max(axis=1)
    # each row's weights are normalised, so the row is scaled to a maximum of 1 before
    # the power: the same weights, without overflow for a large v
    base = np.where(off, dmax[:, None] - d, 0.0)
    top_gap = base.max(axis=1)
    base = base / np.where(top_gap > 0, top_gap, 1.0)[:, None]
    gap = base ** v
    gap[~off] = 0.0
    total = gap.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        W = np.where(total[:, None] > 0, gap / total[:, None], 0.0)
    return W
