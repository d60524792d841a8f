"""Split-population (cure) discrete-time hazard model: units that may never adopt.

A standard hazard model treats every holdout as a late adopter. The split-population
model (Schmidt & Witte 1989; Box-Steffensmeier, Radcliffe & Bartels 2005; Svolik
2008; R ``spduration``, Beger et al. 2017) separates *whether* a unit is at risk at
all (the risk part, a logit) from *how soon* the units at risk adopt (the duration
part, here a discrete-time complementary log-log hazard).

Likelihood
----------
Unit ``i`` has rows ``t = 1..T_i`` in the estimation sample and event indicator
``d_i`` (an event can only be at its last row). With

* ``pi_i = logistic(z_i' gamma)``, the probability that the unit is at risk, where
  ``z_i`` is read from the unit's **first** row in the estimation sample,
* ``h_it = 1 - exp(-exp(x_it' beta))``, the cloglog hazard of a unit at risk
  (``x_it`` may include a time term, e.g. ``time="cubic"``), and
  ``S_i = prod_t (1 - h_it)``::

    L_i = pi_i * h_iT * prod_{t<T} (1 - h_it)        if d_i = 1
    L_i = (1 - pi_i) + pi_i * S_i                     if d_i = 0

and ``loglik = sum_i log L_i``. The likelihood is a product over **units**, not rows.

Conventions
-----------
* **Parameter names** carry a prefix: ``risk:<term>`` (logit of being at risk; a
  positive coefficient makes adoption *possible* more often) and ``duration:<term>``
  (cloglog hazard of those at risk; ``exp`` is a hazard ratio among units at risk).
  Risk terms come first. ``spduration`` reports the same two equations (its
  ``risk`` equation models the probability of being at risk, as here).
* **Late entry**: a unit's first row is where its observation starts; the likelihood
  is *not* conditioned on survival before entry (no rows, so no covariates, exist
  before it). ``pi_i`` is therefore the probability of being at risk among units as
  they enter the window; spduration likewise starts each spell at its first observed
  row. For units that enter long after the process began, this ``pi`` is smaller
  than the population share ever at risk.
* **Risk covariates that vary within a unit**: the first row's values are used and
  the number of such units is counted in ``notes`` (lag or fix them at entry to
  avoid the question).
* **Missing values** (rows dropped listwise, or by a time term): rows lost at the
  start of a unit's spell make it enter later; rows lost at the end of a censored
  unit's spell censor it earlier; a unit that loses its event row or a row inside
  its spell is dropped entirely (it would look censored, or its spell would be
  misstated). Each case is counted in ``notes``.
* **Covariance**: ``"classic"`` is the inverse observed information (the Hessian is
  a central difference of the analytic score, as R ``optimHess``/``numDeriv``).
  ``"cluster"`` (default, by unit) and ``"robust"`` are sandwiches
  ``H^-1 (sum_g s_g s_g') H^-1`` of **per-unit** scores summed within clusters;
  ``small_sample="r"`` multiplies by ``G/(G-1) (N-1)/(N-K)`` with ``N`` the number of
  units (``"stata"``: ``G/(G-1)``; ``"none"``: 1). ``"robust"`` treats each unit as
  its own cluster.
* **BIC** uses the number of units (the likelihood's independent contributions),
  not the number of rows.
* **Identification**: with no censored unit (every unit adopts) the risk part is not
  identified (pi -> 1): :class:`~diffusion.errors.EstimationError`. Risk-part
  estimates that drift to the boundary raise :class:`CureBoundaryWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_option, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import (
    ConvergenceError,
    DiffusionWarning,
    EstimationError,
    SpecificationError,
)
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE
from diffusion.models.control import FitControl
from diffusion.models.design import (
    Spec,
    build_design,
    check_collinearity,
    cluster_column,
    columns_spec,
    formula_spec,
)
from diffusion.models.discrete_time._glm import fit_binary_glm
from diffusion.models.discrete_time.spec import check_risk_set
from diffusion.models.links import get_link
from diffusion.models.splitpop._engine import SplitPopData, _parts, fit_splitpop
from diffusion.models.time_terms import TimeSpec, TimeTerm, resolve_time
from diffusion.results.hazard import HazardResults

__all__ = ["SplitPopulationHazard", "CureBoundaryWarning", "cure_probabilities",
           "predict_splitpop"]


class CureBoundaryWarning(DiffusionWarning):
    """The risk part drifted to the boundary (some ``pi`` at 0 or 1): weakly identified."""


@dataclass(frozen=True, eq=False, init=False)
class SplitPopulationHazard:
    """Discrete-time split-population (cure) cloglog hazard model on a risk set.

    Parameters
    ----------
    risk_set : RiskSet
        A risk set with one event at most per unit (``repeated=False``).
    risk : sequence of str
        Numeric columns of the risk (ever-at-risk) part, read at each unit's first row.
    duration : sequence of str
        Numeric columns of the duration (cloglog hazard) part.
    time : None, str or time term, optional
        Baseline time dependence of the duration part (as in
        :class:`~diffusion.DiscreteTimeHazard`).
    risk_intercept, intercept : bool, default True
        Intercepts of the risk and the duration part.

    Examples
    --------
    >>> model = SplitPopulationHazard(rs, risk=["z"], duration=["x"])  # doctest: +SKIP
    >>> res = model.fit()  # doctest: +SKIP
    >>> cure_probabilities(res)  # doctest: +SKIP
    """

    risk_set: RiskSet
    risk_spec: Spec
    duration_spec: Spec
    time: TimeTerm | None

    def __init__(self, risk_set: RiskSet, *, risk: Sequence[str] = (),
                 duration: Sequence[str] = (), time: TimeSpec = None,
                 risk_intercept: bool = True, intercept: bool = True) -> None:
        self._set(risk_set, time)
        object.__setattr__(self, "risk_spec", columns_spec(risk, risk_set, risk_intercept))
        object.__setattr__(self, "duration_spec", columns_spec(duration, risk_set, intercept))

    @classmethod
    def from_formula(cls, risk_set: RiskSet, *, risk: str, duration: str,
                     time: TimeSpec = None) -> SplitPopulationHazard:
        """Specify both parts with right-hand-side formulas, e.g. ``risk="1 + C(region)"``."""
        self = cls.__new__(cls)
        self._set(risk_set, time)
        object.__setattr__(self, "risk_spec", formula_spec(risk, risk_set))
        object.__setattr__(self, "duration_spec", formula_spec(duration, risk_set))
        return self

    def _set(self, risk_set: RiskSet, time: TimeSpec) -> None:
        check_risk_set(risk_set)
        if risk_set.repeated:
            raise SpecificationError(
                "a split-population model needs one spell per unit; this risk set has "
                "repeated events (repeated=True). Keep each unit's first spell.")
        object.__setattr__(self, "risk_set", risk_set)
        object.__setattr__(self, "time", resolve_time(time))

    def __repr__(self) -> str:
        return (f"SplitPopulationHazard(risk={show(self.risk_spec.text)}, "
                f"duration={show(self.duration_spec.text)}, "
                f"time={self.time.describe() if self.time else 'none'})")

    # ------------------------------------------------------------------ fit
    def fit(self, *, cov_type: str = "cluster", cluster: str | None = None,
            small_sample: str = "r", control: FitControl | None = None) -> HazardResults:
        """Fit by maximum likelihood and return a new, frozen :class:`HazardResults`.

        Parameters
        ----------
        cov_type : {"cluster", "classic", "robust"}, default "cluster"
            Covariance (see the module notes); clusters must not split a unit.
        cluster : str, optional
            Cluster column (constant within unit); default the unit.
        small_sample : {"r", "stata", "none"}, default "r"
        control : FitControl, optional
            ``max_iter`` caps the Newton steps after the quasi-Newton start.

        Raises
        ------
        EstimationError
            No events, no censored unit (the risk part is not identified), collinear
            terms, non-convergence.
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = cluster_column(rs, cov_type, cluster)
        extra_cols = [cluster_col] if cluster_col else []
        dur = build_design(rs, self.duration_spec, self.time,
                           extra_columns=[*self.risk_spec.variables, *extra_cols])
        risk = build_design(rs, self.risk_spec, None, check_collinear=False,
                            extra_columns=[*self.duration_spec.variables, *extra_cols])
        frame = rs._frame
        # the risk design drops the same rows for missing values (both read every
        # variable), so its notes repeat the duration design's
        notes = list(dur.notes)
        keep_rows = np.intersect1d(dur.rows, risk.rows)
        keep_rows, unit_notes = _complete_spells(rs, keep_rows)
        notes.extend(unit_notes)
        Xd = dur.X[np.searchsorted(dur.rows, keep_rows)]
        Zr = risk.X[np.searchsorted(risk.rows, keep_rows)]
        sub = frame.iloc[keep_rows]
        order = np.lexsort((sub[rs.time].to_numpy(), pd.factorize(sub[rs.unit])[0]))
        rows = keep_rows[order]
        sub = frame.iloc[rows]
        Xd, Zr = Xd[order], Zr[order]
        codes, uniques = pd.factorize(sub[rs.unit])
        n_units = len(uniques)
        first = np.r_[True, codes[1:] != codes[:-1]]
        last = np.r_[codes[1:] != codes[:-1], True]
        y = sub[rs.event].to_numpy(dtype=np.float64)
        d = y[last]
        if y.sum() == 0:
            raise EstimationError(
                f"the estimation sample has no events ({len(y)} rows, {n_units} units); "
                f"nothing to estimate.")
        n_censored = int(n_units - d.sum())
        if n_censored == 0:
            raise EstimationError(
                f"all {n_units} units adopt in the window, so no unit can be a never-adopter "
                f"and the risk (cure) part is not identified (pi -> 1). Use "
                f"DiscreteTimeHazard, or extend the window so that holdouts are observed.")
        Z = Zr[first]
        varying = np.zeros(n_units, dtype=bool)
        for j in range(Zr.shape[1]):
            varying |= np.bincount(codes, weights=(Zr[:, j] != Z[codes, j]).astype(float),
                                   minlength=n_units) > 0
        if varying.any():
            notes.append(Note(
                "risk_covariates_vary", int(varying.sum()),
                f"{int(varying.sum())} unit(s) have risk-part covariates that vary over time; "
                f"their first row's values are used: "
                f"{preview([rs.label(u) for u in uniques[varying]])}."))
        risk_names = list(risk.names)
        check_collinearity(Z, risk_names)
        data = SplitPopData(np.asarray(Xd, dtype=np.float64),
                            np.asarray(Z, dtype=np.float64), codes.astype(np.intp), last, d)
        # start: the ordinary cloglog fit for the duration part, pi = 0.5 for the risk part
        glm = fit_binary_glm(y, data.X, get_link("cloglog"), control)
        beta0 = glm.params if glm.converged else np.zeros(data.X.shape[1])
        start = np.r_[np.zeros(Z.shape[1]), beta0]
        fit = fit_splitpop(data, start, max_iter=control.max_iter)
        k = len(start)
        if not fit.converged or not np.all(np.isfinite(fit.params)):
            raise ConvergenceError(
                f"the split-population model did not converge ({fit.n_iter} iterations). "
                f"Rescale covariates, simplify the risk part, or check that holdouts exist.")
        try:
            bread = np.linalg.inv(-fit.hessian)
        except np.linalg.LinAlgError as exc:
            raise EstimationError(
                "the information matrix of the split-population model is singular; the "
                "risk and duration parts are not separately identified.") from exc
        if not np.all(np.diag(bread) > 0):
            raise EstimationError(
                "the information matrix of the split-population model is not positive "
                "definite at the estimate; the model is not identified on these data.")
        pi = 1.0 / (1.0 + np.exp(-(Z @ fit.params[: Z.shape[1]])))
        if np.any(np.abs(fit.params[: Z.shape[1]]) > 15) or np.all(pi > 1 - 1e-6):
            warnings.warn(CureBoundaryWarning(
                f"the risk part is at the boundary (max |gamma| = "
                f"{np.max(np.abs(fit.params[: Z.shape[1]])):.1f}, {int((pi > 1 - 1e-6).sum())} "
                f"of {n_units} units with P(at risk) > 1 - 1e-6): it is not identified, and its "
                f"standard errors are meaningless. The holdouts are explained as late "
                f"adopters; fit DiscreteTimeHazard, or simplify the risk part."),
                stacklevel=2)
        n_clusters = None
        if cov_type == "classic":
            cov = bread
        else:
            if cov_type == "robust":
                groups = np.arange(n_units)
            else:
                cvals = sub[cluster_col].to_numpy()
                gcodes, _ = pd.factorize(cvals)
                per_unit = gcodes[first]
                if np.any(gcodes != per_unit[codes]):
                    raise SpecificationError(
                        f"cluster column {show(cluster_col)} varies within units; the "
                        f"likelihood is per unit, so clusters must contain whole units.")
                groups = per_unit
            gc, _ = pd.factorize(groups)
            G = int(gc.max()) + 1
            S = np.zeros((G, k))
            np.add.at(S, gc, fit.scores)
            meat = S.T @ S
            factor = {"r": G / (G - 1) * (n_units - 1) / (n_units - k),
                      "stata": G / (G - 1), "none": 1.0}[small_sample]
            cov = factor * bread @ meat @ bread
            n_clusters = G if cov_type == "cluster" else None
        terms = tuple([f"risk:{t}" for t in risk_names] + [f"duration:{t}" for t in dur.names])
        n_time = dur.n_time_terms
        dur_cov = list(dur.names[: len(dur.names) - n_time] if n_time else dur.names)
        unit_frame = pd.DataFrame({rs.unit: uniques, "at_risk": pi, "event": d.astype(int)})
        return HazardResults(
            model="split-population cloglog",
            terms=terms, _params=fit.params, _cov=cov, loglik=fit.loglik,
            n_obs=len(y), n_events=int(y.sum()), n_units=n_units, cov_type=cov_type,
            cluster=cluster_col, n_clusters=n_clusters, information="observed",
            small_sample=small_sample,
            time_term=self.time.describe() if self.time else None, dependent=rs.event,
            formula=f"risk: {self.risk_spec.text}; duration: {self.duration_spec.text}",
            notes=tuple(notes), converged=fit.converged, n_iter=fit.n_iter,
            estimation_rows=rows, n_bic=n_units,
            extra={"link": "cloglog",
                   "hazard_ratio_terms": [f"duration:{t}" for t in dur_cov if t != "Intercept"],
                   "n_time_terms": n_time, "model": self, "n_censored_units": n_censored,
                   "splitpop": {"data": data, "units": unit_frame, "k_risk": Z.shape[1],
                                "unit_col": rs.unit, "time_col": rs.time,
                                "times": sub[rs.time].to_numpy()},
                   "fit_options": {"cov_type": cov_type, "cluster": cluster,
                                   "small_sample": small_sample, "control": control}},
        )


