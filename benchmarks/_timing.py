"""The timer shared by the benchmark scripts (imported as a sibling module)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int = 5, *, warm_up: bool = False
          ) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls of ``fn`` and the last result.

    ``warm_up``: one untimed call first (first-touch page faults of large arrays,
    lazy imports), so that every timed call starts from the same state.
    """
    if warm_up:
        fn()
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out
