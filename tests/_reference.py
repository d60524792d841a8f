"""Shared paths and inputs of the tests that compare with stored R output.

``tests/`` is on ``sys.path`` under pytest's default import mode, so test modules
import this as ``from _reference import ...``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REF = Path(__file__).resolve().parent / "reference"
INPUTS = REF / "inputs"
OUTPUTS = REF / "outputs"
#: the file the R scripts read (absent where ../shared is not laid out)
LOTTERY = (Path(__file__).resolve().parents[2] / "shared" / "reference-data"
           / "policy-diffusion-benchmarks" / "dhb2015" / "lottery.tab")


def read_reference_csv(path: Path) -> pd.DataFrame:
    """Read a fixture input so that its 17-digit numbers become exactly R's doubles.

    pandas 2 needs ``float_precision="round_trip"`` for that; pandas 3 parses
    round-trip exactly by default and deprecates the option.
    """
    if int(pd.__version__.split(".")[0]) < 3:
        return pd.read_csv(path, float_precision="round_trip")
    return pd.read_csv(path)


def lottery_frame() -> pd.DataFrame:
    """The lottery panel as the R scripts read it (year coded 64-86).

    From ../shared when present (the file R reads); otherwise from the bundled copy,
    which tests/test_datasets.py checks against that file.
    """
    if LOTTERY.exists():
        return pd.read_csv(LOTTERY, sep="\t")
    from diffusion.datasets import load_lottery

    lot = load_lottery()
    lot["year"] = lot["year_original"]
    return lot.drop(columns="year_original").astype({"party": "float64"})


def run_r_script(script: Path, *args: object, timeout: int = 300) -> None:
    """Run a reference R script (``Rscript script args...``) for a live-R test.

    Skips the test when ``Rscript`` or one of the R packages the script loads is not
    installed; fails it, with R's error output, when the script fails otherwise.
    """
    import shutil
    import subprocess

    import pytest

    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip("Rscript is not installed")
    proc = subprocess.run([rscript, str(script), *map(str, args)], check=False,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip(f"an R package is missing: {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, proc.stderr
