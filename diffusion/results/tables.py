"""Plain renderers for reports made of a few tables: model comparisons, break searches,
the top-down test.

A :class:`Report` holds plain data -- a title, facts, named tables and notes -- and only
formats it as text or Markdown. Estimation code builds the tables; nothing here computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Report", "Reported", "format_value"]


def format_value(value: object) -> str:
    """One cell: integers as such, floats with four decimals (tiny ones in scientific
    notation), missing values as ``-``."""
    if value is None or value is pd.NA:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "-"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        if v != 0 and abs(v) < 5e-4:
            return f"{v:.3e}"
        return f"{v:.4f}"
    return str(value)


def _formatted(table: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=[str(i) for i in table.index])
    for c in table.columns:
        out[str(c)] = [format_value(v) for v in table[c].tolist()]
    return out


@dataclass(frozen=True)
class Report:
    """Title, facts, named tables and notes, rendered as text or Markdown."""

    title: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[tuple[str, pd.DataFrame], ...]
    notes: tuple[str, ...] = ()

    def as_text(self) -> str:
        """Fixed-width text, for the console."""
        width = 78
        lines = [self.title.center(width), "=" * width]
        lines += [f"{k + ':':<24}{v}" for k, v in self.facts]
        for heading, table in self.sections:
            lines += ["-" * width, heading, ""]
            lines.append(_formatted(table).to_string())
        lines.append("=" * width)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  [{i + 1}] {n}" for i, n in enumerate(self.notes))
        return "\n".join(lines)

    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown (facts as a list, one pipe table per section)."""
        parts = [f"**{self.title}**", ""]
        parts += [f"- **{k}**: {v}" for k, v in self.facts]
        for heading, table in self.sections:
            f = _formatted(table)
            name = table.index.name or ""
            parts += ["", f"*{heading}*", "",
                      f"| {name} | " + " | ".join(f.columns) + " |",
                      "|---|" + "---:|" * len(f.columns)]
            parts += [f"| {i} | " + " | ".join(r) + " |" for i, r in zip(f.index, f.to_numpy())]
        if self.notes:
            parts += ["", "Notes:", ""] + [f"{i + 1}. {n}" for i, n in enumerate(self.notes)]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()


class Reported:
    """Text and Markdown of an object whose ``summary()`` returns a :class:`Report`."""

    def summary(self) -> Report:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def as_text(self) -> str:
        return self.summary().as_text()

    def as_markdown(self) -> str:
        return self.summary().as_markdown()

    def __str__(self) -> str:
        return self.as_text()
