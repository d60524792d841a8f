"""Competing outcomes: cause-specific hazards and Fine--Gray subdistribution hazards.

A risk set built by :func:`diffusion.data.competing.competing_risk_set` carries an
``outcome`` column with each event's type. Two models answer different questions:

* **Cause-specific hazard** of type ``k``: the rate of ``k`` among units still at risk of
  every type, the other types censored. :func:`cause_specific` builds that risk set;
  :class:`~diffusion.CoxHazard` and :class:`~diffusion.DiscreteTimeHazard` fit it, with
  time-varying covariates and late entry as usual.
* **Subdistribution hazard** (Fine & Gray 1999): the hazard of the cumulative incidence
  of ``k``, ``F_k(t) = P(T <= t, type k)``; units that ended with another type stay in
  the risk set, down-weighted by the probability of still being uncensored.
  :class:`FineGray` fits it; its coefficients act on ``F_k`` directly.

Conventions (R vs diffusion)
----------------------------
* Estimates and the ``cov_type="crr"`` covariance equal R ``cmprsk::crr(ftime, fstatus,
  cov1, failcode, cencode)`` (Breslow ties; censoring weights from the Kaplan--Meier of
  the censoring times evaluated at ``t-``; Fine & Gray's sandwich, which includes the
  variability of the estimated censoring distribution). crr's default convergence
  tolerance (``gtol = 1e-6``) stops about ``1e-5`` from the maximum; ours iterates
  to convergence (compare with ``gtol = 1e-12``).
* ``cov_type="robust"`` is the sandwich of a weighted Cox fit clustered by unit, what
  R ``coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, id = id)`` reports on
  ``survival::finegray`` data: it omits the censoring-weight term, and is typically a
  little smaller than crr's. ``cov_type="classic"`` is the inverse information
  (coxph's ``naive.var``).
* ``survival::finegray`` builds its weights with another convention for censorings
  tied with events (in yearly data most are): it moves event times 0.2 of a step
  earlier, so units failing in a year are no longer at risk of censoring in that
  year; crr's Kaplan--Meier keeps them. On the test data the coefficients differ by
  about ``1e-3``. ``weights="finegray"`` reproduces finegray + ``coxph(ties =
  "breslow")`` (coefficients, robust and naive variances, to ``1e-10``); the default
  ``weights="crr"`` reproduces crr, and ``tests/reference/competing.R`` also writes
  crr's weights as counting-process rows for ``coxph``. ``cov_type="crr"`` with
  ``weights="finegray"`` uses finegray's risk sets in the censoring term too: no R
  function reports that combination.
* coxph's default ``ties = "efron"`` on finegray data gives other estimates again; the
  Fine--Gray model here uses Breslow's ties only (crr's).
* **Late entry.** Neither R function takes it: crr's arguments are ``ftime`` ("vector
  of failure/censoring times") and ``fstatus``, with no entry time (cmprsk 2.2.11 help
  page ``crr``); finegray's help page says "Time dependent covariates are allowed, but
  not (currently) delayed entry" (survival 3.5.3). With
  ``clock="duration"`` (default) time runs from each unit's first year at risk, so there
  is no left truncation and the model is crr's. On ``clock="calendar"`` units that
  enter late are left truncated: the weights then need the entry distribution as well
  (Geskus 2011). With ``weights="finegray"`` they are computed as finegray's code does
  for ``Surv(start, stop, status)`` input (equal to it in the tests, although its help
  page disclaims delayed entry), with ``cov_type="robust"``; with ``weights="crr"``
  late entry on the calendar clock is refused. A unit that leaves the system and
  re-enters is treated as at risk through the gap (counted in the notes; finegray
  refuses such gaps).
* **Time-varying covariates** take ``weights="finegray"``: the counting-process form
  of R ``survival::finegray(Surv(start, stop, status) ~ ., id = id)`` ("Time dependent
  covariates are allowed", its help page) followed by ``coxph(Surv(fgstart, fgstop,
  fgstatus) ~ x, weights = fgwt, id = id, ties = "breslow")``. A unit is at risk in
  each of its years with that year's values; a unit that ended with another outcome
  stays in the risk set with the values of its **last year at risk carried forward**
  (finegray's added rows repeat the last row's covariates), weighted by the censoring
  survival ratio ``G(t-) / G(T_i-)`` (times ``H`` for late entry), the same weights as
  for constant covariates. Ties: Breslow. Equal to R to ``1e-10``
  (``tests/reference/competing_tv.R``, both clocks). Covariances: ``"robust"`` (the
  default; coxph's id-clustered sandwich) or ``"classic"``. Years missing from a
  unit's membership (a gap) carry the value before the gap; a unit with a missing
  value in any year is dropped (both counted in the notes).
* With ``weights="crr"`` covariates must be constant within unit (crr's ``cov1``): a
  time-varying column is refused, naming the covariate, a unit and the years where it
  changes. crr accepts time variation only as ``cov2 * tf(t)``, fixed covariates times
  known functions of time, which are defined after a competing event; a panel column
  is observed only while the unit is at risk, so giving it to crr means choosing
  values after the unit's end -- finegray's carry-forward, which is that other
  definition. ``cov_type="crr"`` is refused with time-varying covariates for the same
  reason: no R function computes Fine & Gray's censoring term for carried-forward
  covariates to check it against.
* crr's ``cov2``/``tf`` is ``time_interactions={"x_log_t": ("x", numpy.log)}``: the
  term ``x_i * f(t)`` at each event time ``t``, for every unit in the risk set (also
  after a competing event: ``f`` is known at every time). ``t`` is the model's clock:
  years since entry, starting at 1 (crr's ``ftime``; its ``tf`` receives the distinct
  failure times), or calendar years with ``clock="calendar"``. ``x`` must be constant
  within unit. All three covariances are available (``"crr"`` not with late entry, as
  above): equal to ``crr(cov1, cov2, tf)``
  (estimates and sandwich) and, with ``weights="finegray"``, to ``coxph(... + tt(x),
  tt = function(x, t, ...) x * f(t))`` on finegray data, to ``1e-10``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_option, listing, preview, show
from diffusion.data.competing import cause_specific, check_outcome
from diffusion.data.riskset import RiskSet
from diffusion.errors import DataError, EstimationError, SpecificationError
from diffusion.models.competing import _engine as engine
from diffusion.results.hazard import HazardResults

__all__ = ["FineGray", "FineGrayCov", "FINE_GRAY_COV", "cause_specific", "unit_outcomes"]

FineGrayCov = Literal["crr", "robust", "classic"]
FINE_GRAY_COV = ("crr", "robust", "classic")
Weights = Literal["crr", "finegray"]
WEIGHTS = ("crr", "finegray")
Clock = Literal["duration", "calendar"]


def unit_outcomes(risk_set: RiskSet, *, outcome: str, clock: Clock = "duration"
                  ) -> pd.DataFrame:
    """One row per unit: ``entry``, ``last`` year at risk, ``time`` and ``outcome``.

    ``time = last - entry + 1`` (years at risk, counting any gap in membership) on
    either clock; ``outcome`` is the type of the unit's event, missing when censored.
    ``gap`` is True for units with fewer rows than ``time``.
    """
    check_outcome(risk_set, outcome)
    clock = check_option(clock, ("duration", "calendar"), name="clock")
    f = risk_set._frame
    g = f.groupby(risk_set.unit, sort=True)
    table = pd.DataFrame({
        "entry": g[risk_set.time].min(),
        "last": g[risk_set.time].max(),
        "rows": g.size(),
        "outcome": g[outcome].last(),  # the event, if any, is on the last row
    })
    table["time"] = table["last"] - table["entry"] + 1
    table["gap"] = table["rows"] < table["time"]
    return table.drop(columns="rows")


@dataclass(frozen=True, eq=False)
class FineGray:
    """Fine--Gray proportional subdistribution hazards for one outcome of several.

    Parameters
    ----------
    risk_set : RiskSet
        Built by :func:`diffusion.data.competing.competing_risk_set`.
    covariates : sequence of str
        Numeric columns. Constant within each unit with ``weights="crr"``; with
        ``weights="finegray"`` they may vary from year to year (the values of a unit's
        last year are carried forward after it ends with another outcome; see the
        module docstring).
    outcome : str
        The outcome column.
    cause : object
        The outcome code modelled; every other code is a competing event.
    clock : {"duration", "calendar"}, default "duration"
        Years since the unit's first year at risk, or calendar years (only when every
        unit enters in the same year; see the module docstring).
    weights : {"crr", "finegray"}, default "crr"
        Censoring weights at tied years: the Kaplan--Meier of the censorings counts the
        units failing in a year at risk of censoring in that year (``"crr"``, R
        ``cmprsk::crr``), or has their events come first (``"finegray"``, R
        ``survival::finegray``). Both are consistent; on yearly data they differ in
        the third decimal. Time-varying covariates need ``"finegray"``.
    time_interactions : mapping of str to (str, callable), optional
        ``{name: (column, f)}``: the term ``column * f(t)``, ``column`` constant within
        unit and ``f`` a vectorised function of the clock's time (years since entry from
        1, or calendar years), finite at every time -- R ``crr``'s ``cov2`` and ``tf``.
        The terms follow the covariates in the results.

    Notes
    -----
    The subdistribution hazard of cause ``k`` is
    ``h_k(t) = -d log(1 - F_k(t)) / dt = h_k0(t) exp(x' beta)``; ``beta`` maximises the
    weighted partial likelihood of :mod:`diffusion.models.competing._engine` (formulas
    there).

    Examples
    --------
    >>> import pandas as pd
    >>> from diffusion.data.competing import competing_risk_set
    >>> from diffusion.models.competing import FineGray
    >>> rng = __import__("numpy").random.default_rng(3)
    >>> ev = pd.DataFrame({"c": range(60), "year": rng.integers(2001, 2011, 60),
    ...                    "how": rng.choice(["r", "a"], 60)}).iloc[:45]
    >>> rs = competing_risk_set(ev, unit="c", time="year", outcome="how",
    ...                         units=range(60), start=2001, end=2010)
    >>> rs = rs.assign(x=lambda f: (f["c"] % 2).astype(float))
    >>> res = FineGray(rs, covariates=["x"], outcome="how", cause="r").fit()
    >>> list(res.params.index), res.cov_type
    (['x'], 'crr')
    >>> tf = {"x_log_t": ("x", __import__("numpy").log)}  # crr's cov2 = x, tf = log
    >>> res = FineGray(rs, covariates=["x"], outcome="how", cause="r",
    ...                time_interactions=tf).fit()
    >>> list(res.params.index)
    ['x', 'x_log_t']
    """

    risk_set: RiskSet
    covariates: tuple[str, ...]
    outcome: str
    cause: Any
    clock: str
    weights: str
    time_interactions: tuple[tuple[str, str, Callable[[np.ndarray], Any]], ...]

    def __init__(self, risk_set: RiskSet, *, covariates: Sequence[str], outcome: str,
                 cause: Any, clock: Clock = "duration", weights: Weights = "crr",
                 time_interactions: Mapping[str, tuple[str, Callable[[np.ndarray], Any]]]
                 | None = None) -> None:
        if not isinstance(outcome, str):
            raise SpecificationError(
                f"outcome must be the name of the outcome column (a string), got "
                f"{show(outcome)}.")
        check_outcome(risk_set, outcome, cause)
        if isinstance(covariates, str):
            covariates = [covariates]
        if not isinstance(covariates, (Sequence, pd.Index)):
            raise SpecificationError(
                f"covariates must be a list of column names, got {type(covariates).__name__} "
                f"{show(covariates)}.")
        covariates = tuple(covariates)
        unhashable = [c for c in covariates if not isinstance(c, Hashable)]
        if unhashable:
            raise SpecificationError(
                f"covariates must be column names; got {preview(unhashable)}.")
        if not covariates:
            raise SpecificationError("a Fine-Gray model needs at least one covariate.")
        twice = [c for c in dict.fromkeys(covariates) if covariates.count(c) > 1]
        if twice:
            raise SpecificationError(
                f"covariate(s) {preview(twice)} are named more than once; name each once.")
        frame = risk_set._frame
        absent = [c for c in covariates if c not in frame.columns]
        if absent:
            raise SpecificationError(
                f"covariate(s) {preview(absent)} are not columns of the risk set; available: "
                f"{preview(list(frame.columns), 15)}.")
        bad = [c for c in covariates if c in (outcome, risk_set.event, risk_set.unit,
                                               risk_set.time)
               or not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise SpecificationError(
                f"covariate(s) {preview(bad)} are not numeric covariates (or are the unit, "
                f"time, event or outcome column); make dummies for categories.")
        clock = check_option(clock, ("duration", "calendar"), name="clock")
        weights = check_option(weights, WEIGHTS, name="weights")
        interactions = _check_interactions(time_interactions, covariates, risk_set, outcome)
        _check_finite(risk_set, list(dict.fromkeys(
            covariates + tuple(c for _, c, _ in interactions))))
        object.__setattr__(self, "time_interactions", interactions)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "risk_set", risk_set)
        object.__setattr__(self, "covariates", covariates)
        object.__setattr__(self, "outcome", outcome)
        object.__setattr__(self, "cause", cause)
        object.__setattr__(self, "clock", clock)

    @property
    def terms(self) -> tuple[str, ...]:
        """The covariates, then the names of the time interactions."""
        return self.covariates + tuple(name for name, _, _ in self.time_interactions)

    def __repr__(self) -> str:
        return (f"FineGray({' + '.join(self.terms)}, outcome={show(self.outcome)}, "
                f"cause={show(self.cause)}, clock={show(self.clock)}, "
                f"weights={show(self.weights)})")

    def time_varying(self) -> tuple[str, ...]:
        """The covariates that take more than one value within some unit (missing ignored)."""
        f = self.risk_set._frame
        nunique = f[list(self.covariates)].groupby(f[self.risk_set.unit], sort=False).nunique()
        return tuple(c for c in self.covariates if (nunique[c] > 1).any())

    def _where_varies(self, which: Sequence[str]) -> str:
        """``'z' varies within 12 unit(s) (e.g. u003: 0.5 in 1981, 0.7 in 1982)``, per column."""
        rs = self.risk_set
        f = rs._frame
        unit, time = f[rs.unit], f[rs.time]
        parts = []
        for c in which:
            col = f[c]
            first = col.groupby(unit, sort=False).transform("first")
            first_year = time.where(col.notna()).groupby(unit, sort=False).transform("min")
            differs = (col.notna() & (col != first)).to_numpy()
            i = int(np.argmax(differs))
            n_units = unit[differs].nunique()
            parts.append(
                f"{show(c)} varies within {n_units} unit(s) (e.g. {rs.label(unit.iloc[i])}: "
                f"{first.iloc[i]:g} in {int(first_year.iloc[i])}, {col.iloc[i]:g} in "
                f"{int(time.iloc[i])})")
        return "; ".join(parts)

    def sample(self) -> tuple[pd.DataFrame, np.ndarray, tuple[Note, ...]]:
        """One row per unit (:func:`unit_outcomes` plus covariates), the 0/1/2 status, notes.

        The covariate columns hold each unit's values of its last year at risk (for a
        constant covariate, its only value; for a time-varying one, the values carried
        forward after a competing event). A unit with a missing covariate value in
        any of its years is dropped (counted in the notes).

        Raises
        ------
        SpecificationError
            A covariate varies within a unit with ``weights="crr"``, or the column of a
            time interaction does; ``clock="calendar"`` with late entry with
            ``weights="crr"``.
        """
        rs = self.risk_set
        f = rs._frame
        notes = list(rs.notes)
        table = unit_outcomes(rs, outcome=self.outcome, clock=self.clock)
        cols = list(dict.fromkeys(self.covariates + tuple(c for _, c, _ in
                                                          self.time_interactions)))
        varying = self.time_varying()
        fixed = list(dict.fromkeys(c for _, c, _ in self.time_interactions))
        nunique = f[fixed].groupby(f[rs.unit], sort=False).nunique()
        changing = [c for c in dict.fromkeys(fixed) if (nunique[c] > 1).any()]
        if changing:
            raise SpecificationError(
                f"time interaction column(s) must be constant within unit (crr's cov2): "
                f"{self._where_varies(changing)}. Put a time-varying covariate in "
                f"covariates= with weights='finegray'.")
        if varying and self.weights == "crr":
            raise SpecificationError(
                f"time-varying covariate(s): {self._where_varies(varying)}. With "
                f"weights='crr' the Fine-Gray model takes one value per unit (crr's cov1; "
                f"R crr takes time-varying covariates only as cov2 * tf(t), known "
                f"functions of time). Use weights='finegray' (the counting-process form of "
                f"survival::finegray: a unit that ended with another outcome keeps its "
                f"last values), the value at entry, or cause-specific hazards "
                f"(cause_specific + CoxHazard).")
        g = f[cols].groupby(f[rs.unit], sort=True)
        table[cols] = g.last()
        missing = f[cols].isna().any(axis=1).groupby(f[rs.unit], sort=True).any()
        missing = missing.reindex(table.index).to_numpy()
        if missing.any():
            dropped = listing([rs.label(u) for u in table.index[missing]])
            notes.append(Note(
                "listwise_deletion", int(missing.sum()),
                f"{int(missing.sum())} unit(s) dropped for missing covariate values (in at "
                f"least one year at risk): {dropped}."))
            table = table.loc[~missing]
        if (self.clock == "calendar" and table["entry"].nunique() > 1
                and self.weights != "finegray"):
            late = table.loc[table["entry"] > table["entry"].min()]
            shown = listing([f"{rs.label(u)} ({e})"
                             for u, e in zip(late.index[:5], late["entry"][:5])])
            raise SpecificationError(
                f"{len(late)} unit(s) enter after {int(table['entry'].min())} (e.g. "
                f"{shown}): on the calendar clock that is left truncation, which crr's "
                f"weights do not handle. Use clock='duration' (years since entry), or "
                f"weights='finegray' (left-truncation weights, as survival::finegray).")
        if table["gap"].any():
            carried = ("; time-varying covariates keep their last value through the gap"
                       if varying else "")
            notes.append(Note(
                "fine_gray_gap", int(table["gap"].sum()),
                f"{int(table['gap'].sum())} unit(s) left the system and re-entered; the "
                f"Fine-Gray time counts the gap as time at risk (crr has no left "
                f"truncation){carried}."))
        status = np.where(table["outcome"].isna().to_numpy(), 0,
                          np.where(table["outcome"].to_numpy() == self.cause, 1, 2))
        if not (status == 1).any():
            raise EstimationError(
                f"no event of {show(self.outcome)} = {show(self.cause)} in the estimation "
                f"sample.")
        if varying and (status == 2).any():
            n_other = int((status == 2).sum())
            notes.append(Note(
                "fine_gray_carry_forward", n_other,
                f"{n_other} unit(s) ended with another outcome and stay in the "
                f"subdistribution risk set with the values of their last year at risk for "
                f"the time-varying covariate(s) {preview(varying)} (as survival::finegray)."))
        return table, status, tuple(notes)

    def _paths(self, table: pd.DataFrame, truncated: bool
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Terms of each unit of ``table`` on the grid of model times: ``(n, m, k)``.

        Model time of the row of year ``y``: ``y - entry + 1`` (duration), or ``y``
        (calendar clock with late entry). Values are carried forward through gaps and
        after the unit's last year, and back before its entry (those cells carry no
        weight). Time interactions are ``column * f(t)`` at every grid time, with ``t``
        on the model's clock. Also returns the grid and the ``(n, m)`` mask of the
        cells that are rows of the risk set.
        """
        rs = self.risk_set
        f = rs._frame
        rows = f.loc[f[rs.unit].isin(table.index)]
        pos = table.index.get_indexer(rows[rs.unit])
        year = rows[rs.time].to_numpy(dtype=np.float64)
        tau = year if truncated else year - table["entry"].to_numpy(np.float64)[pos] + 1
        grid, col = np.unique(tau, return_inverse=True)
        n, m, k = len(table), len(grid), len(self.covariates)
        X = np.full((n, m, k), np.nan)
        X[pos, col] = rows[list(self.covariates)].to_numpy(dtype=np.float64)
        seen = np.zeros((n, m), dtype=bool)
        seen[pos, col] = True
        last_seen = np.maximum.accumulate(np.where(seen, np.arange(m), -1), axis=1)
        first_seen = np.argmax(seen, axis=1)
        take = np.where(last_seen >= 0, last_seen, first_seen[:, None])
        X = X[np.arange(n)[:, None], take]
        if not self.time_interactions:
            return X, grid, seen
        # the clock's time at each grid point: calendar years on the calendar clock
        offset = 0.0 if truncated or self.clock == "duration" else table["entry"].min() - 1
        clock_time = grid + offset
        extra = []
        for name, column, func in self.time_interactions:
            values = _time_function(func, clock_time, name, self.clock)
            extra.append(table[column].to_numpy(np.float64)[:, None] * values[None, :])
        return np.concatenate([X, np.stack(extra, axis=2)], axis=2), grid, seen

    def fit(self, *, cov_type: FineGrayCov | None = None) -> HazardResults:
        """Fit the model; return a new, frozen :class:`HazardResults`.

        Parameters
        ----------
        cov_type : {"crr", "robust", "classic"}, optional
            Fine & Gray's sandwich (R ``crr``), the weighted-Cox sandwich clustered by unit
            (R ``coxph`` on ``finegray`` data), or the inverse information. Default:
            ``"crr"``; ``"robust"`` with left truncation (calendar clock with late
            entry) or time-varying covariates, for which Fine & Gray's censoring term
            is not derived here (``"crr"`` is then refused).

        Notes
        -----
        ``loglik`` is the log pseudo-likelihood at the estimate (R ``crr``'s
        ``loglik``); being weighted, it is not a likelihood, so the AIC and BIC derived
        from it are descriptive only. ``hazard_ratios()`` gives subdistribution hazard
        ratios. ``n_obs`` and ``n_units`` count units (one row each); ``extra`` records
        the numbers of competing events and censorings, and ``time_varying`` the
        covariates that vary within a unit.

        Raises
        ------
        SpecificationError
            ``cov_type="crr"`` with left truncation or with time-varying covariates
            (the message names a covariate, a unit and the years where it changes);
            constant or collinear covariates; and everything :meth:`sample` refuses.
        EstimationError
            No event of the cause; no convergence (e.g. a covariate separates events).
        """
        table, status, notes = self.sample()
        varying = self.time_varying()
        truncated = self.clock == "calendar" and table["entry"].nunique() > 1
        if cov_type is None:
            cov_type = "robust" if truncated or varying else "crr"
        cov_type = check_option(cov_type, FINE_GRAY_COV, name="cov_type")
        if truncated and cov_type == "crr":
            raise SpecificationError(
                "cov_type='crr' (Fine & Gray's sandwich) is not available with left "
                "truncation (calendar clock with late entry); use cov_type='robust', as R "
                "coxph on finegray data, or clock='duration'.")
        if varying and cov_type == "crr":
            raise SpecificationError(
                f"cov_type='crr' (Fine & Gray's sandwich with the censoring term) is not "
                f"available with time-varying covariates: {self._where_varies(varying)}. "
                f"No R function computes it for covariates carried forward after a "
                f"competing event (crr takes only cov2 * tf(t)). Use cov_type='robust' (R "
                f"coxph on finegray data, clustered by unit) or 'classic'.")
        if varying or self.time_interactions:
            X, grid, seen = self._paths(table, truncated)
            X_rows = X[seen]
        else:
            X = X_rows = table[list(self.covariates)].to_numpy(dtype=np.float64)
            grid = None
        if (np.linalg.matrix_rank(np.column_stack([np.ones(len(X_rows)), X_rows]))
                < X_rows.shape[1] + 1):
            raise SpecificationError(
                f"the terms {preview(self.terms)} are constant or collinear across units "
                f"and years; drop one.")
        if truncated:  # (entry - 1, last] on the calendar clock
            data = engine.prepare(X, table["last"].to_numpy(dtype=np.float64), status,
                                  self.weights, entry=table["entry"].to_numpy(np.float64) - 1,
                                  grid=grid)
        else:
            data = engine.prepare(X, table["time"].to_numpy(dtype=np.float64), status,
                                  self.weights, grid=grid)
        fit = engine.fit(data)
        if not fit.converged or fit.diverging:
            raise EstimationError(
                f"the Fine-Gray fit did not converge after {fit.n_iter} iterations (a "
                f"covariate may separate the events of {show(self.cause)}).")
        cov = engine.covariance(data, fit.params, cov_type)
        n_events = int((status == 1).sum())
        counts = {k: int((status == k).sum()) for k in (1, 2, 0)}
        rs = self.risk_set
        return HazardResults(
            model="Fine-Gray subdistribution",
            terms=self.terms,
            _params=fit.params,
            _cov=cov,
            loglik=fit.loglik,
            n_obs=len(table),
            n_events=n_events,
            n_units=len(table),
            cov_type=cov_type,
            cluster=rs.unit if cov_type == "robust" else None,
            n_clusters=len(table) if cov_type == "robust" else None,
            information="observed",
            small_sample="none",  # neither crr nor coxph applies a G/(G-1) factor
            time_term=f"baseline subdistribution hazard ({self.clock} clock)",
            dependent=f"{self.outcome} = {self.cause}",
            formula=" + ".join(self.terms),
            notes=notes,
            converged=fit.converged,
            n_iter=fit.n_iter,
            n_bic=n_events,
            # exp(coef) are subdistribution hazard ratios (crr's summary reports them)
            extra={"proportional_hazards": True, "cause": self.cause,
                   "outcome": self.outcome, "clock": self.clock,
                   "ties": "breslow", "weights": self.weights, "time_varying": varying,
                   "time_interactions": {name: column for name, column, _ in
                                         self.time_interactions},
                   "n_competing": counts[2], "n_censored": counts[0]},
        )


