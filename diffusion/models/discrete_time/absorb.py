"""Discrete-time hazard models with absorbed fixed effects (process, period).

``DiscreteTimeHazard.from_formula(formula, rs, link=..., absorb=["policy", "year"])``
fits ``h = F(x' beta + a_policy + b_year)`` without putting the effects in the design:
they are swept out of every scoring step by weighted alternating projections
(:mod:`diffusion.models.discrete_time._absorb`). The model has no intercept (the effects
absorb it); the reported terms are the covariates' only.

Conventions
-----------
* **Estimates** equal those of the dummy-variable fit (R ``glm(y ~ x + factor(policy)
  + factor(year), binomial(link))``) on the rows kept.
* **Groups that predict the outcome perfectly are dropped**, as fixest does: a level
  of an absorbed factor whose rows are all 0 (a policy nobody adopted inside its
  window, a year without adoptions) or all 1 has an effect of minus (plus) infinity
  in the dummy fit and adds nothing to the likelihood of ``beta``. Its rows are
  removed, repeatedly until no such level is left, and counted in the notes
  (``absorb_dropped``).
* **Standard errors** are those of the dummy fit: the covariates' block of the inverse
  information (classic) or of the sandwich (robust, cluster), which equals the
  sandwich built from the residualised design (Frisch-Waugh-Lovell; the effects'
  scores are zero at the optimum).
* **Small-sample factor.** ``K`` counts the absorbed parameters: ``K = k + rank`` of the
  effects' dummies (for two factors, ``G_1 + G_2 - c`` with ``c`` the number of
  connected components of the levels; for one factor ``G_1``), as R ``glm`` with
  dummies followed by ``sandwich::vcovCL(type = "HC1")`` or ``vcovHC(type = "HC1")``
  does (its ``K`` is the number of non-aliased coefficients). R ``fixest`` by default
  (``ssc(fixef.K = "nested")``) leaves out effects nested in the cluster variable and
  so reports slightly smaller clustered SEs; with hundreds of effects and a million
  rows the two differ in the fourth digit at most. With three or more factors
  ``rank`` is taken as ``sum(G) - (m - 1)``, which is exact when the factors are
  connected and have no other redundancy.
* **Two-way clustering** (``cluster=["state_abbr", "policy"]``): Cameron, Gelbach &
  Miller (2011), in the convention of R ``sandwich::vcovCL(cluster = ~ a + b,
  multi0 = FALSE)`` (:func:`diffusion.inference.covariance.multiway_meat`).
* ``information="observed"`` is the expected information for the logit link (they
  are equal); for probit and cloglog it is refused with absorbed effects.
* ``aic`` and ``bic`` of the results count the covariates only (``n_params``); the
  dummy fit's would add ``2 * extra["n_absorbed"]`` (AIC) -- compare models with the same
  absorbed effects only, or add it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from diffusion._notes import Note
from diffusion.data.checks import check_option, preview, show
from diffusion.errors import (
    CollinearityError,
    ConvergenceError,
    EstimationError,
    SpecificationError,
)
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, sandwich_covariance
from diffusion.models.control import FitControl
from diffusion.models.design import build_design, check_collinearity
from diffusion.models.discrete_time._absorb import Absorber, fit_absorbed_glm

if TYPE_CHECKING:  # pragma: no cover
    from diffusion.data.riskset import RiskSet
    from diffusion.results.hazard import HazardResults

__all__ = ["check_absorb", "fit_absorbed", "cluster_columns"]


def check_absorb(absorb: Any, risk_set: RiskSet, variables: Sequence[str]) -> tuple[str, ...]:
    """Validate ``absorb=``: column names of the risk set, not the event, not in the formula."""
    if absorb is None:
        return ()
    if isinstance(absorb, str):
        absorb = [absorb]
    try:
        names = list(absorb)
    except TypeError:
        raise SpecificationError(
            f"absorb must be a list of column names, got {show(absorb)}.") from None
    bad = [a for a in names if not isinstance(a, str) or not a]
    if bad:
        raise SpecificationError(f"absorb must name columns (strings), got {preview(bad)}.")
    if len(set(names)) != len(names):
        raise SpecificationError(f"absorb names a column twice: {preview(names)}.")
    frame_cols = list(risk_set._frame.columns)
    absent = [a for a in names if a not in frame_cols]
    if absent:
        raise SpecificationError(
            f"absorb names column(s) absent from the risk set: {preview(absent)}. Available: "
            f"{preview(frame_cols, 15)}. Absorb the process column of a pooled risk set "
            f"(RiskSet.from_events(..., process=...)), the time column, or a column added "
            f"with with_covariates or assign.")
    if risk_set.event in names:
        raise SpecificationError("the event column cannot be absorbed.")
    clash = [a for a in names if a in variables]
    if clash:
        raise SpecificationError(
            f"column(s) {preview(clash)} are both absorbed and in the formula; a covariate "
            f"constant within an absorbed group is not identified. Remove them from one.")
    return tuple(names)


def cluster_columns(risk_set: RiskSet, cov_type: str, cluster: Any) -> list[str]:
    """Cluster columns: ``[]`` unless ``cov_type="cluster"``; default the unit."""
    if cluster is not None and cov_type != "cluster":
        raise SpecificationError(
            f"cluster= is only used with cov_type='cluster', not {show(cov_type)}.")
    if cov_type != "cluster":
        return []
    if cluster is None:
        cols = [risk_set.unit]
    elif isinstance(cluster, str):
        cols = [cluster]
    elif isinstance(cluster, (list, tuple)) and cluster and all(
            isinstance(c, str) for c in cluster):
        cols = list(cluster)
    else:
        raise SpecificationError(
            f"cluster must be a column name or a list of column names, got {show(cluster)}.")
    if len(set(cols)) != len(cols):
        raise SpecificationError(f"cluster names a column twice: {preview(cols)}.")
    absent = [c for c in cols if c not in risk_set._frame.columns]
    if absent:
        raise SpecificationError(
            f"cluster column(s) {preview(absent)} are absent from the risk set; available: "
            f"{preview(list(risk_set._frame.columns), 15)}.")
    return cols


def _codes(values: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(values, sort=False)
    return codes.astype(np.intp)


def _drop_perfect(y: np.ndarray, codes: list[np.ndarray], names: Sequence[str]
                  ) -> tuple[np.ndarray, dict[str, tuple[int, int, int]]]:
    """Rows kept after removing, repeatedly, levels whose outcomes are all 0 or all 1."""
    keep = np.ones(len(y), dtype=bool)
    dropped = {n: (0, 0, 0) for n in names}  # groups, rows, events
    while True:
        changed = False
        for name, c in zip(names, codes):
            g = int(c.max()) + 1
            rows = np.bincount(c[keep], minlength=g)
            ev = np.bincount(c[keep], weights=y[keep], minlength=g)
            perfect = (rows > 0) & ((ev == 0) | (ev == rows))
            if perfect.any():
                hit = keep & perfect[c]
                n_g, n_r, n_e = dropped[name]
                dropped[name] = (n_g + int(perfect.sum()), n_r + int(hit.sum()),
                                 n_e + int(y[hit].sum()))
                keep &= ~hit
                changed = True
        if not changed or not keep.any():
            return keep, dropped


def _rank(codes: list[np.ndarray]) -> int:
    """Rank of the absorbed dummies (see the module docstring)."""
    sizes = [int(c.max()) + 1 for c in codes]
    if len(codes) == 1:
        return sizes[0]
    if len(codes) == 2:
        a, b = codes
        n = sizes[0] + sizes[1]
        graph = coo_matrix((np.ones(len(a)), (a, b + sizes[0])), shape=(n, n))
        n_comp, _ = connected_components(graph, directed=False)
        return n - n_comp
    return sum(sizes) - (len(codes) - 1)


def fit_absorbed(model: Any, *, cov_type: str, cluster: Any, information: str,
                 small_sample: str, control: FitControl | None) -> HazardResults:
    """Fit ``model`` (a DiscreteTimeHazard with ``absorb``); see the module docstring."""
    # Every BLAS call here is on a small matrix (k x k, or G x G for the smaller factor);
    # with OpenBLAS threads these are slower than one thread -- by 2-3x on a busy 2-core
    # machine, where the threads spin waiting for each other. The per-row work is numpy
    # element-wise and bincount, which BLAS threads do not speed up anyway.
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        from contextlib import nullcontext

        def threadpool_limits(*args: Any, **kwargs: Any):  # type: ignore[misc]
            return nullcontext()
    with threadpool_limits(1, user_api="blas"):
        return _fit_absorbed(model, cov_type=cov_type, cluster=cluster,
                             information=information, small_sample=small_sample,
                             control=control)


def _fit_absorbed(model: Any, *, cov_type: str, cluster: Any, information: str,
                  small_sample: str, control: FitControl | None) -> HazardResults:
    cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
    information = check_option(information, ("expected", "observed"), name="information")
    small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
    control = control or FitControl()
    link = model.link
    if information == "observed" and link.name != "logit":
        raise SpecificationError(
            f"information='observed' is not available with absorbed effects for the "
            f"{link.name} link; use information='expected' (R glm's convention).")
    rs = model.risk_set
    absorb = model.absorb
    clusters = cluster_columns(rs, cov_type, cluster)
    design = build_design(rs, model.spec, model.time,
                          extra_columns=[*absorb, *clusters], check_collinear=False)
    names = list(design.names)
    X = design.X
    if "Intercept" in names:  # absorbed by the effects
        j = names.index("Intercept")
        X = np.delete(X, j, axis=1)
        names.pop(j)
    y = design.y
    frame = design.frame
    codes = [_codes(frame[a]) for a in absorb]
    keep, dropped = _drop_perfect(y, codes, absorb)
    notes = list(design.notes)
    lost = {a: v for a, v in dropped.items() if v[0]}
    if lost:
        total_rows = int((~keep).sum())
        shown = "; ".join(f"{show(a)}: {g} group(s), {r} row(s), {e} event(s)"
                          for a, (g, r, e) in lost.items())
        notes.append(Note(
            "absorb_dropped", total_rows,
            f"{total_rows} row(s) dropped because their absorbed group's outcomes are all 0 "
            f"(or all 1), so its effect is infinite and the group adds nothing to the "
            f"estimates (as fixest): {shown}.",
        ))
    if not keep.any() or y[keep].sum() == 0:
        raise EstimationError(
            f"no rows are left after dropping the absorbed groups ({preview(list(absorb))}) "
            f"whose outcomes are all 0 or all 1; nothing varies within the absorbed effects.")
    if not keep.all():
        y = y[keep]
        X = X[keep]
        frame = frame.iloc[np.flatnonzero(keep)]
        codes = [_codes(frame[a]) for a in absorb]
    rows = design.rows[keep]
    sizes = [int(c.max()) + 1 for c in codes]
    rank = _rank(codes)
    notes.append(Note(
        "absorbed", rank,
        f"absorbed effects: {', '.join(f'{show(a)} ({g} levels)' for a, g in zip(absorb, sizes))}; "
        f"{rank} absorbed parameter(s) count in the small-sample factor (as the dummy fit).",
    ))
    X = np.asfortranarray(X)
    if X.shape[1]:
        Xt = Absorber(codes).residualise_columns(X, np.ones(len(y)))
        before = np.sqrt(np.einsum("ij,ij->j", X - X.mean(axis=0), X - X.mean(axis=0)))
        after = np.sqrt(np.einsum("ij,ij->j", Xt, Xt))
        gone = [n for n, b, a in zip(names, before, after) if a <= 1e-9 * max(b, 1.0)]
        if gone:
            raise CollinearityError(
                f"term(s) {preview(gone)} do not vary within the absorbed effects "
                f"({preview(list(absorb))}) and are not identified; remove them (e.g. a "
                f"period covariate with absorb=[..., 'year'], or time='dummies').")
        check_collinearity(Xt, names)
    fit = fit_absorbed_glm(y, X, codes, link, control)
    if not fit.converged:
        raise ConvergenceError(
            f"the {link.name} model with absorbed effects did not converge in {fit.n_iter} "
            f"scoring steps ({'; '.join(fit.messages) or 'iteration limit'}). Rescale "
            f"covariates or raise FitControl(max_iter=...).")
    eta = fit.eta
    score, expected_w = link.score_and_weight(y, eta)
    weight = expected_w if information == "expected" else link.observed_weight(y, eta)
    Xt = Absorber(codes).residualise_columns(X, weight) if X.shape[1] else X
    cluster_values = [frame[c].to_numpy() for c in clusters]
    if X.shape[1]:
        cov, n_clusters = sandwich_covariance(
            Xt, score, weight, cov_type=cov_type,
            clusters=(cluster_values if len(cluster_values) > 1 else
                      (cluster_values[0] if cluster_values else None)),
            small_sample=small_sample, k_absorbed=rank)
    else:
        cov, n_clusters = np.zeros((0, 0)), None
    loglik = float(np.sum(link.loglik_terms(y, eta)))
    new_design = replace(design, y=y, X=X, names=tuple(names), rows=rows, frame=frame,
                         notes=tuple(notes))
    cluster_name = " + ".join(clusters) if clusters else None
    res = model._results(
        new_design, model=f"discrete-time {link.name} (absorbed: {', '.join(absorb)})",
        params=fit.params, cov=cov, loglik=loglik, cov_type=cov_type, cluster=cluster_name,
        n_clusters=n_clusters, information=information, small_sample=small_sample,
        notes=tuple(notes), converged=fit.converged, n_iter=fit.n_iter,
        extra={"absorb": tuple(absorb), "absorb_levels": dict(zip(absorb, sizes)),
               "clusters": tuple(clusters),
               "n_absorbed": rank, "absorb_sweeps": fit.sweeps,
               "fit_options": {"cov_type": cov_type, "cluster": cluster,
                               "information": information, "small_sample": small_sample,
                               "control": control}},
    )
    # the summary's "Time" line: the baseline is the absorbed effects (plus any time term)
    absorbed = f"absorbed effects ({', '.join(absorb)})"
    return replace(res, time_term=f"{res.time_term}; {absorbed}" if res.time_term else absorbed)
