"""Regression tables: one or several hazard models side by side.

:func:`regression_table` lines up fitted :class:`~diffusion.HazardResults` (discrete-time
logit/probit/cloglog, Cox, piecewise-exponential, Weibull) in one table and returns a
:class:`RegressionTable` with text, Markdown, LaTeX and HTML renderers. The table says
everything a reader needs to judge the columns: the model, the dependent event, the
baseline time dependence, the covariance estimator (and cluster variable), the counts
(observations, events, units), the log-likelihood and AIC, and every decision taken on
the data (the results' notes), numbered.

Conventions (R vs Stata vs Python)
----------------------------------
* Stars (off by default) use R's significance codes, ``* p<0.05, ** p<0.01,
  *** p<0.001``; Stata's ``esttab`` uses the same thresholds, R's ``stargazer`` uses
  ``0.1/0.05/0.01``. Pass ``stars=(0.1, 0.05, 0.01)`` for the latter. The table
  always says which thresholds it used. p-values are two-sided Wald z tests of
  ``coef = 0``, as in each result's ``summary()``.
* ``stat="exp"`` shows ``exp(coef)``: a hazard ratio for Cox, piecewise-exponential,
  Weibull and cloglog models, an odds ratio for logit models (refused for probit).
  Its standard error is the delta-method ``exp(b) * se(b)`` (Stata's ``eform``
  option; R's ``stargazer(apply.coef = exp)`` would leave ``se(b)`` unchanged, which
  is wrong for the ratio); its interval is ``exp`` of the Wald interval of ``b``
  (R ``exp(confint.default(fit))``), which is not symmetric around the ratio.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from diffusion.data.checks import check_option, preview, show
from diffusion.errors import SpecificationError
from diffusion.report._render import (
    Cell,
    html_cell,
    md,
    plain,
    tex,
    tex_cell,
    tex_footer,
)
from diffusion.results.hazard import HazardResults

__all__ = ["Cell", "RegressionTable", "Row", "regression_table"]

Stat = Literal["coef", "exp"]
Uncertainty = Literal["se", "ci"]
Layout = Literal["stacked", "beside"]
STATS = ("coef", "exp")
UNCERTAINTIES = ("se", "ci")
LAYOUTS = ("stacked", "beside")
#: R's significance codes (``summary.glm``), also Stata ``esttab``'s defaults
DEFAULT_STARS = (0.05, 0.01, 0.001)


# ------------------------------------------------------------------ structure
@dataclass(frozen=True)
class Row:
    """A labelled row of cells; ``kind`` is ``"estimate"``, ``"uncertainty"`` or ``"fact"``."""

    label: str
    cells: tuple[Cell, ...]
    kind: str


@dataclass(frozen=True)
class RegressionTable:
    """A multi-model regression table, ready to render.

    Attributes
    ----------
    title : str or None
    columns : tuple of str
        One heading per model.
    estimates : tuple of Row
        Coefficient (or ``exp(coef)``) rows, each followed by its uncertainty row in
        the stacked layout.
    facts : tuple of Row
        Model, dependent event, time terms, standard errors, counts, fit statistics.
    footer : tuple of str
        Legends (uncertainty, stars) and warnings (different dependent events, ...).
    notes : tuple of str
        Decisions taken on the data (the results' notes), each naming the models it
        applies to when it does not apply to all; rendered as a numbered list.
    """

    title: str | None
    columns: tuple[str, ...]
    estimates: tuple[Row, ...]
    facts: tuple[Row, ...]
    footer: tuple[str, ...]
    notes: tuple[str, ...]

    # ------------------------------------------------------------ renderers
    def to_frame(self) -> pd.DataFrame:
        """The table body (estimates then facts) as a DataFrame of strings."""
        rows = [*self.estimates, *self.facts]
        data = [[plain(c) for c in r.cells] for r in rows]
        return pd.DataFrame(data, index=pd.Index([r.label for r in rows], name="term"),
                            columns=list(self.columns))

    def as_text(self) -> str:
        """Plain text, for the console and log files."""
        label_w = max([len(r.label) for r in (*self.estimates, *self.facts)] + [4])
        body = [[plain(c) for c in r.cells] for r in (*self.estimates, *self.facts)]
        widths = [max([len(col)] + [len(row[j]) for row in body])
                  for j, col in enumerate(self.columns)]
        width = label_w + sum(w + 2 for w in widths)

        def line(label: str, cells: Sequence[str]) -> str:
            return (f"{label:<{label_w}}"
                    + "".join(f"  {c:^{w}}" for c, w in zip(cells, widths))).rstrip()

        out = []
        if self.title:
            out.append(self.title)
        out += ["=" * width, line("", self.columns), "-" * width]
        out += [line(r.label, [plain(c) for c in r.cells]) for r in self.estimates]
        out.append("-" * width)
        out += [line(r.label, [plain(c) for c in r.cells]) for r in self.facts]
        out.append("=" * width)
        wrap = max(width, 78)
        for f in self.footer:
            out += textwrap.wrap(f, wrap)
        if self.notes:
            out.append("Notes on the data:")
            for i, n in enumerate(self.notes):
                out += textwrap.wrap(n, wrap, initial_indent=f"  [{i + 1}] ",
                                     subsequent_indent=" " * (5 + len(str(i + 1))))
        return "\n".join(out)

    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown (a pipe table, then legends and numbered notes)."""
        def cells(r: Row) -> str:
            return " | ".join(md(plain(c)) for c in r.cells)

        out = []
        if self.title:
            out += [f"**{md(self.title)}**", ""]
        out.append("|  | " + " | ".join(md(c) for c in self.columns) + " |")
        out.append("|:---|" + ":---:|" * len(self.columns))
        out += [f"| {md(r.label)} | {cells(r)} |" for r in self.estimates]
        out += [f"| *{md(r.label)}* | {cells(r)} |" for r in self.facts]
        if self.footer:
            out += ["", *[md(f) + "  " for f in self.footer]]
            out[-1] = out[-1].rstrip()
        if self.notes:
            out += ["", "Notes on the data:", ""]
            out += [f"{i + 1}. {md(n)}" for i, n in enumerate(self.notes)]
        return "\n".join(out)

    def as_latex(self) -> str:
        """A booktabs ``tabular`` followed by the legends and notes (``\\usepackage{booktabs}``)."""
        k = len(self.columns)
        out = [r"\begin{tabular}{l" + "c" * k + "}", r"\toprule"]
        if self.title:
            out += [r"\multicolumn{" + str(k + 1) + "}{c}{" + tex(self.title) + r"} \\",
                    r"\midrule"]
        out.append(" & ".join(["", *map(tex, self.columns)]) + r" \\")
        out.append(r"\midrule")
        out += [" & ".join([tex(r.label), *map(tex_cell, r.cells)]) + r" \\"
                for r in self.estimates]
        out.append(r"\midrule")
        out += [" & ".join([tex(r.label), *map(tex_cell, r.cells)]) + r" \\"
                for r in self.facts]
        out += [r"\bottomrule", r"\end{tabular}"]
        if self.footer or self.notes:
            out.append(r"\par\smallskip")
            out.append(r"{\footnotesize")
            out += [tex_footer(f) + r"\par" for f in self.footer]
            if self.notes:
                out.append(r"Notes on the data:")
                out.append(r"\begin{enumerate}")
                out += [r"\item " + tex(n) for n in self.notes]
                out.append(r"\end{enumerate}")
            out.append("}")
        return "\n".join(out)

    def as_html(self) -> str:
        """An HTML table (for notebooks: :meth:`_repr_html_`)."""
        k = len(self.columns)

        def row(r: Row, cls: str) -> str:
            tds = "".join(f"<td>{html_cell(c)}</td>" for c in r.cells)
            return f"<tr class='{cls}'><th>{html.escape(r.label)}</th>{tds}</tr>"

        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        head = "<tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in self.columns) + "</tr>"
        est = "".join(row(r, r.kind) for r in self.estimates)
        facts = "".join(row(r, "fact") for r in self.facts)
        foot = "".join(f"<tr><td colspan='{k + 1}'>{html.escape(f)}</td></tr>" for f in self.footer)
        if self.notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
            foot += f"<tr><td colspan='{k + 1}'>Notes on the data:<ol>{items}</ol></td></tr>"
        return (f"<table class='diffusion-regression-table'>{cap}<thead>{head}</thead>"
                f"<tbody>{est}</tbody><tbody class='facts'>{facts}</tbody>"
                f"<tfoot>{foot}</tfoot></table>")

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


# --------------------------------------------------------------- construction
def _number(v: float, digits: int) -> str:
    if not np.isfinite(v):
        return "inf" if v > 0 else ("-inf" if v < 0 else "NaN")
    if v != 0 and abs(v) < 0.5 * 10.0**-digits:
        # cubic time terms: 2.3e-06 would print as 0.000
        return f"{v:.{max(digits - 1, 1)}e}"
    return f"{v:.{digits}f}"


def check_results(results: Any) -> list[HazardResults]:
    if isinstance(results, HazardResults):
        return [results]
    if isinstance(results, (str, bytes, Mapping)) or not isinstance(results, Sequence):
        raise SpecificationError(
            f"results must be a HazardResults or a list of them, got {type(results).__name__}. "
            f"Pass the results of model.fit()."
        )
    models = list(results)
    if not models:
        raise SpecificationError("results is empty; pass at least one fitted HazardResults.")
    bad = [f"results[{i}] ({type(r).__name__})" for i, r in enumerate(models)
           if not isinstance(r, HazardResults)]
    if bad:
        raise SpecificationError(
            f"{len(bad)} item(s) are not HazardResults: {', '.join(bad[:5])}. Pass the "
            f"results of model.fit(), not the model or a summary."
        )
    return models


def check_labels(labels: Any, n: int, *, name: str = "labels") -> list[str]:
    if labels is None:
        return [f"({i + 1})" for i in range(n)]
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise SpecificationError(f"{name} must be a list of strings, got {type(labels).__name__}.")
    labels = list(labels)
    if len(labels) != n:
        raise SpecificationError(
            f"{len(labels)} {name} for {n} model(s); give one label per model."
        )
    if not all(isinstance(s, str) for s in labels):
        raise SpecificationError(f"{name} must be strings, got {preview(labels)}.")
    dup = sorted({s for s in labels if labels.count(s) > 1})
    if dup:
        raise SpecificationError(f"{name} repeat {preview(dup)}; give each model its own label.")
    return labels


def _check_stars(stars: Any) -> tuple[float, ...]:
    if stars is False or stars is None:
        return ()
    if stars is True:
        return DEFAULT_STARS
    if isinstance(stars, (str, bytes)) or not isinstance(stars, Sequence) or not stars:
        raise SpecificationError(
            f"stars must be False, True or a list of p-value thresholds such as "
            f"(0.1, 0.05, 0.01), got {show(stars)}."
        )
    ok = all(isinstance(t, (int, float, np.floating)) and not isinstance(t, bool)
             and 0 < float(t) < 1 for t in stars)
    if not ok or len(set(map(float, stars))) != len(stars):
        raise SpecificationError(
            f"star thresholds must be distinct numbers strictly between 0 and 1, got "
            f"{show(list(stars))}."
        )
    return tuple(sorted(map(float, stars), reverse=True))


def _check_level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise SpecificationError(f"level must lie strictly between 0 and 1, got {show(level)}.")
    return float(level)


def _check_digits(digits: Any) -> int:
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or not 0 <= digits <= 10:
        raise SpecificationError(f"digits must be an integer from 0 to 10, got {show(digits)}.")
    return int(digits)


def _check_names(value: Any, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise SpecificationError(f"{name} must be a list of term names, got {show(value)}.")
    return list(value)


def baseline_terms(res: HazardResults) -> tuple[str, ...]:
    """Terms of ``res`` that describe the baseline hazard, not covariates.

    The intercept, the time-dependence columns of discrete-time models (the last
    ``extra["n_time_terms"]`` terms), and the terms of parametric models that are not
    in ``extra["hazard_ratio_terms"]`` (period effects, the Weibull shape). Cox models
    have none (the baseline is not parametrised).
    """
    hr = res.extra.get("hazard_ratio_terms")
    if hr is not None:
        return tuple(t for t in res.terms if t not in hr)
    n_time = int(res.extra.get("n_time_terms", 0) or 0)
    time = set(res.terms[len(res.terms) - n_time:]) if n_time else set()
    return tuple(t for t in res.terms if t == "Intercept" or t in time)


def ratio_name(res: HazardResults) -> str:
    """What ``exp(coef)`` of ``res`` is: ``"hazard ratio"`` or ``"odds ratio"``.

    Raises
    ------
    SpecificationError
        For models where ``exp(coef)`` is neither (probit).
    """
    link = res.extra.get("link")
    if res.extra.get("proportional_hazards") or link == "cloglog":
        return "hazard ratio"
    if link == "logit":
        return "odds ratio"
    raise SpecificationError(
        f"exp(coef) of a {res.model} model is neither a hazard ratio nor an odds ratio; use "
        f"stat='coef' (or a cloglog, logit, Cox, piecewise-exponential or Weibull model)."
    )


def _is_cox(res: HazardResults) -> bool:
    return res.model.startswith("Cox")


def regression_table(
    results: HazardResults | Sequence[HazardResults],
    *,
    labels: Sequence[str] | None = None,
    stat: Stat = "coef",
    uncertainty: Uncertainty = "se",
    level: float = 0.95,
    layout: Layout = "stacked",
    stars: bool | Sequence[float] = False,
    term_labels: Mapping[str, str] | None = None,
    keep: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
    baseline: bool = True,
    digits: int = 3,
    title: str | None = None,
) -> RegressionTable:
    """Put one or several fitted hazard models side by side.

    Parameters
    ----------
    results : HazardResults or sequence of HazardResults
        Discrete-time, Cox and parametric results may be mixed.
    labels : sequence of str, optional
        Column headings, one per model (default ``"(1)"``, ``"(2)"``, ...).
    stat : {"coef", "exp"}, default "coef"
        Coefficients, or ``exp(coef)``: hazard ratios (Cox, piecewise-exponential,
        Weibull, cloglog) or odds ratios (logit); refused for probit. With ``"exp"``
        only covariates are shown (the intercept, time terms and shape parameters
        have no ratio interpretation) and a ``Statistic`` row names the ratio.
    uncertainty : {"se", "ci"}, default "se"
        Standard errors in parentheses, or ``level`` confidence intervals in brackets.
    level : float, default 0.95
        Confidence level of the intervals (``uncertainty="ci"``).
    layout : {"stacked", "beside"}, default "stacked"
        Uncertainty beneath the estimate (one extra row per term) or beside it.
    stars : bool or sequence of float, default False
        Significance stars: ``True`` for ``(0.05, 0.01, 0.001)``, or the thresholds
        (one star per threshold passed). The footer states them.
    term_labels : mapping, optional
        Display names for terms, e.g. ``{"regional": "Regional adoption share"}``.
    keep, drop : sequence of str, optional
        Show only the terms in ``keep`` / hide the terms in ``drop`` (exact names).
    order : sequence of str, optional
        Terms listed first, in this order; the others follow in order of appearance.
    baseline : bool, default True
        Show the baseline terms (intercept, time terms, period effects, Weibull
        shape). ``False`` hides them and the footer says so.
    digits : int, default 3
        Decimals of estimates, uncertainties and fit statistics.
    title : str, optional

    Returns
    -------
    RegressionTable
        With ``as_text()``, ``as_markdown()``, ``as_latex()``, ``as_html()`` and
        ``to_frame()``; ``str()`` gives the text rendering.

    Raises
    ------
    SpecificationError
        Empty ``results``, items that are not results, labels of the wrong length,
        unknown option values or term names, ``stat="exp"`` for a probit model.

    Notes
    -----
    With ``b`` the coefficient, ``s`` its standard error and ``z = Phi^{-1}((1 +
    level) / 2)``: ``stat="coef"`` prints ``b``, ``(s)`` or ``[b - z s, b + z s]``;
    ``stat="exp"`` prints ``exp(b)``, ``(exp(b) s)`` (delta method) or
    ``[exp(b - z s), exp(b + z s)]``. Stars compare the two-sided p-value of ``b = 0``
    with the thresholds (``p < threshold``). Every model's notes (rows and units
    dropped, and why) are listed once, numbered, with the models they concern.

    Examples
    --------
    >>> import diffusion as d
    >>> rs = d.simulate.world(seed=1, n_units=60).risk_set()
    >>> logit = d.DiscreteTimeHazard.from_formula("event ~ x1 + regional", rs,
    ...                                          link="logit", time="cubic").fit()
    >>> cox = d.CoxHazard.from_formula("event ~ x1 + regional", rs).fit()
    >>> table = d.report.regression_table([logit, cox], labels=["Logit", "Cox"],
    ...                                   stat="exp", stars=True)
    >>> table.to_frame().loc["Statistic"].tolist()
    ['odds ratio', 'hazard ratio']
    >>> print(table.as_latex())  # doctest: +SKIP
    """
    models = check_results(results)
    cols = check_labels(labels, len(models))
    stat = check_option(stat, STATS, name="stat")
    uncertainty = check_option(uncertainty, UNCERTAINTIES, name="uncertainty")
    layout = check_option(layout, LAYOUTS, name="layout")
    level = _check_level(level)
    thresholds = _check_stars(stars)
    digits = _check_digits(digits)
    if not isinstance(baseline, bool):
        raise SpecificationError(f"baseline must be True or False, got {show(baseline)}.")
    if title is not None and not isinstance(title, str):
        raise SpecificationError(f"title must be a string, got {type(title).__name__}.")
    keep_l, drop_l, order_l = (_check_names(keep, "keep"), _check_names(drop, "drop"),
                               _check_names(order, "order"))
    if term_labels is not None and not (isinstance(term_labels, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in term_labels.items())):
        raise SpecificationError("term_labels must map term names (str) to labels (str).")

    ratios = [ratio_name(r) for r in models] if stat == "exp" else []
    hidden_baseline = stat == "exp" or not baseline
    shown: list[list[str]] = []
    for res in models:
        base = set(baseline_terms(res)) if hidden_baseline else set()
        shown.append([t for t in res.terms if t not in base])
    all_terms = list(dict.fromkeys(t for terms in models for t in terms.terms))
    terms = list(dict.fromkeys(t for s in shown for t in s))

    for name, given in (("keep", keep_l), ("drop", drop_l), ("order", order_l)):
        unknown = [t for t in (given or []) if t not in all_terms]
        if unknown:
            raise SpecificationError(
                f"{name} names term(s) {preview(unknown)} that no model has; the terms are "
                f"{preview(all_terms, 12)}."
            )
    if term_labels is not None:
        unknown = [t for t in term_labels if t not in all_terms]
        if unknown:
            raise SpecificationError(
                f"term_labels names term(s) {preview(unknown)} that no model has; the terms "
                f"are {preview(all_terms, 12)}."
            )
    if drop_l:
        terms = [t for t in terms if t not in drop_l]
    if keep_l is not None:
        terms = [t for t in terms if t in keep_l]
    if order_l:
        first = [t for t in order_l if t in terms]
        terms = first + [t for t in terms if t not in first]
    if not terms:
        raise SpecificationError(
            "no term is left to show after keep/drop"
            + (" and hiding the baseline terms" if hidden_baseline else "")
            + f"; the terms are {preview(all_terms, 12)}."
        )
    display = {t: (term_labels or {}).get(t, t) for t in terms}
    dup = [lab for lab in set(display.values()) if list(display.values()).count(lab) > 1]
    if dup:
        raise SpecificationError(f"term_labels give several terms the same label: {preview(dup)}.")

    estimates = _estimate_rows(models, shown, terms, display, stat=stat,
                               uncertainty=uncertainty, level=level, layout=layout,
                               thresholds=thresholds, digits=digits)
    facts = _fact_rows(models, ratios, digits)
    footer = _footer(models, cols, stat=stat, uncertainty=uncertainty, level=level,
                     thresholds=thresholds, hidden_baseline=hidden_baseline,
                     baseline_hidden_by_option=not baseline and stat != "exp")
    return RegressionTable(title, tuple(cols), tuple(estimates), tuple(facts), tuple(footer),
                           _notes(models, cols))


def _estimate_rows(models, shown, terms, display, *, stat, uncertainty, level, layout,
                   thresholds, digits) -> list[Row]:
    from scipy import stats as sps

    q = float(sps.norm.ppf(0.5 + level / 2))
    est: dict[str, list[Cell]] = {t: [] for t in terms}
    unc: dict[str, list[Cell]] = {t: [] for t in terms}
    for res, visible in zip(models, shown):
        b, se, p = res.params, res.std_errors, res.p_values
        for t in terms:
            if t not in visible:
                est[t].append(Cell(""))
                unc[t].append(Cell(""))
                continue
            bt, st = float(b[t]), float(se[t])
            value = np.exp(bt) if stat == "exp" else bt
            if uncertainty == "se":
                # delta method for exp(b): se(exp(b)) = exp(b) se(b) (Stata eform)
                u = f"({_number(value * st if stat == 'exp' else st, digits)})"
            else:
                lo, hi = bt - q * st, bt + q * st
                if stat == "exp":
                    lo, hi = np.exp(lo), np.exp(hi)
                u = f"[{_number(lo, digits)}, {_number(hi, digits)}]"
            n_stars = sum(float(p[t]) < th for th in thresholds)
            stars = "*" * n_stars
            if layout == "stacked":
                est[t].append(Cell(_number(value, digits), stars))
                unc[t].append(Cell(u))
            else:
                est[t].append(Cell(_number(value, digits), stars, u))
    rows = []
    for t in terms:
        rows.append(Row(display[t], tuple(est[t]), "estimate"))
        if layout == "stacked":
            rows.append(Row("", tuple(unc[t]), "uncertainty"))
    return rows


def _fact_rows(models, ratios, digits) -> list[Row]:
    def row(label: str, values) -> Row:
        return Row(label, tuple(Cell(v) for v in values), "fact")

    def se_text(r: HazardResults) -> str:
        if r.cov_type == "cluster":
            return f"cluster: {r.cluster} (G={r.n_clusters})"
        return r.cov_type

    rows = [row("Model", [r.model for r in models])]
    if ratios:
        rows.append(row("Statistic", ratios))
    rows += [
        row("Dependent", [r.dependent for r in models]),
        row("Time", [r.time_term or "none" for r in models]),
        row("Std. errors", [se_text(r) for r in models]),
        row("Observations", [f"{r.n_obs:,}" for r in models]),
        row("Events", [f"{r.n_events:,}" for r in models]),
        row("Units", [f"{r.n_units:,}" for r in models]),
        row("Log-likelihood", [_number(r.loglik, digits) for r in models]),
        row("AIC", [_number(r.aic, digits) for r in models]),
    ]
    if not all(r.converged for r in models):
        rows.append(row("Converged", ["yes" if r.converged else "NO" for r in models]))
    return rows


def _footer(models, cols, *, stat, uncertainty, level, thresholds, hidden_baseline,
            baseline_hidden_by_option) -> list[str]:
    out = []
    what = "exp(coef)" if stat == "exp" else "coefficients"
    if uncertainty == "se":
        text = "Standard errors in parentheses"
        if stat == "exp":
            text += " (delta method: exp(b) * se(b))"
    else:
        text = f"{100 * level:g}% confidence intervals in brackets"
        if stat == "exp":
            text += " (exp of the Wald interval of b)"
    out.append(f"{what.capitalize()}; {text[0].lower() + text[1:]}.")
    if thresholds:
        legend = ", ".join(f"{'*' * (k + 1)} p<{th:g}" for k, th in enumerate(thresholds))
        out.append(f"{legend} (two-sided z tests of coef = 0).")
    if hidden_baseline and any(baseline_terms(r) for r in models):
        why = ("they have no ratio interpretation" if not baseline_hidden_by_option
               else "baseline=False")
        out.append(f"Baseline terms (intercept, time terms, shape) are not shown: {why}.")
    deps = [r.dependent for r in models]
    if len(set(deps)) > 1:
        which = "; ".join(f"{show(dep)} in {', '.join(c for c, d in zip(cols, deps) if d == dep)}"
                          for dep in dict.fromkeys(deps))
        out.append(f"Warning: the models explain different dependent events ({which}); "
                   f"their coefficients and fit statistics are not comparable.")
    cox = [_is_cox(r) for r in models]
    if any(cox) and not all(cox):
        out.append("Cox models report the log partial likelihood: log-likelihoods and AICs "
                   "are not comparable between Cox and the other models.")
    return out


def _notes(models, cols) -> tuple[str, ...]:
    seen: dict[str, list[str]] = {}
    for res, col in zip(models, cols):
        for n in res.notes:
            seen.setdefault(str(n), [])
            if col not in seen[str(n)]:
                seen[str(n)].append(col)
    out = []
    for text, where in seen.items():
        if len(models) > 1 and len(where) < len(models):
            text = f"In {', '.join(where)}: {text}"
        out.append(text)
    return tuple(out)
