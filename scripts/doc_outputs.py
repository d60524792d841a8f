"""Write (or check) the replication outputs shown in the documentation.

A page shows a replication's published-beside-ours table as a ``text`` block preceded by
a marker line::

    <!-- output: replicate lottery -->
    ```text
    ...
    ```

This script runs each named replication on the bundled data and writes its
:meth:`~diffusion.replications.base.Replication.verdict_lines` into the block. With
``--check`` it writes nothing and exits 1 when a block differs from what the code now
prints; ``tests/test_doc_outputs.py`` runs that check, so a changed number in the docs
is a failing test until this script is re-run::

    python scripts/doc_outputs.py            # rewrite the blocks
    python scripts/doc_outputs.py --check    # compare only
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARKER = re.compile(
    r"(?P<head><!-- output: replicate (?P<name>\w+) -->\n```text\n)(?P<body>.*?)(?P<tail>^```)",
    re.MULTILINE | re.DOTALL)


def blocks(pages=PAGES):
    """(page, replication name) of every marked block."""
    for page in pages:
        for m in MARKER.finditer(page.read_text(encoding="utf-8")):
            yield page, m["name"]


def render(pages=PAGES) -> dict[Path, tuple[str, str]]:
    """{page: (current text, text with regenerated blocks)} for the pages with markers."""
    from diffusion import replications

    cache: dict[str, str] = {}

    def body(m: re.Match) -> str:
        name = m["name"]
        if name not in cache:
            cache[name] = "\n".join(replications.run(name).verdict_lines()) + "\n"
        return m["head"] + cache[name] + m["tail"]

    out = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if MARKER.search(text):
            out[page] = (text, MARKER.sub(body, text))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    stale = []
    for page, (old, new) in render().items():
        if old != new:
            stale.append(page.relative_to(ROOT))
            if not args.check:
                page.write_text(new, encoding="utf-8")
    if stale:
        verb = "differ from the code's output" if args.check else "rewritten"
        print(f"{len(stale)} page(s) {verb}: {', '.join(map(str, stale))}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
