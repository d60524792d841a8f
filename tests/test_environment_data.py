"""The environmental-treaty tables: loaders, rules, checks against public records, rebuild."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _reference import load_module

from diffusion.datasets import (
    ENVIRONMENTAL_TREATIES,
    load_environmental_treaties,
    load_environmental_treaty_counts,
    load_regions,
    load_treaty_ratifications,
)
from diffusion.errors import SpecificationError

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
REFERENCE = REPO.parent / "shared" / "reference-data"
CHECKS = REPO / "scripts" / "sources" / "environment_checks.csv"
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(),
                                     reason="../shared/reference-data is absent")

TREATY_COLUMNS = {"iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
                  "treaty": "object", "year": "int64"}
COUNT_COLUMNS = {"iso3": "object", "cown": "Int64", "year": "int64", "mea_count": "int64"}
# The last year any of the three sources records a consent date (HUGGO, 2023); placeholder
# years (2899, 2999, 9999) and the 2025-2068 typos lie beyond it.
SOURCE_END = 2023
COUNT_YEARS = (1900, 2020)
# States that are parties without a COW code (no row with a cown in regions.csv).
EXTRA_STATES = {"COK", "NIU", "PSE"}
# Public party counts differ from the table by the parties that joined after the page or
# after the sources' cut-offs (and Canada's Kyoto withdrawal); each recorded difference is
# explained in data/environmental_treaties.md. None may exceed this many parties.
MAX_DIFFERENCE = 6


def _build_module():
    return load_module(REPO / "scripts" / "build_data.py")


@pytest.fixture(scope="module")
def treaties() -> pd.DataFrame:
    return load_environmental_treaties()


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return load_environmental_treaty_counts()


@pytest.fixture(scope="module")
def checks() -> pd.DataFrame:
    return pd.read_csv(CHECKS, dtype=str, keep_default_na=False, na_values=[""])


# --- loaders ------------------------------------------------------------------------------

def test_treaty_loader_columns_and_dtypes(treaties):
    assert dict(treaties.dtypes.astype(str)) == TREATY_COLUMNS
    assert list(treaties.columns) == list(load_treaty_ratifications().columns)
    doc = load_environmental_treaties.__doc__
    for col in TREATY_COLUMNS:
        assert f"``{col}``" in doc


def test_count_loader_columns_and_dtypes(counts):
    assert dict(counts.dtypes.astype(str)) == COUNT_COLUMNS
    doc = load_environmental_treaty_counts.__doc__
    for col in COUNT_COLUMNS:
        assert f"``{col}``" in doc


def test_each_call_returns_a_fresh_frame():
    first = load_environmental_treaties()
    first.loc[0, "year"] = 0
    assert load_environmental_treaties().loc[0, "year"] != 0
    other = load_environmental_treaty_counts()
    other.loc[0, "mea_count"] = -1
    assert load_environmental_treaty_counts().loc[0, "mea_count"] >= 0


def test_treaty_filter(treaties):
    one = load_environmental_treaties(treaties="CBD")
    assert set(one["treaty"]) == {"CBD"}
    assert len(one) == (treaties["treaty"] == "CBD").sum()
    two = load_environmental_treaties(treaties=["KYOTO", "UNFCCC"])
    assert set(two["treaty"]) == {"KYOTO", "UNFCCC"}
    assert list(two.index) == list(range(len(two)))


@pytest.mark.parametrize("asked", ["kyoto", ["CBD", "PARIS"], [None], ("RAMSAR", 1971)])
def test_unknown_treaty_is_a_specification_error_naming_the_codes(asked):
    with pytest.raises(SpecificationError, match="RAMSAR, CITES, VIENNA") as err:
        load_environmental_treaties(treaties=asked)
    assert "unknown treaty code" in str(err.value)


def test_empty_treaty_list_is_refused():
    with pytest.raises(SpecificationError, match="empty"):
        load_environmental_treaties(treaties=[])


def test_treaties_is_keyword_only():
    with pytest.raises(TypeError):
        load_environmental_treaties("CBD")  # type: ignore[misc]


# --- the treaty table ---------------------------------------------------------------------

def test_codes_and_order(treaties):
    assert list(ENVIRONMENTAL_TREATIES) == ["RAMSAR", "CITES", "VIENNA", "MONTREAL", "BASEL",
                                            "UNFCCC", "CBD", "KYOTO", "STOCKHOLM"]
    assert list(treaties["treaty"].drop_duplicates()) == list(ENVIRONMENTAL_TREATIES)
    order = {t: i for i, t in enumerate(ENVIRONMENTAL_TREATIES)}
    key = list(zip(treaties["treaty"].map(order), treaties["iso3"]))
    assert key == sorted(key)


def test_one_row_per_state_and_treaty(treaties):
    assert not treaties.duplicated(["iso3", "treaty"]).any()
    assert treaties[["iso3", "country", "treaty", "year"]].notna().all().all()


def test_years_between_opening_and_source_end(treaties):
    opened = treaties["treaty"].map(ENVIRONMENTAL_TREATIES)
    assert (treaties["year"] >= opened).all()
    assert (treaties["year"] <= SOURCE_END).all()
    # no placeholder (2899, 2999, 9999, year 1) or century typo (2025-2068) survives
    assert not treaties["year"].between(2025, 9999).any()


def test_states_have_codes(treaties):
    regions = load_regions()
    by_iso = regions.dropna(subset=["iso3"]).set_index("iso3")
    known = set(by_iso.index[by_iso["cown"].notna() | by_iso["gwcode"].notna()]) | EXTRA_STATES
    assert set(treaties["iso3"]) <= known
    assert treaties.loc[treaties["cown"].isna(), "iso3"].isin(EXTRA_STATES).all()
    matched = treaties[treaties["iso3"].isin(by_iso.index)]
    assert (matched["country"] == matched["iso3"].map(by_iso["country"])).all()


def test_party_counts_against_public_records(treaties, checks):
    for row in checks[checks["kind"] == "parties"].itertuples():
        mine = treaties[treaties["treaty"] == row.treaty]
        if isinstance(row.as_of, str):
            mine = mine[mine["year"] <= int(row.as_of)]
        n = len(mine) + (1 if row.includes_eu == "yes" else 0)
        # each difference is explained in data/environmental_treaties.md
        assert n - int(row.value) == int(row.difference), (row.treaty, row.as_of, n, row.value)
        assert abs(int(row.difference)) <= MAX_DIFFERENCE


def test_cbd_parties_are_every_un_member_but_the_united_states(treaties, checks):
    assert ((checks["treaty"] == "CBD") & (checks["kind"] == "non_party")
            & (checks["iso3"] == "USA")).any()
    un_members = set(load_treaty_ratifications()["iso3"])
    cbd = set(treaties.loc[treaties["treaty"] == "CBD", "iso3"])
    assert un_members - cbd == {"USA"}


def test_signatories_that_never_ratified_are_absent(treaties):
    # the United States signed Basel, Kyoto and Stockholm and ratified none (HUGGO's dates
    # for them are dropped by the contradiction rule); it did ratify the UNFCCC in 1992
    usa = treaties[treaties["iso3"] == "USA"].set_index("treaty")["year"]
    assert not {"BASEL", "KYOTO", "STOCKHOLM", "CBD"} & set(usa.index)
    assert usa["UNFCCC"] == 1992


def test_spot_checked_years(treaties, checks):
    years = treaties.set_index(["treaty", "iso3"])["year"]
    spot = checks[checks["kind"] == "year"]
    assert len(spot) >= 20
    for row in spot.itertuples():
        assert years.get((row.treaty, row.iso3)) == int(row.value), (row.treaty, row.iso3)
        assert row.url.startswith("http") and len(row.quote.split()) <= 25


def test_successor_states_do_not_carry_the_predecessor_year(treaties):
    # HUGGO gives Yugoslavia's 1977 Ramsar year to Croatia and its 1990/1991 Montreal
    # years to Bosnia and Croatia; the successions of 1992-1993 are used instead
    years = treaties.set_index(["treaty", "iso3"])["year"]
    assert years[("RAMSAR", "HRV")] >= 1991
    assert years[("MONTREAL", "BIH")] == 1993
    assert years[("MONTREAL", "HRV")] == 1992


# --- the count table ----------------------------------------------------------------------

def test_counts_cover_contiguous_years_to_the_end(counts):
    y0, y1 = COUNT_YEARS
    assert counts["year"].between(y0, y1).all()
    assert not counts.duplicated(["iso3", "year"]).any()
    span = counts.groupby("iso3")["year"].agg(["min", "max", "size"])
    assert (span["max"] == y1).all()
    assert (span["size"] == span["max"] - span["min"] + 1).all()
    assert list(zip(counts["iso3"], counts["year"])) == sorted(zip(counts["iso3"],
                                                                    counts["year"]))


def test_counts_non_decreasing_and_non_negative(counts):
    assert (counts["mea_count"] >= 0).all()
    steps = counts.groupby("iso3")["mea_count"].diff().dropna()
    assert (steps >= 0).all()


def test_counts_cover_the_nine_treaties(treaties, counts):
    # every party of one of the nine treaties has joined at least as many agreements by
    # 2020 as it joined of the nine by then
    nine = treaties[treaties["year"] <= COUNT_YEARS[1]].groupby("iso3").size()
    last = counts[counts["year"] == COUNT_YEARS[1]].set_index("iso3")["mea_count"]
    assert set(nine.index) <= set(last.index)
    assert (last.reindex(nine.index) >= nine).all()


def test_count_codes_agree_with_the_treaty_table(treaties, counts):
    codes = treaties.drop_duplicates("iso3").set_index("iso3")["cown"]
    mine = counts.drop_duplicates("iso3").set_index("iso3")["cown"]
    shared = codes.index.intersection(mine.index)
    assert mine[shared].astype("float").fillna(-1).equals(codes[shared].astype("float")
                                                          .fillna(-1))


# --- build rules on hand-made cases ---------------------------------------------------------

def test_year_parser_drops_placeholders_and_typos():
    build = _build_module()
    notes: dict = {}
    raw = pd.Series(["2899-01-01", "9999-12-31", "01-01-01", "1992-06-05", "17.06.2003",
                     None, "2031-05-01", "2024-01-10"])
    got = build._env_year(raw, notes, "x")
    assert got.tolist()[3:5] == [1992, 2003]
    assert got[[0, 1, 2, 5, 6]].isna().all() and got[7] == 2024
    assert notes["x: placeholder dates dropped"] == 3
    assert notes[f"x: dates after {build.ENV_LAST_YEAR} dropped"] == 1
    assert notes["x: dd.mm.yyyy dates read"] == 1
    with pytest.raises(SystemExit, match="not read"):
        build._env_year(pd.Series(["June 1992"]), {}, "x")


def _case(rows):
    frame = pd.DataFrame(rows, columns=["key", "iso3", "source", "year", "undated"])
    frame["year"] = frame["year"].astype("Int64")
    return frame


def test_reconcile_majority_precedence_and_contradiction():
    build = _build_module()
    rows = _case([
        # majority: IEADB and HUGGO 1994 beat ECOLEX 1993
        ("T", "FRA", "IEADB", 1994, False), ("T", "FRA", "ECOLEX", 1993, False),
        ("T", "FRA", "HUGGO", 1994, False),
        # tie of two: ECOLEX comes first
        ("T", "ITA", "ECOLEX", 1990, False), ("T", "ITA", "HUGGO", 1989, False),
        # HUGGO alone, contradicted by an IEADB signature-only row before IEADB's last year
        ("T", "USA", "HUGGO", 1991, False), ("T", "USA", "IEADB", None, True),
        # HUGGO alone after IEADB's last year (1994): kept
        ("T", "TUV", "HUGGO", 1995, False), ("T", "TUV", "IEADB", None, True),
        # successor: Croatia's own 1992 beats Yugoslavia's 1977
        ("T", "HRV", "ECOLEX", 1992, False), ("T", "HRV", "HUGGO", 1977, False),
        # successor with no year of its own: the predecessor's is kept and flagged
        ("T", "SVN", "HUGGO", 1977, False),
    ])
    notes: dict = {}
    out, _ = build._env_reconcile(rows, notes, "t")
    got = out.set_index("iso3")
    assert got.loc["FRA", "year"] == 1994 and got.loc["FRA", "disagree"]
    assert got.loc["ITA", "year"] == 1990 and got.loc["ITA", "tie"]
    assert "USA" not in got.index
    assert got.loc["TUV", "year"] == 1995
    assert got.loc["HRV", "year"] == 1992 and not got.loc["HRV", "predecessor"]
    assert got.loc["SVN", "year"] == 1977 and got.loc["SVN", "predecessor"]
    assert notes["t: single-source years contradicted by a signature-only row dropped"] == 1
    assert notes["t: predecessor's years dropped (a year of the state's own exists)"] == 1


def test_reconcile_outvotes_a_source_that_disagrees_with_the_others():
    build = _build_module()
    states = [f"S{i:02d}" for i in range(build.ENV_MIN_SHARED + 5)]
    rows = []
    for i, iso in enumerate(states):
        rows += [("T", iso, "IEADB", 1980 + i % 10, False),
                 ("T", iso, "HUGGO", 1980 + i % 10, False),
                 ("T", iso, "ECOLEX", 1970 + i % 3, False)]  # scrambled
    # a state only ECOLEX names keeps ECOLEX's year
    rows.append(("T", "ZZZ", "ECOLEX", 1975, False))
    out, stats = build._env_reconcile(_case(rows), {}, "t")
    excluded = stats[stats["excluded"]]
    assert list(excluded["source"]) == ["ECOLEX"]
    got = out.set_index("iso3")["year"]
    assert all(got[iso] == 1980 + i % 10 for i, iso in enumerate(states))
    assert got["ZZZ"] == 1975


# --- against the reference data -----------------------------------------------------------

@pytest.fixture(scope="module")
def joined():
    build = _build_module()
    cow_states = build.read(REFERENCE, "state-system/cow_states2016.csv")
    codes = build.Codes(build.build_regions(REFERENCE), cow_states)
    notes: dict = {}
    rows = build._env_states(build._env_memberships(REFERENCE, notes), codes, notes)
    agreements, _, nodes = build._env_joined(REFERENCE, rows, notes)
    return agreements, nodes, build


@needs_reference
def test_counts_equal_the_number_of_joined_agreements(counts, joined):
    agreements, _, _ = joined
    for iso3, mine in counts.groupby("iso3"):
        years = agreements.loc[agreements["iso3"] == iso3, "year"].to_numpy()
        expected = [(years <= y).sum() for y in mine["year"]]
        assert mine["mea_count"].tolist() == expected, iso3
    assert set(counts["iso3"]) == set(agreements["iso3"])


@needs_reference
def test_nine_treaties_are_single_agreements_with_the_same_years(treaties, joined):
    agreements, nodes, build = joined
    for code, (_, *ids) in build.ENV_TREATIES.items():
        mine = nodes[[(s, t) in set(zip(build.ENV_SOURCES, ids))
                      for s, t in zip(nodes["source"], nodes["treaty_id"])]]
        assert mine["cluster"].nunique() == 1, code
        assert mine["multilateral"].all() and not mine["cl_not_counted"].any()
        got = agreements[agreements["key"] == mine["cluster"].iloc[0]].set_index("iso3")["year"]
        want = treaties[treaties["treaty"] == code].set_index("iso3")["year"]
        assert got.sort_index().equals(want.sort_index()), code


def test_data_files_are_compact():
    size = sum((DATA / f"{name}.csv").stat().st_size
               for name in ("environmental_treaties", "environmental_treaty_counts"))
    assert size < 400 * 1024
