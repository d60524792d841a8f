"""Griffe extension: show diffusion's numpydoc docstrings as Sphinx would, in Markdown.

The docstrings are numpydoc, written with Sphinx's reStructuredText habits that
Markdown does not know. This extension rewrites, in the *parsed* docstrings only
(the source files are not touched):

* cross-reference roles -- ``:class:`~diffusion.RiskSet```, ``:meth:`from_events```,
  ``:func:`regional_share``` -- into links to the API pages. A target is resolved as
  Sphinx resolves it (absolute, or relative to the object and its module, including
  imported names) and then to the object that defines it, so ``diffusion.RiskSet``
  links to ``diffusion.data.riskset.RiskSet``. Links are *optional*: a target that
  is not rendered anywhere (``pandas.DataFrame``, a private engine) stays plain code
  instead of breaking the strict build;
* a paragraph ending in ``::`` (a literal block follows) into one ending in ``:``;
* numpydoc definition lists (a term, then its description indented below it, as in
  the package docstrings) into Markdown definition lists (``def_list``).

Parameters, returns, raises and attributes sections are parsed by griffe first, so
their ``name : type`` lines are never mistaken for definition lists.
"""

from __future__ import annotations

import html
import re
from functools import cached_property
from typing import Any

from griffe import (
    Alias,
    AliasResolutionError,
    CyclicAliasError,
    Docstring,
    DocstringSectionAdmonition,
    DocstringSectionExamples,
    DocstringSectionText,
    Extension,
    Module,
    Object,
)

_ROLE = re.compile(
    r":(?:py:)?(?P<role>class|meth|func|mod|attr|data|exc|obj|const):"
    r"`(?:(?P<title>[^`<]+?)\s*<(?P<explicit>[^`>]+)>|(?P<tilde>~?)(?P<target>[^`]+))`"
)
_BULLET = re.compile(r"^([*+-]|\d+[.)])\s")
_TABLE_RULE = re.compile(r"^\s*=+(\s+=+)+\s*$")


def _lookup(obj: Object | Alias, dotted: str) -> Object | Alias | None:
    """Follow ``a.b.c`` through members, starting at ``obj``."""
    current: Any = obj
    for part in dotted.split("."):
        try:
            members = current.members
        except (AliasResolutionError, CyclicAliasError):  # an external package's object
            return None
        if part not in members:
            return None
        current = members[part]
    return current


def _resolve(scope: Object, target: str) -> str:
    """The path of the object that defines ``target`` as seen from ``scope``."""
    found: Object | Alias | None = None
    try:
        found = scope.modules_collection[target]
    except (KeyError, ValueError, AliasResolutionError, CyclicAliasError):
        found = None
    node: Object | None = scope
    while found is None and node is not None:
        found = _lookup(node, target)
        node = node.parent
    if found is None:
        return target
    try:
        final = found.final_target if isinstance(found, Alias) else found
    except (AliasResolutionError, CyclicAliasError):  # pandas, numpy: not loaded
        return found.target_path if isinstance(found, Alias) else target
    return final.path


def _link(scope: Object, match: re.Match[str]) -> str:
    if match["explicit"]:
        target, title = match["explicit"], match["title"]
    else:
        target = match["target"].strip()
        title = target.rsplit(".", 1)[-1] if match["tilde"] else target
    if match["role"] in ("meth", "func"):
        title += "()"
    identifier = _resolve(scope, target)
    return (f'<autoref identifier="{html.escape(identifier)}" optional>'
            f"<code>{html.escape(title)}</code></autoref>")


def _inline(scope: Object, text: str) -> str:
    """Roles and ``::`` (safe anywhere, including parameter descriptions)."""
    text = _ROLE.sub(lambda m: _link(scope, m), text)
    lines = []
    for line in text.split("\n"):
        stripped = line.rstrip()
        if stripped.endswith("::") and not stripped.lstrip().startswith(">>>"):
            body = stripped[:-2]
            if not body.strip():
                continue  # a lone "::" line
            line = body if body.endswith(" ") else body + ":"
            line = line.rstrip()
        lines.append(line)
    return "\n".join(lines)


def _simple_tables(text: str) -> str:
    """reST simple tables (``=====  =====`` rules) as preformatted blocks."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    rules = 0
    for i, line in enumerate(lines):
        is_rule = bool(_TABLE_RULE.match(line))
        if is_rule and not inside:
            if out and out[-1].strip():
                out.append("")
            out.append("```text")
            inside, rules = True, 0
        out.append(line)
        if inside and is_rule:
            rules += 1
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if rules >= 2 and not nxt.strip():
                out.append("```")
                inside = False
    if inside:
        out.append("```")
    return "\n".join(out)


def _definition_lists(text: str) -> str:
    """numpydoc ``term\\n    description`` blocks to Markdown definition lists."""
    lines = _simple_tables(text).split("\n")
    out: list[str] = []
    in_fence = in_definition = skip = False
    for i, line in enumerate(lines):
        if skip:  # the first description line, already written
            skip = False
            continue
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = out[-1] if out else ""
        starts_block = not prev.strip() or _is_rule(prev) or in_definition
        if (not in_fence and line.strip() and not line[0].isspace() and not _BULLET.match(line)
                and not _is_rule(line) and nxt.startswith("    ") and nxt.strip()
                and starts_block):
            if prev.strip():
                out.append("")  # each term starts a block
            out.append(line)
            out.append(":   " + nxt[4:])
            in_definition = skip = True
            continue
        if in_definition and line.startswith("    ") and line.strip():
            out.append(line)
            continue
        in_definition = False
        out.append(line)
    return "\n".join(out)


def _is_rule(line: str) -> bool:
    """A setext heading underline (``-----``) or a rule."""
    return bool(line.strip()) and set(line.strip()) <= set("-=")


def _rewrite(obj: Object, sections: list[Any]) -> list[Any]:
    for section in sections:
        if isinstance(section, DocstringSectionExamples):
            continue
        if isinstance(section, DocstringSectionText):
            section.value = _definition_lists(_inline(obj, section.value))
            continue
        if isinstance(section, DocstringSectionAdmonition):
            # numpydoc sections griffe does not know ("Conventions", "Public API")
            admonition = section.value
            admonition.description = _definition_lists(_inline(obj, admonition.description))
            continue
        values = section.value if isinstance(section.value, list) else [section.value]
        for item in values:
            description = getattr(item, "description", None)
            if isinstance(description, str):
                item.description = _inline(obj, description)
    return sections


class _RewrittenDocstring(Docstring):
    """A docstring whose parsed sections are rewritten, when (and only when) rendered.

    Parsing lazily keeps griffe's warnings to the objects that are documented.
    """

    @cached_property
    def parsed(self) -> list[Any]:
        sections = self.parse()
        return _rewrite(self.parent, sections) if self.parent is not None else sections


def _walk(obj: Object, seen: set[int]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if obj.docstring is not None and type(obj.docstring) is Docstring:
        obj.docstring.__class__ = _RewrittenDocstring
    for member in obj.members.values():
        if isinstance(member, Alias):
            continue
        _walk(member, seen)


class SphinxRoles(Extension):
    """Rewrite reST roles, literal-block markers and definition lists (see module docstring)."""

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        _walk(pkg, set())
