"""Discrete-time hazard models: binary regression on the unit-periods at risk.

The hazard of row ``(i, t)`` is ``h_it = F(x_it' beta + baseline(t))`` with ``F`` the
inverse logit, probit or complementary log-log link (the cloglog model is the
grouped-time version of the proportional-hazards model: Prentice & Gloeckler 1978;
Allison 1982). The log-likelihood is the Bernoulli likelihood of the event
indicators (Allison 1982; Beck, Katz & Tucker 1998)::

    loglik = sum_it [ y_it log h_it + (1 - y_it) log(1 - h_it) ]

Conventions (R vs Stata vs Python)
----------------------------------
* Estimates are maximum likelihood, as R ``glm(family = binomial(link))`` and
  Stata ``logit``/``probit``/``cloglog``.
* ``information="expected"`` (default): classic SEs and the sandwich bread use the
  expected (Fisher) information, as R ``glm`` and ``sandwich``.
  ``information="observed"``: the negative Hessian, as Stata. Same for logit.
* ``cov_type="cluster"`` (default, clustered by unit) with ``small_sample="r"``
  equals R ``sandwich::vcovCL(fit, cluster = ~unit, type = "HC1")``:
  ``G/(G-1) (N-1)/(N-K)``. Stata's ``vce(cluster unit)`` uses ``G/(G-1)`` only
  (``small_sample="stata"``) with the observed information.
* statsmodels' ``GLM(...).fit(cov_type="cluster")`` uses the observed Hessian and
  differs from R by ~1.5 % for cloglog; it is not used for inference here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from diffusion.data.checks import check_option, preview
from diffusion.errors import ConvergenceError, SeparationError, SpecificationError
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance
from diffusion.models.control import FitControl
from diffusion.models.design import Design, build_design, cluster_column, separation
from diffusion.models.discrete_time._glm import fit_binary_glm
from diffusion.models.discrete_time.absorb import cluster_columns, fit_absorbed
from diffusion.models.discrete_time.spec import BinaryHazardSpec
from diffusion.models.links import Link
from diffusion.results.hazard import HazardResults

__all__ = ["DiscreteTimeHazard", "FitControl"]

INFORMATION = ("expected", "observed")


class DiscreteTimeHazard(BinaryHazardSpec):
    """Discrete-time hazard model (logit, probit or cloglog) on a risk set.

    ``from_formula(..., absorb=["policy", "year"])`` absorbs fixed effects (see
    :mod:`diffusion.models.discrete_time.absorb`); ``fit(cluster=["unit", "policy"])`` clusters two ways.

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
        Numeric columns of the risk set (use :meth:`from_formula` for
        transformations, interactions and categorical terms).
    link : {"logit", "probit", "cloglog"}
    time : None, str or time term, optional
        ``None``, ``"dummies"`` (one per year), ``"cubic"`` (duration, Carter &
        Signorino), ``"spline"`` (natural spline of duration, Beck, Katz & Tucker),
        or a term from :mod:`diffusion.time_terms` such as ``Periods([1930])``,
        ``Cubic(scale="calendar")`` or ``Dummies(scale="duration")``.
    intercept : bool, default True

    Examples
    --------
    >>> from diffusion import DiscreteTimeHazard
    >>> model = DiscreteTimeHazard.from_formula(
    ...     "event ~ regional + world", rs, link="cloglog", time="cubic")  # doctest: +SKIP
    >>> res = model.fit()  # clustered by unit  # doctest: +SKIP
    >>> print(res.summary())  # doctest: +SKIP
    """

    _absorbs = True  # from_formula(..., absorb=...) is supported

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        *,
        cov_type: str = "cluster",
        cluster: str | None = None,
        information: str = "expected",
        small_sample: str = "r",
        control: FitControl | None = None,
    ) -> HazardResults:
        """Fit by maximum likelihood and return a new, frozen :class:`HazardResults`.

        Parameters
        ----------
        cov_type : {"cluster", "classic", "robust"}, default "cluster"
            Covariance estimator (see :mod:`diffusion.inference.covariance`).
        cluster : str, optional
            Cluster column for ``cov_type="cluster"``; default: the unit.
        information : {"expected", "observed"}, default "expected"
            Information matrix for classic SEs and the sandwich bread: expected
            (R ``glm``/``sandwich``) or observed (Stata).
        small_sample : {"r", "stata", "none"}, default "r"
            Small-sample factor of robust and cluster covariances.
        control : FitControl, optional
            Iteration settings.

        Raises
        ------
        EstimationError
            No events; collinear terms (named); separation (covariates named);
            non-convergence.
        """
        if self.absorb or isinstance(cluster, (list, tuple)):
            # absorbed effects or multi-way clustering: diffusion.models.discrete_time.absorb
            if self.absorb:
                return fit_absorbed(self, cov_type=cov_type, cluster=cluster,
                                    information=information, small_sample=small_sample,
                                    control=control)
            return self._fit_multiway(cov_type=cov_type, cluster=cluster,
                                      information=information, small_sample=small_sample,
                                      control=control)
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        information = check_option(information, INFORMATION, name="information")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = cluster_column(rs, cov_type, cluster)
        design = build_design(rs, self.spec, self.time,
                              extra_columns=[cluster_col] if cluster_col else [])
        fit = fit_binary_glm(design.y, design.X, self.link, control)
        eta = fit.eta if fit.eta is not None else design.X @ fit.params
        _check_separation(design, fit.params, eta, self.link, fit.converged)
        if not fit.converged:
            raise ConvergenceError(
                f"the {self.link.name} model did not converge in {control.max_iter} IRLS "
                f"iterations and {control.max_newton} Newton steps. Rescale covariates or "
                f"raise FitControl(max_iter=...)."
            )
        # the engine's score factors and expected weights at the estimate (the same
        # formulas as Link.score_and_weight, evaluated once)
        score = fit.score
        weight = (fit.weight if information == "expected"
                  else self.link.observed_weight(design.y, eta))
        clusters = design.frame[cluster_col].to_numpy() if cluster_col else None
        cov, n_clusters = sandwich_covariance(design.X, score, weight, cov_type=cov_type,
                                              clusters=clusters, small_sample=small_sample)
        loglik = float(fit.loglik)
        return self._results(
            design, model=f"discrete-time {self.link.name}", params=fit.params, cov=cov,
            loglik=loglik, cov_type=cov_type, cluster=cluster_col, n_clusters=n_clusters,
            information=information, small_sample=small_sample, notes=design.notes,
            converged=fit.converged, n_iter=fit.n_iter,
            extra={"fit_options": {"cov_type": cov_type, "cluster": cluster,
                                   "information": information, "small_sample": small_sample,
                                   "control": control}},
        )

    def _fit_multiway(self, *, cov_type: str, cluster: Any, information: str,
                      small_sample: str, control: FitControl | None) -> HazardResults:
        """``cluster=[a, b]`` without absorbed effects: fit once, multi-way covariance."""
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        cols = cluster_columns(self.risk_set, cov_type, cluster)
        first = self.fit(cov_type=cov_type, cluster=cols[0], information=information,
                         small_sample=small_sample, control=control)
        if len(cols) == 1:
            return first
        design = build_design(self.risk_set, self.spec, self.time, extra_columns=cols)
        if len(design.y) != first.n_obs:
            raise SpecificationError(
                f"the cluster columns {preview(cols)} have missing values; drop those rows "
                f"before clustering on them.")
        eta = design.X @ first._params
        score, expected_w = self.link.score_and_weight(design.y, eta)
        weight = (expected_w if information == "expected"
                  else self.link.observed_weight(design.y, eta))
        cov, g = sandwich_covariance(design.X, score, weight, cov_type="cluster",
                                     clusters=[design.frame[c].to_numpy() for c in cols],
                                     small_sample=small_sample)
        return replace(first, _cov=cov, cluster=" + ".join(cols), n_clusters=g,
                       extra={**first.extra, "clusters": tuple(cols), "fit_options": {
                           **first.extra["fit_options"], "cluster": cluster}})


def _check_separation(design: Design, beta: np.ndarray, eta: np.ndarray, link: Link,
                      converged: bool) -> None:
    """Detect (quasi-)complete separation and name the covariates involved.

    Cheap screen first (fitted probabilities within 1e-8 of 0 or 1, or no
    convergence); then the linear program of :func:`~diffusion.models.design.separation`.
    """
    mu = link.mean(eta)
    if converged and np.all((mu > 1e-8) & (mu < 1 - 1e-8)):
        return
    found = separation(design)
    if found is None:
        return
    involved, n_perfect = found
    raise SeparationError(
        f"separation: {n_perfect} row(s) are predicted perfectly by a combination of "
        f"{preview(involved, 8)}, so the maximum-likelihood estimates are infinite. Remove "
        f"or recode these terms, merge sparse categories or time periods, or use a "
        f"penalised (Firth) model."
    )
