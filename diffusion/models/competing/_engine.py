"""Fine--Gray subdistribution hazard on one row per unit: estimates and variances.

Plain arrays in, plain arrays out; the specification lives in
:mod:`diffusion.models.competing`. Written from the estimating equations of Fine &
Gray (1999, JASA 94:496-509), with the conventions of R ``cmprsk::crr`` (checked in
``tests/reference/competing.R``).

Notation
--------
Unit ``i`` has time ``T_i`` and status ``e_i``: 1 the cause of interest, 2 another
cause, 0 censored. ``G`` is the Kaplan--Meier estimate of the censoring distribution
(status 0 is the "event", every other status a censoring) and ``G(t-)`` its left
limit. At a distinct time ``t_g`` of a cause-1 event, unit ``i`` carries the weight::

    w_i(t_g) = 1                          if T_i >= t_g
             = G(t_g-) / G(T_i-)          if T_i < t_g and e_i = 2
             = 0                          otherwise

(units that failed from another cause stay in the subdistribution risk set, down-
weighted by the chance that they would still be uncensored). R ``survival::finegray``
computes ``G`` with the events of a tied time before its censorings; crr with them
still at risk: :func:`censoring_left` offers both. With ``r_i = exp(x_i'b)``,
``S0_g = sum_i w_i r_i``, ``S1_g = sum_i w_i r_i x_i``, ``xbar_g = S1_g / S0_g`` and
``d_g`` cause-1 events at ``t_g`` (Breslow's treatment of ties, as crr)::

    loglik = sum_{e_i = 1} x_i'b - sum_g d_g log S0_g
    score  = sum_{e_i = 1} (x_i - xbar_{g(i)})
    H      = sum_g d_g (S2_g / S0_g - xbar_g xbar_g')

Variance. ``eta_i = [e_i = 1](x_i - xbar_{g(i)}) - sum_g d_g w_i(t_g) r_i (x_i -
xbar_g) / S0_g`` is unit ``i``'s score residual. Fine & Gray add ``psi_i``, the effect
of estimating ``G``: with ``pi(u)`` the number of units with ``T >= u``, ``c(u)`` the
censorings at ``u`` and::

    q(u) = sum_{g: t_g >= u} d_g sum_{j: e_j = 2, T_j < u} w_j(t_g) r_j (x_j - xbar_g) / S0_g

``psi_i = [e_i = 0] q(T_i) / pi(T_i) - sum_{u <= T_i} q(u) c(u) / pi(u)^2`` (the
censoring martingale of unit ``i`` integrated against ``q / pi``). The ``"crr"``
covariance is ``H^-1 (sum_i (eta_i + psi_i)(eta_i + psi_i)') H^-1``; the ``"robust"``
one drops ``psi`` -- the sandwich of a weighted Cox fit clustered by unit, which is what
R ``coxph(..., weights = fgwt, id = id)`` on ``survival::finegray`` data reports; the
``"classic"`` one is ``H^-1`` (coxph's ``naive.var``).

Time-varying covariates. ``x_i`` becomes ``x_i(t_g)``, unit ``i``'s covariates at the
event time ``t_g``: the values of its year covering ``t_g`` while it is at risk, and
the values of its last year after it ended with another cause (the weighted rows
``survival::finegray`` adds after a competing event repeat the last row's covariates).
Every sum above then takes ``x_i(t_g)`` and ``r_i(t_g) = exp(x_i(t_g)'b)`` at the
``t_g`` it runs over; an event contributes ``x_i(T_i)``. :func:`prepare` takes the
covariates as ``(n, m, k)`` values on a grid of ``m`` times, already carried forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diffusion.models._newton import NewtonFit, newton

__all__ = ["FineGrayData", "prepare", "evaluate", "fit", "covariance", "censoring_left",
           "truncation_weights"]


def censoring_left(time: np.ndarray, status: np.ndarray, weights: str = "crr") -> np.ndarray:
    """``G(T_i-)``: Kaplan--Meier of the censoring distribution, left limit at each ``T_i``.

    Status 0 is the censoring "event". Only censorings strictly before ``T_i`` count
    (crr evaluates ``G`` at ``T_i (1 - 100 eps)``; finegray moves event times 0.2 of a
    step earlier), so an event and a censoring in the same year leave the event's
    weight untouched by that censoring. The two differ in the risk set of a censoring
    at ``u``: ``weights="crr"`` counts every unit with ``T >= u`` (R ``survfit`` on
    ``Surv(ftime, status == 0)``, as crr), ``weights="finegray"`` leaves out the units
    failing at ``u`` (their events come first, as in ``survival::finegray``).
    """
    times, inv = np.unique(time, return_inverse=True)
    at_risk = len(time) - np.concatenate([[0], np.cumsum(np.bincount(inv))[:-1]])
    cens = np.bincount(inv, weights=(status == 0).astype(float), minlength=len(times))
    if weights == "finegray":
        at_risk = at_risk - np.bincount(inv, weights=(status != 0).astype(float),
                                        minlength=len(times))
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(np.where(cens > 0, 1.0 - cens / at_risk, 1.0))
    left = np.concatenate([[1.0], surv[:-1]])
    return left[inv]


@dataclass(frozen=True, eq=False)
class FineGrayData:
    """Arrays prepared once: ``W[g, i] = w_i(t_g)``, ``Xg[g, i] = x_i(t_g)``, event counts."""

    X: np.ndarray  # (n, k) covariates at each unit's own time T_i
    time: np.ndarray
    status: np.ndarray
    W: np.ndarray  # (G, n)
    group_time: np.ndarray  # (G,)
    deaths: np.ndarray  # (G,)
    event_group: np.ndarray  # (n,) group of a cause-1 event, -1 otherwise
    G_left: np.ndarray  # (n,) G(T_i-)
    weights: str = "crr"
    Xg: np.ndarray | None = None  # (G, n, k); a read-only broadcast of X when constant


def prepare(X: np.ndarray, time: np.ndarray, status: np.ndarray, weights: str = "crr",
            entry: np.ndarray | None = None, grid: np.ndarray | None = None
            ) -> FineGrayData:
    """Build the weights ``w_i(t_g)`` of every unit at every cause-1 event time.

    ``X``: ``(n, k)`` covariates constant within unit, or ``(n, m, k)`` time-varying
    ones, ``X[i, j]`` unit ``i``'s values at time ``grid[j]`` (carried forward after its
    last time, finite everywhere; every event time must be on ``grid``).
    ``weights``: ``"crr"`` or ``"finegray"``, the risk set of the censoring
    Kaplan--Meier at tied times (:func:`censoring_left`). ``entry``: left truncation
    times (unit ``i`` at risk on ``(entry_i, time_i]``), ``weights="finegray"`` only:
    see :func:`truncation_weights`.
    """
    X = np.asarray(X, dtype=np.float64)
    time = np.asarray(time, dtype=np.float64)
    status = np.asarray(status, dtype=np.int64)
    ev = status == 1
    group_time, deaths = np.unique(time[ev], return_counts=True)
    if X.ndim == 3:
        grid = np.asarray(grid, dtype=np.float64)
        cols = np.searchsorted(grid, group_time)
        if np.any(cols >= len(grid)) or np.any(grid[np.minimum(cols, len(grid) - 1)]
                                                != group_time):
            raise ValueError("every event time must be a time of the covariate grid")
        Xg = np.ascontiguousarray(X[:, cols, :].transpose(1, 0, 2))
        own = np.searchsorted(grid, time, side="right") - 1
        X = X[np.arange(len(time)), np.maximum(own, 0)]
    else:
        Xg = np.broadcast_to(X[None, :, :], (len(group_time),) + X.shape)
    later = time[None, :] >= group_time[:, None]
    other = (status == 2)[None, :] & ~later
    if entry is None:
        G_left = censoring_left(time, status, weights)
        # G(t_g-) of each event time, read off any cause-1 unit failing at t_g
        g_of_time = np.zeros(len(group_time))
        g_of_time[np.searchsorted(group_time, time[ev])] = G_left[ev]
        W = later.astype(np.float64)
    else:
        entry = np.asarray(entry, dtype=np.float64)
        g_of_time, G_left = truncation_weights(entry, time, status, group_time)
        W = (later & (entry[None, :] < group_time[:, None])).astype(np.float64)
    W[other] = (g_of_time[:, None] / G_left[None, :])[other]
    event_group = np.full(len(time), -1, dtype=np.int64)
    event_group[ev] = np.searchsorted(group_time, time[ev])
    return FineGrayData(X, time, status, W, group_time, deaths.astype(np.float64),
                        event_group, G_left, weights, Xg)


def truncation_weights(entry: np.ndarray, time: np.ndarray, status: np.ndarray,
                       group_time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P(t) = G(t-) H(t)`` at each event time and at each unit's ``T_i`` (Geskus 2011).

    With left truncation the weight of a unit that failed from another cause at ``T_i``
    is ``P(t) / P(T_i)``: ``G`` is the Kaplan--Meier of the censorings on the
    counting-process risk sets (``entry < u <= T``, events of ``u`` before its
    censorings, as finegray), and ``H(x) = prod_{e >= x} (1 - n_e / R_e)`` the
    reverse-time product-limit estimate of the entry distribution, over the entry times
    ``e >= x`` with ``n_e`` entries at ``e`` among ``R_e = #{entry <= e < T}``. This is
    what R ``survival::finegray`` does with ``Surv(start, stop, status)`` input
    (checked in ``tests/reference/competing.R``); its help page says delayed entry is
    not (currently) supported, so treat the agreement as agreement with its code.
    """
    cens_times = np.unique(time[status == 0])
    failing = status != 0
    # G after the censorings at each censoring time, on counting-process risk sets
    R = np.array([np.sum((entry < u) & (time >= u) & ~((time == u) & failing))
                  for u in cens_times], dtype=np.float64)
    c = np.array([np.sum((time == u) & (status == 0)) for u in cens_times], dtype=np.float64)
    G_after = np.cumprod(1 - c / R)
    entries = np.unique(entry)
    RH = np.array([np.sum((entry <= e) & (time > e)) for e in entries], dtype=np.float64)
    nH = np.array([np.sum(entry == e) for e in entries], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(nH > 0, 1 - nH / RH, 1.0)
    # H(x) = product over entries e >= x: a reverse cumulative product
    H_from = np.concatenate([np.cumprod(factors[::-1])[::-1], [1.0]])

    def P(x: np.ndarray) -> np.ndarray:
        k = np.searchsorted(cens_times, x, side="left")  # censorings strictly before x
        g = np.concatenate([[1.0], G_after])[k]
        h = H_from[np.searchsorted(entries, x, side="left")]  # entries >= x
        return g * h

    return P(group_time), P(time)


@dataclass(frozen=True)
class Evaluation:
    loglik: float
    score: np.ndarray
    info: np.ndarray
    r: np.ndarray  # (G, n): exp(x_i(t_g)'b), scaled
    S0: np.ndarray
    xbar: np.ndarray


def evaluate(data: FineGrayData, beta: np.ndarray) -> Evaluation:
    """Log pseudo-likelihood, score and information ``H`` at ``beta``."""
    Xg, W = data.Xg, data.W
    eta = Xg @ beta  # (G, n)
    # scale by the largest linear predictor that carries weight (overflow guard)
    shift = float(np.max(eta, where=W > 0, initial=-np.inf)) if eta.size else 0.0
    shift = shift if np.isfinite(shift) else 0.0
    r = np.exp(eta - shift)
    Wr = W * r
    S0 = Wr.sum(axis=1)
    S1 = np.einsum("gi,gij->gj", Wr, Xg)
    xbar = S1 / S0[:, None]
    S2 = np.einsum("gi,gij,gik->gjk", Wr, Xg, Xg)
    d = data.deaths
    ev = data.status == 1
    x_ev = data.X[ev]  # covariates at the event time
    loglik = float((x_ev @ beta).sum() - d @ (np.log(S0) + shift))
    score = x_ev.sum(axis=0) - d @ xbar
    info = np.einsum("g,gjk->jk", d / S0, S2) - (xbar * d[:, None]).T @ xbar
    return Evaluation(loglik, score, info, r, S0, xbar)


def fit(data: FineGrayData, *, tol: float = 1e-12, step_tol: float = 1e-8,
        max_iter: int = 50) -> NewtonFit:
    """Maximise the log pseudo-likelihood by Newton--Raphson from ``beta = 0``."""

    def derivatives(beta: np.ndarray):
        ev = evaluate(data, beta)
        return ev.loglik, ev.score, ev.info

    return newton(derivatives, data.X.shape[1], max_iter=max_iter, tol=tol,
                  step_tol=step_tol)


def residuals(data: FineGrayData, beta: np.ndarray, ev: Evaluation | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit ``eta_i`` (score residual) and ``psi_i`` (censoring term), each (n, k);
    ``ev`` is :func:`evaluate` at ``beta`` when the caller has it."""
    ev = evaluate(data, beta) if ev is None else ev
    X, Xg, W, r, S0, xbar, d = data.X, data.Xg, data.W, ev.r, ev.S0, ev.xbar, data.deaths
    # eta: dN part minus the integral against the fitted subdistribution hazard
    A = W * r * (d / S0)[:, None]  # (G, n)
    eta = -(np.einsum("gi,gik->ik", A, Xg) - A.T @ xbar)
    is_ev = data.event_group >= 0
    eta[is_ev] += X[is_ev] - xbar[data.event_group[is_ev]]
    # psi: censoring martingales integrated against q(u) / pi(u)
    n, k = X.shape
    psi = np.zeros((n, k))
    times, inv = np.unique(data.time, return_inverse=True)
    pi = n - np.concatenate([[0], np.cumsum(np.bincount(inv))[:-1]])
    cens = np.bincount(inv, weights=(data.status == 0).astype(float), minlength=len(times))
    if data.weights == "finegray":  # the risk set of finegray's censoring Kaplan-Meier
        pi = pi - np.bincount(inv, weights=(data.status != 0).astype(float),
                              minlength=len(times))
        pi = np.where(cens > 0, pi, 1)  # only censoring times enter psi
    other = data.status == 2
    q = np.zeros((len(times), k))
    for m in np.flatnonzero(cens > 0):
        u = times[m]
        g_in = data.group_time >= u
        j_in = other & (data.time < u)
        if not g_in.any() or not j_in.any():
            continue
        B = A[np.ix_(g_in, j_in)]  # (g, j)
        q[m] = (np.einsum("gj,gjk->k", B, Xg[np.ix_(g_in, j_in)])
                - B.sum(axis=1) @ xbar[g_in])
    # sum over censoring times u <= T_i of q(u) c(u) / pi(u)^2
    step = q * (cens / pi**2)[:, None]
    cum = np.cumsum(step, axis=0)
    psi -= cum[inv]
    censored = data.status == 0
    psi[censored] += (q / pi[:, None])[inv[censored]]
    return eta, psi


def covariance(data: FineGrayData, beta: np.ndarray, kind: str) -> np.ndarray:
    """``"crr"``, ``"robust"`` or ``"classic"`` covariance (module docstring)."""
    ev = evaluate(data, beta)
    bread = np.linalg.inv(ev.info)
    if kind == "classic":
        return bread
    eta, psi = residuals(data, beta, ev)
    u = eta + psi if kind == "crr" else eta
    return bread @ (u.T @ u) @ bread
