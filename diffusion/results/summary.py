"""Summary of one result, rendered as text, Markdown, LaTeX or HTML.

A :class:`Summary` holds plain data (a header of facts, a coefficient table, the
notes); the renderers only format it. Multi-model tables live in ``diffusion.report``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Summary"]


def _number(v: float) -> str:
    """Four decimals, or scientific notation for tiny non-zero values (cubic time terms)."""
    if v != 0 and abs(v) < 5e-4:
        return f"{v:.3e}"
    return f"{v:.4f}"


@dataclass(frozen=True)
class Summary:
    """Facts, coefficient table and notes of one result."""

    title: str
    facts: tuple[tuple[str, str], ...]
    table: pd.DataFrame
    notes: tuple[str, ...]

    @classmethod
    def from_results(cls, res, *, level: float = 0.95) -> Summary:
        ci = res.conf_int(level)
        pct = f"{100 * level:g}%"
        columns = {"coef": res.params}
        if res.extra.get("proportional_hazards"):
            # as R's print.coxph: the hazard ratio beside the coefficient
            columns["exp(coef)"] = np.exp(res.params)
        table = pd.DataFrame({
            **columns,
            "std err": res.std_errors,
            "z": res.z_stats,
            "P>|z|": res.p_values,
            f"[{pct}": ci["lower"],
            f"{pct}]": ci["upper"],
        })
        if res.cov_type == "cluster":
            se = f"cluster({res.cluster}), G={res.n_clusters}"
        else:
            se = res.cov_type
        if res.cov_type != "classic" and res.extra.get("score_residuals") == "breslow":
            se += " (Breslow residuals, as R)"
        facts = [
            ("Model", res.model),
            ("Dependent", res.dependent),
            ("Observations", f"{res.n_obs}"),
            ("Events", f"{res.n_events}"),
            ("Units", f"{res.n_units}"),
            ("Log-likelihood", f"{res.loglik:.4f}"),
            ("AIC", f"{res.aic:.3f}"),
            ("BIC", f"{res.bic:.3f}"),
            ("Std. errors", se),
            ("Information", res.information),
            ("Small-sample", _small_sample_label(res)),
            # always shown: a model without time terms assumes a hazard constant over
            # time, which the reader should see rather than infer from an absent line
            ("Time", res.time_term or "none (constant hazard)"),
        ]
        if not res.converged:
            facts.append(("Converged", "NO"))
        return cls(f"{res.model} hazard model", tuple(facts), table,
                   tuple(str(n) for n in res.notes))

    # ------------------------------------------------------------ renderers
    def _formatted(self) -> pd.DataFrame:
        out = self.table.copy()
        for c in out.columns:
            out[c] = out[c].map(_number)
        return out

    def as_text(self) -> str:
        width = 78
        lines = [self.title.center(width), "=" * width]
        half = (len(self.facts) + 1) // 2
        left, right = self.facts[:half], self.facts[half:]
        for i in range(half):
            a = f"{left[i][0] + ':':<16}{left[i][1]:>22}"
            b = f"{right[i][0] + ':':<16}{right[i][1]:>22}" if i < len(right) else ""
            lines.append(f"{a}  {b}".rstrip())
        lines.append("-" * width)
        lines.append(self._formatted().to_string())
        lines.append("=" * width)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  [{i + 1}] {n}" for i, n in enumerate(self.notes))
        return "\n".join(lines)

    def as_markdown(self) -> str:
        f = self._formatted()
        head = "| term | " + " | ".join(f.columns) + " |"
        sep = "|---|" + "---:|" * len(f.columns)
        rows = [f"| {t} | " + " | ".join(r) + " |" for t, r in zip(f.index, f.to_numpy())]
        facts = [f"- **{k}**: {v}" for k, v in self.facts]
        notes = [f"{i + 1}. {n}" for i, n in enumerate(self.notes)]
        parts = [f"**{self.title}**", "", *facts, "", head, sep, *rows]
        if notes:
            parts += ["", "Notes:", "", *notes]
        return "\n".join(parts)

    def as_latex(self) -> str:
        f = self._formatted()

        def esc(s: str) -> str:
            for a, b in [("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                         ("#", r"\#"), ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}")]:
                s = s.replace(a, b)
            return s

        cols = "l" + "r" * len(f.columns)
        lines = [r"\begin{tabular}{" + cols + "}", r"\hline",
                 " & ".join(["term", *map(esc, f.columns)]) + r" \\", r"\hline"]
        lines += [" & ".join([esc(str(t)), *r]) + r" \\" for t, r in zip(f.index, f.to_numpy())]
        lines += [r"\hline"]
        lines += [" & ".join([esc(k), r"\multicolumn{" + str(len(f.columns)) + "}{r}{" + esc(v) + "}"])
                  + r" \\" for k, v in self.facts]
        lines += [r"\hline", r"\end{tabular}"]
        return "\n".join(lines)

    def as_html(self) -> str:
        f = self._formatted()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in ["term", *f.columns])
        body = "".join("<tr><td>" + html.escape(str(t)) + "</td>"
                       + "".join(f"<td>{v}</td>" for v in r) + "</tr>"
                       for t, r in zip(f.index, f.to_numpy()))
        facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                        for k, v in self.facts)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<div class='diffusion-summary'><h4>{html.escape(self.title)}</h4>"
                f"<table>{facts}</table><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>" + (f"<ol>{notes}</ol>" if notes else "")
                + "</div>")

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def _small_sample_label(res) -> str:
    """The small-sample factor in words: which convention, and the factor it applies.

    R's ``sandwich`` HC1 factors (N/(N-K) robust, G/(G-1)(N-1)/(N-K) cluster) for the
    binary-response and parametric models; R ``coxph`` applies none to the Cox robust
    variance. Stata applies N/(N-1) or G/(G-1).
    """
    if res.cov_type == "classic":
        return "-"
    if res.small_sample == "none":
        return "none (HC0)"
    if res.small_sample == "stata":
        return "Stata (G/(G-1))" if res.cov_type == "cluster" else "Stata (N/(N-1))"
    if res.extra.get("proportional_hazards"):
        return "R coxph (none)"
    return "R sandwich (HC1)"
