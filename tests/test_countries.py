"""diffusion.countries.harmonize: messy names and codes to ISO3, COW and G&W codes.

Expected codes are the published ones: ISO 3166-1 alpha-3, the Correlates of War
state system list (v2016) and Gleditsch & Ward's list of independent states.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffusion.countries import HISTORICAL_STATES, Harmonized, harmonize, normalize_name
from diffusion.datasets import load_covariates, load_state_system
from diffusion.errors import DataError, InvalidTimeError, SpecificationError

MESSY = {
    # name as found in real files: (iso3, cown, gwcode)
    "Cote d'Ivoire": ("CIV", 437, 437),
    "Côte d’Ivoire": ("CIV", 437, 437),
    "Ivory Coast": ("CIV", 437, 437),
    "Korea, Rep.": ("KOR", 732, 732),
    "South Korea": ("KOR", 732, 732),
    "Korea, Dem. People's Rep.": ("PRK", 731, 731),
    "Viet Nam": ("VNM", 816, 816),
    "Burma": ("MMR", 775, 775),
    "Myanmar": ("MMR", 775, 775),
    "Congo, Dem. Rep.": ("COD", 490, 490),
    "Zaire": ("COD", 490, 490),
    "Swaziland": ("SWZ", 572, 572),
    "United States of America": ("USA", 2, 2),
    "  united kingdom ": ("GBR", 200, 200),
    "Czech Republic": ("CZE", 316, 316),
    "Russian Federation": ("RUS", 365, 365),
}

HISTORICAL = {
    # name: (cown, gwcode); none has a current ISO code
    "USSR": (365, 365),
    "Soviet Union": (365, 365),
    "Yugoslavia": (345, 345),
    "Serbia and Montenegro": (345, 345),
    "Czechoslovakia": (315, 315),
    "West Germany": (260, 260),
    "German Federal Republic": (260, 260),
    "East Germany": (265, 265),
    "German Democratic Republic": (265, 265),
    "Yemen Arab Republic": (678, 678),
    "South Yemen": (680, 680),
    "Yemen, People's Republic": (680, 680),
    "South Vietnam": (817, 817),
    "Republic of Vietnam": (817, 817),
    "Austria-Hungary": (300, 300),
    "Ottoman Empire": (640, 640),
    "Zanzibar": (511, 511),
    "Korean Empire": (730, 730),
    "Bavaria": (245, 245),
    "Württemberg": (271, 271),
}


@pytest.fixture(scope="module")
def messy():
    return pd.DataFrame({"country": list(MESSY), "year": range(1990, 1990 + len(MESSY))})


@pytest.mark.parametrize("to, position", [("iso3", 0), ("cown", 1), ("gwcode", 2)])
def test_messy_current_names(messy, to, position):
    h = harmonize(messy, "country", to)
    assert isinstance(h, Harmonized)
    assert h.table[to].tolist() == [v[position] for v in MESSY.values()]
    assert h.unmatched == () and h.uncoded == ()
    assert h.source == "name" and h.n_matched == len(MESSY)


@pytest.mark.parametrize("to, position", [("cown", 0), ("gwcode", 1)])
def test_historical_states_by_cow_and_gw_code(to, position):
    t = pd.DataFrame({"state": list(HISTORICAL)})
    h = harmonize(t, "state", to)
    assert h.table[to].tolist() == [v[position] for v in HISTORICAL.values()]
    assert str(h.table[to].dtype) == "Int64"
    assert any(n.kind == "country_historical" for n in h.notes)


def test_historical_states_have_no_iso3_and_say_so():
    t = pd.DataFrame({"state": ["USSR", "Yugoslavia", "West Germany", "France"]})
    h = harmonize(t, "state", "iso3")  # errors="raise": recognised states are not errors
    iso = h.table["iso3"]
    assert iso.isna().tolist() == [True, True, True, False] and iso[3] == "FRA"
    assert h.uncoded == ("USSR", "Yugoslavia", "West Germany") and h.unmatched == ()
    note = next(n for n in h.notes if n.kind == "country_no_code")
    assert note.count == 3 and "no current ISO code" in note.message and "to='cown'" in note.message


def test_cow_codes_given_as_strings():
    t = pd.DataFrame({"ccode": ["2", " 365", "200", "2.0", "710"]})
    h = harmonize(t, "ccode", "iso3", source="cown")
    assert h.table["iso3"].tolist() == ["USA", "RUS", "GBR", "USA", "CHN"]
    # 365 is the Soviet Union's code too: the year-blind conversion is noted
    assert any(n.kind == "country_shared_code" and "365" in n.message for n in h.notes)
    h2 = harmonize(pd.DataFrame({"ccode": [2, 260, 365]}), "ccode", "gwcode", source="cown")
    assert h2.table["gwcode"].tolist() == [2, 260, 365]


def test_numbers_need_a_source():
    with pytest.raises(SpecificationError, match="source='cown' or source='gwcode'"):
        harmonize(pd.DataFrame({"c": [2, 20, 200]}), "c", "iso3")
    with pytest.raises(SpecificationError, match="source='cown'"):
        harmonize(pd.DataFrame({"c": ["2", "20"]}), "c", "iso3")


def test_iso3_columns_are_recognised_and_retired_codes_accepted():
    h = harmonize(pd.DataFrame({"iso": ["USA", "DEU", "FRA", "JPN"]}), "iso", "cown")
    assert h.source == "iso3" and h.table["cown"].tolist() == [2, 255, 220, 740]
    old = harmonize(pd.DataFrame({"iso": ["SUN", "YUG", "CSK", "DDR", "ZAR"]}), "iso", "cown",
                    source="iso3")
    assert old.table["cown"].tolist() == [365, 345, 315, 265, 490]


def test_unmatched_raise_lists_values_and_rows():
    t = pd.DataFrame({"country": ["France", "Atlantis", "Narnia", "Atlantis"]},
                     index=[10, 11, 12, 13])
    with pytest.raises(DataError) as info:
        harmonize(t, "country", "cown")
    msg = str(info.value)
    assert "2 value(s) in 3 row(s) match no country" in msg
    assert "'Atlantis' (rows 11, 13)" in msg and "'Narnia' (row 12)" in msg
    assert "errors='report'" in msg


def test_unmatched_report_keeps_every_row():
    t = pd.DataFrame({"country": ["France", "Atlantis", None, "", "France and Germany"]})
    h = harmonize(t, "country", "iso3", errors="report")
    assert len(h.table) == len(t)
    assert h.table["iso3"].tolist()[0] == "FRA" and h.table["iso3"].isna().sum() == 4
    assert h.unmatched == ("Atlantis", "France and Germany")
    assert h.unmatched_rows == (1, 4)
    assert h.ambiguous == ("France and Germany",) and h.ambiguous_rows == (4,)
    kinds = {n.kind: n for n in h.notes}
    assert kinds["country_unmatched"].count == 1
    assert kinds["country_missing"].count == 2  # missing values are counted, not "unmatched"
    # a name country_converter matches to two countries is not guessed
    assert kinds["country_ambiguous"].count == 1
    assert "France (ISO3 FRA) or Germany (ISO3 DEU)" in kinds["country_ambiguous"].message
    assert "Atlantis" in str(h)


def test_never_mutates_and_returns_copies(messy):
    before = messy.copy()
    h = harmonize(messy, "country", "cown", new_column="ccode")
    pd.testing.assert_frame_equal(messy, before)
    assert "ccode" in h.table and "ccode" not in messy
    t = h.table
    t.loc[0, "ccode"] = -1
    assert h.table.loc[0, "ccode"] == 437  # .table is a copy each time
    assert list(h.table.columns) == ["country", "year", "ccode"]
    assert h.table.index.equals(messy.index)


def test_existing_column_is_never_overwritten(messy):
    with pytest.raises(SpecificationError, match="already has a column 'year'"):
        harmonize(messy, "country", "iso3", new_column="year")
    with pytest.raises(SpecificationError, match="new_column="):
        harmonize(messy.assign(iso3="x"), "country", "iso3")


@pytest.mark.parametrize("kwargs, match", [
    ({"to": "iso2"}, "unknown to 'iso2'"),
    ({"errors": "ignore"}, "unknown errors 'ignore'"),
    ({"source": "fips"}, "unknown source 'fips'"),
])
def test_bad_options(messy, kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        harmonize(messy, "country", **kwargs)


def test_bad_table_and_column(messy):
    with pytest.raises(DataError, match="DataFrame"):
        harmonize([("France",)], "country")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no column 'name'"):
        harmonize(messy, "name")


def test_country_converter_stays_quiet(capfd, caplog):
    # unmatched and ambiguous names make coco log and print; none of it reaches the user
    t = pd.DataFrame({"c": ["Atlantis", "France and Germany", "Kingdom of Nowhere"]})
    h = harmonize(t, "c", "iso3", errors="report")
    assert len(h.unmatched) == 3
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert not [r for r in caplog.records if r.name.startswith("country_converter")]


def test_historical_table_is_consistent():
    owner: dict[str, str] = {}
    for h in HISTORICAL_STATES:
        assert h.cown is not None and h.gwcode is not None
        for alias in (h.name, *h.aliases):
            key = normalize_name(alias)
            assert owner.setdefault(key, h.name) == h.name, f"{alias!r} names two states"
    assert normalize_name("Côte d’Ivoire") == normalize_name("cote d'ivoire")


def test_string_inference_mode(messy):
    """Under pandas 3's str dtype the codes and the dtypes are the same."""
    with _string_inference():
        t = pd.DataFrame({"country": list(MESSY) + ["USSR"]})
        h = harmonize(t, "country", "cown")
        iso = harmonize(t, "country", "iso3").table["iso3"]
    assert h.table["cown"].tolist() == [v[1] for v in MESSY.values()] + [365]
    assert iso.dtype == object and iso.isna().tolist()[-1]


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


