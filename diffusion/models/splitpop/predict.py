"""Predictions of a split-population (cure) model: cure probabilities and hazards.

For a unit with at-risk probability ``pi`` (risk part, read at the unit's first row)
and at-risk cumulative-hazard increments ``dH_s`` over its rows (duration part; see
:mod:`diffusion.models.splitpop.hazard`), row ``t`` gets

* ``at_risk`` ``= pi``, the probability of being at risk at entry;
* ``hazard_at_risk`` ``= h_t = 1 - exp(-dH_t)``, the probability that a unit *at
  risk* that has not adopted before row ``t`` adopts in it (the conditional hazard
  among units at risk);
* ``p_at_risk`` ``= pi S_{t-1} / (1 - pi + pi S_{t-1})``, the probability of being at
  risk given no adoption before row ``t`` (spduration's "conditional risk"), with
  ``S_{t-1} = exp(-sum_{s<t} dH_s)``;
* ``hazard`` ``= p_at_risk * h_t``, the unconditional hazard: the probability of
  adopting in row ``t`` for a unit that has not adopted before (at risk or not);
* ``adoption`` ``= pi (1 - S_t)``, the probability of having adopted by the end of
  row ``t`` (from entry); it never exceeds ``pi``.

spduration's ``predict(type = "conditional hazard")`` differs in using the density
``f(d)`` for the event year (see the model's notes) and ``S(d)`` rather than
``S(d - 1)`` in the conditional at-risk probability.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from diffusion.data.checks import check_frame, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import DataError, MissingColumnError, SpecificationError
from diffusion.models.splitpop._engine import SplitPopData, _parts, increments
from diffusion.results.hazard import HazardResults

__all__ = ["cure_probabilities", "predict_splitpop"]

#: most profile-years a profile prediction expands to (each profile's durations 1..D)
MAX_PROFILE_ROWS = 10**7


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
        One row per unit of the estimation sample: ``at_risk`` ``= pi_i`` (the prior
        probability from the risk part), ``cured`` ``= 1 - pi_i`` and
        ``cured_posterior``, the probability of being a never-adopter given survival
        through the unit's last row: ``(1 - pi_i) / ((1 - pi_i) + pi_i S_i)`` for
        censored units, 0 for adopters.
    """
    state = _state(result)
    data: SplitPopData = state["data"]
    log_pi, log_1mpi, _, cum_all, _ = _parts(result._params, data)
    post = np.exp(log_1mpi - np.logaddexp(log_1mpi, log_pi - cum_all))
    post[data.d.astype(bool)] = 0.0
    out = state["units"].copy()
    out["cured"] = 1.0 - out["at_risk"]
    out["cured_posterior"] = post
    return out


def predict_splitpop(result: HazardResults, data: RiskSet | pd.DataFrame | None = None, *,
                     duration: str = "duration") -> pd.DataFrame:
    """Per row: at-risk probability, hazard among units at risk, unconditional hazard.

    Parameters
    ----------
    result : HazardResults
        The result of :meth:`SplitPopulationHazard.fit` (any ``distribution``).
    data : None, RiskSet or DataFrame
        ``None``: the estimation sample. A :class:`~diffusion.RiskSet` (e.g. later
        years, or other units, with the model's covariate columns): each unit's
        rows form its history from its first row, on the duration clock of that
        risk set, with the risk covariates of the unit's first usable row. A
        DataFrame: covariate **profiles**, one row per profile and duration, with
        the covariates held fixed from the first year at risk to the row's
        ``duration``.
    duration : str, default "duration"
        Column of the profile DataFrame with the duration (a whole number >= 1; 1 is
        the first year at risk). Not used otherwise.

    Returns
    -------
    DataFrame
        Estimation sample or risk set: the unit and time columns, ``duration``, then
        ``at_risk``, ``hazard_at_risk``, ``p_at_risk``, ``hazard`` and ``adoption``
        (see the module notes). Profiles: ``profile`` (the DataFrame's index label),
        ``duration`` and the same five columns.

        In a risk set, rows with a missing covariate get NaN: missing values at the
        start of a unit's rows delay its entry (its history starts at the first
        complete row, as in estimation), and a missing value later leaves that row
        and the unit's later rows NaN (survival through that year is unknown). With a
        cloglog time term, a period the estimation sample did not contain has no
        estimate (NaN from there on).

    Raises
    ------
    MissingColumnError
        ``data`` lacks a covariate column of the model (or the duration column).
    DataError
        Profiles with missing or non-numeric values, durations that are not whole
        numbers >= 1, values the model's formula cannot encode.
    SpecificationError
        Profiles for a cloglog model whose time term runs on the calendar clock (pass
        a risk set).
    """
    state = _state(result)
    theta = result._params
    kz = state["k_risk"]
    dist = state["distribution"]
    if data is None:
        d: SplitPopData = state["data"]
        out = _hazards(theta, kz, dist, d.X, d.dur, d.unit, d.Z)
        units = state["units"][state["unit_col"]].to_numpy()[d.unit]
        return pd.concat([pd.DataFrame({state["unit_col"]: units,
                                        state["time_col"]: state["times"],
                                        "duration": d.dur}), out], axis=1)
    model = result.extra["model"]
    if not isinstance(duration, str):
        raise SpecificationError(
            f"duration must be the name of the profiles' duration column (a string), got "
            f"{show(duration)}.")
    if isinstance(data, RiskSet):
        return _predict_risk_set(result, state, model, data)
    if isinstance(data, pd.DataFrame):
        return _predict_profiles(result, state, model, data, duration)
    raise SpecificationError(
        f"data must be None, a RiskSet or a DataFrame of profiles, got {type(data).__name__}.")


