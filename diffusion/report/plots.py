"""Plots (matplotlib). Functions return the Figure and never call ``show``.

matplotlib is imported lazily, with the non-interactive Agg backend when no backend
has been chosen, so plotting works on machines without a screen. Each plot has a
``*_table`` function (here or in :mod:`diffusion.report.curves`) that returns the
numbers it draws.

* :func:`cumulative_adoption` -- share of the existing units that have adopted, by year.
* :func:`kaplan_meier` -- Kaplan-Meier curve of the time to adoption since entry.
* :func:`exposure_over_time` -- mean and interquartile band of an exposure by year.
* :func:`coefficient_plot` -- estimates (or hazard/odds ratios) with intervals, by model.
* :func:`baseline_hazard` -- cumulative baseline hazard of a Cox model.
* :func:`predicted_adoption` -- predicted adoption probability for covariate profiles.

A request for a group (or stratum) that does not exist raises
:class:`~diffusion.errors.SpecificationError` naming those that do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option, preview, show
from diffusion.errors import SpecificationError
from diffusion.exposure.base import group_codes
from diffusion.report.curves import (
    Origin,
    check_only,
    exposure_over_time_table,
    kaplan_meier_table,
)
from diffusion.report.tables import (
    baseline_terms,
    check_labels,
    check_results,
    ratio_name,
)
from diffusion.results.hazard import HazardResults

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from diffusion.data.riskset import RiskSet

__all__ = [
    "baseline_hazard",
    "baseline_hazard_table",
    "coefficient_plot",
    "cumulative_adoption",
    "cumulative_adoption_table",
    "exposure_over_time",
    "kaplan_meier",
    "predicted_adoption",
    "predicted_adoption_table",
]


class _Figures:
    """``subplots`` without pyplot: figures that no global state or backend owns.

    The library builds :class:`matplotlib.figure.Figure` objects directly, so it never
    switches the user's backend, never opens a window, and never accumulates figures in
    pyplot's registry; ``fig.savefig`` works everywhere and notebooks display the
    returned Figure.
    """

    @staticmethod
    def subplots(*args, figsize=None, **kwargs):
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
        return fig, fig.subplots(*args, **kwargs)


def _pyplot() -> type[_Figures]:
    return _Figures


def cumulative_adoption_table(
    risk_set: RiskSet, groups: pd.DataFrame | None = None, *, group: str | None = None
) -> pd.DataFrame:
    """Share of the units that were members in each year that had adopted by then.

    The denominator is the set of units that existed (were members) in that year,
    not today's states: states that did not exist yet are not counted as
    non-adopters, and a new state entering without the policy lowers the share.

    Returns
    -------
    DataFrame
        Index: year (the risk set's window); columns: ``"all"`` and one per group.
    """
    hist = risk_set.single_history("cumulative adoption")
    y0, y1 = risk_set.start, risk_set.end
    member = hist.member_matrix(y0, y1)
    adopted = member & (hist.events_upto(y0, y1) > 0)
    years = np.arange(y0, y1 + 1)
    out = {"all": adopted.sum(axis=0) / np.maximum(member.sum(axis=0), 1)}
    if groups is not None:
        codes = group_codes(groups, group, risk_set)
        col = group or next(c for c in groups.columns if c != risk_set.unit)
        labels = pd.Series(groups[col].to_numpy(), index=groups[risk_set.unit]).reindex(hist.units)
        for g in sorted(pd.unique(labels.dropna())):
            sel = (labels.to_numpy() == g) & (codes >= 0)
            den = member[sel].sum(axis=0)
            share = np.divide(adopted[sel].sum(axis=0), den, out=np.full(len(years), np.nan),
                              where=den > 0)
            out[str(g)] = share
    return pd.DataFrame(out, index=pd.Index(years, name=risk_set.time))


def cumulative_adoption(
    risk_set: RiskSet,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
    only: list[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Plot cumulative adoption over time as a share of the units that existed.

    Parameters
    ----------
    risk_set : RiskSet
    groups : DataFrame, optional
        Unit column and a group column: one line per group plus the overall line.
    only : list of str, optional
        Draw only these groups (an unknown group is an error).
    title : str, optional
    """
    table = cumulative_adoption_table(risk_set, groups, group=group)
    if only is not None:
        unknown = [g for g in only if g not in table.columns]
        if unknown:
            raise SpecificationError(
                f"group(s) {preview(unknown)} do not exist; groups are "
                f"{preview([c for c in table.columns if c != 'all'], 20)}."
            )
        table = table[["all", *only]]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for col in table.columns:
        style = {"color": "black", "linewidth": 2.5} if col == "all" else {"linewidth": 1.4}
        ax.plot(table.index, table[col], label="all states" if col == "all" else col, **style)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(risk_set.time)
    ax.set_ylabel("share of existing states that have adopted")
    ax.set_title(title or "Cumulative adoption (denominator: states existing each year)")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


CurveKind = Literal["survival", "adoption"]
BaselineKind = Literal["cumulative", "survival", "hazard"]
PredictKind = Literal["adoption", "survival", "hazard"]
_CURVE_KINDS = ("survival", "adoption")
_BASELINE_KINDS = ("cumulative", "survival", "hazard")
_PREDICT_KINDS = ("adoption", "survival", "hazard")


def _curve_style(name: str) -> dict:
    return {"color": "black", "linewidth": 2.2} if name == "all" else {"linewidth": 1.4}


def kaplan_meier(
    risk_set: RiskSet,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
    only: list[str] | None = None,
    origin: Origin = "entry",
    kind: CurveKind = "survival",
    level: float | None = 0.95,
    title: str | None = None,
) -> Figure:
    """Kaplan-Meier curve of the time to adoption since entry, overall and by group.

    Parameters
    ----------
    risk_set : RiskSet
    groups : DataFrame, optional
        Unit column and a group column: one curve per group plus the overall curve.
    group : str, optional
        The group column of ``groups`` when it has several.
    only : list of str, optional
        Draw only these groups (and the overall curve); an unknown group is an error
        that names the groups available.
    origin : {"entry", "membership"}, default "entry"
        Duration since the first year at risk, or since the unit joined the system
        (late entry into observation is left truncation).
    kind : {"survival", "adoption"}, default "survival"
        Share not yet adopted ``S(d)``, or share adopted ``1 - S(d)``.
    level : float or None, default 0.95
        Confidence band (log-log Greenwood interval); ``None`` for none.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One step line per curve (``"all"`` first), in ``fig.axes[0].lines``.

    Notes
    -----
    The estimator and its conventions are described in :mod:`diffusion.report.curves`
    (:func:`~diffusion.report.curves.kaplan_meier_table` returns the numbers).

    Examples
    --------
    >>> import diffusion as d
    >>> world = d.simulate.world(seed=1, n_units=60)
    >>> fig = d.report.kaplan_meier(world.risk_set(), world.groups, only=["R1", "R2"])
    >>> len(fig.axes[0].lines)
    3
    """
    kind = check_option(kind, _CURVE_KINDS, name="kind")
    table = kaplan_meier_table(risk_set, groups, group=group, origin=origin,
                               level=0.95 if level is None else level)
    available = [g for g in pd.unique(table["group"]) if g != "all"]
    chosen = check_only(only, available)
    names = ["all", *(chosen if chosen is not None else available)]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for name in names:
        part = table[table["group"] == name]
        x = np.concatenate([[0.0], part["duration"].to_numpy(dtype=np.float64)])
        y = np.concatenate([[1.0], part["survival"].to_numpy()])
        lo = np.concatenate([[1.0], part["lower"].to_numpy()])
        hi = np.concatenate([[1.0], part["upper"].to_numpy()])
        if kind == "adoption":
            y, lo, hi = 1 - y, 1 - hi, 1 - lo
        label = "all units" if name == "all" else name
        (line,) = ax.step(x, y, where="post", label=label, **_curve_style(name))
        if level is not None:
            ax.fill_between(x, lo, hi, step="post", alpha=0.12, color=line.get_color(),
                            linewidth=0)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    since = "first year at risk" if origin == "entry" else "joining the system"
    ax.set_xlabel(f"years since {since}")
    ax.set_ylabel("share not yet adopted" if kind == "survival" else "share adopted")
    band = f", {100 * level:g}% band" if level is not None else ""
    ax.set_title(title or f"Kaplan-Meier estimate of the time to adoption{band}")
    ax.legend(frameon=False, fontsize=8, loc="upper right" if kind == "survival" else "upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def exposure_over_time(
    risk_set: RiskSet,
    column: str,
    groups: pd.DataFrame | None = None,
    *,
    group: str | None = None,
    only: list[str] | None = None,
    band: bool = True,
    title: str | None = None,
) -> Figure:
    """Mean and interquartile band of an exposure (or covariate) column by year.

    The statistics are taken over the units at risk in each year (the rows of the
    risk set), overall and by group.

    Parameters
    ----------
    risk_set : RiskSet
    column : str
        A numeric column of the risk set, e.g. an exposure added by ``with_exposure``.
    groups : DataFrame, optional
        Unit column and a group column: one mean line (and band) per group as well.
    group : str, optional
        The group column of ``groups`` when it has several.
    only : list of str, optional
        Draw only these groups (an unknown group is an error naming the groups).
    band : bool, default True
        Shade the interquartile range (25th to 75th percentile).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One mean line per curve (``"all"`` first) in ``fig.axes[0].lines``; bands in
        ``fig.axes[0].collections``. Rows without a value are left out of the
        statistics and counted in a caption under the axes.

    Examples
    --------
    >>> import diffusion as d
    >>> world = d.simulate.world(seed=1, n_units=60)
    >>> fig = d.report.exposure_over_time(world.risk_set(), "regional")
    >>> len(fig.axes[0].lines)
    1
    """
    if not isinstance(band, bool):
        raise SpecificationError(f"band must be True or False, got {show(band)}.")
    table = exposure_over_time_table(risk_set, column, groups, group=group)
    available = [g for g in pd.unique(table["group"]) if g != "all"]
    chosen = check_only(only, available)
    names = ["all", *(chosen if chosen is not None else available)]
    time = risk_set.time
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for name in names:
        part = table[table["group"] == name]
        label = "all units at risk" if name == "all" else name
        (line,) = ax.plot(part[time], part["mean"], label=label, **_curve_style(name))
        if band:
            ax.fill_between(part[time], part["q25"], part["q75"], alpha=0.15,
                            color=line.get_color(), linewidth=0)
    ax.set_xlabel(time)
    ax.set_ylabel(f"{column} (mean{', interquartile band' if band else ''})")
    ax.set_title(title or f"{column} over time, units at risk")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    missing = int(table.loc[table["group"] == "all", "n_missing"].sum())
    if missing:
        fig.text(0.01, 0.01, f"{missing} row(s) without a value of {column} are left out.",
                 fontsize=7, color="dimgrey")
    fig.tight_layout(rect=(0, 0.03 if missing else 0, 1, 1))
    return fig


def coefficient_plot(
    results,
    *,
    level: float = 0.95,
    labels: list[str] | None = None,
    drop: tuple[str, ...] = ("Intercept",),
    stat: Literal["coef", "exp"] = "coef",
    term_labels: dict[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """Point estimates with confidence intervals, one marker per model and term.

    Parameters
    ----------
    results : HazardResults or sequence of them
        Discrete-time, Cox and parametric results may be mixed.
    level : float
        Confidence level of the intervals.
    labels : list of str, optional
        Model names for the legend (default ``"model 1"``, ...).
    drop : tuple of str
        Terms left out (the intercept by default; names no model has are ignored).
    stat : {"coef", "exp"}, default "coef"
        Coefficients, or ``exp(coef)`` on a log axis with a reference line at 1:
        hazard ratios (Cox, piecewise-exponential, Weibull, cloglog) or odds ratios
        (logit); refused for probit. Baseline terms are never shown as ratios.
    term_labels : dict, optional
        Display names of terms.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One errorbar container per model in ``fig.axes[0].containers``.

    Notes
    -----
    The intervals are Wald intervals ``b +- z se`` (``exp`` of them for ratios), as
    :meth:`HazardResults.conf_int` and the ``ci`` columns of
    :func:`~diffusion.report.regression_table`.
    """
    models = check_results(results)
    if labels is None:
        labels = [f"model {i + 1}" for i in range(len(models))]
    labels = check_labels(labels, len(models))
    stat = check_option(stat, ("coef", "exp"), name="stat")
    if not (isinstance(level, (int, float)) and not isinstance(level, bool) and 0 < level < 1):
        raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
    ratios = [ratio_name(r) for r in models] if stat == "exp" else []
    shown = []
    for res in models:
        hidden = set(drop) | (set(baseline_terms(res)) if stat == "exp" else set())
        shown.append([t for t in res.terms if t not in hidden])
    terms = list(dict.fromkeys(t for s in shown for t in s))
    if not terms:
        raise SpecificationError("no term is left to plot after drop (and hiding baseline terms).")
    if term_labels is not None:
        unknown = [t for t in term_labels if t not in terms]
        if unknown:
            raise SpecificationError(
                f"term_labels names term(s) {preview(unknown)} that are not plotted; the "
                f"terms are {preview(terms, 12)}."
            )
    names = [(term_labels or {}).get(t, t) for t in terms]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(terms) + 1.5))
    step = 0.8 / max(len(models), 1)
    for k, (res, lab, visible) in enumerate(zip(models, labels, shown)):
        ci = res.conf_int(level)
        ys, xs, lo, hi = [], [], [], []
        for i, t in enumerate(terms):
            if t in visible:
                ys.append(i + (k - (len(models) - 1) / 2) * step)
                xs.append(res.params[t])
                lo.append(ci.loc[t, "lower"])
                hi.append(ci.loc[t, "upper"])
        xs_a, lo_a, hi_a = np.asarray(xs), np.asarray(lo), np.asarray(hi)
        if stat == "exp":
            xs_a, lo_a, hi_a = np.exp(xs_a), np.exp(lo_a), np.exp(hi_a)
        ax.errorbar(xs_a, ys, xerr=[xs_a - lo_a, hi_a - xs_a], fmt="o", capsize=3, label=lab)
    ax.axvline(1.0 if stat == "exp" else 0.0, color="grey", linewidth=0.8)
    ax.set_yticks(range(len(terms)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    if stat == "exp":
        ax.set_xscale("log")
        what = " / ".join(dict.fromkeys(ratios))
        ax.set_xlabel(f"{what} ({100 * level:g}% interval, log scale)")
    else:
        ax.set_xlabel(f"coefficient ({100 * level:g}% interval)")
    ax.set_title(title or ("Hazard and odds ratios" if stat == "exp" and len(set(ratios)) > 1
                           else f"{ratios[0].capitalize()}s" if stat == "exp" else "Coefficients"))
    if len(models) > 1:
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def _clock_label(clock: str) -> str:
    return "year" if clock == "calendar" else "years since first at risk"


def baseline_hazard_table(result: HazardResults) -> pd.DataFrame:
    """Baseline hazard of a Cox result at ``x = 0`` (R ``basehaz(fit, centered = FALSE)``).

    The same table as :meth:`diffusion.CoxHazard.baseline_hazard`, from the result alone:
    ``time`` (on the model's clock), ``n_risk``, ``n_events``, ``hazard`` (increment),
    ``cumulative_hazard`` and ``survival`` (within strata, with the strata column).
    """
    from diffusion.models.cox.predict import cumulate

    if not isinstance(result, HazardResults) or "baseline" not in result.extra:
        what = result.model if isinstance(result, HazardResults) else type(result).__name__
        raise SpecificationError(
            f"the baseline hazard is drawn from a Cox result; got {what}. Discrete-time and "
            f"parametric models describe the baseline with their time terms: use "
            f"predicted_adoption for them."
        )
    return cumulate(result.extra["baseline"], result.extra.get("strata"))


def baseline_hazard(
    result: HazardResults,
    *,
    kind: BaselineKind = "cumulative",
    only: list[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Baseline hazard of a Cox model at ``x = 0``, one curve per stratum.

    Parameters
    ----------
    result : HazardResults
        The result of :meth:`diffusion.CoxHazard.fit`.
    kind : {"cumulative", "survival", "hazard"}, default "cumulative"
        Cumulative baseline hazard ``H0(t)`` (step function), baseline survival
        ``exp(-H0(t))``, or the increments ``dH0(t)`` at the event times.
    only : list of str, optional
        Strata to draw (stratified models); an unknown stratum is an error naming
        the strata.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per stratum (one for an unstratified model) in ``fig.axes[0].lines``.

    Notes
    -----
    ``x = 0`` is the uncentred baseline (R ``basehaz(fit, centered = FALSE)``): choose
    covariate scales for which 0 is meaningful, or plot :func:`predicted_adoption` for
    chosen profiles instead.
    """
    kind = check_option(kind, _BASELINE_KINDS, name="kind")
    table = baseline_hazard_table(result)
    strata = result.extra.get("strata")
    if strata:
        available = [str(s) for s in pd.unique(table[strata])]
        chosen = check_only(only, available, what="stratum")
        names = chosen if chosen is not None else available
        parts = [(n, table[table[strata].astype(str) == n]) for n in names]
    else:
        if only is not None:
            raise SpecificationError(
                "only= selects strata, but this Cox model has none (strata=None); drop only=."
            )
        parts = [("baseline", table)]
    column = {"cumulative": "cumulative_hazard", "survival": "survival", "hazard": "hazard"}[kind]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for name, part in parts:
        t = part["time"].to_numpy(dtype=np.float64)
        y = part[column].to_numpy()
        if kind == "hazard":
            ax.plot(t, y, marker="o", markersize=3, linewidth=0.8, label=name)
        else:
            start = 0.0 if kind == "cumulative" else 1.0
            ax.step(np.concatenate([[t[0] - 1], t]), np.concatenate([[start], y]),
                    where="post", label=name)
    ax.set_xlabel(_clock_label(result.extra.get("clock", "calendar")))
    ax.set_ylabel({"cumulative": "cumulative baseline hazard H0(t)",
                   "survival": "baseline survival exp(-H0(t))",
                   "hazard": "baseline hazard increment dH0(t)"}[kind])
    ax.set_title(title or f"Baseline hazard at x = 0 ({result.model})")
    if strata:
        ax.legend(frameon=False, fontsize=8, title=strata)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def predicted_adoption_table(model, result: HazardResults, profiles: pd.DataFrame, *,
                             since: float | None = None) -> pd.DataFrame:
    """Predicted hazard, survival and adoption probability by period for covariate profiles.

    ``model`` is the :class:`~diffusion.CoxHazard` or
    :class:`~diffusion.DiscreteTimeHazard` that produced ``result``. Cox models use
    :meth:`CoxHazard.predict`; discrete-time models
    :func:`diffusion.models.discrete_time.predict.predict_profiles`. Both return
    ``profile``, ``time`` (on the model's clock), ``hazard``, ``cumulative_hazard``,
    ``survival`` and ``adoption``.
    """
    from diffusion.models.cox import CoxHazard
    from diffusion.models.discrete_time import DiscreteTimeHazard
    from diffusion.models.discrete_time.predict import predict_profiles

    if isinstance(model, CoxHazard):
        return model.predict(result, profiles, since=since)
    if isinstance(model, DiscreteTimeHazard):
        return predict_profiles(model, result, profiles, since=since)
    raise SpecificationError(
        f"predicted adoption needs a CoxHazard or DiscreteTimeHazard model (and its "
        f"result), got {type(model).__name__}."
    )


def predicted_adoption(
    model,
    result: HazardResults,
    profiles: pd.DataFrame,
    *,
    since: float | None = None,
    kind: PredictKind = "adoption",
    title: str | None = None,
) -> Figure:
    """Predicted adoption probability by year for covariate profiles, one line per profile.

    Parameters
    ----------
    model : CoxHazard or DiscreteTimeHazard
        The model that produced ``result``.
    result : HazardResults
    profiles : DataFrame
        One row per profile with the covariate columns (and the strata column of a
        stratified Cox model); the index labels the lines.
    since : number, optional
        First period at risk, on the model's clock (see the models' ``predict``).
    kind : {"adoption", "survival", "hazard"}, default "adoption"
        Probability of having adopted by the end of each period, of not having
        adopted, or the hazard (probability of adopting in the period, given not
        before).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per profile in ``fig.axes[0].lines``.

    Examples
    --------
    >>> import pandas as pd
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=60).risk_set()
    >>> model = d.DiscreteTimeHazard.from_formula("event ~ x1 + regional", rs,
    ...                                           link="cloglog", time="cubic")
    >>> profiles = pd.DataFrame({"x1": [0.0, 0.0], "regional": [0.0, 0.5]},
    ...                         index=["no neighbours", "half of the region"])
    >>> fig = d.report.predicted_adoption(model, model.fit(), profiles)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['no neighbours', 'half of the region']
    """
    kind = check_option(kind, _PREDICT_KINDS, name="kind")
    table = predicted_adoption_table(model, result, profiles, since=since)
    if not profiles.index.is_unique:
        raise SpecificationError(
            "the index of profiles labels the lines and must be unique; it repeats "
            f"{preview(list(profiles.index[profiles.index.duplicated()].unique()))}."
        )
    clock = getattr(model, "clock", None) or (model.time.scale if model.time is not None
                                               else "calendar")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for label in profiles.index:
        part = table[table["profile"] == label]
        ax.plot(part["time"], part[kind], label=str(label), linewidth=1.6)
    ax.set_xlabel(_clock_label(clock))
    ax.set_ylabel({"adoption": "probability of having adopted",
                   "survival": "probability of not having adopted",
                   "hazard": "hazard (probability of adopting in the year)"}[kind])
    if kind != "hazard":
        ax.set_ylim(0, 1.02)
    ax.set_title(title or f"Predicted {kind} by profile ({result.model})")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