# --------------------------------------------------------------------------- years
# Expected codes are the state-system lists' own: looked up by the list's name for the
# state in data/state_system.csv, not copied from the code under test.
SS = {"cown": load_state_system(system="cow"), "gwcode": load_state_system(system="gw")}


def code(list_name: str, to: str = "cown") -> int:
    t = SS[to]
    found = t.loc[t["country"] == list_name, to]
    assert len(found), f"{list_name!r} is not a {to} list name"
    return int(found.iloc[0])


def spell(list_name: str, to: str = "cown") -> tuple[int, int]:
    t = SS[to].loc[SS[to]["country"] == list_name]
    return int(t["start"].min()), int(t["end"].max())


def frame(*rows):
    return pd.DataFrame(rows, columns=["country", "year"])


def test_germany_is_the_state_of_its_year():
    t = frame(("Germany", 1900), ("Germany", 1950), ("Germany", 1995))
    cow = harmonize(t, "country", "cown", year="year")
    gw = harmonize(t, "country", "gwcode", year="year")
    assert cow.table["cown"].tolist() == [code("Germany"), code("German Federal Republic"),
                                          code("Germany")]
    assert gw.table["gwcode"].tolist() == [code("Germany (Prussia)", "gwcode"),
                                           code("German Federal Republic", "gwcode"),
                                           code("German Federal Republic", "gwcode")]
    kinds = {n.kind: n for n in cow.notes}
    # the reading is told, with the other German state and what to write for it
    assert kinds["country_read_as"].count == 1
    assert "East Germany" in kinds["country_read_as"].message
    # COW lists the German Federal Republic only from 1955: 1950 is kept and noted
    assert spell("German Federal Republic")[0] > 1950
    assert kinds["country_not_member"].count == 1
    assert "'Germany' in 1950" in kinds["country_not_member"].message
    # G&W list it from 1949: nothing to note there
    assert "country_not_member" not in {n.kind for n in gw.notes}
    # other spellings of today's Germany follow the same years
    fed = harmonize(frame(("Federal Republic of Germany", 1970),
                          ("Federal Republic of Germany", 2000)), "country", "cown", year="year")
    assert fed.table["cown"].tolist() == [code("German Federal Republic"), code("Germany")]


