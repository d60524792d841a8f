"""Discrete-time hazard models with a unit random intercept (shared frailty).

Some countries adopt early whatever their covariates; ignoring that heterogeneity makes
the estimated baseline hazard fall with time and shrinks the covariate effects
(Vaupel, Manton & Stallard 1979). :class:`FrailtyHazard` adds a normal random intercept
per unit to the discrete-time model::

    h_it = F(x_it' beta + b_i),    b_i ~ N(0, sigma^2)

and maximises the marginal likelihood, integrating ``b_i`` out by adaptive
Gauss-Hermite quadrature (``n_quad`` points; 1 = the Laplace approximation).

Conventions (R vs Stata vs Python)
----------------------------------
* Equal to R ``lme4::glmer(event ~ x + (1 | unit), family = binomial(link),
  nAGQ = n_quad)``: the same quadrature (rule centred at the conditional mode, scaled by
  lme4's curvature from the *expected* information weights), the same log-likelihood
  (``logLik``: minus half lme4's deviance, no extra constant for 0/1 responses), and
  ``frailty_sd`` is lme4's ``theta``. ``n_params`` counts ``sigma`` (lme4's ``df``), so
  AIC and BIC equal lme4's.
* Standard errors are model based: the inverse of the observed information of the
  approximated log-likelihood in ``(beta, sigma)`` (a central difference of its analytic
  gradient, accurate to ~1e-10 relative), of which ``std_errors`` is the ``beta`` block
  -- the quantity lme4's ``vcov`` estimates by default for ``nAGQ > 0``
  (``use.hessian=TRUE``). They equal the inverse of a Richardson-extrapolated Hessian
  (R ``numDeriv``) of lme4's deviance function at its maximum to 1e-9 for AGQ (3e-7 for
  cloglog, where lme4's PIRLS leaves ~1e-9 in the deviance); for the Laplace
  approximation lme4's deviance is exact only to ~1e-6 (absolute, its PIRLS tolerance),
  and ours match the Hessian of the exact Laplace approximation instead. What lme4's
  ``vcov`` prints can differ more: it inverts a plain finite difference (step 1e-4) of
  the deviance at the point where glmer's derivative-free optimiser stopped, typically
  within 2e-5 of ours but, for the Laplace approximation, sometimes far off (lme4 then
  warns and may fall back to the RX-based covariance, which treats the SD as known).
* The default ``n_quad=7`` is the number of points of Stata's ``melogit`` and
  ``mecloglog``; lme4's default is the Laplace approximation, ``nAGQ = 1``. Stata's
  default rule adapts to the posterior mean and variance of each unit's intercept
  (``intmethod(mvaghermite)``), lme4's and this one to its mode and curvature, so the
  programs agree only as the number of points grows (with 7 points the log-likelihood
  differs from the 15-point value by ~2e-3 in the reference data).
* A random intercept conditions on the unit: ``exp(coef)`` of a cloglog model is a
  hazard ratio for units with the same frailty, typically further from 1 than the
  population-averaged ratio of the model without it (for population-averaged effects on
  the adoption probability see :mod:`diffusion.effects`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_positive_int, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import ConvergenceError, EstimationError, SpecificationError
from diffusion.models.control import FitControl
from diffusion.models.design import (
    Spec,
    build_design,
    check_generated,
    columns_spec,
    formula_spec,
)
from diffusion.models.discrete_time._frailty import (
    FrailtyControl,
    RandomInterceptProblem,
    fit_random_intercept,
)
from diffusion.models.discrete_time._glm import fit_binary_glm
from diffusion.models.links import Link, get_link
from diffusion.models.time_terms import TimeSpec, TimeTerm, resolve_time
from diffusion.results.frailty import FrailtyResults

__all__ = ["FrailtyHazard", "FrailtyControl"]

MAX_QUAD = 100
#: below this the random-intercept SD is reported as 0 (a boundary, "singular" fit)
_BOUNDARY = 1e-5


@dataclass(frozen=True, eq=False)
class FrailtyHazard:
    """Discrete-time hazard model with a normal random intercept per unit.

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
        Numeric columns of the risk set (use :meth:`from_formula` for transformations,
        interactions and categorical terms).
    link : {"logit", "probit", "cloglog"}
    time : None, str or time term, optional
        As :class:`~diffusion.DiscreteTimeHazard`.
    intercept : bool, default True
    group : str, optional
        Column whose values share a random intercept; default: the unit.

    Notes
    -----
    The marginal log-likelihood of unit ``i``, with ``u = b_i / sigma``::

        l_i = log  integral  prod_t f(y_it | x_it' beta + sigma u) phi(u) du

    is approximated by the ``q``-point adaptive rule
    ``log s_i + log sum_k W_k exp(g_i(u^_i + s_i z_k) + z_k^2 / 2)`` with
    ``g_i(u) = sum_t log f(y_it | x_it' beta + sigma u) - u^2 / 2``, ``u^_i`` its mode,
    ``s_i = (1 + sigma^2 sum_t w_it)^(-1/2)`` (``w`` the expected weights at the mode)
    and ``(z_k, W_k)`` the Gauss-Hermite rule for the N(0, 1) density.

    Identification: with one event per unit (the usual non-repeatable adoption) the
    frailty is identified only through the shape of the hazard over time and the
    estimate is often at the boundary ``sigma = 0``; repeated events
    (``RiskSet(..., repeated=True)``) identify it directly.

    Examples
    --------
    >>> from diffusion import FrailtyHazard
    >>> model = FrailtyHazard.from_formula("event ~ x1 + x2", rs, link="logit")  # doctest: +SKIP
    >>> res = model.fit(n_quad=7)  # doctest: +SKIP
    >>> res.frailty_sd  # doctest: +SKIP
    """

    risk_set: RiskSet
    spec: Spec
    link: Link
    time: TimeTerm | None
    group: str

    def __init__(
        self,
        risk_set: RiskSet,
        *,
        covariates: Sequence[str] = (),
        link: str,
        time: TimeSpec = None,
        intercept: bool = True,
        group: str | None = None,
    ) -> None:
        self._set(risk_set, link, time, group)
        object.__setattr__(self, "spec", columns_spec(covariates, risk_set, intercept))

    @classmethod
    def from_formula(
        cls, formula: str, risk_set: RiskSet, *, link: str, time: TimeSpec = None,
        group: str | None = None,
    ) -> FrailtyHazard:
        """Specify the fixed part with a formulaic formula (``"event ~ x1 + x2"``).

        The random intercept is not written in the formula (no lme4 ``(1 | unit)``
        syntax): it is given by ``group`` (default: the unit).
        """
        self = cls.__new__(cls)
        self._set(risk_set, link, time, group)
        object.__setattr__(self, "spec", formula_spec(formula, risk_set))
        return self

    def _set(self, risk_set: RiskSet, link: str, time: TimeSpec, group: str | None) -> None:
        if not isinstance(risk_set, RiskSet):
            raise SpecificationError(
                f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}; build "
                f"one with RiskSet.from_events or RiskSet.from_panel."
            )
        group = risk_set.unit if group is None else group
        if not isinstance(group, str) or group not in risk_set._frame.columns:
            raise SpecificationError(
                f"group column {show(group)} is absent from the risk set; available: "
                f"{preview(list(risk_set._frame.columns), 15)}."
            )
        object.__setattr__(self, "risk_set", risk_set)
        object.__setattr__(self, "link", get_link(link))
        object.__setattr__(self, "time", resolve_time(time))
        object.__setattr__(self, "group", group)

    def __repr__(self) -> str:
        time = self.time.describe() if self.time else "none"
        return (f"FrailtyHazard({show(self.spec.text)}, link={show(self.link.name)}, "
                f"time={time}, group={show(self.group)})")

    # ----------------------------------------------------------------- fit
    def fit(self, *, n_quad: int = 7, control: FrailtyControl | None = None) -> FrailtyResults:
        """Maximise the marginal likelihood; return a new, frozen :class:`FrailtyResults`.

        Parameters
        ----------
        n_quad : int, default 7
            Adaptive Gauss-Hermite points per unit (lme4 ``nAGQ``); 1 is the Laplace
            approximation.
        control : FrailtyControl, optional
            Iteration settings.

        Returns
        -------
        FrailtyResults
            Fixed effects in the usual vocabulary (``cov_type="classic"``: model-based
            SEs), plus ``frailty_sd``, ``frailty_sd_se`` and ``full_cov``.

        Raises
        ------
        EstimationError
            No events; collinear terms; the model without frailty diverges
            (separation: use :class:`~diffusion.FirthHazard` or recode); non-convergence.
        """
        n_quad = check_positive_int(n_quad, name="n_quad")
        if n_quad > MAX_QUAD:
            raise SpecificationError(f"n_quad must be at most {MAX_QUAD}, got {n_quad}.")
        control = control or FrailtyControl()
        if not isinstance(control, FrailtyControl):
            raise SpecificationError(
                f"control must be a FrailtyControl, got {type(control).__name__}.")
        rs = self.risk_set
        design = build_design(rs, self.spec, self.time, extra_columns=[self.group])
        check_generated(design.names, (f"sd({self.group})",), where="FrailtyHazard")
        codes, uniques = pd.factorize(design.frame[self.group], sort=True)
        n_groups = len(uniques)
        if n_groups < 2:
            raise EstimationError(
                f"a random intercept needs at least 2 groups in {show(self.group)}; found "
                f"{n_groups}.")
        start = fit_binary_glm(design.y, design.X, self.link, FitControl())
        if not (start.converged and np.all(np.isfinite(start.params))):
            raise EstimationError(
                f"the {self.link.name} model without the frailty does not converge (separation "
                f"or sparse cells), so the random-intercept model has no finite maximum. Fit "
                f"DiscreteTimeHazard to see which terms are involved; FirthHazard handles "
                f"separation.")
        problem = RandomInterceptProblem(design.y, design.X, codes, n_groups, self.link,
                                         n_quad, control)
        fit = fit_random_intercept(problem, start.params, 1.0)
        if not fit.converged:
            raise ConvergenceError(
                f"the random-intercept {self.link.name} model did not converge in "
                f"{control.max_iter} Newton iterations. Rescale covariates (e.g. centre "
                f"calendar-time terms) or raise FrailtyControl(max_iter=...)."
            )
        k = design.X.shape[1]
        notes = list(design.notes)
        H = fit.hessian
        sigma = fit.sigma
        if sigma < _BOUNDARY:
            # the likelihood is even in sigma, so the cross derivatives vanish at 0 and
            # the fixed effects' covariance is the inverse of their own block
            sigma = 0.0
            cov = np.linalg.inv(-H[:k, :k])
            full = np.full((k + 1, k + 1), np.nan)
            full[:k, :k] = cov
            sd_se = np.nan
            notes.append(Note(
                "frailty_boundary", n_groups,
                f"the random-intercept SD is estimated at the boundary 0 (a singular fit, "
                f"lme4's isSingular): no unobserved heterogeneity between the {n_groups} "
                f"groups is detected, and the fixed effects equal the model without frailty."))
        else:
            try:
                full = np.linalg.inv(-H)
            except np.linalg.LinAlgError as exc:  # pragma: no cover - guarded by rank checks
                raise EstimationError("the information matrix is singular at the estimate.") from exc
            full = (full + full.T) / 2
            if np.any(np.diag(full) <= 0):
                raise EstimationError(
                    "the information matrix at the estimate is not positive definite; the "
                    "maximum is not well defined (check the time terms and the covariates).")
            cov = full[:k, :k]
            sd_se = float(np.sqrt(full[k, k]))
        return FrailtyResults(
            model=f"discrete-time {self.link.name}, random intercept",
            terms=design.names,
            _params=fit.params,
            _cov=cov,
            loglik=fit.loglik,
            n_obs=len(design.y),
            n_events=int(design.y.sum()),
            n_units=int(design.frame[rs.unit].nunique()),
            cov_type="classic",
            information="observed",
            small_sample="none",
            time_term=self.time.describe() if self.time else None,
            dependent=rs.event,
            formula=self.spec.text,
            notes=tuple(notes),
            converged=fit.converged,
            n_iter=fit.n_iter,
            estimation_rows=design.rows,
            extra={"link": self.link.name, "n_time_terms": design.n_time_terms,
                   "estimator": "frailty",
                   # what effects and refits need (diffusion.effects, diffusion.compare)
                   "model": self,
                   "fit_options": {"n_quad": n_quad, "control": control}},
            frailty_sd=sigma,
            frailty_sd_se=sd_se,
            group=self.group,
            n_groups=n_groups,
            n_quad=n_quad,
            _full_cov=full,
        )
