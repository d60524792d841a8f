"""When did an effect change? Period interactions and a break-year search.

:func:`period_interactions` gives a term one effect per period (``world:period[1890-1929]``,
``world:period[1930-1990]``), the design of studies that ask whether regional or global
diffusion took over after some date (Ramirez, Soysal & Shanahan 1997 split at 1930).

:func:`break_search` lets the data choose the date: for each candidate year ``c`` it
fits the model plus ``term x 1[t >= c]`` and records the maximised log-likelihood
``l(c)`` -- the profile log-likelihood of the break year. Its maximum is the estimated
break; the likelihood-ratio set ``{c : 2 (l_max - l(c)) <= chi2_1(level)}`` is an
interval estimate of it.

The largest of many likelihood-ratio statistics is not chi-square: under "no break",
``sup_c 2 (l(c) - l_0)`` follows the distribution of Andrews (1993) (critical values
well above chi2(1)'s 3.84), so a p-value from chi2(1) for the best year is far too
small. :func:`break_search` says so with a :class:`BreakSearchWarning`; a break year
fixed in advance (from theory, or from another sample) is tested with an ordinary
likelihood-ratio or Wald test of one interaction.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from diffusion.data.checks import check_option, listing, preview, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import DiffusionWarning, EstimationError, SpecificationError
from diffusion.models.cox import CoxHazard
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.results.hazard import HazardResults
from diffusion.results.tables import Report, Reported

__all__ = ["period_interactions", "break_search", "BreakSearch", "BreakSearchWarning", "CODINGS"]

Coding = Literal["separate", "difference"]
CODINGS = ("separate", "difference")


class BreakSearchWarning(DiffusionWarning):
    """Searching over many break years: the best year's LR statistic is not chi-square."""


# ------------------------------------------------------------- period interactions
def _check_years_list(values: Any, *, what: str) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        values = [values]
    out = []
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer, float, np.floating)) \
                or not float(v).is_integer():
            raise SpecificationError(f"{what} must be whole years, got {show(v)}.")
        out.append(int(v))
    if not out:
        raise SpecificationError(f"{what} is empty; give at least one year.")
    dup = sorted({v for v in out if out.count(v) > 1})
    if dup:
        raise SpecificationError(f"{what} lists {preview(dup)} more than once.")
    return out


def _numeric_column(risk_set: RiskSet, term: str) -> np.ndarray:
    frame = risk_set._frame
    if not isinstance(term, str) or term not in frame.columns:
        raise SpecificationError(
            f"term {show(term)} is not a column of the risk set; available: "
            f"{preview(list(frame.columns), 15)}.")
    if term in (risk_set.unit, risk_set.time, risk_set.event):
        raise SpecificationError(f"{show(term)} is the unit, time or event column, not a covariate.")
    col = frame[term]
    if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        raise SpecificationError(f"term {show(term)} is not numeric ({col.dtype}).")
    return col.to_numpy(dtype=np.float64)


def period_interactions(risk_set: RiskSet, term: str, breaks: Sequence[int], *,
                        coding: Coding = "separate") -> RiskSet:
    """Add ``term:period[a-b]`` columns: the term times an indicator of each period.

    Parameters
    ----------
    risk_set : RiskSet
    term : str
        A numeric column (an exposure or covariate).
    breaks : sequence of int
        Years that open a new period, strictly inside the risk set's years:
        ``[1930]`` on 1890-1990 gives ``[1890-1929]`` and ``[1930-1990]`` (a year equal
        to a break opens the new period, as :class:`diffusion.time_terms.Periods`).
    coding : {"separate", "difference"}, default "separate"
        ``"separate"``: one column per period; use them *instead of* ``term`` and each
        coefficient is the effect in its period. ``"difference"``: columns for the
        periods after the first; use them *with* ``term`` and each coefficient is the
        change of the effect relative to the first period.

    Returns
    -------
    RiskSet
        A new risk set with the columns added (missing where ``term`` is missing).

    Notes
    -----
    With periods ``P_1, ..., P_m`` the separate coding gives the linear predictor
    ``sum_k beta_k x_it 1[t in P_k]``; the difference coding
    ``beta_1 x_it + sum_{k>1} delta_k x_it 1[t in P_k]`` with
    ``delta_k = beta_k - beta_1``. Both fit the same model.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=60).risk_set()
    >>> rs2 = d.period_interactions(rs, "world", [1950])
    >>> [c for c in rs2.added if c.startswith("world:")]
    ['world:period[1890-1949]', 'world:period[1950-2019]']
    >>> res = d.DiscreteTimeHazard(rs2, covariates=["x1", "regional", *rs2.added[-2:]],
    ...                            link="cloglog").fit()
    """
    if not isinstance(risk_set, RiskSet):
        raise SpecificationError(f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}.")
    coding = check_option(coding, CODINGS, name="coding")
    x = _numeric_column(risk_set, term)
    years = risk_set._frame[risk_set.time].to_numpy(dtype=np.int64)
    lo, hi = int(years.min()), int(years.max())
    b = _check_years_list(breaks, what="breaks")
    if b != sorted(b):
        raise SpecificationError(f"breaks must be increasing, got {show(b)}.")
    outside = [v for v in b if v <= lo or v > hi]
    if outside:
        raise SpecificationError(
            f"break year(s) {preview(outside)} leave an empty period: the risk set runs from "
            f"{lo} to {hi}, so a break must lie in {lo + 1}-{hi}.")
    edges = [lo, *b, hi + 1]
    which = np.searchsorted(np.asarray(b), years, side="right")
    columns = {}
    for k in range(1 if coding == "difference" else 0, len(edges) - 1):
        name = f"{term}:period[{edges[k]}-{edges[k + 1] - 1}]"
        columns[name] = np.where(which == k, x, np.where(np.isnan(x), np.nan, 0.0))
    return risk_set.assign(**columns)