def test_germany_agrees_with_the_covariates_table():
    cov = load_covariates()
    deu = cov.loc[(cov["iso3"] == "DEU") & cov["year"].between(1816, 2016) & cov["cown"].notna(),
                  ["year", "cown"]].reset_index(drop=True)
    h = harmonize(deu.assign(country="Germany"), "country", "cown", year="year",
                  new_column="coded")
    assert h.table["coded"].tolist() == deu["cown"].astype(int).tolist()


def test_the_two_germanies_and_their_years():
    t = frame(("West Germany", 1970), ("East Germany", 1970), ("West Germany", 1995),
              ("East Germany", 1995), ("German Federal Republic", 2010))
    h = harmonize(t, "country", "cown", year="year", errors="report")
    assert h.table["cown"].tolist()[:3] == [code("German Federal Republic"),
                                            code("German Democratic Republic"),
                                            code("Germany")]  # the FRG goes on as Germany
    assert pd.isna(h.table["cown"][3]) and h.unmatched == ("East Germany",)
    assert h.table["cown"][4] == code("Germany")
    note = next(n for n in h.notes if n.kind == "country_ended")
    last = spell("German Democratic Republic")[1]
    assert note.count == 1 and "'East Germany' in 1995" in note.message
    assert f"-{last}" in note.message