# ------------------------------------------------------------------ helpers
def _hazards(theta: np.ndarray, kz: int, dist: str, X: np.ndarray, dur: np.ndarray,
             codes: np.ndarray, Z_units: np.ndarray,
             usable: np.ndarray | None = None, where: Any = None) -> pd.DataFrame:
    """The five prediction columns for rows sorted by group (``codes``, contiguous).

    ``where(i)`` names row ``i`` in the error raised when a row's hazard overflows.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        dH = increments(theta[kz:], X, dur, dist)
        zg = Z_units @ theta[:kz]
    if usable is not None:
        dH = np.where(usable, dH, 0.0)
    overflow = ~np.isfinite(dH) | ~np.isfinite(zg)[codes]
    if overflow.any():
        # covariates far outside the estimation sample: the hazard (or the risk part)
        # leaves floating-point range, and the probabilities would be 0/0
        i = int(np.argmax(overflow))
        raise DataError(
            f"the covariates of {int(overflow.sum())} row(s) give a hazard or an at-risk "
            f"log-odds beyond floating-point range (e.g. "
            f"{where(i) if where else f'row {i}'}); give covariate values on the scale of the "
            f"estimation sample.")
    log_pi = -np.logaddexp(0.0, -zg)[codes]
    log_1mpi = -np.logaddexp(0.0, zg)[codes]
    cum = np.cumsum(dH)
    starts = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, bool)
    group = np.cumsum(starts) - 1
    # cumulative hazard through each row, from the group's first row
    after = cum - np.r_[0.0, cum][np.flatnonzero(starts)][group]
    before = after - dH
    with np.errstate(invalid="ignore"):
        h = -np.expm1(-dH)
        p = np.exp(log_pi - before - np.logaddexp(log_1mpi, log_pi - before))
        adoption = np.exp(log_pi) * -np.expm1(-after)
    out = pd.DataFrame({"at_risk": np.exp(log_pi), "hazard_at_risk": h, "p_at_risk": p,
                        "hazard": p * h, "adoption": adoption})
    if usable is not None:
        out.loc[~usable, ["hazard_at_risk", "p_at_risk", "hazard", "adoption"]] = np.nan
    return out


def _check_columns(frame: pd.DataFrame, needed: list[str], what: str) -> None:
    absent = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if absent:
        raise MissingColumnError(
            f"{what} lacks {len(absent)} column(s) the split-population model reads: "
            f"{preview(absent)}; it has {preview(list(frame.columns), 12)}. Add them (with "
            f"the same names and lags as in the estimation risk set).")


def _designs(model, state: dict, frame: pd.DataFrame, where: str
             ) -> tuple[np.ndarray, np.ndarray]:
    """The duration covariates (without the time term) and the risk covariates of
    ``frame``, encoded as in the fit."""
    n_time = state["n_time"]
    dnames = state["duration_names"]
    cov_names = dnames[: len(dnames) - n_time] if n_time else dnames
    X = _encode(model.duration_spec, state["duration_model_spec"], cov_names, frame, where)
    Z = _encode(model.risk_spec, state["risk_model_spec"], state["risk_names"], frame, where)
    return X, Z


def _encode(spec, model_spec, names: tuple[str, ...], frame: pd.DataFrame,
            what: str) -> np.ndarray:
    """Encode ``frame`` as the estimation design (levels, transformations); NaN kept."""
    if spec.rhs is None:
        cols = [np.ones(len(frame))] if spec.intercept else []
        for c in spec.columns:
            dtype = frame[c].dtype
            if (pd.api.types.is_datetime64_any_dtype(dtype)
                    or pd.api.types.is_timedelta64_dtype(dtype)
                    or isinstance(dtype, pd.PeriodDtype)):
                raise DataError(
                    f"{what}: column {show(c)} holds dates ({dtype}); give the numbers the "
                    f"model was estimated on.")
            values = pd.to_numeric(frame[c], errors="coerce")
            bad = values.isna() & frame[c].notna()
            if bad.any():
                raise DataError(
                    f"{what}: column {show(c)} has {int(bad.sum())} non-numeric value(s), "
                    f"e.g. {show(frame[c][bad].iloc[0])}; give numbers.")
            cols.append(_as_float(values, what, f"column {show(c)}"))
        X = np.column_stack(cols) if cols else np.empty((len(frame), 0))
        got = (("Intercept",) if spec.intercept else ()) + tuple(spec.columns)
    else:
        try:
            mm = model_spec.get_model_matrix(frame, na_action="ignore")
        except Exception as exc:  # formulaic raises several kinds (unknown levels, ...)
            raise DataError(
                f"{what}: cannot encode the data with the model's formula "
                f"{show(spec.text)}: {exc}. Give values (and category levels) seen in the "
                f"estimation sample.") from exc
        X = _as_float(mm, what, f"the formula {show(spec.text)}")
        got = tuple(mm.columns)
    if got != tuple(names):
        raise SpecificationError(
            f"{what} encodes to terms {preview(list(got))}, not the model's "
            f"{preview(list(names))}.")
    return X


def _as_float(values, what: str, where: str) -> np.ndarray:
    """``values`` as float64; complex numbers, durations or objects are refused."""
    complex_warning = getattr(np, "exceptions", np).ComplexWarning
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", complex_warning)
            return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, complex_warning) as exc:
        raise DataError(
            f"{what}: {where} gives values that are not real numbers ({exc}); give the "
            f"numbers the model was estimated on.") from exc


def _time_columns(state: dict, clock: np.ndarray) -> np.ndarray:
    """Time-term columns of each clock value; NaN where the estimation had no row."""
    values, cols = state["time_lookup"]
    pos = np.searchsorted(values, clock)
    pos_c = np.minimum(pos, len(values) - 1)
    seen = values[pos_c] == clock
    out = np.full((len(clock), cols.shape[1]), np.nan)
    out[seen] = cols[pos_c[seen]]
    return out


def _predict_risk_set(result, state, model, rs: RiskSet) -> pd.DataFrame:
    frame = rs._frame
    needed = [*model.risk_spec.variables, *model.duration_spec.variables]
    _check_columns(frame, needed, "the risk set")
    order = np.lexsort((frame[rs.time].to_numpy(), pd.factorize(frame[rs.unit])[0]))
    sub = frame.iloc[order]
    n_time = state["n_time"]
    X, Zr = _designs(model, state, sub, "the risk set")
    entry = rs.entry_times().to_numpy(dtype=np.int64)[order]
    t = sub[rs.time].to_numpy(dtype=np.int64)
    clock = t - entry + 1
    if n_time:
        tclock = clock if model.time.scale == "duration" else t
        X = np.hstack([X, _time_columns(state, tclock)])
    codes, uniques = pd.factorize(sub[rs.unit])
    valid = np.isfinite(X).all(1) & np.isfinite(Zr).all(1)
    n = len(uniques)
    # rows are sorted by unit: cumulative flags within units
    starts = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.zeros(0, bool)
    group_start = np.flatnonzero(starts)[codes] if len(codes) else np.zeros(0, np.intp)
    cv = np.cumsum(valid)
    base = np.r_[0, cv][group_start]
    started = (cv - base) > 0
    brk = started & ~valid
    cb = np.cumsum(brk)
    broken = (cb - np.r_[0, cb][group_start]) > 0
    usable = valid & started & ~broken
    # risk covariates of each unit's first usable row
    Z = np.full((n, Zr.shape[1]), np.nan)
    rows_ok = np.flatnonzero(usable)
    _, first = np.unique(codes[rows_ok], return_index=True)
    first_usable = rows_ok[first]
    Z[codes[first_usable]] = Zr[first_usable]
    Xs = np.where(valid[:, None], X, 0.0)
    units = sub[rs.unit].to_numpy()
    out = _hazards(result._params, state["k_risk"], state["distribution"], Xs,
                   clock.astype(np.float64), codes, np.nan_to_num(Z), usable,
                   where=lambda i: f"unit {rs.label(units[i])}, {rs.time} {t[i]}")
    out.loc[~usable, "at_risk"] = np.nan
    head = pd.DataFrame({rs.unit: sub[rs.unit].to_numpy(), rs.time: t,
                         "duration": clock})
    return pd.concat([head, out], axis=1)


def _predict_profiles(result, state, model, profiles: pd.DataFrame,
                      duration: str) -> pd.DataFrame:
    if not len(profiles):
        raise DataError("profiles must be a non-empty DataFrame with one row per profile.")
    check_frame(profiles, name="profiles")  # duplicated column names refused
    needed = [*model.risk_spec.variables, *model.duration_spec.variables, duration]
    _check_columns(profiles, needed, "the profiles")
    covs = list(dict.fromkeys(needed))
    if profiles[covs].isna().any().any():
        cols = [c for c in covs if profiles[c].isna().any()]
        raise DataError(f"profiles have missing values in {preview(cols)}; give every "
                        f"covariate and the duration a value.")
    dvals = pd.to_numeric(profiles[duration], errors="coerce").to_numpy(dtype=np.float64)
    finite = np.isfinite(dvals)
    bad = ~finite
    bad[finite] = ~((dvals[finite] >= 1) & (np.mod(dvals[finite], 1) == 0))
    if bad.any():
        raise DataError(
            f"profiles column {show(duration)} must hold whole durations >= 1 (1 = first "
            f"year at risk); {int(bad.sum())} row(s) do not, e.g. "
            f"{show(profiles[duration].iloc[int(np.flatnonzero(bad)[0])])}.")
    if dvals.sum() > MAX_PROFILE_ROWS:
        raise DataError(
            f"the profiles ask for {dvals.sum():.0f} profile-years (each profile's durations "
            f"1..{show(profiles[duration].iloc[int(np.argmax(dvals))])} at most); the limit is "
            f"{MAX_PROFILE_ROWS:,}. Give shorter durations or fewer profiles.")
    n_time = state["n_time"]
    if n_time and model.time.scale != "duration":
        raise SpecificationError(
            f"the model's time term ({model.time.describe()}) runs on the calendar clock, "
            f"so a profile needs calendar years: pass a RiskSet as data instead.")
    X1, Z = _designs(model, state, profiles, "the profiles")
    inf = ~(np.isfinite(X1).all(1) & np.isfinite(Z).all(1))
    if inf.any():
        raise DataError(
            f"{int(inf.sum())} profile(s) have infinite covariate values, e.g. profile "
            f"{show(profiles.index[int(np.argmax(inf))])}; give finite numbers.")
    D = dvals.astype(np.int64)
    # each profile's history: durations 1..D with its covariates held fixed
    codes = np.repeat(np.arange(len(profiles)), D)
    clock = np.concatenate([np.arange(1, k + 1) for k in D])
    X = X1[codes]
    if n_time:
        X = np.hstack([X, _time_columns(state, clock)])
    usable = np.isfinite(X).all(1)
    # once a duration has no estimate, the later ones have none either
    cb = np.cumsum(~usable)
    starts = np.r_[0, np.cumsum(D)[:-1]]
    usable &= (cb - np.r_[0, cb][starts][codes]) == 0
    out = _hazards(result._params, state["k_risk"], state["distribution"],
                   np.where(usable[:, None], X, 0.0), clock.astype(np.float64), codes, Z,
                   usable, where=lambda i: f"profile {show(profiles.index[codes[i]])} at "
                                           f"duration {clock[i]}")
    last = np.cumsum(D) - 1
    res = out.iloc[last].reset_index(drop=True)
    head = pd.DataFrame({"profile": profiles.index.to_numpy(), "duration": D})
    return pd.concat([head, res], axis=1)
