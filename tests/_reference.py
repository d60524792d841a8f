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


def load_module(path: Path):
    """Import a script that is not part of the package (``scripts/``, ``tests/reference/``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


#: R packages the reference scripts load that Debian does not package: CI cannot install
#: them with apt, so their live re-runs are skipped there too (their fixtures were written
#: with builds from the packages' public sources; see tests/reference/README.md).
NOT_IN_DEBIAN = frozenset({"NetworkInference", "netdiffuseR"})

#: Set (to 1) where R must be present: a missing Rscript or a missing R package that
#: Debian packages then fails the test instead of skipping it. CI sets it.
REQUIRE_R = "DIFFUSION_REQUIRE_R"


def missing_r_package(stderr: str) -> str | None:
    """The package named by R's "there is no package called 'X'" error, if any."""
    import re

    found = re.search(r"there is no package called\s*[\u2018'\"`]?([A-Za-z0-9.]+)", stderr)
    return found[1] if found else None


def run_r_script(script: Path, *args: object, timeout: int = 300) -> None:
    """Run a reference R script (``Rscript script args...``) for a live-R test.

    Skips the test when ``Rscript`` or one of the R packages the script loads is not
    installed, naming what is missing and how to install it; with the environment
    variable ``DIFFUSION_REQUIRE_R=1`` (CI) a missing ``Rscript`` or a missing package
    that Debian packages fails the test instead. Fails it, with R's error output, when
    the script fails otherwise.
    """
    import os
    import shutil
    import subprocess

    import pytest

    required = os.environ.get(REQUIRE_R, "") not in ("", "0")
    rscript = shutil.which("Rscript")
    if rscript is None:
        message = ("Rscript is not installed (apt-get install r-base-core r-cran-survival "
                   "r-cran-sandwich r-cran-lme4 r-cran-brglm2 r-cran-numderiv r-cran-jsonlite)")
        if required:
            pytest.fail(f"{REQUIRE_R} is set but {message}")
        pytest.skip(message)
    proc = subprocess.run([rscript, str(script), *map(str, args)], check=False,
                          capture_output=True, text=True, timeout=timeout)
    package = missing_r_package(proc.stderr) if proc.returncode != 0 else None
    if package is not None:
        where = ("it is not in Debian: install it from CRAN or its public source"
                 if package in NOT_IN_DEBIAN
                 else f"apt-get install r-cran-{package.lower()}")
        message = f"the R package {package} is not installed ({where}); {script.name} needs it"
        if required and package not in NOT_IN_DEBIAN:
            pytest.fail(f"{REQUIRE_R} is set but {message}")
        pytest.skip(message)
    assert proc.returncode == 0, proc.stderr
