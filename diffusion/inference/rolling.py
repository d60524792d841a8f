"""Out-of-sample accuracy of fitted hazard models by rolling origin over calendar time.

For each origin ``T`` in a grid, every model is refit on the rows of years ``<= T``
and predicts the rows of years ``T + 1, ..., T + h``; the predictions are scored
against the events that happened (Tashman 2000 calls this a rolling-origin
evaluation; in event-history work it is the out-of-sample check of Ward, Greenhill &
Bakke 2010).

Scores (``sklearn.metrics``)
----------------------------
* ``auc``: area under the ROC curve of the predicted hazard (discrete-time models) or
  of the linear predictor ``x' beta`` (Cox models) over the test rows: the probability
  that a row with an event is ranked above a row without one. ``NaN`` when the test
  window has no event.
* ``brier``: mean of ``(y - p)^2`` (lower is better).
* ``log_score``: mean of ``-[y log p + (1 - y) log(1 - p)]`` (lower is better).

Brier and log scores need the probability of an event in the row. A discrete-time
model gives it (the hazard); a Cox model gives only a relative hazard, its baseline
being estimated at the training event times only, so for Cox models both are
reported as missing and only the AUC (a ranking score, which the linear predictor
supports) is computed.

What the predictions condition on
---------------------------------
Row ``t`` carries covariates and exposures observed in ``t - 1``, so a prediction for
``T + 3`` uses the diffusion that actually happened up to ``T + 2``: these are
one-step-ahead forecasts given the observed path, not simulations of it.

The baseline time term is built on each training window, as a fit on those rows would
build it (cubic origin, spline knots, dummies). A test row takes the time columns of
the training row with the nearest clock value: beyond the training range (later
years, longer durations) the baseline hazard stays at its value at the edge of the
training data instead of being extrapolated -- a cubic in duration fitted on the
first seven years of a treaty would otherwise predict absurd hazards for year twenty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from diffusion.data.checks import preview, show
from diffusion.errors import EstimationError, SpecificationError
from diffusion.inference.compare import restrict_model
from diffusion.models.control import FitControl
from diffusion.models.design import _clock, build_design, check_collinearity
from diffusion.models.discrete_time._glm import fit_binary_glm
from diffusion.results.hazard import HazardResults

__all__ = ["rolling_origin", "default_origins", "check_origins", "pooled_scores"]


def _years(result: HazardResults) -> np.ndarray:
    model = result.extra["model"]
    rs = model.risk_set
    return rs._frame[rs.time].to_numpy(dtype=np.int64)[result.estimation_rows]


def _events(result: HazardResults) -> np.ndarray:
    rs = result.extra["model"].risk_set
    return rs._frame[rs.event].to_numpy(dtype=np.float64)[result.estimation_rows]


def default_origins(years: np.ndarray, events: np.ndarray, horizon: int) -> list[int]:
    """Every ``horizon`` years from the year by which half the events had happened to
    the last year that leaves a full test window (``last year - horizon``)."""
    ev_years = np.sort(years[events > 0])
    last = int(years.max()) - horizon
    if not len(ev_years) or last < ev_years[0]:
        raise SpecificationError(
            f"the data ({int(years.min())}-{int(years.max())}) are too short for a rolling "
            f"origin with horizon={horizon}: no origin leaves events to train on and "
            f"{horizon} years to predict. Lower horizon= or pass origin= years.")
    first = int(ev_years[int(np.ceil(len(ev_years) / 2)) - 1])
    if first > last:
        return [last]
    return list(range(first, last + 1, horizon))


def check_origins(origins: Any, years: np.ndarray, events: np.ndarray) -> list[int]:
    """Validate user origins: whole years, with training events and test rows."""
    if isinstance(origins, (int, np.integer)) and not isinstance(origins, bool):
        origins = [origins]
    try:
        values = list(origins)
    except TypeError:
        raise SpecificationError(
            f"origin must be a sequence of years, got {type(origins).__name__}.") from None
    if not values:
        raise SpecificationError("origin is empty; give at least one year, or leave it None "
                                 "for the default grid.")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer, float)) or \
                not float(v).is_integer():
            raise SpecificationError(f"origin years must be whole years, got {show(v)}.")
        out.append(int(v))
    if len(set(out)) != len(out):
        raise SpecificationError(f"origin lists a year twice: {show(out)}.")
    first_event = int(years[events > 0].min())
    hi = int(years.max())
    bad = [T for T in out if T < first_event or T >= hi]
    if bad:
        raise SpecificationError(
            f"origin year(s) {preview(bad, 8)} lie outside the data: training needs an event "
            f"(the first is in {first_event}) and testing needs later rows (the last year is "
            f"{hi}); choose origins in {first_event}-{hi - 1}.")
    return sorted(out)


def _scores(y: np.ndarray, score: np.ndarray, prob: np.ndarray | None) -> dict[str, float]:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    out = {"auc": np.nan, "brier": np.nan, "log_score": np.nan}
    if 0 < y.sum() < len(y):
        out["auc"] = float(roc_auc_score(y, score))
    if prob is not None:
        out["brier"] = float(brier_score_loss(y, prob))
        out["log_score"] = float(log_loss(y, prob, labels=[0, 1]))
    return out


def _covariates(result: HazardResults
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """Covariate columns of the result's estimation rows (no time term).

    Built on the rows the covariates allow (the encoding of formula terms uses no
    outcome), then cut to the result's rows: a time term or a cluster column may have
    removed some.
    """
    model = result.extra["model"]
    design = build_design(model.risk_set, model.spec, None, check_collinear=False)
    keep = np.isin(design.rows, result.estimation_rows)
    if int(keep.sum()) != len(result.estimation_rows):  # pragma: no cover - internal
        raise EstimationError("the covariates do not cover the result's estimation rows.")
    idx = np.flatnonzero(keep)
    return design.frame.iloc[idx], design.X[idx], design.y[idx], design.rows[idx], design.names


def _discrete_predictions(result: HazardResults, origins: Sequence[int], horizon: int,
                          notes: list[str], label: str, out: list[pd.DataFrame]) -> list[dict]:
    model = result.extra["model"]
    rs = model.risk_set
    # covariate columns on the common sample (the encoding of formula terms uses no
    # outcome); the time term is built on each training window below
    frame, X, y, positions, names = _covariates(result)
    years = frame[rs.time].to_numpy(dtype=np.int64)
    clock = (None if model.time is None
             else _clock(rs, frame, model.time.scale).astype(np.int64))
    link = model.link
    control = result.extra.get("fit_options", {}).get("control") or FitControl()
    rows = []
    for T in origins:
        train, test, row = _split(years, y, T, horizon, label)
        try:
            X_tr, X_te, y_tr, all_names = _time_design(model, X[train], X[test], names,
                                                       y[train], clock, train, test)
            if not y_tr.sum():
                raise EstimationError("no event in the training rows")
            check_collinearity(X_tr, all_names)
            fit = fit_binary_glm(y_tr, X_tr, link, control)
            if not fit.converged:
                raise EstimationError("the training fit did not converge")
        except EstimationError as exc:
            notes.append(f"{label}, origin {T}: not scored ({_short(exc)}).")
            rows.append({**row, "auc": np.nan, "brier": np.nan, "log_score": np.nan})
            continue
        row["n_train"] = len(y_tr)
        prob = link.mean(X_te @ fit.params)
        rows.append({**row, **_scores(y[test], prob, prob)})
        out.append(_predictions(label, T, positions[test], years[test], y[test], prob, prob))
    return rows


def _time_design(model: Any, X_tr: np.ndarray, X_te: np.ndarray, names: Sequence[str],
                 y_tr: np.ndarray, clock: np.ndarray | None, train: np.ndarray,
                 test: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Append the time term, built on the training rows as a fit on them would build it.

    A test row gets the time columns of the training row whose clock value is nearest
    to its own: inside the training range that is its own value (every term's columns
    are a function of the clock value), beyond it the baseline stays at its value at
    the edge instead of being extrapolated (a cubic in duration explodes beyond the
    durations seen in training).
    """
    if model.time is None:
        return X_tr, X_te, y_tr, list(names)
    x_tr, x_te = clock[train], clock[test]
    cols, keep, _ = model.time.build(x_tr, y_tr, intercept=model.spec.intercept)
    x_tr = x_tr[keep]
    seen = np.unique(x_tr)
    if len(seen) > 1:
        pos = np.clip(np.searchsorted(seen, x_te), 1, len(seen) - 1)
        lower, upper = seen[pos - 1], seen[pos]
        nearest = np.where(np.abs(x_te - lower) <= np.abs(upper - x_te), lower, upper)
    else:
        nearest = np.full(len(x_te), seen[0])
    first_row = {v: i for i, v in reversed(list(enumerate(x_tr)))}
    T = cols.to_numpy(dtype=np.float64)
    T_te = T[[first_row[v] for v in nearest]]
    return (np.column_stack([X_tr[keep], T]), np.column_stack([X_te, T_te]), y_tr[keep],
            [*names, *cols.columns])


