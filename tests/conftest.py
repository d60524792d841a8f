"""Test-session settings shared by every module.

Slow simulation studies (``@pytest.mark.slow``) are opt-in: a plain ``pytest`` leaves
them out so that the README's test command stays short, ``pytest -m slow`` runs them
(CI does). Any ``-m`` expression given on the command line is used as it is.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.option.markexpr:  # the user chose the markers
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