def test_sudan_and_south_sudan():
    t = frame(("Sudan", 2005), ("Sudan", 2015), ("South Sudan", 2015), ("South Sudan", 2005))
    h = harmonize(t, "country", "cown", year="year")
    assert h.table["cown"].tolist() == [code("Sudan"), code("Sudan"), code("South Sudan"),
                                        code("South Sudan")]
    note = next(n for n in h.notes if n.kind == "country_not_member")
    assert spell("South Sudan")[0] > 2005
    assert note.count == 1 and "'South Sudan' in 2005" in note.message


def test_yemen_before_1990_is_ambiguous_unless_the_name_says_which():
    t = frame(("Yemen", 1980), ("North Yemen", 1980), ("South Yemen", 1980), ("Yemen", 1995),
              ("Yemen", 1960), ("Yemen Arab Republic", 1980), ("Yemen, People's Republic", 1980))
    h = harmonize(t, "country", "cown", year="year", errors="report")
    yar, ypr, yemen = (code("Yemen Arab Republic"), code("Yemen People's Republic"),
                       code("Yemen"))
    assert h.table["cown"].tolist() == [pd.NA, yar, ypr, yemen, yar, yar, ypr]
    assert h.ambiguous == ("Yemen",) and h.ambiguous_rows == (0,)
    note = next(n for n in h.notes if n.kind == "country_ambiguous")
    assert note.count == 1 and f"(COW {yar}) or" in note.message and f"(COW {ypr})" in note.message
    # G&W continue the Yemen Arab Republic's code for unified Yemen
    gw = harmonize(t.iloc[[3]], "country", "gwcode", year="year")
    assert gw.table["gwcode"].tolist() == [code("Yemen (Arab Republic of Yemen)", "gwcode")]


def test_vietnam_1954_1975_is_ambiguous_unless_the_name_says_which():
    t = frame(("Vietnam", 1960), ("North Vietnam", 1960), ("South Vietnam", 1960),
              ("Republic of Vietnam", 1960), ("Vietnam", 1980), ("Viet Nam", 1980),
              ("Socialist Republic of Vietnam", 1990), ("Republic of Vietnam", 1990))
    h = harmonize(t, "country", "cown", year="year", errors="report")
    drv, rvn = code("Vietnam"), code("Republic of Vietnam")
    assert h.table["cown"].tolist() == [pd.NA, drv, rvn, rvn, drv, drv, drv, pd.NA]
    assert h.ambiguous == ("Vietnam",)
    assert set(h.unmatched) == {"Vietnam", "Republic of Vietnam"}  # RVN ended in 1975
    assert spell("Republic of Vietnam")[1] < 1990


def test_congo_and_korea_are_never_guessed():
    t = frame(("Congo", 1970), ("Korea", 1960), ("Congo", 2000), ("Korea", 1900))
    with pytest.raises(DataError) as info:
        harmonize(t, "country", "cown", year="year")
    msg = str(info.value)
    assert "2 value(s) in 3 row(s) match several states" in msg
    assert "'Congo' (rows 0, 2; in 1970, 2000): " in msg
    assert f"(COW {code('Congo')}) or " in msg
    assert f"(COW {code('Democratic Republic of the Congo')})" in msg
    assert f"(COW {code('North Korea')}) or " in msg and f"(COW {code('South Korea')})" in msg
    assert "write the state's own name" in msg and "errors='report'" in msg
    h = harmonize(t, "country", "cown", year="year", errors="report")
    assert h.table["cown"].tolist() == [pd.NA, pd.NA, pd.NA, code("Korea")]
    assert h.ambiguous == ("Congo", "Korea") and h.ambiguous_rows == (0, 1, 2)
    # without a year too (the error says how a year would help)
    with pytest.raises(DataError, match=r"pass year='\.\.\.'"):
        harmonize(t[["country"]], "country", "cown")
    # their own names are one state each
    named = pd.DataFrame({"country": ["Republic of the Congo", "Congo, Rep.",
                                      "Congo-Brazzaville", "Democratic Republic of the Congo",
                                      "Congo, Dem. Rep.", "DR Congo", "South Korea",
                                      "Korea, Dem. People's Rep."]})
    assert harmonize(named, "country", "cown").table["cown"].tolist() == (
        [code("Congo")] * 3 + [code("Democratic Republic of the Congo")] * 3
        + [code("South Korea"), code("North Korea")])


