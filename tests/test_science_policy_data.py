"""The science-policy table: loader, coverage, citations, Finnemore's facts, rebuild."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _reference import load_module

from diffusion.datasets import load_regions, load_science_policy, load_state_system

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
REFERENCE = REPO.parent / "shared" / "reference-data"
FACTS = REFERENCE / "science-policy-published-facts" / "science_policy_published_facts.csv"
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(),
                                     reason="../shared/reference-data is absent")

COLUMNS = {
    "iso3": "object", "cown": "int64", "country": "object", "year": "Int64",
    "body": "object", "body_type": "object", "ministry_year": "Int64", "ministry": "object",
    "confidence": "object", "source": "object", "upper_bound": "bool", "none_by": "Int64",
}
# The brief for issue 12: at least this many states of the 1945-1990 COW system.
MIN_STATES = 120
# Finnemore (1993, p. 575) names these as creating their first science-policy bureaucracy
# in 1962; the first six are the ones this table's sources date to 1962 as well.
FINNEMORE_1962 = ["DEU", "SWE", "ITA", "CSK", "IDN", "LBN", "PAK", "BGR", "SLV", "MLI"]


def _build_module():
    return load_module(REPO / "scripts" / "build_data.py")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_science_policy()


def test_loader_columns_and_dtypes(table):
    assert dict(table.dtypes.astype(str)) == COLUMNS
    assert set(table["body_type"]) <= {"ministry", "council", "commission", "department",
                                       "agency", "none"}
    assert set(table["confidence"]) <= {"high", "medium", "low"}
    assert table["source"].str.startswith("http").all()
    assert table["year"].dropna().between(1900, 2025).all()


def test_every_row_has_a_year_or_a_none_by_year(table):
    none = table["body_type"] == "none"
    assert (table["year"].isna() == none).all()
    assert (table["none_by"].notna() == none).all()
    assert table.loc[none, "body"].isna().all() and not table.loc[none, "upper_bound"].any()
    assert table.loc[~none, "body"].notna().all()


def test_one_row_per_country(table):
    assert table["iso3"].is_unique and table["cown"].is_unique
    assert list(table["iso3"]) == sorted(table["iso3"])


def test_a_new_frame_each_call():
    first = load_science_policy()
    first.loc[0, "year"] = 0
    assert load_science_policy().loc[0, "year"] != 0


def test_codes_agree_with_the_regions_table(table):
    regions = load_regions().dropna(subset=["iso3", "cown"]).set_index("iso3")["cown"]
    historical = {"CSK": 315, "SUN": 365, "DDR": 265, "YUG": 345, "DEU": 260}
    for row in table.itertuples():
        expected = historical.get(row.iso3, regions.get(row.iso3))
        assert row.cown == expected, row.iso3


def test_covers_the_1945_1990_cow_system(table):
    cow = load_state_system(system="cow")
    members = set(cow.loc[(cow["start"] <= 1990) & (cow["end"] >= 1945), "cown"])
    covered = members & set(table["cown"])
    assert len(covered) >= MIN_STATES, (
        f"{len(covered)} of {len(members)} states covered; the issue asks for {MIN_STATES}")


@needs_reference
def test_every_row_has_a_source_and_a_short_quote_in_the_build_input(table):
    build = _build_module()
    merged, _ = build._science_policy_input(REFERENCE)
    merged = merged.set_index("iso3")
    assert set(merged.index) == set(table["iso3"])
    for row in table.itertuples():
        quote = merged.loc[row.iso3, "quote"]
        assert isinstance(quote, str) and 0 < len(quote.split()) <= 25, row.iso3
        assert merged.loc[row.iso3, "source_url"] == row.source, row.iso3


def test_review_rows_carry_their_year_in_the_quote():
    review = pd.read_csv(REPO / "scripts" / "sources" / "science_policy_review.csv", dtype=str)
    assert set(review["change"]) <= {"added", "corrected", "upgraded"}
    for row in review.itertuples():
        year = row.first_body_year if isinstance(row.first_body_year, str) else \
            row.first_body_name.removeprefix("none by ")
        assert year in row.quote + row.note, row.iso3
        assert len(row.quote.split()) <= 25 and row.source_url.startswith("http")


def test_finnemore_first_adopter_and_nsf(table):
    years = table.set_index("iso3")["year"]
    facts = pd.read_csv(FACTS, dtype={"year": "Int64"}) if FACTS.is_file() else None
    if facts is not None:
        assert facts.set_index("fact_id").loc["F1", "year"] == years["GBR"]
        assert facts.set_index("fact_id").loc["F2", "year"] == years["USA"]
    assert years.idxmin() == "GBR"  # Britain's DSIR is the first adopter


def test_finnemore_1962_countries(table):
    years = table.set_index("iso3")["year"]
    assert all(c in years.index for c in FINNEMORE_1962)
    same = [c for c in FINNEMORE_1962 if years[c] == 1962]
    assert same == FINNEMORE_1962[:6]
    assert abs(years["PAK"] - 1962) == 1
    # Finnemore's peak year is also the most frequent first-body year here
    assert table["year"].value_counts().idxmax() == 1962


@needs_reference
def test_codebook_agreement_matches_a_recomputation(table):
    facts = pd.read_csv(FACTS, dtype={"year": "Int64"})
    dated = facts[facts["fact_type"].isin(["first_adopter", "establishment_mentioned",
                                          "first_science_policy_bureaucracy_peak_year"])]
    names = {"Czechoslovakia": "CSK"}
    years = table.set_index("iso3")["year"]
    gaps = [abs(int(years[f.iso3 if isinstance(f.iso3, str) else names[f.country_as_written]])
                - int(f.year)) for f in dated.itertuples()]
    same, near = sum(g == 0 for g in gaps), sum(g == 1 for g in gaps)
    text = (DATA / "science_policy.md").read_text(encoding="utf-8")
    assert (f"of {len(dated)} dated facts, {same} same year, {near} within one year, "
            f"{len(gaps) - same - near} differs") in text


@needs_reference
def test_build_refuses_a_review_row_that_duplicates_the_reference(tmp_path, monkeypatch):
    build = _build_module()
    review = pd.read_csv(build.SP_REVIEW, dtype=str)
    clash = review.iloc[:1].assign(iso3="GBR", change="added")
    path = tmp_path / "review.csv"
    pd.concat([review, clash]).to_csv(path, index=False)
    monkeypatch.setattr(build, "SP_REVIEW", path)
    with pytest.raises(SystemExit, match="already in the reference"):
        build._science_policy_input(REFERENCE)
