"""Independent replications, seeded and run in parallel (private).

:func:`replicate` runs a task on the children of ``numpy.random.SeedSequence(seed)``,
with joblib and a progress bar; results do not depend on the number of workers.
Shared by :func:`diffusion.permutation_test` and :func:`diffusion.simulate.power`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from diffusion._progress import progress as progress_bar
from diffusion.data.checks import show
from diffusion.errors import SpecificationError

__all__ = ["replicate", "check_seed", "check_n_jobs"]


def check_seed(seed: Any) -> int:
    """A seed must be given explicitly, as a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecificationError(
            f"seed must be a non-negative integer (simulations and permutations are "
            f"reproducible), got {show(seed)}.")
    return int(seed)


def check_n_jobs(n_jobs: Any) -> int:
    """``n_jobs`` as joblib reads it: a positive number of workers, or -1 (all cores)."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0:
        raise SpecificationError(
            f"n_jobs must be a non-zero integer (1: no parallelism, 2: two workers, -1: "
            f"all cores), got {show(n_jobs)}.")
    return int(n_jobs)


def _one_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread while replications run.

    The fits are small: threads do not speed them up, and on a loaded machine
    OpenBLAS's spinning threads slow a fit down by an order of magnitude. joblib's
    process workers already run with one thread; this does the same in the main
    process (``n_jobs=1``) and on other backends, so every replication runs the same
    arithmetic whatever ``n_jobs`` is. threadpoolctl comes with scikit-learn.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def _run_chunk(task: Callable[[np.random.SeedSequence], Any],
               seeds: Sequence[np.random.SeedSequence]) -> list[Any]:
    with _one_thread():
        return [task(s) for s in seeds]


def replicate(
    task: Callable[[np.random.SeedSequence], Any],
    *,
    n: int,
    seed: int,
    n_jobs: int = 1,
    progress: bool | None = None,
    desc: str | None = None,
) -> list[Any]:
    """Run ``task`` on ``n`` independent seeds, in parallel, in a reproducible way.

    Replication ``b`` receives the ``b``-th child of
    ``numpy.random.SeedSequence(seed).spawn(n)`` whatever the number of workers, so
    the results are identical for every ``n_jobs``. With ``n_jobs != 1`` the seeds are
    sent to joblib workers in chunks (about four per worker) so that large arguments
    of ``task`` are sent once per chunk, not once per replication; the active joblib
    backend is used (``with joblib.parallel_backend("dask"): ...`` runs on a Dask
    cluster).

    Parameters
    ----------
    task : callable
        ``task(seed_sequence) -> result``; must be picklable for ``n_jobs != 1`` (a
        module-level function, a :func:`functools.partial` of one, or a closure, which
        joblib pickles with cloudpickle).
    n : int
    seed : int
    n_jobs : int
    progress : bool or None
        Progress bar (see :func:`diffusion._progress.progress`).
    desc : str, optional
        Label of the bar.

    Returns
    -------
    list
        The ``n`` results, in the order of the seeds.
    """
    children = np.random.SeedSequence(seed).spawn(n)
    if n_jobs == 1:
        with _one_thread():
            return [task(s)
                    for s in progress_bar(children, total=n, desc=desc, enabled=progress)]
    import joblib

    workers = joblib.effective_n_jobs(n_jobs)
    size = max(1, math.ceil(n / (4 * max(workers, 1))))
    chunks = [children[i:i + size] for i in range(0, n, size)]
    parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    results = parallel(joblib.delayed(_run_chunk)(task, c) for c in chunks)
    flat = (r for chunk in results for r in chunk)
    return list(progress_bar(flat, total=n, desc=desc, enabled=progress))
