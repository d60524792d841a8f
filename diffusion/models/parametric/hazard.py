"""Parametric proportional-hazards models: piecewise exponential and Weibull.

Both take the same risk set as :class:`~diffusion.CoxHazard` (row ``(i, t)`` is the
interval ``(t - 1, t]`` on the calendar clock, ``(d - 1, d]`` on the duration clock)
and return the same frozen :class:`~diffusion.HazardResults`; ``exp(coef)`` of the
covariates are hazard ratios (:meth:`HazardResults.hazard_ratios`).

:class:`PiecewiseExponentialHazard`
    A hazard constant within periods (``breaks`` on either clock), fitted as a
    Poisson regression of the event indicators with offset ``log(exposure)`` (Holford
    1980; Laird & Olivier 1981) -- equal to R ``glm(event ~ x + period +
    offset(log(exposure)), family = poisson)``. ``varying=`` gives a covariate one
    effect per period (``x:period[...]``), the period-specific effects of Jang
    (2000). Unlike the Cox model on the calendar clock, period-level covariates
    (world share) are identified here, against a baseline that is constant within
    periods.

:class:`WeibullHazard`
    ``h(s | x) = p s^(p-1) exp(x' beta)``. On the calendar clock ``s`` counts years
    since ``origin`` (default: the year before the window opens), so states that
    enter later are left truncated at their entry; on the duration clock ``s`` is
    the time since entry. R's ``survreg`` cannot fit left-truncated data; where R
    can fit the same model (no late entry, covariates constant within units) the
    estimates equal ``survreg(dist = "weibull")`` after its accelerated-failure-time
    parameters are converted: ``beta = -gamma / scale``, ``log p = -log(scale)``.

Conventions
-----------
* Piecewise exponential: covariances as the discrete-time model (R ``glm`` +
  ``sandwich``: ``vcovCL(type = "HC1")`` by default, clustered by unit).
* Weibull: classic = inverse observed information (R ``survreg``); robust and
  cluster sandwiches apply no small-sample factor by default (R ``survreg`` with
  ``cluster()``), ``small_sample="stata"`` applies ``G/(G-1)`` (Stata ``streg``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import ConvergenceError, SeparationError, SpecificationError
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance
from diffusion.inference.score_covariance import score_covariance
from diffusion.models.control import FitControl
from diffusion.models.cox.checks import check_risk_set
from diffusion.models.cox.sample import CLOCKS, Clock
from diffusion.models.design import (
    Design,
    Spec,
    build_design,
    check_collinearity,
    check_generated,
    columns_spec,
    formula_spec,
)
from diffusion.models.parametric._engine import fit_poisson, fit_weibull
from diffusion.models.time_terms import Periods
from diffusion.results.hazard import HazardResults

__all__ = ["PiecewiseExponentialHazard", "WeibullHazard"]

_DIVERGED = 20.0


def _cluster_column(rs: RiskSet, cov_type: str, cluster: str | None) -> str | None:
    if cluster is not None and not isinstance(cluster, str):
        raise SpecificationError(f"cluster must be a column name or None, got {show(cluster)}.")
    if cluster is not None and cov_type != "cluster":
        raise SpecificationError(
            f"cluster= is only used with cov_type='cluster', not {show(cov_type)}.")
    col = (cluster or rs.unit) if cov_type == "cluster" else None
    if col is not None and col not in rs._frame.columns:
        raise SpecificationError(
            f"cluster column {show(col)} is absent from the risk set; available: "
            f"{preview(list(rs._frame.columns), 15)}."
        )
    return col


def _check_fit(params: np.ndarray, X: np.ndarray, names: Sequence[str], converged: bool,
               control: FitControl, what: str, y: np.ndarray, mu: np.ndarray) -> None:
    sd = X.std(axis=0)
    sd[sd == 0] = 1.0  # the intercept
    big = np.abs(params[:X.shape[1]]) * sd > _DIVERGED
    big &= np.array([n != "Intercept" for n in names[:X.shape[1]]])
    if big.any():
        raise SeparationError(
            f"the coefficient(s) of {preview([names[j] for j in np.flatnonzero(big)])} "
            f"diverge: they predict the absence (or presence) of events perfectly. Remove or "
            f"recode them, or merge categories."
        )
    # a rare indicator can diverge while |beta| * sd stays small: screen the fitted
    # expected counts, and confirm with the linear program of _rate_separation
    with np.errstate(invalid="ignore"):
        suspicious = not converged or bool(np.any(~(mu > 1e-8)))
    found = _rate_separation(X, y) if suspicious else None
    if found is not None:
        involved, n_rows = found
        raise SeparationError(
            f"separation: the hazard of {n_rows} row(s) without an event is driven to zero "
            f"by a combination of {preview([names[j] for j in involved], 8)}, so the "
            f"maximum-likelihood estimates are infinite. Remove or recode these terms, or "
            f"merge categories or periods."
        )
    if not converged:
        raise ConvergenceError(
            f"the {what} model did not converge in {control.max_iter} Newton iterations. "
            f"Rescale covariates or raise FitControl(max_iter=...).")


def _rate_separation(X: np.ndarray, y: np.ndarray) -> tuple[list[int], int] | None:
    """Columns and rows of a direction along which the likelihood rises for ever.

    For the Poisson and Weibull proportional-hazards likelihoods of 0/1 events, each
    row contributes ``y * eta - mu(eta)`` (``mu`` increasing in ``eta``): event rows
    have a finite best ``eta``, rows without events want ``eta -> -inf``. The
    maximum is not attained iff some ``d`` has ``x_i' d = 0`` on every event row and
    ``x_i' d <= 0`` on every other row, ``< 0`` on some (columns scaled to
    ``max |x| = 1``, ``-1 <= d <= 1``): the analogue for rates of Konis's (2007)
    linear program for binary responses.
    """
    from scipy import optimize

    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    Z = X / scale
    event = y > 0
    N, E = Z[~event], Z[event]
    if not len(N):
        return None
    res = optimize.linprog(N.sum(axis=0), A_ub=N, b_ub=np.zeros(len(N)),
                           A_eq=E if len(E) else None, b_eq=np.zeros(len(E)) if len(E) else None,
                           bounds=[(-1, 1)] * Z.shape[1], method="highs")
    if res.status != 0 or -res.fun <= 1e-6:
        return None
    d = res.x
    return list(np.flatnonzero(np.abs(d) > 1e-6)), int(np.sum(N @ d < -1e-9))


def _clock(rs: RiskSet, design: Design, clock: str) -> np.ndarray:
    t = design.frame[rs.time].to_numpy(dtype=np.float64)
    if clock == "calendar":
        return t
    return t - rs.entry_times().to_numpy(dtype=np.float64)[design.rows] + 1


# ------------------------------------------------------------ piecewise exponential
@dataclass(frozen=True, eq=False)
class PiecewiseExponentialHazard:
    """Piecewise-constant exponential hazard model (Poisson likelihood with exposure offset).

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
        Numeric columns (use :meth:`from_formula` for transformations and factors).
    breaks : sequence of int, default ()
        Period breaks on the clock: ``[1930, 1970]`` gives periods ``[min, 1929]``,
        ``[1930, 1969]``, ``[1970, max]`` (as :class:`diffusion.time_terms.Periods`).
        Empty: one period (the exponential model).
    clock : {"calendar", "duration"}, default "calendar"
    varying : sequence of str, default ()
        Covariates whose effect differs by period: each is replaced by one column per
        period, ``x:period[a-b]`` (Jang 2000). Needs ``breaks``.
    exposure : str, optional
        Column with the time at risk of each row (e.g. 0.5 for a state that became
        independent in mid-year); default 1 (a whole period).

    Notes
    -----
    ``log E[y_i] = log e_i + alpha_period(i) + x_i' beta``; ``alpha`` is the
    ``Intercept`` (log rate of the first period) plus ``period[...]`` contrasts.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=80).risk_set()
    >>> m = d.PiecewiseExponentialHazard.from_formula(
    ...     "event ~ x1 + x2 + world", rs, breaks=[1930, 1970])
    >>> list(m.fit().params.index)
    ['Intercept', 'x1', 'x2', 'world', 'period[1930-1969]', 'period[1970-2019]']
    """

    risk_set: RiskSet
    spec: Spec
    breaks: tuple[int, ...]
    clock: str
    varying: tuple[str, ...]
    exposure: str | None

    def __init__(self, risk_set: RiskSet, *, covariates: Sequence[str] = (),
                 breaks: Sequence[int] = (), clock: Clock = "calendar",
                 varying: Sequence[str] = (), exposure: str | None = None) -> None:
        check_risk_set(risk_set)
        self._set(risk_set, columns_spec(covariates, risk_set, True), breaks, clock, varying,
                  exposure)

    @classmethod
    def from_formula(cls, formula: str, risk_set: RiskSet, *, breaks: Sequence[int] = (),
                     clock: Clock = "calendar", varying: Sequence[str] = (),
                     exposure: str | None = None) -> PiecewiseExponentialHazard:
        """Specify the covariates with a formulaic formula (``"event ~ x1 + C(region)"``)."""
        check_risk_set(risk_set)
        self = cls.__new__(cls)
        self._set(risk_set, formula_spec(formula, risk_set), breaks, clock, varying, exposure)
        return self

    def _set(self, rs, spec, breaks, clock, varying, exposure) -> None:
        clock = check_option(clock, CLOCKS, name="clock")
        if isinstance(breaks, (str, bytes)) or not isinstance(breaks, Iterable):
            raise SpecificationError(
                f"breaks must be a list of whole periods, e.g. breaks=[1930], got {show(breaks)}.")
        breaks = tuple(breaks)
        if breaks:
            Periods(breaks, clock)  # validates the breaks
        varying = (varying,) if isinstance(varying, str) else tuple(varying)
        if varying and not breaks:
            raise SpecificationError("varying= needs period breaks (one effect per period).")
        if exposure is not None:
            if exposure not in rs._frame.columns:
                raise SpecificationError(f"exposure column {show(exposure)} is absent from the "
                                         f"risk set.")
            values = pd.to_numeric(rs._frame[exposure], errors="coerce")
            bad = ~(values > 0)
            if bad.any():
                raise SpecificationError(
                    f"exposure column {show(exposure)} must be positive (time at risk); "
                    f"{int(bad.sum())} row(s) are not (zero, negative or missing).")
        for name, value in [("risk_set", rs), ("spec", spec), ("breaks", breaks),
                            ("clock", clock), ("varying", varying), ("exposure", exposure)]:
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return (f"PiecewiseExponentialHazard({show(self.spec.text)}, breaks={list(self.breaks)}, "
                f"clock={show(self.clock)})")

    def fit(self, *, cov_type: str = "cluster", cluster: str | None = None,
            small_sample: str = "r", control: FitControl | None = None) -> HazardResults:
        """Fit by maximum likelihood; return a new, frozen :class:`HazardResults`.

        ``cov_type``, ``cluster`` and ``small_sample`` as
        :meth:`DiscreteTimeHazard.fit` (the expected and observed information
        coincide for the Poisson log link).
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = _cluster_column(rs, cov_type, cluster)
        extra = [c for c in [cluster_col, self.exposure] if c]
        time = Periods(self.breaks, self.clock) if self.breaks else None
        design = build_design(rs, self.spec, time, extra_columns=extra)
        own = design.names[: len(design.names) - design.n_time_terms]
        periodic = [n for n in own if n.startswith("period[")]
        if periodic:
            raise SpecificationError(
                f"covariate(s) {preview(periodic)} are named like the model's period terms "
                f"('period[...]'); rename them.")
        X, names = self._vary(design)
        offset = (np.log(design.frame[self.exposure].to_numpy(dtype=np.float64))
                  if self.exposure else np.zeros(len(design.y)))
        fit = fit_poisson(X, design.y, offset, max_iter=control.max_iter,
                          step_tol=float(np.sqrt(control.gtol)))
        with np.errstate(over="ignore"):
            mu = np.exp(X @ fit.params + offset)
        _check_fit(fit.params, X, names, fit.converged, control, "piecewise-exponential",
                   design.y, mu)
        clusters = design.frame[cluster_col].to_numpy() if cluster_col else None
        cov, n_clusters = sandwich_covariance(X, design.y - mu, mu, cov_type=cov_type,
                                              clusters=clusters, small_sample=small_sample)
        covariates = [n for n in names if n != "Intercept" and not n.startswith("period[")]
        return HazardResults(
            model="piecewise exponential", terms=tuple(names), _params=fit.params, _cov=cov,
            loglik=fit.loglik, n_obs=len(design.y), n_events=int(design.y.sum()),
            n_units=int(design.frame[rs.unit].nunique()), cov_type=cov_type,
            cluster=cluster_col, n_clusters=n_clusters, information="expected",
            small_sample=small_sample,
            time_term=(f"periods at {', '.join(map(str, self.breaks))} ({self.clock})"
                       if self.breaks else f"constant ({self.clock})"),
            dependent=rs.event, formula=self.spec.text, notes=design.notes,
            converged=fit.converged, n_iter=fit.n_iter, estimation_rows=design.rows,
            extra={"proportional_hazards": True, "hazard_ratio_terms": tuple(covariates),
                   "clock": self.clock, "breaks": self.breaks, "exposure": self.exposure},
        )

    def _vary(self, design: Design) -> tuple[np.ndarray, list[str]]:
        names = list(design.names)
        X = design.X
        if not self.varying:
            return X, names
        absent = [v for v in self.varying if v not in names]
        if absent:
            raise SpecificationError(
                f"varying= names {preview(absent)}, which are not covariate columns of the "
                f"model; choose among {preview([n for n in names if not n.startswith('period[')])}.")
        # the period of each row: the first period has no column when there is an intercept
        clock = _clock(self.risk_set, design, self.clock)
        edges = [int(clock.min())] + list(self.breaks) + [int(clock.max()) + 1]
        labels = [f"period[{edges[k]}-{edges[k + 1] - 1}]" for k in range(len(edges) - 1)]
        which = np.searchsorted(np.asarray(self.breaks), clock, side="right")
        keep = [j for j, n in enumerate(names) if n not in self.varying]
        cols = [X[:, keep]]
        out = [names[j] for j in keep]
        for v in self.varying:
            x = X[:, names.index(v)]
            for k, lab in enumerate(labels):
                cols.append((x * (which == k))[:, None])
                out.append(f"{v}:{lab}")
        Xv = np.hstack(cols)
        twice = sorted({n for n in out if out.count(n) > 1})
        if twice:
            raise SpecificationError(
                f"varying= generates the term(s) {preview(twice)}, which already exist; "
                f"rename the covariates.")
        check_collinearity(Xv, out)
        return Xv, out