def _complete_spells(rs: RiskSet, keep_rows: np.ndarray) -> tuple[np.ndarray, list[Note]]:
    """Keep each unit's rows only if they form one spell that still shows its outcome.

    Rows lost at the start of a unit's spell (e.g. a lagged covariate missing in the
    first year) make it enter later; rows lost at the end of a censored unit's spell
    censor it earlier. A unit that loses its event row, or a row in the middle of its
    spell, is dropped entirely: it would look censored or its spell would be misstated.
    """
    frame = rs._frame
    codes, uniques = pd.factorize(frame[rs.unit])
    n = len(uniques)
    # position of each row within its unit, by time
    order = np.lexsort((frame[rs.time].to_numpy(), codes))
    pos = np.empty(len(frame), dtype=np.int64)
    sizes = np.bincount(codes, minlength=n)
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    pos[order] = np.arange(len(frame)) - np.repeat(starts, sizes)
    kept = np.zeros(len(frame), dtype=bool)
    kept[keep_rows] = True
    kc = codes[kept]
    n_kept = np.bincount(kc, minlength=n)
    lo = np.full(n, np.iinfo(np.int64).max)
    hi = np.full(n, -1)
    np.minimum.at(lo, kc, pos[kept])
    np.maximum.at(hi, kc, pos[kept])
    event = np.bincount(codes, weights=frame[rs.event].to_numpy(dtype=float), minlength=n) > 0
    present = n_kept > 0
    gap = present & (hi - lo + 1 != n_kept)
    lost_event = present & event & (hi != sizes - 1)
    drop = gap | lost_event
    later = present & ~drop & (lo > 0)
    earlier = present & ~drop & ~event & (hi < sizes - 1)
    notes: list[Note] = []
    label = [rs.label(u) for u in uniques]
    if later.any():
        notes.append(Note(
            "splitpop_later_entry", int(later.sum()),
            f"{int(later.sum())} unit(s) enter later because the first row(s) of their spell "
            f"were dropped: {preview([label[i] for i in np.flatnonzero(later)])}."))
    if earlier.any():
        notes.append(Note(
            "splitpop_earlier_censoring", int(earlier.sum()),
            f"{int(earlier.sum())} unit(s) without an event are censored earlier because the "
            f"last row(s) of their spell were dropped: "
            f"{preview([label[i] for i in np.flatnonzero(earlier)])}."))
    if drop.any():
        bad = drop[codes] & kept
        notes.append(Note(
            "splitpop_incomplete_units", int(drop.sum()),
            f"{int(drop.sum())} unit(s) dropped entirely ({int(bad.sum())} remaining row(s)) "
            f"because their event row or a row inside their spell was dropped: "
            f"{preview([label[i] for i in np.flatnonzero(drop)])}."))
        keep_rows = np.flatnonzero(kept & ~drop[codes])
    return keep_rows, notes