def _check_interactions(interactions: Mapping[str, tuple[str, Callable[[np.ndarray], Any]]]
                        | None, covariates: tuple[str, ...], risk_set: RiskSet,
                        outcome: str) -> tuple[tuple[str, str, Callable[[np.ndarray], Any]], ...]:
    """``{name: (column, f)}`` -> ``((name, column, f), ...)``, checked."""
    if interactions is None:
        return ()
    if not isinstance(interactions, Mapping):
        raise SpecificationError(
            f"time_interactions must map a term name to (column, function of time), e.g. "
            f"{{'x_log_t': ('x', numpy.log)}}; got {type(interactions).__name__}.")
    frame = risk_set._frame
    out = []
    for name, spec in interactions.items():
        if not isinstance(name, str) or not name.strip() or name in covariates:
            raise SpecificationError(
                f"time interaction name {show(name)} must be a non-empty string distinct from "
                f"the covariates {preview(covariates)}.")
        if name in frame.columns:
            raise SpecificationError(
                f"time interaction name {show(name)} is a column of the risk set; the "
                f"coefficient of {show(name)} would read as that column's. Name the term "
                f"after its function, e.g. {show(name + '_log_t')}.")
        if (not isinstance(spec, tuple) or len(spec) != 2 or not isinstance(spec[0], str)
                or not callable(spec[1])):
            raise SpecificationError(
                f"time interaction {show(name)} must be (column, function of time), e.g. "
                f"('x', numpy.log); got {spec!r}.")
        column, func = spec
        if column not in frame.columns:
            raise SpecificationError(
                f"time interaction {show(name)}: {show(column)} is not a column of the risk "
                f"set; available: {preview(list(frame.columns), 15)}.")
        if (column in (outcome, risk_set.event, risk_set.unit, risk_set.time)
                or not pd.api.types.is_numeric_dtype(frame[column])):
            raise SpecificationError(
                f"time interaction {show(name)}: {show(column)} is not a numeric covariate.")
        out.append((name, column, func))
    return tuple(out)


