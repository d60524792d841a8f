"""Proportional-hazards diagnostics: the score test and scaled Schoenfeld residuals of R ``cox.zph``.

Grambsch & Therneau (1994): let ``beta_j(t) = beta_j + gamma_j g(t)``. The test of
``gamma = 0`` is a score test in the extended model with covariates ``x`` and
``x g(t)`` at ``(beta_hat, 0)``; with ``V_tau`` the (Efron- or Breslow-weighted)
covariance of ``x`` over the risk set at ``tau`` and ``g`` centred at its mean over
the events::

    u_gamma = sum_tau g(tau) [ sum_{events at tau} x_i - d_tau xbar(tau) ]
    I = sum_tau [[V, g V], [g V, g^2 V]]
    test(term) = u' I_sub^{-1} u,   u = (0, u_gamma[term]),  I_sub = rows/cols (all beta, term's gamma)

as R ``survival`` >= 3.0 (C routine ``zph2``), per term (a categorical term is one
test with as many degrees of freedom as columns) and globally. The scaled Schoenfeld
residuals are ``beta + r V_s^{-1}`` with ``r = x_i - xbar(tau)`` and
``V_s = I / d`` the average information per event (per stratum, counting only
covariates that vary within the stratum).

Transforms of time (the model's clock) as R: ``"identity"``, ``"log"``, ``"rank"``
(average ranks of the stop times of all rows), ``"km"``: ``1 - KM(t-)`` of the
pooled product-limit estimate over all rows (left truncated at their starts). Fits
with ``ties="exact"`` are tested with Breslow weights, as R does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from diffusion.data.checks import check_option
from diffusion.data.riskset import RiskSet
from diffusion.models.cox import _engine as engine
from diffusion.models.cox.sample import CoxSample
from diffusion.results.ph_test import ProportionalHazardsTest

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.results.hazard import HazardResults


class CoxModel(Protocol):
    """What the test needs of a Cox model (:class:`~diffusion.CoxHazard` has it)."""

    risk_set: RiskSet
    strata: str | None

__all__ = ["proportional_hazards_test", "TRANSFORMS"]

TRANSFORMS = ("km", "rank", "identity", "log")


def transformed_time(start: np.ndarray, stop: np.ndarray, event: np.ndarray,
                     transform: str) -> np.ndarray:
    """``g(stop)`` for every row (before centring)."""
    if transform == "identity":
        return stop.astype(np.float64)
    if transform == "log":
        return np.log(stop)
    if transform == "rank":
        return stats.rankdata(stop, method="average")
    # km: pooled product-limit estimate with left truncation, S(t-) at each stop
    ev = event.astype(bool)
    tau, d = np.unique(stop[ev], return_counts=True)
    at_risk = (np.searchsorted(np.sort(start), tau, side="left")
               - np.searchsorted(np.sort(stop), tau, side="left"))
    surv = np.concatenate([[1.0], np.cumprod(1.0 - d / at_risk)])
    return 1.0 - surv[np.searchsorted(tau, stop, side="left")]


def _term_columns(s: CoxSample) -> list[tuple[str, list[int]]]:
    spec = s.design.model_spec
    if spec is None:
        return [(n, [j]) for j, n in enumerate(s.names)]
    design_names = list(s.design.names)
    position = {n: s.names.index(n) for n in s.names}
    terms = []
    for term, idx in spec.term_indices.items():
        cols = [position[design_names[i]] for i in idx if design_names[i] in position]
        if cols:
            terms.append((str(term), cols))
    return terms


def proportional_hazards_test(model: CoxModel, result: HazardResults, s: CoxSample, *,
                              transform: str) -> ProportionalHazardsTest:
    """See :meth:`CoxHazard.test_proportional_hazards`."""
    transform = check_option(transform, TRANSFORMS, name="transform")
    data = s.data
    beta = result.params.to_numpy()
    k = len(beta)
    y = s.design.y.astype(bool)
    g_raw = transformed_time(s.start, s.stop, y, transform)
    g_row = (g_raw - g_raw[y].mean())[data.order]  # engine (sorted) order
    G = data.n_groups
    drows, dg = data.death_rows, data.death_group
    drows_in = data.order[drows]  # the same event rows in input order
    g_grp = np.bincount(dg, g_row[drows], minlength=G)[:G] / data.group_deaths

    X = data.X
    ev = engine.evaluate(data, beta)
    w, denom, M = ev.w, ev.denom, ev.M
    sg, a = data.slot_group, data.slot_frac
    c = ev.c
    e = np.bincount(sg, a / denom, minlength=G)[:G]

    def info(f: np.ndarray) -> np.ndarray:
        row_w = w * engine.over_risk(data, f * c)
        row_w[drows] -= w[drows] * (f * e)[dg]
        out = X.T @ (X * row_w[:, None]) - M.T @ (M * f[sg][:, None])
        return (out + out.T) / 2

    I11, I12, I22 = info(np.ones(G)), info(g_grp), info(g_grp ** 2)
    imat = np.block([[I11, I12], [I12, I22]])
    u_gamma = (X[drows] * g_grp[dg][:, None]).sum(axis=0) - (M * g_grp[sg][:, None]).sum(axis=0)

    terms = _term_columns(s)
    rows = []
    for name, cols in terms:
        kk = list(range(k)) + [k + j for j in cols]
        u = np.concatenate([np.zeros(k), u_gamma[cols]])
        rows.append((name, float(u @ np.linalg.solve(imat[np.ix_(kk, kk)], u)), len(cols)))
    u = np.concatenate([np.zeros(k), u_gamma])
    rows.append(("GLOBAL", float(u @ np.linalg.solve(imat, u)), k))
    table = pd.DataFrame(rows, columns=["term", "chisq", "df"]).set_index("term")
    table["p"] = stats.chi2.sf(table["chisq"], table["df"])
    table.index.name = None

    # ---- scaled Schoenfeld residuals
    mbar = engine.group_sums(sg, M, G) / data.group_deaths[:, None]
    schoen = X[drows] - mbar[dg]
    n_strata = int(data.group_stratum.max()) + 1 if G else 1
    raw = s.X
    used = np.zeros((n_strata, k))
    ev_per = np.bincount(s.stratum[y], minlength=n_strata)
    for j in range(k):  # loop over covariates: does column j vary within each stratum?
        lo = pd.Series(raw[:, j]).groupby(s.stratum).agg(["min", "max"])
        varies = (lo["max"] > lo["min"]).reindex(range(n_strata), fill_value=False).to_numpy()
        used[:, j] = np.where(varies, ev_per, 0)
    T = np.zeros((k, len(terms)))
    for i, (_, cols) in enumerate(terms):
        T[cols, i] = 1.0 if len(cols) == 1 else beta[cols]
    wt = sum(np.minimum.outer(u_s, u_s) for u_s in used)
    vmean = I11 / np.where(wt == 0, 1.0, wt)
    sres = schoen @ T
    vmean = T.T @ vmean @ T
    used_t = used[:, [cols[0] for _, cols in terms]]
    ev_stratum = data.group_stratum[dg]
    scaled = np.full_like(sres, np.nan)
    for st in range(n_strata):  # loop over strata
        kk = np.flatnonzero(used_t[st] > 0)
        rws = np.flatnonzero(ev_stratum == st)
        if len(kk) and len(rws):
            scaled[np.ix_(rws, kk)] = np.linalg.solve(vmean[np.ix_(kk, kk)],
                                                      sres[np.ix_(rws, kk)].T).T
    offset = np.array([beta[cols[0]] if len(cols) == 1 else 1.0 for _, cols in terms])
    scaled = scaled + offset
    frame = s.design.frame
    rs = model.risk_set
    res = {}
    if model.strata:
        res[model.strata] = frame[model.strata].to_numpy()[drows_in]
    res.update({"time": s.stop[drows_in], "g": g_raw[drows_in],
                rs.unit: frame[rs.unit].to_numpy()[drows_in]})
    out = pd.DataFrame(res)
    for i, (name, _) in enumerate(terms):
        out[name] = scaled[:, i]
    order = np.lexsort((drows_in, s.stop[drows_in], ev_stratum))
    out = out.iloc[order].reset_index(drop=True)
    return ProportionalHazardsTest(transform, table, out)
