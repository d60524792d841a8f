"""From a risk set and a specification to an estimation sample and design matrix.

Shared by every model family: resolves the covariate specification (a formula
parsed by formulaic, or column names), drops rows with missing values listwise
(counted in a note), refuses non-finite values and collinear columns (naming
them), and appends the time-dependence columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg

from diffusion._linalg import as_columns, column_gram
from diffusion._notes import Note
from diffusion.data.checks import check_int_range, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import (
    CollinearityError,
    DataError,
    EstimationError,
    SpecificationError,
)
from diffusion.models.time_terms import TimeTerm

__all__ = ["Spec", "Design", "formula_spec", "columns_spec", "build_design", "cluster_column",
           "separation", "check_generated", "GENERATED"]

#: Term labels the models generate themselves; a user column of one of these names
#: would silently replace (or be dropped with) the generated term, so it is refused.
GENERATED = ("Intercept",)


def check_generated(names: Sequence[str], generated: Sequence[str], *, where: str) -> None:
    """Refuse user terms named like a term the model generates (e.g. ``Intercept``)."""
    clash = [n for n in names if n in generated]
    if clash:
        raise SpecificationError(
            f"{where}: covariate(s) {preview(clash)} have the name of a term the model "
            f"generates ({preview(generated)}), so one would silently replace the other. "
            f"Rename the column, e.g. rs.assign(my_const=lambda f: f[{show(clash[0])}])."
        )


@dataclass(frozen=True)
class Spec:
    """What the user asked for: a right-hand side and the columns it reads."""

    rhs: object  # formulaic formula (or None for column names)
    columns: tuple[str, ...]  # covariate columns (column-name constructor)
    variables: tuple[str, ...]  # every risk-set column the specification reads
    intercept: bool
    text: str


@dataclass(frozen=True)
class Design:
    """An estimation sample: ``y``, ``X`` and where its rows come from."""

    y: np.ndarray
    X: np.ndarray
    names: tuple[str, ...]
    rows: np.ndarray  # positions in risk_set.frame
    frame: pd.DataFrame  # the estimation rows of the risk set
    notes: tuple[Note, ...]
    n_time_terms: int
    #: formulaic ModelSpec of a formula specification (term -> columns, categorical
    #: levels), to encode new data (profiles) exactly as the estimation rows; None
    #: for column-name specifications
    model_spec: object = None


def formula_spec(formula: str, risk_set: RiskSet) -> Spec:
    """Parse ``formula`` with formulaic and check the columns it names."""
    from formulaic import Formula
    from formulaic.errors import FormulaicError

    if not isinstance(formula, str) or not formula.strip():
        raise SpecificationError(f"formula must be a non-empty string, got {show(formula)}.")
    try:
        parsed = Formula(formula)
    except (FormulaicError, SyntaxError, ValueError) as exc:
        raise SpecificationError(f"cannot parse formula {show(formula)}: {exc}") from exc
    # formulaic reads 'y ~ a | b' as a multi-part formula whose sides are tuples
    for side in ("lhs", "rhs"):
        part = getattr(parsed, side, parsed if side == "rhs" else None)
        if part is not None and not hasattr(part, "required_variables"):
            raise SpecificationError(
                f"formula {show(formula)} has several parts separated by '|'; a hazard "
                f"model takes one, e.g. 'event ~ x1 + x2'.")
    rhs = parsed.rhs if hasattr(parsed, "rhs") else parsed
    if hasattr(parsed, "lhs"):
        lhs_vars = set(parsed.lhs.required_variables)
        if lhs_vars != {risk_set.event}:
            raise SpecificationError(
                f"the left side of {show(formula)} must be the risk set's event column "
                f"{show(risk_set.event)}; write '{risk_set.event} ~ ...' or give only the right side."
            )
    frame_cols = set(risk_set._frame.columns)
    needed = sorted(v for v in rhs.required_variables if v not in {"np", "C"})
    absent = [v for v in needed if v not in frame_cols]
    if absent:
        raise SpecificationError(
            f"formula {show(formula)} names column(s) absent from the risk set: {preview(absent)}. "
            f"Available columns: {preview(sorted(map(str, frame_cols)), 15)}. Add them with "
            f"with_covariates or with_exposure."
        )
    if risk_set.event in needed:
        raise SpecificationError("the event column cannot appear on the right side of the formula.")
    check_generated(needed, GENERATED, where=f"formula {show(formula)}")
    _check_kinds(risk_set._frame, needed, where=f"formula {show(formula)}")
    terms = [str(t) for t in rhs]
    intercept = "1" in terms
    return Spec(rhs, (), tuple(needed), intercept, formula)


def columns_spec(covariates: Sequence[str], risk_set: RiskSet, intercept: bool) -> Spec:
    """Check a list of covariate column names."""
    if isinstance(covariates, str):
        covariates = [covariates]
    covariates = list(covariates)
    frame = risk_set._frame
    unhashable = [c for c in covariates if not isinstance(c, str)]
    if unhashable:
        raise SpecificationError(
            f"covariates must be column names (strings), got {preview(unhashable)}.")
    absent = [c for c in covariates if c not in frame.columns]
    if absent:
        raise SpecificationError(
            f"covariate column(s) {preview(absent)} are absent from the risk set; available: "
            f"{preview(list(frame.columns), 15)}."
        )
    if risk_set.event in covariates:
        raise SpecificationError("the event column cannot be a covariate.")
    non_numeric = [c for c in covariates
                   if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))]
    if non_numeric:
        raise SpecificationError(
            f"covariate column(s) {preview(non_numeric)} are not numeric; use "
            f"from_formula with C(name) for categorical covariates."
        )
    if len(set(covariates)) != len(covariates):
        raise SpecificationError("a covariate is listed twice.")
    check_generated(covariates, GENERATED, where="covariates")
    text = " + ".join(["1"] * intercept + covariates) or "0"
    return Spec(None, tuple(covariates), tuple(covariates), bool(intercept), text)


def cluster_column(risk_set: RiskSet, cov_type: str, cluster: str | None) -> str | None:
    """The cluster column of a fit: ``cluster`` or the unit for ``"cluster"``, else None.

    Refuses ``cluster=`` with another covariance type and a column the risk set lacks.
    """
    if cluster is not None and not isinstance(cluster, str):
        raise SpecificationError(f"cluster must be a column name or None, got {show(cluster)}.")
    if cluster is not None and cov_type != "cluster":
        raise SpecificationError(
            f"cluster= is only used with cov_type='cluster', not {show(cov_type)}.")
    if cov_type != "cluster":
        return None
    column = cluster or risk_set.unit
    if column not in risk_set._frame.columns:
        raise SpecificationError(
            f"cluster column {show(column)} is absent from the risk set; available: "
            f"{preview(list(risk_set._frame.columns), 15)}."
        )
    return column


def build_design(
    risk_set: RiskSet,
    spec: Spec,
    time: TimeTerm | None,
    extra_columns: Sequence[str] = (),
    *,
    check_collinear: bool = True,
) -> Design:
    """Estimation sample for ``spec`` (and ``extra_columns``, e.g. the cluster).

    ``check_collinear=False`` leaves the collinearity check to the caller (the Cox
    model checks the stronger condition of collinearity within risk sets).
    """
    frame = risk_set._frame
    notes: list[Note] = list(risk_set.notes)
    used = list(dict.fromkeys([*spec.variables, *extra_columns]))
    if used:
        na = frame[used].isna()
        drop = na.any(axis=1).to_numpy()
    else:
        na = None
        drop = np.zeros(len(frame), dtype=bool)
    if drop.any():
        per = {c: int(n) for c, n in na.sum().items() if n}
        lost_events = int(frame.loc[drop, risk_set.event].sum())
        notes.append(Note(
            "listwise_deletion", int(drop.sum()),
            f"{int(drop.sum())} row(s) ({lost_events} event(s)) dropped for missing values "
            f"(listwise) in {', '.join(f'{show(c)}: {n}' for c, n in per.items())}.",
        ))
    # row positions as int32 where they fit: half the memory of int64 at millions of rows
    rows = np.flatnonzero(~drop).astype(np.int32 if len(frame) < 2**31 else np.int64)
    # no copy when nothing is dropped (the frame is never written to downstream)
    sample = frame.iloc[rows] if drop.any() else frame

    model_spec = None
    # The design is built straight into one column-major float64 array (what the
    # engines read), with no pandas copy of it alive at the same time: at millions of
    # rows the design step would otherwise hold three copies at its peak.
    if spec.rhs is not None:
        mm = _model_matrix(spec, sample)
        model_spec = getattr(mm, "model_spec", None)
        names = [str(c) for c in mm.columns]
        Xa = np.empty((len(sample), len(names)), order="F")
        for j, c in enumerate(mm.columns):
            Xa[:, j] = mm.iloc[:, j].to_numpy(dtype=np.float64)
        del mm
        twice = sorted({c for c in names if names.count(c) > 1})
        if twice:
            raise SpecificationError(
                f"formula {show(spec.text)} gives several design columns the name "
                f"{preview(twice)}; rename the columns so that every term has its own name.")
    else:
        names = (["Intercept"] if spec.intercept else []) + list(spec.columns)
        Xa = np.empty((len(sample), len(names)), order="F")
        if spec.intercept:
            Xa[:, 0] = 1.0
        for j, c in enumerate(spec.columns, start=int(spec.intercept)):
            Xa[:, j] = sample[c].to_numpy(dtype=np.float64)
    _check_finite(Xa, names, sample, risk_set)
    if not len(sample):
        raise EstimationError(
            f"no rows are left to estimate the model: all {len(frame)} had missing values in "
            f"{preview(used)}.")

    n_time = 0
    if time is not None:
        clock = _clock(risk_set, sample, time.scale)
        tcols, keep, tnotes = time.build(clock, sample[risk_set.event].to_numpy(),
                                         intercept=spec.intercept)
        clash = [c for c in tcols.columns if c in names]
        if clash:
            raise SpecificationError(
                f"time-term column(s) {preview(clash)} clash with covariates of the same name; "
                f"rename the covariates."
            )
        notes.extend(tnotes)
        rows = rows[keep]
        kept = np.flatnonzero(keep)
        sample = sample.iloc[kept]
        full = np.empty((len(kept), len(names) + tcols.shape[1]), order="F")
        for j in range(len(names)):
            full[:, j] = Xa[kept, j]
        del Xa
        for j in range(tcols.shape[1]):
            full[:, len(names) + j] = tcols.iloc[:, j].to_numpy(dtype=np.float64)
        Xa = full
        names += [str(c) for c in tcols.columns]
        n_time = tcols.shape[1]

    y = sample[risk_set.event].to_numpy(dtype=np.float64)
    if not len(y):
        raise EstimationError("no rows are left to estimate the model (all had missing values).")
    if y.sum() == 0:
        raise EstimationError(
            f"the estimation sample has no events ({len(y)} rows); the hazard cannot be "
            f"estimated. Check the events table and the window."
        )
    if y.sum() == len(y):
        raise EstimationError("every row of the estimation sample is an event; nothing to contrast.")
    if Xa.shape[1] == 0:
        raise SpecificationError("the model has no terms: add an intercept, covariates or a time term.")
    names = tuple(names)
    if check_collinear:
        check_collinearity(Xa, names)
    return Design(y, Xa, names, rows, sample, tuple(notes), n_time, model_spec)


def _check_kinds(frame: pd.DataFrame, columns: Sequence[str], *, where: str) -> None:
    """Refuse columns a design cannot encode: dates, durations, and non-text objects."""
    for c in columns:
        if c not in frame.columns:
            continue
        col = frame[c]
        if (pd.api.types.is_datetime64_any_dtype(col.dtype)
                or pd.api.types.is_timedelta64_dtype(col.dtype)
                or isinstance(col.dtype, pd.PeriodDtype)):
            raise SpecificationError(
                f"{where}: column {show(c)} holds dates ({col.dtype}), which a model cannot "
                f"use as they are. Add a number instead, e.g. the year "
                f"(rs.assign(y=lambda f: f[{show(c)}].dt.year)) or C({c}) of a text label."
            )
        if col.dtype == object:
            check_int_range(col, name=where, column=c)
            kinds = {type(v).__name__ for v in col.dropna()
                     if not isinstance(v, (str, bool, int, float, np.generic))}
            if kinds:
                raise SpecificationError(
                    f"{where}: column {show(c)} holds {preview(sorted(kinds))} objects; give "
                    f"numbers, or text labels for C({c})."
                )
            n_text = int(col.map(lambda v: isinstance(v, str)).sum())
            if 0 < n_text < int(col.notna().sum()):
                raise SpecificationError(
                    f"{where}: column {show(c)} mixes text and numbers; convert it to one "
                    f"type (numbers, or text labels for C({c}))."
                )


def _model_matrix(spec: Spec, sample: pd.DataFrame):
    """formulaic's model matrix; its own errors come back as SpecificationError."""
    from formulaic.errors import FormulaicError

    try:
        return spec.rhs.get_model_matrix(sample, na_action="ignore")
    except (FormulaicError, TypeError, ValueError, NameError, AttributeError) as exc:
        raise SpecificationError(
            f"formula {show(spec.text)} cannot be evaluated on the risk set: "
            f"{type(exc).__name__}: {exc}. Check the column types and transformations."
        ) from exc