def _state(result: HazardResults) -> dict:
    state = result.extra.get("splitpop") if isinstance(result, HazardResults) else None
    if state is None:
        raise SpecificationError(
            f"expected the result of SplitPopulationHazard.fit(), got "
            f"{getattr(result, 'model', type(result).__name__)}.")
    return state


def cure_probabilities(result: HazardResults) -> pd.DataFrame:
    """Per unit: probability of being at risk, and of being cured given what was seen.

    Returns
    -------
    DataFrame
        One row per unit: ``at_risk`` ``= pi_i`` (the prior probability from the risk
        part), ``cured`` ``= 1 - pi_i`` and ``cured_posterior``, the probability of
        being a never-adopter given survival through the unit's last row:
        ``(1 - pi_i) / ((1 - pi_i) + pi_i S_i)`` for censored units, 0 for adopters.
    """
    state = _state(result)
    data: SplitPopData = state["data"]
    theta = result._params
    _, _, log_pi, log_1mpi, _, cum_all, _ = _parts(theta, data)
    post = np.exp(log_1mpi - np.logaddexp(log_1mpi, log_pi - cum_all))
    post[data.d.astype(bool)] = 0.0
    out = state["units"].copy()
    out["cured"] = 1.0 - out["at_risk"]
    out["cured_posterior"] = post
    return out