SUBNATIONAL = ["Niger State", "Georgia (US state)", "Punjab", "Kurdistan", "New South Wales",
               "Texas", "Punjab (India)", "Punjab, Pakistan", "Western Australia",
               "South Australia", "Bavaria, Germany", "Kurdistan Region of Iraq",
               "Iraqi Kurdistan", "New England", "Luxembourg province", "Somaliland"]


@pytest.mark.parametrize("name", SUBNATIONAL)
def test_parts_of_countries_are_not_countries(name):
    t = frame((name, 2000))
    with pytest.raises(DataError, match="match no country"):
        harmonize(t, "country", "cown", year="year")
    h = harmonize(t, "country", "cown", year="year", errors="report")
    assert h.unmatched == (name,) and h.table["cown"].isna().all()


def test_partial_matches_say_which_country_and_which_words():
    t = pd.DataFrame({"country": ["Niger State", "Niger", "Western Australia", "Australia",
                                  "Punjab (India)", "India", "Georgia", "Republic of Niger"]})
    h = harmonize(t, "country", "cown", errors="report")
    assert h.table["cown"].tolist() == [pd.NA, code("Niger"), pd.NA, code("Australia"), pd.NA,
                                        code("India"), code("Georgia"), code("Niger")]
    note = next(n for n in h.notes if n.kind == "country_partial")
    assert note.count == 3
    assert "'Niger State' (Niger; also 'state')" in note.message
    assert "'Western Australia' (Australia; also 'western')" in note.message


def test_historical_states_are_no_country_after_they_ended():
    t = frame(("Bavaria", 1850), ("Bavaria", 2000), ("Zanzibar", 1964), ("Zanzibar", 1990),
              ("Kosovo", 1995), ("Kosovo", 2010), ("Korea", 1930))
    h = harmonize(t, "country", "cown", year="year", errors="report")
    assert spell("Kosovo")[0] > 1995 and spell("Zanzibar")[1] < 1990
    assert h.table["cown"].tolist() == [code("Bavaria"), pd.NA, code("Zanzibar"), pd.NA,
                                        code("Kosovo"), code("Kosovo"), pd.NA]
    assert h.unmatched == ("Bavaria", "Zanzibar", "Korea")
    assert h.unmatched_rows == (1, 3, 6)
    note = next(n for n in h.notes if n.kind == "country_ended")
    start, end = spell("Bavaria")
    assert note.count == 3 and f"'Bavaria' in 2000 (row 1; Bavaria existed {start}-{end})" \
        in note.message
    # before independence a name keeps its code, like any country's, and is noted
    member = next(n for n in h.notes if n.kind == "country_not_member")
    assert "'Kosovo' in 1995" in member.message
    with pytest.raises(DataError, match="historical states after they ended"):
        harmonize(t, "country", "cown", year="year")
    # without a year, the name is the historical state (year-blind, as before)
    assert harmonize(t[["country"]].iloc[[1]], "country", "cown").table["cown"].tolist() == [
        code("Bavaria")]


