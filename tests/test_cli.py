"""The command line: the demo runs, writes JSON, and errors exit with code 2."""

from __future__ import annotations

import json
import subprocess
import sys
import time
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


def test_examples_run(tmp_path):
    root = Path(__file__).resolve().parents[1] / "examples"
    scripts = sorted(root.glob("*.py"))
    assert scripts
    # two at a time (the machine has two cores), the next one starting as soon as a slot
    # frees up, longest first; each writes to its own files
    scripts.sort(key=lambda p: p.stat().st_size, reverse=True)
    pending, running, failures = list(scripts), [], []
    while pending or running:
        while pending and len(running) < 2:
            script = pending.pop(0)
            out = open(tmp_path / f"{script.stem}.err", "w+")  # noqa: SIM115 - closed below
            running.append((script, out, subprocess.Popen(
                [sys.executable, str(script)], stdout=subprocess.DEVNULL, stderr=out,
                text=True), time.monotonic()))
        for script, out, proc, started in running:
            if proc.poll() is None and time.monotonic() - started > 300:
                proc.kill()  # reported as a failure below (negative return code)
                proc.wait()
        done = [r for r in running if r[2].poll() is not None]
        if not done:
            time.sleep(0.05)
            continue
        for entry in done:
            running.remove(entry)
            script, out, proc, _ = entry
            out.seek(0)
            if proc.returncode != 0:
                failures.append(f"{script.name}: {out.read()[-2000:]}")
            out.close()
    assert not failures, "\n".join(failures)


def test_netinf_command_writes_the_inferred_edges(tmp_path, capsys):
    import pandas as pd

    from diffusion.datasets import load_dhb_policies
    from diffusion.exposure import infer_network, infer_networks

    policies = load_dhb_policies()
    src = tmp_path / "policies.csv"
    policies.to_csv(src, index=False)
    out = tmp_path / "ties.csv"
    cols = ["--unit", "state", "--cascade", "policy", "--time", "year"]
    fig = tmp_path / "net.png"
    assert main(["netinf", str(src), *cols, "--edges", "40", "--params", "0.5",
                 "--out", str(out), "--plot", str(fig)]) == 0
    assert fig.stat().st_size > 1000
    assert "40 edges among 50 units" in capsys.readouterr().out
    expected = infer_network(policies, unit="state", cascade="policy", time="year",
                             n_edges=40, params=0.5).edges
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False)
    yearly = tmp_path / "yearly.csv"
    assert main(["netinf", str(src), *cols, "--edges", "30", "--years", "1970-1972",
                 "--window", "20", "--out", str(yearly)]) == 0
    expected = infer_networks(policies, range(1970, 1973), window=20, unit="state",
                              cascade="policy", time="year", n_edges=30)
    pd.testing.assert_frame_equal(pd.read_csv(yearly), expected, check_dtype=False)


def test_netinf_command_errors_are_one_line(tmp_path, capsys):
    src = tmp_path / "a.csv"
    src.write_text("unit,cascade,time\na,1,1\nb,1,2\n")
    for args, message in (
        ([], "exactly one of --edges"),
        (["--edges", "5"], "exceeds the 1 possible edges"),
        (["--edges", "1", "--time", "year"], "no column 'year'"),
        (["--edges", "1", "--years", "1990"], "--years must look like"),
        (["--edges", "1", "--years", "1-2"], "--years needs --window"),
        (["--p-value", "0.05"], "at least two cascades"),
        (["--edges", "1", "--years", "1-2", "--window", "2", "--plot", "x.png"],
         "--plot draws a single network"),
    ):
        assert main(["netinf", str(src), *args]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert main(["netinf", str(tmp_path / "missing.csv"), "--edges", "1"]) == 2
    assert "no such file" in capsys.readouterr().err
