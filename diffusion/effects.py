"""Effects people can read: changes in the annual adoption probability, with delta-method SEs.

Coefficients of a cloglog or logit hazard are hard to read. For a fitted discrete-time
model (:class:`~diffusion.DiscreteTimeHazard`, :class:`~diffusion.FirthHazard`,
:class:`~diffusion.FrailtyHazard`) these functions report effects on the probability
that a country adopts in a given year (the hazard ``h = F(eta)``):

:func:`average_marginal_effects`
    ``AME_v = (1/N) sum_i dh_i / dv`` over the estimation rows: the average change of
    the annual adoption probability per unit of ``v`` (R ``margins``, Stata ``margins,
    dydx(v)``; numeric variables are differentiated, as both do by default).
:func:`predict_probability`
    Annual adoption probabilities at covariate profiles, or averaged over the estimation
    rows with some covariates set to given values (Stata ``margins, at(v = 0.5)``).
:func:`first_difference`
    The change in the (average) annual adoption probability when ``v`` moves from one
    value to another, e.g. the regional share from 0 to 0.5 -- the discrete analogue of
    the AME (and the way to read a 0/1 or categorical covariate).

Hazard ratios of cloglog models (grouped-time proportional hazards) and of Cox and
parametric models are :meth:`HazardResults.hazard_ratios`.

Method
------
Every quantity is a smooth function ``g(theta)`` of the estimates; its standard error
is the delta method ``sqrt(grad' V grad)`` with ``V`` the covariance the model was
fitted with (cluster-robust by default), and the gradient is analytic: with
``m(eta)`` the mean function and ``D_i = dx_i / dv``,

* prediction ``mean_i m(eta_i)``: gradient ``mean_i m'(eta_i) x_i``;
* AME ``mean_i m'(eta_i) D_i' beta``: gradient
  ``mean_i [m''(eta_i) (D_i' beta) x_i + m'(eta_i) D_i]``;
* first difference: the difference of two predictions and of their gradients.

``D_i`` is the central difference of the encoded design when ``v`` moves by a small
step (exact for terms linear or quadratic in ``v``: interactions, ``I(v**2)``), so
formulas with transformations and interactions are differentiated through.

Frailty models: ``frailty="average"`` (default) gives population-averaged
probabilities, ``m(eta) = E_b F(eta + b)`` with ``b ~ N(0, sigma^2)`` (Gauss-Hermite,
50 points), and the delta method includes ``sigma``; ``frailty="zero"`` gives those of
a unit with ``b = 0`` (the median unit).

Intervals: AMEs and first differences get Wald intervals ``estimate +/- z se``.
Probabilities get intervals on the logit scale of the probability, transformed back
(``expit(logit p +/- z se / (p (1 - p)))``): they stay inside (0, 1) for rare events
and, for a single profile of a logit model, equal the interval on the linear-predictor
scale (R ``predict(se.fit = TRUE)`` then ``plogis``).

Conventions: ``margins``/Stata average over the estimation rows with every row's own
covariates and baseline (time terms) -- "as observed" -- as here. Profiles must give
the model's covariates and, when it has time terms, the period on the model's clock
(``year`` column named as the risk set's time column, or ``duration`` for
duration-clock terms); the time columns are those of the estimation rows in that
period.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from diffusion.data.checks import (
    check_frame,
    check_int_range,
    check_not_dates,
    check_scalars,
    check_option,
    is_number,
    preview,
    show,
)
from diffusion.errors import DataError, SpecificationError
from diffusion.models.discrete_time._binary import mean_derivatives
from diffusion.models.discrete_time._frailty import gauss_hermite
from diffusion.models.design import Design, _clock, build_design
from diffusion.models.links import Link, get_link
from diffusion.results.hazard import HazardResults

__all__ = ["average_marginal_effects", "predict_probability", "first_difference"]

Frailty = Literal["average", "zero"]
FRAILTY = ("average", "zero")
#: Gauss-Hermite points of population-averaged probabilities (exact to ~1e-12 for sd <= 3)
_N_NODES = 50
#: relative step of the central differences of the design in the variable
_STEP = 1e-5


# ------------------------------------------------------------------ the fitted model
@dataclass(frozen=True)
class _Fitted:
    result: HazardResults
    model: Any
    design: Design
    k_cov: int
    beta: np.ndarray
    sigma: float  # 0 for fixed-effect models or frailty="zero"
    cov: np.ndarray  # of beta, or of (beta, sigma) when sigma enters
    link: Link
    clock: str | None  # profile column holding the period (None: no time terms)
    scale: str | None


def _fitted(result: HazardResults, frailty: str) -> _Fitted:
    if not isinstance(result, HazardResults):
        raise SpecificationError(
            f"pass the result of a discrete-time model's fit(), got {type(result).__name__}.")
    frailty = check_option(frailty, FRAILTY, name="frailty")
    model = result.extra.get("model")
    link = result.extra.get("link")
    if model is None or link is None or not hasattr(model, "spec"):
        raise SpecificationError(
            f"effects on the adoption probability need a discrete-time result (DiscreteTimeHazard, "
            f"FirthHazard or FrailtyHazard) that records its model; got a {result.model} "
            f"result. For Cox and parametric models use result.hazard_ratios()."
        )
    if result.extra.get("absorb"):
        raise SpecificationError(
            f"effects on the adoption probability need the absorbed effects "
            f"({', '.join(result.extra['absorb'])}), which an absorbed fit does not estimate; "
            f"refit with the effects as C(name) terms to compute them.")
    rs = model.risk_set
    # multi-way clustered results name their columns in extra["clusters"]
    extra_cols = list(result.extra.get("clusters") or ([result.cluster] if result.cluster else []))
    group = getattr(result, "group", "")
    if group:
        extra_cols.append(group)
    design = build_design(rs, model.spec, model.time, extra_columns=extra_cols)
    if not (np.array_equal(design.rows, result.estimation_rows)
            and tuple(design.names) == tuple(result.terms)):
        raise SpecificationError(
            "the model's risk set no longer gives this result's estimation rows and terms; "
            "refit the model.")
    k_cov = len(design.names) - design.n_time_terms
    sigma = float(getattr(result, "frailty_sd", 0.0) or 0.0) if frailty == "average" else 0.0
    if sigma > 0:
        cov = result.full_cov.to_numpy()
    else:
        cov = result.cov.to_numpy()
    clock = scale = None
    if model.time is not None:
        scale = model.time.scale
        clock = rs.time if scale == "calendar" else "duration"
    return _Fitted(result, model, design, k_cov, result.params.to_numpy(), sigma, cov,
                   get_link(link), clock, scale)


def _mean(f: _Fitted, eta: np.ndarray) -> tuple[np.ndarray, ...]:
    """``m, m', m''`` in ``eta`` and ``dm/dsigma, dm'/dsigma`` (zeros without frailty)."""
    with np.errstate(over="ignore", under="ignore"):  # exp(eta) of extreme profiles
        if f.sigma == 0:
            mu, d1, d2 = mean_derivatives(f.link, eta)
            zero = np.zeros_like(eta)
            return mu, d1, d2, zero, zero
        z, w = gauss_hermite(_N_NODES)
        mu, d1, d2 = mean_derivatives(f.link, eta[:, None] + f.sigma * z[None, :])
        return mu @ w, d1 @ w, d2 @ w, (d1 * z) @ w, (d2 * z) @ w


def _gradient(f: _Fitted, g_beta: np.ndarray, g_sigma: np.ndarray | float) -> np.ndarray:
    """Append the sigma component when sigma is a parameter of the delta method."""
    if f.sigma == 0:
        return g_beta
    g_sigma = np.atleast_1d(np.asarray(g_sigma, dtype=np.float64))
    return np.concatenate([g_beta, g_sigma[:, None]], axis=1) if g_beta.ndim == 2 \
        else np.concatenate([g_beta, g_sigma])


def _se(f: _Fitted, grad: np.ndarray) -> np.ndarray:
    grad = np.atleast_2d(grad)
    return np.sqrt(np.einsum("ij,jk,ik->i", grad, f.cov, grad))


# ------------------------------------------------------------------ encoding
def _covariates(f: _Fitted, frame: pd.DataFrame) -> np.ndarray:
    """Covariate columns (intercept included) of ``frame``, encoded as the estimation rows."""
    spec = f.model.spec
    names = tuple(f.design.names[: f.k_cov])
    if spec.rhs is None:
        cols = [np.ones(len(frame))] if spec.intercept else []
        for c in spec.columns:
            check_not_dates(frame[c], name="profiles", column=c)
            check_scalars(frame[c], name="profiles", column=c)
            check_int_range(frame[c], name="profiles", column=c)
            values = pd.to_numeric(frame[c], errors="coerce")
            if pd.api.types.is_complex_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(
                    values.dtype) or not np.isfinite(values.to_numpy(dtype=np.float64,
                                                                     na_value=0.0)).all():
                raise DataError(f"column {show(c)} must hold finite real numbers.")
            if values.isna().any():
                raise DataError(f"column {show(c)} must be numeric and not missing.")
            cols.append(values.to_numpy(dtype=np.float64))
        X = np.column_stack(cols) if cols else np.empty((len(frame), 0))
        return X
    try:
        mm = f.design.model_spec.get_model_matrix(frame, na_action="raise")
    except Exception as exc:  # formulaic raises several kinds (unknown levels, NaN, ...)
        raise DataError(
            f"cannot encode these values with the model's formula {show(spec.text)}: {exc}. "
            f"Give values (and category levels) seen in the estimation sample."
        ) from exc
    if tuple(mm.columns) != names:
        raise SpecificationError(
            f"the values encode to terms {preview(list(mm.columns))}, not the model's "
            f"{preview(list(names))}.")
    return np.asarray(mm, dtype=np.float64)


def _estimation_frame(f: _Fitted) -> pd.DataFrame:
    return f.design.frame.reset_index(drop=True)


def _time_columns_for(f: _Fitted, periods: np.ndarray) -> np.ndarray:
    """Time-term columns of the estimation rows in each requested period."""
    n_time = f.design.n_time_terms
    if n_time == 0:
        return np.empty((len(periods), 0))
    rs = f.model.risk_set
    clock = _clock(rs, f.design.frame, f.scale)
    values, first = np.unique(clock, return_index=True)
    pos = np.searchsorted(values, periods)
    ok = (pos < len(values)) & (values[np.minimum(pos, len(values) - 1)] == periods)
    if not ok.all():
        bad = sorted(set(periods[~ok].tolist()))
        what = "years" if f.scale == "calendar" else "durations"
        raise DataError(
            f"the profiles ask for {what} {preview(bad)} that have no estimation rows, so "
            f"the model's baseline is not estimated there; choose {what} in "
            f"{int(values.min())}-{int(values.max())} with rows in the sample."
        )
    return f.design.X[first[pos], f.k_cov:]


def _profile_design(f: _Fitted, profiles: pd.DataFrame) -> np.ndarray:
    if not isinstance(profiles, pd.DataFrame) or not len(profiles):
        raise DataError("profiles must be a non-empty DataFrame with one row per profile.")
    check_frame(profiles, name="profiles")
    needed = [v for v in f.model.spec.variables if not v.startswith("__")]
    if f.clock is not None:
        needed.append(f.clock)
    absent = [v for v in needed if v not in profiles.columns]
    if absent:
        why = (f" ({show(f.clock)} gives the period of the model's {f.scale} time terms)"
               if f.clock in absent else "")
        raise DataError(
            f"profiles lack the column(s) {preview(absent)}{why}; they have "
            f"{preview(list(profiles.columns), 10)}.")
    missing = [v for v in needed if profiles[v].isna().any()]
    if missing:
        raise DataError(f"profiles have missing values in {preview(missing)}; give every "
                        f"covariate a value.")
    frame = profiles.reset_index(drop=True).copy()
    for v in f.model.spec.variables:  # columns the model reads but profiles need not give
        if v.startswith("__"):
            frame[v] = 1.0
    Xc = _covariates(f, frame)
    if f.clock is None:
        return Xc
    raw = pd.to_numeric(profiles[f.clock], errors="coerce").to_numpy(dtype=np.float64)
    if np.any(~np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise DataError(f"profiles column {show(f.clock)} must hold whole periods.")
    return np.column_stack([Xc, _time_columns_for(f, raw.astype(np.int64))])


def _with_values(f: _Fitted, frame: pd.DataFrame, values: Mapping[str, Any]) -> np.ndarray:
    """Design of ``frame`` (estimation rows) with the covariates in ``values`` set."""
    frame = frame.copy()
    for v, value in values.items():
        frame[v] = value
    return np.column_stack([_covariates(f, frame), f.design.X[:, f.k_cov:]])


def _variables(f: _Fitted) -> list[str]:
    """Covariates the model reads, in the order of their first design column."""
    usable = [c for c in f.model.spec.variables if not c.startswith("__")]
    ms = f.design.model_spec
    if ms is None:
        return usable

    def first_column(v: str) -> int:
        indices = getattr(ms, "variable_indices", {}).get(v, ())
        return min(indices, default=len(f.design.names))

    return sorted(usable, key=first_column)


def _check_variable(f: _Fitted, v: object) -> str:
    usable = _variables(f)
    if not isinstance(v, str) or v not in usable:
        raise SpecificationError(
            f"{show(v)} is not a covariate of the model {show(f.model.spec.text)}; its "
            f"covariates are {preview(usable, 10)}.")
    return v


# ------------------------------------------------------------------ tables
def _table(estimate: np.ndarray, se: np.ndarray, level: float, index: pd.Index,
           *, kind: Literal["effect", "probability"]) -> pd.DataFrame:
    q = float(stats.norm.ppf(0.5 + level / 2))
    if kind == "probability":
        with np.errstate(divide="ignore", invalid="ignore"):
            logit = special.logit(estimate)
            half = q * se / (estimate * (1 - estimate))
        return pd.DataFrame({"probability": estimate, "std_error": se,
                             "lower": special.expit(logit - half),
                             "upper": special.expit(logit + half)}, index=index)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = estimate / se
    return pd.DataFrame({"estimate": estimate, "std_error": se, "z": z,
                         "p_value": 2 * stats.norm.sf(np.abs(z)),
                         "lower": estimate - q * se, "upper": estimate + q * se}, index=index)


def _check_level(level: object) -> float:
    if isinstance(level, bool) or not isinstance(level, (float, int)) or not 0 < level < 1:
        raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
    return float(level)


def _average_prediction(f: _Fitted, X: np.ndarray) -> tuple[float, np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):  # checked by _finite_or_refuse
        m, m1, _, ms, _ = _mean(f, X @ f.beta)
        grad = _gradient(f, (m1[:, None] * X).mean(axis=0), ms.mean())
    _finite_or_refuse(m, grad)
    return float(m.mean()), grad


def _profile_predictions(f: _Fitted, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):  # checked by _finite_or_refuse
        m, m1, _, ms, _ = _mean(f, X @ f.beta)
        grad = _gradient(f, m1[:, None] * X, ms)
    _finite_or_refuse(m, grad)
    return m, grad


def _finite_or_refuse(*parts: np.ndarray) -> None:
    if not all(np.isfinite(p).all() for p in parts):
        raise SpecificationError(
            "the probabilities (or their derivatives) at these covariate values are not "
            "finite numbers: the values are too extreme for the model. Choose values in the "
            "range of the data.")


# ------------------------------------------------------------------ public functions
def average_marginal_effects(
    result: HazardResults,
    *,
    variables: Sequence[str] | None = None,
    frailty: Frailty = "average",
    level: float = 0.95,
) -> pd.DataFrame:
    """Average marginal effects on the annual adoption probability, with delta-method SEs.

    Parameters
    ----------
    result : HazardResults
        Result of ``DiscreteTimeHazard``, ``FirthHazard`` or ``FrailtyHazard`` ``fit()``.
    variables : sequence of str, optional
        Numeric covariates (risk-set columns the model reads); default: all numeric ones.
        0/1 indicators are differentiated like any number (as R ``margins`` and Stata
        ``margins, dydx()``); use :func:`first_difference` for the 0 -> 1 change.
    frailty : {"average", "zero"}, default "average"
        Frailty models only: population-averaged effects, or those of a unit whose random
        intercept is zero.
    level : float, default 0.95

    Returns
    -------
    DataFrame
        One row per variable: ``estimate``, ``std_error``, ``z``, ``p_value``, ``lower``,
        ``upper``.

    Notes
    -----
    ``AME_v = (1/N) sum_i m'(eta_i) D_i' beta`` with ``D_i = dx_i/dv`` (module
    docstring); the SE is ``sqrt(grad' V grad)``,
    ``grad = (1/N) sum_i [m''(eta_i) (D_i' beta) x_i + m'(eta_i) D_i]``.

    Examples
    --------
    >>> from diffusion import DiscreteTimeHazard, RiskSet, effects
    >>> from diffusion.datasets import load_lottery
    >>> rs = RiskSet.from_panel(load_lottery(), unit="state", time="year", event="adopt")
    >>> res = DiscreteTimeHazard(rs, covariates=["fiscal", "neighbor"], link="logit").fit()
    >>> ame = effects.average_marginal_effects(res)
    >>> list(ame.columns)
    ['estimate', 'std_error', 'z', 'p_value', 'lower', 'upper']
    """
    level = _check_level(level)
    f = _fitted(result, frailty)
    frame = _estimation_frame(f)
    usable = _variables(f)
    if variables is None:
        chosen = [c for c in usable if _numeric(frame[c])]
        if not chosen:
            raise SpecificationError(
                "the model has no numeric covariate to differentiate; use first_difference "
                "for categorical ones.")
    else:
        if isinstance(variables, str):
            variables = [variables]
        if not isinstance(variables, (list, tuple, pd.Index, np.ndarray)) or not len(variables):
            raise SpecificationError(
                f"variables must be a non-empty list of covariate names, got {show(variables)}.")
        chosen = [_check_variable(f, v) for v in variables]
        bad = [v for v in chosen if not _numeric(frame[v])]
        if bad:
            raise SpecificationError(
                f"{preview(bad)} {'is' if len(bad) == 1 else 'are'} not numeric and cannot be "
                f"differentiated; use first_difference(result, variable, from_=..., to=...).")
    X = f.design.X
    eta = X @ f.beta
    _, m1, m2, _, m1s = _mean(f, eta)
    est, grads = [], []
    for v in chosen:
        x = frame[v].to_numpy(dtype=np.float64)
        spread = float(np.std(x))
        h = _STEP * (spread if spread > 0 else 1.0)
        D = (_with_values(f, frame, {v: x + h}) - _with_values(f, frame, {v: x - h})) / (2 * h)
        slope = D @ f.beta
        est.append(float(np.mean(m1 * slope)))
        g_beta = (m2 * slope)[:, None] * X + m1[:, None] * D
        grads.append(_gradient(f, g_beta.mean(axis=0), np.mean(m1s * slope)))
    se = _se(f, np.array(grads))
    out = _table(np.array(est), se, level, pd.Index(chosen, name="variable"), kind="effect")
    out.attrs["quantity"] = "average marginal effect on the annual adoption probability"
    return out


def predict_probability(
    result: HazardResults,
    *,
    profiles: pd.DataFrame | None = None,
    at: Mapping[str, Any] | None = None,
    frailty: Frailty = "average",
    level: float = 0.95,
) -> pd.DataFrame:
    """Annual adoption probabilities with delta-method SEs and intervals.

    Parameters
    ----------
    result : HazardResults
        Result of a discrete-time model's ``fit()``.
    profiles : DataFrame, optional
        One row per profile: every covariate of the model and, with time terms, the
        period (column named as the risk set's time column for calendar-time terms, or
        ``duration``). Its index labels the output.
    at : mapping, optional
        Instead of profiles: covariates set to these values in every estimation row and
        the probabilities averaged ("counterfactual" averages, Stata ``margins,
        at()``). A value may be a list: one row per combination. Without ``profiles``
        and ``at``: the average fitted probability.
    frailty : {"average", "zero"}, default "average"
        Frailty models only (see :func:`average_marginal_effects`).
    level : float, default 0.95

    Returns
    -------
    DataFrame
        ``probability``, ``std_error``, ``lower``, ``upper`` (interval on the logit
        scale of the probability, see the module docstring); with ``at``, one column
        per set covariate.
    """
    level = _check_level(level)
    f = _fitted(result, frailty)
    if profiles is not None and at is not None:
        raise SpecificationError("give profiles or at, not both.")
    if profiles is not None:
        X = _profile_design(f, profiles)
        p, grad = _profile_predictions(f, X)
        out = _table(p, _se(f, grad), level, profiles.index, kind="probability")
        out.attrs["quantity"] = "annual adoption probability at each profile"
        return out
    frame = _estimation_frame(f)
    grid, columns = _grid(f, at)
    est, grads = [], []
    for values in grid:
        X = _with_values(f, frame, values) if values else f.design.X
        p, g = _average_prediction(f, X)
        est.append(p)
        grads.append(g)
    index = pd.RangeIndex(len(grid)) if columns else pd.Index(["observed"])
    out = _table(np.array(est), _se(f, np.array(grads)), level, index, kind="probability")
    for c in reversed(columns):
        out.insert(0, c, [values[c] for values in grid])
    out.attrs["quantity"] = "average annual adoption probability over the estimation rows"
    return out


def first_difference(
    result: HazardResults,
    variable: str,
    *,
    from_: Any,
    to: Any,
    profiles: pd.DataFrame | None = None,
    frailty: Frailty = "average",
    level: float = 0.95,
) -> pd.DataFrame:
    """Change in the annual adoption probability when ``variable`` goes from ``from_`` to ``to``.

    Parameters
    ----------
    result : HazardResults
        Result of a discrete-time model's ``fit()``.
    variable : str
        A covariate of the model (numeric, 0/1 or categorical: any value the formula
        can encode).
    from_, to : scalar
        The two values.
    profiles : DataFrame, optional
        Compute the change at each profile (the other covariates, and the period, as
        in :func:`predict_probability`). Default: average the change over the estimation
        rows, every other covariate as observed.
    frailty : {"average", "zero"}, default "average"
    level : float, default 0.95

    Returns
    -------
    DataFrame
        ``probability_from``, ``probability_to``, ``estimate`` (their difference),
        ``std_error``, ``z``, ``p_value``, ``lower``, ``upper``.

    Examples
    --------
    >>> fd = effects.first_difference(res, "regional", from_=0, to=0.5)  # doctest: +SKIP
    """
    level = _check_level(level)
    f = _fitted(result, frailty)
    variable = _check_variable(f, variable)
    for label, value in (("from_", from_), ("to", to)):
        _check_value(f, variable, value, label)
    if profiles is not None:
        if not isinstance(profiles, pd.DataFrame):
            raise DataError("profiles must be a DataFrame with one row per profile.")
        lo = profiles.copy()
        hi = profiles.copy()
        lo[variable] = from_
        hi[variable] = to
        p0, g0 = _profile_predictions(f, _profile_design(f, lo))
        p1, g1 = _profile_predictions(f, _profile_design(f, hi))
        index = profiles.index
    else:
        frame = _estimation_frame(f)
        # extreme values overflow exp(x'b); the result is checked for finiteness below
        with np.errstate(over="ignore", invalid="ignore"):
            a, ga = _average_prediction(f, _with_values(f, frame, {variable: from_}))
            b, gb = _average_prediction(f, _with_values(f, frame, {variable: to}))
        p0, p1, g0, g1 = np.array([a]), np.array([b]), ga[None, :], gb[None, :]
        index = pd.Index([f"{variable}: {from_!r} -> {to!r}"])
    if not all(np.isfinite(a).all() for a in (p0, p1, g0, g1)):
        raise SpecificationError(
            f"the probabilities at {variable} = {from_!r} and {to!r} are not finite numbers "
            f"(values too extreme for the model); choose values in the range of the data.")
    out = _table(p1 - p0, _se(f, g1 - g0), level, index, kind="effect")
    out.insert(0, "probability_to", p1)
    out.insert(0, "probability_from", p0)
    out.attrs["quantity"] = f"change in the annual adoption probability, {variable}: {from_!r} -> {to!r}"
    return out


def _check_value(f: _Fitted, variable: str, value: Any, label: str) -> None:
    """A value a covariate can be set to: one scalar, a finite number for numeric ones."""
    if isinstance(value, (list, tuple, dict, set, np.ndarray, pd.Series, pd.DataFrame)):
        raise SpecificationError(f"{label} must be one value, got {show(value)}.")
    numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_))
    if numeric and not is_number(value):
        raise SpecificationError(f"{label} must be a finite number, got {show(value)}.")
    if f.model.spec.rhs is None and not (numeric or isinstance(value, (bool, np.bool_))):
        raise SpecificationError(
            f"{show(variable)} is a numeric covariate; {label} must be a number, got "
            f"{show(value)}.")


def _numeric(s: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))


def _grid(f: _Fitted, at: Mapping[str, Any] | None) -> tuple[list[dict[str, Any]], list[str]]:
    if at is None:
        return [{}], []
    if not isinstance(at, Mapping) or not at:
        raise SpecificationError("at must be a non-empty mapping {covariate: value or values}.")
    columns = [_check_variable(f, v) for v in at]
    options = []
    for v in columns:
        value = at[v]
        values = list(value) if isinstance(value, (list, tuple, np.ndarray, pd.Series)) else [value]
        if not values:
            raise SpecificationError(f"at[{show(v)}] is empty.")
        for one in values:
            _check_value(f, v, one, f"at[{show(v)}]")
        options.append(values)
    return [dict(zip(columns, combo)) for combo in itertools.product(*options)], columns