def predict_splitpop(result: HazardResults) -> pd.DataFrame:
    """Per estimation row: hazards of the fitted split-population model.

    Returns
    -------
    DataFrame
        ``unit``, ``time``, ``hazard_at_risk`` (``h_it``, the cloglog hazard of a unit
        at risk), ``p_at_risk`` (probability of being at risk given survival to the
        start of ``t``: ``pi S_{t-1} / (1 - pi + pi S_{t-1})``, as spduration's
        conditional risk) and ``hazard`` ``= p_at_risk * hazard_at_risk``, the
        probability of adopting in ``t`` for a unit that has not adopted before.
    """
    state = _state(result)
    data: SplitPopData = state["data"]
    theta = result._params
    kz = state["k_risk"]
    lam = np.exp(data.X @ theta[kz:])
    h = -np.expm1(-lam)
    zg = data.Z @ theta[:kz]
    log_pi = -np.logaddexp(0.0, -zg)[data.unit]
    log_1mpi = -np.logaddexp(0.0, zg)[data.unit]
    # cumulative hazard before row t within the unit
    cum = np.cumsum(lam)
    start_idx = np.r_[0, np.flatnonzero(data.last)[:-1] + 1]
    offset = np.r_[0.0, cum][start_idx][data.unit]
    before = cum - lam - offset
    p = np.exp(log_pi - before - np.logaddexp(log_1mpi, log_pi - before))
    units = state["units"][state["unit_col"]].to_numpy()[data.unit]
    return pd.DataFrame({state["unit_col"]: units, state["time_col"]: state["times"],
                         "hazard_at_risk": h, "p_at_risk": p, "hazard": p * h})