# ------------------------------------------------------------------ break search
@dataclass(frozen=True, eq=False)
class BreakSearch(Reported):
    """Profile log-likelihood of a break year in one term's effect (immutable).

    Attributes
    ----------
    term : str
    best_year : int
        Year that maximises the profile log-likelihood (the earliest on ties).
    interval : tuple of int
        Earliest and latest year of the likelihood-ratio set at ``level``.
    level : float
    loglik_no_break : float
        Log-likelihood of the model without a break.
    sup_lr : float
        ``2 (l(best_year) - loglik_no_break)``. Not chi-square (see the module notes).
    best : HazardResults
        The fit with the break at ``best_year``.
    n_obs, n_events : int
    notes : tuple of str
    """

    term: str
    model: str
    best_year: int
    interval: tuple[int, int]
    level: float
    loglik_no_break: float
    sup_lr: float
    best: HazardResults = field(repr=False)
    n_obs: int
    n_events: int
    _profile: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def profile(self) -> pd.DataFrame:
        """One row per candidate year: ``loglik``, ``lr`` (against no break),
        ``change`` (coefficient of ``term x 1[t >= year]``), its ``std_err``, and
        ``in_set`` (inside the likelihood-ratio set)."""
        return self._profile.copy()

    def summary(self) -> Report:
        facts = (
            ("Model", self.model),
            ("Term", f"{self.term} x 1[t >= year]"),
            ("Sample", f"{self.n_obs} rows, {self.n_events} events"),
            ("Candidate years", f"{int(self._profile.index.min())}-"
                                f"{int(self._profile.index.max())} ({len(self._profile)})"),
            ("Best year", str(self.best_year)),
            (f"{100 * self.level:g}% LR set", f"{self.interval[0]}-{self.interval[1]}"),
            ("Loglik, no break", f"{self.loglik_no_break:.4f}"),
            ("sup-LR (not chi2)", f"{self.sup_lr:.4f}"),
        )
        return Report(f"Break-year search for {self.term}", facts,
                      (("Profile log-likelihood", self._profile),), self.notes)

    def __repr__(self) -> str:
        return (f"BreakSearch({self.term}, best_year={self.best_year}, "
                f"interval={self.interval}, sup_lr={self.sup_lr:.3f})")

    def plot(self, *, ax=None):
        """Profile log-likelihood against the candidate year; returns the Figure."""
        from diffusion.report.plots import _pyplot

        plt = _pyplot()
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        p = self._profile
        ax.plot(p.index, p["loglik"], marker="o", ms=3, color="C0", label="profile log-likelihood")
        cut = p["loglik"].max() - stats.chi2.ppf(self.level, 1) / 2
        ax.axhline(cut, color="C3", ls="--", lw=1,
                   label=f"{100 * self.level:g}% likelihood-ratio cut-off")
        ax.axhline(self.loglik_no_break, color="0.5", ls=":", lw=1, label="no break")
        ax.set_xlabel("break year")
        ax.set_ylabel("log-likelihood")
        ax.set_title(f"When did the effect of {self.term} change?")
        ax.legend(loc="best", fontsize=8)
        return fig


