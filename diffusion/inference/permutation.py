"""Permutation and placebo inference for exposure terms.

Asymptotic standard errors of exposure effects rest on assumptions that diffusion
data strain (few units, strong dependence between units through the very exposure
being tested). A permutation test asks instead: how often would a statistic as large
as the observed one arise if the structure of the data were kept but the link
between peers' adoptions and one's own were broken? Two placebo schemes:

``"within_year"`` -- shuffle which units adopt in each year.
    Year by year, from ``start`` to ``end``, the ``d_t`` adoptions observed in year
    ``t`` are given to ``d_t`` units drawn at random (without replacement) among the
    units at risk in ``t`` *under the permuted history* (members in ``t`` that have
    not adopted in an earlier permuted year). The number of adoptions per year is
    kept, so is every unit's membership; units that adopted before their first year
    at risk (e.g. before independence) keep their adoption and are never drawn.
    Every exposure is then recomputed from the permuted history by the user's
    ``build`` function and the model refitted. Null hypothesis: within a year, the
    units at risk are exchangeable -- adoption depends on the year only (this also
    removes the effects of the other covariates, so the test is a placebo for the
    whole diffusion process, in the spirit of the "shuffle test" of Anagnostopoulos,
    Kumar & Mahdian 2008).

    **Control for the year in the model.** The permutation keeps the number of
    adoptions of every year, and with it the bunching of adoptions in time. An exposure
    that rises after busy years (a regional share of recent adopters does) then
    "predicts" the permuted adoptions too, unless the model absorbs year-to-year
    variation: use a Cox model on the calendar clock (its baseline hazard is a free
    effect per year), or year dummies in a discrete-time model. Without it the null
    distribution of the exposure's z statistic is shifted away from 0 and the test
    has little power (it asks whether the exposure predicts better than the timing
    of adoptions alone).

``"rewire"`` -- rewire the network, keep the adoptions.
    The directed network is rewired by a Markov chain of double-edge swaps
    (Maslov & Sneppen 2002): two ties ``a -> b`` and ``c -> e`` become ``a -> e``
    and ``c -> b`` unless that creates a self-tie or a tie that already exists.
    Every unit keeps its in-degree (number of sources) and out-degree (number of
    targets) exactly, and the rewired network, like the observed one, has no
    self-ties and no multiple ties; a tie's other columns (weight) travel with its
    source. Self-ties of the observed network are removed first (network exposure
    ignores them anyway; counted in the notes); ``10 * n_ties`` swaps are made per
    replication. The events stay as observed and only the network exposure changes.
    Null hypothesis: given the degrees, *who* is tied to whom does not matter. (We do
    not use networkx's ``directed_configuration_model``: it creates self-loops and
    multi-edges whose removal changes the degrees.)

The statistic is the term's z statistic (default) or coefficient; the p-value is
``(1 + #{b : |stat_b| >= |stat_obs|}) / (B' + 1)`` with ``B'`` the replications whose
model could be fitted (Phipson & Smyth 2010: never zero). Replications run in
parallel with joblib, each with its own seed spawned from
``numpy.random.SeedSequence(seed)``, so results do not depend on ``n_jobs``.

The seeded parallel replications (``diffusion.inference._replicate``) are shared
with :func:`diffusion.simulate.power`; the two schemes live in
``diffusion.inference._placebo``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion._progress import progress_enabled
from diffusion.data.checks import check_option, check_positive_int, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import EstimationError, SpecificationError
from diffusion.inference._placebo import (
    Network,
    network_to_rewire,
    observed_events,
    permute_within_year,
    rewire,
)
from diffusion.inference._replicate import check_n_jobs, check_seed, replicate
from diffusion.inference.covariance import COV_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["permutation_test", "PermutationResult", "SCHEMES", "STATISTICS"]

Scheme = Literal["within_year", "rewire"]
Statistic = Literal["z", "coef"]
SCHEMES = ("within_year", "rewire")
STATISTICS = ("z", "coef")
#: double-edge swaps made per tie in each rewiring
SWAPS_PER_TIE = 10


# ---------------------------------------------------------------------- result
def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class PermutationResult:
    """Result of a permutation (placebo) test of one term (immutable).

    Attributes
    ----------
    term : str
    statistic : {"z", "coef"}
    scheme : {"within_year", "rewire"}
    observed : float
        The statistic on the observed data.
    p_value : float
        ``(1 + #{|stat_b| >= |observed|}) / (B' + 1)``, ``B'`` = :attr:`n_valid`.
    B : int
        Replications asked for.
    n_failed : int
        Replications whose model could not be fitted (separation, no variation of
        the term, ...): left out of the null distribution and counted in the notes.
    seed : int
    notes : tuple of Note
    """

    term: str
    statistic: str
    scheme: str
    observed: float
    p_value: float
    B: int
    n_failed: int
    seed: int
    _null: np.ndarray = field(repr=False)
    notes: tuple[Note, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_null", _frozen(self._null))

    @property
    def null_distribution(self) -> np.ndarray:
        """The statistic in each replication that could be fitted (a copy)."""
        return self._null[np.isfinite(self._null)].copy()

    @property
    def n_valid(self) -> int:
        """Replications in the null distribution."""
        return int(np.isfinite(self._null).sum())

    def __str__(self) -> str:
        null = self.null_distribution
        what = "z statistic" if self.statistic == "z" else "coefficient"
        lines = [
            f"Permutation test of {self.term!r} ({self.scheme} scheme, {what})",
            f"  observed {what}: {self.observed:.4f}",
            f"  null distribution: {self.n_valid} replications (of {self.B}), "
            + (f"mean {null.mean():.4f}, 2.5%-97.5% [{np.quantile(null, 0.025):.4f}, "
               f"{np.quantile(null, 0.975):.4f}]" if len(null) else "empty"),
            f"  permutation p-value (two-sided): {self.p_value:.4f}",
        ]
        lines += [f"  note: {n.message}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"PermutationResult(term={self.term!r}, scheme={self.scheme!r}, "
                f"observed={self.observed:.4f}, p_value={self.p_value:.4f}, B={self.B})")

    def plot(self, *, ax: Axes | None = None) -> Figure:
        """Histogram of the null distribution with the observed statistic marked.

        Returns the matplotlib Figure (never shown; built without pyplot, so the
        user's backend is untouched).
        """
        from diffusion.report.plots import _pyplot

        plt = _pyplot()

        own = ax is None
        if own:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        null = self.null_distribution
        if len(null):
            ax.hist(null, bins=min(50, max(10, len(null) // 20)), color="0.75",
                    edgecolor="0.45", label=f"null distribution ({len(null)} draws)")
        ax.axvline(self.observed, color="C3", label=f"observed ({self.observed:.3g})")
        # the test is two-sided: the mirror image bounds the other tail
        ax.axvline(-self.observed, color="C3", linestyle=":", label="mirror of observed")
        what = "z statistic" if self.statistic == "z" else "coefficient"
        ax.set_xlabel(f"{what} of {self.term}")
        ax.set_ylabel("replications")
        ax.set_title(f"Permutation test ({self.scheme}): p = {self.p_value:.3f}")
        ax.legend(frameon=False, fontsize="small", loc="upper left")
        if own:
            fig.tight_layout()
        return fig


# ------------------------------------------------------------------ the test
def _respecify(model: Any, risk_set: RiskSet) -> Any:
    """The same model specification on another risk set.

    Models are frozen specifications (``risk_set`` plus a formula or column list and
    options that do not depend on the data), so a shallow copy with the risk set
    replaced is the model re-specified; the columns it reads are checked here.
    """
    needed = list(model.spec.variables) + [c for c in (getattr(model, "strata", None),)
                                           if c]
    absent = [c for c in needed if c not in risk_set._frame.columns]
    if absent:
        raise SpecificationError(
            f"the risk set returned by build lacks column(s) {preview(absent)} that the "
            f"model uses; build must add the same covariates and exposures as the model's "
            f"risk set.")
    new = copy.copy(model)
    object.__setattr__(new, "risk_set", risk_set)
    return new


def _statistic(result: Any, term: str, statistic: str) -> float:
    return float(result.z_stats[term] if statistic == "z" else result.params[term])


@dataclass(frozen=True)
class _Task:
    """One replication of the test (picklable for joblib)."""

    model: Any
    build: Callable[[pd.DataFrame, Any], RiskSet]
    term: str
    scheme: str
    statistic: str
    cov_type: str
    network: Network | None
    edges: Any
    n_swaps: int

    def __call__(self, seed: np.random.SeedSequence) -> tuple[float, int, str | None]:
        rng = np.random.default_rng(seed)
        rs0 = self.model.risk_set
        shortfall = 0
        if self.scheme == "within_year":
            events, shortfall = permute_within_year(rs0, rng)
            edges = self.edges
        else:
            events = observed_events(rs0)
            net = self.network
            s, d = rewire(net.s, net.d, len(net.nodes), rng, self.n_swaps)
            edges = net.rebuild(s, d)
        rs = _call_build(self.build, events, edges)
        try:
            result = _respecify(self.model, rs).fit(cov_type=self.cov_type)
        except EstimationError as exc:
            return math.nan, shortfall, type(exc).__name__
        if self.term not in result.terms:
            return math.nan, shortfall, "term dropped"
        return _statistic(result, self.term, self.statistic), shortfall, None


def _call_build(build: Callable[[pd.DataFrame, Any], RiskSet], events: pd.DataFrame,
                edges: Any) -> RiskSet:
    rs = build(events, edges)
    if not isinstance(rs, RiskSet):
        raise SpecificationError(
            f"build(events, edges) must return a diffusion.RiskSet, got {type(rs).__name__}.")
    return rs


def permutation_test(
    model: Any,
    build: Callable[[pd.DataFrame, Any], RiskSet],
    *,
    term: str,
    seed: int,
    B: int = 999,
    scheme: Scheme = "within_year",
    edges: Any = None,
    source: str = "source",
    target: str = "target",
    statistic: Statistic = "z",
    cov_type: str = "cluster",
    n_jobs: int = 1,
    progress: bool | None = None,
) -> PermutationResult:
    """Permutation (placebo) test of an exposure term.

    Parameters
    ----------
    model : DiscreteTimeHazard, CoxHazard, PiecewiseExponentialHazard or WeibullHazard
        The model *specification* on the observed risk set (not its fitted results:
        the test refits the same specification on every permuted risk set).
    build : callable
        ``build(events, edges) -> RiskSet``: how the risk set, its covariates and its
        exposures are made from an events table (columns named as the risk set's
        unit and time) and the network (``edges`` as given here, rewired under
        ``scheme="rewire"``; None when not given). It must be the recipe that made
        ``model.risk_set``: the test checks that ``build`` on the observed events
        reproduces the ``term`` column. A function of the events is the one thing
        that can rebuild every exposure *and* the covariates of units whose rows
        change when the history changes (a unit that no longer adopts stays at risk,
        with its covariates, after its observed adoption year).
    term : str
        The term tested (a column of the design, e.g. ``"regional"``).
    seed : int
        Seed (required): replication ``b`` uses the ``b``-th child of
        ``numpy.random.SeedSequence(seed).spawn(B)``.
    B : int, default 999
        Number of permutations.
    scheme : {"within_year", "rewire"}, default "within_year"
        See the module docstring.
    edges : DataFrame or networkx.DiGraph, optional
        The network (required for ``"rewire"``, passed to ``build``). A DataFrame has
        one row per tie (``source``, ``target`` and e.g. a weight); ties by year are
        refused by ``"rewire"``.
    source, target : str
        Tie columns of an ``edges`` DataFrame.
    statistic : {"z", "coef"}, default "z"
        The statistic compared: the Wald z statistic (studentised, the better choice
        when the variance of the estimate changes under the null) or the coefficient.
    cov_type : {"cluster", "classic", "robust"}, default "cluster"
        Covariance of every fit (matters for ``statistic="z"``).
    n_jobs : int, default 1
        joblib workers (-1: all cores). Results are identical for every value. On a
        cluster: ``with joblib.parallel_backend("dask"): permutation_test(...,
        n_jobs=-1)`` (with a ``dask.distributed.Client`` running).
    progress : bool or None, default None
        Progress bar: None shows one when stderr is a terminal.

    Returns
    -------
    PermutationResult
        ``observed``, ``p_value``, ``null_distribution``, ``notes`` and ``plot()``.

    Raises
    ------
    SpecificationError
        ``B < 1``, ``n_jobs = 0``, unknown scheme or statistic, a term absent from the
        fitted model, ``build`` not reproducing the model's risk set, ``"rewire"``
        without a static directed network, a repeated-events risk set.

    Notes
    -----
    Under ``scheme="within_year"`` the model should control for the year (a Cox model
    on the calendar clock, or year dummies): the permutation keeps the number of
    adoptions per year, see the module docstring.

    With ``S_obs`` the observed statistic and ``S_1..S_B'`` those of the replications
    that could be fitted, ``p = (1 + #{b: |S_b| >= |S_obs|}) / (B' + 1)``: a valid
    two-sided p-value that is never 0 (Phipson & Smyth 2010). Its Monte Carlo error
    is about ``sqrt(p (1 - p) / B)``.

    Examples
    --------
    A Cox model on the calendar clock (its baseline absorbs every year's level):

    >>> import diffusion as d
    >>> from diffusion.exposure import regional_share
    >>> design = d.simulate.synthetic(seed=3, n_units=100, n_groups=10, start=1960,
    ...                               end=1999, intercept=-3.5, regional=3.0)
    >>> data = d.simulate.generate(design, seed=1)
    >>> def build(events, edges):
    ...     rs = d.RiskSet.from_events(events, unit="unit", time="year",
    ...                                membership=data.membership, start=1960, end=1999)
    ...     return rs.with_exposure("regional", regional_share(data.groups, window=5))
    >>> model = d.CoxHazard.from_formula("event ~ regional", build(data.events, None))
    >>> res = d.permutation_test(model, build, term="regional", B=19, seed=1)
    >>> res.B, res.n_valid
    (19, 19)
    >>> fig = res.plot()  # histogram of the null distribution, observed value marked
    """
    from diffusion.results.hazard import HazardResults

    if isinstance(model, HazardResults):
        raise SpecificationError(
            "pass the model specification (e.g. DiscreteTimeHazard.from_formula(...)), not "
            "its fitted results: the test refits the specification on every permuted risk "
            "set.")
    if not (hasattr(model, "risk_set") and hasattr(model, "spec") and hasattr(model, "fit")):
        raise SpecificationError(
            f"model must be a diffusion hazard model (DiscreteTimeHazard, CoxHazard, ...), "
            f"got {type(model).__name__}.")
    if not callable(build):
        raise SpecificationError(
            f"build must be a function build(events, edges) -> RiskSet, got "
            f"{type(build).__name__}.")
    B = check_positive_int(B, name="B")
    n_jobs = check_n_jobs(n_jobs)
    seed = check_seed(seed)
    scheme = check_option(scheme, SCHEMES, name="scheme")
    statistic = check_option(statistic, STATISTICS, name="statistic")
    cov_type = check_option(cov_type, COV_TYPES, name="cov_type")
    progress_enabled(progress)
    rs_obs = model.risk_set
    if rs_obs.repeated:
        raise SpecificationError(
            "permutation_test permutes first adoptions; the model's risk set has repeated "
            "events (repeated=True).")
    if not isinstance(term, str):
        raise SpecificationError(f"term must be a string, got {show(term)}.")

    notes: list[Note] = []
    network: Network | None = None
    n_swaps = 0
    if scheme == "rewire":
        network, net_notes, edges = network_to_rewire(edges, source, target)
        notes.extend(net_notes)
        if len(network.s) < 2:
            raise SpecificationError(
                f"scheme='rewire' needs at least 2 ties to swap; the network has "
                f"{len(network.s)}.")
        n_swaps = SWAPS_PER_TIE * len(network.s)

    fitted = model.fit(cov_type=cov_type)
    if term not in fitted.terms:
        raise SpecificationError(
            f"term {show(term)} is not a term of the model; its terms are "
            f"{preview(list(fitted.terms), 12)}.")
    observed = _statistic(fitted, term, statistic)

    # build must be the recipe of the model's risk set: check it on the observed data
    rebuilt = _call_build(build, observed_events(rs_obs), edges)
    column = term if term in rs_obs._frame.columns else None
    same = (rebuilt.n_obs == rs_obs.n_obs and rebuilt.n_events == rs_obs.n_events)
    if same and column is not None:
        same = column in rebuilt._frame.columns and np.allclose(
            rebuilt._frame[column].to_numpy(dtype=float), rs_obs._frame[column].to_numpy(
                dtype=float), rtol=1e-10, atol=1e-12, equal_nan=True)
    if not same:
        raise SpecificationError(
            f"build(events, edges) on the observed events does not reproduce the model's "
            f"risk set ({rebuilt.n_obs} rows and {rebuilt.n_events} events against "
            f"{rs_obs.n_obs} and {rs_obs.n_events}"
            + (f", or different values of {show(column)}" if column else "")
            + "). build must make the risk set exactly as for the model (same membership, "
            "window, covariates and exposure measures).")

    task = _Task(model, build, term, scheme, statistic, cov_type, network, edges, n_swaps)
    out = replicate(task, n=B, seed=seed, n_jobs=n_jobs, progress=progress,
                    desc=f"permutations ({scheme})")
    null = np.array([r[0] for r in out], dtype=np.float64)
    shortfall = sum(r[1] for r in out)
    failures = pd.Series([r[2] for r in out if r[2] is not None], dtype=object)
    if shortfall:
        notes.append(Note("permutation_shortfall", int(shortfall),
                          f"{shortfall} adoption(s) could not be placed (fewer units at risk "
                          f"than observed adoptions in a year of a permuted history)."))
    if len(failures):
        kinds = ", ".join(f"{k}: {v}" for k, v in failures.value_counts().items())
        notes.append(Note("permutation_failed_fits", int(len(failures)),
                          f"{len(failures)} of {B} replication(s) could not be fitted ({kinds}) "
                          f"and are left out of the null distribution."))
    valid = null[np.isfinite(null)]
    if not len(valid):
        raise EstimationError(
            f"none of the {B} permuted models could be fitted ({notes[-1].message}); the "
            f"test is undefined. Check the model on the observed data.")
    # a relative tolerance, so that a permutation reproducing the observed data (equal
    # statistic up to rounding in the last digits) counts as "at least as extreme"
    exceed = int(np.sum(np.abs(valid) >= abs(observed) * (1 - 1e-12)))
    p_value = (1 + exceed) / (len(valid) + 1)
    return PermutationResult(term, statistic, scheme, observed, p_value, B,
                             int(len(failures)), seed, null, tuple(notes))
