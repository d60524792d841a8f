"""Hostile input to every command of ``python -m diffusion``: one line and exit 2, or a result.

Each case ends either with exit status 0 and the output the command promises, or with
exit status 2 and a single ``error: ...`` line on standard error -- never a traceback, a
hang or an out-of-memory error. Generated CSV contents (empty, header-only, Latin-1
and UTF-16 bytes, a byte-order mark, huge numbers, Unicode digits, negative years,
duplicate and missing columns, ragged rows) go through ``main(argv)`` in-process; two
end-to-end checks run ``python -m diffusion`` in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from diffusion import DiscreteTimeHazard, RiskSet, exposure
from diffusion.cli import main
from diffusion.replications import NAMES

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------- helpers
def run(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with standard output and error captured (hypothesis-safe).

    Warnings are shown as a user sees them (not turned into errors as elsewhere in
    the test suite): the command prints each as one ``warning:`` line.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings():
        warnings.simplefilter("default")
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_clean(code: int, out: str, err: str) -> None:
    """Exit 0, or exit 2 with one ``error:`` line; never a traceback.

    Standard error may also hold ``warning:`` lines, one per warning.
    """
    assert "Traceback" not in out + err
    assert code in (0, 2), (code, err)
    lines = [x for x in err.strip().splitlines() if not x.startswith("warning: ")]
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("error: "), err
        assert len(lines[0]) > len("error: ") + 10, err
    else:
        assert lines == [], err


def assert_error(code: int, err: str, *fragments: str) -> str:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


def write(folder: Path, name: str, data: bytes | str) -> str:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


# hostile cells: Unicode digits, huge and negative numbers, missing-value codes, text
CELLS = ["", " ", "NA", ".", "nan", "inf", "-inf", "²", "١٩٩٠", "１９９０", "1e3", "1994.5",
         "99999999999999999999", "-99999999999999999999", "9" * 400, "-5", "0", "-1990",
         "19900", "1994", "2000", "2", "20", "200", "FRA", "Côte d'Ivoire", "Narnia",
         "0x10", " 1990 ", "é", "\ufeff1990"]
# cells that break the row itself (an extra field, an unclosed quote): rarer
BREAKING = ["1,990", '"', '"FRA', "a,b,c"]
NAMES_POOL = ["cown", "iso3", "country", "year", "start", "end", "unit", "cascade", "time",
              "region", "gdp", "", " ", "year", "cown", "\ufeffcown", "ÿear"]
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]


MUTATIONS = ["empty", "blank", "header_only", "bad_cell", "bad_cell", "extra_field",
             "missing_field", "breaking_cell", "duplicate_column", "drop_column",
             "rename_column", "blank_lines", "encoding", "encoding"]


@st.composite
def hostile_csv(draw, columns: dict[str, list[str]], key: int = 1) -> bytes:
    """A valid CSV file (cells from ``columns``, one row per value of the first ``key``
    columns) with zero to two defects.

    Defects: empty or blank file, header only, a hostile cell (huge, negative or
    Unicode-digit numbers, missing-value codes, text), a ragged row, a cell that breaks
    the row, a duplicated, dropped or renamed column, blank lines, or another encoding
    (UTF-8 with BOM, Latin-1, Windows-1252, UTF-16).
    """
    header = list(columns)
    n_rows = draw(st.integers(1, 10))
    rows = [[draw(st.sampled_from(columns[c])) for c in header] for _ in range(n_rows)]
    rows = list({tuple(r[:key]): r for r in rows}.values())
    encoding = "utf-8"
    mutations = draw(st.lists(st.sampled_from(MUTATIONS), max_size=2))
    for m in mutations:
        if m == "empty":
            return b""
        if m == "blank":
            return draw(st.sampled_from([b"\n", b"\n\n  \n", b" ", b"\r\n", b",\n,\n"]))
        i = draw(st.integers(0, len(rows) - 1)) if rows else 0
        j = draw(st.integers(0, len(header) - 1))
        if m == "header_only":
            rows = []
        elif m == "bad_cell" and rows:
            rows[i][j] = draw(st.sampled_from(CELLS))
        elif m == "breaking_cell" and rows:
            rows[i][j] = draw(st.sampled_from(BREAKING))
        elif m == "extra_field" and rows:
            rows[i] = [*rows[i], draw(st.sampled_from(CELLS))]
        elif m == "missing_field" and rows:
            rows[i] = rows[i][:-1]
        elif m == "duplicate_column":
            header = [*header, header[j]]
            rows = [[*r, r[j] if j < len(r) else ""] for r in rows]
        elif m == "drop_column" and len(header) > 1:
            header = header[:j] + header[j + 1:]
            rows = [r[:j] + r[j + 1:] for r in rows]
        elif m == "rename_column":
            header = [*header[:j], draw(st.sampled_from(NAMES_POOL)), *header[j + 1:]]
        elif m == "blank_lines":
            rows = [*rows[:i], [""] * len(header), *rows[i:]]
        elif m == "encoding":
            encoding = draw(st.sampled_from(ENCODINGS))
    text = "\n".join(",".join(r) for r in [header, *rows]) + draw(st.sampled_from(["\n", ""]))
    return text.encode(encoding, errors="replace")


YEARS = [str(y) for y in range(1985, 2001)]
FIT_EVENTS = {"cown": ["2", "20", "200", "220"], "year": YEARS}
FIT_MEMBERSHIP = {"cown": ["2", "20", "200", "220", "230"], "start": ["1990", "1992"],
                  "end": ["", "", "1999"]}
TREATY = {"iso3": ["FRA", "DEU", "BRA", "IND", "CIV", "KOR", "USA", "ZAF", "NAM", "MEX"],
          "year": YEARS}
ADOPTIONS = {"unit": ["a", "b", "c", "d"], "cascade": ["1", "2", "3"],
             "time": ["1", "2", "3", "4"]}


# ------------------------------------------------------------------ fit
MEMBERSHIP = "cown,start,end\n2,1990,\n20,1990,\n200,1990,1999\n220,1992,\n"
EVENTS = "cown,year\n2,1994\n20,1996\n"


@FAST
@given(events=hostile_csv(FIT_EVENTS), membership=hostile_csv(FIT_MEMBERSHIP),
       which=st.sampled_from(["events", "membership", "both"]))
def test_fit_hostile_files(events, membership, which):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        e = write(folder, "events.csv", events if which != "membership" else EVENTS)
        m = write(folder, "membership.csv",
                  membership if which != "events" else MEMBERSHIP)
        code, out, err = run(["fit", "--events", e, "--membership", m,
                              "--exposure", "world_share", "--time", "none", "--end", "2000"])
    assert_clean(code, out, err)
    if code == 0:
        assert "Formula: event ~ world_share" in out and "Risk set:" in out


@FAST
@given(flag=st.sampled_from(["--start", "--end", "--lag"]),
       value=st.one_of(st.sampled_from(CELLS), st.integers().map(str),
                       st.text(min_size=1, max_size=6)))
def test_fit_hostile_numbers_on_the_command_line(flag, value):
    assume(not value.startswith("-") or value.lstrip("-").isascii())
    with tempfile.TemporaryDirectory() as d:
        e = write(Path(d), "events.csv", EVENTS)
        m = write(Path(d), "membership.csv", MEMBERSHIP)
        argv = ["fit", "--events", e, "--membership", m, "--exposure", "world_share",
                "--time", "none", f"{flag}={value}"]
        if flag == "--start":
            argv += ["--end", "2000"]
        code, out, err = run(argv)
    assert_clean(code, out, err)


OPTION_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", ";", "\t", "\\t", "||", "\\", '"', "ü", ",", "cown", "gdp",
                     "regional_share:window=²", "network:lag=99999999999999",
                     "world_share:lag=99999999999999999999", "event ~ gdp + C(",
                     "event ~ 1", "event ~ gdp:gdp", "event ~ np.log(gdp)", "event ~ year",
                     "event ~ cown", "event ~ gdp + I(1/0)", "~ gdp", "event",
                     "event ~ gdp | cown", "gdp ~ event"]))


@FAST
@given(option=st.sampled_from(["--sep", "--unit", "--time-col", "--formula", "--exposure",
                               "--cluster"]), value=OPTION_TEXT)
def test_fit_hostile_text_options(tmp_path_factory, option, value):
    folder = tmp_path_factory.mktemp("o")
    e = write(folder, "e.csv", EVENTS)
    m = write(folder, "m.csv", MEMBERSHIP)
    c = write(folder, "c.csv", "cown,year,gdp\n" + "".join(
        f"{u},{y},{(u * y) % 7}\n" for u in (2, 20, 200, 220) for y in range(1985, 2001)))
    argv = ["fit", "--events", e, "--membership", m, "--covariates", c, "--end", "2000",
            "--time", "none"]
    if option != "--exposure":
        argv += ["--exposure", "world_share"]
    code, out, err = run([*argv, f"{option}={value}"])
    assert_clean(code, out, err)


@pytest.mark.parametrize("argv, fragments", [
    (["--sep", "ü"], ["argument --sep", "not a field separator"]),
    (["--sep", "||"], ["argument --sep", "one character"]),
    (["--formula", "event ~ world_share | cown"], ["--formula:", "several parts"]),
    (["--formula", "event ~ np.log(gdp)"], ["--formula:", "non-finite"]),
    (["--cluster", "nation"], ["--cluster:", "'nation'"]),
    (["--time-col", "cown"], ["--time-col 'cown' is the unit column"]),
])
def test_fit_bad_text_options(tmp_path, argv, fragments):
    e = write(tmp_path, "e.csv", EVENTS)
    m = write(tmp_path, "m.csv", MEMBERSHIP)
    c = write(tmp_path, "c.csv", "cown,year,gdp\n" + "".join(
        f"{u},{y},{(u * y) % 7}\n" for u in (2, 20, 200, 220) for y in range(1985, 2001)))
    code, _, err = run(["fit", "--events", e, "--membership", m, "--covariates", c,
                        "--exposure", "world_share", "--end", "2000", "--time", "none", *argv])
    assert_error(code, err, *fragments)  # one line: numpy's log(0) warning is not shown


def test_fit_refuses_absurd_windows_up_front(tmp_path):
    e = write(tmp_path, "events.csv", EVENTS)
    m = write(tmp_path, "membership.csv", MEMBERSHIP)
    base = ["fit", "--events", e, "--membership", m, "--exposure", "world_share"]
    code, _, err = run([*base, "--end", "99999999"])
    assert_error(code, err, "argument --end", "99999999", "-9999..9999")
    code, _, err = run([*base, "--start", "-" + "9" * 30])
    assert_error(code, err, "argument --start", "30-digit number")
    for digits in ("²", "١٩٩٠", "１９９０"):
        code, _, err = run([*base, "--end", digits])
        assert_error(code, err, "argument --end", "is not a year", "digits 0-9")


def test_fit_refuses_a_risk_set_too_large_before_building_it(tmp_path):
    """300 spells over the 19,999 years -9999..9999: 5,999,700 unit-years, refused."""
    e = write(tmp_path, "e.csv", "cown,year\n1,1994\n")
    m = write(tmp_path, "m.csv", "cown,start,end\n" + "".join(
        f"{u},-9999,\n" for u in range(1, 301)))
    code, _, err = run(["fit", "--events", e, "--membership", m, "--exposure", "world_share",
                        "--end", "9999"])
    assert_error(code, err, "5999700 unit-years", "300 membership spells, -9999 to 9999",
                 "--start/--end",
                 "m.csv")


@pytest.mark.parametrize("events, membership, fragments", [
    # huge unit codes: read as text and matched as written (no OverflowError)
    ("cown,year\n99999999999999999999999,1994\n", None,
     ["events.csv, line 2, column 'cown'", "not in the membership file"]),
    # huge or non-ASCII years: refused on their line, with the value
    ("cown,year\n2,99999999999999999999\n", None,
     ["events.csv, line 2, column 'year'", "'99999999999999999999' is not a year",
      "four digits"]),
    ("cown,year\n2,١٩٩٤\n", None, ["events.csv, line 2, column 'year'", "not a whole year"]),
    ("cown,year\n2,²\n", None, ["events.csv, line 2, column 'year'", "not a whole year"]),
    # the membership file at fault is named, not the events file
    (EVENTS, "cown,start,end\n2,1990,\n20,1990,99999999\n",
     ["membership.csv, line 3, column 'end'", "'99999999' is not a year"]),
    (EVENTS, "cown,start,end\n2,1990,\n20,1990,\n",
     ["membership.csv: every membership spell is open-ended", "pass --end YEAR"]),
    (EVENTS, "cown,start,end\n2,1990,1995\n2,1994,\n20,1990,\n",
     ["membership.csv:", "overlapping"]),
    ("cown,year\n", None, ["events.csv: the file has a header line", "no rows"]),
    (EVENTS, "cown,start,end\n", ["membership.csv: the file has a header line", "no rows"]),
    ("\n\n", None, ["events.csv: the file is empty"]),
    (b"\x00\x01\x02", None, ["events.csv: holds NUL bytes"]),
])
def test_fit_bad_files_name_the_culprit(tmp_path, events, membership, fragments):
    e = write(tmp_path, "events.csv", events)
    m = write(tmp_path, "membership.csv", membership or MEMBERSHIP)
    code, _, err = run(["fit", "--events", e, "--membership", m, "--exposure", "world_share"])
    line = assert_error(code, err, *fragments)
    # messages name command-line flags, never the Python keywords behind them
    for keyword in (" end=", " start=", "outside='", "pass end", "cov_type="):
        assert keyword not in line, line


def _fit_world(seed: int = 3, n: int = 30):
    rng = np.random.default_rng(seed)
    units = np.arange(1, n + 1) * 10
    events = pd.DataFrame({"cown": units[: n // 2],
                           "year": rng.integers(1991, 2006, n // 2)})
    membership = pd.DataFrame({"cown": units, "start": 1990,
                               "end": pd.array([None] * n, dtype="Int64")})
    return events, membership


def _api_fit(events, membership, end):
    rs = RiskSet.from_events(events, unit="cown", time="year", membership=membership, end=end)
    rs = rs.with_exposure("world_share", exposure.world_share())
    return DiscreteTimeHazard.from_formula("event ~ world_share", rs, link="cloglog",
                                           time=None).fit()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16", "utf-16-le",
                                      "utf-16-be"])
def test_fit_reads_bom_latin1_and_utf16_files_as_the_api(tmp_path, encoding):
    """The same numbers whatever the encoding; a file that is not UTF-8 is noted."""
    events, membership = _fit_world()
    e, m = tmp_path / "e.csv", tmp_path / "m.csv"
    e.write_bytes(events.to_csv(index=False).encode(encoding))
    m.write_bytes(membership.to_csv(index=False).encode(encoding))
    out_json = tmp_path / "o.json"
    code, out, err = run(["fit", "--events", str(e), "--membership", str(m),
                          "--exposure", "world_share", "--time", "none", "--end", "2005",
                          "--json", str(out_json)])
    assert code == 0, err
    res = _api_fit(events, membership, 2005)
    data = json.loads(out_json.read_text())
    np.testing.assert_allclose(list(data["params"].values()), res.params.to_numpy(),
                               rtol=1e-10)
    assert data["n_events"] == res.n_events == len(events)
    # pure ASCII digits decode alike in Latin-1 and UTF-8; only UTF-16 is noted here
    assert ("not UTF-8; read as utf-16" in out) == encoding.startswith("utf-16")


def test_fit_says_when_end_is_beyond_the_data(tmp_path):
    events, membership = _fit_world()
    e = write(tmp_path, "e.csv", events.to_csv(index=False))
    m = write(tmp_path, "m.csv", membership.to_csv(index=False))
    last = int(max(events["year"].max(), membership["start"].max()))
    code, out, err = run(["fit", "--events", e, "--membership", m, "--exposure", "world_share",
                          "--time", "none", "--end", "2030"])
    assert code == 0, err
    assert f"note: the files end in {last}; --end 2030 adds {2030 - last} year(s)" in out


def test_fit_warns_before_the_estimates_and_offers_firth(tmp_path):
    """15 events for world_share and a cubic in duration: 15 / 4 = 3.75 < 10 per parameter."""
    events, membership = _fit_world()
    e = write(tmp_path, "e.csv", events.to_csv(index=False))
    m = write(tmp_path, "m.csv", membership.to_csv(index=False))
    base = ["fit", "--events", e, "--membership", m, "--exposure", "world_share",
            "--time", "cubic", "--end", "2005"]
    code, out, err = run(base)
    assert code == 0, err
    warning = ("warning: 15 events for 4 estimated parameters besides the intercept (3.8 per "
               "parameter): fewer than 10 events per estimated parameter")
    assert warning in out
    assert out.index(warning) < out.index("Formula:")
    assert "--firth" in out
    code, out, err = run([*base, "--firth"])
    assert code == 0, err
    assert "(Firth)" in out and warning in out
    code, _, err = run([*base, "--firth", "--model", "cox", "--time", "none"])
    assert_error(code, err, "--firth fits discrete-time models")
    # one parameter, 15 events: no warning
    code, out, err = run([*base[:-4], "--time", "none", "--end", "2005"])
    assert code == 0 and "warning" not in out, err


# ------------------------------------------------------------------ treaty
@pytest.fixture(scope="module")
def cedaw():
    from diffusion import datasets

    t = datasets.load_treaty_ratifications()
    return t[t["treaty"] == "CEDAW"].dropna(subset=["year", "iso3"]).sort_values("year")


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(content=hostile_csv(TREATY))
def test_treaty_hostile_files(content):
    with tempfile.TemporaryDirectory() as d:
        f = write(Path(d), "treaty.csv", content)
        code, out, err = run(["treaty", f, "--start", "1980"])
    assert_clean(code, out, err)
    if code == 0:
        assert "non-ratifiers are simply left out of the treaty file" in out


@pytest.mark.parametrize("content, argv, fragments", [
    (b"", [], ["treaty.csv: the file is empty"]),
    (b"iso3,year\n", [], ["treaty.csv: the file has a header line (iso3, year) but no rows"]),
    (b"\n\n", [], ["the file is empty"]),
    (b"iso3,iso3,year\nFRA,FRA,1990\n", [], ["treaty.csv, line 1", "more than once"]),
    (b"code,yr\nFRA,1990\n", [], ["no country column", "iso3", "country",
                                  "diffusion.countries.harmonize", "--country"]),
    (b"iso3,yr\nFRA,1990\n", [], ["no column 'year'"]),
    (b"iso3,year\nFRA,99999999999999999999\n", [], ["treaty.csv", "year"]),
    (b"iso3,year\nFRA,\xc2\xb2\n", [], ["treaty.csv", "year"]),
    (b"iso3,year\nFRA,-1990\n", [], ["impossible year"]),
    (b"iso3,year\nFrance,1990\n", [], ["unknown iso3", "diffusion.countries.harmonize",
                                       "--country"]),
    (b"country,year\nNarnia,1990\nFrance,1985\n",
     [], ["treaty.csv, line 2, column 'country'", "'Narnia'", "harmonize"]),
    (b"country,year\nFrance,1985\nCongo,1982\n",
     [], ["treaty.csv, line 3, column 'country'", "'Congo'", "several states", "COW 484"]),
    (b"iso3;year\nFRA;1990\n", [], ["separated by ';'", "commas"]),
    (b"iso3,year\nFRA,1990,7\n", [], ["treaty.csv, line 2: 3 fields"]),
    (b"iso3,year\nFRA,1990\n", ["--country", "nation"], ["no column 'nation' (--country)"]),
    (b"iso3,year\nFRA,1990\n", ["--end", "1970"], ["--end 1970 is before --start 1980"]),
    (b"iso3,year\nFRA,1990\n", ["--start", "2020"], ["treaty data end in 2016", "--start 2020"]),
    (b"iso3,year\nFRA,1990\n", ["--start", "99999999"], ["argument --start", "99999999"]),
    (b"iso3,year\nFRA,1990\n", ["--start", "\u00b2"], ["argument --start", "is not a year"]),
    (b"iso3,year\nFRA,1990\n", ["--start", "1700", "--end", "1800"],
     ["COW state system begins in 1816", "--start/--end"]),
    (b"iso3,year\nFRA,1990\nDEU,1995\n", ["--start", "1960", "--end", "1970"],
     ["no ratification falls in the window 1960-1970", "from 1990 to 1995"]),
    (b"country,year\nFrance,1990\n", ["--country", "year"], ["--country year"]),
    (b"iso3,year\nFRA,1990\n", ["--name", "a\x1bb"], ["--name", "printable"]),
    (b"iso3,year\nFRA,1990\n", ["--name", " "], ["--name", "printable"]),
    # one ratifier: the fit fails (separation), and the message says why and offers --firth
    (b"iso3,year\nFRA,1990\n", [], ["treaty.csv:", "--firth"]),
])
def test_treaty_bad_files_and_options(tmp_path, content, argv, fragments):
    f = write(tmp_path, "treaty.csv", content)
    opts = argv if "--start" in argv else ["--start", "1980", *argv]
    code, out, err = run(["treaty", f, *opts])
    line = assert_error(code, err, *fragments)
    assert "pass start=" not in line and "errors='report'" not in line


def test_treaty_latin1_names_equal_iso3_codes(tmp_path, cedaw):
    """Country names (Latin-1, as Excel saves them) give the numbers of ISO3 codes.

    Germany and Yemen are left out: their names denote another COW state in the
    year they ratified (West Germany; North or South Yemen), which names resolve by
    year and ISO3 codes do not.
    """
    keep = ["CIV", "KOR"]
    pool = cedaw[~cedaw["iso3"].isin([*keep, "DEU", "YEM"])]
    sample = pd.concat([cedaw[cedaw["iso3"].isin(keep)], pool.sample(58, random_state=4)])
    names = {"CIV": "Côte d'Ivoire", "KOR": "Korea, Rep."}
    sample = sample.assign(country=[names.get(c, n) for c, n in
                                    zip(sample["iso3"], sample["country"])])
    codes = tmp_path / "codes.csv"
    sample[["iso3", "year"]].to_csv(codes, index=False)
    by_name = tmp_path / "names.csv"
    by_name.write_bytes(sample[["country", "year"]].to_csv(index=False).encode("latin-1"))
    j1, j2 = tmp_path / "a.json", tmp_path / "b.json"
    code, out1, err = run(["treaty", str(codes), "--start", "1980", "--json", str(j1)])
    assert code == 0, err
    code, out2, err = run(["treaty", str(by_name), "--start", "1980", "--json", str(j2)])
    assert code == 0, err
    assert "not UTF-8; read as windows-1252" in out2
    assert "matched to COW codes by diffusion.countries.harmonize" in out2
    a, b = json.loads(j1.read_text()), json.loads(j2.read_text())
    assert a["n_events"] == b["n_events"] and a["n_obs"] == b["n_obs"]
    np.testing.assert_allclose(list(a["params"].values()), list(b["params"].values()),
                               rtol=1e-10)


def test_treaty_small_data_warns_before_the_verdicts_and_fits_firth(tmp_path, cedaw):
    sample = cedaw.sample(40, random_state=1)
    f = tmp_path / "small.csv"
    sample[["iso3", "year"]].to_csv(f, index=False)
    out_json = tmp_path / "o.json"
    code, out, err = run(["treaty", str(f), "--start", "1980", "--end", "2030",
                          "--json", str(out_json)])
    assert code == 0, err
    data = json.loads(out_json.read_text())
    n_par = len(data["params"]) - 1  # the intercept aside
    assert n_par == 8 and data["n_events"] < 10 * n_par  # the case this test is about
    warning = (f"warning: {data['n_events']} events for 8 estimated parameters besides "
               f"the intercept")
    assert warning in out and "fewer than 10 events per estimated parameter" in out
    assert out.index(warning) < out.index("Published claim beside our estimate")
    assert "--firth" in out
    assert "treaty data end in 2016; --end 2030 adds no years" in out
    assert "non-ratifiers are simply left out of the treaty file" in out
    assert data["warnings"] and "fewer than 10" in data["warnings"][0]
    code, out, err = run(["treaty", str(f), "--start", "1980", "--firth"])
    assert code == 0, err
    assert "Firth (bias-reduced) cloglog" in out.replace("\n  ", " ")
    assert out.index("fewer than 10 events") < out.index("Published claim beside our estimate")


def test_treaty_help_documents_names_non_ratifiers_and_the_rule(capsys):
    assert main(["treaty", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for fragment in ("never ratified are simply left out of the file",
                     "diffusion.countries.harmonize", "fewer than 10 events per estimated "
                     "parameter", "--firth", "--end", "--country"):
        assert fragment in text, fragment


# ------------------------------------------------------------------ netinf
NETINF = "unit,cascade,time\na,1,1\nb,1,2\nc,1,3\nb,2,1\nc,2,2\na,3,1\nc,3,2\n"


@FAST
@given(content=hostile_csv(ADOPTIONS, key=2))
def test_netinf_hostile_files(content):
    with tempfile.TemporaryDirectory() as d:
        f = write(Path(d), "adoptions.csv", content)
        code, out, err = run(["netinf", f, "--edges", "1"])
    assert_clean(code, out, err)
    if code == 0:
        assert "edges among" in out


@FAST
@given(years=st.one_of(st.sampled_from(["1-99999999", "1980-99999999", "²-3", "1-١٠",
                                        "3-1", "1-", "-", "1--2", "0-600", "1-2"]),
                       st.text(max_size=8)),
       window=st.sampled_from(["1", "0", "-1", "99999999999999999999", "²", "2"]))
def test_netinf_hostile_years_and_windows(tmp_path_factory, years, window):
    f = write(tmp_path_factory.mktemp("n"), "a.csv", NETINF)
    code, out, err = run(["netinf", f, "--edges", "1", f"--years={years}",
                          f"--window={window}"])
    assert_clean(code, out, err)


@pytest.mark.parametrize("argv, fragments", [
    (["--years", "1980-99999999", "--window", "5"],
     ["--years 1980-99999999: 99999999 is not a year"]),
    (["--years", "1-600", "--window", "5"], ["asks for 600 yearly networks", "more than the 500"]),
    (["--years", "10-12", "--window", "5"], ["the adoptions end in 3"]),
    (["--years", "²-3", "--window", "5"], ["--years must look like 1960-2009"]),
    (["--window", "5"], ["--window is used with --years"]),
    (["--edges", "99999999999999999999"], ["argument --edges", "outside 1.."]),
    (["--p-value", "nan"], ["argument --p-value", "not a number"]),
    (["--p-value", "0"], ["argument --p-value", "outside (0, 1]"]),
    (["--params", "inf"], ["argument --params"]),
    (["--params", "0"], ["--params for the exponential model"]),
    (["--model", "log-normal", "--params", "-1", "0"], ["--params for the log-normal model"]),
    (["--show", "-1"], ["argument --show"]),
    (["--unit", "state"], ["no column 'state' (--unit)"]),
])
def test_netinf_bad_options(tmp_path, argv, fragments):
    f = write(tmp_path, "a.csv", NETINF)
    opts = argv if any(a in argv for a in ("--edges", "--p-value")) else ["--edges", "1", *argv]
    code, _, err = run(["netinf", f, *opts])
    line = assert_error(code, err, *fragments)
    assert "n_edges=" not in line and "p_value_cutoff" not in line
    assert " params" not in line.replace("--params", "")


def test_netinf_latin1_unit_names_equal_the_api(tmp_path):
    from diffusion.exposure import infer_network

    text = NETINF.replace("a,", "Zürich,").replace("c,", "Genève,")
    f = write(tmp_path, "a.csv", text.encode("latin-1"))
    out_csv = tmp_path / "ties.csv"
    code, out, err = run(["netinf", f, "--edges", "2", "--out", str(out_csv)])
    assert code == 0, err
    assert "not UTF-8; read as windows-1252" in out
    expected = infer_network(pd.read_csv(io.StringIO(text)), n_edges=2).edges
    pd.testing.assert_frame_equal(pd.read_csv(out_csv), expected, check_dtype=False)


# --------------------------------------------------------------- replicate, demo
@FAST
@given(name=st.text(max_size=12))
def test_replicate_unknown_names(name):
    assume(name not in NAMES and not name.startswith("-"))
    code, out, err = run(["replicate", name])
    assert_clean(code, out, err)
    assert code == 2


BAD_NUMBERS = ["-1", "²", "١٠٠", "1e3", "nan", "", " ", "99999999999999999999"]


@FAST
@given(value=st.one_of(st.sampled_from([*BAD_NUMBERS, "0", "19", "5001"]),
                       st.integers(max_value=19).map(str),
                       st.integers(min_value=5001).map(str)))
def test_demo_hostile_units(value):
    code, out, err = run(["demo", f"--units={value}"])
    assert_error(code, err, "argument --units")


@FAST
@given(value=st.one_of(st.sampled_from([*BAD_NUMBERS, "4294967296"]),
                       st.integers(max_value=-1).map(str),
                       st.integers(min_value=2**32).map(str)))
def test_demo_hostile_seeds(value):
    code, out, err = run(["demo", f"--seed={value}"])
    assert_error(code, err, "argument --seed")


def test_replicate_warns_on_few_events_before_the_verdicts(tmp_path):
    """domestic_violence: 17 events for 4 parameters besides the intercept."""
    from diffusion import replications

    rep = replications.run("domestic_violence")
    n_par = len(rep.main.params) - 1
    assert rep.main.n_events < 10 * n_par  # the case this test is about
    out_json = tmp_path / "r.json"
    code, out, err = run(["replicate", "domestic_violence", "--json", str(out_json)])
    assert code == 0, err
    warning = (f"warning: {rep.main.n_events} events for {n_par} estimated parameters besides "
               f"the intercept")
    assert out.startswith(warning) and "--firth" not in out.splitlines()[0]
    assert "fewer than 10 events per estimated parameter" in out.splitlines()[0]
    assert json.loads(out_json.read_text())["warnings"]


@pytest.mark.parametrize("command", [["replicate", "lottery"], ["treaty", "t.csv", "--start",
                                                                    "1980"],
                                     ["netinf", "t.csv", "--edges", "1"]])
def test_figure_formats_are_checked_before_any_work(tmp_path, command):
    code, _, err = run([*command, "--plot", str(tmp_path / "figure.xyz")])
    assert_error(code, err, "argument --plot", "cannot draw a .xyz file", ".png")


def test_directories_are_not_files(tmp_path):
    for argv in (["treaty", str(tmp_path), "--start", "1980"],
                 ["netinf", str(tmp_path), "--edges", "1"]):
        code, _, err = run(argv)
        assert_error(code, err, "is a directory, not a CSV file")
    code, _, err = run(["replicate", "nope", "--json", str(tmp_path)])
    assert code == 2
    e = write(tmp_path, "e.csv", EVENTS)
    m = write(tmp_path, "m.csv", MEMBERSHIP)
    code, _, err = run(["fit", "--events", e, "--membership", m, "--exposure", "world_share",
                        "--time", "none", "--end", "2000", "--json", str(tmp_path)])
    assert_error(code, err, "cannot write", "directory")


def test_demo_smallest_world_runs():
    code, out, err = run(["demo", "--units", "20", "--seed", "0"])
    assert_clean(code, out, err)
    # 20 states may be too few to identify the model; if so, one line says why
    if code == 0:
        assert "Truth vs estimate" in out


# ------------------------------------------------------------- end to end
def test_subprocess_netinf_huge_years_returns_at_once(tmp_path):
    """The reviewer's hang: ``--years 1980-99999999`` is refused before any work."""
    f = write(tmp_path, "a.csv", NETINF)
    proc = subprocess.run([sys.executable, "-m", "diffusion", "netinf", f, "--edges", "1",
                           "--years", "1980-99999999", "--window", "5"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "99999999 is not a year" in proc.stderr


def test_subprocess_treaty_latin1_names(tmp_path, cedaw):
    """A Latin-1 file of country names runs end to end: no codec message, a result."""
    sample = pd.concat([cedaw[cedaw["iso3"] == "CIV"],
                        cedaw[~cedaw["iso3"].isin(["CIV", "DEU", "YEM"])]
                        .sample(39, random_state=5)])
    names = {"CIV": "Côte d'Ivoire"}
    sample = sample.assign(country=[names.get(c, n) for c, n in
                                    zip(sample["iso3"], sample["country"])])
    f = write(tmp_path, "latin.csv", sample[["country", "year"]].to_csv(index=False)
              .encode("latin-1"))
    proc = subprocess.run([sys.executable, "-m", "diffusion", "treaty", f, "--start", "1980"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "read as windows-1252" in proc.stdout and "fewer than 10 events" in proc.stdout
