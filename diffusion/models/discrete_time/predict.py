"""Predicted hazard and adoption probability of a discrete-time model for covariate profiles.

For a profile with covariates ``x`` (held fixed over time) the hazard in period ``t``
on the model's clock is ``h(t | x) = F(x' beta + b(t)' gamma)``, with ``F`` the inverse
link and ``b(t)`` the time-term columns the model used for period ``t`` (dummies,
periods, cubic or spline of the calendar year or of the duration since entry). The
probability of not having adopted by the end of ``t`` (from the first period
``since``) is ``S(t) = prod_{since <= s <= t} (1 - h(s | x))`` and the adoption
probability ``1 - S(t)``; ``cumulative_hazard`` is ``-log S(t)``, so that the columns
match :meth:`diffusion.CoxHazard.predict`.

The time columns of period ``t`` are read from the estimation sample (each period's
columns are a function of the period alone), which reproduces exactly the origin of the
cubic and the knots of the spline. A period without estimation rows has no estimate:

* with time dummies (``Dummies(empty="drop")`` drops periods without events) the
  hazard is ``0``, the limit of the maximum-likelihood estimate for a period
  without events (and the value of the Cox baseline in years without events);
* with other time terms the hazard is NaN, and so are survival and adoption from
  that period on.

R equivalent: ``predict(glm_fit, newdata = profiles x periods, type = "response")``
gives ``h``; ``cumprod(1 - h)`` gives ``S`` (checked in
``tests/reference/report_curves.R``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion.data.checks import preview, show
from diffusion.errors import DataError, SpecificationError
from diffusion.models.design import build_design
from diffusion.models.discrete_time.spec import BinaryHazardSpec
from diffusion.models.time_terms import Dummies
from diffusion.results.hazard import HazardResults

__all__ = ["predict_profiles"]


def _check_result(model: BinaryHazardSpec, result: HazardResults) -> None:
    if isinstance(result, HazardResults) and result.extra.get("absorb"):
        raise SpecificationError(
            f"predictions need the absorbed effects ({', '.join(result.extra['absorb'])}), "
            f"which an absorbed fit does not estimate; refit with the effects as C(name) "
            f"terms to predict.")
    ok = (isinstance(result, HazardResults)
          and result.model == f"discrete-time {model.link.name}"
          and result.formula == model.spec.text
          and result.time_term == (model.time.describe() if model.time else None))
    if not ok:
        what = result.model if isinstance(result, HazardResults) else type(result).__name__
        raise SpecificationError(
            f"this result ({what}) was not produced by {model!r}; pass the result of "
            f"this model's fit()."
        )


def _profile_covariates(model: BinaryHazardSpec, design, names: tuple[str, ...],
                        profiles: pd.DataFrame) -> np.ndarray:
    """Encode the profiles exactly as the estimation rows (levels, transformations)."""
    if not isinstance(profiles, pd.DataFrame) or not len(profiles):
        raise DataError("profiles must be a non-empty DataFrame with one row per profile.")
    needed = list(model.spec.variables)
    absent = [v for v in needed if v not in profiles.columns]
    if absent:
        raise DataError(
            f"profiles lack the covariate column(s) {preview(absent)} of the model "
            f"{show(model.spec.text)}; they have {preview(list(profiles.columns), 10)}."
        )
    if needed and profiles[needed].isna().any().any():
        cols = [c for c in needed if profiles[c].isna().any()]
        raise DataError(
            f"profiles have missing values in {preview(cols)}; give every covariate a value."
        )
    if model.spec.rhs is None:
        cols = {"Intercept": np.ones(len(profiles))} if model.spec.intercept else {}
        for c in model.spec.columns:
            values = pd.to_numeric(profiles[c], errors="coerce")
            if values.isna().any():
                raise DataError(f"profiles column {show(c)} must be numeric.")
            cols[c] = values.to_numpy(dtype=np.float64)
        frame = pd.DataFrame(cols, index=profiles.index)
    else:
        try:
            mm = design.model_spec.get_model_matrix(profiles, na_action="raise")
        except Exception as exc:  # formulaic raises several kinds (unknown levels, ...)
            raise DataError(
                f"cannot encode the profiles with the model's formula {show(model.spec.text)}: "
                f"{exc}. Give values (and category levels) seen in the estimation sample."
            ) from exc
        frame = pd.DataFrame(np.asarray(mm, dtype=np.float64), columns=list(mm.columns))
    if tuple(frame.columns) != names:
        raise SpecificationError(
            f"the profiles encode to terms {preview(list(frame.columns))}, not the model's "
            f"{preview(list(names))}."
        )
    return frame.to_numpy(dtype=np.float64)


def predict_profiles(model: BinaryHazardSpec, result: HazardResults, profiles: pd.DataFrame,
                     *, since: float | None = None) -> pd.DataFrame:
    """Predicted hazard, survival and adoption probability by period for covariate profiles.

    Parameters
    ----------
    model : BinaryHazardSpec
    result : HazardResults
        This model's fit.
    profiles : DataFrame
        One row per profile with the covariate columns; its index labels the profiles.
    since : number, optional
        First period, on the model's clock: the year for calendar time terms and for
        models without time terms; the duration since entry (1 = first year at risk)
        for duration time terms. Default: the first period of the estimation sample;
        periods outside the sample are refused.

    Returns
    -------
    DataFrame
        Long format: ``profile``, ``time`` (every period from ``since`` to the last
        period of the estimation sample), ``hazard``, ``cumulative_hazard``
        (``-log survival``), ``survival`` and ``adoption = 1 - survival``.
    """
    _check_result(model, result)
    rs = model.risk_set
    extra = list(result.extra.get("clusters") or ([result.cluster] if result.cluster else []))
    design = build_design(rs, model.spec, model.time, extra_columns=extra)
    if not np.array_equal(design.rows, result.estimation_rows):
        raise SpecificationError(
            "the risk set no longer matches the estimation rows of this result; refit.")
    n_time = design.n_time_terms
    k_cov = len(design.names) - n_time
    X = _profile_covariates(model, design, tuple(design.names[:k_cov]), profiles)
    beta = result.params.to_numpy()
    eta_cov = X @ beta[:k_cov]

    scale = model.time.scale if model.time is not None else "calendar"
    t = design.frame[rs.time].to_numpy(dtype=np.int64)
    if scale == "calendar":
        clock = t
    else:
        clock = t - rs.entry_times().to_numpy(dtype=np.int64)[design.rows] + 1
    values, first = np.unique(clock, return_index=True)
    lo, hi = int(values.min()), int(values.max())
    if since is None:
        start = lo
    else:
        if isinstance(since, bool) or not isinstance(since, (int, float, np.integer, np.floating)) \
                or not float(since).is_integer():
            raise SpecificationError(f"since must be a whole period, got {show(since)}.")
        start = int(since)
        what = "year" if scale == "calendar" else "duration"
        if not lo <= start <= hi:
            raise SpecificationError(
                f"since={start} lies outside the {what}s of the estimation sample "
                f"({lo}-{hi}); the model has no estimate there."
            )
    grid = np.arange(start, hi + 1)
    pos = np.searchsorted(values, grid)
    seen = (pos < len(values)) & (values[np.minimum(pos, len(values) - 1)] == grid)
    eta_time = np.zeros(len(grid))
    if n_time:
        T = design.X[first[pos[seen]], k_cov:]
        eta_time[seen] = T @ beta[k_cov:]
    pieces = []
    for label, e in zip(profiles.index, eta_cov):
        h = np.asarray(model.link.mean(e + eta_time), dtype=np.float64)
        if n_time and not seen.all():
            # periods without estimation rows: 0 for dummies (MLE of a period without
            # events), no estimate otherwise
            h = np.where(seen, h, 0.0 if isinstance(model.time, Dummies) else np.nan)
        with np.errstate(divide="ignore"):
            H = np.cumsum(-np.log1p(-h))
        S = np.exp(-H)
        pieces.append(pd.DataFrame({"profile": label, "time": grid.astype(np.float64),
                                    "hazard": h, "cumulative_hazard": H, "survival": S,
                                    "adoption": -np.expm1(-H)}))
    return pd.concat(pieces, ignore_index=True)
