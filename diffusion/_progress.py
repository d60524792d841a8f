"""Progress bars for work that takes more than a few seconds (many fits, simulations).

One helper, :func:`progress`, wraps an iterable in a tqdm bar written to standard
error, and is silent unless a person is watching: by default the bar is shown only
when standard error is a terminal, so logs, pipes, CI runs, pytest and notebooks
(whose stderr is not a tty) get no bar characters. Library functions that loop over
many fits take a keyword ``progress: bool | None = None`` and pass it on as
``enabled``:

* ``None`` (default): a bar when standard error is a terminal;
* ``False``: never a bar;
* ``True``: always a bar (on standard error), even when it is not a terminal.

Examples
--------
>>> from diffusion._progress import progress
>>> sum(x for x in progress(range(5), desc="fits", enabled=False))
10
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress", "progress_enabled"]

T = TypeVar("T")


def progress_enabled(enabled: bool | None = None) -> bool:
    """Whether a bar would be shown: ``enabled``, or (when None) stderr is a terminal."""
    if enabled is not None:
        if not isinstance(enabled, bool):
            from diffusion.errors import SpecificationError

            raise SpecificationError(
                f"progress must be True, False or None, got {enabled!r}.")
        return enabled
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def progress(
    iterable: Iterable[T],
    *,
    total: int | None = None,
    desc: str | None = None,
    enabled: bool | None = None,
) -> Iterator[T]:
    """Yield every item of ``iterable``, drawing a progress bar on stderr when enabled.

    Parameters
    ----------
    iterable : iterable
        The work items (e.g. replications, permutations, bootstrap draws).
    total : int, optional
        Number of items, for iterables without ``len`` (generators).
    desc : str, optional
        Label shown before the bar, e.g. ``"permutations"``.
    enabled : bool or None, default None
        ``None``: a bar only when stderr is a terminal; ``False``: none; ``True``:
        always.

    Returns
    -------
    iterator
        The items of ``iterable``, in order, each exactly once. The bar is closed
        (and removed from the terminal) when the iteration ends or is abandoned.

    Examples
    --------
    >>> from diffusion._progress import progress
    >>> [x * 2 for x in progress([1, 2, 3], enabled=False)]
    [2, 4, 6]
    """
    show = progress_enabled(enabled)  # checked now, not at the first item
    if not show:
        return iter(iterable)
    return _bar(iterable, total, desc)


def _bar(iterable: Iterable[T], total: int | None, desc: str | None) -> Iterator[T]:
    from tqdm import tqdm

    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    bar = tqdm(iterable, total=total, desc=desc, file=sys.stderr, leave=False,
               dynamic_ncols=True, mininterval=0.2)
    try:
        yield from bar
    finally:
        bar.close()
