"""Cell rendering of regression tables: plain text, Markdown, LaTeX and HTML escapes."""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["Cell", "html_cell", "md", "plain", "tex", "tex_cell", "tex_footer"]


@dataclass(frozen=True)
class Cell:
    """One formatted table cell: a value, its significance stars, a trailing part.

    ``after`` holds the uncertainty when it is printed beside the estimate
    (``layout="beside"``); renderers decide how stars are typeset.
    """

    value: str
    stars: str = ""
    after: str = ""


def plain(c: Cell) -> str:
    return c.value + c.stars + (f" {c.after}" if c.after else "")


def md(s: str) -> str:
    for a, b in [("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("_", "\\_")]:
        s = s.replace(a, b)
    return s


_TEX = [("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"), ("#", r"\#"),
        ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}"), ("~", r"\~{}")]


def tex(s: str) -> str:
    for a, b in _TEX:
        s = s.replace(a, b)
    return s


def _minus(s: str, sign: str) -> str:
    """Typeset the minus of negative numbers (not hyphens in words, not exponents)."""
    out = []
    for i, ch in enumerate(s):
        starts_number = (ch == "-" and i + 1 < len(s) and s[i + 1].isdigit()
                         and (i == 0 or s[i - 1] in " ([,"))
        out.append(sign if starts_number else ch)
    return "".join(out)


def _tex_number(s: str) -> str:
    # a hyphen is not a minus sign in LaTeX text mode
    return _minus(tex(s), "$-$")


def tex_cell(c: Cell) -> str:
    stars = f"$^{{{c.stars}}}$" if c.stars else ""
    after = f" {_tex_number(c.after)}" if c.after else ""
    return _tex_number(c.value) + stars + after


def tex_footer(s: str) -> str:
    # star legends typeset as the cells: "* p<0.05" -> "$^{*}$ p<0.05"
    out = tex(s)
    for k in range(5, 0, -1):
        out = out.replace("*" * k + " p<", f"$^{{{'*' * k}}}$ $p<$")
    return out


def html_cell(c: Cell) -> str:
    def num(s: str) -> str:
        return _minus(html.escape(s), "&minus;")

    stars = f"<sup>{c.stars}</sup>" if c.stars else ""
    after = f" {num(c.after)}" if c.after else ""
    return num(c.value) + stars + after
