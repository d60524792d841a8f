"""What a replication returns: the published claims beside our estimates.

A :class:`Replication` holds the fitted results, the claims of the published study
(each tied to one term, with the direction the study reported) and the notes on the
data. A claim is *reproduced* when our estimate has the published sign and its
two-sided p-value is below 0.05; otherwise the table says plainly that it is not.
Specifications are fixed in advance from the published design, never tuned toward
the published sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from diffusion.results.hazard import HazardResults

__all__ = ["Claim", "Replication"]

ALPHA = 0.05


@dataclass(frozen=True)
class Claim:
    """One published finding tied to one term of one of our models."""

    term: str
    statement: str
    sign: int  # +1 or -1: the direction the study reported
    model: str = "main"


@dataclass(frozen=True, eq=False)
class Replication:
    """Published claims, our estimates, and the verdicts."""

    name: str
    title: str
    citation: str
    design: str
    claims: tuple[Claim, ...]
    results: dict[str, HazardResults] = field(repr=False)
    data_notes: tuple[str, ...] = ()
    figure: Any = field(default=None, repr=False)

    @property
    def main(self) -> HazardResults:
        return self.results["main"]

    def verdicts(self) -> pd.DataFrame:
        """One row per claim: published direction, estimate, SE, p-value, verdict."""
        rows = []
        for c in self.claims:
            res = self.results[c.model]
            est, se, p = res.params[c.term], res.std_errors[c.term], res.p_values[c.term]
            ok = bool(np.sign(est) == c.sign and p < ALPHA)
            rows.append({
                "model": c.model, "term": c.term, "published": c.statement,
                "sign": "+" if c.sign > 0 else "-", "estimate": est, "std_error": se,
                "p_value": p, "reproduced": ok,
            })
        return pd.DataFrame(rows)

    @property
    def reproduced(self) -> bool:
        """Whether every claim is reproduced."""
        return bool(self.verdicts()["reproduced"].all())

    def report(self) -> str:
        """Plain-text report: design, verdict table, model summaries, notes."""
        v = self.verdicts()
        n_ok = int(v["reproduced"].sum())
        lines = [self.title, "=" * len(self.title), self.citation, "", self.design, ""]
        lines.append("Published claim vs our estimate (reproduced = published sign and p < 0.05):")
        for r in v.itertuples():
            verdict = "REPRODUCED" if r.reproduced else "NOT reproduced"
            lines.append(
                f"  [{r.model}] {r.term}: published {r.published} ({r.sign}); ours "
                f"{r.estimate:+.4f} (SE {r.std_error:.4f}, p = {r.p_value:.4f}) -> {verdict}")
        lines.append("")
        lines.append(f"Verdict: {n_ok} of {len(v)} published claims reproduced"
                     + (" -- all of them." if n_ok == len(v) else "."))
        for key, res in self.results.items():
            lines += ["", f"--- model: {key} ---", res.summary().as_text()]
        if self.data_notes:
            lines += ["", "Data notes:"] + [f"  - {n}" for n in self.data_notes]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """Estimates and verdicts as plain JSON-able types."""
        def res_dict(res: HazardResults) -> dict[str, Any]:
            return {"model": res.model, "params": _floats(res.params),
                    "std_errors": _floats(res.std_errors), "p_values": _floats(res.p_values),
                    "n_obs": res.n_obs, "n_events": res.n_events, "n_units": res.n_units,
                    "loglik": float(res.loglik), "notes": [str(n) for n in res.notes]}
        main = res_dict(self.main)
        v = self.verdicts()
        return {
            "name": self.name, "citation": self.citation, **main,
            "models": {k: res_dict(r) for k, r in self.results.items()},
            "claims": [{**{k: (bool(x) if k == "reproduced" else x) for k, x in row.items()}}
                       for row in v.astype(object).to_dict(orient="records")],
            "reproduced": self.reproduced,
            "data_notes": list(self.data_notes),
        }


def _floats(s: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in s.items()}