def _check_finite(risk_set: RiskSet, columns: list[str]) -> None:
    """Refuse infinite covariate values (missing values are dropped with a note)."""
    f = risk_set._frame
    for c in columns:
        values = f[c].to_numpy(dtype=np.float64, na_value=np.nan)
        inf = np.isinf(values)
        if inf.any():
            i = int(np.argmax(inf))
            raise DataError(
                f"covariate {show(c)} is infinite in {int(inf.sum())} row(s) (e.g. "
                f"{risk_set.label(f[risk_set.unit].iloc[i])} in {show(f[risk_set.time].iloc[i])}: "
                f"{values[i]:g}); recode such values (as missing, which drops the unit, or "
                f"as a finite number).")


def _time_function(func: Callable[[np.ndarray], Any], times: np.ndarray, name: str,
                   clock: str) -> np.ndarray:
    """``f(t)`` at the grid times, checked: one finite number per time."""
    try:
        with np.errstate(all="ignore"):  # non-finite values are refused below, with the time
            raw = np.asarray(func(times.copy()))
            if raw.dtype.kind in "cmM":  # complex, timedelta, datetime: not one real number
                raise TypeError(f"it returned {raw.dtype} values, not real numbers")
            values = np.asarray(raw, dtype=np.float64)
    except Exception as err:  # the caller's function: any failure is reported with its name
        raise SpecificationError(
            f"time interaction {show(name)}: its function failed on the {clock} times "
            f"{int(times[0])}..{int(times[-1])} ({err}); it must map an array of times to "
            f"an array of the same length.") from err
    if values.shape != times.shape:
        raise SpecificationError(
            f"time interaction {show(name)}: its function returned shape {values.shape} for "
            f"{len(times)} times; it must return one value per time (vectorised).")
    bad = ~np.isfinite(values)
    if bad.any():
        raise SpecificationError(
            f"time interaction {show(name)}: its function is not finite at {int(bad.sum())} "
            f"{clock} time(s) (e.g. t = {times[bad][0]:g}); the time runs from "
            f"{times[0]:g} (years since entry start at 1).")
    return values