def _cox_predictions(result: HazardResults, origins: Sequence[int], horizon: int,
                     notes: list[str], label: str, out: list[pd.DataFrame]) -> list[dict]:
    model = result.extra["model"]
    frame, X, y, positions, names = _covariates(result)
    X = X[:, [names.index(t) for t in result.terms]]  # the baseline absorbs the intercept
    years = frame[model.risk_set.time].to_numpy(dtype=np.int64)
    rows = []
    for T in origins:
        train, test, row = _split(years, y, T, horizon, label)
        try:
            fit = restrict_model(model, positions[train]).fit(cov_type="classic")
        except EstimationError as exc:
            notes.append(f"{label}, origin {T}: not scored ({_short(exc)}).")
            rows.append({**row, "auc": np.nan, "brier": np.nan, "log_score": np.nan})
            continue
        lp = X[test] @ fit.params.loc[list(result.terms)].to_numpy()
        rows.append({**row, **_scores(y[test], lp, None)})
        out.append(_predictions(label, T, positions[test], years[test], y[test], lp,
                                np.full(len(lp), np.nan)))
    return rows


def _predictions(label: str, origin: int, rows: np.ndarray, years: np.ndarray, y: np.ndarray,
                 score: np.ndarray, prob: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"model": label, "origin": origin, "row": rows, "year": years,
                         "event": y.astype(np.int64), "score": score, "prob": prob})


