"""What a replication returns: the published numbers and claims beside our estimates.

A :class:`Replication` holds the fitted results, the claims of the published study
(each tied to one term, with the direction the study reported), what the study printed
(:class:`PublishedStudy`: its table, page, model, sample window, N and events, and per
claim a :class:`PublishedEstimate` with the coefficient and its standard error or test
statistic as printed), and the notes on the data.

Verdict rule (fixed; :data:`ALPHA` is pinned by the tests)
-----------------------------------------------------------
A claim is **reproduced** when

1. our estimate has the published sign,
2. its two-sided p-value is below ``ALPHA = 0.05``, and
3. where the study printed a standard error (or a t/z statistic from which one follows,
   ``SE = |coef / t|``), our estimate lies inside the published 95 % interval
   ``coef ± 1.959964 SE``.

Otherwise the table says which of the three failed. A claim of **no effect** (sign 0,
e.g. "adoption was unrelated to GDP") is judged reproduced when ``p >= ALPHA``; that is
weak evidence -- a wide interval also passes -- so the interval is printed beside it. Condition 3 compares coefficients
on the scale the study used; where our model differs in scale (another link, another
time term), the replication's notes say so. Where no table of the study could be read
from public text, the study is marked **sign-only** with the reason
(:attr:`PublishedStudy.sign_only`), and conditions 1-2 decide; no number is ever filled
in from memory. Specifications are fixed in advance from the published design, never
tuned toward the published sign.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from diffusion.results.hazard import HazardResults

__all__ = ["ALPHA", "Claim", "PublishedEstimate", "PublishedStudy", "Replication"]

#: the significance level of the verdict (two-sided)
ALPHA = 0.05
#: the level of the published interval used by the magnitude check
LEVEL = 0.95


@dataclass(frozen=True)
class PublishedEstimate:
    """One coefficient as the study printed it, and where it was read.

    Parameters
    ----------
    term : str
        The variable as printed in the table (e.g. ``"Regional diffusion (5 yr)"``).
    coef : float
        The coefficient as printed.
    se : float, optional
        Its standard error as printed.
    stat : float, optional
        Its t or z statistic as printed, when the table gives no standard error.
    stat_kind : {"t", "z"}, optional
        Which statistic ``stat`` is.
    source : str
        Table, column and page, and the address or file where the number was read.
    """

    term: str
    coef: float
    se: float | None = None
    stat: float | None = None
    stat_kind: Literal["t", "z"] | None = None
    source: str = ""

    @property
    def std_error(self) -> float | None:
        """The printed SE, or ``|coef / stat|`` when only a statistic was printed."""
        if self.se is not None:
            return float(self.se)
        if self.stat not in (None, 0):
            return abs(float(self.coef) / float(self.stat))
        return None

    def interval(self, level: float = LEVEL) -> tuple[float, float] | None:
        """The published Wald interval ``coef ± z SE``, or None without an SE."""
        se = self.std_error
        if se is None:
            return None
        half = float(stats.norm.ppf(0.5 + level / 2)) * se
        return float(self.coef) - half, float(self.coef) + half


@dataclass(frozen=True)
class PublishedStudy:
    """What the published study printed about its design, or why we have no numbers.

    Every number carries its source (``source`` for the study-level numbers; each
    :class:`PublishedEstimate` its own). ``sign_only`` is the reason no table could be
    read; then the claims are judged by sign and significance alone.
    """

    citation: str
    table: str | None = None
    page: str | None = None
    model: str | None = None
    window: str | None = None
    n_obs: int | None = None
    n_events: int | None = None
    n_units: int | None = None
    source: str = ""
    sign_only: str | None = None
    #: facts about the published design read elsewhere (each sentence names its source)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.sign_only is None and not self.source:
            raise ValueError("a PublishedStudy with numbers must say where they were read")

    def to_json(self, estimates: list[dict[str, Any]]) -> dict[str, Any]:
        """The ``published`` block of a replication's JSON: each number with its source."""
        def number(value: object) -> dict[str, Any] | None:
            return None if value is None else {"value": value, "source": self.source}

        return {
            "citation": self.citation,
            "sign_only": self.sign_only is not None,
            "reason": self.sign_only,
            "table": self.table, "page": self.page, "model": self.model,
            "window": number(self.window),
            "n_obs": number(self.n_obs), "n_events": number(self.n_events),
            "n_units": number(self.n_units),
            "source": self.source or None,
            "notes": list(self.notes),
            "estimates": estimates,
        }


@dataclass(frozen=True)
class Claim:
    """One published finding tied to one term of one of our models."""

    term: str
    statement: str
    #: +1 or -1: the direction the study reported; 0: the study reported no effect
    #: (judged reproduced when p >= ALPHA -- weak evidence: absence of significance)
    sign: int
    model: str = "main"
    published: PublishedEstimate | None = None


