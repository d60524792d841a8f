"""Network thresholds, Valente's adopter categories, infectiousness and susceptibility.

A unit's *network threshold* (Valente 1996) is its network exposure at the time it
adopted: the share of its sources of influence that had adopted by then. The
functions here reproduce R netdiffuseR's ``threshold()``, ``classify_adopters()``,
``infection()`` and ``susceptibility()`` (checked against netdiffuseR 1.22.4 in
``tests/test_thresholds.py``); the conventions that differ are listed in
:func:`thresholds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from diffusion._notes import Note
from diffusion.data.checks import check_option, show
from diffusion.errors import SpecificationError
from diffusion.exposure.network import NetworkExposure

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet

__all__ = ["Thresholds", "thresholds", "TIME_CLASSES", "THRESHOLD_CLASSES"]

#: Valente's (1995) adopter categories by time of adoption (netdiffuseR's labels).
TIME_CLASSES = ("Early Adopters", "Early Majority", "Late Majority", "Laggards")
#: ... and by network threshold.
THRESHOLD_CLASSES = ("Very Low Thresh.", "Low Thresh.", "High Thresh.", "Very High Thresh.")


@dataclass(frozen=True)
class Thresholds:
    """Thresholds of the adopters and infectiousness/susceptibility of every unit.

    Attributes
    ----------
    table : DataFrame
        One row per adopter in the window: the unit column, the time column (year of
        adoption), ``threshold`` (exposure at ``time - lags``; NaN when that year lies
        before the window), ``time_class`` and ``threshold_class`` (ordered
        categoricals, :data:`TIME_CLASSES` and :data:`THRESHOLD_CLASSES`; missing
        when the threshold is missing or fewer than two values exist).
    units : DataFrame
        One row per unit of the risk set's population: unit, time of adoption (NaN
        for non-adopters), ``infectiousness`` and ``susceptibility`` (NaN for
        non-adopters, as in netdiffuseR).
    cutoffs : dict
        ``{"time": (m - s, m, m + s), "threshold": (...)}``: the mean ``m`` and sample
        standard deviation ``s`` behind the classes.
    exposure : DataFrame
        Units by years of the window: the exposure matrix the thresholds are read from.
    notes : tuple of Note
    """

    table: pd.DataFrame
    units: pd.DataFrame
    cutoffs: dict
    exposure: pd.DataFrame = field(repr=False)
    lags: int = 0
    window: int = 1
    discount: str = "linear"
    rate: float = 0.5
    normalize: bool = True
    notes: tuple[Note, ...] = ()

    def __repr__(self) -> str:
        return (f"Thresholds({self.n_adopters} adopters of {self.n_units} units, lags="
                f"{self.lags}, window={self.window}, {len(self.notes)} notes)")

    @property
    def n_adopters(self) -> int:
        return len(self.table)

    @property
    def n_units(self) -> int:
        return len(self.units)

    def crosstab(self) -> pd.DataFrame:
        """Counts of adopters by time class (rows) and threshold class (columns)."""
        return pd.crosstab(self.table["time_class"], self.table["threshold_class"],
                           dropna=False)


def _classify(values: np.ndarray, labels: tuple[str, ...]) -> tuple[pd.Categorical, tuple]:
    """netdiffuseR's ``findInterval(x, mean + sd * c(-1, 0, 1))``: interval k holds
    ``cut[k-1] <= x < cut[k]`` (left-closed; its help page says ``<=`` on the right)."""
    ok = ~np.isnan(values)
    if ok.sum() < 2:
        cut = (np.nan, np.nan, np.nan)
        return pd.Categorical([None] * len(values), categories=labels, ordered=True), cut
    m, s = float(values[ok].mean()), float(values[ok].std(ddof=1))
    cut = (m - s, m, m + s)
    codes = np.full(len(values), -1, dtype=np.int64)
    codes[ok] = np.searchsorted(np.asarray(cut), values[ok], side="right")
    return pd.Categorical.from_codes(codes, categories=labels, ordered=True), cut


def _contagion(mats: list[sparse.csr_matrix], toa: np.ndarray, n_periods: int,
               window: int, disc: np.ndarray, normalize: bool, forward: bool) -> np.ndarray:
    """Infectiousness (``forward``) or susceptibility of every unit, as netdiffuseR's
    ``infection_cpp``/``susceptibility_cpp``.

    ``mats[p - 1]`` is the 0/1 adjacency of period ``p`` (``[i, j]`` = 1 when ``j`` is a
    source of ``i``; one shared matrix when the ties are static); ``toa`` holds periods
    1..T (NaN: no adoption; <= 0: adopted before the window, a source only).
    Susceptibility with ``k`` reads the ties of period ``t_i - k + 1``, infectiousness
    those of ``t_i + k`` (netdiffuseR's code; its help page writes ``t_i + k - 1``).
    """
    n = len(toa)
    out = np.full(n, np.nan)
    finite = toa[~np.isnan(toa)].astype(np.int64)
    n_at = np.bincount(finite[finite >= 1], minlength=n_periods + 2)
    columns: dict[int, sparse.csc_matrix] = {}

    def ties(period: int, i: int) -> np.ndarray:
        m = mats[period - 1]
        if forward:  # the units i is a source of: column i
            if id(m) not in columns:
                columns[id(m)] = m.tocsc()
            c = columns[id(m)]
            j = c.indices[c.indptr[i]:c.indptr[i + 1]]
        else:  # i's own sources: row i
            j = m.indices[m.indptr[i]:m.indptr[i + 1]]
        return j[j != i]

    for i in range(n):
        ti = toa[i]
        if np.isnan(ti) or ti < 1:
            continue
        ti = int(ti)
        if (forward and ti == n_periods) or (not forward and ti == 1):
            out[i] = 0.0
            continue
        num = den = nad = 0.0
        for k in range(1, window + 1):
            target = ti + k if forward else ti - k
            if (forward and target > n_periods) or (not forward and target < 1):
                continue
            tj = toa[ties(ti + k if forward else ti - k + 1, i)]
            num += np.count_nonzero(tj == target) / disc[k - 1]
            den += np.count_nonzero(tj >= target if forward else tj <= target) / disc[k - 1]
            nad += n_at[target] / disc[k - 1]
        value = num / den if den > 0 else 0.0
        if normalize:
            value = value / nad if nad > 0 else 0.0
        out[i] = value
    return out


def thresholds(
    risk_set: RiskSet,
    measure: NetworkExposure,
    *,
    lags: int = 0,
    window: int = 1,
    discount: Literal["linear", "exponential"] = "linear",
    rate: float = 0.5,
    normalize: bool = True,
) -> Thresholds:
    """Valente's network thresholds, adopter categories, infectiousness and susceptibility.

    Parameters
    ----------
    risk_set : RiskSet
        Single-event risk set; its window ``start..end`` are netdiffuseR's periods
        ``1..T`` and its events the times of adoption.
    measure : NetworkExposure
        A :func:`diffusion.exposure.network` measure (static or yearly ties). Its ``normalize``
        and ``weight`` are used for the exposure; its ``lag`` is not (see ``lags``).
    lags : int, default 0
        The threshold is the exposure in ``time - lags``. ``0`` is Valente's and
        netdiffuseR's default: alters adopting in the same year count. ``1`` is the
        value the risk set's exposure column holds in the adoption year.
    window : int, default 1
        netdiffuseR's ``K``: periods after (infectiousness) or before
        (susceptibility) the adoption that count. Clipped to ``T - 1`` (noted).
    discount : {"linear", "exponential"}, default "linear"
        Weight ``1 / w_k`` of period ``k``: ``w_k = k`` or ``(1 + rate)^(k - 1)``
        (netdiffuseR's ``expdiscount``).
    rate : float, default 0.5
        netdiffuseR's ``r``.
    normalize : bool, default True
        Divide infectiousness and susceptibility by the (discounted) number of units
        adopting in those periods (Valente et al. 2015).

    Returns
    -------
    Thresholds

    Notes
    -----
    For adopter ``i`` with adoption year ``t_i`` and exposure
    ``E_i(t) = sum_j w_ij a_j(t) / sum_j w_ij`` (``a_j(t) = 1`` when ``j`` adopted in
    or before ``t``), the threshold is ``E_i(t_i - lags)``. Time and threshold classes
    cut at ``mean - sd``, ``mean`` and ``mean + sd`` (sample sd, over the adopters
    with a value). Susceptibility of ``i`` with ``K`` periods::

        S_i = [sum_k sum_{j != i} x_ij 1(t_j = t_i - k) / w_k]
              / [sum_k sum_{j != i} x_ij 1(t_j <= t_i - k) / w_k]

    infectiousness ``I_i`` the same with ``x_ji`` and ``t_i + k`` (``>=`` in the
    denominator); normalised, both are divided by ``sum_k n(t_i -+ k) / w_k``, the
    number of units (tied or not) adopting in those periods. Units adopting in the
    first period have susceptibility 0, in the last period infectiousness 0.

    Conventions, against netdiffuseR 1.22.4:

    * R's categories are left-closed (``findInterval``): a time of adoption equal to
      ``mean - sd`` is *Early Majority*, although its help page says ``<=``. We follow
      the code.
    * R's ``include_censored = FALSE`` does not drop first-period adopters (their
      threshold is reported), despite its help page. We follow the code.
    * R adds ``1e-15`` to denominators; here an empty denominator gives 0 (the same
      value) and the others are exact (a relative difference below ``1e-14``).
    * R casts a missing time of adoption to an integer in C++ (undefined behaviour;
      ``INT_MIN`` on x86-64), so in its susceptibility non-adopters count as having
      adopted before everyone. Here non-adopters never count as adopters.
    * Infectiousness and susceptibility count every tie as 1 (the measure's weights
      enter the threshold only); netdiffuseR's ``valued = TRUE`` changes nothing in
      them either (its code tests ``x_ij != 0``).
    * Exposure counts only sources that are members of the system in the year (R
      has no membership); infectiousness and susceptibility ignore membership.
    * Units that adopted before the window (R has none) have no threshold and no
      statistics, but count as adopted sources (in susceptibility's denominator).
    * With yearly ties (``network(..., time=)``) the threshold reads the ties of the
      year it is read in (``t_i - lags``), as R's ``exposure`` on a dynamic graph;
      susceptibility with ``k`` uses the ties of ``t_i - k + 1`` and infectiousness
      those of ``t_i + k``: netdiffuseR's code, whose help page writes
      ``x_ji(t + k - 1)`` for infectiousness. Ties of years outside the window are
      not used (noted).

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion import RiskSet
    >>> from diffusion.exposure import network, thresholds
    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["c", "c"]})
    >>> ev = pd.DataFrame({"unit": ["a", "c"], "year": [1, 2]})
    >>> rs = RiskSet.from_events(ev, unit="unit", time="year", units=list("abc"),
    ...                          start=1, end=3)
    >>> thresholds(rs, network(ties)).table["threshold"].tolist()
    [0.0, 0.5]
    """
    if not isinstance(measure, NetworkExposure):
        raise SpecificationError(
            f"thresholds need a network: measure must be diffusion.exposure.network(ties), "
            f"got {type(measure).__name__}. Thresholds are exposures through ties; regional "
            f"and world shares have no personal network.")
    if getattr(risk_set, "process", None) is not None:
        raise SpecificationError("thresholds need a single process; this risk set pools "
                                 f"processes ({risk_set.process!r}). Select one process.")
    if risk_set.repeated:
        raise SpecificationError("thresholds are defined for a single adoption per unit; "
                                 "this risk set has repeated events.")
    for name, value, lo in (("lags", lags, 0), ("window", window, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
            raise SpecificationError(f"{name} must be an integer >= {lo}, got {show(value)}.")
    check_option(discount, ("linear", "exponential"), name="discount")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not np.isfinite(rate) \
            or rate <= -1:
        raise SpecificationError(f"rate must be a finite number > -1, got {show(rate)}.")
    if not isinstance(normalize, bool):
        raise SpecificationError(f"normalize must be True or False, got {show(normalize)}.")

    table, notes = measure._edge_table()
    notes = list(notes)
    hist = risk_set.history
    units = hist.units
    n = len(units)
    y0, y1 = int(risk_set.start), int(risk_set.end)
    n_periods = y1 - y0 + 1
    s_code, d_code = hist.codes(table["s"]), hist.codes(table["d"])
    unknown = (s_code < 0) | (d_code < 0)
    if unknown.any():
        notes.append(Note("network_unknown_units", int(unknown.sum()),
                          f"{int(unknown.sum())} tie(s) name units outside the risk set's "
                          f"population and were ignored."))
    keep = ~unknown
    if measure.time is not None:
        year = table["y"].to_numpy(dtype=np.int64)
        outside = keep & ((year < y0) | (year > y1))
        if outside.any():
            notes.append(Note("network_ties_outside_window", int(outside.sum()),
                              f"{int(outside.sum())} tie(s) of years outside {y0}-{y1} "
                              f"were not used."))
        keep = keep & ~outside
    w = table["w"].to_numpy(dtype=np.float64)
    # wmats[c][i, j]: weight of source j in the exposure of i in year y0 + c (the same
    # matrix every year when the ties are static)
    if measure.time is None:
        wmats = [sparse.csr_matrix((w[keep], (d_code[keep], s_code[keep])),
                                   shape=(n, n))] * n_periods
    else:
        wmats = []
        for y in range(y0, y1 + 1):
            now = keep & (year == y)
            wmats.append(sparse.csr_matrix((w[now], (d_code[now], s_code[now])),
                                           shape=(n, n)))

    # time of adoption: the first event; events outside the window are not adoptions
    # in it (before: already adopted, counted as adopted sources; after: non-adopters)
    first = pd.Series(hist.event_time).groupby(hist.event_unit).min()
    toa = np.full(n, np.nan)
    toa[first.index.to_numpy()] = first.to_numpy(dtype=np.float64)
    before = toa < y0
    after = toa > y1
    if before.any():
        notes.append(Note("adopted_before_window", int(before.sum()),
                          f"{int(before.sum())} unit(s) adopted before {y0}: they count as "
                          f"adopted sources but have no threshold."))
    in_window = ~np.isnan(toa) & ~before & ~after

    member = hist.member_matrix(y0, y1).astype(np.float64)
    adopted = (hist.member_matrix(y0, y1) & (hist.events_upto(y0, y1) > 0)).astype(np.float64)
    if measure.time is None:
        den = np.asarray(wmats[0] @ member)
        num = np.asarray(wmats[0] @ adopted)
    else:
        den = np.column_stack([m @ member[:, c] for c, m in enumerate(wmats)])
        num = np.column_stack([m @ adopted[:, c] for c, m in enumerate(wmats)])
    if measure.normalize:
        expo = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    else:
        expo = num

    idx = np.flatnonzero(in_window)
    col = toa[idx].astype(np.int64) - lags - y0
    thr = np.full(len(idx), np.nan)
    inside = col >= 0
    thr[inside] = expo[idx[inside], col[inside]]
    if (~inside).any():
        notes.append(Note("threshold_before_window", int((~inside).sum()),
                          f"{int((~inside).sum())} adopter(s) adopted within {lags} year(s) "
                          f"of {y0}: their exposure in t - {lags} is before the window, "
                          f"threshold missing."))
    lonely = int((den[idx[inside], col[inside]] == 0).sum())
    if lonely:
        notes.append(Note("threshold_no_sources", lonely,
                          f"{lonely} adopter(s) had no member source of influence when they "
                          f"adopted: threshold set to 0, as netdiffuseR does (they are "
                          f"isolates, not low-threshold adopters; drop them if that matters)."))
    t_class, t_cut = _classify(toa[idx], TIME_CLASSES)
    h_class, h_cut = _classify(thr, THRESHOLD_CLASSES)

    if window >= n_periods:
        notes.append(Note("window_clipped", 1,
                          f"window={window} reaches beyond the {n_periods} periods; clipped "
                          f"to {max(n_periods - 1, 0)} as netdiffuseR does."))
        window = max(n_periods - 1, 0)
    k = np.arange(1, window + 1, dtype=np.float64)
    disc = k if discount == "linear" else (1.0 + rate) ** (k - 1)
    # a tie counts 1 whatever its weight: netdiffuseR tests x_ij != 0, also with
    # valued = TRUE
    binary = {id(m): (m != 0).astype(np.float64).tocsr() for m in wmats}
    adj = [binary[id(m)] for m in wmats]
    # adopters before the window keep their (<= 0) period: they count as sources that
    # had adopted, but get no value themselves
    periods = np.where(after, np.nan, toa - y0 + 1)
    infect = _contagion(adj, periods, n_periods, window, disc, normalize, forward=True)
    suscep = _contagion(adj, periods, n_periods, window, disc, normalize, forward=False)

    u, t = risk_set.unit, risk_set.time
    out_table = pd.DataFrame({u: units[idx], t: toa[idx].astype(np.int64), "threshold": thr,
                              "time_class": t_class, "threshold_class": h_class})
    out_units = pd.DataFrame({u: units, t: np.where(in_window, toa, np.nan),
                              "infectiousness": infect, "susceptibility": suscep})
    exposure = pd.DataFrame(expo, index=pd.Index(units, name=u),
                            columns=pd.RangeIndex(y0, y1 + 1, name=t))
    return Thresholds(out_table.reset_index(drop=True), out_units,
                      {"time": t_cut, "threshold": h_cut}, exposure, int(lags), int(window),
                      discount, float(rate), normalize, tuple(notes))