def pooled_scores(predictions: pd.DataFrame) -> dict[str, float]:
    """AUC, Brier and log scores over all the test rows of ``predictions`` (one model)."""
    y = predictions["event"].to_numpy(dtype=np.float64)
    prob = predictions["prob"].to_numpy(dtype=np.float64)
    return _scores(y, predictions["score"].to_numpy(dtype=np.float64),
                   None if np.isnan(prob).all() else prob)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."


def rolling_origin(results: Mapping[str, HazardResults], *, origins: Sequence[int] | None,
                   horizon: int) -> tuple[pd.DataFrame, pd.DataFrame, list[int], list[str]]:
    """Score every model out of sample at each origin.

    Parameters
    ----------
    results : mapping of label to HazardResults
        Discrete-time or Cox fits on one common sample (same estimation rows), each
        recording its model (``extra["model"]``).
    origins : sequence of int or None
        Last training years; ``None``: :func:`default_origins`.
    horizon : int
        Years predicted after each origin.

    Returns
    -------
    table : DataFrame
        One row per model and origin: ``model``, ``origin``, ``n_train``, ``n_test``,
        ``n_test_events``, ``auc``, ``brier``, ``log_score``.
    predictions : DataFrame
        One row per model, origin and test row: ``model``, ``origin``, ``row`` (position
        in the risk set's frame), ``year``, ``event``, ``score`` (what the AUC ranks)
        and ``prob`` (predicted hazard; missing for Cox models).
    origins : list of int
    notes : list of str
    """
    first = next(iter(results.values()))
    years, events = _years(first), _events(first)
    origins = (default_origins(years, events, horizon) if origins is None
               else check_origins(origins, years, events))
    notes: list[str] = []
    rows: list[dict] = []
    predictions: list[pd.DataFrame] = []
    for label, res in results.items():
        if res.model.startswith("Cox"):
            rows += _cox_predictions(res, origins, horizon, notes, label, predictions)
        else:
            rows += _discrete_predictions(res, origins, horizon, notes, label, predictions)
    table = pd.DataFrame(rows)
    empty = table.loc[table["n_test_events"] == 0, "origin"].unique()
    if len(empty):
        notes.append(f"origin(s) {preview(sorted(int(v) for v in empty), 8)} have no event in "
                     f"their test window: no AUC there.")
    pred = (pd.concat(predictions, ignore_index=True) if predictions else
            pd.DataFrame(columns=["model", "origin", "row", "year", "event", "score", "prob"]))
    return table, pred, list(origins), notes


def _split(years: np.ndarray, y: np.ndarray, T: int, horizon: int, label: str
           ) -> tuple[np.ndarray, np.ndarray, dict]:
    """Rows up to origin ``T`` (training), rows of ``T+1..T+horizon`` (test), and the
    counts that open the origin's row of the accuracy table."""
    train, test = years <= T, (years > T) & (years <= T + horizon)
    row = {"model": label, "origin": T, "n_train": int(train.sum()),
           "n_test": int(test.sum()), "n_test_events": int(y[test].sum())}
    return train, test, row
