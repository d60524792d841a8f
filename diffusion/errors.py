"""Errors and warnings raised on purpose by diffusion.

Every error the library raises deliberately derives from :class:`DiffusionError`,
so an analysis script can catch them all with one ``except`` clause. Subclasses say
which kind of problem was found:

* :class:`DataError` -- the input tables are malformed (missing columns, bad years,
  duplicate keys, overlapping membership spells, ...). Its own subclasses name the
  common cases.
* :class:`SpecificationError` -- the model or measure was asked for something that
  cannot be built (unknown option, formula naming an absent column, lag < 1, ...).
* :class:`EstimationError` -- the data cannot identify the model (no events,
  separation, collinear terms, non-convergence).

Messages say what was found, where (unit, year, column), how many, and what to do.
"""

from __future__ import annotations

__all__ = [
    "DiffusionError",
    "DataError",
    "MissingColumnError",
    "DuplicateKeyError",
    "InvalidTimeError",
    "InvalidEventError",
    "MembershipError",
    "GroupError",
    "SpecificationError",
    "EstimationError",
    "SeparationError",
    "CollinearityError",
    "ConvergenceError",
    "DiffusionWarning",
]


class DiffusionError(Exception):
    """Root of every error diffusion raises on purpose."""


class DataError(DiffusionError, ValueError):
    """An input table is malformed."""


class MissingColumnError(DataError, KeyError):
    """A named column is absent from a table."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateKeyError(DataError):
    """A table holds several rows for a key that must be unique."""


class InvalidTimeError(DataError):
    """Times are missing, non-numeric, non-integer, or out of order."""


class InvalidEventError(DataError):
    """Event indicators or event histories are impossible."""


class MembershipError(DataError):
    """Membership spells are malformed or contradict the events."""


class GroupError(DataError):
    """A group table is missing units or puts a unit in several groups."""


class SpecificationError(DiffusionError, ValueError):
    """A model, measure or option cannot be built as asked."""


class EstimationError(DiffusionError, RuntimeError):
    """The data cannot identify or fit the model."""


class SeparationError(EstimationError):
    """Some covariates predict the outcome perfectly (infinite estimates)."""


class CollinearityError(EstimationError):
    """Some design columns are linear combinations of others."""


class ConvergenceError(EstimationError):
    """The optimiser did not converge."""


class DiffusionWarning(UserWarning):
    """Warning issued by diffusion (e.g. about a convention or a weak design)."""
