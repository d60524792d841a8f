"""Comparing fitted hazard models: likelihood-ratio tests, AIC and BIC on one sample.

:func:`compare` takes fitted results (``diffusion.compare(res0, res1, res2)``), checks
that they were fitted on the same risk set, refits on the rows that every model used
when their estimation samples differ (listwise deletion on different covariates is the
usual cause), and tests each model against the one before it when they are nested.

Conventions (R vs Stata vs Python)
----------------------------------
* The likelihood-ratio rows equal R ``anova(fit0, fit1, ..., test = "LRT")`` for
  ``glm`` (sequential: each model against the previous one) and ``anova(cox0, cox1)``
  for ``coxph``. R's ``anova`` refuses fits on different numbers of rows ("models were
  not all fitted to the same size of dataset") but does not refit; Stata's ``lrtest``
  refuses too. Here the models are refit on the common rows, and the output says so.
* AIC ``= -2 loglik + 2 K``; BIC ``= -2 loglik + K log(n)`` with ``n`` the number of
  rows, or of events for Cox models (R ``BIC``; Stata's ``estat ic`` uses rows for
  both).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion._notes import Note
from diffusion.data.checks import check_option, preview, show
from diffusion.errors import EstimationError, SpecificationError
from diffusion.inference.tests import lr_test
from diffusion.results.hazard import HazardResults
from diffusion.results.tables import Report, Reported

__all__ = ["compare", "Comparison", "refit_on_rows", "restrict_model", "same_rows", "TESTS"]

Test = Literal["lr", "none"]
TESTS = ("lr", "none")

#: column that marks the rows of a restricted model (missing outside them), so that the
#: estimation sample is cut by the model's own listwise deletion: the risk set keeps all
#: its rows, hence the duration clock and the exposures are unchanged
SAMPLE_COLUMN = "__estimation_sample__"


# ----------------------------------------------------------------- restriction
def restrict_model(model: Any, rows: np.ndarray) -> Any:
    """A copy of ``model`` whose estimation sample is limited to ``rows``.

    ``rows`` are positions in ``model.risk_set.frame``. The risk set keeps every row
    (durations count from the first year at risk, exposures use all members); the
    other rows are removed by the model's listwise deletion, so time terms are built
    on the remaining rows only, as when R fits a model to ``subset(data, ...)``.
    """
    rs = model.risk_set
    keep = np.zeros(rs.n_obs, dtype=bool)
    keep[np.asarray(rows, dtype=np.int64)] = True
    frame = rs._frame.copy()
    added = rs.added
    if SAMPLE_COLUMN in frame.columns:  # already restricted: intersect
        keep &= frame[SAMPLE_COLUMN].notna().to_numpy()
    else:
        added = added + (SAMPLE_COLUMN,)
    frame[SAMPLE_COLUMN] = np.where(keep, 1.0, np.nan)
    new_rs = replace(rs, _frame=frame, added=added)
    spec = model.spec
    if SAMPLE_COLUMN not in spec.variables:
        spec = replace(spec, variables=spec.variables + (SAMPLE_COLUMN,))
    out = copy.copy(model)
    object.__setattr__(out, "risk_set", new_rs)
    object.__setattr__(out, "spec", spec)
    return out


def refit_on_rows(result: HazardResults, rows: np.ndarray, *, why: str) -> HazardResults:
    """Refit the model behind ``result`` on the rows ``rows`` (risk-set positions).

    The refit uses the same fit options (covariance, cluster, information,
    small-sample factor, control). Its notes are the original ones plus one saying
    how many rows the restriction removed and ``why``.
    """
    model = result.extra.get("model")
    options = result.extra.get("fit_options")
    if model is None or options is None:
        raise SpecificationError(
            f"this {result.model} result does not record the model that produced it, so it "
            f"cannot be refit on other rows; fit it with DiscreteTimeHazard or CoxHazard "
            f"and pass that result."
        )
    new = restrict_model(model, rows).fit(**options)
    removed = result.n_obs - new.n_obs
    lost = result.n_events - new.n_events
    note = Note("common_sample", removed,
                f"refit on {new.n_obs} of its {result.n_obs} estimation rows ({removed} row(s), "
                f"{lost} event(s) removed): {why}.")
    return replace(new, notes=tuple(result.notes) + (note,))


def same_rows(a: Any, b: Any) -> bool:
    """Whether two risk sets hold the same rows (units, periods, events) in the same order.

    Risk sets that differ only in their covariate or exposure columns
    (``with_covariates``, ``with_exposure``, ``assign``) hold the same rows.
    """
    if a is b:
        return True
    if a.n_obs != b.n_obs or (a.unit, a.time, a.event) != (b.unit, b.time, b.event):
        return False
    fa, fb = a._frame, b._frame
    return all(np.array_equal(fa[c].to_numpy(), fb[c].to_numpy()) for c in (a.unit, a.time, a.event))


# ------------------------------------------------------------------- comparison
@dataclass(frozen=True, eq=False)
class Comparison(Reported):
    """Models compared on one estimation sample (immutable).

    Attributes
    ----------
    names : tuple of str
        Labels of the models, in the order given.
    results : tuple of HazardResults
        The results compared: the ones passed, or their refits on the common rows.
    refitted : tuple of bool
        Which results were refit on the common rows.
    test : {"lr", "none"}
    n_obs, n_events : int
        Rows and events of the common estimation sample.
    notes : tuple of str
        What was done (refits) and how to read the tests.
    """

    names: tuple[str, ...]
    results: tuple[HazardResults, ...] = field(repr=False)
    refitted: tuple[bool, ...]
    test: str
    n_obs: int
    n_events: int
    _table: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def table(self) -> pd.DataFrame:
        """One row per model: ``k`` (parameters), ``loglik``, ``aic``, ``bic``,
        ``n_obs``, ``n_events``, ``refit``; with ``test="lr"`` also ``vs`` (the model
        tested against), ``lr_chi2``, ``df`` and ``p_value``."""
        return self._table.copy()

    def summary(self) -> Report:
        """A :class:`~diffusion.results.tables.Report` (text and Markdown renderers)."""
        facts = [(name, f"{r.model}: {r.formula}" + (f" [{r.time_term}]" if r.time_term else ""))
                 for name, r in zip(self.names, self.results)]
        facts.append(("Common sample", f"{self.n_obs} rows, {self.n_events} events"))
        title = ("Likelihood-ratio tests and information criteria" if self.test == "lr"
                 else "Information criteria")
        return Report(title, tuple(facts), (("Models", self._table),), self.notes)

    def __repr__(self) -> str:
        return f"Comparison({len(self.names)} models, n_obs={self.n_obs}, test={self.test!r})"


def compare(*results: HazardResults, names: Sequence[str] | None = None,
            test: Test = "lr") -> Comparison:
    """Compare fitted models: likelihood-ratio tests of nested models, AIC and BIC.

    Parameters
    ----------
    *results : HazardResults
        Two or more fits on the same risk set, in the order to test: each model is
        tested against the one before it (as R ``anova``), and with ``test="lr"``
        each consecutive pair must be nested.
    names : sequence of str, optional
        Labels (default ``"model 1"``, ``"model 2"``, ...).
    test : {"lr", "none"}, default "lr"
        ``"none"`` reports only the information criteria (for non-nested models).

    Returns
    -------
    Comparison

    Raises
    ------
    SpecificationError
        Fewer than two results; results fitted on different risk sets (other rows,
        units or years) or to another outcome; with ``test="lr"``, a pair that is not
        nested (different family, link, ties, clock, strata or time term, or terms of
        neither model a subset of the other's); rows that differ while a result cannot
        be refit.
    EstimationError
        The models share no row, or a refit fails.

    Notes
    -----
    Model ``A`` is nested in ``B`` when both come from the same family (link, Cox ties,
    clock and strata, time term) and ``A``'s terms are a subset of ``B``'s. Then
    ``LR = 2 (loglik_B - loglik_A) ~ chi2(K_B - K_A)`` under ``H0``: the extra terms of
    ``B`` are zero. The test needs both fits on the same rows: when the estimation rows
    differ, every model is refit on the rows all of them used (their intersection) and
    the table says which were.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=80).risk_set()
    >>> m0 = d.DiscreteTimeHazard.from_formula("event ~ x1", rs, link="cloglog").fit()
    >>> m1 = d.DiscreteTimeHazard.from_formula("event ~ x1 + regional + world", rs,
    ...                                        link="cloglog").fit()
    >>> cmp = d.compare(m0, m1)
    >>> list(cmp.table.columns)
    ['k', 'loglik', 'aic', 'bic', 'n_obs', 'n_events', 'refit', 'vs', 'lr_chi2', 'df', 'p_value']
    >>> int(cmp.table.loc["model 2", "df"])
    2
    """
    test = check_option(test, TESTS, name="test")
    if len(results) < 2:
        raise SpecificationError(
            f"compare needs at least two fitted results, got {len(results)}.")
    for i, r in enumerate(results):
        if not isinstance(r, HazardResults):
            raise SpecificationError(
                f"argument {i + 1} of compare is a {type(r).__name__}, not a fitted result; "
                f"pass the results of model.fit().")
    labels = _names(names, len(results))
    _check_same_risk_set(results, labels)
    if test == "lr":
        for i in range(1, len(results)):
            _nesting(results[i - 1], results[i], labels[i - 1], labels[i])
    fitted, refitted, notes = common_sample(results, labels)
    table = _table(fitted, labels, refitted, test)
    if test == "lr" and any(r.cov_type != "classic" for r in fitted):
        notes.append(
            "The likelihood-ratio tests use the model likelihood, which treats rows as "
            "independent given the covariates; the standard errors of these fits are "
            f"{fitted[-1].cov_type}-robust. For a test that allows for clustering, use "
            "result.wald_test([...]) on the larger model.")
    if any(r.n_bic is not None for r in fitted):
        notes.append("BIC of the Cox models uses the number of events as n (as R's BIC).")
    return Comparison(tuple(labels), tuple(fitted), tuple(refitted), test,
                      fitted[0].n_obs, fitted[0].n_events, table, tuple(notes))


# ------------------------------------------------------------------- helpers
def _names(names: Sequence[str] | None, n: int) -> list[str]:
    if names is None:
        return [f"model {i + 1}" for i in range(n)]
    labels = [names] if isinstance(names, str) else list(names)
    if len(labels) != n or not all(isinstance(x, str) and x for x in labels):
        raise SpecificationError(f"names must be {n} non-empty strings, got {show(names)}.")
    if len(set(labels)) != n:
        raise SpecificationError(f"names must be distinct, got {show(labels)}.")
    return labels


def _risk_set(result: HazardResults):
    model = result.extra.get("model")
    return getattr(model, "risk_set", None)


def _check_same_risk_set(results: Sequence[HazardResults], labels: Sequence[str]) -> None:
    first = results[0]
    for r, label in zip(results[1:], labels[1:]):
        if r.dependent != first.dependent:
            raise SpecificationError(
                f"{labels[0]} models {show(first.dependent)} and {label} models "
                f"{show(r.dependent)}; compare models of the same outcome.")
    sets = [_risk_set(r) for r in results]
    if all(s is not None for s in sets):
        for s, r, label in zip(sets[1:], results[1:], labels[1:]):
            if not same_rows(sets[0], s):
                raise SpecificationError(
                    f"{labels[0]} and {label} were fitted on different risk sets ({sets[0].n_obs} "
                    f"and {s.n_obs} rows at risk{_first_difference(sets[0], s)}); their "
                    f"likelihoods are not comparable. Fit every model on the same RiskSet: "
                    f"add columns with with_covariates, with_exposure or assign, which keep "
                    f"the rows.")
        return
    rows = [r.estimation_rows for r in results]
    if not all(np.array_equal(rows[0], x) for x in rows[1:]):
        missing = [label for label, s in zip(labels, sets) if s is None]
        raise SpecificationError(
            f"the models were fitted on different rows ({', '.join(str(r.n_obs) for r in results)} "
            f"rows) and {preview(missing)} cannot be refit on the common rows (the result does "
            f"not record its model). Refit them yourself on the same rows, or fit them with "
            f"DiscreteTimeHazard or CoxHazard.")


def _first_difference(a, b) -> str:
    if (a.unit, a.time, a.event) != (b.unit, b.time, b.event):
        return (f"; columns {a.unit}/{a.time}/{a.event} vs "
                f"{b.unit}/{b.time}/{b.event}")
    if a.n_obs != b.n_obs:
        return ""
    fa, fb = a._frame, b._frame
    for c in (a.unit, a.time, a.event):
        diff = np.flatnonzero(fa[c].to_numpy() != fb[c].to_numpy())
        if len(diff):
            i = int(diff[0])
            return (f"; first difference at row {i}: {show(fa[a.unit].iloc[i])} in "
                    f"{fa[a.time].iloc[i]} vs {show(fb[b.unit].iloc[i])} in {fb[b.time].iloc[i]}")
    return ""


def _family(r: HazardResults) -> dict[str, Any]:
    fam = {"model": r.model, "time term": r.time_term}
    for key in ("link", "ties", "clock", "strata"):
        if key in r.extra:
            fam[key] = r.extra[key]
    return fam


def _nesting(a: HazardResults, b: HazardResults, la: str, lb: str) -> None:
    for r, lab in ((a, la), (b, lb)):
        if r.extra.get("estimator") == "firth":
            # bias-reduced estimates do not maximise the likelihood, so twice the
            # difference of their log-likelihoods is not chi-square
            raise SpecificationError(
                f"{lab} is a Firth (bias-reduced) fit: its estimates do not maximise the "
                f"likelihood, so a likelihood-ratio test is not valid. Use "
                f"result.wald_test([...]) or compare(..., test='none').")
    fa, fb = _family(a), _family(b)
    differ = [f"{k}: {show(fa.get(k))} vs {show(fb.get(k))}"
              for k in dict.fromkeys([*fa, *fb]) if fa.get(k) != fb.get(k)]
    if differ:
        raise SpecificationError(
            f"{la} and {lb} are not nested: they differ in {'; '.join(differ)}. A "
            f"likelihood-ratio test needs the same family, link, ties, clock, strata and "
            f"time term; use compare(..., test='none') for information criteria only.")
    ta, tb = set(a.terms), set(b.terms)
    if ta == tb:
        raise SpecificationError(
            f"{la} and {lb} have the same terms ({preview(a.terms, 8)}); there is nothing "
            f"to test between them.")
    if not (ta < tb or tb < ta):
        raise SpecificationError(
            f"{la} and {lb} are not nested: {la} has {preview(sorted(ta - tb), 6)} that "
            f"{lb} lacks and {lb} has {preview(sorted(tb - ta), 6)} that {la} lacks. A "
            f"likelihood-ratio test needs the terms of one model to be a subset of the "
            f"other's; use compare(..., test='none') for information criteria only.")


def common_sample(results: Sequence[HazardResults], labels: Sequence[str]
                  ) -> tuple[list[HazardResults], list[bool], list[str]]:
    """Refit, where needed, every result on the rows that all of them used.

    Returns the results (refits where needed), which were refit, and notes. A refit
    can lose more rows (a time term dropping periods without events); then the
    intersection is taken again (at most three rounds).
    """
    current = list(results)
    refitted = [False] * len(results)
    original = [r.n_obs for r in results]
    for _ in range(3):
        rows = reduce(np.intersect1d, [r.estimation_rows for r in current])
        if not len(rows):
            raise EstimationError(
                f"the models share no estimation row ({', '.join(map(str, original))} rows); "
                f"their missing values do not overlap. Check the covariates.")
        if all(np.array_equal(r.estimation_rows, rows) for r in current):
            break
        why = (f"the rows used by every compared model ({', '.join(labels)}), so that "
               f"their likelihoods are comparable")
        for i, r in enumerate(current):
            if not np.array_equal(r.estimation_rows, rows):
                try:
                    current[i] = refit_on_rows(results[i], rows, why=why)
                except SpecificationError as exc:
                    raise SpecificationError(
                        f"{labels[i]} was fitted on other rows than the others and cannot be "
                        f"refit: {exc}") from exc
                refitted[i] = True
    else:
        raise EstimationError(
            "the refits on the common rows keep losing rows (time terms dropping periods "
            "without events); fit the models on a common sample yourself.")
    notes = []
    if any(refitted):
        which = [f"{labels[i]} ({original[i]} rows)" for i in range(len(results)) if refitted[i]]
        notes.append(
            f"The models were fitted on different rows (listwise deletion on different "
            f"covariates); {', '.join(which)} {'was' if len(which) == 1 else 'were'} refit on "
            f"the {current[0].n_obs} rows that every model uses. All numbers are from those "
            f"fits.")
    return current, refitted, notes


def _table(results: Sequence[HazardResults], labels: Sequence[str], refitted: Sequence[bool],
           test: str) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(results):
        row: dict[str, Any] = {"k": r.n_params, "loglik": r.loglik, "aic": r.aic, "bic": r.bic,
                               "n_obs": r.n_obs, "n_events": r.n_events, "refit": refitted[i]}
        if test == "lr":
            row.update({"vs": None, "lr_chi2": np.nan, "df": None, "p_value": np.nan})
            if i > 0:
                prev = results[i - 1]
                small, big = (prev, r) if prev.n_params < r.n_params else (r, prev)
                t = lr_test(small.loglik, big.loglik, big.n_params - small.n_params)
                row.update({"vs": labels[i - 1], "lr_chi2": t.statistic, "df": t.df,
                            "p_value": t.p_value})
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(list(labels), name="model"))
    if test == "lr":
        table["df"] = table["df"].astype("Int64")
    return table
