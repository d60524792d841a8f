"""Testing top-down against bottom-up diffusion in one call.

World-society theory expects adoption to follow the global count of adopters and the
density of a state's ties to international organisations (*top-down*); regional
theories expect it to follow neighbours (*bottom-up*); both compete with domestic
explanations. :func:`topdown_test` fits the four models of the 2 x 2 design on one
common sample,

============================  =========================================
``domestic``                  domestic terms only
``domestic + regional``       plus the regional (bottom-up) block
``domestic + world``          plus the world (top-down) block
``full``                      both blocks
============================  =========================================

and reports, for each block, a likelihood-ratio test of adding it to the domestic
model and to the model that already holds the other block, the Wald test of the same
terms with the cluster-robust covariance, AIC and BIC, and the out-of-sample accuracy
of the four models by rolling origin (:mod:`diffusion.inference.rolling`).

Ties to international organisations (INGO or IGO memberships) are world-polity
variables in Meyer et al.'s account and domestic capacity in others; pass them as
``ties=[...]`` and say where they belong with ``ties_with="world"`` or ``"domestic"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option, check_positive_int, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.inference.compare import Comparison, compare
from diffusion.inference.rolling import rolling_origin
from diffusion.models.cox import CLOCKS, CoxHazard
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.results.hazard import HazardResults
from diffusion.results.tables import Report, Reported

__all__ = ["topdown_test", "TopDownResult", "MODELS", "TIES_WITH"]

ModelKind = Literal["discrete", "cox"]
MODELS = ("discrete", "cox")
TiesWith = Literal["world", "domestic"]
TIES_WITH = ("world", "domestic")

#: the four models, in the order they are fitted and shown
NAMES = ("domestic", "domestic + regional", "domestic + world", "full")
#: (label, block tested, restricted model, larger model)
STEPS = (
    ("regional | domestic", "regional", "domestic", "domestic + regional"),
    ("world | domestic", "world", "domestic", "domestic + world"),
    ("world | domestic + regional", "world", "domestic + regional", "full"),
    ("regional | domestic + world", "regional", "domestic + world", "full"),
)


@dataclass(frozen=True, eq=False)
class TopDownResult(Reported):
    """The top-down vs bottom-up comparison (immutable).

    Attributes
    ----------
    model : str
        Family of the four models (e.g. ``"discrete-time cloglog"``).
    blocks : dict
        Terms of the ``domestic``, ``regional`` and ``world`` blocks (ties included
        where declared).
    results : dict of HazardResults
        The four fits on the common sample, keyed ``"domestic"``,
        ``"domestic + regional"``, ``"domestic + world"``, ``"full"``.
    comparison : Comparison
        AIC/BIC table of the four fits.
    origins : tuple of int
        Origins of the rolling-origin evaluation (empty without it).
    horizon : int
    n_obs, n_events, n_units : int
        The common sample.
    notes : tuple of str
    """

    model: str
    blocks: dict[str, tuple[str, ...]]
    results: dict[str, HazardResults] = field(repr=False)
    comparison: Comparison = field(repr=False)
    _tests: pd.DataFrame = field(repr=False)
    _accuracy: pd.DataFrame = field(repr=False)
    _predictions: pd.DataFrame = field(repr=False)
    origins: tuple[int, ...]
    horizon: int
    n_obs: int
    n_events: int
    n_units: int
    notes: tuple[str, ...] = ()

    @property
    def tests(self) -> pd.DataFrame:
        """One row per step: ``block``, ``restricted``, ``larger``, ``df``,
        ``lr_chi2``, ``lr_p`` (likelihood ratio) and ``wald_chi2``, ``wald_p`` (Wald
        test of the block in the larger model, with its own covariance)."""
        return self._tests.copy()

    @property
    def information(self) -> pd.DataFrame:
        """``k``, ``loglik``, ``aic``, ``bic`` of the four models."""
        return self.comparison.table[["k", "loglik", "aic", "bic"]]

    @property
    def accuracy(self) -> pd.DataFrame:
        """One row per model and origin: ``n_train``, ``n_test``, ``n_test_events``,
        ``auc``, ``brier``, ``log_score`` (see :mod:`diffusion.inference.rolling`)."""
        return self._accuracy.copy()

    @property
    def predictions(self) -> pd.DataFrame:
        """The out-of-sample predictions: one row per model, origin and test row
        (``row`` is the position in the risk set's frame; ``score`` is what the AUC
        ranks, ``prob`` the predicted hazard, missing for Cox models)."""
        return self._predictions.copy()

    @property
    def accuracy_summary(self) -> pd.DataFrame:
        """Per model, over the test rows of all origins pooled: ``n_test``,
        ``n_test_events``, ``auc``, ``brier``, ``log_score``. Pooling keeps the
        windows with few events from dominating, as they would an average of
        per-origin AUCs."""
        from diffusion.inference.rolling import pooled_scores

        out = []
        for name in NAMES:
            p = (self._predictions[self._predictions["model"] == name]
                 if len(self._predictions) else self._predictions)
            scores = (pooled_scores(p) if len(p) else
                      {"auc": np.nan, "brier": np.nan, "log_score": np.nan})
            out.append({"n_test": len(p), "n_test_events": int(p["event"].sum()) if len(p) else 0,
                        **scores})
        return pd.DataFrame(out, index=pd.Index(list(NAMES), name="model"))

    def summary(self) -> Report:
        """A :class:`~diffusion.results.tables.Report` (text and Markdown renderers)."""
        blocks = [(f"{k.capitalize()} block", ", ".join(v) if v else "(none)")
                  for k, v in self.blocks.items()]
        facts = [("Model", self.model), *blocks,
                 ("Common sample", f"{self.n_obs} rows, {self.n_events} events, "
                                   f"{self.n_units} units")]
        sections = [("Does each block add to the model? (nested tests)", self._tests),
                    ("Information criteria", self.information)]
        if self.origins:
            facts.append(("Rolling origin", f"train on years <= T, predict T+1..T+{self.horizon}; "
                                            f"T in {', '.join(map(str, self.origins))}"))
            sections.append(("Out-of-sample accuracy (test rows of all origins pooled)",
                             self.accuracy_summary))
        return Report("Top-down vs bottom-up diffusion", tuple(facts), tuple(sections),
                      self.notes)

    def __repr__(self) -> str:
        return f"TopDownResult({self.model}, n_obs={self.n_obs}, origins={len(self.origins)})"

    def plot(self):
        """The tests and the accuracy by origin, as a matplotlib Figure (never shown).

        Left: likelihood-ratio statistics of the four steps (with ``p``). Right: AUC by
        origin of each model (and, for discrete-time models, the Brier score).
        """
        from diffusion.report.plots import _pyplot

        plt = _pyplot()
        has_acc = bool(self.origins) and not self._accuracy.empty
        discrete = has_acc and self._accuracy["brier"].notna().any()
        n = 1 + has_acc + discrete
        fig, axes = plt.subplots(1, n, figsize=(5 * n, 4), squeeze=False)
        ax = axes[0, 0]
        t = self._tests
        pos = np.arange(len(t))[::-1]
        ax.barh(pos, t["lr_chi2"], color=["C1" if b == "regional" else "C0" for b in t["block"]])
        for y, (chi, p) in zip(pos, zip(t["lr_chi2"], t["lr_p"])):
            ax.text(chi, y, f"  p={p:.3g}", va="center", fontsize=8)
        ax.set_xlim(0, 1.4 * max(float(np.nanmax(t["lr_chi2"])), 1.0))
        ax.set_yticks(pos)
        ax.set_yticklabels(list(t.index), fontsize=8)
        ax.set_xlabel("likelihood-ratio chi-square")
        ax.set_title("Does the block add? (LR test)")
        if has_acc:
            a = self._accuracy
            for k, (col, title) in enumerate([("auc", "AUC by origin")]
                                             + ([("brier", "Brier score by origin")]
                                                if discrete else [])):
                ax = axes[0, 1 + k]
                for name in NAMES:
                    g = a[a["model"] == name]
                    ax.plot(g["origin"], g[col], marker="o", ms=3, label=name)
                ax.set_xlabel(f"origin T (predicting T+1..T+{self.horizon})")
                ax.set_title(title)
            axes[0, 1].legend(fontsize=7, loc="best")
        fig.tight_layout()
        return fig


def _terms(value: Any, name: str, *, required: bool) -> tuple[str, ...]:
    if value is None:
        value = ()
    if isinstance(value, str):
        value = (value,)
    try:
        terms = tuple(value)
    except TypeError:
        raise SpecificationError(
            f"{name} must be a column name or a list of them, got {type(value).__name__}."
        ) from None
    bad = [t for t in terms if not isinstance(t, str) or not t.strip()]
    if bad:
        raise SpecificationError(f"{name} must hold column names (strings), got {show(bad)}.")
    if required and not terms:
        raise SpecificationError(f"{name} is empty; give at least one term.")
    if len(set(terms)) != len(terms):
        raise SpecificationError(f"{name} lists a term twice: {show(list(terms))}.")
    return terms


def topdown_test(
    risk_set: RiskSet,
    *,
    domestic: Sequence[str] | str,
    regional: Sequence[str] | str,
    world: Sequence[str] | str,
    ties: Sequence[str] | str | None = None,
    ties_with: TiesWith = "world",
    link: str | None = None,
    time: Any = None,
    cluster: str | None = None,
    origin: Sequence[int] | None = None,
    horizon: int = 5,
    model: ModelKind = "discrete",
    out_of_sample: bool = True,
) -> TopDownResult:
    """Fit domestic, +regional, +world and full models on one sample and compare them.

    Parameters
    ----------
    risk_set : RiskSet
    domestic, regional, world : str or sequence of str
        Terms of each block: risk-set columns or formula terms (``"np.log(gdp)"``).
        ``domestic`` may be empty for discrete-time models (the domestic model is then
        the baseline hazard alone); a Cox model needs at least one domestic term.
    ties : str or sequence of str, optional
        Ties to international organisations (INGO/IGO memberships).
    ties_with : {"world", "domestic"}, default "world"
        The block the ties belong to.
    link : {"logit", "probit", "cloglog"}, optional
        Link of the discrete-time models (default ``"cloglog"``); not used by Cox.
    time : optional
        Discrete-time models: the time term (``None``, ``"cubic"``, ``"spline"``, a
        term from :mod:`diffusion.time_terms`). Out of sample, the baseline beyond the
        training window stays at its value at the window's edge.
        Cox models: the clock, ``"duration"`` (default) or ``"calendar"`` -- on the
        calendar clock a world share, equal for every unit in a year, is absorbed by
        the baseline hazard and cannot be estimated.
    cluster : str, optional
        Cluster column of the covariance (default: the unit).
    origin : sequence of int, optional
        Origins ``T`` of the rolling-origin evaluation. Default: every ``horizon``
        years from the year by which half of the events had happened to the last year
        with a full test window.
    horizon : int, default 5
        Years predicted after each origin.
    model : {"discrete", "cox"}, default "discrete"
    out_of_sample : bool, default True
        Run the rolling-origin evaluation.

    Returns
    -------
    TopDownResult

    Raises
    ------
    SpecificationError
        Empty regional or world block, a term in two blocks, unknown options, a link
        with a Cox model, origins outside the data.
    EstimationError
        A model cannot be fitted.

    Notes
    -----
    With blocks ``D`` (domestic), ``R`` (regional) and ``W`` (world), the four steps
    test ``R | D``, ``W | D``, ``W | D + R`` (does the world add to the regional
    story?) and ``R | D + W`` (does the region add to the world story?), each by
    ``LR = 2 (l_larger - l_restricted) ~ chi2(df)`` and by the Wald statistic of the
    block in the larger model with its cluster-robust covariance. All four models are
    fitted on the rows every one of them can use (listwise deletion on the union of
    their columns), so that the likelihoods are comparable.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=3, n_units=80).risk_set()
    >>> td = d.topdown_test(rs, domestic=["x1", "x2"], regional="regional", world="world",
    ...                     out_of_sample=False)
    >>> list(td.tests.index)[:2]
    ['regional | domestic', 'world | domestic']
    """
    if not isinstance(risk_set, RiskSet):
        raise SpecificationError(
            f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}.")
    kind = check_option(model, MODELS, name="model")
    ties_with = check_option(ties_with, TIES_WITH, name="ties_with")
    horizon = check_positive_int(horizon, name="horizon")
    if not isinstance(out_of_sample, (bool, np.bool_)):
        raise SpecificationError(f"out_of_sample must be True or False, got {show(out_of_sample)}.")
    dom = _terms(domestic, "domestic", required=kind == "cox")
    reg = _terms(regional, "regional", required=True)
    wor = _terms(world, "world", required=True)
    tie = _terms(ties, "ties", required=False)
    seen: dict[str, str] = {}
    for block, terms in (("domestic", dom), ("regional", reg), ("world", wor), ("ties", tie)):
        for t in terms:
            if t in seen:
                raise SpecificationError(
                    f"term {show(t)} is in both the {seen[t]} and the {block} block; put each "
                    f"term in one block.")
            seen[t] = block
    if ties_with == "world":
        blocks = {"domestic": dom, "regional": reg, "world": wor + tie}
    else:
        blocks = {"domestic": dom + tie, "regional": reg, "world": wor}
    spec_terms = {
        "domestic": blocks["domestic"],
        "domestic + regional": blocks["domestic"] + blocks["regional"],
        "domestic + world": blocks["domestic"] + blocks["world"],
        "full": blocks["domestic"] + blocks["regional"] + blocks["world"],
    }
    if kind == "cox":
        if link is not None:
            raise SpecificationError("link= is for discrete-time models; a Cox model has none.")
        clock = check_option("duration" if time is None else time, CLOCKS, name="Cox clock (time)")

        def build(terms: tuple[str, ...]):
            return CoxHazard.from_formula(" + ".join(terms), risk_set, clock=clock)
    else:
        link_name = "cloglog" if link is None else link

        def build(terms: tuple[str, ...]):
            return DiscreteTimeHazard.from_formula(" + ".join(terms) or "1", risk_set,
                                                   link=link_name, time=time)

    fit_kw = {"cov_type": "cluster", "cluster": cluster}
    fitted = [build(spec_terms[name]).fit(**fit_kw) for name in NAMES]
    # the information criteria and the common sample (refits where rows differ)
    comparison = compare(*fitted, names=NAMES, test="none")
    results = dict(zip(NAMES, comparison.results))
    tests = _steps(results, blocks)
    notes = list(comparison.notes)
    notes.append(
        "LR tests treat rows as independent given the covariates; the Wald tests use the "
        "cluster-robust covariance of the larger model and allow for dependence within "
        "clusters. A gap between the two points to such dependence (or to few clusters); "
        "report both.")
    accuracy = predictions = pd.DataFrame()
    origins: list[int] = []
    if out_of_sample:
        accuracy, predictions, origins, acc_notes = rolling_origin(results, origins=origin,
                                                                   horizon=horizon)
        notes += acc_notes
        notes.append(
            "Out of sample: each model is refit on the years <= T and predicts the rows of "
            "T+1..T+h, whose covariates and exposures were observed in the previous year, "
            "so the forecasts condition on the diffusion that actually happened. AUC: "
            "higher is better; Brier and log scores (mean squared error and mean negative "
            "log probability): lower is better.")
        if kind == "cox":
            notes.append(
                "Cox models: the AUC ranks test rows by the linear predictor x'b (the relative "
                "hazard); Brier and log scores need absolute probabilities, which the Cox "
                "model does not give out of sample, and are left empty.")
    elif origin is not None:
        raise SpecificationError("origin= is used only with out_of_sample=True.")
    full = results["full"]
    return TopDownResult(full.model, blocks, results, comparison, tests, accuracy,
                         predictions, tuple(origins), horizon, full.n_obs, full.n_events, full.n_units,
                         tuple(notes))


def _steps(results: dict[str, HazardResults], blocks: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    from diffusion.inference.tests import lr_test

    rows = []
    for label, block, small, big in STEPS:
        a, b = results[small], results[big]
        added = [t for t in b.terms if t not in set(a.terms)]
        lr = lr_test(a.loglik, b.loglik, len(added))
        wald = b.wald_test(added)
        rows.append({"block": block, "restricted": small, "larger": big, "df": lr.df,
                     "lr_chi2": lr.statistic, "lr_p": lr.p_value,
                     "wald_chi2": wald.statistic, "wald_p": wald.p_value})
    return pd.DataFrame(rows, index=pd.Index([s[0] for s in STEPS], name="test"))
