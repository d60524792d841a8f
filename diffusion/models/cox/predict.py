"""Baseline hazard and predictions of a fitted Cox model for covariate profiles.

The baseline hazard increments are stored by :meth:`CoxHazard.fit` at ``x = 0``
(uncentred covariates, R ``basehaz(fit, centered = FALSE)``). For a profile ``x``
the cumulative hazard is ``H(t | x) = exp(x' beta) sum_{tau <= t} dH0(tau)``, the
survival ``exp(-H)`` (R ``survfit.coxph`` default ``stype = 2``) and the
probability of having adopted by ``t`` is ``1 - exp(-H)``. Under the calendar clock
the baseline is indexed by year; under the duration clock by the years since entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from diffusion.data.checks import preview, show
from diffusion.errors import DataError, SpecificationError
from diffusion.models.cox.sample import CoxSample
from diffusion.models.design import Spec

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.results.hazard import HazardResults


class CoxModel(Protocol):
    """What prediction needs of a Cox model (:class:`~diffusion.CoxHazard` has it)."""

    spec: Spec
    strata: str | None

    def sample(self, *, extra_columns: Sequence[str] = ()) -> CoxSample: ...

__all__ = ["cumulate", "predict_profiles"]


def cumulate(baseline: pd.DataFrame, strata: str | None) -> pd.DataFrame:
    """Add ``cumulative_hazard`` and ``survival`` to the increments (within strata)."""
    out = baseline.copy()
    if strata:
        out["cumulative_hazard"] = out.groupby(strata, sort=False)["hazard"].cumsum()
    else:
        out["cumulative_hazard"] = out["hazard"].cumsum()
    out["survival"] = np.exp(-out["cumulative_hazard"])
    return out.reset_index(drop=True)


def _profile_matrix(model: CoxModel, result: HazardResults, profiles: pd.DataFrame) -> np.ndarray:
    """Encode the profiles exactly as the estimation rows (levels, transformations)."""
    if not isinstance(profiles, pd.DataFrame) or not len(profiles):
        raise DataError("profiles must be a non-empty DataFrame with one row per profile.")
    needed = [v for v in model.spec.variables]
    absent = [v for v in needed if v not in profiles.columns]
    if absent:
        raise DataError(
            f"profiles lack the covariate column(s) {preview(absent)} of the model "
            f"{show(model.spec.text)}."
        )
    if profiles[needed].isna().any().any():
        raise DataError("profiles have missing covariate values; give every covariate a value.")
    if model.spec.rhs is None:
        X = profiles[list(model.spec.columns)].to_numpy(dtype=np.float64)
        names = list(model.spec.columns)
    else:
        s = model.sample(extra_columns=[result.cluster] if result.cluster else [])
        mm = s.design.model_spec.get_model_matrix(profiles, na_action="raise")
        frame = pd.DataFrame(np.asarray(mm, dtype=np.float64), columns=list(mm.columns))
        names = [c for c in frame.columns if c != "Intercept"]
        X = frame[names].to_numpy()
    if tuple(names) != tuple(result.terms):
        raise SpecificationError(
            f"the profiles encode to terms {preview(names)}, not the model's "
            f"{preview(list(result.terms))}."
        )
    return X


def predict_profiles(model: CoxModel, result: HazardResults, profiles: pd.DataFrame, *,
                     since: float | None = None) -> pd.DataFrame:
    """See :meth:`CoxHazard.predict`."""
    X = _profile_matrix(model, result, profiles)
    risk = np.exp(X @ result.params.to_numpy())
    base = result.extra["baseline"]
    strata = model.strata
    if strata:
        if strata not in profiles.columns:
            raise DataError(f"profiles need the strata column {show(strata)} of the model.")
        known = set(base[strata])
        unknown = [v for v in profiles[strata] if v not in known]
        if unknown:
            raise DataError(
                f"profiles name strata {preview(unknown)} that have no event times; known "
                f"strata: {preview(sorted(known, key=str))}."
            )
    pieces = []
    for label, r, p in zip(profiles.index, risk, range(len(profiles))):
        b = base[base[strata] == profiles[strata].iloc[p]] if strata else base
        t0 = float(b["time"].min()) if since is None else float(since)
        t1 = float(b["time"].max())
        times = np.arange(np.ceil(t0), np.floor(t1) + 1)
        dh0 = pd.Series(b["hazard"].to_numpy(), index=b["time"].to_numpy()).reindex(
            times, fill_value=0.0).to_numpy()
        dh = dh0 * r
        H = np.cumsum(dh)
        piece = {"profile": label}
        if strata:
            piece[strata] = profiles[strata].iloc[p]
        piece.update({"time": times, "hazard": -np.expm1(-dh), "cumulative_hazard": H,
                      "survival": np.exp(-H), "adoption": -np.expm1(-H)})
        pieces.append(pd.DataFrame(piece))
    return pd.concat(pieces, ignore_index=True)