def _augmented(model: Any, risk_set: RiskSet, column: str | None) -> Any:
    """The same specification on ``risk_set``, plus ``column`` (a risk-set column)."""
    spec = model.spec
    if isinstance(model, DiscreteTimeHazard):
        if spec.rhs is not None:
            text = spec.text + (f" + `{column}`" if column else "")
            return DiscreteTimeHazard.from_formula(text, risk_set, link=model.link.name,
                                                   time=model.time)
        cols = [*spec.columns, *([column] if column else [])]
        return DiscreteTimeHazard(risk_set, covariates=cols, link=model.link.name,
                                  time=model.time, intercept=spec.intercept)
    if isinstance(model, CoxHazard):
        if spec.rhs is not None:
            text = spec.text + (f" + `{column}`" if column else "")
            return CoxHazard.from_formula(text, risk_set, ties=model.ties, strata=model.strata,
                                          clock=model.clock)
        cols = [*spec.columns, *([column] if column else [])]
        return CoxHazard(risk_set, covariates=cols, ties=model.ties, strata=model.strata,
                         clock=model.clock)
    raise SpecificationError(
        f"break_search takes a DiscreteTimeHazard, a CoxHazard or a formula, got "
        f"{type(model).__name__}.")


def break_search(
    model_or_formula: DiscreteTimeHazard | CoxHazard | str,
    risk_set: RiskSet | None = None,
    *,
    term: str,
    years: Iterable[int],
    link: str | None = None,
    time: Any = None,
    level: float = 0.95,
    cov_type: str = "cluster",
    cluster: str | None = None,
) -> BreakSearch:
    """Profile log-likelihood over candidate years for a change in one term's effect.

    Parameters
    ----------
    model_or_formula : DiscreteTimeHazard, CoxHazard or str
        The model without a break (it must contain ``term``), or a formula for a
        discrete-time model (``"event ~ regional + world"``).
    risk_set : RiskSet, optional
        The risk set (required with a formula; with a model, default: the model's).
    term : str
        Numeric risk-set column whose effect may change.
    years : iterable of int
        Candidate break years ``c`` (the new effect applies from ``c`` on). Each must
        lie strictly after the first year of the estimation rows and not after the
        last, so that both regimes have rows.
    link, time
        Link and time term of a discrete-time model given as a formula (default
        ``"cloglog"``, no time term); not allowed with a model, which has its own.
    level : float, default 0.95
        Level of the likelihood-ratio set.
    cov_type, cluster
        Covariance of the fits (for the standard error of the change).

    Returns
    -------
    BreakSearch

    Warns
    -----
    BreakSearchWarning
        When more than one year is searched: the best year's LR statistic is not
        chi-square.

    Raises
    ------
    SpecificationError
        Empty grid, non-integer or repeated years, years outside the data, ``term``
        not in the model.
    EstimationError
        No candidate year can be fitted.

    Notes
    -----
    For each ``c``: ``l(c) = max_{beta, delta} loglik(beta, delta)`` of the model plus
    ``delta * term_it * 1[t >= c]``. The estimate is ``c_hat = argmax_c l(c)``; the
    likelihood-ratio set holds the ``c`` with ``2 (l(c_hat) - l(c)) <= chi2_1(level)``
    (Hansen 2000 studies such sets for threshold models; they can be wider or not
    contiguous when the profile is flat). ``sup_lr = 2 (l(c_hat) - l_0)`` is the
    statistic of Andrews (1993), whose null distribution is not chi2(1).

    Examples
    --------
    >>> import warnings
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=60).risk_set()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", d.BreakSearchWarning)
    ...     bs = d.break_search("event ~ x1 + regional + world", rs, term="world",
    ...                         years=range(1930, 1991, 10), cov_type="classic")
    >>> bs.best_year in range(1930, 1991, 10)
    True
    """
    if isinstance(model_or_formula, str):
        if not isinstance(risk_set, RiskSet):
            raise SpecificationError(
                "with a formula, pass the risk set: break_search(formula, risk_set, ...).")
        base = DiscreteTimeHazard.from_formula(model_or_formula, risk_set,
                                               link=link or "cloglog", time=time)
    else:
        if not isinstance(model_or_formula, (DiscreteTimeHazard, CoxHazard)):
            raise SpecificationError(
                f"break_search takes a DiscreteTimeHazard, a CoxHazard or a formula, got "
                f"{type(model_or_formula).__name__}.")
        if link is not None or time is not None:
            raise SpecificationError(
                "link= and time= are for a formula; the model already has its own.")
        base = model_or_formula
        if risk_set is not None:
            if not isinstance(risk_set, RiskSet):
                raise SpecificationError(
                    f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}.")
            base = _augmented(base, risk_set, None)
    rs = base.risk_set
    if not (isinstance(level, float) and 0 < level < 1):
        raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
    x = _numeric_column(rs, term)
    if term not in base.spec.variables:
        raise SpecificationError(
            f"the model does not contain {show(term)} (it reads {preview(base.spec.variables)}); "
            f"a change in the effect of a term needs the term itself in the model.")
    grid = sorted(_check_years_list(years, what="the break-year grid"))
    fit_kw = {"cov_type": cov_type, "cluster": cluster}
    res0 = base.fit(**fit_kw)
    t_all = rs._frame[rs.time].to_numpy(dtype=np.int64)
    t_est = t_all[res0.estimation_rows]
    lo, hi = int(t_est.min()), int(t_est.max())
    outside = [c for c in grid if c <= lo or c > hi]
    if outside:
        raise SpecificationError(
            f"break year(s) {preview(outside, 8)} lie outside the data: the estimation rows "
            f"run from {lo} to {hi}, so a break must lie in {lo + 1}-{hi} (both regimes need "
            f"rows).")
    n = len(grid)
    if n > 1:
        warnings.warn(
            f"break_search compares {n} candidate years. The largest likelihood-ratio "
            f"statistic over many years (sup-LR) is not chi-square(1) under 'no break' "
            f"(Andrews 1993): a chi-square p-value for the best year would be far too "
            f"small. Read the profile and its interval as estimates of *when*, not as a "
            f"test of *whether*; test a break year fixed in advance instead.",
            BreakSearchWarning, stacklevel=2)
    rows = []
    failed: list[str] = []
    best: HazardResults | None = None
    for c in grid:
        column = f"{term}:post[{c}]"  # named as in the fit kept as `best`
        while column in rs._frame.columns:
            column = "_" + column
        rs_c = rs.assign(**{column: x * (t_all >= c)})
        try:
            res = _augmented(base, rs_c, column).fit(**fit_kw)
        except EstimationError as exc:
            failed.append(f"{c} ({type(exc).__name__})")
            rows.append({"year": c, "loglik": np.nan, "change": np.nan, "std_err": np.nan})
            continue
        if not np.array_equal(res.estimation_rows, res0.estimation_rows):  # pragma: no cover
            raise EstimationError(
                f"the fit with a break in {c} used other rows than the model without a break.")
        rows.append({"year": c, "loglik": res.loglik, "change": res.params[column],
                     "std_err": res.std_errors[column]})
        if best is None or res.loglik > best.loglik:
            best, best_year = res, c
    if best is None:
        raise EstimationError(
            f"no candidate break year could be fitted ({listing(failed, 8)}); the term may be "
            f"constant within one regime or a regime may have no events.")
    profile = pd.DataFrame(rows).set_index("year")
    ll_max = float(profile["loglik"].max())
    crit = float(stats.chi2.ppf(level, 1))
    profile.insert(1, "lr", 2 * (profile["loglik"] - res0.loglik))
    profile["in_set"] = (2 * (ll_max - profile["loglik"]) <= crit) & profile["loglik"].notna()
    inside = profile.index[profile["in_set"].to_numpy()]
    interval = (int(inside.min()), int(inside.max()))
    notes = []
    if n > 1:
        notes.append(
            f"{n} candidate years were searched; sup-LR = {2 * (ll_max - res0.loglik):.3f} is "
            f"not chi-square(1) (Andrews 1993). Do not read chi-square p-values off the 'lr' "
            f"column for the best year.")
    notes.append(
        f"The {100 * level:g}% likelihood-ratio set holds the years whose profile "
        f"log-likelihood is within chi2_1({level:g})/2 = {crit / 2:.4f} of the maximum.")
    gaps = [c for c in grid if interval[0] <= c <= interval[1]
            and not bool(profile.loc[c, "in_set"])]
    if gaps:
        notes.append(f"The set is not contiguous: {preview(gaps, 8)} inside its range fall "
                     f"outside it.")
    if interval[0] == grid[0] or interval[1] == grid[-1]:
        notes.append("The set reaches the end of the grid; widen the grid to see where it ends.")
    if failed:
        notes.append(f"{len(failed)} candidate year(s) could not be fitted and are missing "
                     f"from the profile: {listing(failed, 8)}. A collinear fit usually means "
                     f"that {term} does not vary before (or after) that year.")
    notes.append("'change' is the coefficient of term x 1[t >= year]: the effect from that "
                 "year on minus the effect before.")
    return BreakSearch(term, f"{res0.model}: {res0.formula}", int(best_year), interval, level,
                       float(res0.loglik), 2 * (ll_max - float(res0.loglik)), best,
                       res0.n_obs, res0.n_events, profile, tuple(notes))
