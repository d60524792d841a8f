"""The replication outputs shown in the docs are the code's current output.

``scripts/doc_outputs.py`` writes each marked block; this test re-renders every block
and fails when a page differs, so a changed estimate, sample or verdict cannot leave a
stale number in the documentation.
"""

from __future__ import annotations

from pathlib import Path

from _reference import load_module

ROOT = Path(__file__).resolve().parents[1]


def _script():
    return load_module(ROOT / "scripts" / "doc_outputs.py")


def test_pages_show_every_replication():
    from diffusion import replications

    shown = {name for _, name in _script().blocks()}
    assert shown == set(replications.NAMES)


def test_shown_outputs_are_current():
    stale = [str(page.relative_to(ROOT)) for page, (old, new) in _script().render().items()
             if old != new]
    assert not stale, (f"replication output in {', '.join(stale)} differs from the code's; "
                       f"run python scripts/doc_outputs.py and check the prose around it")
