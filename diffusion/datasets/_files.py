"""Find and read the bundled tables (``data/*.csv`` in the repository).

An installed package carries the tables as package data of ``diffusion._tables`` (the
repository's ``data/`` folder is mapped onto that name in ``pyproject.toml``). Run from a
source checkout that was not installed -- or with the source tree first on ``sys.path``,
as ``python -m pytest`` does from the repository root -- that subpackage cannot be
imported, and the tables are read from ``data/`` beside the package instead.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pandas as pd

from diffusion.errors import DataError, DiffusionError

__all__ = ["read_table"]

_SOURCE_DATA = Path(__file__).resolve().parents[2] / "data"


def _locate(name: str):
    filename = f"{name}.csv"
    try:
        path = importlib.resources.files("diffusion._tables") / filename
        if path.is_file():
            return path
    except ModuleNotFoundError:
        pass
    path = _SOURCE_DATA / filename
    if path.is_file():
        return path
    raise DiffusionError(
        f"the bundled table {filename!r} was not found, neither as package data of "
        f"'diffusion._tables' nor in {_SOURCE_DATA}. Reinstall diffusion-analysis "
        "(pip install .), or run scripts/build_data.py in a source checkout."
    )


def read_table(name: str, dtypes: dict[str, str]) -> pd.DataFrame:
    """Read table ``name`` with the given column types; always a new DataFrame.

    Only empty cells are missing values, so that codes such as Namibia's ISO2 ``NA`` or
    a policy called ``"null"`` survive.
    """
    with _locate(name).open("rb") as fh:
        frame = pd.read_csv(fh, keep_default_na=False, na_values=[""], dtype=dtypes)
    if list(frame.columns) != list(dtypes):
        raise DataError(
            f"the bundled table {name}.csv has columns {list(frame.columns)}, expected "
            f"{list(dtypes)}; the data files and the package are out of step. "
            "Reinstall diffusion-analysis or rebuild with scripts/build_data.py."
        )
    return frame