def _clock(risk_set: RiskSet, sample: pd.DataFrame, scale: str) -> np.ndarray:
    t = sample[risk_set.time].to_numpy(dtype=np.int64)
    if scale == "calendar":
        return t
    entry = risk_set.entry_times().to_numpy(dtype=np.int64)
    return t - entry[sample.index.to_numpy()] + 1


def _check_finite(X: np.ndarray, names: Sequence[str], sample: pd.DataFrame,
                  risk_set: RiskSet) -> None:
    """Refuse non-finite and huge design values, naming the columns (one column at a time)."""
    bad_cols, n_bad, first = [], 0, None
    huge_cols, n_huge = [], 0
    for j, name in enumerate(names):
        col = X[:, j]
        finite = np.isfinite(col)
        if not finite.all():
            bad_cols.append(name)
            n_bad += int((~finite).sum())
            i = int(np.flatnonzero(~finite)[0])
            first = i if first is None else min(first, i)
            continue
        # cross-products of the design must stay finite: |x| <= 1e100 leaves room for
        # x^2 summed over any risk set (and for exp(x'b) at the small steps of Newton's
        # method)
        if len(col) and max(col.max(), -col.min()) > _MAX_ABS:
            huge_cols.append(name)
            n_huge += int((np.abs(col) > _MAX_ABS).sum())
    if bad_cols:
        where = f"{show(sample[risk_set.unit].iloc[first])} in {sample[risk_set.time].iloc[first]}"
        raise DataError(
            f"design column(s) {preview(bad_cols)} have {n_bad} non-finite value(s) "
            f"(infinite, or NaN produced by a transformation), first at {where}. Fix the "
            f"covariate or the transformation (e.g. log of 0)."
        )
    if huge_cols:
        raise DataError(
            f"design column(s) {preview(huge_cols)} have {n_huge} value(s) beyond "
            f"+-{_MAX_ABS:.0e}; rescale them (e.g. divide by a power of ten or take logs)."
        )