# ------------------------------------------------------------------------ Weibull
@dataclass(frozen=True, eq=False)
class WeibullHazard:
    """Weibull proportional-hazards model with time-varying covariates and late entry.

    Parameters
    ----------
    risk_set : RiskSet
    covariates : sequence of str
    clock : {"calendar", "duration"}, default "calendar"
    origin : int, optional
        Calendar clock only: ``s = year - origin`` (default: the year before the risk
        set's window opens, ``risk_set.start - 1``; e.g. the year before a treaty was
        opened for signature). Every row must have ``year > origin``.

    Notes
    -----
    Parameters: ``Intercept`` (``log lambda``), covariates (log hazard ratios) and
    ``log(shape)`` (``log p``); ``p > 1``: rising hazard, ``p < 1``: falling. The
    log likelihood is that of the event times (comparable with R ``survreg``).

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=80).risk_set()
    >>> res = d.WeibullHazard.from_formula("event ~ x1 + x2", rs, clock="duration").fit()
    >>> list(res.params.index)
    ['Intercept', 'x1', 'x2', 'log(shape)']
    """

    risk_set: RiskSet
    spec: Spec
    clock: str
    origin: int | None

    def __init__(self, risk_set: RiskSet, *, covariates: Sequence[str] = (),
                 clock: Clock = "calendar", origin: int | None = None) -> None:
        check_risk_set(risk_set)
        self._set(risk_set, columns_spec(covariates, risk_set, True), clock, origin)

    @classmethod
    def from_formula(cls, formula: str, risk_set: RiskSet, *, clock: Clock = "calendar",
                     origin: int | None = None) -> WeibullHazard:
        """Specify the covariates with a formulaic formula."""
        check_risk_set(risk_set)
        self = cls.__new__(cls)
        self._set(risk_set, formula_spec(formula, risk_set), clock, origin)
        return self

    def _set(self, rs, spec, clock, origin) -> None:
        clock = check_option(clock, CLOCKS, name="clock")
        if origin is not None:
            if clock != "calendar":
                raise SpecificationError("origin= applies to the calendar clock only.")
            if isinstance(origin, bool) or not float(origin).is_integer():
                raise SpecificationError(f"origin must be a whole year, got {show(origin)}.")
            origin = int(origin)
            first = int(rs._frame[rs.time].min())
            if origin >= first:
                raise SpecificationError(
                    f"origin {origin} must precede every year at risk (the first is {first}): "
                    f"the clock s = year - origin must be positive.")
        if not spec.intercept:
            raise SpecificationError("the Weibull model needs its intercept (log lambda); "
                                     "remove '0 +' from the formula.")
        check_generated(spec.variables, ("Intercept", "log(shape)"), where="WeibullHazard")
        for name, value in [("risk_set", rs), ("spec", spec), ("clock", clock),
                            ("origin", origin)]:
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"WeibullHazard({show(self.spec.text)}, clock={show(self.clock)})"

    def fit(self, *, cov_type: str = "cluster", cluster: str | None = None,
            small_sample: str = "r", control: FitControl | None = None) -> HazardResults:
        """Fit by maximum likelihood; return a new, frozen :class:`HazardResults`.

        ``cov_type="classic"``: inverse observed information (R ``survreg``).
        ``"cluster"`` (default, by unit) and ``"robust"``: sandwiches of the per-row
        scores, without a small-sample factor unless ``small_sample="stata"``.
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        control = control or FitControl()
        rs = self.risk_set
        cluster_col = _cluster_column(rs, cov_type, cluster)
        design = build_design(rs, self.spec, None, extra_columns=[cluster_col] if cluster_col else [])
        clock = _clock(rs, design, self.clock)
        if self.clock == "calendar":
            origin = self.origin if self.origin is not None else rs.start - 1
            clock = clock - origin
        b = clock
        a = b - 1
        check_generated(design.names[1:], ("Intercept", "log(shape)"), where="WeibullHazard")
        fit = fit_weibull(design.X, a, b, design.y, max_iter=control.max_iter,
                          step_tol=float(np.sqrt(control.gtol)))
        names = [*design.names, "log(shape)"]
        with np.errstate(over="ignore", invalid="ignore"):
            p = np.exp(fit.params[-1])
            mu = np.exp(design.X @ fit.params[:-1]) * (b ** p - a ** p)
        _check_fit(fit.params, design.X, names, fit.converged, control, "Weibull",
                   design.y, mu)
        V = np.linalg.inv(fit.info)
        clusters = design.frame[cluster_col].to_numpy() if cluster_col else None
        cov, n_clusters = score_covariance(V, fit.scores, cov_type=cov_type, clusters=clusters,
                                           small_sample=small_sample)
        time_term = (f"Weibull, years since {self.origin if self.origin is not None else rs.start - 1}"
                     if self.clock == "calendar" else "Weibull, duration")
        return HazardResults(
            model="Weibull", terms=tuple(names), _params=fit.params, _cov=cov,
            loglik=fit.loglik, n_obs=len(design.y), n_events=int(design.y.sum()),
            n_units=int(design.frame[rs.unit].nunique()), cov_type=cov_type,
            cluster=cluster_col, n_clusters=n_clusters, information="observed",
            small_sample=small_sample, time_term=time_term, dependent=rs.event,
            formula=self.spec.text, notes=design.notes, converged=fit.converged,
            n_iter=fit.n_iter, estimation_rows=design.rows,
            extra={"proportional_hazards": True,
                   "hazard_ratio_terms": tuple(n for n in design.names if n != "Intercept"),
                   "clock": self.clock, "shape": float(np.exp(fit.params[-1]))},
        )
