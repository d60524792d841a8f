"""Risk sets bigger than memory: a directory of Parquet chunks.

A pooled or dyadic risk set can outgrow one machine's memory: the 18 UN human-rights
treaties in country dyads (every member a potential source) are about 30 million
country-pair-years, SPID's 728 policies in state dyads about 50 million. Such a risk
set is built piece by piece -- one treaty, one policy or one range of units at a time
-- and each piece is written as one file of a :class:`ChunkStore`. The model
:class:`~diffusion.ChunkedDiscreteTimeHazard` then fits it one chunk at a time, on
this machine or on a Dask cluster, holding one chunk in memory per worker.

Why Parquet (through pyarrow)
-----------------------------
* **Columnar**: a fit reads only the model's columns of each chunk.
* **Typed**: integer, float, string and categorical columns keep their types, so the
  schema of every chunk can be checked before a fit (:func:`open_chunks`).
* **Longevity and reach**: an open Apache format with a published specification, read
  by pandas, Dask, Spark, DuckDB, Polars and R's ``arrow`` alike; a directory of
  Parquet files is what :func:`dask.dataframe.read_parquet` (and every cluster
  framework) partitions natively. DuckDB would add a database engine whose file is a
  single store (not partitioned across workers) and Polars a second dataframe
  library; both read Parquet anyway.

How rows are split into chunks does not change the estimates: the fit sums over rows.
The risk-set invariants (one event per unit and process, no rows after it, rows only
while a member) are guaranteed by the builder that made each chunk
(:meth:`~diffusion.RiskSet.from_events`, :meth:`~diffusion.DyadRiskSet.from_events`), so
build one process, or one set of units, per chunk: no unit's history is then split
between two builds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diffusion.data.checks import check_frame, listing, preview, show
from diffusion.errors import DataError, DiffusionError, SpecificationError

__all__ = ["ChunkStore", "write_chunks", "open_chunks", "MANIFEST"]

#: name of the manifest file that :func:`write_chunks` writes beside the chunks
MANIFEST = "_diffusion_chunks.json"
_PATTERN = "part-{:05d}.parquet"


def _pyarrow() -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SpecificationError(
            "chunk stores are Parquet files and need pyarrow: "
            "pip install 'diffusion-analysis[scale]' (or pip install pyarrow)."
        ) from exc
    return pq


@dataclass(frozen=True)
class ChunkStore:
    """A directory of Parquet chunks with one schema.

    Attributes
    ----------
    directory : Path
    files : tuple of Path
        The chunks, in name order.
    schema : dict
        Column name -> type (the Arrow type's string), equal in every chunk.
    n_rows : tuple of int
        Rows per chunk (from the files' metadata; no data is read).
    """

    directory: Path
    files: tuple[Path, ...]
    schema: dict[str, str]
    n_rows: tuple[int, ...]

    @property
    def columns(self) -> list[str]:
        """The column names."""
        return list(self.schema)

    @property
    def total_rows(self) -> int:
        """Rows in all chunks."""
        return int(sum(self.n_rows))

    def read(self, i: int, columns: list[str] | None = None) -> pd.DataFrame:
        """Chunk ``i`` as a DataFrame (only ``columns``, when given)."""
        return read_chunk(self.files[i], columns)

    def to_dask(self, columns: list[str] | None = None) -> Any:
        """The store as a Dask DataFrame, one partition per chunk.

        On a cluster the workers must see the directory (a shared file system or an
        object store path given to :func:`open_chunks`).
        """
        try:
            import dask.dataframe as dd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise SpecificationError(
                "to_dask needs dask: pip install 'diffusion-analysis[scale]'."
            ) from exc
        return dd.read_parquet([str(f) for f in self.files], columns=columns)

    def __repr__(self) -> str:
        return (f"ChunkStore({str(self.directory)!r}, {len(self.files)} chunk(s), "
                f"{self.total_rows:,} rows, columns={self.columns})")


def read_chunk(path: Path | str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one Parquet chunk (only ``columns``, when given).

    Raises
    ------
    DataError
        The file is missing, damaged or not Parquet (named).
    """
    pq = _pyarrow()
    try:
        return pq.read_table(str(path), columns=columns).to_pandas()
    except Exception as exc:  # pyarrow raises several types (OSError, ArrowInvalid, ...)
        raise DataError(
            f"cannot read the chunk {Path(path).name!r} ({type(exc).__name__}: {exc}); "
            f"it was removed or changed after the store was opened: rewrite the store "
            f"(write_chunks) or open it again (open_chunks).") from exc


def _directory(directory: Any) -> Path:
    """A path given as ``directory=`` (str or path-like), else SpecificationError."""
    if not isinstance(directory, (str, Path)) and not hasattr(directory, "__fspath__"):
        raise SpecificationError(
            f"directory must be a path (str or pathlib.Path), got "
            f"{type(directory).__name__} {show(directory)}.")
    return Path(directory)


def _frames(chunks: Any) -> Iterable[pd.DataFrame]:
    if isinstance(chunks, pd.DataFrame) or hasattr(chunks, "frame"):
        chunks = [chunks]
    if isinstance(chunks, (str, bytes, dict)) or not hasattr(chunks, "__iter__"):
        raise DataError(
            f"chunks must be a DataFrame, a risk set, or an iterable (list, generator) of "
            f"them, one per chunk; got {type(chunks).__name__}.")
    iterator = iter(chunks)
    i = 0
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except DiffusionError:
            raise
        except Exception as exc:  # the caller's generator failed while building a chunk
            raise DataError(
                f"building chunk {i} failed ({type(exc).__name__}: {exc}); no chunk store "
                f"was written (the chunks written before were removed). Fix the code that "
                f"builds the chunks and write again.") from exc
        frame = getattr(item, "frame", item)
        if not isinstance(frame, pd.DataFrame):
            raise DataError(
                f"chunk {i} is a {type(item).__name__}; give DataFrames or risk sets "
                f"(RiskSet, DyadRiskSet), one per chunk.")
        check_frame(frame, name=f"chunk {i}")  # Parquet needs unique column names
        yield frame
        i += 1


def write_chunks(chunks: Any, directory: str | Path, *, overwrite: bool = False) -> ChunkStore:
    """Write a risk set, chunk by chunk, as a directory of Parquet files.

    Parameters
    ----------
    chunks : DataFrame, RiskSet, DyadRiskSet, or an iterable of them
        One item per chunk. A generator keeps one chunk in memory at a time: build
        each piece (one treaty, one policy) inside it.
    directory : str or Path
        Created if absent. It must be empty unless ``overwrite=True`` (which removes
        the chunks and manifest of an earlier store, nothing else).
    overwrite : bool, default False

    Returns
    -------
    ChunkStore

    Raises
    ------
    DataError
        A chunk whose columns or types differ from the first chunk's (named), an empty
        iterable, or a non-empty directory.
    """
    pq = _pyarrow()
    import pyarrow as pa

    directory = _directory(directory)
    if not isinstance(overwrite, (bool, np.bool_)):
        raise SpecificationError(f"overwrite must be True or False, got {show(overwrite)}.")
    if directory.exists() and not directory.is_dir():
        raise DataError(
            f"{str(directory)!r} is a file, not a directory; give a new or empty directory "
            f"for the chunks.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the directory {str(directory)!r} ({exc}).") from exc
    existing = sorted(directory.glob("part-*.parquet"))
    others = [p for p in directory.iterdir()
              if p.name != MANIFEST and p not in existing]
    if (existing or (directory / MANIFEST).exists()) and not overwrite:
        raise DataError(
            f"{str(directory)!r} already holds a chunk store ({len(existing)} chunk(s)); "
            f"pass overwrite=True to replace it, or choose an empty directory.")
    if others:
        raise DataError(
            f"{str(directory)!r} holds other files ({preview([p.name for p in others])}); "
            f"write chunks into an empty directory.")
    for p in existing:
        p.unlink()
    if (directory / MANIFEST).exists():
        (directory / MANIFEST).unlink()
    schema: pa.Schema | None = None
    files: list[Path] = []
    rows: list[int] = []
    try:
        for i, frame in enumerate(_frames(chunks)):
            table = _to_arrow(frame, i)
            if schema is None:
                schema = table.schema
            else:
                _same_schema(schema, table.schema, where=f"chunk {i}")
            path = directory / _PATTERN.format(i)
            pq.write_table(table, str(path))
            files.append(path)
            rows.append(table.num_rows)
    except BaseException:
        # leave no partial store behind: a later write would take it for a complete one
        for path in files:
            path.unlink(missing_ok=True)
        raise
    if schema is None:
        raise DataError("no chunks were given; give at least one DataFrame or risk set.")
    types = {f.name: str(f.type) for f in schema}
    (directory / MANIFEST).write_text(json.dumps(
        {"format": "diffusion chunk store 1", "columns": types,
         "chunks": [{"file": f.name, "rows": r} for f, r in zip(files, rows)]}, indent=1))
    return ChunkStore(directory, tuple(files), types, tuple(rows))


def _to_arrow(frame: pd.DataFrame, i: int) -> Any:
    """Chunk ``i`` as an Arrow table; a column Arrow cannot store is named."""
    import pyarrow as pa

    failures = (pa.ArrowException, TypeError, ValueError, OverflowError)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except failures as exc:
        column = ""
        for j in range(frame.shape[1]):  # name the column (pyarrow does not always)
            try:
                pa.Table.from_pandas(frame.iloc[:, [j]], preserve_index=False)
            except failures:
                column = f" (column {show(frame.columns[j])})"
                break
        raise DataError(
            f"chunk {i} cannot be stored as Parquet{column}: {exc}. Give each column one type "
            f"(numbers, text, or categories; no Python objects or complex numbers), e.g. "
            f"frame.astype({{column: float}}) or frame.astype({{column: str}}).") from exc


def _comparable(t: Any) -> str:
    """An Arrow type as compared across chunks: a dictionary (categorical) column is
    compared by its value type, since each chunk stores its own categories."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return f"categorical<{_comparable(t.value_type)}>"
    if pa.types.is_large_string(t):
        return "string"
    return str(t)


def _same_schema(first: Any, other: Any, *, where: str) -> None:
    a = {f.name: _comparable(f.type) for f in first}
    b = {f.name: _comparable(f.type) for f in other}
    if a == b:
        return
    missing = [c for c in a if c not in b]
    extra = [c for c in b if c not in a]
    retyped = [f"{c} ({a[c]} vs {b[c]})" for c in a if c in b and a[c] != b[c]]
    parts = []
    if missing:
        parts.append(f"lacks column(s) {preview(missing)}")
    if extra:
        parts.append(f"has extra column(s) {preview(extra)}")
    if retyped:
        parts.append(f"has other types in {listing(retyped)}")
    raise DataError(
        f"{where} does not match the first chunk's schema: it {'; '.join(parts)}. Every "
        f"chunk needs the same columns with the same types; rebuild it with the same "
        f"builder and covariates (cast types with DataFrame.astype).")


def open_chunks(directory: str | Path) -> ChunkStore:
    """Open a directory of Parquet chunks and check that their schemas agree.

    Reads only the files' metadata. Any directory of ``*.parquet`` files works (not
    only those :func:`write_chunks` wrote), in name order.

    Raises
    ------
    DataError
        No such directory, no Parquet files, or chunks whose columns or types differ
        (the file and the columns are named).
    """
    pq = _pyarrow()
    directory = _directory(directory)
    if not directory.is_dir():
        raise DataError(f"{str(directory)!r} is not a directory; give the chunk directory.")
    files = sorted(directory.glob("*.parquet"))
    if not files:
        raise DataError(f"{str(directory)!r} holds no .parquet files.")
    first = None
    rows = []
    for path in files:
        try:
            meta = pq.read_metadata(str(path))
            schema = meta.schema.to_arrow_schema()
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise DataError(f"{path.name} is not a readable Parquet file ({exc}).") from exc
        if first is None:
            first = schema
        else:
            _same_schema(first, schema, where=f"{path.name}")
        rows.append(int(meta.num_rows))
    types = {f.name: str(f.type) for f in first}
    return ChunkStore(directory, tuple(files), types, tuple(rows))


def describe_source(source: Any) -> str:
    """A short description of a chunked source for messages and results."""
    if isinstance(source, ChunkStore):
        return f"{len(source.files)} Parquet chunk(s) in {str(source.directory)!r}"
    return show(type(source).__name__)