_MAX_ABS = 1e100


def separation(design: Design) -> tuple[list[str], int] | None:
    """Terms and rows of a (quasi-)complete separation, or None when there is none.

    The linear program of Konis (2007): look for a direction ``b`` with
    ``(2y - 1) x_i' b >= 0`` for every row and ``> 0`` for some (columns scaled to
    ``max |x| = 1``, ``-1 <= b <= 1``). Such a ``b`` exists iff the maximum-likelihood
    estimate of a binary-response model does not exist; its non-zero entries name the
    terms, and the rows with ``> 0`` are predicted perfectly.
    """
    from scipy import optimize

    X = design.X
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    Z = (X / scale) * (2 * design.y - 1)[:, None]
    res = optimize.linprog(-Z.sum(axis=0), A_ub=-Z, b_ub=np.zeros(len(Z)),
                           bounds=[(-1, 1)] * X.shape[1], method="highs")
    if res.status != 0 or -res.fun <= 1e-6:
        return None
    b = res.x
    involved = [design.names[j] for j in np.flatnonzero(np.abs(b) > 1e-6)]
    return involved, int(np.sum(Z @ b > 1e-9))


def check_collinearity(X: np.ndarray, names: Sequence[str]) -> None:
    """Raise :class:`CollinearityError` naming each column that is a combination of others."""
    n, k = X.shape
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    tol = max(n, k) * np.finfo(float).eps * 1e3
    # Fast path for the usual, well-conditioned design: the eigenvalues of the scaled
    # Gram matrix are the squared singular values of the scaled design, so a smallest-
    # to-largest ratio far above tol^2 (the QR criterion below, squared) proves full rank
    # without a QR of the n x k design (a copy and O(n k^2) work). Anything nearer the
    # threshold goes to the QR, which decides and names the terms as before.
    if n >= k and np.all(np.isfinite(X)):
        with np.errstate(all="ignore"):  # tiny or huge columns: decided by the QR below
            gram = (column_gram(as_columns(X)) / scale[:, None]) / scale[None, :]
        if np.all(np.isfinite(gram)):
            eig = np.linalg.eigvalsh(gram)
            if eig[-1] > 0 and eig[0] > 1e4 * tol**2 * eig[-1]:
                return
    Xs = X / scale

    def rank(cols: list[int]) -> int:
        if not cols:
            return 0
        r = linalg.qr(Xs[:, cols], mode="r", pivoting=True)[0]
        d = np.abs(np.diag(r))
        return int((d > tol * d.max()).sum()) if d.size and d.max() > 0 else 0

    if rank(list(range(k))) == k:
        return
    kept: list[int] = []
    problems: list[str] = []
    for j in range(k):
        if rank(kept + [j]) > len(kept):
            kept.append(j)
            continue
        if not np.any(X[:, j]):
            problems.append(f"{show(names[j])} is zero in every row")
            continue
        coef, *_ = np.linalg.lstsq(Xs[:, kept], Xs[:, j], rcond=None)
        involved = [names[kept[i]] for i in np.flatnonzero(np.abs(coef) > 1e-8)]
        if involved == ["Intercept"] or (len(involved) == 1 and np.ptp(X[:, j]) == 0):
            problems.append(f"{show(names[j])} is constant in the estimation sample")
        else:
            problems.append(f"{show(names[j])} is a linear combination of {preview(involved)}")
    raise CollinearityError(
        "the design is collinear, so some terms are not identified: "
        + "; ".join(problems)
        + ". Remove or recode these terms (nothing is dropped silently)."
    )
