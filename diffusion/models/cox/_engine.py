"""Cox partial likelihood on counting-process data ``(start, stop]``: Breslow and Efron ties.

Everything here works on plain arrays, is independent of the risk-set machinery, and
is vectorised: risk-set sums are cumulative sums over the sorted event times (a
difference array added at each row's entry and removed at its exit), so there is no
Python loop over event times or rows. The exact (conditional logistic) likelihood
lives in :mod:`diffusion.models.cox._exact`.

Notation (Therneau & Grambsch 2000, ch. 3)
------------------------------------------
An *event group* ``g`` is a distinct event time ``tau_g`` within a stratum, with
``d_g`` tied events. Row ``i`` covers ``(start_i, stop_i]`` and is at risk in ``g``
when it is in ``g``'s stratum and ``start_i < tau_g <= stop_i`` (R ``survival``
uses the same half-open intervals). With ``w_i = exp(x_i' beta)``::

    S0_g = sum_{i at risk} w_i          S1_g = sum w_i x_i
    D0_g = sum_{i dies at g} w_i        D1_g = sum_{dies} w_i x_i

Efron's approximation splits group ``g`` into ``d_g`` *slots* ``l = 0, ..., d_g - 1``
in which the tied events' weights are scaled down by ``a_l = l / d_g``::

    denom_l = S0_g - a_l D0_g           m_l = (S1_g - a_l D1_g) / denom_l
    loglik  = sum_{events} x_i' beta - sum_slots log denom_l
    score   = sum_{events} x_i - sum_slots m_l
    info    = sum_slots [ (S2_g - a_l D2_g) / denom_l - m_l m_l' ]

Breslow's is the same with every ``a_l = 0``. The ``S2`` part of the information is
never formed per group: ``sum_g c_g S2_g = X' diag(w_i C_i) X`` with
``C_i = sum_{g: i at risk} c_g``, a difference of two cumulative sums of ``c_g``.

Score residuals (R ``residuals(fit, "score")``, C routine ``agscore2``) follow the
same slot decomposition: a row at risk but not dying at ``g`` gets
``- w_i sum_l (x_i - m_l) / denom_l``; a row dying at ``g`` gets
``x_i - mean_l m_l - w_i sum_l (1 - a_l)(x_i - m_l) / denom_l``. Summed over rows
they give the score, which is zero at the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

# one Newton-Raphson solver for every engine; re-exported here, where Cox models use it
from diffusion._linalg import column_gram
from diffusion.models._newton import NewtonFit, newton

__all__ = [
    "CoxData",
    "Evaluation",
    "NewtonFit",
    "baseline_increments",
    "derivatives",
    "evaluate",
    "group_sums",
    "loglik",
    "newton",
    "over_risk",
    "prepare",
    "risk_sums",
    "score_residuals",
    "to_input_order",
    "weighted_gram",
    "with_ties",
]


@dataclass(frozen=True, eq=False)
class CoxData:
    """Counting-process data prepared once for repeated evaluation of the likelihood.

    Rows are stored sorted by their first event group at risk (rows at risk in no
    group last), so that the group sums of country-years are contiguous segments;
    per-row outputs of the public functions are returned in input order.

    Attributes
    ----------
    X : (n, k) array, column-major (Fortran order)
        Covariates (stored order), centred by their column means: the estimates do
        not change, and the sums of the information lose less to cancellation (as
        R's ``agreg.fit``). Column-major storage makes every column contiguous, so
        the per-row products of the likelihood (``w_i x_i``) run over contiguous
        memory; with ``k`` small this is several times faster than row-major.
    means : (k,) array
        The column means subtracted.
    event : (n,) bool array
    lo, hi : (n,) int arrays (int32 when they fit)
        Row ``i`` is at risk in event groups ``lo_i <= g < hi_i``.
    death_rows : (e,) int array
        Stored rows with an event; ``death_group`` their event group.
    group_stratum, group_time, group_deaths : (G,) arrays
        Stratum code, time and number of events of each event group (sorted by
        stratum, then time).
    slot_group, slot_frac : (e,) arrays
        Efron slots: the event group of each slot and its ``a_l`` (all zero for Breslow
        and exact).
    unit : bool
        Every row is at risk in at most one event group (country-years): risk-set sums
        are then sums over contiguous segments, without any subtraction.
    order, inverse : (n,) int arrays
        ``order[i]`` is the input position of stored row ``i``; ``inverse`` the
        stored position of input row ``j``.
    starts : (G,) int array
        With ``unit``: first stored row of each event group.
    row_group : (n,) int array
        With ``unit``: the group a stored row is at risk in, ``G`` if none.
    n_in : int
        Rows at risk in at least one group (stored first).
    """

    X: np.ndarray
    means: np.ndarray
    event: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    death_rows: np.ndarray
    death_group: np.ndarray
    group_stratum: np.ndarray
    group_time: np.ndarray
    group_deaths: np.ndarray
    slot_group: np.ndarray
    slot_frac: np.ndarray
    ties: str
    unit: bool
    order: np.ndarray
    starts: np.ndarray
    row_group: np.ndarray
    n_in: int

    @property
    def n_groups(self) -> int:
        return len(self.group_time)

    @cached_property
    def inverse(self) -> np.ndarray:
        """Stored position of each input row (computed when first needed)."""
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(len(self.order))
        return inverse


def prepare(
    X: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    event: np.ndarray,
    stratum: np.ndarray | None,
    ties: str,
) -> CoxData:
    """Sort out event groups and each row's range of groups at risk.

    Parameters
    ----------
    X : (n, k) array
    start, stop : (n,) arrays
        Intervals ``(start, stop]``, ``start < stop``.
    event : (n,) array of 0/1
        Event at ``stop``.
    stratum : (n,) int array, optional
        Stratum codes ``0, 1, ...``.
    ties : {"efron", "breslow", "exact"}
        ``"exact"`` is prepared with Breslow slots (used for groups with one event).
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    start = np.asarray(start, dtype=np.float64)
    stop = np.asarray(stop, dtype=np.float64)
    ev = np.asarray(event) != 0
    means = X.mean(axis=0) if n else np.zeros(X.shape[1])

    # distinct event times over all strata; a row's position on this grid is the
    # number of event times <= its start (resp. stop), so start < tau <= stop becomes
    # rank_start < rank(tau) <= rank_stop
    times = np.unique(stop[ev])
    n_t = len(times) + 1
    r_start = _rank(times, start)
    r_stop = _rank(times, stop)
    s = None if stratum is None else np.asarray(stratum, dtype=np.int64)
    if s is None or not n or not s.any():
        # one stratum: the event groups are the event times (ranks 1..n_t - 1), so a
        # row's range of groups is its range of ranks
        G = n_t - 1
        group_deaths = np.bincount(r_stop[ev], minlength=n_t)[1:]
        group_stratum = np.zeros(G, dtype=np.int64)
        group_time = times
        lo, hi = r_start, r_stop
    else:
        # event groups: distinct (stratum, time) among the events, keyed on one integer
        key_ev = s[ev] * n_t + r_stop[ev]
        group_keys, group_deaths = np.unique(key_ev, return_counts=True)
        G = len(group_keys)
        group_stratum = group_keys // n_t
        group_time = times[(group_keys % n_t) - 1]
        # number of group keys <= each (stratum, rank) key: a lookup table over the
        # small key space (strata x event times) instead of a binary search per row
        n_keys = (int(s.max()) + 1) * n_t
        base = s * n_t
        if n_keys <= 4 * n + 1024:
            table = _index_array(np.searchsorted(group_keys, np.arange(n_keys), side="right"))
            lo, hi = table[base + r_start], table[base + r_stop]
        else:
            lo = _index_array(np.searchsorted(group_keys, base + r_start, side="right"))
            hi = _index_array(np.searchsorted(group_keys, base + r_stop, side="right"))
        del base
    del r_start, r_stop
    at_risk = hi > lo
    first_group = np.where(at_risk, lo, lo.dtype.type(G))
    n_in = int(np.count_nonzero(at_risk))
    unit = bool(np.all(hi - lo <= 1))
    # a stable sort of small integers is a radix sort in numpy
    key = first_group.astype(np.int16) if G < 2**15 - 1 else first_group
    order = np.argsort(key, kind="stable")
    del key, at_risk
    # column by column into a column-major array: np.take on contiguous columns is
    # faster than fancy indexing or a row gather
    Xc = np.empty(X.shape, order="F")
    for j in range(X.shape[1]):
        np.take(X[:, j], order, out=Xc[:, j])
        Xc[:, j] -= means[j]
    ev, lo, hi, first_group = (np.take(a, order) for a in (ev, lo, hi, first_group))
    death_rows = np.flatnonzero(ev)
    death_group = (hi[death_rows] - 1).astype(np.intp)
    group_deaths = group_deaths.astype(np.int64)
    slot_group = np.repeat(np.arange(G), group_deaths)
    slot_frac = _slot_fractions(group_deaths, slot_group, ties)
    starts = np.searchsorted(first_group, np.arange(G), side="left")
    return CoxData(Xc, means, ev, lo, hi, death_rows, death_group, group_stratum,
                   group_time, group_deaths, slot_group, slot_frac.astype(np.float64),
                   ties, unit, order, starts, first_group, n_in)


def _index_array(values: np.ndarray) -> np.ndarray:
    """Row-length integer arrays as int32 when they fit: half the memory to touch."""
    return values.astype(np.int32) if values.size and values.max() < 2**31 - 1 else values


def _slot_fractions(deaths: np.ndarray, slot_group: np.ndarray, ties: str) -> np.ndarray:
    """Efron's ``a_l = l / d_g`` for slots ``l = 0..d_g - 1``; zeros otherwise."""
    if ties != "efron":
        return np.zeros(len(slot_group))
    first = np.repeat(np.cumsum(deaths) - deaths, deaths)
    return (np.arange(len(slot_group)) - first) / deaths[slot_group]


def with_ties(data: CoxData, ties: str) -> CoxData:
    """The same data with the slots of another approximation (``"efron"``/``"breslow"``)."""
    return replace(data, ties=ties,
                   slot_frac=_slot_fractions(data.group_deaths, data.slot_group, ties))


def _rank(times: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Number of ``times`` <= each value (a table lookup for whole-number clocks)."""
    if len(values) and len(times):
        lo, hi = float(values.min()), float(values.max())
        if hi - lo < 4 * len(values) + 1024 and np.all(values == np.floor(values)):
            table = _index_array(np.searchsorted(times, np.arange(lo, hi + 1), side="right"))
            index = values.astype(np.intp)
            index -= int(lo)
            return table[index]
    return _index_array(np.searchsorted(times, values, side="right"))


# ------------------------------------------------------------------ risk-set sums
def risk_sums(data: CoxData, values: np.ndarray) -> np.ndarray:
    """``sum_{i at risk in g} values_i`` for every event group (values (n,) or (n, m))."""
    G = data.n_groups
    two_d = values.ndim == 2
    v = values if two_d else values[:, None]
    if G == 0:
        out = np.zeros((0, v.shape[1]))
    elif data.unit:
        # every group holds at least its own event, so no segment is empty
        out = np.add.reduceat(v[:data.n_in], data.starts, axis=0)
    else:
        out = np.empty((G, v.shape[1]))
        for j in range(v.shape[1]):
            diff = (np.bincount(data.lo, v[:, j], minlength=G + 1)
                    - np.bincount(data.hi, v[:, j], minlength=G + 1))
            out[:, j] = np.cumsum(diff)[:G]
    return out if two_d else out[:, 0]


def over_risk(data: CoxData, per_group: np.ndarray) -> np.ndarray:
    """``sum_{g: i at risk in g} per_group_g`` for every row (per_group (G,) or (G, m))."""
    two_d = per_group.ndim == 2
    p = per_group if two_d else per_group[:, None]
    if data.unit:
        out = np.take(np.vstack([p, np.zeros((1, p.shape[1]))]), data.row_group, axis=0)
    else:
        cum = np.vstack([np.zeros((1, p.shape[1])), np.cumsum(p, axis=0)])
        out = cum[data.hi] - cum[data.lo]
    return out if two_d else out[:, 0]


def group_sums(groups: np.ndarray, values: np.ndarray, G: int) -> np.ndarray:
    """Sums of ``values`` (n,) or (n, m) by ``groups`` (length ``G``)."""
    if values.ndim == 1:
        return np.bincount(groups, values, minlength=G)[:G]
    return np.column_stack([np.bincount(groups, values[:, j], minlength=G)[:G]
                            for j in range(values.shape[1])]).reshape(G, values.shape[1])


def to_input_order(data: CoxData, values: np.ndarray) -> np.ndarray:
    """Per-row values from the stored (sorted) order back to the input order."""
    return np.take(values, data.inverse, axis=0)


# ------------------------------------------------------------------ evaluation
@dataclass(frozen=True, eq=False)
class Evaluation:
    """The Efron/Breslow slot quantities at one ``beta`` (reused by every output)."""

    beta: np.ndarray
    shift: float  # w = exp(x' beta - shift), x centred
    w: np.ndarray  # (n,) stored order
    denom: np.ndarray  # (e,) slot denominators
    M: np.ndarray  # (e, k) slot means m_l
    c: np.ndarray  # (G,) sum_l 1 / denom_l: the hazard increment at the centred x
    loglik: float


def evaluate(data: CoxData, beta: np.ndarray) -> Evaluation:
    """Weights, slot denominators and means, and the log partial likelihood at ``beta``."""
    n, k = data.X.shape
    G = data.n_groups
    dg, drows = data.death_group, data.death_rows
    # [w, w x] in one column-major block (contiguous columns, as data.X), computed in
    # place: fewer fresh pages to touch, which matters as much as the arithmetic
    stacked = np.empty((n, k + 1), order="F")
    w = stacked[:, 0]
    np.matmul(data.X, beta, out=w)  # eta
    eta_events = float(np.sum(w[drows]))
    # a common shift of eta leaves the likelihood unchanged and keeps exp() finite
    shift = float(np.max(w)) if n else 0.0
    np.subtract(w, shift, out=w)
    np.exp(w, out=w)
    np.multiply(data.X, w[:, None], out=stacked[:, 1:])
    sums = risk_sums(data, stacked)
    S0, S1 = sums[:, 0], sums[:, 1:]
    D = group_sums(dg, stacked[drows], G)
    D0, D1 = D[:, 0], D[:, 1:]
    sg, a = data.slot_group, data.slot_frac
    denom = S0[sg] - a * D0[sg]
    M = (S1[sg] - a[:, None] * D1[sg]) / denom[:, None]
    with np.errstate(divide="ignore"):
        ll = float(eta_events - len(drows) * shift - np.sum(np.log(denom)))
    c = np.bincount(sg, 1.0 / denom, minlength=G)[:G]
    return Evaluation(beta, shift, w, denom, M, c, ll)


def loglik(data: CoxData, beta: np.ndarray) -> float:
    """Log partial likelihood at ``beta``."""
    return evaluate(data, beta).loglik


def derivatives(data: CoxData, beta: np.ndarray, ev: Evaluation | None = None
                ) -> tuple[float, np.ndarray, np.ndarray]:
    """Log partial likelihood, score and observed information at ``beta``."""
    ev = ev or evaluate(data, beta)
    G = data.n_groups
    X, w = data.X, ev.w
    drows, dg = data.death_rows, data.death_group
    score = X[drows].sum(axis=0) - ev.M.sum(axis=0)
    row_w = w * over_risk(data, ev.c)
    if data.ties == "efron":
        e = np.bincount(data.slot_group, data.slot_frac / ev.denom, minlength=G)[:G]
        row_w[drows] -= w[drows] * e[dg]
    info = weighted_gram(X, row_w) - ev.M.T @ ev.M
    return ev.loglik, score, (info + info.T) / 2


def weighted_gram(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``X' diag(weights) X`` for a tall column-major ``X``.

    With a few columns, the ``k (k + 1) / 2`` column dot products
    (:func:`diffusion._linalg.column_gram`) are several times faster than a matrix
    product of a tall, thin matrix (which BLAS handles poorly, and whose threads stall
    on a busy machine); beyond ten columns the matrix product wins.
    """
    if X.shape[1] > 10:
        return X.T @ (X * weights[:, None])
    return column_gram(X, weights)


def score_residuals(data: CoxData, beta: np.ndarray, ev: Evaluation | None = None
                    ) -> np.ndarray:
    """Score residuals of every row, (n, k), input order (R ``residuals(fit, "score")``)."""
    ev = ev or evaluate(data, beta)
    G = data.n_groups
    X, w = data.X, ev.w
    drows, dg = data.death_rows, data.death_group
    sg, a = data.slot_group, data.slot_frac
    inv = 1.0 / ev.denom
    c1 = ev.c  # sum_l 1/denom_l
    c2 = group_sums(sg, ev.M * inv[:, None], G)  # sum_l m_l/denom_l
    c1d = np.bincount(sg, (1 - a) * inv, minlength=G)[:G]  # for the dying rows
    c2d = group_sums(sg, ev.M * ((1 - a) * inv)[:, None], G)
    mbar = group_sums(sg, ev.M, G) / data.group_deaths[:, None]  # mean_l m_l
    C = over_risk(data, np.column_stack([c1, c2]))
    C1, C2 = C[:, 0], C[:, 1:]
    C1[drows] += c1d[dg] - c1[dg]
    C2[drows] += c2d[dg] - c2[dg]
    resid = C2 - X * C1[:, None]
    resid *= w[:, None]
    resid[drows] += X[drows] - mbar[dg]
    return to_input_order(data, resid)


def baseline_increments(data: CoxData, beta: np.ndarray, ev: Evaluation | None = None
                        ) -> np.ndarray:
    """Hazard increments of each event group at ``x = 0`` (uncentred covariates).

    Efron: ``sum_l 1 / denom_l`` (R ``survfit.coxph`` with ``ctype = 2``, its default
    after ``ties = "efron"``); Breslow: ``d_g / S0_g`` (``ctype = 1``). The
    denominators use ``exp((x - means)' beta - shift)``; multiplying by
    ``exp(-shift - means' beta)`` moves the baseline to ``x = 0``.
    """
    ev = ev or evaluate(data, beta)
    return ev.c * np.exp(-ev.shift - float(data.means @ beta))
