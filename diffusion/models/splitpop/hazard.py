"""Split-population (cure) hazard model: units that may never adopt.

A standard hazard model treats every holdout as a late adopter. The split-population
model (Schmidt & Witte 1989; Box-Steffensmeier, Radcliffe & Bartels 2005; Svolik
2008; R ``spduration``, Beger et al. 2017) separates *whether* a unit is at risk at
all (the risk part, a logit) from *how soon* the units at risk adopt (the duration
part: a discrete-time cloglog hazard, or a continuous-time Weibull or log-logistic
distribution, ``distribution=``).

Likelihood
----------
Unit ``i`` has rows ``t = 1..T_i`` in the estimation sample and event indicator
``d_i`` (an event can only be at its last row). Row ``t`` is the interval
``(d_it - 1, d_it]`` on the **duration clock** ``d_it`` = years since the unit entered
the risk set (1 in its first year at risk; the clock of ``time_terms`` with
``scale="duration"``). Let

* ``pi_i = logistic(z_i' gamma)``, the probability that the unit is at risk, where
  ``z_i`` is read from the unit's **first** row in the estimation sample,
* ``dH_it``, the cumulative hazard of a unit at risk over row ``t``'s interval, with
  that row's covariates ``x_it``:

  - ``"cloglog"``: ``dH_it = exp(x_it' beta)``, so ``h_it = 1 - exp(-dH_it)`` is the
    complementary log-log hazard (``x_it`` may include a time term, ``time="cubic"``);
  - ``"weibull"``: ``H(s | x) = (lambda s)^alpha``, ``lambda = exp(-x' beta)``,
    ``dH_it = H(d_it | x_it) - H(d_it - 1 | x_it)``;
  - ``"loglogistic"``: ``H(s | x) = log(1 + (lambda s)^alpha)``, same ``lambda``,
    same difference;

  with ``alpha = exp(a)`` the shape (Weibull: rising hazard if ``alpha > 1``;
  log-logistic: rising then falling if ``alpha > 1``), and
* ``h_it = 1 - exp(-dH_it)``, the probability that a unit at risk that has not
  adopted before row ``t`` adopts in it, ``S_i = exp(-sum_t dH_it)``::

    L_i = pi_i * h_iT * prod_{t<T} (1 - h_it)        if d_i = 1
    L_i = (1 - pi_i) + pi_i * S_i                     if d_i = 0

and ``loglik = sum_i log L_i``. The likelihood is a product over **units**, not rows:
the at-risk survival is the product over the unit's rows of
``1 - h_it = S(d_it | x_it) / S(d_it - 1 | x_it)`` (the hazard integrated over each
year with that year's covariates), and the cure mixture is taken once per unit.

Relation to ``spduration``
--------------------------
``spduration`` uses the same ``lambda = exp(-x' beta)``, the same survivor functions
and the same ratio ``S(d | x_t) / S(d - 1 | x_t)`` with the covariates of row ``t``.
Where the models differ:

* **Event row.** spduration's adopter row contributes the *density* ``f(d | x)``
  (an exact event time at ``d``); here it contributes the *probability of adopting
  in the year*, ``S(d - 1 | x) - S(d | x)`` (interval censoring: the year of
  adoption is known, not the day). Discrete-time data call for the latter, and it
  makes the cloglog part the special case ``dH = exp(x' beta)``.
* **Mixture per unit, not per row.** spduration multiplies per-row ratios
  ``[(1 - pi_t) + pi_t S(d)] / [(1 - pi_t) + pi_t S(d - 1)]`` with ``pi_t`` and
  ``lambda`` of each row; with covariates that vary within a spell that product is
  not the likelihood of one mixture. Here ``pi_i`` is fixed at the unit's first row
  and the mixture is taken over the unit's whole at-risk survival. With covariates
  constant within units and every unit entering at duration 1 the two censored
  contributions coincide.
* **Shape parameter.** spduration's coefficient labelled ``log(alpha)`` is ``p``
  with ``alpha = exp(-p)``, i.e. ``-log(alpha)`` in the notation above (the log of
  R ``survreg``'s ``scale``). Here the term ``shape:log(alpha)`` is ``log(alpha)``
  itself, with its standard error; ``alpha = exp(shape:log(alpha))`` and the
  interval ``exp(conf_int())``.
* **Late entry.** spduration's first row of a spell conditions on
  ``(1 - pi) + pi S(t0)`` with ``t0`` its previous duration. Here no conditioning
  term is added (see below); both agree when spells start at duration 1.

Conventions
-----------
* **Parameter names** carry a prefix: ``risk:<term>`` (logit of being at risk; a
  positive coefficient makes adoption *possible* more often), ``duration:<term>``
  and, for Weibull and log-logistic, ``shape:log(alpha)``. Risk terms come first.
  For cloglog, ``exp(duration:x)`` is a hazard ratio among units at risk
  (:meth:`~diffusion.HazardResults.hazard_ratios`). For Weibull and log-logistic the
  duration part is an accelerated-failure-time model, as in spduration: a
  *positive* ``duration:x`` *lowers* the hazard (``exp(coef)`` multiplies the time
  scale ``1 / lambda``), and ``hazard_ratios()`` refuses.
* **Time terms** (``time=``) give the cloglog part its baseline; the Weibull and
  log-logistic parts have theirs in ``lambda`` and ``alpha``, and ``time=`` is
  refused for them.
* **Late entry**: a unit's first row is where its observation starts; the mixture
  is *not* conditioned on survival before entry (no rows, so no covariates, exist
  before it). ``pi_i`` is therefore the probability of being at risk among units as
  they enter the window; the at-risk part itself is conditioned on entry by
  construction (it starts integrating the hazard at the first row's
  ``d - 1``). For units that enter long after the process began, this ``pi`` is
  smaller than the population share ever at risk. The duration clock counts from
  the unit's first row in the *risk set*: a unit whose first rows are dropped for
  missing values enters the estimation sample at a later duration.
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
  its own cluster. (spduration reports the inverse ``optim`` Hessian only.)
* **Starting values**: the same duration part without a cure fraction (``pi = 1``:
  the cloglog GLM, or the Weibull / log-logistic interval likelihood from
  ``lambda`` = the event rate and ``alpha = 1``), with ``gamma = 0``, as spduration
  starts from its base model. The no-cure log likelihood is kept in
  ``extra["splitpop"]["loglik_no_cure"]``; the cure model's is never below it (the
  no-cure model is its limit as the risk intercept goes to infinity).
* **BIC** uses the number of units (the likelihood's independent contributions),
  not the number of rows.
* **Identification**: with no censored unit (every unit adopts) the risk part is not
  identified (pi -> 1): :class:`~diffusion.errors.EstimationError`. Risk-part
  estimates that drift to the boundary raise :class:`CureBoundaryWarning`.

Predictions (also for new data) are in :mod:`diffusion.models.splitpop.predict`.
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
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich, score_meat
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
from diffusion.models.splitpop._engine import (
    DISTRIBUTIONS,
    Distribution,
    SplitPopData,
    fit_splitpop,
    unit_loglik,
)
from diffusion.models.time_terms import TimeSpec, TimeTerm, resolve_time
from diffusion.results.hazard import HazardResults

__all__ = ["DISTRIBUTIONS", "CureBoundaryWarning", "SplitPopulationHazard"]


class CureBoundaryWarning(DiffusionWarning):
    """The risk part drifted to the boundary (some ``pi`` at 0 or 1): weakly identified."""


@dataclass(frozen=True, eq=False, init=False)
class SplitPopulationHazard:
    """Split-population (cure) hazard model on a risk set (cloglog, Weibull, log-logistic).

    Parameters
    ----------
    risk_set : RiskSet
        A risk set with one event at most per unit (``repeated=False``).
    risk : sequence of str
        Numeric columns of the risk (ever-at-risk) part, read at each unit's first row.
    duration : sequence of str
        Numeric columns of the duration part (read at every row: time-varying).
    distribution : {"cloglog", "weibull", "loglogistic"}, default "cloglog"
        The duration part (see the module notes): a discrete-time cloglog hazard, or
        a Weibull or log-logistic distribution on the duration clock integrated over
        each year, ``lambda = exp(-x' beta)`` and shape ``alpha`` (reported as
        ``shape:log(alpha)``).
    time : None, str or time term, optional
        Baseline time dependence of the cloglog duration part (as in
        :class:`~diffusion.DiscreteTimeHazard`); refused for Weibull and log-logistic.
    risk_intercept, intercept : bool, default True
        Intercepts of the risk and the duration part.

    Raises
    ------
    SpecificationError
        An unknown ``distribution`` (the message lists the choices), a time term with
        a parametric duration part, repeated events.

    Examples
    --------
    >>> model = SplitPopulationHazard(rs, risk=["z"], duration=["x"])  # doctest: +SKIP
    >>> res = model.fit()  # doctest: +SKIP
    >>> cure_probabilities(res)  # doctest: +SKIP
    >>> weib = SplitPopulationHazard(rs, risk=["z"], duration=["x"],
    ...                              distribution="weibull").fit()  # doctest: +SKIP
    >>> predict_splitpop(weib, data=new_risk_set)  # doctest: +SKIP
    """

    risk_set: RiskSet
    risk_spec: Spec
    duration_spec: Spec
    time: TimeTerm | None
    distribution: str

    def __init__(self, risk_set: RiskSet, *, risk: Sequence[str] = (),
                 duration: Sequence[str] = (), distribution: Distribution = "cloglog",
                 time: TimeSpec = None, risk_intercept: bool = True,
                 intercept: bool = True) -> None:
        self._set(risk_set, time, distribution)
        object.__setattr__(self, "risk_spec", columns_spec(risk, risk_set, risk_intercept))
        object.__setattr__(self, "duration_spec", columns_spec(duration, risk_set, intercept))

    @classmethod
    def from_formula(cls, risk_set: RiskSet, *, risk: str, duration: str,
                     distribution: Distribution = "cloglog",
                     time: TimeSpec = None) -> SplitPopulationHazard:
        """Specify both parts with right-hand-side formulas, e.g. ``risk="1 + C(region)"``."""
        self = cls.__new__(cls)
        self._set(risk_set, time, distribution)
        object.__setattr__(self, "risk_spec", formula_spec(risk, risk_set))
        object.__setattr__(self, "duration_spec", formula_spec(duration, risk_set))
        return self

    def _set(self, risk_set: RiskSet, time: TimeSpec, distribution: str) -> None:
        distribution = check_option(distribution, DISTRIBUTIONS, name="distribution")
        check_risk_set(risk_set)
        if risk_set.repeated:
            raise SpecificationError(
                "a split-population model needs one spell per unit; this risk set has "
                "repeated events (repeated=True). Keep each unit's first spell.")
        object.__setattr__(self, "risk_set", risk_set)
        term = resolve_time(time)
        if term is not None and distribution != "cloglog":
            raise SpecificationError(
                f"time={term.describe()!r} gives the cloglog duration part its baseline; the "
                f"{distribution} part has its own (lambda and the shape alpha). Drop time=, "
                f"or use distribution='cloglog'.")
        object.__setattr__(self, "time", term)
        object.__setattr__(self, "distribution", distribution)

    def __repr__(self) -> str:
        return (f"SplitPopulationHazard(risk={show(self.risk_spec.text)}, "
                f"duration={show(self.duration_spec.text)}, "
                f"distribution={self.distribution!r}, "
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
            terms.
        ConvergenceError
            Non-convergence; when the risk part keeps running to the boundary (``|gamma|``
            growing, ``P(at risk)`` at 0 or 1 for some units) the message says so: the
            data do not identify the risk part with this duration part.

        Warns
        -----
        CureBoundaryWarning
            The fit converged with the risk part at the boundary.
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
        dist = self.distribution
        # duration clock: years since the unit's first row in the risk set
        entry = rs.entry_times().to_numpy(dtype=np.int64)[rows]
        clock = (sub[rs.time].to_numpy(dtype=np.int64) - entry + 1).astype(np.float64)
        data = SplitPopData(np.asarray(Xd, dtype=np.float64),
                            np.asarray(Z, dtype=np.float64), codes.astype(np.intp), last, d,
                            clock, dist)
        base, loglik_base = _no_cure_start(data, y, list(dur.names), control)
        start = np.r_[np.zeros(Z.shape[1]), base]
        fit = fit_splitpop(data, start, max_iter=control.max_iter)
        k = len(start)
        kz = Z.shape[1]
        if not fit.converged and np.all(np.isfinite(fit.params)):
            zg = Z @ fit.params[:kz]
            edge = np.abs(zg) > 13.8  # P(at risk) within 1e-6 of 0 or 1
            if np.max(np.abs(fit.params[:kz])) > 15 and edge.any():
                raise ConvergenceError(
                    f"the risk part of the split-population {dist} model runs to the "
                    f"boundary: after {fit.n_iter} iterations max |gamma| = "
                    f"{np.max(np.abs(fit.params[:kz])):.0f} and still growing, with "
                    f"P(at risk) within 1e-6 of 0 or 1 for {int(edge.sum())} of {n_units} "
                    f"units (log likelihood {fit.loglik:.3f}; without a cure part "
                    f"{loglik_base:.3f}). These data do not identify the risk part with "
                    f"this duration part: the duration part explains the holdouts. Simplify "
                    f"the risk part, or compare another distribution.")
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
            per_unit = None
            if cov_type == "cluster":
                gcodes, _ = pd.factorize(sub[cluster_col].to_numpy())
                per_unit = gcodes[first]
                if np.any(gcodes != per_unit[codes]):
                    raise SpecificationError(
                        f"cluster column {show(cluster_col)} varies within units; the "
                        f"likelihood is per unit, so clusters must contain whole units.")
            # per-unit scores: "robust" treats each unit as its own cluster
            meat, G = score_meat(fit.scores, cov_type=cov_type, clusters=per_unit)
            cov = sandwich(bread, meat, small_sample=small_sample, g=G, n=n_units, k=k)
            n_clusters = G if cov_type == "cluster" else None
        terms = tuple([f"risk:{t}" for t in risk_names] + [f"duration:{t}" for t in dur.names]
                      + (["shape:log(alpha)"] if dist != "cloglog" else []))
        n_time = dur.n_time_terms
        dur_cov = list(dur.names[: len(dur.names) - n_time] if n_time else dur.names)
        unit_frame = pd.DataFrame({rs.unit: uniques, "at_risk": pi, "event": d.astype(int)})
        # what predictions on new data need: the encodings, and the time-term columns of
        # each clock value seen in the estimation sample (cloglog with a time term)
        time_lookup = None
        if n_time:
            tclock = (clock.astype(np.int64) if self.time.scale == "duration"
                      else sub[rs.time].to_numpy(dtype=np.int64))
            values, first_pos = np.unique(tclock, return_index=True)
            time_lookup = (values, np.asarray(Xd)[first_pos, len(dur.names) - n_time:])
        cloglog_extra = ({"link": "cloglog",
                          "hazard_ratio_terms": [f"duration:{t}" for t in dur_cov
                                                 if t != "Intercept"]}
                         if dist == "cloglog" else {})
        return HazardResults(
            model=f"split-population {dist}",
            terms=terms, _params=fit.params, _cov=cov, loglik=fit.loglik,
            n_obs=len(y), n_events=int(y.sum()), n_units=n_units, cov_type=cov_type,
            cluster=cluster_col, n_clusters=n_clusters, information="observed",
            small_sample=small_sample,
            time_term=self.time.describe() if self.time else None, dependent=rs.event,
            formula=f"risk: {self.risk_spec.text}; duration: {self.duration_spec.text}",
            notes=tuple(notes), converged=fit.converged, n_iter=fit.n_iter,
            estimation_rows=rows, n_bic=n_units,
            extra={**cloglog_extra,
                   "n_time_terms": n_time, "model": self, "n_censored_units": n_censored,
                   "splitpop": {"data": data, "units": unit_frame, "k_risk": Z.shape[1],
                                "unit_col": rs.unit, "time_col": rs.time,
                                "times": sub[rs.time].to_numpy(), "distribution": dist,
                                "loglik_no_cure": loglik_base,
                                "risk_names": tuple(risk_names),
                                "duration_names": tuple(dur.names), "n_time": n_time,
                                "risk_model_spec": risk.model_spec,
                                "duration_model_spec": dur.model_spec,
                                "time_lookup": time_lookup},
                   "fit_options": {"cov_type": cov_type, "cluster": cluster,
                                   "small_sample": small_sample, "control": control}},
        )


def _no_cure_start(data: SplitPopData, y: np.ndarray, names: list[str],
                   control: FitControl) -> tuple[np.ndarray, float]:
    """Duration parameters of the model without a cure part (``pi = 1``) and its loglik.

    Cloglog: the binary GLM (its Bernoulli likelihood is the no-cure likelihood).
    Weibull, log-logistic: the interval likelihood from ``lambda`` = the event rate
    per row and ``alpha = 1``. A fit that fails leaves those plain values.
    """
    kx = data.X.shape[1]
    nocure = SplitPopData(data.X, data.Z[:, :0], data.unit, data.last, data.d, data.dur,
                          data.dist, cure=False)
    if data.dist == "cloglog":
        glm = fit_binary_glm(y, data.X, get_link("cloglog"), control)
        beta = glm.params if glm.converged else np.zeros(kx)
    else:
        beta = np.zeros(kx + 1)
        if "Intercept" in names:
            beta[names.index("Intercept")] = -np.log(max(y.mean(), 1e-8))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                base = fit_splitpop(nocure, beta, max_iter=control.max_iter)
            if base.converged and np.all(np.isfinite(base.params)):
                beta = base.params
        except (np.linalg.LinAlgError, ValueError):  # a degenerate base keeps the plain start
            pass
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ll = float(unit_loglik(beta, nocure).sum())
    return beta, ll


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
