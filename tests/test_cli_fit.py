"""``python -m diffusion fit``: CSV files in, the Python API's estimates out.

Every fit through the command line is compared with the same model fitted through
the Python API on the same data (to 1e-10 relative: both run the same code on the
same numbers, the CSV round trip of a float being exact). Bad files and options must
give one line on stderr naming the file, line and column, and exit status 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diffusion import CoxHazard, DiscreteTimeHazard, RiskSet, exposure
from diffusion.cli import main

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ the data
def _world(seed: int = 7, n: int = 48, start: int = 1980, end: int = 2005):
    """Units in 4 regions, some entering late or leaving; adoption with a regional pull."""
    rng = np.random.default_rng(seed)
    units = 100 + np.arange(n) * 5  # COW-like numeric codes
    region = np.array(["Africa", "Americas", "Asia", "Europe"])[np.arange(n) % 4]
    entry = np.where(rng.random(n) < 0.25, rng.integers(start + 1, start + 12, n), start - 20)
    exit_ = np.where(rng.random(n) < 0.1, rng.integers(start + 15, end, n), -1)
    gdp = {u: rng.normal(0, 1) for u in units}
    rows, events = [], []
    years = np.arange(start - 5, end + 1)
    for i, u in enumerate(units):
        for y in years:
            rows.append((u, int(y), gdp[u] + 0.05 * (y - start) + rng.normal(0, 0.3),
                         float(rng.integers(0, 2))))
        for y in range(max(entry[i], start), (exit_[i] if exit_[i] > 0 else end) + 1):
            if rng.random() < 0.06 + 0.04 * (gdp[u] > 0):
                events.append((u, y))
                break
    events_df = pd.DataFrame(events, columns=["cown", "year"])
    membership = pd.DataFrame({
        "cown": units, "start": entry,
        "end": pd.array([int(e) if e > 0 else None for e in exit_], dtype="Int64")})
    groups = pd.DataFrame({"cown": units, "region": region})
    cov = pd.DataFrame(rows, columns=["cown", "year", "gdp", "democracy"])
    src = rng.integers(0, n, 4 * n)
    dst = rng.integers(0, n, 4 * n)
    keep = src != dst
    edges = pd.DataFrame({"source": units[src[keep]], "target": units[dst[keep]]})
    edges = edges.drop_duplicates().reset_index(drop=True)
    edges["trade"] = np.round(rng.gamma(2.0, 1.5, len(edges)), 3)
    return events_df, membership, groups, cov, edges


@pytest.fixture(scope="module")
def world():
    return _world()


@pytest.fixture()
def files(tmp_path, world):
    events, membership, groups, cov, edges = world
    paths = {}
    for name, frame in zip(("events", "membership", "groups", "covariates", "edges"),
                           (events, membership, groups, cov, edges)):
        p = tmp_path / f"{name}.csv"
        frame.to_csv(p, index=False)
        paths[name] = str(p)
    return paths


def _api_risk_set(world, *, exposures=("regional_share5", "world_share"), lag=1):
    events, membership, groups, cov, edges = world
    rs = RiskSet.from_events(events, unit="cown", time="year", membership=membership)
    rs = rs.with_covariates(cov, lag=lag)
    measures = {
        "regional_share5": lambda: exposure.regional_share(groups, window=5, lag=lag),
        "world_share": lambda: exposure.world_share(lag=lag),
        "trade_exposure": lambda: exposure.network(edges, weight="trade", normalize=False,
                                                   lag=lag),
        "regional_density": lambda: exposure.regional_density(groups, lag=lag),
    }
    for name in exposures:
        rs = rs.with_exposure(name, measures[name]())
    return rs


def _assert_same(out: dict, res) -> None:
    assert list(out["params"]) == list(res.terms)
    np.testing.assert_allclose(list(out["params"].values()), res.params.to_numpy(),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(list(out["std_errors"].values()), res.std_errors.to_numpy(),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(list(out["p_values"].values()), res.p_values.to_numpy(),
                               rtol=1e-8, atol=1e-14)
    assert (out["n_obs"], out["n_events"], out["n_units"]) == (res.n_obs, res.n_events,
                                                               res.n_units)
    assert out["loglik"] == pytest.approx(res.loglik, rel=1e-12)


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------------ estimates = API
def test_cloglog_equals_the_python_api(files, world, tmp_path, capsys):
    out = tmp_path / "est.json"
    formula = "event ~ regional_share5 + world_share + gdp + democracy"
    code, printed, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--groups", files["groups"], "--covariates", files["covariates"],
         "--exposure", "regional_share:window=5", "--exposure", "world_share",
         "--formula", formula, "--model", "cloglog", "--time", "cubic",
         "--json", str(out)], capsys)
    assert code == 0, err
    assert err == ""  # no progress bar, no warnings when stderr is not a terminal
    rs = _api_risk_set(world)
    res = DiscreteTimeHazard.from_formula(formula, rs, link="cloglog", time="cubic").fit()
    data = json.loads(out.read_text())
    _assert_same(data, res)
    assert data["n_clusters"] == res.n_clusters and data["cluster"] == "cown"
    assert data["exposures"]["regional_share5"].startswith("regional_share5 = regional_share(")
    assert "discrete-time cloglog" in printed and "regional_share5" in printed
    # the risk set's notes reach the printed summary and the JSON
    assert data["notes"] == [str(n) for n in res.notes]


def test_default_formula_logit_spline_classic(files, world, tmp_path, capsys):
    out = tmp_path / "est.json"
    code, printed, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--groups", files["groups"], "--exposure", "regional_density",
         "--model", "logit", "--time", "spline", "--cov-type", "classic",
         "--start", "1985", "--end", "2003", "--json", str(out)], capsys)
    assert code == 0, err
    events, membership, groups, cov, edges = world
    rs = RiskSet.from_events(events, unit="cown", time="year", membership=membership,
                             start=1985, end=2003)
    rs = rs.with_exposure("regional_density", exposure.regional_density(groups))
    res = DiscreteTimeHazard.from_formula("event ~ regional_density", rs, link="logit",
                                          time="spline").fit(cov_type="classic")
    data = json.loads(out.read_text())
    _assert_same(data, res)
    assert data["formula"] == "event ~ regional_density"
    assert data["window"] == [1985, 2003]


def test_cox_with_network_exposure(files, world, tmp_path, capsys):
    out = tmp_path / "cox.json"
    code, printed, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--covariates", files["covariates"], "--edges", files["edges"],
         "--exposure", "network:weight=trade,normalize=false,name=trade_exposure",
         "--formula", "event ~ trade_exposure + gdp", "--model", "cox", "--ties", "breslow",
         "--json", str(out)], capsys)
    assert code == 0, err
    rs = _api_risk_set(world, exposures=("trade_exposure",))
    res = CoxHazard.from_formula("event ~ trade_exposure + gdp", rs, ties="breslow").fit()
    _assert_same(json.loads(out.read_text()), res)


def test_region_fixed_effects_and_lag_2(files, world, tmp_path, capsys):
    out = tmp_path / "est.json"
    formula = "event ~ regional_share5 + gdp + C(region)"
    code, _, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--groups", files["groups"], "--covariates", files["covariates"],
         "--exposure", "regional_share:window=5", "--lag", "2", "--formula", formula,
         "--model", "probit", "--time", "none", "--cluster", "region", "--json", str(out)],
        capsys)
    assert code == 0, err
    events, membership, groups, cov, edges = world
    rs = RiskSet.from_events(events, unit="cown", time="year", membership=membership)
    rs = rs.with_covariates(cov, lag=2)
    rs = rs.with_exposure("regional_share5", exposure.regional_share(groups, window=5, lag=2))
    region = groups.set_index("cown")["region"]
    rs = rs.assign(region=lambda f: f["cown"].map(region).to_numpy())
    res = DiscreteTimeHazard.from_formula(formula, rs, link="probit", time=None).fit(
        cluster="region")
    data = json.loads(out.read_text())
    _assert_same(data, res)
    assert data["n_clusters"] == 4


def test_subprocess_python_m_diffusion_fit(files, world, tmp_path):
    out = tmp_path / "est.json"
    proc = subprocess.run(
        [sys.executable, "-m", "diffusion", "fit", "--events", files["events"],
         "--membership", files["membership"], "--groups", files["groups"],
         "--covariates", files["covariates"], "--exposure", "regional_share:window=5",
         "--exposure", "world_share", "--json", str(out)],
        capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    rs = _api_risk_set(world)
    # the default formula: every exposure, then every covariate, in file order
    formula = "event ~ regional_share5 + world_share + gdp + democracy"
    res = DiscreteTimeHazard.from_formula(formula, rs, link="cloglog", time="cubic").fit()
    _assert_same(json.loads(out.read_text()), res)


def test_table_and_plot_are_written(files, tmp_path, capsys):
    table, plot = tmp_path / "t.md", tmp_path / "p.png"
    code, _, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--covariates", files["covariates"], "--exposure", "world_share",
         "--formula", "event ~ world_share + gdp", "--table", str(table), "--plot", str(plot)],
        capsys)
    assert code == 0, err
    md = table.read_text()
    md = md.replace("\\_", "_")  # Markdown may escape underscores
    assert "world_share" in md and "gdp" in md and "|" in md
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unit_and_time_columns_by_name(tmp_path, world, capsys):
    events, membership, groups, cov, edges = world
    # the unit column is not the first events column and the names differ from defaults
    ev = events.rename(columns={"cown": "ccode", "year": "yr"})[["yr", "ccode"]]
    ev.to_csv(tmp_path / "e.csv", index=False)
    membership.rename(columns={"cown": "ccode"}).to_csv(tmp_path / "m.csv", index=False)
    out = tmp_path / "o.json"
    code, _, err = _run(["fit", "--events", str(tmp_path / "e.csv"), "--membership",
                         str(tmp_path / "m.csv"), "--exposure", "world_count",
                         "--json", str(out)], capsys)
    # yr is the first column shared? no: membership has ccode only, so ccode is the unit,
    # and yr, the events file's only other column, the time
    assert code == 0, err
    data = json.loads(out.read_text())
    assert (data["unit"], data["time"]) == ("ccode", "yr")
    rs = RiskSet.from_events(events, unit="cown", time="year", membership=membership)
    rs = rs.with_exposure("world_count", exposure.world_count())
    res = DiscreteTimeHazard.from_formula("event ~ world_count", rs, link="cloglog",
                                          time="cubic").fit()
    _assert_same(data, res)


def test_help_is_clear(capsys):
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    for cmd in ("fit", "replicate", "treaty", "demo", "examples:"):
        assert cmd in top
    assert main(["fit", "--help"]) == 0
    text = capsys.readouterr().out
    for word in ("--events", "--membership", "regional_share:window=5", "network",
                 "--model", "cloglog", "cox", "examples:", "Exit status"):
        assert word in text


# ------------------------------------------------------------------ bad input
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


MEMBERSHIP = "cown,start,end\n2,1990,\n20,1990,\n200,1990,1999\n"
EVENTS = "cown,year\n2,1994\n20,1996\n"


@pytest.mark.parametrize("events, membership, extra, expected", [
    # missing column
    ("cown,yr\n2,1994\n", MEMBERSHIP, ["--time-col", "year"],
     ["events.csv", "no column 'year'", "--time-col"]),
    ("cown,yr,region\n2,1994,A\n", MEMBERSHIP, [],
     ["events.csv", "cannot tell which column holds the event year", "--time-col"]),
    # missing column in membership
    (EVENTS, "cown,start\n2,1990\n", [], ["membership.csv", "no column 'end'"]),
    # bad year, with file, line and column
    ("cown,year\n2,1994\n20,19x6\n", MEMBERSHIP, [],
     ["events.csv, line 3, column 'year'", "'19x6' is not a whole year"]),
    ("cown,year\n2,1994.5\n", MEMBERSHIP, [], ["events.csv, line 2, column 'year'"]),
    ("cown,year\n2,1994\n20,\n", MEMBERSHIP, [],
     ["events.csv, line 3, column 'year'", "missing year", "membership file only"]),
    # membership: bad and inverted years
    (EVENTS, "cown,start,end\n2,1990,\n20,199O,\n", [],
     ["membership.csv, line 3, column 'start'", "'199O'"]),
    (EVENTS, "cown,start,end\n2,1990,\n20,1999,1990\n", [],
     ["membership.csv, line 3, column 'start'", "starts after it ends"]),
    # unknown code
    ("cown,year\n2,1994\n999,1996\n", MEMBERSHIP, [],
     ["events.csv, line 3, column 'cown'", "unit '999' is not in the membership file"]),
    # missing unit
    ("cown,year\n2,1994\n,1996\n", MEMBERSHIP, [], ["events.csv, line 3, column 'cown'",
                                                    "missing unit"]),
    # duplicate keys
    ("cown,year\n2,1994\n20,1996\n2,1994\n", MEMBERSHIP, [],
     ["events.csv, lines 2, 4", "several rows", "cown=2, year=1994"]),
    ("cown,year\n2,1994\n2,1996\n", MEMBERSHIP, [],
     ["events.csv, lines 2, 3, column 'cown'", "several events"]),
    # unparsable CSV
    ("cown,year\n2,1994\n20,1996,7,8\n", MEMBERSHIP, [],
     ["events.csv, line 3: 4 fields", "cannot read as CSV", "double quotes"]),
    ("", MEMBERSHIP, [], ["events.csv: the file is empty"]),
    ("cown,cown\n2,1994\n", MEMBERSHIP, [], ["events.csv, line 1", "more than once"]),
    ("cown;year\n2;1994\n", MEMBERSHIP, [], ["events.csv, line 1", "--sep ';'"]),
    # overlapping spells: the library's check, prefixed with the file
    (EVENTS, "cown,start,end\n2,1990,1995\n2,1994,\n20,1990,\n", [],
     ["membership.csv:", "overlapping"]),
    # no shared unit column
    ("code,year\n2,1994\n", MEMBERSHIP, [], ["share no column", "--unit"]),
])
def test_bad_files_one_line_exit_2(tmp_path, capsys, events, membership, extra, expected):
    e = _write(tmp_path, "events.csv", events)
    m = _write(tmp_path, "membership.csv", membership)
    code, out, err = _run(["fit", "--events", e, "--membership", m,
                           "--exposure", "world_share", *extra], capsys)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("name, text, argv, expected", [
    ("covariates.csv", "cown,year,gdp\n2,1990,1.5\n2,1990,1.7\n",
     ["--exposure", "world_share"], ["covariates.csv, lines 2, 3", "unit-year"]),
    ("covariates.csv", "cown,year,gdp\n2,1990,1.5\n20,1990,abc\n20,1991,2\n",
     ["--exposure", "world_share"],
     ["covariates.csv, line 3, column 'gdp'", "'abc' is not a number"]),
    ("covariates.csv", "cown,gdp\n2,1.5\n", ["--exposure", "world_share"],
     ["covariates.csv", "no column 'year'"]),
    ("groups.csv", "cown,region\n2,A\n20,B\n20,A\n",
     ["--exposure", "regional_share:window=3"], ["groups.csv, lines 3, 4", "cown=20"]),
    ("groups.csv", "cown,region\n2,A\n20,B\n",
     ["--exposure", "regional_share:window=3"], ["groups.csv:", "lacks 1 unit", "200"]),
    ("groups.csv", "cown,region,continent\n2,A,X\n20,B,X\n200,A,Y\n",
     ["--exposure", "regional_density"], ["groups.csv", "several group columns",
                                           "group=region"]),
    ("edges.csv", "source,target,w\n2,20,1\n20,2,-1\n",
     ["--exposure", "network:weight=w"], ["edges.csv:", "negative"]),
    ("edges.csv", "from,to\n2,20\n", ["--exposure", "network"],
     ["edges.csv", "no column 'source', 'target'", "source=COL"]),
])
def test_bad_optional_files_exit_2(tmp_path, capsys, name, text, argv, expected):
    e = _write(tmp_path, "events.csv", EVENTS)
    m = _write(tmp_path, "membership.csv", MEMBERSHIP)
    p = _write(tmp_path, name, text)
    flag = {"covariates.csv": "--covariates", "groups.csv": "--groups",
            "edges.csv": "--edges"}[name]
    code, out, err = _run(["fit", "--events", e, "--membership", m, flag, p, *argv], capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    for fragment in expected:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("argv, expected", [
    (["--exposure", "regional_share"], ["regional_share needs window=N"]),
    (["--exposure", "regional_share:windw=5"], ["unknown option 'windw'"]),
    (["--exposure", "regional_share:window=five"], ["window must be a whole number"]),
    (["--exposure", "spatial_lag"], ["unknown exposure 'spatial_lag'"]),
    (["--exposure", "world_share:lag"], ["cannot read 'lag'"]),
    (["--exposure", "network:normalize=maybe"], ["normalize must be true or false"]),
    (["--exposure", "world_share", "--exposure", "world_share"], ["different names"]),
    (["--exposure", "regional_density"], ["needs a groups file", "--groups"]),
    (["--exposure", "network"], ["needs an edge list", "--edges"]),
    (["--exposure", "world_share", "--formula", "event ~ world_share + gdp"],
     ["--formula: ", "'gdp'", "--covariates columns"]),
    (["--exposure", "world_share", "--formula", "event ~ world_share +"], ["--formula: "]),
    (["--exposure", "world_share", "--start", "2000", "--end", "1990"],
     ["--start 2000 is after --end 1990"]),
    (["--exposure", "world_share", "--model", "cox", "--time", "cubic"],
     ["--time cubic applies to discrete-time models"]),
    (["--exposure", "world_share", "--cov-type", "classic", "--cluster", "cown"],
     ["--cluster is only used with --cov-type cluster"]),
    (["--exposure", "world_share", "--lag", "0"], ["argument --lag: 0 is outside 1.."]),
    ([], ["nothing to fit"]),
])
def test_bad_options_one_line_exit_2(tmp_path, capsys, argv, expected):
    e = _write(tmp_path, "events.csv", EVENTS)
    m = _write(tmp_path, "membership.csv", MEMBERSHIP)
    code, out, err = _run(["fit", "--events", e, "--membership", m, *argv], capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    for fragment in expected:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize("argv", [
    ["fit", "--events", "e.csv"],  # --membership is required
    ["fit", "--events", "e.csv", "--membership", "m.csv", "--model", "weibull"],
    ["fit", "--events", "e.csv", "--membership", "m.csv", "--time", "quartic"],
    ["fit", "--events", "e.csv", "--membership", "m.csv", "--lag", "one"],
])
def test_argparse_errors_return_2(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: python -m diffusion fit: "), err
    assert "fit --help" in lines[0] and "Traceback" not in err


def test_missing_file(tmp_path, capsys):
    m = _write(tmp_path, "membership.csv", MEMBERSHIP)
    code, out, err = _run(["fit", "--events", str(tmp_path / "nope.csv"), "--membership", m,
                           "--exposure", "world_share"], capsys)
    assert code == 2 and err.strip() == f"error: {tmp_path / 'nope.csv'}: no such file (events)."


def test_files_are_not_changed(files, capsys):
    before = {k: Path(v).read_bytes() for k, v in files.items()}
    code, _, err = _run(["fit", "--events", files["events"], "--membership", files["membership"],
                         "--groups", files["groups"], "--exposure", "regional_share:window=3"],
                        capsys)
    assert code == 0, err
    assert {k: Path(v).read_bytes() for k, v in files.items()} == before


def test_string_inference_mode(tmp_path, world, capsys):
    """pandas 3 reads text as the ``str`` dtype: text unit codes give the API's numbers."""
    events, membership, groups, cov, edges = world
    text = {u: f"U{u}" for u in membership["cown"]}  # ISO-like text codes
    frames = [f.assign(cown=f["cown"].map(text)) for f in (events, membership, groups, cov)]
    frames.append(edges.assign(source=edges["source"].map(text),
                               target=edges["target"].map(text)))
    paths = {}
    for name, frame in zip(("events", "membership", "groups", "covariates", "edges"), frames):
        paths[name] = str(tmp_path / f"{name}.csv")
        frame.to_csv(paths[name], index=False)
    formula = "event ~ regional_share5 + world_share + network + gdp + C(region)"
    out = tmp_path / "est.json"
    with _string_inference():
        code, _, err = _run(
            ["fit", "--events", paths["events"], "--membership", paths["membership"],
             "--groups", paths["groups"], "--covariates", paths["covariates"],
             "--edges", paths["edges"], "--exposure", "regional_share:window=5",
             "--exposure", "world_share", "--exposure", "network:weight=trade",
             "--formula", formula, "--json", str(out)], capsys)
    assert code == 0, err
    ev, mem, grp, cv, ed = frames
    rs = RiskSet.from_events(ev, unit="cown", time="year", membership=mem)
    rs = rs.with_covariates(cv)
    rs = rs.with_exposure("regional_share5", exposure.regional_share(grp, window=5))
    rs = rs.with_exposure("world_share", exposure.world_share())
    rs = rs.with_exposure("network", exposure.network(ed, weight="trade"))
    region = dict(zip(grp["cown"], grp["region"]))
    rs = rs.assign(region=lambda f: f["cown"].map(region).to_numpy())
    res = DiscreteTimeHazard.from_formula(formula, rs, link="cloglog", time="cubic").fit()
    _assert_same(json.loads(out.read_text()), res)


def test_table_falls_back_to_the_summary(files, tmp_path, capsys, monkeypatch):
    """Without diffusion.report.tables, --table writes the result's Markdown summary."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "diffusion.report.tables"
                        else real(name, *a))
    table = tmp_path / "t.md"
    code, _, err = _run(
        ["fit", "--events", files["events"], "--membership", files["membership"],
         "--exposure", "world_share", "--time", "none", "--table", str(table)], capsys)
    assert code == 0, err
    md = table.read_text()
    assert md.startswith("**discrete-time cloglog hazard model**")
    assert "| world_share |" in md


def _string_inference():
    """pandas 3's default ``str`` dtype for text: on by default from pandas 3, opt-in in 2.x."""
    import contextlib

    if int(pd.__version__.split(".")[0]) >= 3:
        return contextlib.nullcontext()
    try:
        pd.get_option("future.infer_string")
    except (KeyError, pd.errors.OptionError):
        pytest.skip("this pandas has no future.infer_string option")
    return pd.option_context("future.infer_string", True)
