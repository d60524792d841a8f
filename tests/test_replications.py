"""Replications on the bundled data: they run, report honestly, and the CLI behaves."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from diffusion import datasets, replications
from diffusion.cli import main
from diffusion.errors import SpecificationError
from diffusion.replications.base import Claim, Replication
from diffusion.results.hazard import HazardResults


@pytest.fixture(scope="module")
def suffrage():
    return replications.run("suffrage")


def test_suffrage_design(suffrage):
    res = suffrage.main
    assert res.model == "discrete-time cloglog" and res.cluster == "cown"
    assert {"regional5", "world", "post1930", "world:post1930"} <= set(res.terms)
    # the population is the COW system: every row's unit is a member that year
    spells = datasets.load_state_system(system="cow")
    assert res.n_units <= spells["cown"].nunique()
    kinds = {n.kind for n in res.notes}
    assert "adopted_before_risk" in kinds  # e.g. colonial-era suffrage
    assert set(suffrage.results) == {"main", "domestic", "cox"}
    v = suffrage.verdicts()
    assert list(v["term"]) == ["regional5", "world:post1930"]
    assert v["reproduced"].dtype == bool


def test_suffrage_risk_set_invariants():
    from diffusion.replications.suffrage import build_risk_set

    rs, regions, _ = build_risk_set()
    frame = rs.frame
    assert frame.groupby("cown")["event"].sum().max() <= 1
    last = frame.groupby("cown")["year"].transform("max")
    assert (frame.loc[frame["event"] == 1, "year"] == last[frame["event"] == 1]).all()
    assert frame["year"].between(1890, 1990).all()
    spells = datasets.load_state_system(system="cow")
    merged = frame.merge(spells[["cown", "start", "end"]], on="cown")
    inside = merged[(merged["year"] >= merged["start"]) & (merged["year"] <= merged["end"])]
    assert len(inside.drop_duplicates(["cown", "year"])) == len(frame)
    for col in ("regional5", "world"):
        assert frame[col].between(0, 1).all()


def test_report_and_json_round_trip(suffrage, tmp_path):
    text = suffrage.report()
    assert "Verdict:" in text and "Published claim beside our estimate" in text
    data = suffrage.to_json()
    json.dumps(data)  # plain types only
    assert data["n_obs"] == suffrage.main.n_obs
    assert data["params"]["regional5"] == pytest.approx(suffrage.main.params["regional5"])


def test_verdict_needs_sign_and_significance():
    def res(est, se):
        return HazardResults(model="m", terms=("x",), _params=np.array([est]),
                             _cov=np.array([[se**2]]), loglik=-1.0, n_obs=10, n_events=2,
                             n_units=5, cov_type="classic")
    claims = (Claim("x", "positive", +1, "a"), Claim("x", "positive", +1, "b"),
              Claim("x", "negative", -1, "c"))
    rep = Replication("t", "T", "c", "d", claims,
                      {"main": res(1.0, 0.1), "a": res(1.0, 0.1), "b": res(1.0, 1.0),
                       "c": res(1.0, 0.1)})
    assert rep.verdicts()["reproduced"].tolist() == [True, False, False]
    assert not rep.reproduced


@pytest.mark.parametrize("name", ["cedaw", "crpd", "lottery", "domestic_violence"])
def test_other_replications_run(name):
    rep = replications.run(name)
    assert rep.main.n_obs > 0 and len(rep.verdicts()) >= 1
    assert np.isfinite(rep.main.std_errors).all()


def test_lottery_is_berry_berry_sample():
    rep = replications.run("lottery")
    assert rep.main.n_obs == 857 and rep.main.n_events == 27
    assert rep.main.model == "discrete-time probit" and rep.main.cov_type == "classic"


def test_cedaw_uses_corrected_years():
    from diffusion.replications.treaties import treaty_risk_set

    rs, _, _ = treaty_risk_set("CEDAW")
    frame = rs.frame
    phl = frame[frame["cown"] == 840]  # Philippines ratified in 1981 (corrected)
    assert phl["year"].max() == 1981 and phl["event"].iloc[-1] == 1


def test_unknown_names_are_errors():
    with pytest.raises(SpecificationError, match="unknown replication 'nope'"):
        replications.run("nope")
    from diffusion.replications.treaties import treaty_risk_set

    with pytest.raises(SpecificationError, match="unknown treaty"):
        treaty_risk_set("XYZ")


def test_cli_replicate_writes_json_and_plot(tmp_path, capsys):
    out, fig = tmp_path / "r.json", tmp_path / "r.png"
    assert main(["replicate", "lottery", "--json", str(out), "--plot", str(fig)]) == 0
    printed = capsys.readouterr().out
    assert "Berry & Berry" in printed and "Verdict:" in printed
    data = json.loads(out.read_text())
    for key in ("params", "std_errors", "p_values", "n_obs", "n_events", "n_units"):
        assert key in data
    assert data["n_obs"] == 857
    assert fig.stat().st_size > 1000 and fig.read_bytes()[:4] == b"\x89PNG"


def test_cli_replicate_bad_name_and_path(tmp_path, capsys):
    assert main(["replicate", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown replication" in err[0]
    bad = tmp_path / "no-such-dir" / "x.json"
    assert main(["replicate", "lottery", "--json", str(bad)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cumulative_adoption_denominator_is_existing_states():
    from diffusion import RiskSet
    from diffusion.report.plots import cumulative_adoption, cumulative_adoption_table

    ev = pd.DataFrame({"u": ["A", "B"], "t": [1901, 1903]})
    spells = pd.DataFrame({"u": ["A", "B", "C"], "start": [1900, 1900, 1902],
                           "end": [1905, 1905, 1905]})
    rs = RiskSet.from_events(ev, unit="u", time="t", membership=spells)
    groups = pd.DataFrame({"u": ["A", "B", "C"], "g": ["x", "x", "y"]})
    table = cumulative_adoption_table(rs, groups)
    # 1900: A, B exist, none adopted; 1901: A adopted (1/2); 1902: C enters (1/3);
    # 1903: B adopts (2/3)
    assert table["all"].tolist() == pytest.approx([0, 1 / 2, 1 / 3, 2 / 3, 2 / 3, 2 / 3])
    assert table["x"].tolist() == pytest.approx([0, 0.5, 0.5, 1, 1, 1])
    assert np.isnan(table["y"].iloc[0]) and table["y"].iloc[3] == 0
    fig = cumulative_adoption(rs, groups)
    assert len(fig.axes[0].lines) == 3
    with pytest.raises(SpecificationError, match="do not exist"):
        cumulative_adoption(rs, groups, only=["z"])


def test_cli_treaty_on_user_file(tmp_path, capsys):
    table = datasets.load_treaty_ratifications()
    path = tmp_path / "crpd.csv"
    table.loc[table["treaty"] == "CRPD", ["iso3", "year"]].to_csv(path, index=False)
    assert main(["treaty", str(path), "--start", "2007", "--name", "CRPD"]) == 0
    mine = capsys.readouterr().out
    bundled = replications.run("crpd")
    assert (f"{bundled.main.params['regional']:+.3f} "
            f"({bundled.main.std_errors['regional']:.3f})") in mine


@pytest.mark.parametrize("content, match", [
    ("iso3,year\nFRA,2010\nXXX,2011\n", r"unknown iso3 code\(s\) in column 'iso3': row 3: 'XXX'"),
    ("iso3,year\nFRA,2010\nDEU,3000\n", r"impossible year\(s\) in column 'year': row 3: 'DEU' 3000"),
    ("iso3,year\nFRA,2010\nFRA,2011\n", "same country"),
    ("nation,year\nFrance,2010\n", "no country column.*diffusion.countries.harmonize"),
    ("iso3,year\nFRA,soon\n", "non-numeric"),
])
def test_cli_treaty_bad_files_exit_2(tmp_path, capsys, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["treaty", str(path), "--start", "2007"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0]
    import re
    assert re.search(match, err[0]), err[0]


def test_cli_treaty_missing_file(capsys):
    assert main(["treaty", "/nonexistent/x.csv", "--start", "2007"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_policy_networks_replication():
    rep = replications.run("policy_networks")
    assert rep.main.n_obs == 857 and rep.main.n_events == 27
    assert rep.results["reinferred"].n_obs == 857
    v = rep.verdicts().set_index("term")
    assert v.loc["network_dhb", "estimate"] > 0 and v.loc["network_inferred", "estimate"] > 0
    assert "share" in rep.data_notes[0]


def test_policy_network_exposure_by_hand():
    """The share of a state's sources in DHB's network of year t that had adopted a
    lottery by t - 1, computed directly from the tables."""
    from diffusion import RiskSet, datasets
    from diffusion.exposure import network

    panel = datasets.load_lottery()
    rs = RiskSet.from_panel(panel, unit="state", time="year", event="adopt")
    nets = datasets.load_dhb_networks()
    f = rs.with_exposure("x", network(nets.assign(year=nets["year"] - 1), time="year")).frame
    adopted = panel.loc[panel["adopt"] == 1].set_index("state")["year"]
    members = set(panel["state"])
    for state, year in [("CA", 1980), ("TX", 1985), ("GA", 1975), ("VT", 1970)]:
        ties = nets[(nets["year"] == year) & (nets["target"] == state)
                    & nets["source"].isin(members)]
        share = np.mean([adopted.get(s, 9999) <= year - 1 for s in ties["source"]])
        got = f.loc[(f["state"] == state) & (f["year"] == year), "x"]
        assert len(got) == 1 and got.iloc[0] == pytest.approx(share, abs=1e-12)


def test_medical_innovation_replication():
    from diffusion import datasets

    rep = replications.run("medical_innovation")
    # listwise deletion on the model's doctor attributes, counted from the table
    d = datasets.load_medical_innovation().dropna(subset=["journ2", "proage"])
    assert rep.main.n_units == len(d) < 125
    assert rep.main.n_events == int(d["month"].notna().sum())
    v = rep.verdicts().set_index("term")
    assert set(v.index) == {"cohesion", "structural", "journ2"}
    assert rep.main.cov_type == "cluster"


def test_medical_innovation_exposures_by_hand():
    """Cohesion and structural exposure of one doctor-month, from the tables directly."""
    from diffusion import datasets
    from diffusion.replications.medical_innovation import risk_set

    rs, se = risk_set()
    f = rs.frame.set_index(["doctor", "month"])
    d = datasets.load_medical_innovation().set_index("doctor")
    t = datasets.load_medical_innovation_ties()
    adopted_by = d["month"].astype("float64")
    for doctor, month in [("1-003", 8), ("1-007", 17), ("1-014", 9), ("1-002", 12)]:
        named = set(t.loc[(t["ego"] == doctor) & t["alter_surveyed"], "alter"])
        share = np.mean([adopted_by[a] <= month - 1 for a in named]) if named else 0.0
        assert f.loc[(doctor, month), "cohesion"] == pytest.approx(share, abs=1e-12)
        w = se[se["target"] == doctor].set_index("source")["weight"]
        expected = float((w * (adopted_by.reindex(w.index) <= month - 1)).sum() / w.sum())
        assert f.loc[(doctor, month), "structural"] == pytest.approx(expected, abs=1e-12)
        # SE weights stay within the doctor's city
        assert (w.index.str.split("-").str[0] == doctor.split("-")[0]).all()
