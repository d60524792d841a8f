"""Cox proportional-hazards model on a risk set: time-varying covariates, late entry.

Each row ``(i, t)`` of a :class:`~diffusion.RiskSet` is one counting-process interval
``(start, stop]`` with an event indicator at ``stop``; the model is::

    h_i(s) = h_0,k(s) exp(x_i(s)' beta)          (k = stratum of row i)

with an unspecified baseline ``h_0,k`` per stratum, fitted by maximising the partial
likelihood (Cox 1972; Andersen & Gill 1982; Therneau & Grambsch 2000).

Clocks (``clock=``)
-------------------
* ``"calendar"`` (default): ``s`` is the year; row ``(i, t)`` is ``(t - 1, t]``. All
  units share the clock, so a unit that enters in 1960 (independence, a treaty
  opened for signature) is at risk only from 1960 on: late entry is left truncation
  and needs nothing more. Every covariate that takes the same value for all units at
  risk in a year (world share, year or period dummies, a global trend) is absorbed by
  the baseline hazard; such covariates are refused (see below).
* ``"duration"``: ``s`` is the time since the unit entered the risk set,
  ``d = t - entry + 1`` (``entry`` = first year at risk, see
  :meth:`RiskSet.entry_times`); row ``(i, t)`` is ``(d - 1, d]``. Across a gap in
  membership the clock keeps running (as the discrete-time model's duration terms).

Ties (``ties=``)
----------------
Yearly data have many events in the same year. ``"efron"`` (default, as R
``coxph``) and ``"breslow"`` (Stata ``stcox`` default) approximate the likelihood;
``"exact"`` is the exact discrete partial likelihood (Kalbfleisch & Prentice), the
conditional logistic likelihood of R ``ties = "exact"`` / Stata ``exactp`` -- the
natural model when the year is the true resolution of the data.

Conventions (R vs Stata vs Python)
----------------------------------
* Estimates, model-based standard errors and the log partial likelihood equal R
  ``coxph(Surv(start, stop, event) ~ x + strata(s), ties = ...)``; the robust
  variance equals R's with ``cluster(id)`` -- which applies *no* ``G/(G-1)``
  factor; ``small_sample="stata"`` applies it, as Stata ``stcox, vce(cluster id)``.
* Robust variance after exact ties: R (``agexact.fit``) puts *Breslow's* score
  residuals at the exact estimate in the sandwich; diffusion by default those of the
  exact likelihood. ``fit(score_residuals="breslow")`` reproduces R; why the default
  differs is in :meth:`CoxHazard.fit`.
* Default covariance: clustered by unit (as :class:`DiscreteTimeHazard`); R's
  default is model-based (``cov_type="classic"``).
* ``BIC`` uses the number of events (R ``BIC(coxph)``, ``nobs.coxph``).
* statsmodels ``PHReg(entry=start)`` counts a row at risk *at* its entry time
  (``start <= t``), which shifts estimates on country-years; R, Stata and this module
  use ``start < t <= stop``. lifelines ``CoxPHFitter(entry_col=, cluster_col=)``
  computes cluster-robust errors that ignore the entry times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE
from diffusion.inference.score_covariance import score_covariance
from diffusion.models.control import FitControl
from diffusion.models.cox import _engine as engine
from diffusion.models.cox import _exact as cox_exact
from diffusion.models.cox.checks import (
    check_aliasing,
    check_constant,
    check_divergence,
    check_risk_set,
    check_strata_events,
    inverse,
)
from diffusion.models.cox.predict import cumulate, predict_profiles
from diffusion.models.cox.sample import (
    CLOCKS,
    SCORE_RESIDUALS,
    TIES,
    Clock,
    CoxSample,
    ScoreResiduals,
    Ties,
)
from diffusion.models.cox.zph import proportional_hazards_test
from diffusion.models.design import (
    Spec,
    build_design,
    cluster_column,
    columns_spec,
    formula_spec,
)
from diffusion.results.hazard import HazardResults

__all__ = ["CoxHazard", "Ties", "Clock", "ScoreResiduals", "TIES", "CLOCKS",
           "SCORE_RESIDUALS"]

@dataclass(frozen=True, eq=False)
class CoxHazard:
    """Cox proportional-hazards model with time-varying covariates on a risk set.

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
        Numeric columns of the risk set (use :meth:`from_formula` for
        transformations, interactions and categorical terms).
    ties : {"efron", "breslow", "exact"}, default "efron"
    strata : str, optional
        Column whose values define strata with separate baseline hazards (R
        ``strata()``, Stata ``strata()``). Missing values are refused.
    clock : {"calendar", "duration"}, default "calendar"
        Time scale of the baseline hazard (see the module docstring).

    Notes
    -----
    With ``S0``, ``S1`` the sums of ``w = exp(x' beta)`` and ``w x`` over the rows at
    risk at an event time (``start < tau <= stop``, same stratum) and ``d`` tied
    events, Breslow's log partial likelihood is
    ``sum_events x' beta - sum_tau d log S0(tau)``; Efron's replaces the ``l``-th of
    the ``d`` terms by ``log(S0 - (l/d) D0)``, ``D0`` the sum over the tied events.
    See :mod:`diffusion.models.cox._engine` and
    :mod:`diffusion.models.cox._exact`.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=80).risk_set()
    >>> model = d.CoxHazard.from_formula("event ~ x1 + x2 + regional", rs)
    >>> res = model.fit()  # clustered by unit
    >>> list(res.params.index)
    ['x1', 'x2', 'regional']
    >>> res.hazard_ratios().shape
    (3, 3)
    """

    risk_set: RiskSet
    spec: Spec
    ties: str
    clock: str
    strata: str | None

    def __init__(
        self,
        risk_set: RiskSet,
        *,
        covariates: Sequence[str],
        ties: Ties = "efron",
        strata: str | None = None,
        clock: Clock = "calendar",
    ) -> None:
        check_risk_set(risk_set)
        if isinstance(covariates, str):
            covariates = [covariates]
        covariates = list(covariates)
        if not covariates:
            raise SpecificationError(
                "a Cox model needs at least one covariate; the baseline hazard takes the "
                "place of the intercept."
            )
        # the intercept column lets build_design name covariates that are constant;
        # it is dropped before fitting (it is absorbed by the baseline)
        spec = replace(columns_spec(covariates, risk_set, True), text=" + ".join(covariates))
        self._set(risk_set, spec, ties, strata, clock)

    @classmethod
    def from_formula(
        cls,
        formula: str,
        risk_set: RiskSet,
        *,
        ties: Ties = "efron",
        strata: str | None = None,
        clock: Clock = "calendar",
    ) -> CoxHazard:
        """Specify the model with a formulaic formula (``"event ~ x1 + C(region)"``).

        The left side may be omitted. An intercept (implicit, ``1 +``, or removed with
        ``0 +``) is irrelevant: the baseline hazard absorbs it. A formula whose right
        side has no covariates is refused.
        """
        check_risk_set(risk_set)
        spec = formula_spec(formula, risk_set)
        terms = [str(t) for t in spec.rhs]
        if not [t for t in terms if t not in ("1", "0")]:
            raise SpecificationError(
                f"the right side of {show(formula)} has no covariates (intercept only). A "
                f"Cox model has no intercept: the baseline hazard absorbs it. Add covariates, "
                f"or use RiskSet/baseline tools to describe the hazard without covariates."
            )
        self = cls.__new__(cls)
        self._set(risk_set, spec, ties, strata, clock)
        return self

    def _set(self, risk_set: RiskSet, spec: Spec, ties: str, strata: str | None,
             clock: str) -> None:
        ties = check_option(ties, TIES, name="ties")
        clock = check_option(clock, CLOCKS, name="clock")
        if strata is not None:
            if not isinstance(strata, str) or strata not in risk_set._frame.columns:
                raise SpecificationError(
                    f"strata column {show(strata)} is absent from the risk set; available: "
                    f"{preview(list(risk_set._frame.columns), 15)}."
                )
            if strata in spec.variables:
                raise SpecificationError(
                    f"{show(strata)} is both a covariate and the strata column; a stratified "
                    f"baseline absorbs its effect. Remove it from the covariates."
                )
            if strata == risk_set.event:
                raise SpecificationError("the event column cannot define strata.")
            missing = risk_set._frame[strata].isna().to_numpy()
            if missing.any():
                f = risk_set._frame
                i = int(np.flatnonzero(missing)[0])
                raise SpecificationError(
                    f"strata column {show(strata)} has {int(missing.sum())} missing value(s), "
                    f"first at {show(f[risk_set.unit].iloc[i])} in {f[risk_set.time].iloc[i]}. "
                    f"Every row needs a stratum: fill them (e.g. an 'unknown' stratum) or drop "
                    f"those rows from the risk set."
                )
        object.__setattr__(self, "risk_set", risk_set)
        object.__setattr__(self, "spec", spec)
        object.__setattr__(self, "ties", ties)
        object.__setattr__(self, "clock", clock)
        object.__setattr__(self, "strata", strata)

    def __repr__(self) -> str:
        strata = f", strata={show(self.strata)}" if self.strata else ""
        return (f"CoxHazard({show(self.spec.text)}, ties={show(self.ties)}, "
                f"clock={show(self.clock)}{strata})")

    # ---------------------------------------------------------------- sample
    def sample(self, *, extra_columns: Sequence[str] = ()) -> CoxSample:
        """The estimation sample: listwise deletion, intervals, strata, checks.

        Raises
        ------
        EstimationError
            No events; strata with rows but no events; covariates constant (or
            collinear) within every risk set.
        """
        rs = self.risk_set
        extra = [c for c in [self.strata, *extra_columns] if c]
        # collinearity is checked below, within the risk sets (a stronger condition)
        design = build_design(rs, self.spec, None, extra_columns=extra, check_collinear=False)
        keep = [j for j, n in enumerate(design.names) if n != "Intercept"]
        names = tuple(design.names[j] for j in keep)
        X = design.X[:, keep]
        frame = design.frame
        t = frame[rs.time].to_numpy(dtype=np.float64)
        if self.clock == "calendar":
            stop = t
        else:
            entry = rs.entry_times().to_numpy(dtype=np.float64)[design.rows]
            stop = t - entry + 1
        start = stop - 1
        if self.strata:
            codes, labels = pd.factorize(frame[self.strata], sort=True)
            labels = tuple(labels)
        else:
            codes, labels = np.zeros(len(frame), dtype=np.int64), ()
        check_strata_events(codes, labels, design.y, self.strata)
        data = engine.prepare(X, start, stop, design.y, codes, self.ties)
        initial = engine.derivatives(data, np.zeros(len(names)))
        sd = np.sqrt(np.einsum("ij,ij->j", data.X, data.X) / max(len(X), 1))
        check_constant(X, names)
        check_aliasing(data, initial[2], sd, names, self.clock, self.strata)
        tied = cox_exact.prepare_tied(data) if self.ties == "exact" else None
        return CoxSample(design, names, X, start, stop, codes, labels, data, tied, initial, sd)

    # ------------------------------------------------------------------- fit
    def fit(
        self,
        *,
        cov_type: str = "cluster",
        cluster: str | None = None,
        small_sample: str = "r",
        score_residuals: ScoreResiduals = "likelihood",
        control: FitControl | None = None,
    ) -> HazardResults:
        """Maximise the partial likelihood; return a new, frozen :class:`HazardResults`.

        Parameters
        ----------
        cov_type : {"cluster", "classic", "robust"}, default "cluster"
            ``"classic"``: inverse observed information (R ``coxph`` without
            ``cluster``). ``"cluster"``: sandwich of score residuals summed by
            cluster (R ``cluster(id)``). ``"robust"``: by row (R ``cluster`` on a row
            id). See :mod:`diffusion.inference.score_covariance`.
        cluster : str, optional
            Cluster column for ``cov_type="cluster"``; default: the unit.
        small_sample : {"r", "stata", "none"}, default "r"
            ``"r"`` and ``"none"``: no factor (R); ``"stata"``: ``G/(G-1)``.
        score_residuals : {"likelihood", "breslow"}, default "likelihood"
            Per-row score contributions in the robust and cluster sandwiches; matters
            only with ``ties="exact"`` (ignored by ``cov_type="classic"``).
            ``"likelihood"``: the score residuals of the partial likelihood that was
            maximised -- Efron's, Breslow's, or for exact ties the exact (conditional
            logistic) residuals of :mod:`diffusion.models.cox._exact`.
            ``"breslow"``: Breslow's score residuals at the estimate, which is what R
            does after ``coxph(..., ties = "exact", cluster = id)`` (see Notes). With
            ``ties="breslow"`` the two are the same; with ``ties="efron"``
            ``"breslow"`` is refused (R uses Efron's residuals there, as the default).
        control : FitControl, optional
            ``max_iter`` bounds the Newton iterations. The fit has converged when a
            Newton step is below ``sqrt(gtol)`` standard errors (the derivatives are
            then evaluated after that step, so by quadratic convergence the estimate
            is within about ``gtol`` standard errors of the maximum). ``tol``: a
            relative change of the log likelihood below it while steps stay large
            flags a monotone likelihood.

        Returns
        -------
        HazardResults
            ``params`` (log hazard ratios), ``hazard_ratios()``, ``loglik`` (log
            partial likelihood), ``extra["loglik_null"]`` (at ``beta = 0``),
            ``extra["baseline"]`` (baseline hazard increments at ``x = 0``).

        Raises
        ------
        SpecificationError
            An unknown option; ``score_residuals="breslow"`` with ``ties="efron"``.
        EstimationError
            No events; strata without events; aliased or collinear covariates;
            diverging coefficients (monotone likelihood); non-convergence.

        Notes
        -----
        The robust variance is ``V (sum_g U_g U_g') V`` with ``V`` the inverse observed
        information and ``U_g`` the score residuals summed over cluster ``g``
        (:mod:`diffusion.inference.score_covariance`). After exact ties R and
        diffusion differ in ``U`` by default:

        * R (survival 3.5-3, ``Surv(start, stop, event)`` data, fitted by
          ``agexact.fit``, which labels its fit ``method = "coxph"``, so
          ``residuals.coxph`` applies Breslow's formula) uses Breslow's residuals at
          the exact estimate ``beta_exact``; the exact-likelihood information stays in
          ``V``. Those residuals sum to Breslow's score at ``beta_exact``, not zero.
          (For ``Surv(time, status)`` data R fits exact ties with ``coxexact.fit`` and
          refuses score residuals, so gives no robust variance at all.)
        * diffusion's default, ``score_residuals="likelihood"``, uses the residuals of
          the exact likelihood, ``sum_g (x_i - xbar_g)(dN_ig - pi_ig)`` with ``pi_ig``
          the conditional probability that row ``i`` is among the ``d_g`` events of
          its tied group. ``beta_exact`` solves ``sum_i U_i = 0`` for *these* ``U_i``,
          so ``V U_i`` is the row's (or, summed, the cluster's) contribution to the
          estimator -- the quantity a sandwich needs -- and they sum to zero at the
          estimate, as Efron's residuals do after Efron ties and Breslow's after
          Breslow ties. Breslow's residuals belong to another estimating equation,
          whose root moves away from ``beta_exact`` as ties grow.

        Without tied events the two are identical. In simulated logit worlds with
        about 30 tied events a year they agree when effects are moderate, but with a
        strong one (coefficient 1.5) R's overstates its standard error by about 60 %
        (95 % intervals cover 99 % of the time) while the exact likelihood's is
        calibrated (a slow test in ``tests/test_cox.py``). ``score_residuals="breslow"``
        reproduces R.
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        score_residuals = check_option(score_residuals, SCORE_RESIDUALS,
                                       name="score_residuals")
        if score_residuals == "breslow" and self.ties == "efron":
            raise SpecificationError(
                "score_residuals='breslow' reproduces R's robust variance after "
                "ties='exact' (R puts Breslow's residuals in the sandwich there); this "
                "model has ties='efron', whose robust variance uses Efron's residuals in "
                "R and in diffusion. Drop score_residuals, or fit ties='exact' or "
                "ties='breslow'."
            )
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = cluster_column(rs, cov_type, cluster)
        s = self.sample(extra_columns=[cluster_col] if cluster_col else [])
        k = len(s.names)
        step_tol = float(np.sqrt(control.gtol))
        if self.ties == "exact":
            # start Newton at the Efron estimate (cheap, and close to the exact one), so
            # that the costly exact recursion runs for two or three iterations only
            efron = engine.with_ties(s.data, "efron")
            pre = engine.newton(lambda b: engine.derivatives(efron, b), k,
                                max_iter=control.max_iter, tol=control.tol,
                                step_tol=step_tol, value=lambda b: engine.loglik(efron, b))
            start = pre.params if pre.converged and np.all(np.isfinite(pre.params)) else None

            def deriv(b):
                return cox_exact.exact_derivatives(s.data, b, s.tied)

            def value(b):
                return cox_exact.exact_loglik(s.data, b, s.tied)

            fit = engine.newton(deriv, k, max_iter=control.max_iter, tol=control.tol,
                                step_tol=step_tol, value=value, start=start)
            loglik_null = cox_exact.exact_loglik(s.data, np.zeros(k), s.tied)
        else:
            last: dict = {}  # the last evaluation, reused for the residuals and baseline

            def deriv(b):
                last["ev"] = engine.evaluate(s.data, b)
                return engine.derivatives(s.data, b, last["ev"])

            def value(b):
                return engine.loglik(s.data, b)

            fit = engine.newton(deriv, k, max_iter=control.max_iter, tol=control.tol,
                                step_tol=step_tol, value=value, initial=s.initial)
            loglik_null = fit.loglik_null
        check_divergence(fit, s.sd, s.names, control)
        V = inverse(fit.info, s.names)
        ev = None
        if self.ties != "exact":
            ev = last.get("ev")
            if ev is None or not np.array_equal(ev.beta, fit.params):
                ev = engine.evaluate(s.data, fit.params)
        resid = None
        if cov_type != "classic":
            if self.ties == "exact" and score_residuals == "likelihood":
                resid = cox_exact.exact_score_residuals(s.data, fit.params, s.tied)
            elif self.ties == "exact":
                # R's convention: Breslow's residuals at the exact estimate
                resid = engine.score_residuals(engine.with_ties(s.data, "breslow"),
                                               fit.params)
            else:
                resid = engine.score_residuals(s.data, fit.params, ev)
        clusters = s.design.frame[cluster_col].to_numpy() if cluster_col else None
        cov, n_clusters = score_covariance(V, resid, cov_type=cov_type, clusters=clusters,
                                           small_sample=small_sample)
        frame = s.design.frame
        n_events = int(s.design.y.sum())
        return HazardResults(
            model=f"Cox ({self.ties} ties)",
            terms=s.names,
            _params=fit.params,
            _cov=cov,
            loglik=fit.loglik,
            n_obs=len(s.design.y),
            n_events=n_events,
            n_units=int(frame[rs.unit].nunique()),
            cov_type=cov_type,
            cluster=cluster_col,
            n_clusters=n_clusters,
            information="observed",
            small_sample=small_sample,
            time_term=self._describe_baseline(s),
            dependent=rs.event,
            formula=self.spec.text,
            notes=s.design.notes,
            converged=fit.converged,
            n_iter=fit.n_iter,
            estimation_rows=s.design.rows,
            n_bic=n_events,
            extra={
                "ties": self.ties,
                "score_residuals": score_residuals,
                "clock": self.clock,
                "strata": self.strata,
                "n_strata": max(len(s.stratum_labels), 1),
                "loglik_null": loglik_null,
                "proportional_hazards": True,
                "baseline": _baseline_table(self, s, fit.params, ev),
                # what a refit on other rows needs (diffusion.compare)
                "model": self,
                "fit_options": {"cov_type": cov_type, "cluster": cluster,
                                "small_sample": small_sample,
                                "score_residuals": score_residuals, "control": control},
            },
        )

    def _describe_baseline(self, s: CoxSample) -> str:
        text = f"{self.clock} clock"
        if self.strata:
            text += f", {len(s.stratum_labels)} strata ({self.strata})"
        return text

    # -------------------------------------------------------- after the fit
    def check_result(self, result: HazardResults) -> None:
        """Refuse a result that this model did not produce."""
        ok = (isinstance(result, HazardResults) and result.model == f"Cox ({self.ties} ties)"
              and result.formula == self.spec.text and result.extra.get("clock") == self.clock
              and result.extra.get("strata") == self.strata)
        if not ok:
            what = result.model if isinstance(result, HazardResults) else type(result).__name__
            raise SpecificationError(
                f"this result ({what}) was not produced by {self!r}; pass the result of "
                f"this model's fit()."
            )

    def _result_sample(self, result: HazardResults) -> CoxSample:
        self.check_result(result)
        s = self.sample(extra_columns=[result.cluster] if result.cluster else [])
        if not np.array_equal(s.design.rows, result.estimation_rows):
            raise SpecificationError(
                "the risk set no longer matches the estimation rows of this result; refit.")
        return s

    def baseline_hazard(self, result: HazardResults) -> pd.DataFrame:
        """Baseline hazard, cumulative hazard and survival at ``x = 0`` (R ``basehaz(fit, centered = FALSE)``).

        One row per event time (per stratum): ``time`` on the model's clock,
        ``n_risk``, ``n_events``, ``hazard`` (the increment), ``cumulative_hazard``
        and ``survival = exp(-cumulative_hazard)``. Efron fits use Efron's increments
        ``sum_l 1 / (S0 - (l/d) D0)``, Breslow and exact fits ``d / S0`` (R
        ``survfit.coxph`` defaults).
        """
        self.check_result(result)
        return cumulate(result.extra["baseline"], self.strata)

    def predict(
        self,
        result: HazardResults,
        profiles: pd.DataFrame,
        *,
        since: float | None = None,
    ) -> pd.DataFrame:
        """Predicted hazard, survival and adoption probability by year for covariate profiles.

        Parameters
        ----------
        result : HazardResults
            This model's fit.
        profiles : DataFrame
            One row per profile with the covariate columns (and the strata column
            for a stratified model); its index labels the profiles.
        since : number, optional
            First period at risk: hazards accumulate over ``time >= since`` (a unit
            entering in 1960 under the calendar clock). Default: the first event time.

        Returns
        -------
        DataFrame
            Long format with ``profile``, ``time`` (every period from ``since`` to the
            last event time of the profile's stratum), ``hazard`` (probability of an
            event in the period given none before, ``1 - exp(-dH)``),
            ``cumulative_hazard``, ``survival`` and ``adoption = 1 - survival``
            (probability of having adopted by the end of ``time``); equal to R
            ``survfit(fit, newdata = profiles)`` at the event times.
        """
        self.check_result(result)
        return predict_profiles(self, result, profiles, since=since)

    def test_proportional_hazards(self, result: HazardResults, *, transform: str = "km"):
        """Scaled Schoenfeld residuals and the score test of R's ``cox.zph``.

        Parameters
        ----------
        result : HazardResults
            This model's fit.
        transform : {"km", "rank", "identity", "log"}, default "km"
            Function ``g`` of time in the time-varying coefficient
            ``beta_j + gamma_j g(t)``; ``"km"`` is ``1 - KM(t-)`` of the pooled
            (left-truncated) Kaplan-Meier estimate, as R.

        Returns
        -------
        ProportionalHazardsTest
            ``table`` (chi-square, df, p per term and ``GLOBAL``) and ``residuals``
            (scaled Schoenfeld residuals, one row per event).
        """
        return proportional_hazards_test(self, result, self._result_sample(result),
                                         transform=transform)


def _baseline_table(model: CoxHazard, s: CoxSample, beta: np.ndarray,
                    ev: engine.Evaluation | None) -> pd.DataFrame:
    data = s.data
    if model.ties == "exact":
        inc = cox_exact.exact_baseline_increments(data, beta)
    else:
        inc = engine.baseline_increments(data, beta, ev)
    n_risk = engine.risk_sums(data, np.ones(len(s.X)))
    out = {}
    if model.strata:
        out[model.strata] = [s.stratum_labels[c] for c in data.group_stratum]
    out.update({"time": data.group_time, "n_risk": n_risk.astype(np.int64),
                "n_events": data.group_deaths, "hazard": inc})
    return pd.DataFrame(out)

