"""Bias-reduced (Firth) discrete-time hazard models for rare events and separation.

With few adoptions, maximum-likelihood logit/cloglog coefficients are biased away
from zero (King & Zeng 2001), and when a covariate predicts the outcome perfectly
(separation: no country with the trait ever adopts) they are infinite.
:class:`FirthHazard` fits the same specification as
:class:`~diffusion.DiscreteTimeHazard` by solving the mean-bias-reducing adjusted score
equations (Firth 1993; Kosmidis & Firth 2009)::

    U*(beta) = sum_i x_i [ (y_i - mu_i) d1_i / V_i  +  h_i d2_i / (2 d1_i) ] = 0

with ``d1 = dmu/deta``, ``d2 = d2mu/deta2``, ``V = mu (1 - mu)`` and ``h_i`` the hat
values of the weighted fit (``W = d1^2 / V``). The estimates are finite under
separation.

Conventions (R vs Stata vs Python)
----------------------------------
* Equal to R ``glm(..., family = binomial(link), method = brglm2::brglmFit, type =
  "AS_mean")`` (brglm2's default) for the logit, probit and cloglog links. For the
  logit link ``U*`` is the gradient of Firth's penalised log-likelihood
  ``l(beta) + log det(X'WX) / 2`` -- R ``logistf`` and Stata ``firthlogit`` give the
  same estimates (their profile-likelihood intervals differ from these Wald ones). For
  cloglog and probit the adjusted score has no objective function; it is *not* the
  Jeffreys-penalised likelihood (brglm2 ``type = "MPL_Jeffreys"``).
* ``loglik`` (and AIC, BIC) is the *unpenalised* Bernoulli log-likelihood at the
  bias-reduced estimate, as R ``logLik`` of a ``brglmFit``; the logit's penalised
  log-likelihood is in ``extra["penalised_loglik"]``.
* ``cov_type="classic"``: the inverse expected information at the estimate (brglm2's
  ``vcov``/``summary``).
* ``cov_type="cluster"`` (default) and ``"robust"``: the sandwich of the *adjusted*
  scores, the estimating equations that define the estimator::

      c * A^{-1} (sum_g S*_g S*_g') A^{-1},   S*_g = sum_{i in g} x_i u*_i

  with ``A`` the expected information and ``c`` the small-sample factor
  (:mod:`diffusion.inference.covariance`; ``"r"``: ``G/(G-1) (N-1)/(N-K)``). This
  equals R ``sandwich::vcovCL(fit, cluster = ~unit, type = "HC1")`` on a ``brglmFit``
  *when ``estfun`` returns the adjusted scores* (``tests/reference/firth.R``).
  ``vcovCL`` without that method uses sandwich's ``estfun.glm``, the unadjusted ML
  scores, which do not sum to zero at the bias-reduced estimate. The two differ by
  terms of order ``h_i``: by 1.5-6 % of the SE in the rare-event reference cases, and
  by up to 50 % under separation, where the ML score of the separating term is far
  from zero at any finite estimate.
* Under separation the sandwich standard errors of the separating terms are not to be
  trusted: their rows have fitted probabilities near 0 (or 1) and nearly vanishing
  scores, so the "robust" variance collapses (on the bundled lottery data an indicator
  of the five Deep South states, which never adopt, gets a cluster SE of 0.27 against a
  model-based 1.45). The separation note says so; use ``cov_type="classic"`` there.
"""

from __future__ import annotations

import numpy as np

from diffusion._notes import Note
from diffusion.data.checks import check_option, preview
from diffusion.errors import ConvergenceError, SpecificationError
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance
from diffusion.models.control import FitControl
from diffusion.models.design import Design, build_design, cluster_column, separation
from diffusion.models.discrete_time._firth import fit_firth
from diffusion.models.discrete_time.hazard import DiscreteTimeHazard
from diffusion.models.discrete_time.spec import BinaryHazardSpec
from diffusion.results.hazard import HazardResults

__all__ = ["FirthHazard"]


