"""diffusion.countries.harmonize: messy names and codes to ISO3, COW and G&W codes.

Expected codes are the published ones: ISO 3166-1 alpha-3, the Correlates of War
state system list (v2016) and Gleditsch & Ward's list of independent states.
"""

from __future__ import annotations

import pandas as pd
import pytest

from diffusion.countries import HISTORICAL_STATES, Harmonized, harmonize, normalize_name
from diffusion.errors import DataError, SpecificationError

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
