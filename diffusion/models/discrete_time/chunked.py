"""Discrete-time hazard models fitted chunk by chunk: risk sets bigger than memory.

:class:`ChunkedDiscreteTimeHazard` fits the model of
:class:`~diffusion.DiscreteTimeHazard` (logit, probit or cloglog on the unit-periods at
risk) to a risk set held as chunks -- a :class:`~diffusion.data.chunks.ChunkStore`
(a directory of Parquet files), a list of DataFrames, or a Dask DataFrame -- by
summing, over chunks, the pieces of each Fisher-scoring step:

* the log-likelihood ``sum_i l_i``,
* the information ``X'WX = sum_chunks X_c' W_c X_c`` and the score
  ``X'u = sum_chunks X_c' u_c``,

which are ``k x k`` and ``k`` numbers per chunk, whatever its rows. The step
``beta += (X'WX)^-1 X'u`` (with step halving when the log-likelihood falls) is taken
on the driver; each pass reads each chunk once. The final pass sums, per chunk, the
scores within each cluster (``S_g``, keyed by the cluster's label, merged across
chunks) for the sandwich ``A^-1 (sum_g S_g S_g') A^-1``. Only one chunk per worker is
in memory at any time.

The estimates are those of the in-memory :class:`~diffusion.DiscreteTimeHazard` on
the same rows (the same iteration: the start at the intercept-only maximum, the same
steps and stopping rule), up to the order of floating-point sums: the tests require
agreement to ``1e-9`` relative for the coefficients and standard errors.

Where the chunks are processed
------------------------------
* a :class:`~diffusion.data.chunks.ChunkStore` or a directory path: on this machine,
  one chunk at a time (reading only the model's columns);
* a list of DataFrames: on this machine, each chunk's design built once and kept between
  passes (the frames are in memory already; for data bigger than memory write them to a
  chunk store);
* a Dask DataFrame (:func:`dask.dataframe.read_parquet` on a directory of chunks, or
  :meth:`ChunkStore.to_dask`): each pass is one ``dask.compute`` over the partitions,
  on the scheduler in use -- a ``dask.distributed.Client`` connected to a cluster runs
  the passes on its workers, and only the small per-partition sums travel back.
  ``ddf.persist()`` keeps the partitions in the workers' memory between passes.

Conventions (as :class:`~diffusion.DiscreteTimeHazard`)
-------------------------------------------------------
* The formula is a formulaic formula with the event on the left (``"event ~ x +
  C(treaty)"``). Non-numeric variables are categorical with the levels found in
  **all** chunks (a first pass collects them), so every chunk is encoded alike.
  Stateful transforms (``center``, ``scale``, ``standardize``, ``poly``, splines)
  would learn their parameters from one chunk and are refused: compute such columns
  when building the chunks. Time terms go in the formula (``C(year)``, ``since +
  I(since**2)``).
* Rows with a missing value in the event, a model variable or the cluster column are
  dropped and counted per column in ``notes``.
* ``information``, ``cov_type``, ``small_sample``: as in
  :meth:`DiscreteTimeHazard.fit <diffusion.DiscreteTimeHazard.fit>`; the cluster
  sandwich with ``small_sample="r"`` equals R ``sandwich::vcovCL(type = "HC1")``
  (``G/(G-1) (N-1)/(N-K)``), ``"stata"`` ``G/(G-1)``.
* Separation: only the cheap screen runs (fitted probabilities within ``1e-8`` of 0 or
  1 at the estimate, or no convergence); a positive screen raises
  :class:`~diffusion.errors.SeparationError` with the count of such rows. The
  in-memory model's linear-programming check needs all rows at once.
* The risk-set invariants are the builders' (see :mod:`diffusion.data.chunks`); the
  event column is checked to be 0/1 in every chunk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion._linalg import as_columns, column_cluster_sums, column_dots, column_gram
from diffusion._notes import Note
from diffusion.data.checks import check_frame, check_option, preview, show
from diffusion.data.chunks import ChunkStore, open_chunks, read_chunk
from diffusion.errors import (
    CollinearityError,
    ConvergenceError,
    DataError,
    EstimationError,
    InvalidEventError,
    MissingColumnError,
    SeparationError,
    SpecificationError,
)
from diffusion.inference.covariance import COV_TYPES, SMALL_SAMPLE, _inverse, sandwich
from diffusion.models.control import FitControl
from diffusion.models.design import _check_kinds
from diffusion.models.discrete_time._glm import (
    _Kernel,
    _link_in_place,
    _solve,
    _start_eta,
)
from diffusion.models.links import Link, get_link
from diffusion.results.hazard import HazardResults

__all__ = ["ChunkedDiscreteTimeHazard"]

LINKS = ("logit", "probit", "cloglog")
INFORMATION = ("expected", "observed")
#: most levels a categorical variable may have: the information is k x k per chunk and
#: each chunk's design rows x k, so a category per row (``C(x)`` of a continuous x)
#: would exhaust memory long before it could be estimated
MAX_LEVELS = 5000
_STATEFUL = ("center", "scale", "standardize", "poly", "bs", "cs", "cr", "cc", "te",
             "hashed", "lag")


# ---------------------------------------------------------------- partitions
class _Local:
    """Chunks processed on this machine, one at a time.

    Chunks given as DataFrames are in memory already: their designs are built once and
    kept between passes. Chunks in files are read (only the model's columns) at every
    pass, so one chunk is in memory at a time.
    """

    def __init__(self, loaders: list[Any], columns: list[str]) -> None:
        self.loaders = loaders
        self.columns = columns
        self.cache: dict[int, _Prepared] = {}

    def map(self, fn: Any, *args: Any) -> list[Any]:
        if fn is _scan:
            return [fn(self._frame(i), i, *args) for i in range(len(self.loaders))]
        plan = args[0]
        out = []
        for i in range(len(self.loaders)):
            if isinstance(self.loaders[i], pd.DataFrame):
                if i not in self.cache:
                    self.cache[i] = _Prepared.build(self._frame(i), plan)
                out.append(fn(self.cache[i], i, *args))
            else:
                out.append(fn(self._frame(i), i, *args))
        return out

    def _frame(self, i: int) -> pd.DataFrame:
        item = self.loaders[i]
        if isinstance(item, pd.DataFrame):
            return item[self.columns]
        return read_chunk(item, self.columns)

    def __len__(self) -> int:
        return len(self.loaders)


class _Dask:
    """Partitions of a Dask DataFrame: one ``dask.compute`` per pass."""

    def __init__(self, ddf: Any, columns: list[str]) -> None:
        self.parts = ddf[columns].to_delayed()

    def map(self, fn: Any, *args: Any) -> list[Any]:
        import dask

        tasks = [dask.delayed(fn)(part, i, *args) for i, part in enumerate(self.parts)]
        return list(dask.compute(*tasks))

    def __len__(self) -> int:
        return len(self.parts)


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(obj, "to_delayed")


def _source_columns(source: Any) -> list[str]:
    if isinstance(source, ChunkStore):
        return source.columns
    if _is_dask(source):
        return list(source.columns)
    return list(source[0].columns)


def _partitions(source: Any, columns: list[str]) -> Any:
    if isinstance(source, ChunkStore):
        return _Local(list(source.files), columns)
    if _is_dask(source):
        return _Dask(source, columns)
    return _Local(list(source), columns)


def _check_source(source: Any) -> Any:
    if isinstance(source, (str, Path)):
        return open_chunks(source)
    if isinstance(source, ChunkStore) or _is_dask(source):
        return source
    if isinstance(source, pd.DataFrame):
        return [source]
    if isinstance(source, (list, tuple)) and source and all(
            isinstance(f, pd.DataFrame) for f in source):
        first = list(source[0].columns)
        for i, f in enumerate(source):
            check_frame(f, name=f"chunk {i}")  # duplicated column names refused
        for i, f in enumerate(source[1:], start=1):
            if list(f.columns) != first:
                raise DataError(
                    f"chunk {i} has columns {preview(list(f.columns), 8)}, the first chunk "
                    f"{preview(first, 8)}; every chunk needs the same columns.")
        return list(source)
    if isinstance(source, (list, tuple)) and source:
        i = next(i for i, f in enumerate(source) if not isinstance(f, pd.DataFrame))
        raise DataError(
            f"chunk {i} is a {type(source[i]).__name__}; a list of chunks must hold "
            f"DataFrames only (write other sources to a chunk store with write_chunks).")
    raise DataError(
        f"chunks must be a chunk directory (path or ChunkStore), a non-empty list of "
        f"DataFrames, or a Dask DataFrame; got {type(source).__name__}.")


# ---------------------------------------------------------------- the plan
@dataclass(frozen=True)
class _Plan:
    """What every pass needs: shipped to the workers (picklable)."""

    formula: str
    event: str
    variables: tuple[str, ...]
    needed: tuple[str, ...]
    levels: dict[str, list] = field(default_factory=dict)
    model_spec: Any = None
    link: str = "cloglog"
    unit: str | None = None
    time: str | None = None
    #: numeric variables the formula treats as categories (``C(year)``)
    categorical: tuple[str, ...] = ()


def _prepare(frame: pd.DataFrame, plan: _Plan) -> pd.DataFrame:
    """Drop incomplete rows and give categorical variables their levels across chunks."""
    frame = frame.dropna(subset=list(plan.needed))
    if plan.levels:
        frame = frame.assign(**{v: pd.Categorical(frame[v], categories=lv)
                                for v, lv in plan.levels.items()})
    return frame


@dataclass(frozen=True)
class _Prepared:
    """A chunk's complete rows with their design (kept between passes when cached)."""

    frame: pd.DataFrame
    X: np.ndarray
    y: np.ndarray

    @classmethod
    def build(cls, frame: pd.DataFrame, plan: _Plan) -> _Prepared:
        frame = _prepare(frame, plan)
        mm = plan.model_spec.rhs.get_model_matrix(frame, na_action="raise")
        X = as_columns(np.asarray(mm, dtype=np.float64))
        y = np.ascontiguousarray(frame[plan.event].to_numpy(dtype=np.float64))
        return cls(frame, X, y)


def _materials(chunk: pd.DataFrame | _Prepared, plan: _Plan) -> _Prepared:
    return chunk if isinstance(chunk, _Prepared) else _Prepared.build(chunk, plan)


def _scan(frame: pd.DataFrame, i: int, plan: _Plan) -> dict:
    """Pass 0: rows, events, missing values, levels of non-numeric variables, units."""
    out: dict[str, Any] = {"chunk": i, "rows": len(frame)}
    # dates, Python objects, text mixed with numbers: refused as by the in-memory design
    _check_kinds(frame, plan.variables, where=f"chunk {i}")
    missing = frame[list(plan.needed)].isna()
    out["missing"] = {c: int(n) for c, n in missing.sum().items() if n}
    keep = ~missing.any(axis=1).to_numpy()
    out["dropped"] = int((~keep).sum())
    lost = frame.loc[~keep, plan.event]
    out["dropped_events"] = int((pd.to_numeric(lost, errors="coerce") == 1).sum())
    kept = frame.loc[keep]
    ev = kept[plan.event]
    if pd.api.types.is_bool_dtype(ev):
        bad_rows = np.zeros(0, dtype=np.intp)
    elif pd.api.types.is_numeric_dtype(ev):
        bad_rows = np.flatnonzero(~ev.isin([0, 1]).to_numpy())
    else:
        bad_rows = np.arange(len(kept))
    out["bad_events"] = len(bad_rows)
    if len(bad_rows):
        out["bad_example"] = _example(kept, int(bad_rows[0]), plan.event, plan)
    countable = pd.api.types.is_bool_dtype(ev) or pd.api.types.is_numeric_dtype(ev)
    out["events"] = (int(ev.astype(np.float64).sum())
                     if countable and not out["bad_events"] else 0)
    out["levels"] = {}
    out["numeric"] = {}
    out["infinite"] = {}
    for v in plan.variables:
        col = kept[v]
        numeric = (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
                   and v not in plan.categorical)
        out["numeric"][v] = bool(numeric)
        if numeric and len(col):
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            inf = np.flatnonzero(np.isinf(values))
            if len(inf):
                out["infinite"][v] = (len(inf), _example(kept, int(inf[0]), v, plan))
        if not numeric:
            out["levels"][v] = list(pd.unique(col.astype(object)))
    out["units"] = (pd.unique(kept[plan.unit]).tolist() if plan.unit else [])
    out["sample"] = kept.head(20)
    return out


def _example(frame: pd.DataFrame, pos: int, column: str, plan: _Plan) -> str:
    """``inf at unit 'B', year 2001``: the value of row ``pos`` and where it is."""
    row = frame.iloc[pos]
    where = ", ".join(f"{c} {show(row[c])}" for c in dict.fromkeys((plan.unit, plan.time))
                      if c and c in frame.columns)
    return f"{show(row[column])}" + (f" at {where}" if where else "")


def _start_pass(frame: pd.DataFrame | _Prepared, i: int, plan: _Plan) -> tuple[np.ndarray, np.ndarray]:
    """R's start (no intercept): the Gram and ``X' W z`` at ``mu = (y + 1/2) / 2``."""
    m = _materials(frame, plan)
    X, y = m.X, m.y
    link = get_link(plan.link)
    # overflow (covariates of absurd size) gives non-finite sums, refused on the driver
    with np.errstate(all="ignore"):
        eta = _start_eta(link, y)
        kernel = _Kernel(link, y)
        kernel(eta)
        wz = kernel.w * eta + kernel.u
        return column_gram(X, kernel.w, kernel.t1), column_dots(X, wz)


def _score_pass(frame: pd.DataFrame | _Prepared, i: int, plan: _Plan, beta: np.ndarray,
                observed: bool) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, information (expected, or observed when ``observed``) and score
    at ``beta``."""
    m = _materials(frame, plan)
    X, y = m.X, m.y
    kernel = _Kernel(get_link(plan.link), y)
    with np.errstate(all="ignore"):  # non-finite sums are refused on the driver
        eta = X @ beta
        ll = kernel(eta) if len(y) else 0.0
        w = kernel.observed(eta, np.empty(len(y))) if observed else kernel.w
        return ll, column_gram(X, w, kernel.t1), column_dots(X, kernel.u)


def _final_pass(frame: pd.DataFrame | _Prepared, i: int, plan: _Plan, beta: np.ndarray,
                information: str, cluster: str | None, cov_type: str) -> dict:
    """At the estimate: the bread, the meat's pieces and the separation screen."""
    m = _materials(frame, plan)
    frame, X, y = m.frame, m.X, m.y
    link = get_link(plan.link)
    with np.errstate(all="ignore"):  # non-finite sums are refused on the driver
        eta = X @ beta
        kernel = _Kernel(link, y)
        ll = kernel(eta) if len(y) else 0.0
        u = kernel.u.copy()
        w = kernel.w if information == "expected" else link.observed_weight(y, eta)
        out = {"ll": ll, "A": column_gram(X, w, np.empty(len(y))), "n": len(y)}
        mu = link.mean(eta)
    out["extreme"] = int(np.sum((mu <= 1e-8) | (mu >= 1 - 1e-8)))
    if cov_type == "robust":
        out["meat"] = column_gram(X, np.square(u), np.empty(len(y)))
    elif cov_type == "cluster":
        codes, uniques = pd.factorize(frame[cluster].to_numpy(), sort=False)
        out["cluster_keys"] = np.asarray(uniques, dtype=object)
        out["cluster_sums"] = column_cluster_sums(X, u, codes, len(uniques))
    return out


# ---------------------------------------------------------------- the model
class ChunkedDiscreteTimeHazard:
    """Discrete-time hazard model on a chunked risk set (see the module docstring).

    Parameters
    ----------
    formula : str
        ``"event ~ terms"`` (formulaic syntax; no stateful transforms).
    chunks : ChunkStore, str or Path (a chunk directory), list of DataFrames, or Dask DataFrame
        The unit-periods at risk, one row each, as written by
        :func:`~diffusion.data.chunks.write_chunks` from risk sets (or any chunks with
        the same columns).
    link : {"cloglog", "logit", "probit"}
    unit : str, optional
        The unit column: counted in ``n_units`` and the default cluster.
    time : str, optional
        The period column, named in messages.

    Examples
    --------
    >>> from diffusion import ChunkedDiscreteTimeHazard
    >>> from diffusion.data.chunks import write_chunks
    >>> store = write_chunks((build(t) for t in treaties), "dyads/")  # doctest: +SKIP
    >>> res = ChunkedDiscreteTimeHazard.from_formula(
    ...     "event ~ source_ratified + C(treaty)", store, link="cloglog",
    ...     unit="cown").fit()  # doctest: +SKIP
    """

    def __init__(self, formula: str, chunks: Any, *, link: str,
                 unit: str | None = None, time: str | None = None) -> None:
        from formulaic import Formula

        self.chunks = _check_source(chunks)
        self.link: Link = get_link(check_option(link, LINKS, name="link"))
        if not isinstance(formula, str) or "~" not in formula:
            raise SpecificationError(
                f"formula must be a string 'event ~ terms'; got {show(formula)}.")
        for name, value in (("unit", unit), ("time", time)):
            if value is not None and not isinstance(value, str):
                raise SpecificationError(
                    f"{name} must be a column name (a string) or None, got {show(value)}.")
        used = set(re.findall(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(", formula))
        stateful = sorted(used & set(_STATEFUL))
        if stateful:
            raise SpecificationError(
                f"the formula uses the stateful transform(s) {preview(stateful)}, whose "
                f"parameters would be learned from one chunk; compute those columns when "
                f"building the chunks.")
        try:
            parsed = Formula(formula)
        except Exception as exc:  # formulaic raises several parser error types
            raise SpecificationError(f"cannot parse the formula {show(formula)}: {exc}") from exc
        if not hasattr(parsed, "lhs"):
            raise SpecificationError(
                f"the formula {show(formula)} needs the event column on the left of '~' "
                f"('event ~ terms').")
        try:
            lhs = sorted(parsed.lhs.required_variables)
            rhs = sorted(parsed.rhs.required_variables)
        except Exception as exc:  # formulaic raises several parser error types
            raise SpecificationError(f"cannot parse the formula {show(formula)}: {exc}") from exc
        if len(lhs) != 1:
            raise SpecificationError(
                f"the formula needs one event column on the left; found {preview(lhs)}.")
        columns = _source_columns(self.chunks)
        wanted = [*lhs, *rhs] + [c for c in (unit, time) if c]
        absent = [c for c in dict.fromkeys(wanted) if c not in columns]
        if absent:
            raise MissingColumnError(
                f"the chunks lack column(s) {preview(absent)}; they have "
                f"{preview(columns, 10)}.")
        self.formula = formula
        self.event = lhs[0]
        self.variables = tuple(rhs)
        # variables inside C(...): categories even when numeric (C(year)), with the
        # levels of all chunks
        self.categorical = tuple(sorted(
            set(re.findall(r"\bC\(\s*([A-Za-z_][A-Za-z_0-9]*)", formula)) & set(rhs)))
        self.unit = unit
        self.time = time

    @classmethod
    def from_formula(cls, formula: str, chunks: Any, *, link: str, unit: str | None = None,
                     time: str | None = None) -> ChunkedDiscreteTimeHazard:
        """The model of ``formula`` on ``chunks`` (the argument order of
        :meth:`DiscreteTimeHazard.from_formula <diffusion.DiscreteTimeHazard.from_formula>`)."""
        return cls(formula, chunks, link=link, unit=unit, time=time)

    def __repr__(self) -> str:
        return (f"ChunkedDiscreteTimeHazard({show(self.formula)}, "
                f"link={show(self.link.name)})")

    # ------------------------------------------------------------------ fit
    def fit(self, *, cov_type: str = "cluster", cluster: str | None = None,
            information: str = "expected", small_sample: str = "r",
            control: FitControl | None = None) -> HazardResults:
        """Fit by Fisher scoring, one pass over the chunks per evaluation.

        Parameters
        ----------
        cov_type : {"cluster", "classic", "robust"}, default "cluster"
        cluster : str, optional
            Cluster column for ``cov_type="cluster"``; default: ``unit``.
        information : {"expected", "observed"}, default "expected"
        small_sample : {"r", "stata", "none"}, default "r"
        control : FitControl, optional
            ``max_iter`` and ``gtol`` as in the in-memory fit.

        Returns
        -------
        HazardResults
            ``extra["passes"]`` counts the passes over the chunks.

        Raises
        ------
        DataError
            An event column that is not 0/1 (chunk, value and unit-year named).
        EstimationError
            No events, or no rows left; collinear terms (named); separation; no
            convergence.
        """
        cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
        information = check_option(information, INFORMATION, name="information")
        small_sample = check_option(small_sample, SMALL_SAMPLE, name="small_sample")
        if control is not None and not isinstance(control, FitControl):
            raise SpecificationError(
                f"control must be a FitControl (e.g. FitControl(max_iter=50)), got "
                f"{type(control).__name__}.")
        control = control or FitControl()
        cluster_col = None
        if cov_type == "cluster":
            cluster_col = cluster or self.unit
            if cluster_col is None:
                raise SpecificationError(
                    "cov_type='cluster' needs a cluster column: pass cluster= (or unit= "
                    "when creating the model), or use cov_type='robust'.")
            if cluster_col not in _source_columns(self.chunks):
                raise MissingColumnError(
                    f"the chunks lack the cluster column {show(cluster_col)}.")
        needed = tuple(dict.fromkeys([self.event, *self.variables]
                                     + ([cluster_col] if cluster_col else [])))
        columns = list(dict.fromkeys([*needed] + [c for c in (self.unit, self.time) if c]))
        parts = _partitions(self.chunks, columns)
        plan = _Plan(self.formula, self.event, self.variables, needed, link=self.link.name,
                     unit=self.unit, time=self.time, categorical=self.categorical)
        scans = parts.map(_scan, plan)
        plan, notes, n_obs, n_events, n_units = self._plan(plan, scans)
        passes = 1
        k = len(plan.model_spec.rhs.column_names)
        names = tuple(plan.model_spec.rhs.column_names)
        beta = np.zeros(k)
        ybar = n_events / n_obs
        if "Intercept" in names and 0.0 < ybar < 1.0:
            beta[names.index("Intercept")] = float(
                _link_in_place(self.link, np.array([ybar]))[0])
        else:
            got = parts.map(_start_pass, plan)
            passes += 1
            A = sum(g[0] for g in got)
            start = _solve(A, sum(g[1] for g in got))
            if start is None:
                raise self._collinear(A, names)
            beta = start
        # Fisher scoring (expected information) while the log-likelihood still moves,
        # then Newton steps with the observed information: for cloglog and probit
        # scoring converges only linearly, and every iteration is a pass over all
        # chunks. Both stop at the same maximum (identical for logit).
        newton = False
        ll, A, g = self._evaluate(parts, plan, beta, newton)
        passes += 1
        converged = False
        n_iter = 1
        for n_iter in range(2, control.max_iter + control.max_newton + 1):
            step = _solve(A, g)
            if step is None:
                if newton:  # the observed information is not positive definite here
                    newton = False
                    ll, A, g = self._evaluate(parts, plan, beta, newton)
                    passes += 1
                    continue
                raise self._collinear(A, names)
            scale = 1.0
            for _ in range(60):
                new_ll, new_A, new_g = self._evaluate(parts, plan, beta + scale * step, newton)
                passes += 1
                if np.isfinite(new_ll) and new_ll >= ll - 1e-9 * (1.0 + abs(ll)):
                    break
                scale /= 2.0
            else:
                raise ConvergenceError(
                    "step halving failed to increase the log-likelihood; rescale the "
                    "covariates or check for separation.")
            beta = beta + scale * step
            if (not newton and self.link.name != "logit" and scale == 1.0
                    and abs(new_ll - ll) < 1e-8 * (1.0 + abs(ll))):
                newton = True
                ll, A, g = self._evaluate(parts, plan, beta, newton)
                passes += 1
            else:
                ll, A, g = new_ll, new_A, new_g
            if np.max(np.abs(scale * step)) < control.gtol * max(1.0, float(np.max(np.abs(beta)))):
                converged = True
                break
        finals = parts.map(_final_pass, plan, beta, information, cluster_col, cov_type)
        passes += 1
        extreme = sum(f["extreme"] for f in finals)
        if not converged or extreme:
            if extreme:
                raise SeparationError(
                    f"separation: {extreme} row(s) have fitted probabilities within 1e-8 of "
                    f"0 or 1, so some estimates run to infinity. Fit a sample in memory "
                    f"(DiscreteTimeHazard) to name the terms, then remove or recode them.")
            raise ConvergenceError(
                f"the {self.link.name} model did not converge in {control.max_iter} "
                f"scoring iterations; raise FitControl(max_iter=...) or rescale covariates.")
        cov, n_clusters = _covariance(finals, cov_type, small_sample, n_obs, k)
        return HazardResults(
            model=f"discrete-time {self.link.name}", terms=names, _params=beta, _cov=cov,
            loglik=float(sum(f["ll"] for f in finals)), n_obs=n_obs, n_events=n_events,
            n_units=n_units, cov_type=cov_type, cluster=cluster_col, n_clusters=n_clusters,
            information=information, small_sample=small_sample, time_term=None,
            dependent=self.event, formula=self.formula, notes=tuple(notes),
            converged=True, n_iter=n_iter,
            extra={"link": self.link.name, "n_time_terms": 0, "passes": passes,
                   "n_chunks": len(parts), "chunked": True},
        )

    # ------------------------------------------------------------- helpers
    def _plan(self, plan: _Plan, scans: list[dict]) -> tuple[_Plan, list[Note], int, int, int]:
        from formulaic import model_matrix

        bad = [s for s in scans if s["bad_events"]]
        if bad:
            total = sum(s["bad_events"] for s in bad)
            raise InvalidEventError(
                f"the event column {show(self.event)} must be 0 or 1; {total} row(s) in "
                f"{len(bad)} chunk(s) are not, e.g. {bad[0]['bad_example']} in chunk "
                f"{bad[0]['chunk']}. Rebuild the chunks from a risk set.")
        infinite: dict[str, list] = {}
        for s in scans:
            for v, (n, example) in s["infinite"].items():
                infinite.setdefault(v, [0, f"{example} in chunk {s['chunk']}"])[0] += n
        if infinite:
            raise DataError(
                "infinite covariate values: "
                + "; ".join(f"{show(v)} has {n} (e.g. {example})"
                            for v, (n, example) in infinite.items())
                + ". Recode them (e.g. as missing, which drops the rows) when building the "
                  "chunks.")
        notes: list[Note] = []
        missing: dict[str, int] = {}
        for s in scans:
            for c, n in s["missing"].items():
                missing[c] = missing.get(c, 0) + n
        dropped = sum(s["dropped"] for s in scans)
        if dropped:
            lost = sum(s["dropped_events"] for s in scans)
            notes.append(Note("missing_values", dropped,
                              f"{dropped} row(s) ({lost} event(s)) dropped for missing values "
                              f"(listwise; by column: "
                              + ", ".join(f"{show(c)} {n}" for c, n in missing.items()) + ")."))
        n_obs = sum(s["rows"] - s["dropped"] for s in scans)
        n_events = sum(s["events"] for s in scans)
        if n_obs == 0:
            rows = sum(s["rows"] for s in scans)
            by_column = (" (missing by column: "
                         + ", ".join(f"{show(c)} {n}" for c, n in missing.items()) + ")"
                         if missing else "")
            raise EstimationError(
                f"no rows are left in the chunks after dropping missing values: "
                f"{rows} row(s) in {len(scans)} chunk(s){by_column}. Check the event, "
                f"covariate and cluster columns of the chunks.")
        if n_events == 0:
            raise EstimationError(
                f"the chunks have no events ({n_obs} rows); a hazard model needs some.")
        if n_events == n_obs:
            raise EstimationError(
                f"every one of the {n_obs} row(s) left in the chunks is an event; a hazard "
                f"model needs rows at risk without an event.")
        levels: dict[str, list] = {}
        for v in plan.variables:
            kinds = {s["numeric"][v] for s in scans if s["rows"] - s["dropped"]}
            if kinds == {True}:
                continue
            if kinds == {True, False} and v not in plan.categorical:
                num = next(s["chunk"] for s in scans if s["rows"] - s["dropped"]
                           and s["numeric"][v])
                other = next(s["chunk"] for s in scans if s["rows"] - s["dropped"]
                             and not s["numeric"][v])
                raise DataError(
                    f"column {show(v)} holds numbers in chunk {num} but text, categories or "
                    f"booleans in chunk {other}; give it one type in every chunk "
                    f"(frame.astype({{{v!r}: float}}), or C({v}) in the formula for a "
                    f"category).")
            seen: dict[Any, None] = {}
            for s in scans:
                for value in s["levels"].get(v, []):
                    seen[value] = None
            if len(seen) > MAX_LEVELS:
                raise SpecificationError(
                    f"{show(v)} has {len(seen)} distinct values in the chunks, each a "
                    f"category (a design column): more than {MAX_LEVELS}. Use it as a "
                    f"number (without C()), or group its values.")
            try:
                levels[v] = sorted(seen)
            except TypeError:
                levels[v] = list(seen)
        units = {u for s in scans for u in s["units"]}
        sample = pd.concat([s["sample"] for s in scans if len(s["sample"])], ignore_index=True)
        plan = replace(plan, levels=levels)
        sample = _prepare(sample, plan)
        try:
            spec = model_matrix(plan.formula, sample, na_action="raise").model_spec
        except Exception as exc:  # formulaic raises several types for a bad term
            raise SpecificationError(
                f"cannot build the design of {show(plan.formula)} on the chunks: {exc}") from exc
        n_units = len(units) if self.unit else n_obs
        return replace(plan, model_spec=spec), notes, n_obs, n_events, n_units

    def _evaluate(self, parts: Any, plan: _Plan, beta: np.ndarray, observed: bool):
        got = parts.map(_score_pass, plan, beta, observed)
        return (float(sum(r[0] for r in got)), sum(r[1] for r in got), sum(r[2] for r in got))

    @staticmethod
    def _collinear(A: np.ndarray, names: Sequence[str]) -> EstimationError:
        diag = np.diag(A)
        if not np.all(np.isfinite(A)):
            big = [names[j] for j in np.flatnonzero(~np.isfinite(diag))] or list(names)
            return EstimationError(
                f"the information matrix overflows (beyond floating-point range) in the "
                f"terms {preview(big, 8)}: their values are too large. Rescale them (e.g. "
                f"in thousands, or as logarithms) when building the chunks.")
        d = np.sqrt(np.clip(diag, 1e-300, None))
        vals, vecs = np.linalg.eigh(A / np.outer(d, d))
        v = np.abs(vecs[:, 0])
        involved = [names[j] for j in np.flatnonzero(v > 0.1 * v.max())]
        return CollinearityError(
            f"the terms {preview(involved, 8)} are collinear in the chunks (or a term is "
            f"constant); drop one of them.")


def _covariance(finals: list[dict], cov_type: str, small_sample: str, n: int,
                k: int) -> tuple[np.ndarray, int | None]:
    bread = _inverse(sum(f["A"] for f in finals))
    if cov_type == "classic":
        return bread, None
    if cov_type == "robust":
        meat, g = sum(f["meat"] for f in finals), n
    else:
        keys = np.concatenate([f["cluster_keys"] for f in finals])
        sums = np.concatenate([f["cluster_sums"] for f in finals])
        codes, uniques = pd.factorize(pd.Series(keys), sort=False)
        g = len(uniques)
        if g < 2:
            raise EstimationError(
                f"cluster-robust standard errors need at least 2 clusters; found {g}.")
        merged = np.zeros((g, k))
        np.add.at(merged, codes, sums)
        meat = merged.T @ merged
    return sandwich(bread, meat, small_sample=small_sample, g=g, n=n, k=k), (
        g if cov_type == "cluster" else None)
