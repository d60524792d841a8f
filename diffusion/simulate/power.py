"""Monte Carlo power, bias and interval coverage of a diffusion design.

For ``n_sims`` replications, :func:`power` draws a history from the design
(:func:`~diffusion.simulate.generate`), builds its risk set with every exposure
(:meth:`~diffusion.simulate.SimulatedData.risk_set`), fits the model and records, for
each term, the estimate, its standard error, whether the two-sided Wald test rejects
``beta = 0`` at ``alpha`` and whether the ``level`` interval covers the truth. The
power of a term is the share of rejections; its Monte Carlo standard error is
``sqrt(p (1 - p) / n_fits)``.

Replication ``b`` uses the ``b``-th child of ``numpy.random.SeedSequence(seed)``
(``diffusion.inference._replicate.replicate``), so results are identical for
every ``n_jobs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from diffusion._notes import Note
from diffusion._progress import progress_enabled
from diffusion.data.checks import check_option, check_positive_int, preview, show
from diffusion.errors import EstimationError, SpecificationError
from diffusion.inference.covariance import COV_TYPES
from diffusion.inference._replicate import check_n_jobs, check_seed, replicate
from diffusion.simulate.design import LINKS, SimulationDesign
from diffusion.simulate.generate import generate

__all__ = ["power", "PowerResult", "MODELS"]

Model = Literal["logit", "probit", "cloglog", "cox"]
MODELS = (*LINKS, "cox")


@dataclass(frozen=True, eq=False)
class PowerResult:
    """Power, bias and coverage of each term over the replications (immutable).

    Attributes
    ----------
    table : DataFrame
        One row per term: ``truth``, ``power`` (share of rejections of ``beta = 0``
        at ``alpha``), ``power_se`` (its Monte Carlo standard error), ``coverage``
        (share of ``level`` intervals covering the truth), ``coverage_se``,
        ``mean_estimate``, ``bias``, ``sd_estimate`` (Monte Carlo SD of the estimates),
        ``mean_std_error`` (mean estimated SE; close to ``sd_estimate`` when the SEs
        are right) and ``n_fits``.
    estimates, std_errors : DataFrame
        One row per replication, one column per term (NaN when the fit failed).
    n_sims, n_failed : int
        Replications run; replications whose model could not be fitted.
    model, formula : str
    alpha, level : float
    seed : int
    notes : tuple of Note
    """

    _table: pd.DataFrame = field(repr=False)
    _estimates: pd.DataFrame = field(repr=False)
    _std_errors: pd.DataFrame = field(repr=False)
    n_sims: int
    n_failed: int
    model: str
    formula: str
    alpha: float
    level: float
    seed: int
    notes: tuple[Note, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        for name in ("_table", "_estimates", "_std_errors"):
            object.__setattr__(self, name, getattr(self, name).copy())

    @property
    def table(self) -> pd.DataFrame:
        """Power, coverage and bias by term (a copy)."""
        return self._table.copy()

    @property
    def estimates(self) -> pd.DataFrame:
        """Estimates by replication (rows) and term (columns); a copy."""
        return self._estimates.copy()

    @property
    def std_errors(self) -> pd.DataFrame:
        """Standard errors by replication and term; a copy."""
        return self._std_errors.copy()

    @property
    def power(self) -> pd.Series:
        """Share of replications rejecting ``beta = 0`` at ``alpha``, by term."""
        return self._table["power"].copy()

    @property
    def coverage(self) -> pd.Series:
        """Share of ``level`` intervals covering the truth, by term."""
        return self._table["coverage"].copy()

    def __str__(self) -> str:
        shown = self._table
        head = (f"Power of a {self.model} model ({self.formula}) over {self.n_sims} simulated "
                f"histories (seed {self.seed}); alpha = {self.alpha:g}, "
                f"{self.level:.0%} intervals")
        body = shown.to_string(float_format=lambda x: f"{x:.3f}")
        tail = "".join(f"\nnote: {n.message}" for n in self.notes)
        return f"{head}\n{body}{tail}"

    def __repr__(self) -> str:
        return (f"PowerResult({self.model}, n_sims={self.n_sims}, "
                f"power={self._table['power'].round(3).to_dict()})")


def _fit(data_rs: Any, formula: str, model: str, time: Any, ties: str, cov_type: str) -> Any:
    from diffusion.models import CoxHazard, DiscreteTimeHazard

    if model == "cox":
        return CoxHazard.from_formula(formula, data_rs, ties=ties).fit(cov_type=cov_type)
    return DiscreteTimeHazard.from_formula(formula, data_rs, link=model,
                                           time=time).fit(cov_type=cov_type)


@dataclass(frozen=True)
class _Replication:
    """One replication of a power study (picklable for joblib)."""

    design: SimulationDesign
    formula: str
    model: str
    time: Any
    ties: str
    cov_type: str
    terms: tuple[str, ...]

    def __call__(self, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray, str | None]:
        nan = np.full(len(self.terms), np.nan)
        rs = generate(self.design, seed=seed).risk_set()
        try:
            res = _fit(rs, self.formula, self.model, self.time, self.ties, self.cov_type)
        except EstimationError as exc:
            return nan, nan, type(exc).__name__
        params, se = res.params, res.std_errors
        est = np.array([params.get(t, np.nan) for t in self.terms], dtype=np.float64)
        ses = np.array([se.get(t, np.nan) for t in self.terms], dtype=np.float64)
        return est, ses, None


def power(
    design: SimulationDesign,
    *,
    formula: str,
    seed: int,
    model: Model | None = None,
    terms: list[str] | tuple[str, ...] | None = None,
    n_sims: int = 500,
    alpha: float = 0.05,
    level: float = 0.95,
    time: Any = None,
    ties: str = "efron",
    cov_type: str = "cluster",
    n_jobs: int = 1,
    progress: bool | None = None,
) -> PowerResult:
    """Power to detect each effect of a design, with bias and interval coverage.

    Parameters
    ----------
    design : SimulationDesign
        From :func:`~diffusion.simulate.from_structure` or
        :func:`~diffusion.simulate.synthetic`.
    formula : str
        Model formula on the simulated risk set, whose columns are ``trend``,
        ``regional``, ``world``, ``network`` (with a network), ``ingo`` and
        ``domestic``, e.g. ``"event ~ regional + world + ingo + domestic"``.
    seed : int
        Seed (required).
    model : {"logit", "probit", "cloglog", "cox"}, optional
        Model fitted; default: the design's link. ``"cox"`` fits
        :class:`~diffusion.CoxHazard` on the calendar clock (the baseline absorbs the
        intercept, the trend and the world share, which cannot be in the formula).
    terms : sequence of str, optional
        Terms reported; default: every fitted term with a true value except the
        intercept.
    n_sims : int, default 500
        Replications.
    alpha : float, default 0.05
        Level of the two-sided Wald test of ``beta = 0``.
    level : float, default 0.95
        Level of the intervals whose coverage of the truth is reported.
    time : optional
        Time term of discrete-time models (see :class:`~diffusion.DiscreteTimeHazard`).
    ties : {"efron", "breslow", "exact"}, default "efron"
        Ties of the Cox model. With yearly data generated by a logit hazard,
        ``"exact"`` (the discrete partial likelihood) is the correctly specified model.
    cov_type : {"cluster", "classic", "robust"}, default "cluster"
    n_jobs : int, default 1
        joblib workers (-1: all cores); results do not depend on it.
    progress : bool or None, default None
        Progress bar (None: when stderr is a terminal).

    Returns
    -------
    PowerResult

    Raises
    ------
    SpecificationError
        ``n_sims < 1``, ``n_jobs = 0``, ``alpha`` or ``level`` outside (0, 1), an
        unknown model, a formula naming absent columns, a term that is not in the
        fitted model.

    Notes
    -----
    Running on a cluster: every replication is an independent joblib task, so any
    joblib backend works. With Dask (``pip install dask distributed``)::

        from dask.distributed import Client
        import joblib
        client = Client("tcp://scheduler:8786")   # or Client() for a local cluster
        with joblib.parallel_backend("dask"):
            result = simulate.power(design, formula=..., seed=1, n_sims=5000, n_jobs=-1)

    The seeds are fixed before the work is sent out, so the result equals the one of
    ``n_jobs=1``.

    Examples
    --------
    >>> from diffusion import simulate
    >>> design = simulate.synthetic(seed=1, n_units=60, start=1950, end=1999,
    ...                             intercept=-3.5, regional=2.0, ingo=0.5)
    >>> res = simulate.power(design, formula="event ~ regional + ingo + domestic",
    ...                      n_sims=20, seed=2)
    >>> list(res.table.index)
    ['regional', 'ingo', 'domestic']
    >>> bool(res.power["ingo"] >= 0)
    True
    """
    if not isinstance(design, SimulationDesign):
        raise SpecificationError(
            f"design must be a SimulationDesign (simulate.from_structure or "
            f"simulate.synthetic), got {type(design).__name__}.")
    seed = check_seed(seed)
    n_sims = check_positive_int(n_sims, name="n_sims")
    n_jobs = check_n_jobs(n_jobs)
    model = check_option(design.link if model is None else model, MODELS, name="model")
    ties = check_option(ties, ("efron", "breslow", "exact"), name="ties")
    cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
    for name, value in [("alpha", alpha), ("level", level)]:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise SpecificationError(f"{name} must lie strictly between 0 and 1, got "
                                     f"{show(value)}.")
    if model == "cox" and time is not None:
        raise SpecificationError("time= applies to discrete-time models, not to model='cox'.")
    progress_enabled(progress)
    if not isinstance(formula, str):
        raise SpecificationError(f"formula must be a string, got {show(formula)}.")

    # fail fast, in this process: specify the model once on a first history (this
    # checks the formula's columns and gives the names of the terms)
    truth = design.truth
    fitted_terms = _terms(design, formula, model, time, ties)
    if terms is None:
        terms = tuple(t for t in fitted_terms if t in truth and t != "Intercept")
        if not terms:
            raise SpecificationError(
                f"the formula {show(formula)} has no term with a true effect in the design "
                f"({preview(list(truth))}); pass terms=.")
    else:
        terms = (terms,) if isinstance(terms, str) else tuple(terms)
        absent = [t for t in terms if t not in fitted_terms]
        if absent:
            raise SpecificationError(
                f"term(s) {preview(absent)} are not terms of the fitted model; its terms are "
                f"{preview(list(fitted_terms), 12)}.")

    task = _Replication(design, formula, model, time, ties, cov_type, terms)
    out = replicate(task, n=n_sims, seed=seed, n_jobs=n_jobs, progress=progress,
                    desc="power simulations")
    est = pd.DataFrame(np.array([r[0] for r in out]).reshape(n_sims, len(terms)),
                       columns=list(terms))
    ses = pd.DataFrame(np.array([r[1] for r in out]).reshape(n_sims, len(terms)),
                       columns=list(terms))
    failures = pd.Series([r[2] for r in out if r[2] is not None], dtype=object)
    notes: list[Note] = []
    if len(failures):
        kinds = ", ".join(f"{k}: {v}" for k, v in failures.value_counts().items())
        notes.append(Note("power_failed_fits", int(len(failures)),
                          f"{len(failures)} of {n_sims} replication(s) could not be fitted "
                          f"({kinds}) and are left out of every share."))
    if len(failures) == n_sims:
        raise EstimationError(
            f"the model could not be fitted on any of the {n_sims} simulated histories "
            f"({kinds}). Fit it on one history (simulate.generate(design, seed=...)"
            f".risk_set()) to see why: e.g. a Cox model cannot estimate the trend or the "
            f"world share, which its baseline absorbs.")
    table = _table(est, ses, truth, alpha, level)
    return PowerResult(table, est, ses, n_sims, int(len(failures)), model, formula,
                       float(alpha), float(level), seed, tuple(notes))


def _terms(design: SimulationDesign, formula: str, model: str, time: Any, ties: str
           ) -> tuple[str, ...]:
    """Names of the fitted terms, from the model specified on a first history."""
    from diffusion.models import CoxHazard, DiscreteTimeHazard
    from diffusion.models.design import build_design

    rs = generate(design, seed=np.random.SeedSequence(0)).risk_set()
    if model == "cox":
        spec = CoxHazard.from_formula(formula, rs, ties=ties).spec
        time_term = None
    else:
        m = DiscreteTimeHazard.from_formula(formula, rs, link=model, time=time)
        spec, time_term = m.spec, m.time
    try:
        names = build_design(rs, spec, time_term, check_collinear=False).names
    except EstimationError:  # e.g. no event in this history: fall back on the formula
        names = spec.variables
    if model == "cox":
        names = tuple(n for n in names if n != "Intercept")
    return tuple(names)


def _table(est: pd.DataFrame, ses: pd.DataFrame, truth: dict[str, float], alpha: float,
           level: float) -> pd.DataFrame:
    q = stats.norm.ppf(0.5 + level / 2)
    rows = {}
    for term in est.columns:
        b = est[term].to_numpy()
        s = ses[term].to_numpy()
        ok = np.isfinite(b) & np.isfinite(s) & (s > 0)
        b, s = b[ok], s[ok]
        n = int(ok.sum())
        true = truth.get(term, np.nan)
        p = 2 * stats.norm.sf(np.abs(b / s))
        rej = float(np.mean(p < alpha)) if n else np.nan
        cover = float(np.mean((b - q * s <= true) & (true <= b + q * s))) if n else np.nan
        rows[term] = {
            "truth": true,
            "power": rej,
            "power_se": float(np.sqrt(rej * (1 - rej) / n)) if n else np.nan,
            "coverage": cover if np.isfinite(true) else np.nan,
            "coverage_se": (float(np.sqrt(cover * (1 - cover) / n))
                            if n and np.isfinite(true) else np.nan),
            "mean_estimate": float(b.mean()) if n else np.nan,
            "bias": float(b.mean() - true) if n else np.nan,
            "sd_estimate": float(b.std(ddof=1)) if n > 1 else np.nan,
            "mean_std_error": float(s.mean()) if n else np.nan,
            "n_fits": n,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "term"
    return table