def test_every_state_system_name_is_its_own_state_in_its_years():
    """Each list's own names, in the first, middle and last year of each spell."""
    for to in ("cown", "gwcode"):
        rows = [(r.country, y, getattr(r, to)) for r in SS[to].itertuples()
                for y in sorted({r.start, r.end, (r.start + r.end) // 2})]
        t = pd.DataFrame(rows, columns=["country", "year", "expected"])
        got = harmonize(t, "country", to, year="year", errors="report").table[to]
        wrong = t[got.isna().to_numpy() | (got.astype("float") != t["expected"]).to_numpy()]
        odd = set(zip(wrong["country"], wrong["year"]))
        # the documented exceptions: "Congo" (COW and G&W's name for 484) is ambiguous;
        # Vietnam in 1954 too (817 begins that year); in 1990 Germany is the FRG and
        # Yemen unified Yemen, as the covariates table codes them
        congo = {("Congo", y) for y in t.loc[t["country"] == "Congo", "year"]}
        expected = congo | ({("Vietnam", 1954), ("Germany", 1990), ("Yemen Arab Republic", 1990)}
                            if to == "cown" else set())
        assert odd == expected, to


def test_year_boundaries_are_the_state_system_s():
    from diffusion._country_years import GERMANY, KOREA, VIETNAM, YEMEN

    def periods(family):
        return [(p.first, p.last, len(p.states)) for p in family.periods]

    cow = SS["cown"]
    first_end = int(cow.loc[cow["cown"] == code("Germany"), "end"].min())  # 1945
    frg_end = spell("German Federal Republic")[1]
    assert periods(GERMANY) == [(None, first_end, 1), (first_end + 1, frg_end, 1),
                                (frg_end + 1, None, 1)]
    ypr = spell("Yemen People's Republic")
    assert periods(YEMEN) == [(None, ypr[0] - 1, 1), (ypr[0], spell("Yemen")[0] - 1, 2),
                              (spell("Yemen")[0], None, 1)]
    rvn, annam = spell("Republic of Vietnam"), spell("Vietnam (Annam/Cochin China/Tonkin)",
                                                     "gwcode")
    assert periods(VIETNAM) == [(None, annam[1], 1), (annam[1] + 1, rvn[0] - 1, 1),
                                (rvn[0], rvn[1], 2), (rvn[1] + 1, None, 1)]
    first_two = min(spell("Korea, People's Republic of", "gwcode")[0],
                    spell("Korea, Republic of", "gwcode")[0])
    assert periods(KOREA) == [(None, first_two - 1, 1), (first_two, None, 2)]


def test_codes_are_converted_with_the_year():
    t = pd.DataFrame({"g": [260, 260, 678, 678], "year": [1970, 1995, 1980, 1995]})
    h = harmonize(t, "g", "cown", source="gwcode", year="year")
    assert h.table["cown"].tolist() == [code("German Federal Republic"), code("Germany"),
                                        code("Yemen Arab Republic"), code("Yemen")]
    assert not [n for n in h.notes if n.kind == "country_shared_code"]
    iso = harmonize(pd.DataFrame({"iso": ["DEU", "YEM", "VNM"], "year": [1950, 1980, 1960]}),
                    "iso", "cown", source="iso3", year="year")
    assert iso.table["cown"].tolist() == [code("German Federal Republic"),
                                          code("Yemen Arab Republic"), code("Vietnam")]
    # without a year: year-blind, and said so
    blind = harmonize(t, "g", "cown", source="gwcode")
    assert blind.table["cown"].tolist() == [code("Germany")] * 2 + [code("Yemen")] * 2
    assert {n.kind for n in blind.notes} == {"country_shared_code"}


def test_names_whose_state_depends_on_the_year_are_noted_without_one():
    t = frame(("Germany", 1950), ("Yemen", 1995), ("France", 1950))
    h = harmonize(t, "country", "cown")
    assert h.table["cown"].tolist() == [code("Germany"), code("Yemen"), code("France")]
    note = next(n for n in h.notes if n.kind == "country_year_blind")
    assert note.count == 2 and "pass year='year'" in note.message
    # a missing year: the same, and said so
    h2 = harmonize(frame(("Germany", None), ("Germany", 1950)), "country", "cown", year="year")
    assert h2.table["cown"].tolist() == [code("Germany"), code("German Federal Republic")]
    note = next(n for n in h2.notes if n.kind == "country_year_blind")
    assert note.count == 1 and "'year' is missing" in note.message


@pytest.mark.parametrize("values, match", [
    (["France", 3], r"1 value\(s\) are not text: 3 \(row 1, int\)"),
    (["France", True], "not text"),
    (["France", ("Germany",)], "not text"),
    ([2.5, "France"], "not text"),
])
def test_names_must_be_text(values, match):
    with pytest.raises(DataError, match=match):
        harmonize(pd.DataFrame({"country": values}), "country", "cown")


@pytest.mark.parametrize("years, error", [
    ([1990.5, 1991], InvalidTimeError),
    (["1990", "soon"], InvalidTimeError),
    ([True, False], InvalidTimeError),
    (pd.to_datetime(["1990-01-01", "1991-01-01"]), InvalidTimeError),
    ([1990, 10**12], InvalidTimeError),
])
def test_years_must_be_whole_years(years, error):
    t = pd.DataFrame({"country": ["France", "Germany"], "year": years})
    with pytest.raises(error, match="'year'"):
        harmonize(t, "country", "cown", year="year")


def test_year_option_is_a_column():
    t = frame(("France", 1990))
    with pytest.raises(DataError, match="no column 'yr'"):
        harmonize(t, "country", "cown", year="yr")
    with pytest.raises(SpecificationError, match="year must be a column name"):
        harmonize(t, "country", "cown", year=1990)  # type: ignore[arg-type]
    # whole years given as floats or text are years
    ok = harmonize(pd.DataFrame({"country": ["Germany"] * 2, "year": ["1950", 1995.0]}),
                   "country", "cown", year="year")
    assert ok.table["cown"].tolist() == [code("German Federal Republic"), code("Germany")]


# --------------------------------------------------------------------------- properties
KNOWN = [("Germany", 1950), ("Germany", 1995), ("Côte d'Ivoire", 2000), ("Korea, Rep.", 1990),
         ("United Kingdom", 1900), ("South Sudan", 2015), ("North Yemen", 1980),
         ("Republic of the Congo", 1970), ("Bavaria", 1850), ("Viet Nam", 1990),
         ("United States of America", 1950), ("Bolivia (Plurinational State of)", 2010),
         ("Congo", 1970), ("Niger State", 2000), ("Yemen", 1980), ("Atlantis", 2000)]
_CANON = {}


def _canonical(name, year, to):
    if (name, year, to) not in _CANON:
        h = harmonize(frame((name, year)), "country", to, year="year", errors="report")
        _CANON[name, year, to] = (h.table[to].iloc[0], h.unmatched, h.ambiguous)
    return _CANON[name, year, to]


@st.composite
def variant(draw, name):
    chars = [c.upper() if draw(st.booleans()) else c.lower() for c in name]
    text = "".join(chars)
    text = text.replace(" ", " " * draw(st.integers(1, 3)))
    pad = st.sampled_from(["", " ", "  ", "\t", " \t "])
    return draw(pad) + text + draw(pad)


PROPS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(st.data())
def test_case_and_whitespace_do_not_change_the_code(data):
    name, year = data.draw(st.sampled_from(KNOWN))
    to = data.draw(st.sampled_from(["iso3", "cown", "gwcode"]))
    spelled = data.draw(variant(name))
    h = harmonize(frame((spelled, year)), "country", to, year="year", errors="report")
    code_, unmatched, ambiguous = _canonical(name, year, to)
    got = h.table[to].iloc[0]
    assert (pd.isna(got) and pd.isna(code_)) or got == code_, (spelled, to)
    assert bool(h.unmatched) == bool(unmatched) and bool(h.ambiguous) == bool(ambiguous)


POOL = [n for n, _ in KNOWN] + ["Narnia", "", "  ", None, "USSR", "East Germany", "Korea"]


@PROPS
@given(st.data())
def test_every_row_is_kept_and_the_input_is_not_changed(data):
    n = data.draw(st.integers(1, 12))
    names = data.draw(st.lists(st.sampled_from(POOL), min_size=n, max_size=n))
    years = data.draw(st.lists(st.one_of(st.none(), st.integers(1816, 2020)),
                               min_size=n, max_size=n))
    labels = data.draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n, unique=True))
    to = data.draw(st.sampled_from(["iso3", "cown", "gwcode"]))
    t = pd.DataFrame({"country": names, "year": pd.array(years, dtype="Int64"),
                      "other": range(n)}, index=labels)
    before = t.copy()
    h = harmonize(t, "country", to, year="year", source="name", errors="report")
    pd.testing.assert_frame_equal(t, before)
    out = h.table
    assert list(out.index) == labels and list(out.columns) == ["country", "year", "other", to]
    pd.testing.assert_frame_equal(out[["country", "year", "other"]], before)
    # a row without a code is accounted for: no value, unmatched/ambiguous, or uncoded
    blank = {lab for lab, v in zip(labels, names) if v is None or not str(v).strip()}
    uncoded = {lab for lab, v in zip(labels, names) if v in h.uncoded}
    no_code = set(out.index[out[to].isna()])
    assert no_code <= blank | set(h.unmatched_rows) | uncoded
    assert set(h.unmatched_rows).isdisjoint(set(out.index[out[to].notna()]))
    assert set(h.ambiguous_rows) <= set(h.unmatched_rows)
    n_noted = sum(x.count for x in h.notes if x.kind in (
        "country_unmatched", "country_ended", "country_ambiguous", "country_missing"))
    assert n_noted == len(h.unmatched_rows) + len(blank)
