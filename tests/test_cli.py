"""The command line: the demo runs, writes JSON, and errors exit with code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from diffusion.cli import main


def test_demo_writes_json(tmp_path, capsys):
    out = tmp_path / "demo.json"
    assert main(["demo", "--units", "80", "--seed", "3", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "discrete-time cloglog" in printed and "Truth vs estimate" in printed
    data = json.loads(out.read_text())
    assert set(data) >= {"params", "std_errors", "p_values", "n_obs", "n_events", "n_units"}
    assert data["n_obs"] > 0 and "regional" in data["params"]


def test_unwritable_output_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "missing-dir" / "x.json"
    assert main(["demo", "--units", "60", "--json", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot write")


def test_module_help_runs():
    proc = subprocess.run([sys.executable, "-m", "diffusion", "--help"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0 and "demo" in proc.stdout


def test_examples_run():
    root = Path(__file__).resolve().parents[1] / "examples"
    scripts = sorted(root.glob("*.py"))
    assert scripts
    for script in scripts:
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              check=False, timeout=300)
        assert proc.returncode == 0, f"{script.name}: {proc.stderr[-2000:]}"
