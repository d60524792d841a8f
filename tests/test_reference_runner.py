"""The runner of the live-R tests: a missing R package is named, and fails where R is required."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from _reference import REQUIRE_R, missing_r_package, run_r_script


@pytest.mark.parametrize(("stderr", "package"), [
    ("Error in library(lme4) : there is no package called \u2018lme4\u2019\nExecution halted", "lme4"),
    ("Error in library(x): there is no package called 'NetworkInference'\nExecution halted",
     "NetworkInference"),
    ("Error: object 'x' not found\nExecution halted", None),
])
def test_missing_package_is_read_from_r_error(stderr: str, package: str | None) -> None:
    assert missing_r_package(stderr) == package


def _fake_r(monkeypatch: pytest.MonkeyPatch, stderr: str, returncode: int = 1) -> None:
    monkeypatch.setattr("shutil.which", lambda name: "/fake/Rscript")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a[0], returncode, stdout="", stderr=stderr))


def test_missing_package_skips_locally_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_R, raising=False)
    _fake_r(monkeypatch, "there is no package called \u2018lme4\u2019\nExecution halted")
    with pytest.raises(pytest.skip.Exception, match="R package lme4 .*r-cran-lme4"):
        run_r_script(Path("frailty.R"))


def test_missing_debian_package_fails_where_r_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_R, "1")
    _fake_r(monkeypatch, "there is no package called \u2018sandwich\u2019\nExecution halted")
    with pytest.raises(pytest.fail.Exception, match="sandwich"):
        run_r_script(Path("compare.R"))


def test_package_outside_debian_still_skips_where_r_is_required(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_R, "1")
    _fake_r(monkeypatch, "there is no package called \u2018netdiffuseR\u2019\nExecution halted")
    with pytest.raises(pytest.skip.Exception, match="netdiffuseR .*not in Debian"):
        run_r_script(Path("equivalence.R"))


def test_missing_rscript_fails_where_r_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_R, "1")
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="Rscript is not installed"):
        run_r_script(Path("cox.R"))


def test_other_r_failures_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_R, raising=False)
    _fake_r(monkeypatch, "Error: object 'x' not found\nExecution halted")
    with pytest.raises(AssertionError, match="object 'x' not found"):
        run_r_script(Path("cox.R"))