@dataclass(frozen=True, eq=False)
class Replication:
    """Published claims and numbers, our estimates, and the verdicts."""

    name: str
    title: str
    citation: str
    design: str
    claims: tuple[Claim, ...]
    results: dict[str, HazardResults] = field(repr=False)
    data_notes: tuple[str, ...] = ()
    figure: Any = field(default=None, repr=False)
    published: PublishedStudy | None = None
    #: extra tables printed after the verdicts (e.g. a sensitivity table), by title
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def main(self) -> HazardResults:
        return self.results["main"]

    def verdicts(self) -> pd.DataFrame:
        """One row per claim: published sign and numbers, our estimate, the verdict.

        Columns: ``model``, ``term``, ``published`` (the claim in words), ``sign``,
        ``published_coef``, ``published_se`` (NaN when not printed), ``estimate``,
        ``std_error``, ``p_value``, ``difference`` (ours minus published),
        ``within_published_ci`` (None without a published SE), ``verdict`` (words) and
        ``reproduced`` (bool), by the rule in this module's docstring.
        """
        rows = []
        for c in self.claims:
            res = self.results[c.model]
            est, se, p = res.params[c.term], res.std_errors[c.term], res.p_values[c.term]
            pub = c.published
            interval = pub.interval() if pub is not None else None
            within = None if interval is None else bool(interval[0] <= est <= interval[1])
            if c.sign == 0:  # a claim of no effect
                verdict = ("reproduced (no effect: p >= {:g})".format(ALPHA) if not p < ALPHA
                           else f"not reproduced: an effect at p < {ALPHA:g}")
            elif np.sign(est) != c.sign:
                verdict = "not reproduced: opposite sign"
            elif not p < ALPHA:
                verdict = f"not reproduced: p >= {ALPHA:g}"
            elif within is False:
                verdict = f"not reproduced: outside the published {LEVEL:.0%} interval"
            else:
                verdict = "reproduced"
            rows.append({
                "model": c.model, "term": c.term, "published": c.statement,
                "sign": {1: "+", -1: "-", 0: "0"}[int(c.sign)],
                "published_coef": float(pub.coef) if pub is not None else math.nan,
                "published_se": (pub.std_error if pub is not None and pub.std_error is not None
                                 else math.nan),
                "estimate": est, "std_error": se, "p_value": p,
                "difference": est - pub.coef if pub is not None else math.nan,
                "within_published_ci": within,
                "verdict": verdict, "reproduced": verdict.startswith("reproduced"),
            })
        return pd.DataFrame(rows)

    @property
    def reproduced(self) -> bool:
        """Whether every claim is reproduced."""
        return bool(self.verdicts()["reproduced"].all())

    @property
    def sign_only(self) -> bool:
        """Whether no published number could be read (claims judged by sign and p alone)."""
        return self.published is None or self.published.sign_only is not None

    def comparison(self) -> pd.DataFrame:
        """The published-beside-ours table as printed: one row per claim, strings."""
        v = self.verdicts()

        def published(r: pd.Series) -> str:
            if math.isnan(r["published_coef"]):
                return f"{r['sign']} (sign only)"
            se = "" if math.isnan(r["published_se"]) else f" ({r['published_se']:.3f})"
            return f"{r['published_coef']:+.3f}{se}"

        return pd.DataFrame({
            "claim": [f"[{m}] {t}" for m, t in zip(v["model"], v["term"])],
            "published": v.apply(published, axis=1),
            "ours": [f"{e:+.3f} ({s:.3f})" for e, s in zip(v["estimate"], v["std_error"])],
            "p": [f"{p:.4f}" for p in v["p_value"]],
            "difference": ["-" if math.isnan(d) else f"{d:+.3f}" for d in v["difference"]],
            "verdict": v["verdict"],
        })

    def _published_lines(self) -> list[str]:
        pub = self.published
        if pub is None or pub.sign_only is not None:
            reason = pub.sign_only if pub is not None else "no published table was recorded"
            notes = [line for n in (pub.notes if pub is not None else ())
                     for line in _wrap(f"- {n}", indent="    ")]
            return [*_wrap(f"Published numbers: none (SIGN-ONLY). {reason}"), *notes,
                    f"Claims are judged by sign and p < {ALPHA:g} alone."]
        where = ", ".join(x for x in (pub.table, f"p. {pub.page}" if pub.page else None) if x)
        lines = [f"Published: {where}" + (f"; {pub.model}" if pub.model else "")]
        spec = [f"window {pub.window}" if pub.window else None,
                f"N = {pub.n_obs}" if pub.n_obs is not None else None,
                f"events = {pub.n_events}" if pub.n_events is not None else None,
                f"units = {pub.n_units}" if pub.n_units is not None else None]
        if any(spec):
            lines.append("  published: " + ", ".join(s for s in spec if s))
        m = self.main
        lines.append(f"  ours:      N = {m.n_obs}, events = {m.n_events}, units = {m.n_units}")
        lines += _wrap(f"  read in: {pub.source}", indent="    ")
        lines += [line for n in pub.notes for line in _wrap(f"  - {n}", indent="    ")]
        return lines

    def verdict_lines(self) -> list[str]:
        """The published-beside-ours table and the verdict, as printed by :meth:`report`.

        The documentation shows these lines for every replication; a test regenerates
        them and compares (``scripts/doc_outputs.py``).
        """
        v = self.verdicts()
        n_ok = int(v["reproduced"].sum())
        m = self.main
        return [
            f"ours (main model): N = {m.n_obs}, events = {m.n_events}, units = {m.n_units}",
            *_columns(self.comparison()),
            f"Verdict: {n_ok} of {len(v)} published claims reproduced"
            + (" -- all of them." if n_ok == len(v) else "."),
        ]

    def report(self) -> str:
        """Plain-text report: design, published beside ours, verdicts, summaries, notes."""
        v = self.verdicts()
        lines = [self.title, "=" * len(self.title), *_wrap(self.citation), "",
                 *_wrap(self.design), ""]
        lines += self._published_lines()
        lines.append("")
        rule = (f"reproduced = published sign, p < {ALPHA:g}"
                + ("" if self.sign_only else f", and inside the published {LEVEL:.0%} interval "
                   "where an SE was printed"))
        lines += _wrap(f"Published claim beside our estimate ({rule}):")
        table = self.verdict_lines()
        lines += table[1:-1]
        lines.append("")
        lines.append("Claims:")
        lines += [f"  [{r.model}] {r.term}: {r.published} ({r.sign})" for r in v.itertuples()]
        lines.append("")
        lines.append(table[-1])
        for title, table in self.tables.items():
            lines += ["", title, table.to_string()]
        for key, res in self.results.items():
            lines += ["", f"--- model: {key} ---", res.summary().as_text()]
        if self.data_notes:
            lines += ["", "Data notes:"] + [f"  - {n}" for n in self.data_notes]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Estimates, verdicts and the ``published`` block as plain JSON-able types."""
        def res_dict(res: HazardResults) -> dict[str, Any]:
            return {"model": res.model, "params": _floats(res.params),
                    "std_errors": _floats(res.std_errors), "p_values": _floats(res.p_values),
                    "n_obs": res.n_obs, "n_events": res.n_events, "n_units": res.n_units,
                    "loglik": float(res.loglik), "notes": [str(n) for n in res.notes]}
        main = res_dict(self.main)
        v = self.verdicts()
        estimates = [
            {"claim": f"[{c.model}] {c.term}", "term_as_printed": c.published.term,
             "coef": float(c.published.coef),
             "se": None if c.published.se is None else float(c.published.se),
             "stat": None if c.published.stat is None else float(c.published.stat),
             "stat_kind": c.published.stat_kind, "source": c.published.source}
            for c in self.claims if c.published is not None]
        published = (self.published.to_json(estimates) if self.published is not None else
                     {"citation": self.citation, "sign_only": True,
                      "reason": "no published table was recorded", "estimates": []})
        return {
            "name": self.name, "citation": self.citation, **main,
            "models": {k: res_dict(r) for k, r in self.results.items()},
            "claims": [_plain(row) for row in v.astype(object).to_dict(orient="records")],
            "reproduced": self.reproduced,
            "published": published,
            "tables": {t: _plain_table(df) for t, df in self.tables.items()},
            "data_notes": list(self.data_notes),
        }


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, width=88, subsequent_indent=indent) or [""]


def _columns(table: pd.DataFrame) -> list[str]:
    """A table of strings, left-aligned, two spaces between columns."""
    widths = {c: max(len(c), *(len(str(x)) for x in table[c])) for c in table.columns}
    head = "  ".join(c.ljust(widths[c]) for c in table.columns).rstrip()
    rows = ["  ".join(str(x).ljust(widths[c]) for c, x in zip(table.columns, r)).rstrip()
            for r in table.itertuples(index=False)]
    return ["  " + line for line in (head, *rows)]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, x in row.items():
        if isinstance(x, (bool, np.bool_)):
            out[k] = bool(x)
        elif isinstance(x, (float, np.floating)):
            out[k] = None if math.isnan(x) else float(x)
        else:
            out[k] = x
    return out


def _plain_table(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [_plain(r) for r in df.reset_index().astype(object).to_dict(orient="records")]


def _floats(s: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in s.items()}
