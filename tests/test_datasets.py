"""The bundled tables: loaders, documented columns, codes, corrections, rebuild, packaging."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _reference import load_module

import diffusion.datasets as ds
from diffusion.datasets import _files
from diffusion.errors import DataError, DiffusionError, SpecificationError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
REFERENCE = REPO.parent / "shared" / "reference-data"

# loader -> the columns its docstring documents, in order
COLUMNS = {
    "load_suffrage": ["iso3", "cown", "gwcode", "country", "year", "year_lied",
                      "year_paxton", "year_equal", "left_censored", "left_censored_paxton",
                      "confidence_equal", "source_equal", "alternatives_equal"],
    "load_regions": ["iso3", "cown", "gwcode", "country", "cow_region", "wb_region",
                     "un_region", "un_subregion", "continent"],
    "load_treaty_ratifications": ["iso3", "cown", "gwcode", "country", "treaty", "year"],
    "load_covariates": ["iso3", "cown", "gwcode", "country", "year", "gdppc", "pop",
                        "polyarchy", "polity2", "bmr", "igo_count", "ingo_hq",
                        "kof_political"],
    "load_vaw_laws": ["iso3", "cown", "country", "year", "instrument", "topic", "n_entries"],
    "load_domestic_violence_laws": ["iso3", "cown", "country", "year", "law", "level",
                                    "confidence", "source", "notes"],
    "load_spid": ["state", "state_abbr", "policy", "year"],
    "load_spid_policies": ["policy", "topic", "source", "first_year", "last_year",
                           "n_adoptions", "description"],
    "load_lottery": ["state", "statenum", "year", "year_original", "adopt", "elect1",
                     "elect2", "income1", "fiscal", "party", "religion", "neighbor",
                     "nbrpercn"],
    "load_belem_do_para": ["iso3", "cown", "country", "year"],
    "load_dhb_policies": ["state", "policy", "year"],
    "load_dhb_networks": ["network", "year", "source", "target"],
    "load_medical_innovation": ["doctor", "city", "id", "month", "toa_original", "detail",
                                "meet", "coll", "attend", "proage", "length", "here",
                                "science", "position", "journ2", "nojourn", "free", "social",
                                "club", "friends", "belief", "presc", "detail2", "proximty"],
    "load_medical_innovation_ties": ["ego", "alter", "city", "network", "rank",
                                     "alter_surveyed"],
    "load_work_injury": ["iso3", "cown", "country", "independence", "first_law",
                         "first_law_type", "first_socins", "full_coverage"],
    "load_science_policy": ["iso3", "cown", "country", "year", "body", "body_type",
                            "ministry_year", "ministry", "confidence", "source",
                            "upper_bound", "none_by"],
    "load_environmental_treaties": ["iso3", "cown", "gwcode", "country", "treaty", "year"],
    "load_environmental_treaty_counts": ["iso3", "cown", "year", "mea_count"],
}
SPELL_COLUMNS = ["iso3", "country", "start", "end", "open_ended", "microstate"]
# table file -> loader call
TABLES = {
    "suffrage": ds.load_suffrage, "regions": ds.load_regions,
    "treaties": ds.load_treaty_ratifications, "covariates": ds.load_covariates,
    "vaw_laws": ds.load_vaw_laws, "spid": ds.load_spid,
    "spid_policies": ds.load_spid_policies, "lottery": ds.load_lottery,
    "state_system": lambda: ds.load_state_system(system="cow"),
    "belem_do_para": ds.load_belem_do_para,
    "domestic_violence_laws": ds.load_domestic_violence_laws,
    "dhb_policies": ds.load_dhb_policies,
    "dhb_networks": lambda: ds.load_dhb_networks(None),
    "medical_innovation": ds.load_medical_innovation,
    "work_injury": ds.load_work_injury,
    "medical_innovation_ties": ds.load_medical_innovation_ties,
    "science_policy": ds.load_science_policy,
    "environmental_treaties": ds.load_environmental_treaties,
    "environmental_treaty_counts": ds.load_environmental_treaty_counts,
}


def _unique(df: pd.DataFrame, cols: list[str]) -> bool:
    return not df.dropna(subset=cols).duplicated(cols).any()


# --- every loader ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_loader_has_documented_columns(name):
    frame = getattr(ds, name)()
    assert list(frame.columns) == COLUMNS[name]
    assert len(frame) > 0
    documented = getattr(ds, name).__doc__
    for col in COLUMNS[name]:
        assert f"``{col}``" in documented, f"{name} does not document {col}"


@pytest.mark.parametrize("system, code", [("cow", "cown"), ("gw", "gwcode")])
def test_state_system_columns(system, code):
    spells = ds.load_state_system(system=system)
    assert list(spells.columns) == [code] + SPELL_COLUMNS
    assert spells[code].notna().all()
    assert spells["start"].dtype == np.int64 and spells["end"].dtype == np.int64


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_call_returns_a_fresh_frame(table):
    first = TABLES[table]()
    expected = TABLES[table]()
    first.iloc[:, 0] = None
    first = first.drop(index=first.index[:3])
    pd.testing.assert_frame_equal(TABLES[table](), expected)


def test_unknown_state_system_is_a_specification_error():
    with pytest.raises(SpecificationError, match="'cow', 'gw'") as info:
        ds.load_state_system(system="polity")
    assert isinstance(info.value, DiffusionError)


def test_system_is_keyword_only():
    with pytest.raises(TypeError):
        ds.load_state_system("gw")  # type: ignore[misc]


# --- codes --------------------------------------------------------------------------------

def test_codes_unique_where_they_should_be():
    regions = ds.load_regions()
    for col in ("iso3", "cown", "gwcode", "country"):
        assert _unique(regions, [col]), f"regions.{col}"
    suffrage = ds.load_suffrage()
    assert suffrage["cown"].notna().all()
    for col in ("iso3", "cown", "gwcode"):
        assert _unique(suffrage, [col]), f"suffrage.{col}"
    cov = ds.load_covariates()
    assert _unique(cov, ["cown", "year"]) and _unique(cov, ["iso3", "year"])
    assert cov[["cown", "iso3"]].notna().any(axis=1).all()
    assert _unique(ds.load_treaty_ratifications(), ["iso3", "treaty"])
    assert _unique(ds.load_vaw_laws(), ["cown", "year", "instrument", "topic"])
    assert _unique(ds.load_spid(), ["state", "policy"])
    assert _unique(ds.load_spid_policies(), ["policy"])
    assert _unique(ds.load_lottery(), ["state", "year"])
    for system, code in (("cow", "cown"), ("gw", "gwcode")):
        assert _unique(ds.load_state_system(system=system), [code, "start"])


def test_every_code_in_a_table_has_a_regions_row():
    regions = ds.load_regions()
    known = {col: set(regions[col].dropna()) for col in ("iso3", "cown", "gwcode")}
    frames = [ds.load_suffrage(), ds.load_treaty_ratifications(), ds.load_covariates(),
              ds.load_vaw_laws(), ds.load_state_system(system="cow"),
              ds.load_state_system(system="gw")]
    for frame in frames:
        for col in ("iso3", "cown", "gwcode"):
            if col in frame:
                missing = set(frame[col].dropna()) - known[col]
                assert not missing, f"{col} values without a regions row: {sorted(missing)}"


def test_namibia_keeps_its_codes():
    # ISO2 "NA" in the treaty source must not have become a missing value
    t = ds.load_treaty_ratifications()
    assert t.loc[(t["iso3"] == "NAM") & (t["treaty"] == "CEDAW"), "year"].tolist() == [1992]
    assert ds.load_regions().set_index("iso3").loc["NAM", "cown"] == 565


def test_country_and_iso3_agree_with_regions():
    names = ds.load_regions().dropna(subset=["iso3"]).set_index("iso3")["country"]
    for frame in (ds.load_suffrage(), ds.load_treaty_ratifications(), ds.load_covariates()):
        keyed = frame.dropna(subset=["iso3"])
        assert (keyed["country"].to_numpy() == names.loc[keyed["iso3"]].to_numpy()).all()


def test_code_fixes_to_the_crosswalk():
    r = ds.load_regions().set_index("country")
    assert r.loc["Serbia", "cown"] == 345 and pd.isna(r.loc["Yugoslavia", "cown"])
    assert r.loc["Yemen", "gwcode"] == 678 and r.loc["Vietnam", "gwcode"] == 816
    assert r.loc["Kiribati", "gwcode"] == 970 and r.loc["Kiribati", "cown"] == 946
    assert r.loc["German Federal Republic", "cown"] == 260


# --- corrections and spot-checks --------------------------------------------------------

@pytest.mark.parametrize("treaty, iso3, year", [
    ("CEDAW", "PHL", 1981), ("CEDAW", "CPV", 1980), ("CEDAW", "GMB", 1993),
    ("CEDAW", "SGP", 1995), ("ICERD", "USA", 1994), ("ICERD", "GBR", 1969),
    ("ICERD", "BRA", 1968), ("ICERD", "JAM", 1971), ("ICERD", "MEX", 1975),
    ("ICERD", "DEU", 1969), ("ICERD", "ATG", 1988),
    # unchanged values, as spot-checked in the source's provenance notes
    ("CEDAW", "SWE", 1980), ("CEDAW", "GBR", 1986), ("ICCPR", "USA", 1992),
    ("ICERD", "PAK", 1966), ("ICCPR-OP1", "KAZ", 2009),
])
def test_treaty_year(treaty, iso3, year):
    t = ds.load_treaty_ratifications()
    assert t.loc[(t["treaty"] == treaty) & (t["iso3"] == iso3), "year"].tolist() == [year]


def test_non_parties_have_no_row():
    t = ds.load_treaty_ratifications()
    parties = set(zip(t["treaty"], t["iso3"]))
    for pair in [("ICERD", "BRN"), ("CEDAW", "USA"), ("CEDAW", "IRN"), ("CRC", "USA"),
                 ("ICCPR", "CHN"), ("OP-CEDAW", "ZWE")]:
        assert pair not in parties


def test_treaties_are_the_eighteen_short_codes():
    t = ds.load_treaty_ratifications()
    assert list(dict.fromkeys(t["treaty"])) == list(ds.TREATIES)
    counts = t["treaty"].value_counts()
    assert counts["CEDAW"] == 187 and counts["ICERD"] == 180 and counts["CRC"] == 192


@pytest.mark.parametrize("iso3, lied, paxton", [
    ("USA", 1965, 1920), ("NZL", 1893, 1907), ("FIN", 1906, 1917), ("NOR", 1913, 1913),
    ("SWE", 1919, 1919), ("GBR", 1928, 1928), ("FRA", 1944, 1944), ("CHE", 1971, 1971),
    ("LIE", 1984, 1984), ("KWT", 2006, 2005), ("AUS", 1901, 1962), ("JPN", 1952, 1945),
])
def test_suffrage_years(iso3, lied, paxton):
    row = ds.load_suffrage().set_index("iso3").loc[iso3]
    assert (row["year"], row["year_paxton"]) == (lied, paxton)


def test_suffrage_units_merged_by_cow_code():
    s = ds.load_suffrage().set_index("cown")
    assert s.loc[345, "year"] == 1945  # Yugoslavia's year, not Serbia's 2006
    assert s.loc[365, "year"] == 1917 and not s.loc[365, "left_censored"]
    assert pd.isna(s.loc[670, "year"])  # Saudi Arabia: never by 2024
    assert s.loc[920, "left_censored_paxton"] and not s.loc[920, "left_censored"]


# --- plausible values -------------------------------------------------------------------

TREATY_ADOPTED = {  # year the General Assembly adopted the treaty
    "CEDAW": 1979, "OP-CEDAW": 1999, "ICCPR": 1966, "ICCPR-OP1": 1966, "ICCPR-OP2": 1989,
    "ICESCR": 1966, "ICESCR-OP": 2008, "CAT": 1984, "OPCAT": 2002, "CRC": 1989,
    "CRC-OP-AC": 2000, "CRC-OP-SC": 2000, "CRC-OP-IC": 2011, "ICERD": 1965, "ICMW": 1990,
    "CPED": 2006, "CRPD": 2006, "CRPD-OP": 2006,
}


def test_years_are_plausible():
    s = ds.load_suffrage()
    assert s["year"].dropna().between(1893, 2024).all()
    assert s["year_paxton"].dropna().between(1893, 2017).all()
    t = ds.load_treaty_ratifications()
    assert (t["year"] >= t["treaty"].map(TREATY_ADOPTED)).all() and t["year"].max() <= 2022
    for system, last in (("cow", 2016), ("gw", 2017)):
        spells = ds.load_state_system(system=system)
        assert (spells["start"] <= spells["end"]).all()
        assert spells["start"].min() == 1816 and spells["end"].max() == last
        assert (spells.loc[spells["open_ended"], "end"] == last).all()
    v = ds.load_vaw_laws()
    assert v["year"].between(1816, 2016).all() and (v["n_entries"] >= 1).all()
    spid = ds.load_spid()
    assert spid["year"].between(1691, 2017).all() and spid["state"].nunique() == 50


def test_covariate_ranges():
    c = ds.load_covariates()
    assert c["year"].between(1800, 2024).all()
    assert c["polyarchy"].dropna().between(0, 1).all()
    assert c["polity2"].dropna().between(-10, 10).all()
    assert set(c["bmr"].dropna()) == {0, 1}
    for col in ("gdppc", "pop", "igo_count", "ingo_hq"):
        assert (c[col].dropna() >= 0).all()
    assert c["kof_political"].dropna().between(0, 100).all()
    deu = c.dropna(subset=["iso3"]).set_index(["iso3", "year"]).sort_index()
    assert deu.loc[("DEU", 1960), "cown"] == 260 and deu.loc[("DEU", 2000), "cown"] == 255
    assert deu.loc[("YEM", 1990), "cown"] == 679 and deu.loc[("YEM", 1985), "cown"] == 678
    assert deu.loc[("USA", 2014), "igo_count"] > 0
    # the USSR's population, not Russia's, while the USSR existed
    assert deu.loc[("RUS", 1980), "pop"] > 1.5 * deu.loc[("RUS", 2000), "pop"]


def test_lottery_panel():
    lot = ds.load_lottery()
    assert (lot["year"] == lot["year_original"] + 1900).all()
    assert lot["year"].between(1964, 1986).all() and lot["state"].nunique() == 48
    last = lot.groupby("state")["year"].transform("max") == lot["year"]
    assert (lot.loc[lot["adopt"] == 1].index.isin(lot.index[last])).all()
    assert set(lot.loc[lot["party"].isna(), "state"]) == {"MN", "NE"}
    assert lot["adopt"].sum() == 27


def test_spid_counts_match_the_policy_table():
    counts = ds.load_spid().groupby("policy").size()
    policies = ds.load_spid_policies().set_index("policy")
    assert len(policies) == 728
    assert counts.reindex(policies.index).eq(policies["n_adoptions"]).all()


# --- files, codebooks, rebuild, packaging ------------------------------------------------

CODEBOOK_SECTIONS = ("## Unit and coverage", "## Variables", "## Source", "## Licence",
                     "## Known issues", "## Corrections")


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_has_a_codebook(table):
    text = (DATA / f"{table}.md").read_text(encoding="utf-8")
    for section in CODEBOOK_SECTIONS:
        assert section in text, f"data/{table}.md lacks {section!r}"


def test_data_folder_is_small():
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 4 * 1024 * 1024
    assert {p.stem for p in DATA.glob("*.csv")} == set(TABLES)


def test_tables_fall_back_to_the_source_folder(monkeypatch):
    def unavailable(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(_files.importlib.resources, "files", unavailable)
    assert len(ds.load_regions()) > 0


def test_missing_table_is_a_diffusion_error(monkeypatch, tmp_path):
    def unavailable(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(_files.importlib.resources, "files", unavailable)
    monkeypatch.setattr(_files, "_SOURCE_DATA", tmp_path)
    with pytest.raises(DiffusionError, match="pip install"):
        ds.load_suffrage()


def test_stale_table_is_a_data_error():
    with pytest.raises(DataError, match="out of step"):
        _files.read_table("regions", {"iso3": "object"})


def _build_module():
    return load_module(REPO / "scripts" / "build_data.py")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data is absent")
def test_rebuild_reproduces_the_committed_tables(tmp_path, capsys):
    build = _build_module()
    assert build.main([str(REFERENCE), "--out", str(tmp_path)]) == 0
    rebuilt = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert rebuilt == sorted(p.name for p in DATA.glob("*.csv"))
    # the codebooks the build writes (environmental treaties, science policy, ...) too
    codebooks = sorted(p.name for p in tmp_path.glob("*.md"))
    assert {"environmental_treaties.md", "environmental_treaty_counts.md",
            "science_policy.md"} <= set(codebooks)
    for name in rebuilt + codebooks:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_build_refuses_a_missing_reference_folder(tmp_path, capsys):
    build = _build_module()
    assert build.main([str(tmp_path / "absent"), "--out", str(tmp_path)]) == 2
    assert "reference data not found" in capsys.readouterr().err


def test_pyproject_lists_every_subpackage():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.relative_to(REPO).parts)
        for p in (REPO / "diffusion").rglob("*")
        if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))
    } | {"diffusion"}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"]["diffusion._tables"] == "data"
    assert set(config["package-data"]["diffusion._tables"]) >= {"*.csv", "*.md"}


def test_belem_do_para_parties():
    bel = ds.load_belem_do_para()
    assert len(bel) == 32 and bel["iso3"].is_unique
    assert bel["year"].between(1994, 2005).all()
    assert not bel["iso3"].isin(["USA", "CAN", "CUB"]).any()  # not parties
    regions = ds.load_regions()
    assert bel["cown"].isin(regions["cown"]).all()


def test_dhb_tables():
    p = ds.load_dhb_policies()
    assert len(p) == 6196 and p["policy"].nunique() == 187 and p["state"].nunique() == 50
    assert _unique(p, ["state", "policy"])
    n = ds.load_dhb_networks(None)
    assert _unique(n, ["network", "year", "source", "target"])
    assert (n["source"] != n["target"]).all()
    assert set(n["source"]) | set(n["target"]) <= set(p["state"])
    counts = n.groupby(["network", "year"]).size()
    assert counts.loc["35y_300"].eq(300).all() and counts.loc["10y_400"].between(100, 400).all()
    assert ds.load_dhb_networks()["network"].eq("35y_300").all()
    with pytest.raises(SpecificationError, match="network"):
        ds.load_dhb_networks("5y_100")


def test_dhb_networks_direction_is_recovered_by_netinf():
    """NetInf run again on the policies recovers most of DHB's edges in the direction
    read (source -> follower) and few in the other: the archive does not say which."""
    from diffusion.exposure import infer_networks

    policies = ds.load_dhb_policies()
    ours = infer_networks(policies, [1969, 1989], window=35, unit="state", cascade="policy",
                          time="year", n_edges=300, params=0.5)
    dhb = ds.load_dhb_networks()
    for year in (1970, 1990):  # DHB's year t: adoptions up to t - 1
        theirs = dhb[dhb["year"] == year]
        mine = ours[ours["year"] == year - 1]
        forward = set(zip(theirs["source"], theirs["target"]))
        pairs = set(zip(mine["source"], mine["target"]))
        backward = {(b, a) for a, b in forward}
        assert len(forward & pairs) / 300 > 0.8
        assert len(backward & pairs) / 300 < 0.25


def test_medical_innovation_tables():
    d = ds.load_medical_innovation()
    assert len(d) == 125 and d["doctor"].is_unique
    assert d.groupby("city").size().to_dict() == {1: 62, 2: 24, 3: 21, 4: 18}
    assert d["month"].dropna().between(1, 17).all()
    # netdiffuseR's code 18 (not adopted) became a missing month, nothing else changed
    assert (d["month"].isna() == (d["toa_original"] == 18)).all()
    assert (d["month"].dropna() == d.loc[d["month"].notna(), "toa_original"]).all()
    t = ds.load_medical_innovation_ties()
    assert not t.duplicated(["ego", "network", "rank"]).any()
    assert (t["ego"] != t["alter"]).all() and t["ego"].isin(d["doctor"]).all()
    assert (t["alter_surveyed"] == t["alter"].isin(d["doctor"])).all()
    # a nomination stays within the nominator's city
    assert (t["alter"].str.split("-").str[0].astype(int) == t["city"]).all()


def test_work_injury_table():
    w = ds.load_work_injury()
    assert len(w) == 186 and w["cown"].is_unique
    assert w["first_law"].between(1850, 2015).all()
    assert int(w["first_socins"].notna().sum()) == 167
    # social insurance never precedes the first law
    both = w.dropna(subset=["first_socins"])
    assert (both["first_socins"] >= both["first_law"]).all()
    assert set(w["first_law_type"]) == {"employer liability", "risk pooling"}
    # corrected: Vietnam is the unified state (COW 816), not the Republic of Vietnam
    assert 817 not in set(w["cown"]) and w.loc[w["cown"] == 816, "iso3"].item() == "VNM"


# --- domestic-violence laws (issue 11) -----------------------------------------------------

OAS_MEMBERS = {
    "ATG", "ARG", "BHS", "BRB", "BLZ", "BOL", "BRA", "CAN", "CHL", "COL", "CRI", "CUB", "DMA",
    "DOM", "ECU", "SLV", "GRD", "GTM", "GUY", "HTI", "HND", "JAM", "MEX", "NIC", "PAN", "PRY",
    "PER", "KNA", "LCA", "VCT", "SUR", "TTO", "USA", "URY", "VEN",
}


def test_domestic_violence_columns_and_types():
    dv = ds.load_domestic_violence_laws()
    assert str(dv["year"].dtype) == "Int64" and dv["cown"].dtype == np.int64
    for col in ("iso3", "country", "law", "level", "confidence", "source", "notes"):
        assert dv[col].dtype == object, col
    assert set(dv["level"]) <= {"national", "sub-national", "none found"}
    assert set(dv["confidence"]) <= {"high", "medium", "low"}
    # a year exactly where a national law was found, and a law title with it
    national = dv["level"] == "national"
    assert dv.loc[national, "year"].notna().all() and dv.loc[~national, "year"].isna().all()
    assert (dv["law"].notna() == national).all()
    assert dv["source"].str.startswith("http").all()
    assert dv["year"].dropna().between(1990, 2010).all()
    # every row below "high" says why
    assert dv.loc[dv["confidence"] != "high", "notes"].notna().all()


def test_domestic_violence_one_row_per_oas_state():
    dv = ds.load_domestic_violence_laws()
    assert dv["iso3"].is_unique and set(dv["iso3"]) == OAS_MEMBERS
    regions = ds.load_regions().dropna(subset=["iso3"]).set_index("iso3")
    assert (dv.set_index("iso3")["cown"] == regions.loc[sorted(OAS_MEMBERS), "cown"]).all()


# The OAS Inter-American Commission of Women's list ("Laws on violence"), the check
# of the old table, and the two countries missing from it.
@pytest.mark.parametrize("iso3, year", [
    ("ATG", 1999), ("ARG", 1994), ("BHS", 1991), ("BRB", 1992), ("BLZ", 1992),
    ("BOL", 1995), ("BRA", 2006), ("CHL", 1994), ("COL", 1996), ("CRI", 1996),
    ("TTO", 1991),
])
def test_domestic_violence_checked_years(iso3, year):
    dv = ds.load_domestic_violence_laws().set_index("iso3")
    assert dv.loc[iso3, "year"] == year


def test_domestic_violence_mexico_canada_peru():
    dv = ds.load_domestic_violence_laws().set_index("iso3")
    # present, with the sub-national law in the notes rather than as a national adoption
    for iso3, law_year in (("MEX", "1996"), ("CAN", "1995")):
        assert dv.loc[iso3, "level"] == "sub-national" and pd.isna(dv.loc[iso3, "year"])
        assert law_year in dv.loc[iso3, "notes"]
    assert dv.loc["MEX", "confidence"] == "low"
    # Peru's year comes from the project's review file, not from the reference table
    assert dv.loc["PER", "year"] == 1993 and "review" in dv.loc["PER", "notes"]
    assert set(dv.loc[["CUB", "HTI"], "level"]) == {"none found"}


def test_vaw_table_points_to_the_domestic_violence_loader():
    assert "load_domestic_violence_laws" in ds.load_vaw_laws.__doc__
    assert "domestic_violence_laws" in (DATA / "vaw_laws.md").read_text(encoding="utf-8")


def test_belem_do_para_counts_the_deposit():
    # El Salvador's instrument was deposited in 1996; its 1995 decree does not count
    assert ds.load_belem_do_para().set_index("iso3").loc["SLV", "year"] == 1996


review_file = REPO / "scripts" / "sources" / "domestic_violence_review.csv"


def test_domestic_violence_review_file_is_compact_and_cited():
    review = pd.read_csv(review_file, dtype=str, keep_default_na=False)
    assert list(review.columns) == ["iso3", "column", "reference_value", "value",
                                    "source_url", "quote", "note"]
    assert review["source_url"].str.startswith("http").all()
    assert (review["quote"].str.split().str.len() <= 25).all()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data is absent")
def test_domestic_violence_rebuild_and_stale_review(tmp_path):
    build = _build_module()
    regions = build.build_regions(REFERENCE)
    codes = build.Codes(regions, build.read(REFERENCE, "state-system/cow_states2016.csv"))
    built = build.build_domestic_violence(REFERENCE, codes)
    build.write(built, tmp_path, "domestic_violence_laws")
    assert ((tmp_path / "domestic_violence_laws.csv").read_bytes()
            == (DATA / "domestic_violence_laws.csv").read_bytes())
    # a review row whose reference value is no longer in the reference data stops the build
    ref = build.read(REFERENCE, build.DV_SOURCE, dtype=str)
    stale = pd.read_csv(review_file, dtype=str, keep_default_na=False, na_values=[""])
    stale["reference_value"] = "1990"
    with pytest.raises(SystemExit, match="re-check the review row"):
        build._apply_review(ref, stale)


# --- covariates and regions defects (issue 11, item 6) ------------------------------------

def test_gwcode_present_after_the_gw_list_ends():
    cov = ds.load_covariates()
    last = cov[cov["year"] == 2017].dropna(subset=["gwcode"]).set_index("iso3")["gwcode"]
    for year in range(2018, 2025):
        rows = cov[(cov["year"] == year) & cov["iso3"].isin(last.index)].set_index("iso3")
        assert len(rows) > 150, year
        # every state with a G&W code in 2017 keeps that code
        assert (rows["gwcode"] == last.reindex(rows.index)).all(), year


def test_polity2_follows_polity_rule():
    cov = ds.load_covariates().dropna(subset=["iso3"])
    cov = dict(zip(zip(cov["iso3"], cov["year"]), cov["polity2"]))
    # a transition at the start of a series has no score before it: missing, as in Polity5
    assert all(pd.isna(cov[("IND", y)]) for y in range(1947, 1952))
    assert cov[("IND", 1952)] == 5
    # a transition between two scores is prorated: Spain 1975-1977 between 1974 and 1978
    before, after = cov[("ESP", 1974)], cov[("ESP", 1978)]
    for k, year in enumerate(range(1975, 1978), start=1):
        assert cov[("ESP", year)] == before + (after - before) * k / 4
    assert "India 1947" in ds.load_covariates.__doc__


def test_historical_states_have_every_regional_scheme():
    r = ds.load_regions()
    cols = ["wb_region", "un_region", "un_subregion", "continent"]
    historical = r[r["iso3"].isna()]
    assert len(historical) > 25 and historical[cols].notna().all().all()
    by_name = historical.set_index("country")
    by_iso = r.dropna(subset=["iso3"]).set_index("iso3")
    for name, like in (("Czechoslovakia", "CZE"), ("Yugoslavia", "SRB"), ("Bavaria", "DEU"),
                       ("Tibet", "CHN"), ("Zanzibar", "TZA"), ("Korea", "KOR")):
        assert by_name.loc[name, cols].tolist() == by_iso.loc[like, cols].tolist(), name


# --- suffrage: the three definitions and the equal-terms review --------------------------

SUFFRAGE_SOURCES = REPO / "scripts" / "sources"
SUFFRAGE_YEAR_COLUMN = {"lied": "year_lied", "paxton": "year_paxton",
                        "equal_terms": "year_equal"}


def _suffrage_risk_set_cown() -> set[int]:
    """COW members at some point in 1890-1990 (Ramirez, Soysal & Shanahan's window)."""
    cow = ds.load_state_system(system="cow")
    return set(cow.loc[(cow["start"] <= 1990) & (cow["end"] >= 1890), "cown"].astype(int))


@pytest.mark.parametrize("definition", sorted(SUFFRAGE_YEAR_COLUMN))
def test_suffrage_definition_chooses_the_year(definition):
    s = ds.load_suffrage(definition=definition)
    assert s["cown"].is_unique and len(s) == len(ds.load_suffrage())
    pd.testing.assert_series_equal(s["year"], s[SUFFRAGE_YEAR_COLUMN[definition]],
                                   check_names=False)
    assert s.attrs["definition"] == definition
    # the other columns do not depend on the definition
    others = s.drop(columns="year")
    pd.testing.assert_frame_equal(others, ds.load_suffrage().drop(columns="year"))


def test_suffrage_default_is_lied_and_options_are_checked():
    s = ds.load_suffrage()
    assert s.attrs["definition"] == "lied"
    assert s.set_index("iso3").loc["USA", "year"] == 1965  # LIED's Voting Rights Act year
    with pytest.raises(SpecificationError, match="'equal_terms'") as info:
        ds.load_suffrage(definition="equal")  # type: ignore[arg-type]
    assert isinstance(info.value, DiffusionError)
    with pytest.raises(TypeError):
        ds.load_suffrage("lied")  # type: ignore[misc]


def test_suffrage_turkey_national_vote_is_1934_in_every_definition():
    # 1930 was the municipal vote (Act 1580); the national vote came on 5 December 1934
    for definition in SUFFRAGE_YEAR_COLUMN:
        row = ds.load_suffrage(definition=definition).set_index("iso3").loc["TUR"]
        assert row["year"] == 1934, definition
    review = pd.read_csv(SUFFRAGE_SOURCES / "suffrage_equal_terms_review.csv")
    turkey = review.set_index("iso3").loc["TUR"]
    assert turkey["equal_national_year"] == 1934 and "1934" in turkey["quote"]


@pytest.mark.parametrize("iso3, equal, lied, paxton", [
    ("USA", 1920, 1965, 1920), ("BRA", 1932, 1985, 1934), ("PRT", 1968, 1975, 1976),
    ("HUN", 1945, 1919, 1953), ("ZAF", 1930, 1994, 1994), ("IRL", 1922, 1918, 1928),
])
def test_suffrage_equal_terms_differs_from_lied_and_paxton(iso3, equal, lied, paxton):
    row = ds.load_suffrage(definition="equal_terms").set_index("iso3").loc[iso3]
    assert (row["year"], row["year_lied"], row["year_paxton"]) == (equal, lied, paxton)


def _codebook_section(heading: str) -> str:
    text = (DATA / "suffrage.md").read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def test_suffrage_risk_set_is_at_least_medium_except_the_documented_rows():
    s = ds.load_suffrage(definition="equal_terms")
    members = s[s["cown"].isin(_suffrage_risk_set_cown())]
    assert len(members) == len(_suffrage_risk_set_cown())  # every member has a row
    section = _codebook_section("## Equal-terms coverage")
    line = next(l for l in section.splitlines() if l.startswith("Low-confidence exceptions"))
    documented = set(re.findall(r"`([^`]+)`", line))
    low = members[members["confidence_equal"] == "low"]
    labels = {iso if isinstance(iso, str) else f"COW {c}"
              for iso, c in zip(low["iso3"], low["cown"])}
    assert labels == documented
    # every other member is high or medium, except rows without a year (no confidence)
    rest = members.drop(index=low.index)
    assert (rest["confidence_equal"].isin(["high", "medium"]) | rest["year"].isna()).all()
    assert (members["year"].isna() == members["confidence_equal"].isna()).all()


def test_suffrage_codebook_counts_match_the_table():
    s = ds.load_suffrage(definition="equal_terms")
    members = s[s["cown"].isin(_suffrage_risk_set_cown())]
    section = _codebook_section("## Equal-terms coverage")
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("|") and cells[0] in ("all rows", "COW members 1890-1990"):
            rows[cells[0]] = [int(c) for c in cells[1:]]
    for label, frame in (("all rows", s), ("COW members 1890-1990", members)):
        conf = frame["confidence_equal"]
        expected = [len(frame)] + [int((conf == c).sum()) for c in ("high", "medium", "low")]
        assert rows[label] == expected + [int(conf.isna().sum())], label


def test_suffrage_review_and_alternatives_are_in_the_table():
    s = ds.load_suffrage(definition="equal_terms").set_index("cown")
    review = pd.read_csv(SUFFRAGE_SOURCES / "suffrage_equal_terms_review.csv",
                         keep_default_na=False, na_values=[""])
    alts = pd.read_csv(SUFFRAGE_SOURCES / "suffrage_equal_terms_alternatives.csv",
                       keep_default_na=False, na_values=[""])
    assert review["cown"].is_unique
    for frame in (review, alts):
        assert frame[["source_url", "quote"]].notna().all().all()
        assert frame["source_url"].str.startswith("http").all()
        assert (frame["quote"].str.split().str.len() <= 25).all()
    rows = s.loc[review["cown"]]
    assert (rows["year"].to_numpy() == review["equal_national_year"].to_numpy()).all()
    assert (rows["confidence_equal"].to_numpy() == review["confidence"].to_numpy()).all()
    assert (rows["source_equal"].to_numpy() == review["source_url"].to_numpy()).all()
    for cown, year in zip(alts["cown"], alts["year"]):
        assert str(year) in s.loc[cown, "alternatives_equal"].split(";"), cown
    # the contested cases of Ramirez, Soysal & Shanahan's replication carry alternatives
    by_iso = s.set_index("iso3")
    for iso3 in ("PRT", "ZAF", "ROU", "GTM", "SEN", "CMR"):
        assert isinstance(by_iso.loc[iso3, "alternatives_equal"], str), iso3


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-data is absent")
def test_suffrage_rebuild_reproduces_the_table(tmp_path):
    build = _build_module()
    regions = build.build_regions(REFERENCE)
    codes = build.Codes(regions, build.read(REFERENCE, "state-system/cow_states2016.csv"))
    build.write(build.build_suffrage(REFERENCE, codes), tmp_path, "suffrage")
    assert (tmp_path / "suffrage.csv").read_bytes() == (DATA / "suffrage.csv").read_bytes()
