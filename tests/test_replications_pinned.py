"""Each replication's specification and verdicts, pinned.

The risk sets are rebuilt here by brute force from the bundled tables -- a loop over
units and years with the published design's window, membership and exclusion rules,
written independently of :class:`diffusion.RiskSet` -- and must equal the replication's
rows one for one; the exposures are recomputed from the definitions. So a change to a
window, a sample rule, an exposure's lag or window, or the verdict threshold fails here.
The verdict of each claim is pinned as it stands: a change of verdict must be a
deliberate edit of this file, explained in the changelog.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusion import datasets, replications
from diffusion.replications import base

#: the current verdict of every claim: (model, term) -> reproduced
VERDICTS = {
    "suffrage": {("main", "regional5"): True, ("main", "world:post1930"): False},
    "domestic_violence": {("main", "belem"): True, ("mexico_1996", "belem"): True},
    "environment": {("main", "world"): False, ("main", "igo"): True, ("main", "mea"): False,
                    ("main", "log_gdppc"): True},
    "science_policy": {("main", "world"): False, ("main", "unesco"): False,
                       ("main", "log_gdppc"): True},
    "cedaw": {("main", "regional"): True, ("main", "igo"): False},
    "crpd": {("main", "regional"): False, ("main", "igo"): True},
    "lottery": {("main", "neighbor"): True, ("main", "fiscal"): False, ("main", "religion"): True,
                ("main", "income1"): True, ("main", "elect1"): True},
    "policy_networks": {("main", "network_dhb"): True, ("reinferred", "network_inferred"): True},
    "medical_innovation": {("cohesion_only", "cohesion"): False, ("main", "structural"): False,
                           ("main", "journ2"): True},
}


@pytest.fixture(scope="module")
def runs():
    return {}


def _run(runs, name):
    if name not in runs:
        runs[name] = replications.run(name)
    return runs[name]


def brute_force_rows(events: dict[int, int], spells: pd.DataFrame, start: int,
                     end: int) -> pd.DataFrame:
    """(unit, year, event) rows at risk: member in the year, inside [start, end], not yet
    adopted; a unit whose adoption falls before its first year at risk has no rows; an
    adoption in a year the unit was not a member censors it when it left."""
    rows = []
    for unit, grp in spells.groupby("cown"):
        member_years = sorted({y for s, e in zip(grp["start"], grp["end"])
                               for y in range(max(s, start), min(e, end) + 1)})
        if not member_years:
            continue
        adopted = events.get(unit)
        if adopted is not None and adopted < member_years[0]:
            continue  # adopted before risk
        for y in member_years:
            if adopted is not None and y > adopted:
                break
            rows.append((unit, y, int(adopted == y)))
    return pd.DataFrame(rows, columns=["cown", "year", "event"])


def _same_rows(frame: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = frame[["cown", "year", "event"]].astype("int64").sort_values(["cown", "year"])
    exp = expected.sort_values(["cown", "year"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), exp.reset_index(drop=True))


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_verdicts_are_pinned(runs, name):
    rep = _run(runs, name)
    v = rep.verdicts()
    got = {(m, t): bool(r) for m, t, r in zip(v["model"], v["term"], v["reproduced"])}
    assert got == VERDICTS[name]


def test_verdict_rule_is_pinned():
    assert base.ALPHA == 0.05 and base.LEVEL == 0.95


@pytest.mark.parametrize(("name", "treaty", "start"), [("cedaw", "CEDAW", 1980),
                                                       ("crpd", "CRPD", 2007)])
def test_treaty_sample_and_exposures(runs, name, treaty, start):
    from diffusion.replications.treaties import END, treaty_risk_set

    assert END == 2016
    rs, regions, _ = treaty_risk_set(treaty)
    assert (rs.start, rs.end) == (start, 2016)
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    tab = datasets.load_treaty_ratifications()
    tab = tab[(tab["treaty"] == treaty) & tab["cown"].notna()]
    events = dict(zip(tab["cown"].astype(int), tab["year"].astype(int)))
    # outside="censor": an adoption while not a member censors the unit at its exit
    expected = brute_force_rows(events, spells, start, 2016)
    frame = rs.frame
    _same_rows(frame, expected)
    # regional density and world share read t-1, among the members of t-1
    members = {y: set(spells.loc[(spells["start"] <= y) & (spells["end"] >= y), "cown"])
               for y in range(start - 1, 2017)}
    region = dict(zip(regions["cown"], regions["region"]))
    sample = frame.sample(200, random_state=1)
    for unit, year, reg, world in zip(sample["cown"], sample["year"], sample["regional"],
                                      sample["world"]):
        r = year - 1
        peers = [u for u in members[r] if u != unit and region.get(u) == region.get(unit)]
        adopted = [u for u in peers if events.get(u, 10**6) <= r]
        assert reg == pytest.approx(len(adopted) / len(peers) if peers else 0.0, abs=1e-12)
        all_adopted = [u for u in members[r] if events.get(u, 10**6) <= r]
        assert world == pytest.approx(len(all_adopted) / len(members[r]), abs=1e-12)
    # the model's sample: listwise deletion of the lagged covariates
    main = _run(runs, name).main
    used = frame.dropna(subset=["regional", "world", "igo", "polity2", "log_gdppc"])
    assert (main.n_obs, main.n_events) == (len(used), int(used["event"].sum()))
    assert main.model == "discrete-time cloglog" and main.cluster == "cown"


@pytest.mark.parametrize("name", ["lottery", "policy_networks"])
def test_lottery_sample(runs, name):
    panel = datasets.load_lottery()
    used = panel.dropna(subset=["fiscal", "party", "elect1", "elect2", "income1", "religion",
                                "neighbor", "adopt"])
    main = _run(runs, name).main
    assert (main.n_obs, main.n_events) == (len(used), int(used["adopt"].sum()))
    assert main.model == "discrete-time probit" and main.cov_type == "classic"
    assert (panel["year"].min(), panel["year"].max()) == (1964, 1986)


def test_medical_innovation_window(runs):
    from diffusion.replications.medical_innovation import risk_set

    rs, _ = risk_set()
    doctors = datasets.load_medical_innovation()
    # every doctor at risk from month 1 to adoption or month 17
    month = doctors["month"].astype("float64")
    last = month.fillna(17).clip(upper=17).astype(int)
    assert len(rs.frame) == int(last.sum())
    assert rs.frame["month"].min() == 1 and rs.frame["month"].max() == 17
    assert np.array_equal(rs.frame.groupby("doctor")["event"].sum().sort_index().to_numpy(),
                          month.set_axis(doctors["doctor"]).le(17).sort_index()
                          .astype(int).to_numpy())


# -------------------------------------------------------------- suffrage


def _regional_share_by_hand(events, spells, region, unit, year, window):
    r = year - 1
    members = set(spells.loc[(spells["start"] <= r) & (spells["end"] >= r), "cown"])
    peers = [u for u in members if u != unit and region.get(u) == region.get(unit)]
    recent = [u for u in peers if r - window + 1 <= events.get(u, -10**6) <= r]
    return len(recent) / len(peers) if peers else 0.0


def test_suffrage_uses_the_equal_terms_event_and_the_published_window(runs):
    from diffusion.replications import suffrage

    assert (suffrage.START, suffrage.END) == (1890, 1990)
    rs, regions, _ = suffrage.build_risk_set()
    table = datasets.load_suffrage(definition="equal_terms")
    assert table.attrs["definition"] == "equal_terms"
    tab = table.dropna(subset=["cown", "year_equal"])
    events = dict(zip(tab["cown"].astype(int), tab["year_equal"].astype(int)))
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    _same_rows(rs.frame, brute_force_rows(events, spells, 1890, 1990))
    # Turkey (COW 640) adopts in 1934 (the national vote), not 1930 (municipal)
    tur = rs.frame[rs.frame["cown"] == 640]
    assert tur.loc[tur["event"] == 1, "year"].tolist() == [1934]
    # the regional term is the five-year share, read in t-1
    region = dict(zip(regions["cown"], regions["region"]))
    frame = rs.frame.sample(150, random_state=2)
    for unit, year, value in zip(frame["cown"], frame["year"], frame["regional5"]):
        assert value == pytest.approx(
            _regional_share_by_hand(events, spells, region, unit, year, 5), abs=1e-12)
    assert (rs.frame["post1930"] == (rs.frame["year"] >= 1930)).all()
    main = _run(runs, "suffrage").main
    assert (main.n_obs, main.n_events) == (len(rs.frame), int(rs.frame["event"].sum()))
    assert main.model == "discrete-time cloglog" and main.cluster == "cown"


def test_suffrage_sensitivity_covers_the_codings_and_contested_cases(runs):
    table = _run(runs, "suffrage").tables
    (title, sens), = table.items()
    assert "Sensitivity" in title
    assert list(sens.index[:3]) == ["equal terms (default)", "LIED v6.8", "Paxton et al."]
    for case in ("Portugal", "South Africa", "Romania", "Guatemala", "French"):
        assert any(case in label for label in sens.index)
    # the default row is the main model
    main = _run(runs, "suffrage").main
    assert sens.loc["equal terms (default)", "N"] == main.n_obs
    assert sens.loc["LIED v6.8", "events"] != sens.loc["equal terms (default)", "events"]


def test_domestic_violence_sample(runs):
    from diffusion.replications import domestic_violence as dv

    assert (dv.START, dv.END) == (1990, 2016) and len(dv.LATIN_AMERICA) == 20
    laws = datasets.load_domestic_violence_laws()
    latin = laws[laws["iso3"].isin(dv.LATIN_AMERICA)]
    dated = latin.dropna(subset=["year"])
    rep = _run(runs, "domestic_violence")
    main = rep.main
    # every Latin American state with a national law in the window is an event
    assert main.n_events == int(dated["year"].between(1990, 2016).sum())
    assert main.n_units == 20
    assert rep.results["mexico_1996"].n_events == main.n_events + 1


def test_science_policy_sample_and_facts(runs):
    from diffusion.replications import science_policy as sp

    assert (sp.START, sp.END, sp.UNESCO_PROGRAMME) == (1945, 1990, 1960)
    rep = _run(runs, "science_policy")
    rs, _, notes = sp.build_risk_set()
    table = datasets.load_science_policy().dropna(subset=["cown"])
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    known = set(table["cown"].astype(int))
    # states without a known year are not in the rows (never coded as non-adopters)
    assert set(rs.frame["cown"]) <= known
    events = {int(c): int(y) for c, y in zip(table["cown"], table["year"]) if pd.notna(y)}
    none_by = {int(c): int(y) for c, y in zip(table["cown"], table["none_by"]) if pd.notna(y)}
    spells = spells[spells["cown"].isin(known)].copy()
    spells["end"] = [min(e, none_by.get(c, e)) for c, e in zip(spells["cown"], spells["end"])]
    _same_rows(rs.frame, brute_force_rows(events, spells, 1945, 1990))
    assert (rs.frame["unesco"] == (rs.frame["year"] >= 1960)).all()
    used = rs.frame.dropna(subset=["log_gdppc"])
    assert (rep.main.n_obs, rep.main.n_events) == (len(used), int(used["event"].sum()))
    facts = rep.tables["Finnemore's stated facts beside the bundled table:"]
    # every named 1962 adopter is checked against the table itself
    for name, cown in sp._PEAK_COWN.items():
        row = facts.loc[f"{name} created its first body in 1962 (p. 575)"]
        expected = events.get(cown)
        assert row["bundled table"] == ("no year" if expected is None else str(expected))
        assert row["agrees"] == ("yes" if expected == 1962 else "no")


def test_environment_stacks_the_nine_agreements(runs):
    from diffusion.replications import environment as env

    assert env.END == 2016
    stacked, by_treaty, _, _ = env.stacked_risk_set()
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    table = datasets.load_environmental_treaties()
    assert sorted(by_treaty) == sorted(datasets.ENVIRONMENTAL_TREATIES)
    frame = stacked.frame
    for treaty, opened in datasets.ENVIRONMENTAL_TREATIES.items():
        tab = table[(table["treaty"] == treaty) & table["cown"].notna()]
        events = dict(zip(tab["cown"].astype(int), tab["year"].astype(int)))
        rows = frame[frame["treaty"] == treaty]
        _same_rows(rows, brute_force_rows(events, spells, opened, 2016))
        # world share within the agreement, read in t-1, among the members of t-1
        for unit, year, world in zip(rows["cown"].iloc[::97], rows["year"].iloc[::97],
                                     rows["world"].iloc[::97]):
            r = year - 1
            members = set(spells.loc[(spells["start"] <= r) & (spells["end"] >= r), "cown"])
            share = sum(events.get(u, 10**6) <= r for u in members) / len(members)
            assert world == pytest.approx(share, abs=1e-12)
    main = _run(runs, "environment").main
    used = frame.dropna(subset=["world", "regional", "igo", "mea", "log_gdppc", "polity2"])
    assert (main.n_obs, main.n_events) == (len(used), int(used["event"].sum()))
    assert main.cluster == "cown" and main.n_clusters == used["cown"].nunique()
    # agreement-specific baselines: one dummy for each agreement but the reference one
    dummies = [t for t in main.terms if t.startswith("C(treaty)")]
    assert len(dummies) == len(datasets.ENVIRONMENTAL_TREATIES) - 1


def test_environment_per_agreement_signs_stated_in_the_guide(runs):
    # docs/guide/replications.md: the world share raises ratification of the early
    # agreements (Ramsar, Vienna) and has the opposite sign for the later ones
    results = _run(runs, "environment").results
    assert results["ramsar"].params["world"] > 0 and results["vienna"].params["world"] > 0
    for late in ("unfccc", "cbd", "kyoto"):
        assert results[late].params["world"] < 0
