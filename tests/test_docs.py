"""The documentation site: it builds without warnings, covers every public module, and
its examples run.

* ``mkdocs build --strict`` (skipped when mkdocs or mkdocstrings is not installed: the
  ``docs`` extra). Strict mode turns every warning into an error: a docstring griffe
  cannot parse, a cross-reference or page link that leads nowhere, a page missing from
  the navigation.
* Every public module of ``diffusion`` (no path component starting with ``_``) has a
  ``::: diffusion.<module>`` line on an API page, so a new module cannot be left out.
* The examples of the README and the guide are executed, in the order of the page and
  in one namespace per page, so every name a block uses is defined on the page: ```` ```pycon ```` blocks are doctests whose
  printed values were computed by hand in the text (small tables, each value explained
  in the prose), ```` ```python ```` blocks must run without error (their outputs are
  illustrations, shown in ```` ```text ```` blocks and not checked).
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "diffusion"

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_DIRECTIVE = re.compile(r"^:::[ \t]+([\w.]+)", re.MULTILINE)


def _blocks(page: Path, lang: str) -> list[tuple[int, str]]:
    """Fenced blocks of ``lang`` in ``page``, with their first line number."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m["body"])
            for m in _FENCE.finditer(text) if m["lang"] == lang]


def _guide_pages() -> list[Path]:
    """The README and every page of the site except the generated API pages."""
    pages = sorted(p for p in DOCS.rglob("*.md") if "api" not in p.relative_to(DOCS).parts)
    return [ROOT / "README.md", *pages]


def _has_mkdocs() -> bool:
    try:
        return all(importlib.util.find_spec(m) is not None
                   for m in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python"))
    except ImportError:  # find_spec imports the parent of a dotted name
        return False


@pytest.mark.skipif(not _has_mkdocs(), reason='needs the docs extra: pip install ".[docs]"')
def test_site_builds_strictly(tmp_path: Path) -> None:
    # a separate process: mkdocs' own deprecation warnings are not our tests' business,
    # and its logging setup stays out of pytest's
    proc = subprocess.run(
        # no --quiet: it raises the log level above WARNING, and strict mode then
        # has no warnings to count
        [sys.executable, "-m", "mkdocs", "build", "--strict",
         "--config-file", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    page = (tmp_path / "site" / "api" / "data" / "index.html").read_text(encoding="utf-8")
    # the API pages are generated from the docstrings (not empty shells), and the
    # griffe extension turned the reST roles into links
    assert 'id="diffusion.data.riskset.RiskSet.from_events"' in page
    assert ":class:`" not in page and ":meth:`" not in page


def _public_modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1] == "__main__" or any(p.startswith("_") for p in parts):
            continue
        found.add(".".join(parts))
    return found


def test_every_public_module_has_an_api_page() -> None:
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented.update(_DIRECTIVE.findall(page.read_text(encoding="utf-8")))
    missing = sorted(_public_modules() - documented)
    assert not missing, (
        f"public module(s) without API documentation: {', '.join(missing)}. Add a line "
        f"'::: <module>' to the page of its stage in docs/api/ (see docs/api/index.md).")
    assert "diffusion.data.riskset" in documented  # the scan itself works


#: pages whose examples run long simulations (about 10 s): CI runs them with the slow set
_SLOW_PAGES = {"power.md"}


@pytest.mark.parametrize("page", [
    pytest.param(p, marks=pytest.mark.slow) if p.name in _SLOW_PAGES else p
    for p in _guide_pages()], ids=lambda p: str(p.relative_to(ROOT)))
def test_guide_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doctests = _blocks(page, "pycon")
    scripts = _blocks(page, "python")
    if not doctests and not scripts:
        pytest.skip("no examples on this page")
    monkeypatch.chdir(tmp_path)  # examples may write figures
    import matplotlib

    matplotlib.use("Agg")
    if doctests:
        # one doctest per block, sharing one namespace, so failures name the page line
        runner = doctest.DocTestRunner(
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        parser = doctest.DocTestParser()
        globs: dict[str, object] = {"__name__": "__docs__"}
        out: list[str] = []
        for line, body in doctests:
            test = parser.get_doctest(body, globs, page.name, str(page), line - 1)
            runner.run(test, out=out.append, clear_globs=False)
            globs.update(test.globs)  # DocTest works on a copy of the namespace
        assert runner.failures == 0, "".join(out)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, body in scripts:
        try:
            exec(compile(body, f"{page.name}:{line}", "exec"), namespace)  # noqa: S102
        except Exception as exc:  # noqa: BLE001 - any failure, reported with the page line
            pytest.fail(f"{page.relative_to(ROOT)}, block at line {line}: "
                        f"{type(exc).__name__}: {exc}")
    import matplotlib.pyplot as plt

    plt.close("all")
