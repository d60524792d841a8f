"""diffusion._progress.progress: every item, in order; a bar only when someone watches."""

from __future__ import annotations

import io
import sys

import pytest

from diffusion._progress import progress, progress_enabled
from diffusion.errors import SpecificationError


class _Terminal(io.StringIO):
    """A stand-in for stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_disabled_yields_every_item_and_prints_nothing(capfd):
    items = list(range(50))
    assert list(progress(items, desc="fits", enabled=False)) == items
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_not_a_terminal_is_silent_by_default(capfd):
    # under pytest stderr is captured, hence not a tty: auto mode must stay silent
    assert not sys.stderr.isatty()
    assert progress_enabled(None) is False
    gen = (x * x for x in range(20))
    assert list(progress(gen, total=20, desc="permutations")) == [x * x for x in range(20)]
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_terminal_gets_a_bar(monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert progress_enabled(None) is True
    assert list(progress(range(7), desc="simulations")) == list(range(7))
    text = fake.getvalue()
    assert "simulations" in text and "/7 [" in text  # tqdm's "n/total [elapsed..." bar


def test_forced_bar_when_not_a_terminal(monkeypatch):
    fake = io.StringIO()
    monkeypatch.setattr(sys, "stderr", fake)
    assert list(progress(iter("abc"), total=3, desc="bootstrap", enabled=True)) == ["a", "b", "c"]
    assert "bootstrap" in fake.getvalue()


def test_enabled_false_beats_a_terminal(monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    assert list(progress([1, 2, 3], enabled=False)) == [1, 2, 3]
    assert fake.getvalue() == ""


def test_abandoned_iteration_closes_cleanly(monkeypatch):
    fake = _Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    it = progress(range(100), desc="fits")
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    it.close()  # the bar is closed in the generator's finally clause
    assert list(progress([], enabled=True)) == []


def test_closed_stderr_is_not_a_terminal(monkeypatch):
    fake = io.StringIO()
    fake.close()  # isatty() on a closed stream raises ValueError
    monkeypatch.setattr(sys, "stderr", fake)
    assert progress_enabled(None) is False
    monkeypatch.setattr(sys, "stderr", None)  # pythonw: no stderr at all
    assert progress_enabled(None) is False


def test_bad_enabled_is_refused_at_once():
    with pytest.raises(SpecificationError, match="progress must be True, False or None"):
        progress([1], enabled="yes")  # type: ignore[arg-type]