class FirthHazard(BinaryHazardSpec):
    """Bias-reduced (Firth) discrete-time hazard model on a risk set.

    The specification is that of :class:`~diffusion.DiscreteTimeHazard`; only the
    estimator differs (see the module docstring for the estimating equations and how
    they match R ``brglm2``).

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
        Numeric columns of the risk set (use :meth:`from_formula` for transformations,
        interactions and categorical terms).
    link : {"logit", "probit", "cloglog"}
    time : None, str or time term, optional
        As :class:`~diffusion.DiscreteTimeHazard`. ``Dummies`` still refuse years
        without events unless ``empty="drop"``: choose ``Periods``, ``"cubic"`` or
        ``"spline"`` for sparse years.
    intercept : bool, default True

    Examples
    --------
    >>> from diffusion import FirthHazard, RiskSet
    >>> from diffusion.datasets import load_lottery
    >>> rs = RiskSet.from_panel(load_lottery(), unit="state", time="year", event="adopt")
    >>> res = FirthHazard(rs, covariates=["fiscal", "neighbor"], link="logit").fit()
    >>> round(float(res.params["neighbor"]), 3)
    0.815
    """

    @classmethod
    def from_model(cls, model: object) -> FirthHazard:
        """The same specification as a :class:`~diffusion.DiscreteTimeHazard`, fitted by Firth."""
        if not isinstance(model, DiscreteTimeHazard):
            raise SpecificationError(
                f"from_model needs a DiscreteTimeHazard, got {type(model).__name__}."
            )
        self = cls.__new__(cls)
        for name in ("risk_set", "link", "time", "spec"):
            object.__setattr__(self, name, getattr(model, name))
        return self

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        *,
        cov_type: str = "cluster",
        cluster: str | None = None,
        small_sample: str = "r",
        control: FitControl | None = None,
    ) -> HazardResults:
        """Solve the adjusted score equations; return a new, frozen :class:`HazardResults`.

        Parameters
        ----------
        cov_type : {"cluster", "classic", "robust"}, default "cluster"
            ``"classic"``: inverse expected information (brglm2). ``"cluster"`` and
            ``"robust"``: sandwich of the adjusted scores (module docstring).
        cluster : str, optional
            Cluster column for ``cov_type="cluster"``; default: the unit.
        small_sample : {"r", "stata", "none"}, default "r"
            Small-sample factor of robust and cluster covariances.
        control : FitControl, optional
            ``max_iter`` (scoring iterations) and ``gtol`` (largest step, relative to
            ``max(1, |beta|)``) are used.

        Returns
        -------
        HazardResults
            ``model`` is ``"discrete-time <link> (Firth)"``; ``loglik`` is the
            unpenalised log-likelihood. When maximum likelihood would fail (separation)
            a note says so and names the terms involved.

        Raises
        ------
        EstimationError
            No events; collinear terms (named); non-convergence.

        Notes
        -----
        Iteration: ``beta <- beta + (X'WX)^{-1} U*(beta)`` from ``beta = 0`` (brglm2's
        quasi Fisher scoring), the step halved while the adjusted score grows.
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = cluster_column(rs, cov_type, cluster)
        design = build_design(rs, self.spec, self.time,
                              extra_columns=[cluster_col] if cluster_col else [])
        fit = fit_firth(design.y, design.X, self.link, control)
        if not fit.converged:
            raise ConvergenceError(
                f"the bias-reduced {self.link.name} model did not converge in {fit.n_iter} "
                f"scoring iterations. Rescale covariates (e.g. centre calendar-time terms) or "
                f"raise FitControl(max_iter=...)."
            )
        clusters = design.frame[cluster_col].to_numpy() if cluster_col else None
        cov, n_clusters = sandwich_covariance(design.X, fit.score, fit.weight, cov_type=cov_type,
                                              clusters=clusters, small_sample=small_sample)
        eta = design.X @ fit.params
        loglik = float(np.sum(self.link.loglik_terms(design.y, eta)))
        extra = {"estimator": "firth",
                 "fit_options": {"cov_type": cov_type, "cluster": cluster,
                                 "small_sample": small_sample, "control": control}}
        if self.link.name == "logit":
            info = design.X.T @ (design.X * fit.weight[:, None])
            extra["penalised_loglik"] = loglik + 0.5 * float(np.linalg.slogdet(info)[1])
        notes = list(design.notes)
        separation = _separation_note(design)
        if separation is not None:
            notes.append(separation)
        return self._results(
            design, model=f"discrete-time {self.link.name} (Firth)", params=fit.params,
            cov=cov, loglik=loglik, cov_type=cov_type, cluster=cluster_col,
            n_clusters=n_clusters, information="expected", small_sample=small_sample,
            notes=tuple(notes), converged=fit.converged, n_iter=fit.n_iter, extra=extra,
        )


def _separation_note(design: Design) -> Note | None:
    """A note when the maximum-likelihood estimate would not exist (separation).

    :func:`~diffusion.models.design.separation`, the check ``DiscreteTimeHazard``
    uses to refuse separated data.
    """
    found = separation(design)
    if found is None:
        return None
    involved, n_perfect = found
    return Note(
        "separation", n_perfect,
        f"separation: {n_perfect} row(s) are predicted perfectly by a combination of "
        f"{preview(involved, 8)}; maximum-likelihood estimates would be infinite, the "
        f"bias-reduced estimates are finite. Robust and cluster standard errors of these "
        f"terms are unreliable (their scores nearly vanish): compare cov_type='classic'.",
    )
