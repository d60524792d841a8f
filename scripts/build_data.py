"""Rebuild the bundled tables in ``data/`` from the project's reference data.

Usage::

    python scripts/build_data.py [REFERENCE_DIR] [--out DIR]

``REFERENCE_DIR`` defaults to ``../shared/reference-data`` next to the repository and
``--out`` to the repository's ``data/``. Every table is derived (a few columns and rows of
the sources, recoded and corrected), never copied; each has a hand-written codebook
``data/<table>.md``. The output is deterministic: two runs give byte-identical files.

Only pandas is needed. Conventions that recur below:

* ``iso3`` is a current ISO 3166-1 alpha-3 code, ``cown`` a Correlates of War code,
  ``gwcode`` a Gleditsch-Ward code; all three come from countrycode's crosswalk, with the
  fixes in :func:`build_regions`.
* A COW code whose state held the ISO code of today's state ("continuity": the German
  Federal Republic held DEU, the Yemen Arab Republic YEM) carries that ``iso3`` in the
  spell and country-year tables, but not in the one-row-per-country tables, where
  ``iso3`` must be unique.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "reference-data"
DEFAULT_OUT = REPO / "data"

# ---------------------------------------------------------------------------------------
# Code fixes and additions (each is listed in data/regions.md)
# ---------------------------------------------------------------------------------------

# countrycode lacks the G&W codes of the microstates (G&W keep them in a separate list);
# matched by name to the R package states' gwstates. Kiribati, Nauru, Tonga and Tuvalu
# have G&W codes that differ from their COW codes, so this cannot be done by number.
GW_MICROSTATES = {
    "DMA": 54, "GRD": 55, "LCA": 56, "VCT": 57, "ATG": 58, "KNA": 60, "MCO": 221,
    "LIE": 223, "AND": 232, "SMR": 331, "STP": 403, "SYC": 591, "VUT": 935, "KIR": 970,
    "NRU": 971, "TON": 972, "TUV": 973, "MHL": 983, "PLW": 986, "FSM": 987, "WSM": 990,
}
# The German states that countrycode has under their COW code only; G&W use the same code.
GW_SAME_AS_COW = (271, 273, 275)
# Codes of the COW and G&W lists that countrycode has no row for: (country, cown, gwcode,
# the ISO code whose regions they take).
SUPPLEMENTARY = [
    ("German Federal Republic", 260, None, "DEU"),
    ("Germany (Prussia)", None, 255, "DEU"),
    ("Korea", 730, 730, "KOR"),
    ("Great Colombia", None, 99, "COL"),
    ("Vietnam (Annam)", None, 815, "VNM"),
    ("Abkhazia", None, 396, "GEO"),
    ("South Ossetia", None, 397, "GEO"),
]
# Spell and country-year tables only: the predecessor state that held today's ISO code.
COW_CONTINUITY = {260: "DEU", 678: "YEM"}
GW_CONTINUITY = {255: "DEU", 815: "VNM"}
# Regions of the states without an ISO code (countrycode gives them a World Bank region only
# sometimes and never a UN region or continent): those of today's state that holds the
# historical state's capital. Kosovo (no ISO or M49 code) takes Serbia's, which all its
# neighbours share (Europe, Southern Europe). Keyed by countrycode's name; the rows of
# SUPPLEMENTARY carry their own.
HISTORICAL_REGIONS = {
    "Austria-Hungary": "AUT", "Baden": "DEU", "Bavaria": "DEU", "Czechoslovakia": "CZE",
    "German Democratic Republic": "DEU", "Hanover": "DEU", "Hesse Electoral": "DEU",
    "Hesse Grand Ducal": "DEU", "Kosovo": "SRB", "Mecklenburg Schwerin": "DEU",
    "Modena": "ITA", "Orange Free State": "ZAF", "Parma": "ITA",
    "Republic of Vietnam": "VNM", "Saxony": "DEU", "Tibet": "CHN", "Transvaal": "ZAF",
    "Tuscany": "ITA", "Two Sicilies": "ITA", "United Province CA": "GTM",
    "Wuerttemburg": "DEU", "Yemen Arab Republic": "YEM", "Yemen People's Republic": "YEM",
    "Yugoslavia": "SRB", "Zanzibar": "TZA",
}
REGION_COLUMNS = ["wb_region", "un_region", "un_subregion", "continent"]

# KOF uses a few World Bank codes that are not ISO 3166 (aggregates are dropped).
KOF_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "ADO": "AND", "WBG": "PSE", "IMY": "IMN"}
# Maddison's series for the unions, used for the union's COW code while it existed (the ISO
# series of Russia and Serbia cover today's territory only): code -> (cown, first, last).
MADDISON_UNIONS = {"SUN": (365, 1922, 1991), "CSK": (315, 1918, 1992), "YUG": (345, 1918, 1991)}

TREATIES = {  # file stem -> short code, in the order of the output
    "cedaw": "CEDAW", "op_cedaw": "OP-CEDAW", "iccpr": "ICCPR", "iccpr_op1": "ICCPR-OP1",
    "iccpr_op2": "ICCPR-OP2", "icescr": "ICESCR", "icescr_op": "ICESCR-OP", "cat": "CAT",
    "opcat": "OPCAT", "crc": "CRC", "op_crc_ac": "CRC-OP-AC", "op_crc_sc": "CRC-OP-SC",
    "op_crc_ic": "CRC-OP-IC", "icerd": "ICERD", "icmw": "ICMW", "cped": "CPED",
    "crpd": "CRPD", "op_crpd": "CRPD-OP",
}
# (treaty, iso3) -> (year in the source, correct year or None for "not a party").
# Source for the correct values: UN Treaty Collection, chapter IV (status pages);
# see data/treaties.md for each case.
TREATY_CORRECTIONS = {
    ("CEDAW", "CPV"): (1991, 1980),
    ("CEDAW", "GMB"): (1983, 1993),
    ("CEDAW", "PHL"): (1987, 1981),
    ("CEDAW", "SGP"): (1993, 1995),
    ("ICERD", "USA"): (1966, 1994),
    ("ICERD", "GBR"): (1966, 1969),
    ("ICERD", "BRA"): (1966, 1968),
    ("ICERD", "JAM"): (1966, 1971),
    ("ICERD", "MEX"): (1966, 1975),
    ("ICERD", "DEU"): (1973, 1969),
    ("ICERD", "ATG"): (1998, 1988),
    ("ICERD", "BRN"): (1969, None),
}
ISO2_FIXES = {"TP": "TL", "S": "SS"}  # East Timor's withdrawn code; a truncated code

VAW_TOPICS = {
    "Femicide": "femicide", "forced_sterilization": "forced_sterilization",
    "stalking": "stalking", "property": "property",
    "violence_against_women": "violence_against_women", "domestic": "domestic_violence",
    "sexual_violence": "sexual_violence", "new": "new",
    "sexual_harassment": "sexual_harassment", "FGM": "fgm", "trafficking": "trafficking",
    "child_ealry_forced": "child_early_forced_marriage",
}

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL",
    "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN",
    "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME",
    "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE",
    "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM",
    "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH",
    "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI",
    "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX",
    "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}

COVARIATE_YEARS = (1800, 2024)
WINGO_YEARS = (1800, 2020)  # as in the reference folder's wingo_hq_counts_country_year.csv
WINGO_FIXED = 78


# ---------------------------------------------------------------------------------------
# Reading and writing
# ---------------------------------------------------------------------------------------

def read(src: Path, relpath: str, **kw) -> pd.DataFrame:
    """Read a reference CSV keeping Namibia's ISO2 code "NA" (only empty cells are missing)."""
    return pd.read_csv(src / relpath, keep_default_na=False, na_values=[""], **kw)


def write(df: pd.DataFrame, out: Path, name: str) -> None:
    df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")


def as_int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="raise").astype("Int64")


def cow_region(code) -> object:
    """Conventional COW regional split by code range (not an official COW file)."""
    if pd.isna(code):
        return pd.NA
    c = int(code)
    for lo, hi, name in ((2, 165, "Americas"), (200, 399, "Europe"), (400, 626, "Africa"),
                         (630, 698, "Middle East"), (700, 990, "Asia & Oceania")):
        if lo <= c <= hi:
            return name
    return pd.NA


def check_unique(df: pd.DataFrame, cols: list[str], table: str) -> None:
    keyed = df.dropna(subset=cols)
    dup = keyed[keyed.duplicated(cols, keep=False)]
    if len(dup):
        raise SystemExit(f"{table}: {len(dup)} rows share {cols}:\n{dup.head(10)}")


class Codes:
    """Look-ups between iso3, cown and gwcode, built from the regions table."""

    def __init__(self, regions: pd.DataFrame, cow_states: pd.DataFrame) -> None:
        both = regions.dropna(subset=["iso3", "cown"])
        self.cow_iso = dict(zip(both["cown"].astype(int), both["iso3"]))
        self.iso_cow = {v: k for k, v in self.cow_iso.items()}
        cg = regions.dropna(subset=["cown", "gwcode"])
        self.cow_gw = dict(zip(cg["cown"].astype(int), cg["gwcode"].astype(int)))
        gw = regions.dropna(subset=["iso3", "gwcode"])
        self.gw_iso = dict(zip(gw["gwcode"].astype(int), gw["iso3"]))
        self.iso_gw = {v: k for k, v in self.gw_iso.items()}
        # keys without missing codes: NaN keys would collide when pandas turns a dict
        # into an index (an error under pandas 3)
        def names(col: str) -> dict:
            keyed = regions.dropna(subset=[col])
            return dict(zip(keyed[col], keyed["country"]))

        self.name_iso, self.name_cow, self.name_gw = names("iso3"), names("cown"), names("gwcode")
        self.cow_days = _membership_days(cow_states)

    def name(self, iso3, cown=None, gwcode=None) -> str:
        for key, table in ((iso3, self.name_iso), (cown, self.name_cow), (gwcode, self.name_gw)):
            if not pd.isna(key) and key in table:
                return table[key]
        raise SystemExit(f"no country name for iso3={iso3} cown={cown} gwcode={gwcode}")

    def iso_for_cow_years(self, frame: pd.DataFrame) -> pd.Series:
        """iso3 for (cown, year) rows; continuity codes included, one cown per iso3-year.

        Where two COW codes map to one ISO code in the same year (1990: GFR 260 and
        Germany 255; YAR 678 and Yemen 679), the code that was a COW member for more days
        of that year keeps it: 260 and 679 in 1990.
        """
        cmap = {**self.cow_iso, **COW_CONTINUITY}
        iso = frame["cown"].map(lambda c: cmap.get(int(c), pd.NA) if not pd.isna(c) else pd.NA)
        work = pd.DataFrame({"iso3": iso, "cown": frame["cown"], "year": frame["year"]})
        work["days"] = [self.cow_days.get((int(c), int(y)), 0) if not pd.isna(c) else 0
                        for c, y in zip(work["cown"], work["year"])]
        work["present"] = [not (pd.isna(c) or pd.isna(i)) and self.cow_iso.get(int(c)) == i
                           for c, i in zip(work["cown"], work["iso3"])]
        ranked = work.dropna(subset=["iso3"]).sort_values(
            ["iso3", "year", "days", "present"], ascending=[True, True, False, False])
        losers = ranked.index[ranked.duplicated(["iso3", "year"], keep="first")]
        iso = iso.copy()
        iso.loc[losers] = pd.NA
        return iso.astype("string")


def _membership_days(cow_states: pd.DataFrame) -> dict[tuple[int, int], int]:
    days: dict[tuple[int, int], int] = {}
    for row in cow_states.itertuples():
        start = pd.Timestamp(int(row.styear), int(row.stmonth), int(row.stday))
        end = pd.Timestamp(int(row.endyear), int(row.endmonth), int(row.endday))
        for y in range(start.year, end.year + 1):
            lo, hi = max(start, pd.Timestamp(y, 1, 1)), min(end, pd.Timestamp(y, 12, 31))
            key = (int(row.ccode), y)
            days[key] = days.get(key, 0) + (hi - lo).days + 1
    return days


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------

def build_regions(src: Path) -> pd.DataFrame:
    cw = read(src, "country-codes-regions/country_regions_crosswalk.csv", low_memory=False)
    cw = cw[cw[["iso3c", "cown", "gwn"]].notna().any(axis=1)].copy()
    cw["cown"], cw["gwn"] = as_int(cw["cown"]), as_int(cw["gwn"])

    def fix(mask_col, mask_val, col, value):
        rows = cw[mask_col] == mask_val
        if rows.sum() != 1:
            raise SystemExit(f"regions: expected one row with {mask_col}={mask_val}")
        cw.loc[rows, col] = value

    # COW's 345 is Yugoslavia and, after 2006, Serbia (COW keeps one code): give it to SRB.
    fix("country.name.en", "Yugoslavia", "cown", pd.NA)
    fix("iso3c", "SRB", "cown", 345)
    # G&W's 678 is the Yemen Arab Republic and unified Yemen (one code).
    fix("country.name.en", "Yemen Arab Republic", "gwn", pd.NA)
    fix("iso3c", "YEM", "gwn", 678)
    # countrycode gives Vietnam G&W 815 (Annam, to 1893); today's Vietnam is G&W 816.
    fix("iso3c", "VNM", "gwn", 816)
    for iso, gw in GW_MICROSTATES.items():
        fix("iso3c", iso, "gwn", gw)
    for code in GW_SAME_AS_COW:
        fix("cown", code, "gwn", code)

    out = pd.DataFrame({
        "iso3": cw["iso3c"], "cown": cw["cown"], "gwcode": cw["gwn"],
        "country": cw["country.name.en"], "wb_region": cw["region"],
        "un_region": cw["un.region.name"], "un_subregion": cw["un.regionsub.name"],
        "continent": cw["continent"],
    })
    by_iso = out.dropna(subset=["iso3"]).set_index("iso3")
    historical = out["iso3"].isna()
    unmapped = sorted(set(out.loc[historical, "country"]) - set(HISTORICAL_REGIONS))
    if unmapped:
        raise SystemExit(f"regions: no HISTORICAL_REGIONS entry for {unmapped}")
    for country, like in HISTORICAL_REGIONS.items():
        rows = historical & (out["country"] == country)
        if rows.sum() != 1:
            raise SystemExit(f"regions: expected one row without ISO code named {country}")
        out.loc[rows, REGION_COLUMNS] = by_iso.loc[like, REGION_COLUMNS].to_numpy()
    extra = []
    for country, cown, gw, like in SUPPLEMENTARY:
        extra.append({"iso3": pd.NA, "cown": cown, "gwcode": gw, "country": country,
                      **by_iso.loc[like, REGION_COLUMNS].to_dict()})
    out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    out["cown"], out["gwcode"] = as_int(out["cown"]), as_int(out["gwcode"])
    out["cow_region"] = [cow_region(c if not pd.isna(c) else g)
                         for c, g in zip(out["cown"], out["gwcode"])]
    out = out[["iso3", "cown", "gwcode", "country", "cow_region", "wb_region", "un_region",
               "un_subregion", "continent"]]
    for cols in (["iso3"], ["cown"], ["gwcode"], ["country"]):
        check_unique(out, cols, "regions")
    return out.sort_values("country", kind="mergesort").reset_index(drop=True)


def build_state_system(src: Path, codes: Codes) -> pd.DataFrame:
    cow = read(src, "state-system/cow_states2016.csv")
    micro_cow = read(src, "state-system/states_pkg_cowstates.csv")
    micro_cow = set(micro_cow.loc[micro_cow["microstate"], "cowcode"])
    cmap = {**codes.cow_iso, **COW_CONTINUITY}
    c = pd.DataFrame({
        "system": "cow", "cown": cow["ccode"], "gwcode": pd.NA,
        "iso3": cow["ccode"].map(cmap), "country": cow["statenme"],
        "start": cow["styear"], "end": cow["endyear"],
        # version 2016 closes every ongoing spell on 2016-12-31
        "open_ended": (cow["endyear"] == 2016) & (cow["endmonth"] == 12) & (cow["endday"] == 31),
        "microstate": cow["ccode"].isin(micro_cow),
    })
    gw = read(src, "state-system/states_pkg_gwstates.csv")
    ii = read(src, "state-system/gw_states_iisystem2017.csv")
    # the states package's non-micro list is the iisystem 2017 list (checked here)
    merged = ii.merge(gw[~gw["microstate"]], left_on=["gwcode", "startdate"],
                      right_on=["gwcode", "start"], how="outer", indicator=True)
    if (merged["_merge"] != "both").any():
        raise SystemExit("state_system: states::gwstates and iisystem2017 disagree")
    gmap = {**codes.gw_iso, **GW_CONTINUITY}
    open_gw = gw["end"] == "9999-12-31"
    g = pd.DataFrame({
        "system": "gw", "cown": pd.NA, "gwcode": gw["gwcode"],
        "iso3": gw["gwcode"].map(gmap), "country": gw["country_name"],
        "start": gw["start"].str[:4].astype(int),
        # the 2017 revision: open spells run to its last year
        "end": gw["end"].str[:4].astype(int).where(~open_gw, 2017),
        "open_ended": open_gw, "microstate": gw["microstate"].astype(bool),
    })
    out = pd.concat([c, g], ignore_index=True)
    out["cown"], out["gwcode"] = as_int(out["cown"]), as_int(out["gwcode"])
    out["iso3"] = out["iso3"].astype("string")
    out["code"] = out["cown"].fillna(out["gwcode"])
    out = out.sort_values(["system", "code", "start"], kind="mergesort").drop(columns="code")
    check_unique(out, ["system", "cown", "start"], "state_system")
    check_unique(out, ["system", "gwcode", "start"], "state_system")
    return out.reset_index(drop=True)


# Equal-terms suffrage (Ramirez, Soysal & Shanahan 1997): the shared first-pass table, the
# project's own review of it (rows verified, changed or upgraded, each with its source and a
# short quote) and the contested alternatives. See data/suffrage.md.
SUFFRAGE_EQUAL = "suffrage-equal-terms/suffrage_equal_terms.csv"
SUFFRAGE_REVIEW = REPO / "scripts" / "sources" / "suffrage_equal_terms_review.csv"
SUFFRAGE_ALTERNATIVES = REPO / "scripts" / "sources" / "suffrage_equal_terms_alternatives.csv"
CONFIDENCE = ("high", "medium", "low")
# (iso3, column) -> (year in the source, corrected year). Turkey: 1930 was the municipal vote
# (Act 1580 of 3 April 1930); the national vote came with the constitutional and electoral
# amendments of 5 December 1934 (source in scripts/sources/suffrage_equal_terms_review.csv).
SUFFRAGE_CORRECTIONS = {
    ("TUR", "year"): (1930, 1934),
    ("TUR", "year_paxton"): (1930, 1934),
}


def _suffrage_equal_terms(src: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Equal-terms year, confidence, source and alternatives for each row of ``rows``.

    The shared first pass gives a year for every row; a row of the review replaces the
    year, confidence and source of the same COW code. Both files must list the same
    country for a COW code, and every reviewed row must have a source and a quote.
    """
    first = read(src, SUFFRAGE_EQUAL)
    review = pd.read_csv(SUFFRAGE_REVIEW, keep_default_na=False, na_values=[""])
    alts = pd.read_csv(SUFFRAGE_ALTERNATIVES, keep_default_na=False, na_values=[""])
    for name, df in (("first pass", first), ("review", review), ("alternatives", alts)):
        unknown = sorted(set(df["cown"]) - set(rows["cown"]))
        if unknown:
            raise SystemExit(f"suffrage: {name} has COW codes absent from LIED: {unknown}")
    for name, df in (("first pass", first), ("review", review)):
        check_unique(df, ["cown"], f"suffrage {name}")
        bad = sorted(set(df["confidence"].dropna()) - set(CONFIDENCE))
        if bad:
            raise SystemExit(f"suffrage: {name} has unknown confidence values {bad}")
    for name, df in (("review", review), ("alternatives", alts)):
        iso = df["cown"].map(rows.set_index("cown")["iso3"])
        clash = df[df["iso3"].fillna("") != iso.fillna("")]
        if len(clash):
            raise SystemExit(f"suffrage: {name} iso3 and cown disagree:\n{clash}")
        empty = df[df[["source_url", "quote"]].isna().any(axis=1)]
        if len(empty):
            raise SystemExit(f"suffrage: {name} rows without source or quote:\n{empty}")
        long_quotes = df[df["quote"].str.split().str.len() > 25]
        if len(long_quotes):
            raise SystemExit(f"suffrage: {name} quotes over 25 words:\n{long_quotes}")
    missing_year = review[review["equal_national_year"].isna() != review["confidence"].isna()]
    if len(missing_year):
        raise SystemExit(f"suffrage: review rows need a year and a confidence:\n{missing_year}")

    first = first.set_index("cown")
    review = review.set_index("cown")
    year = first["equal_national_year"].astype("Float64")
    confidence = first["confidence"].astype("object")
    source = first["source_url"].astype("object")
    year.loc[review.index] = review["equal_national_year"].astype("Float64")
    confidence.loc[review.index] = review["confidence"]
    source.loc[review.index] = review["source_url"]
    alt = (alts.sort_values(["cown", "year"]).astype({"year": int, "cown": int})
           .groupby("cown")["year"].agg(lambda y: ";".join(str(v) for v in y)))
    return pd.DataFrame({
        "year_equal": as_int(rows["cown"].map(year)),
        "confidence_equal": rows["cown"].map(confidence).astype("object"),
        "source_equal": rows["cown"].map(source).astype("object"),
        "alternatives_equal": rows["cown"].map(alt).astype("object"),
    }, index=rows.index)


def build_suffrage(src: Path, codes: Codes) -> pd.DataFrame:
    lied = read(src, "womens-suffrage/lied_v6.8_female_suffrage_first_year.csv")
    lied = lied.dropna(subset=["cown"]).copy()
    lied["cown"] = lied["cown"].astype(int)
    # One row per COW code: LIED has several units for some codes (Serbia, Yugoslavia and
    # Serbia-Montenegro are all 345; Prussia and Germany 255; Russia and the USSR 365).
    g = lied.groupby("cown")
    first_in_data = g["first_year_in_data"].min()
    year = g["first_year_female_suffrage"].min()
    out = pd.DataFrame({"cown": year.index, "year": year.values,
                        "first_in_data": first_in_data.values})
    # G&W code of the regions row (democracyData's GWn is the COW code for several
    # microstates: Nauru 970 is Kiribati in G&W)
    out["gwcode"] = out["cown"].map(codes.cow_gw)

    pax = read(src, "womens-suffrage/paxton2006_owid_suffrage_first_year.csv")
    pax["cown"] = pax["Entity"].map(_paxton_cown(codes))
    unmatched = sorted(pax.loc[pax["cown"].isna(), "Entity"])
    if unmatched != ["American Samoa"]:
        raise SystemExit(f"suffrage: Paxton entities without a COW code: {unmatched}")
    pax = pax.dropna(subset=["cown"])
    pg = pax.groupby("cown")
    pyear, pfirst = pg["first_year_suffrage_yes"].min(), pg["first_panel_year"].min()
    missing = set(pyear.index) - set(out["cown"])
    if missing:
        raise SystemExit(f"suffrage: Paxton COW codes absent from LIED: {sorted(missing)}")
    out["year_paxton"] = out["cown"].map(pyear)
    out["left_censored"] = out["year"] == out["first_in_data"]
    out["left_censored_paxton"] = out["year_paxton"] == out["cown"].map(pfirst)
    out["iso3"] = out["cown"].map(codes.cow_iso).astype("string")
    out["country"] = [codes.name(i, c) for i, c in zip(out["iso3"], out["cown"])]
    for col in ("cown", "gwcode", "year", "year_paxton"):
        out[col] = as_int(out[col])
    for (iso3, col), (was, fixed) in SUFFRAGE_CORRECTIONS.items():
        at = out["iso3"] == iso3
        if at.sum() != 1 or out.loc[at, col].iloc[0] != was:
            raise SystemExit(f"suffrage: correction {iso3} {col} {was}->{fixed} no longer "
                             f"matches the source ({out.loc[at, col].tolist()})")
        out.loc[at, col] = fixed
    out = out[["iso3", "cown", "gwcode", "country", "year", "year_paxton", "left_censored",
               "left_censored_paxton"]]
    out = pd.concat([out, _suffrage_equal_terms(src, out)], axis=1)
    for cols in (["iso3"], ["cown"], ["gwcode"]):
        check_unique(out, cols, "suffrage")
    return out.sort_values("cown").reset_index(drop=True)


def _paxton_cown(codes: Codes) -> dict[str, int]:
    """Paxton/OWID entity name -> COW code: by regions name, else the list below (names
    that differ from countrycode's, and the historical units)."""
    by_name = {name: codes.iso_cow.get(iso) for iso, name in codes.name_iso.items()
               if not pd.isna(iso)}
    manual = {
        "Congo": 484, "Cote d'Ivoire": 437, "Czech Republic": 316,
        "Democratic Republic of Congo": 490, "Democratic Yemen": 680, "East Germany": 265,
        "Germany pre-1949": 255, "Libyan Arab Jamahiriya": 620, "Macedonia": 343,
        "Micronesia": 987, "North Vietnam": 816, "Socialist Federal Republic of Yugoslavia": 345,
        "Serbia and Montenegro": 345, "South Vietnam": 817, "Swaziland": 572, "Timor": 860,
        "USSR": 365, "Vietnam pre-1955": 816, "West Germany": 260, "Yemen Arab Republic": 678,
        "Czechoslovakia": 315, "Bosnia and Herzegovina": 346, "Antigua and Barbuda": 58,
        "Myanmar": 775, "Saint Kitts and Nevis": 60, "Saint Lucia": 56,
        "Saint Vincent and the Grenadines": 57, "Sao Tome and Principe": 403,
        "Trinidad and Tobago": 52, "Cape Verde": 402,
    }
    return {**{k: v for k, v in by_name.items() if v is not None}, **manual}


def build_treaties(src: Path, codes: Codes) -> pd.DataFrame:
    cw = read(src, "country-codes-regions/country_regions_crosswalk.csv", low_memory=False)
    iso2_iso3 = dict(zip(cw["iso2c"].dropna(), cw.dropna(subset=["iso2c"])["iso3c"]))
    rows = []
    for stem, short in TREATIES.items():
        d = read(src, f"un-hr-treaty-ratifications/hr_status_{stem}.csv")
        d["iso2"] = d["iso2"].replace(ISO2_FIXES)
        d["iso3"] = d["iso2"].map(iso2_iso3)
        if d["iso3"].isna().any() or len(d) != 193:
            bad = list(d.loc[d["iso3"].isna(), "iso2"])
            raise SystemExit(f"treaties: {stem}: {len(d)} rows, iso2 without ISO3: {bad}")
        # A party is a row with status "state party" and a year. Five rows have the
        # state-party flag 0 with that status and a year (kept); Zimbabwe's OP-CEDAW row
        # has the status but no year and flag 0 (dropped).
        party = (d["status"] == "state party") & d["year ratification or accession"].notna()
        rows.append(pd.DataFrame({"iso3": d.loc[party, "iso3"], "treaty": short,
                                  "year": d.loc[party, "year ratification or accession"]}))
    out = pd.concat(rows, ignore_index=True)
    out["year"] = as_int(out["year"])
    for (treaty, iso), (was, now) in TREATY_CORRECTIONS.items():
        hit = (out["treaty"] == treaty) & (out["iso3"] == iso)
        if hit.sum() != 1 or out.loc[hit, "year"].iloc[0] != was:
            raise SystemExit(f"treaties: correction {treaty} {iso} does not find year {was}")
        if now is None:
            out = out[~hit]
        else:
            out.loc[hit, "year"] = now
    out["cown"] = as_int(out["iso3"].map(codes.iso_cow))
    out["gwcode"] = as_int(out["iso3"].map(codes.iso_gw))
    out["country"] = out["iso3"].map(codes.name_iso)
    order = {t: i for i, t in enumerate(TREATIES.values())}
    out = out.sort_values(["treaty", "iso3"], key=lambda s: s.map(order) if s.name == "treaty"
                          else s, kind="mergesort")
    out = out[["iso3", "cown", "gwcode", "country", "treaty", "year"]].reset_index(drop=True)
    check_unique(out, ["iso3", "treaty"], "treaties")
    return out


def _keep_successor(df: pd.DataFrame, unit: list[str], key: list[str]) -> pd.DataFrame:
    """Where a source has two units with one key (transition years), keep the later unit."""
    df = df.copy()
    df["_unit_start"] = df.groupby(unit, dropna=False)["year"].transform("min")
    df = df.sort_values(key + ["_unit_start"] + unit, kind="mergesort")
    return df.drop_duplicates(key, keep="last").drop(columns="_unit_start")


def build_covariates(src: Path, codes: Codes, gw_spells: pd.DataFrame) -> pd.DataFrame:
    y0, y1 = COVARIATE_YEARS
    key = ["cown", "year"]
    # --- sources coded by the state (COW code of the state in that year) -------------
    vdem = read(src, "democracy/vdem_v15_polyarchy_subset.csv")
    vdem = vdem[vdem["year"].between(y0, y1)]
    v = _keep_successor(vdem.dropna(subset=["cown"]), ["country_text_id", "vdem_country_name"],
                        key)
    pol = read(src, "democracy/polity5_subset.csv")
    p = _keep_successor(pol.dropna(subset=["cown"]),
                        ["polity_annual_ccode", "polity_annual_country"], key)
    bmr = read(src, "democracy/bmr_v4.csv")
    b = _keep_successor(bmr.dropna(subset=["cown"]), ["bmr_ccode", "bmr_country"], key)
    igo = read(src, "ingo-embeddedness-proxies/cow_igo_v3_state_year_counts.csv")
    igo = igo.rename(columns={"ccode": "cown", "sum_igo_full": "igo_count"})
    parts = [
        v[key + ["v2x_polyarchy", "GWn"]].rename(columns={"v2x_polyarchy": "polyarchy",
                                                           "GWn": "gw_v"}),
        p[key + ["polity2", "GWn"]].rename(columns={"GWn": "gw_p"}),
        b[key + ["democracy", "GWn"]].rename(columns={"democracy": "bmr", "GWn": "gw_b"}),
        igo[key + ["igo_count"]],
    ]
    state = parts[0]
    for part in parts[1:]:
        state = state.merge(part, on=key, how="outer")
    state = state[state["year"].between(y0, y1)].reset_index(drop=True)
    state["cown"] = state["cown"].astype(int)
    state["gw_dd"] = state["gw_v"].fillna(state["gw_p"]).fillna(state["gw_b"])
    state = state.drop(columns=["gw_v", "gw_p", "gw_b"])
    state["iso3"] = codes.iso_for_cow_years(state)

    # --- sources coded by today's territory (ISO code) ----------------------------------
    mad = read(src, "gdp-population/maddison_mpd2023.csv")
    mad = mad[mad["year"].between(y0, y1)]
    m = mad.dropna(subset=["iso3c"])
    m = m[m["countrycode"] != "SUN"]  # the USSR series (iso3c RUS), used below by COW code
    m = m.rename(columns={"iso3c": "iso3"})[["iso3", "year", "gdppc", "pop"]]
    kof = read(src, "ingo-embeddedness-proxies/kof_globalisation_index_2018.csv")
    kof["iso3"] = kof["code"].replace(KOF_CODES)
    kof = kof[kof["iso3"].isin(codes.name_iso)]
    k = kof.rename(columns={"KOFPoGIdf": "kof_political"})[["iso3", "year", "kof_political"]]
    w = _wingo_hq(src, codes)
    wyears = WINGO_YEARS
    # V-Dem units without a COW code but with an ISO code (Hong Kong, West Bank)
    vx = vdem[vdem["cown"].isna() & vdem["country_text_id"].isin(codes.name_iso)]
    vx = vx.rename(columns={"country_text_id": "iso3", "v2x_polyarchy": "polyarchy"})
    terr = (m.merge(k, on=["iso3", "year"], how="outer")
            .merge(w, on=["iso3", "year"], how="outer")
            .merge(vx[["iso3", "year", "polyarchy"]], on=["iso3", "year"], how="outer"))
    terr = terr[terr["year"].between(y0, y1)]

    # --- join: territory rows attach to the state row holding their ISO code -----------
    out = state.merge(terr, on=["iso3", "year"], how="outer", suffixes=("", "_iso"))
    out["polyarchy"] = out["polyarchy"].fillna(out.pop("polyarchy_iso"))
    new = out["cown"].isna()
    out.loc[new, "cown"] = out.loc[new, "iso3"].map(codes.iso_cow)
    clash = out[new & out["cown"].notna()].merge(state[key], on=key)
    if len(clash):
        raise SystemExit(f"covariates: ISO rows collide with state rows:\n{clash.head()}")
    out["cown"] = as_int(out["cown"])
    out["gwcode"] = as_int(_gw_for_rows(out, codes, gw_spells))
    for code, (cown, first, last) in MADDISON_UNIONS.items():
        series = mad[mad["countrycode"] == code].set_index("year")
        rows = (out["cown"] == cown) & out["year"].between(first, last)
        out.loc[rows, "gdppc"] = out.loc[rows, "year"].map(series["gdppc"]).to_numpy()
        out.loc[rows, "pop"] = out.loc[rows, "year"].map(series["pop"]).to_numpy()
    inside = out["iso3"].notna() & out["year"].between(*wyears)
    out.loc[inside, "ingo_hq"] = out.loc[inside, "ingo_hq"].fillna(0)
    for col in ("year", "polity2", "bmr", "igo_count", "ingo_hq"):
        out[col] = as_int(out[col])
    out["country"] = [codes.name(i, c, g)
                      for i, c, g in zip(out["iso3"], out["cown"], out["gwcode"])]
    # Maddison's derived values carry float noise (2545.4880000000003); 4 decimals is exact
    # for every published value and keeps the file deterministic and small.
    out[["gdppc", "pop"]] = out[["gdppc", "pop"]].round(4)
    values = ["gdppc", "pop", "polyarchy", "polity2", "bmr", "igo_count", "ingo_hq",
              "kof_political"]
    out = out.dropna(subset=values, how="all")
    out = out[["iso3", "cown", "gwcode", "country", "year"] + values]
    check_unique(out, ["cown", "year"], "covariates")
    check_unique(out, ["gwcode", "year"], "covariates")
    check_unique(out, ["iso3", "year"], "covariates")
    out["_k"] = out["cown"].fillna(10_000)
    out = out.sort_values(["_k", "iso3", "year"], kind="mergesort").drop(columns="_k")
    return out.reset_index(drop=True)


def _gw_for_rows(rows: pd.DataFrame, codes: Codes, gw_spells: pd.DataFrame) -> pd.Series:
    """G&W code of (cown, iso3, year) rows: a G&W state that was a member that year.

    Candidates, in order: the regions row's G&W code for the COW code; the G&W codes
    whose spells carry the row's ISO code; democracyData's code (``gw_dd``). The first
    whose G&W spell covers the year wins; none covering means no code. If two rows of
    one year get one code (1990: Yemen Arab Republic and Yemen, both G&W 678), the row
    holding the ISO code keeps it.

    The G&W list ends in 2017: a spell still open then (``open_ended``) is carried to
    the last covariate year, so states keep their code in 2018-2024: an open spell is
    read as continuing.
    """
    last = COVARIATE_YEARS[1]
    member = {(int(g), y)
              for g, a, b, open_ in zip(gw_spells["gwcode"], gw_spells["start"],
                                        gw_spells["end"], gw_spells["open_ended"])
              for y in range(a, (max(b, last) if open_ else b) + 1)}
    by_iso: dict[str, list[int]] = {}
    for g, i in zip(gw_spells["gwcode"], gw_spells["iso3"]):
        if not pd.isna(i) and int(g) not in by_iso.setdefault(i, []):
            by_iso[i].append(int(g))
    chosen = []
    for c, i, y, dd in zip(rows["cown"], rows["iso3"], rows["year"], rows["gw_dd"]):
        cands = [codes.cow_gw.get(int(c))] if not pd.isna(c) else []
        cands += by_iso.get(i, []) if not pd.isna(i) else []
        cands += [int(dd)] if not pd.isna(dd) else []
        chosen.append(next((g for g in cands if g is not None and (g, int(y)) in member), pd.NA))
    gw = pd.Series(chosen, index=rows.index, dtype="Int64")
    ranked = pd.DataFrame({"gw": gw, "year": rows["year"], "noiso": rows["iso3"].isna()})
    ranked = ranked.dropna(subset=["gw"]).sort_values(["gw", "year", "noiso"], kind="mergesort")
    gw.loc[ranked.index[ranked.duplicated(["gw", "year"], keep="first")]] = pd.NA
    return gw


def _wingo_hq(src: Path, codes: Codes) -> pd.DataFrame:
    """INGOs headquartered in a country and existing in a year, by today's country.

    Counted as in the reference folder's extract_ingo.py (an INGO exists in year y if
    founded <= y and it is not dissolved by y; one listing several HQ countries counts in
    each), after one correction: 78 INGOs whose COW code disagrees with both the HQ
    country's name and its COW abbreviation get the abbreviation's code (runs of
    consecutive codes, e.g. US-based INGOs coded 3-17, that look like spreadsheet fill).
    """
    wingo = pd.read_csv(src / "ingo-embeddedness-proxies/wingo_v1.1.csv", encoding="latin-1",
                        keep_default_na=False, na_values=["", "NA"],  # "NA" = missing here
                        usecols=["ccode", "StateAbb", "founded", "dissolved"])
    wingo = wingo.dropna(subset=["ccode", "founded"])
    abbr = read(src, "state-system/cow_states2016.csv").drop_duplicates("stateabb")
    by_abbr = wingo["StateAbb"].map(dict(zip(abbr["stateabb"], abbr["ccode"])))
    listed = wingo["ccode"].astype(str).str.split(";")
    single = listed.str.len() == 1
    fixed = single & by_abbr.notna() & (by_abbr != pd.to_numeric(wingo["ccode"], errors="coerce"))
    if fixed.sum() != WINGO_FIXED:
        raise SystemExit(f"covariates: expected {WINGO_FIXED} WINGO code fixes, "
                         f"found {fixed.sum()}")
    listed = listed.where(~fixed, by_abbr.map(lambda c: [str(int(c))] if not pd.isna(c) else []))
    hq = wingo.assign(ccode=listed).explode("ccode")
    hq["iso3"] = hq["ccode"].str.strip().astype(int).map({**codes.cow_iso, 260: "DEU", 265: "DEU"})
    if hq["iso3"].isna().any():
        raise SystemExit("covariates: WINGO HQ codes without an ISO code")
    years = pd.DataFrame({"year": range(WINGO_YEARS[0], WINGO_YEARS[1] + 1)})
    alive = hq.merge(years, how="cross")
    alive = alive[(alive["founded"] <= alive["year"])
                  & (alive["dissolved"].isna() | (alive["dissolved"] > alive["year"]))]
    counts = alive.groupby(["iso3", "year"], as_index=False).size()
    return counts.rename(columns={"size": "ingo_hq"})


def build_vaw(src: Path, codes: Codes) -> pd.DataFrame:
    vaw = read(src, "vaw-legislation/woo_vaw_laws_cow_state_year.csv")
    long = []
    for col in vaw.columns:
        if col.startswith("L_"):
            instrument, topic = "law", col[2:]
        elif col.startswith(("NAP_", "NAPL_")):
            instrument, topic = "action_plan", col.split("_", 1)[1]
        else:
            continue
        hit = vaw[vaw[col] > 0]
        long.append(pd.DataFrame({"cown": hit["ccode"], "year": hit["year"],
                                  "instrument": instrument, "topic": VAW_TOPICS[topic],
                                  "n_entries": hit[col]}))
    out = pd.concat(long, ignore_index=True)
    frame = vaw[["ccode", "year"]].rename(columns={"ccode": "cown"})
    frame["iso3"] = codes.iso_for_cow_years(frame)
    out = out.merge(frame, on=["cown", "year"], how="left")
    out["country"] = [codes.name(i, c) for i, c in zip(out["iso3"], out["cown"])]
    for col in ("cown", "year", "n_entries"):
        out[col] = as_int(out[col])
    out = out[["iso3", "cown", "country", "year", "instrument", "topic", "n_entries"]]
    out = out.sort_values(["cown", "year", "instrument", "topic"], kind="mergesort")
    check_unique(out, ["cown", "year", "instrument", "topic"], "vaw_laws")
    return out.reset_index(drop=True)


# First domestic-violence laws of the 35 OAS states (Hawkins & Humes 2002): derived from
# the reference folder's hand-compiled table, with this project's own checked additions in
# scripts/sources/domestic_violence_review.csv (one row per changed cell, each with its
# source and a short quote). DV_CONFIDENCE: rows that need a note (all rows below
# "high"), with the reason, written to the table's notes column.
DV_SOURCE = "oas-domestic-violence-laws/oas_domestic_violence_laws.csv"
DV_REVIEW = REPO / "scripts" / "sources" / "domestic_violence_review.csv"
DV_CONFIDENCE = {
    "BLZ": ("high", "The OAS list also gives a 1991 Sexual Offences and Domestic Violence "
                    "Act (the title and year of its Bahamas entry); the 1992 Act is used."),
    "BRA": ("medium", "First DV-specific law; earlier penal-code amendments not checked."),
    "DMA": ("medium", "Year from secondary reports (US Country Reports via IRB Canada, a "
                      "charity's page); a 1996 'bill' on the OAS list is not a law."),
    "GRD": ("medium", "Year from UN Women and IRB Canada, not from the act."),
    "JAM": ("medium", "Sources read say 1996; other references call it the Act of 1995."),
    "KNA": ("medium", "IRB Canada, UN Women and the Department of Gender Affairs say 2000; "
                      "another source says passed 2001."),
    "PER": ("medium", "Year from a secondary source (see the review file); no gazette read."),
    "URY": ("medium", "One secondary source; earlier penal-code provisions not checked."),
    "CAN": ("medium", "No federal DV statute found; provincial acts only."),
    "MEX": ("low", "Only the Federal District law was dated; the 1997 federal code "
                   "reforms were seen as a committee report, not as enacted."),
    "CUB": ("medium", "No DV-specific law found (absence is hard to prove)."),
    "HTI": ("medium", "No DV-specific law found (absence is hard to prove)."),
}


def _apply_review(ref: pd.DataFrame, review: pd.DataFrame) -> pd.DataFrame:
    """Set reviewed cells, refusing to run if the reference value is not the one reviewed."""
    ref = ref.copy()
    for row in review.itertuples():
        rows = (ref["iso3"] == row.iso3) & (ref["row_type"] != "later_law")
        if rows.sum() != 1:
            raise SystemExit(f"domestic_violence_laws: review row {row.iso3} matches "
                             f"{rows.sum()} reference rows, expected 1")
        current = ref.loc[rows, row.column].iloc[0]
        expected = row.reference_value
        same = (pd.isna(current) and pd.isna(expected)) or str(current) == str(expected)
        if not same:
            raise SystemExit(f"domestic_violence_laws: {row.iso3} {row.column} is {current!r} "
                             f"in the reference data but {expected!r} in the review file; "
                             "re-check the review row")
        if str(row.value) != str(expected):  # a confirmation keeps the reference's source
            ref.loc[rows, row.column] = row.value
            ref.loc[rows, "source_url"] = row.source_url
    return ref


def build_domestic_violence(src: Path, codes: Codes) -> pd.DataFrame:
    ref = read(src, DV_SOURCE, dtype=str)
    review = pd.read_csv(DV_REVIEW, dtype=str, keep_default_na=False, na_values=[""])
    ref = _apply_review(ref, review)
    first = ref[ref["row_type"] != "later_law"]
    check_unique(first, ["iso3"], "domestic_violence_laws")
    later = ref[ref["row_type"] == "later_law"]
    rows = []
    for r in first.itertuples():
        national = r.row_type == "first_dv_law_found" and r.jurisdiction_level.startswith(
            "national")
        title = r.law_title if pd.isna(r.law_number) else f"{r.law_title}, {r.law_number}"
        notes = []
        if r.row_type == "no_specific_dv_law_found":
            level = "none found"
        elif national:
            level = "national"
        else:
            level = "sub-national"
            when = r.year_enacted if not pd.isna(r.year_enacted) else \
                r.year_promulgated_or_published
            notes.append(f"Sub-national law only: {title} ({when}).")
        confidence, reason = DV_CONFIDENCE.get(r.iso3, ("high", None))
        if reason:
            notes.append(reason)
        for x in later[later["iso3"] == r.iso3].itertuples():
            notes.append(f"Later law: {x.law_title} ({x.year_enacted}).")
        for x in review[review["iso3"] == r.iso3].itertuples():
            verb = "confirmed" if x.value == x.reference_value else "added"
            notes.append(f"Year {verb} in scripts/sources/domestic_violence_review.csv.")
        if national and pd.isna(r.year_enacted):
            raise SystemExit(f"domestic_violence_laws: {r.iso3} has a national law but no year")
        rows.append({
            "iso3": r.iso3, "cown": codes.iso_cow[r.iso3], "country": codes.name(r.iso3),
            "year": int(r.year_enacted) if national else pd.NA,
            "law": title if national else pd.NA, "level": level, "confidence": confidence,
            "source": r.source_url, "notes": " ".join(notes) if notes else pd.NA,
        })
    out = pd.DataFrame(rows)
    unknown = set(DV_CONFIDENCE) - set(out["iso3"])
    if unknown:
        raise SystemExit(f"domestic_violence_laws: DV_CONFIDENCE names {sorted(unknown)}")
    out["year"] = out["year"].astype("Int64")
    out = out.sort_values("iso3", kind="mergesort").reset_index(drop=True)
    check_unique(out, ["iso3"], "domestic_violence_laws")
    return out


def build_spid(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    pol = read(src, "policy-diffusion-benchmarks/spid_policies.csv")
    out = pd.DataFrame({"state": pol["statenam"], "state_abbr": pol["statenam"].map(US_STATES),
                        "policy": pol["policy"], "year": as_int(pol["adopt_year"])})
    if out["state_abbr"].isna().any():
        raise SystemExit("spid: unknown state names")
    out = out.sort_values(["policy", "year", "state"], kind="mergesort").reset_index(drop=True)
    check_unique(out, ["state", "policy"], "spid")
    meta = read(src, "policy-diffusion-benchmarks/spid_policies_metadata.csv")
    meta = meta[["policy", "majortopic", "source", "first_year", "last_year", "adopt_count",
                 "description"]]
    meta = meta.rename(columns={"majortopic": "topic", "adopt_count": "n_adoptions"})
    meta = meta.sort_values("policy", kind="mergesort").reset_index(drop=True)
    check_unique(meta, ["policy"], "spid_policies")
    counts = out.groupby("policy").size()
    if not counts.reindex(meta["policy"]).eq(meta.set_index("policy")["n_adoptions"]).all():
        raise SystemExit("spid: adoption counts disagree with the metadata")
    return out, meta


def build_lottery(src: Path) -> pd.DataFrame:
    lot = read(src, "policy-diffusion-benchmarks/dhb2015/lottery.tab", sep="\t")
    lot.insert(3, "year_original", lot["year"])
    lot["year"] = lot["year"] + 1900  # coded 64-86 in the archive
    lot["party"] = as_int(lot["party"])  # 0/1, stored as 0.0/1.0; empty for MN and NE
    return lot.sort_values(["year", "state"], kind="mergesort").reset_index(drop=True)


def build_dhb_policies(src: Path) -> pd.DataFrame:
    """The 187 policies of Desmarais, Harden & Boehmke (2015): adoption years, long form."""
    wide = read(src, "policy-diffusion-benchmarks/dhb2015/mkdata-network02.tab", sep="\t")
    states = wide["state"]
    if not states.isin(US_STATES.values()).all() or states.duplicated().any():
        raise SystemExit("dhb_policies: unexpected state codes")
    long = (wide.drop(columns=["state_fips", "statenam", "stateno"])
            .melt(id_vars="state", var_name="policy", value_name="year")
            .dropna(subset=["year"]))
    if (long["year"] % 1 != 0).any():
        raise SystemExit("dhb_policies: fractional years")
    long["year"] = as_int(long["year"])
    out = long.sort_values(["policy", "year", "state"], kind="mergesort").reset_index(drop=True)
    check_unique(out, ["state", "policy"], "dhb_policies")
    return out[["state", "policy", "year"]]


def build_dhb_networks(src: Path) -> pd.DataFrame:
    """The published inferred networks, edges only, read as source -> follower.

    In the archive's dyad table an edge has ``state_02`` as the source and ``state_01``
    as the follower (the direction under which the networks reproduce the lottery
    result; see data/dhb_networks.md).
    """
    nets = read(src, "policy-diffusion-benchmarks/dhb2015/dhb2015apsr-networks.csv")
    rows = []
    for column, name in (("src_35_300", "35y_300"), ("src_10_400", "10y_400")):
        part = nets[nets[column] == 1]
        rows.append(pd.DataFrame({"network": name, "year": as_int(part["year"]),
                                  "source": part["state_02"], "target": part["state_01"]}))
    out = pd.concat(rows, ignore_index=True)
    if (out["source"] == out["target"]).any():
        raise SystemExit("dhb_networks: self-ties")
    counts = out.groupby(["network", "year"]).size()
    # 300 edges in every year of the 35-year networks; at most 400 (132-400) in the
    # 10-year ones, whose short windows allow fewer
    if not (counts.loc["35y_300"].eq(300).all() and counts.loc["10y_400"].le(400).all()):
        raise SystemExit("dhb_networks: a year has more edges than the stated number")
    out = out.sort_values(["network", "year", "source", "target"], kind="mergesort")
    check_unique(out, ["network", "year", "source", "target"], "dhb_networks")
    return out.reset_index(drop=True)


MEDINNOV_COVARIATES = ["detail", "meet", "coll", "attend", "proage", "length", "here",
                       "science", "position", "journ2", "nojourn", "free", "social", "club",
                       "friends", "belief", "presc", "detail2", "proximty"]
MEDINNOV_NETWORKS = {"net1": "advice", "net2": "discussion", "net3": "friendship"}


def _doctor(city, ident) -> pd.Series:
    """Doctor key unique across the four cities: city and within-city id, e.g. '2-017'."""
    return pd.Series([f"{int(c)}-{int(i):03d}" for c, i in zip(city, ident)], dtype=object)


def build_medical_innovation(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coleman, Katz & Menzel's doctors (one row each) and their nominations (one row each)."""
    raw = read(src, "policy-diffusion-benchmarks/netdiffuseR_medInnovations.csv")
    if not raw["toa"].between(1, 18).all() or not raw["city"].isin([1, 2, 3, 4]).all():
        raise SystemExit("medical_innovation: unexpected toa or city codes")
    doctors = pd.DataFrame({
        "doctor": _doctor(raw["city"], raw["id"]),
        "city": as_int(raw["city"]),
        "id": as_int(raw["id"]),
        # 18 is netdiffuseR's code for "not adopted by month 17" (one plus the last month)
        "month": as_int(raw["toa"].where(raw["toa"] < 18)),
        "toa_original": as_int(raw["toa"]),
    })
    for col in MEDINNOV_COVARIATES:
        values = raw[col]
        doctors[col] = as_int(values) if (values.dropna() % 1 == 0).all() else values
    doctors = doctors.sort_values(["city", "id"], kind="mergesort").reset_index(drop=True)
    check_unique(doctors, ["doctor"], "medical_innovation")
    cols = [c for c in raw.columns if c.split("_")[0] in MEDINNOV_NETWORKS]
    long = raw.melt(id_vars=["city", "id"], value_vars=cols, var_name="item",
                    value_name="alter_id").dropna(subset=["alter_id"])
    ties = pd.DataFrame({
        "ego": _doctor(long["city"], long["id"]).to_numpy(),
        "alter": _doctor(long["city"], long["alter_id"]).to_numpy(),
        "city": as_int(long["city"]).to_numpy(),
        "network": long["item"].str.split("_").str[0].map(MEDINNOV_NETWORKS).to_numpy(),
        "rank": as_int(long["item"].str.split("_").str[1].astype(int)).to_numpy(),
    })
    ties["alter_surveyed"] = ties["alter"].isin(set(doctors["doctor"]))
    if (ties["ego"] == ties["alter"]).any():
        raise SystemExit("medical_innovation: self-nominations")
    ties = ties.sort_values(["city", "ego", "network", "rank"], kind="mergesort")
    check_unique(ties, ["ego", "network", "rank"], "medical_innovation_ties")
    return doctors, ties.reset_index(drop=True)


def build_work_injury(src: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """GWIP v1 (Breznau & Lanver 2020): first work-injury law and social insurance, by country."""
    g = read(src, "work-injury-laws/gwip_v1.csv")
    # the programme type is spelled three ways in the source
    kind = (g["labor_workinjury_firstlaw_programtype"].str.strip().str.lower()
            .str.replace("-", " ", regex=False))
    if not kind.dropna().isin(["employer liability", "risk pooling"]).all():
        raise SystemExit("work_injury: unexpected programme types")
    iso = regions.dropna(subset=["iso3", "cown"]).drop_duplicates("cown")
    iso = iso.astype({"cown": "int64"}).set_index("cown")["iso3"]
    cown = as_int(g["cow_code"])
    # GWIP codes Vietnam 817 (the Republic of Vietnam, 1954-1975) with a 1994 social-
    # insurance law: the unified state, COW 816 (see data/work_injury.md)
    viet = g["country_name"].str.strip().eq("Vietnam") & cown.eq(817)
    if int(viet.sum()) != 1:
        raise SystemExit("work_injury: the Vietnam code correction no longer applies")
    cown = cown.mask(viet, 816)
    out = pd.DataFrame({
        "cown": cown,
        "country": g["country_name"].str.strip(),
        "independence": as_int(g["independence"]),
        "first_law": as_int(g["labor_workinjury_firstlaw"]),
        "first_law_type": kind,
        "first_socins": as_int(g["labor_workinjury_first_socins"]),
        "full_coverage": as_int(g["labor_workinjury_firstlaw_bluecollar_fullcoverage"]),
    })
    out.insert(0, "iso3", out["cown"].map(iso))
    out = out.sort_values("cown", kind="mergesort").reset_index(drop=True)
    check_unique(out, ["cown"], "work_injury")
    return out


# Belem do Para Convention (Inter-American Convention on the Prevention, Punishment and
# Eradication of Violence against Women, OAS treaty A-61, adopted 9 June 1994): year in
# which each party deposited its instrument of ratification or accession with the OAS
# General Secretariat (the depositary), as listed in the OAS Department of International
# Law's table "Signatories and ratifications, A-61" (facts compiled by hand; see
# data/belem_do_para.md for the caveats). The convention counts a state as a party from
# the deposit of its instrument with the OAS General Secretariat (entry into force 30
# days after it), so the year is that of the deposit, not of the domestic act: El
# Salvador is 1996 (deposit), not 1995 (its ratification decree).
BELEM_DO_PARA = {
    "ATG": 1998, "ARG": 1996, "BHS": 1995, "BRB": 1995, "BLZ": 1996, "BOL": 1994,
    "BRA": 1995, "CHL": 1996, "COL": 1996, "CRI": 1995, "DMA": 1995, "DOM": 1996,
    "ECU": 1995, "SLV": 1996, "GRD": 2001, "GTM": 1995, "GUY": 1996, "HTI": 1997,
    "HND": 1995, "JAM": 2005, "MEX": 1998, "NIC": 1995, "PAN": 1995, "PRY": 1995,
    "PER": 1996, "KNA": 1995, "LCA": 1995, "VCT": 1996, "SUR": 2002, "TTO": 1996,
    "URY": 1996, "VEN": 1995,
}


def build_belem_do_para(regions: pd.DataFrame) -> pd.DataFrame:
    codes = regions.dropna(subset=["iso3", "cown"]).drop_duplicates("iso3")
    codes = codes.set_index("iso3")[["cown", "country"]]
    rows = [{"iso3": iso, "cown": int(codes.loc[iso, "cown"]), "country": codes.loc[iso, "country"],
             "year": year} for iso, year in sorted(BELEM_DO_PARA.items())]
    out = pd.DataFrame(rows)
    check_unique(out, ["iso3"], "belem_do_para")
    return out


# First national science-policy bodies (Finnemore 1993) and first science ministries (Jang
# 2000): the reference folder's three hand-compiled tables, merged with this project's own
# checked rows in scripts/sources/science_policy_review.csv (change = added, corrected or
# upgraded; each with its source and a quote of at most 25 words). Definitions are those
# of the reference folder's PROVENANCE.md; the codebook data/science_policy.md is written
# here because its counts (coverage, corrections, agreement with Finnemore) are computed.
SP_DIR = "science-policy-bodies"
SP_FILES = ("science_policy_bodies.csv", "additions_africa_asia.csv",
            "additions_europe_americas.csv")
SP_FACTS = "science-policy-published-facts/science_policy_published_facts.csv"
SP_REVIEW = REPO / "scripts" / "sources" / "science_policy_review.csv"
SP_INPUT_COLUMNS = ["iso3", "country", "first_body_year", "first_body_name", "body_type",
                    "ministry_year", "ministry_name", "confidence", "source_url", "quote",
                    "note"]
SP_BODY_TYPES = ("ministry", "council", "commission", "department", "agency")
SP_CHANGES = ("added", "corrected", "upgraded")
SP_MAX_QUOTE_WORDS = 25
# States that no longer exist carry their withdrawn ISO codes. DEU is coded as the German
# Federal Republic (COW 260): its 1962 ministry predates unified Germany (COW 255, 1990-).
SP_HISTORICAL = {"CSK": (315, "Czechoslovakia"), "SUN": (365, "Soviet Union"),
                 "DDR": (265, "German Democratic Republic"), "YUG": (345, "Yugoslavia"),
                 "DEU": (260, "German Federal Republic")}
# Finnemore names two states without an ISO code in the facts file.
SP_FACT_NAMES = {"Czechoslovakia": "CSK", "the Soviet Union": "SUN"}
SP_YEARS = (1945, 1990)  # the state system whose coverage is reported
SP_UPPER_BOUND = re.compile(r"(?<!possible )(?<!POSSIBLE )UPPER BOUND")
# A row for a state that a source shows had no national body by some year: body_type
# "none", no first_body_year, and first_body_name "none by YEAR" (the source's date).
SP_NONE = re.compile(r"^none by (\d{4})$")


def _science_policy_input(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The merged input (shared rows, replaced or extended by the review) and the review."""
    shared = []
    for name in SP_FILES:
        part = read(src, f"{SP_DIR}/{name}", dtype=str)
        if list(part.columns) != SP_INPUT_COLUMNS:
            raise SystemExit(f"science_policy: {name} has columns {list(part.columns)}, "
                             f"expected {SP_INPUT_COLUMNS}")
        shared.append(part.assign(input=f"{SP_DIR}/{name}"))
    shared = pd.concat(shared, ignore_index=True)
    check_unique(shared, ["iso3"], "science_policy (reference tables)")
    review = pd.read_csv(SP_REVIEW, dtype=str, keep_default_na=False, na_values=[""])
    if list(review.columns) != SP_INPUT_COLUMNS + ["change"]:
        raise SystemExit(f"science_policy: {SP_REVIEW.name} has columns "
                         f"{list(review.columns)}, expected {SP_INPUT_COLUMNS + ['change']}")
    check_unique(review, ["iso3"], "science_policy (review)")
    bad = review[~review["change"].isin(SP_CHANGES)]
    if len(bad):
        raise SystemExit(f"science_policy: review rows {list(bad['iso3'])} have a change "
                         f"other than {SP_CHANGES}")
    known = set(shared["iso3"])
    added = review["change"] == "added"
    clash = review.loc[added & review["iso3"].isin(known), "iso3"]
    missing = review.loc[~added & ~review["iso3"].isin(known), "iso3"]
    if len(clash) or len(missing):
        raise SystemExit(f"science_policy: review rows 'added' but already in the reference "
                         f"tables: {list(clash)}; 'corrected'/'upgraded' but absent from "
                         f"them: {list(missing)}")
    kept = shared[~shared["iso3"].isin(review["iso3"])]
    merged = pd.concat([kept, review.drop(columns="change").assign(
        input=f"scripts/sources/{SP_REVIEW.name}")], ignore_index=True)
    none = merged["body_type"] == "none"
    for col in ("source_url", "quote", "first_body_year", "first_body_name", "body_type",
                "confidence"):
        empty = merged.loc[merged[col].isna() & ~(none & (col == "first_body_year")), "iso3"]
        if len(empty):
            raise SystemExit(f"science_policy: {len(empty)} rows lack {col}: {list(empty)}")
    odd = merged.loc[none & (merged["first_body_year"].notna() | merged["ministry_year"].notna()
                             | ~merged["first_body_name"].fillna("").str.match(SP_NONE)),
                     "iso3"]
    if len(odd):
        raise SystemExit(f"science_policy: rows {list(odd)} have body_type 'none' but a year, "
                         "or a name other than 'none by YEAR'")
    long = merged.loc[merged["quote"].str.split().str.len() > SP_MAX_QUOTE_WORDS, "iso3"]
    if len(long):
        raise SystemExit(f"science_policy: quotes over {SP_MAX_QUOTE_WORDS} words: {list(long)}")
    for col, allowed in (("body_type", (*SP_BODY_TYPES, "none")), ("confidence", CONFIDENCE)):
        odd = merged.loc[~merged[col].isin(allowed), "iso3"]
        if len(odd):
            raise SystemExit(f"science_policy: {col} not in {allowed}: {list(odd)}")
    return merged.sort_values("iso3", kind="mergesort").reset_index(drop=True), review


def _finnemore_agreement(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Compare each country fact of Finnemore (1993) with the table, one row per fact."""
    years = table.set_index("iso3")["year"]
    rows = []
    for f in facts[facts["publication"].str.startswith("Finnemore")].itertuples():
        iso = f.iso3 if not pd.isna(f.iso3) else SP_FACT_NAMES.get(f.country_as_written)
        if iso is None:
            continue  # aggregate facts (definitions and counts) name no country
        ours = years.get(iso, pd.NA)
        if iso not in years.index:
            verdict = "not in table"
        elif pd.isna(ours):
            verdict = "no body here"
        elif pd.isna(f.year):  # named as an adopter by the time of her data, no year given
            verdict = "adopter by 1990" if ours <= 1990 else "not an adopter by 1990"
        else:
            gap = abs(int(ours) - int(f.year))
            verdict = "same year" if gap == 0 else "within one year" if gap == 1 else \
                "differs"
        rows.append({"fact": f.fact_id, "iso3": iso, "country": f.country_as_written,
                     "fact_type": f.fact_type, "finnemore_year": f.year, "page": f.page,
                     "table_year": ours, "agreement": verdict})
    return pd.DataFrame(rows)


def _md_table(df: pd.DataFrame) -> str:
    cells = df.astype(object).where(df.notna(), "")
    lines = ["| " + " | ".join(map(str, df.columns)) + " |",
             "| " + " | ".join("---" for _ in df.columns) + " |"]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in cells.itertuples(index=False)]
    return "\n".join(lines)


def build_science_policy(src: Path, codes: Codes, state_system: pd.DataFrame,
                         out: Path) -> pd.DataFrame:
    """One row per country; also writes the codebook ``science_policy.md`` to ``out``."""
    merged, review = _science_policy_input(src)
    rows = []
    for r in merged.itertuples():
        if r.iso3 in SP_HISTORICAL:
            cown, country = SP_HISTORICAL[r.iso3]
        elif r.iso3 in codes.iso_cow:
            cown, country = codes.iso_cow[r.iso3], codes.name(r.iso3)
        else:
            raise SystemExit(f"science_policy: no COW code for {r.iso3} ({r.country})")
        none = SP_NONE.match(r.first_body_name) if r.body_type == "none" else None
        rows.append({
            "iso3": r.iso3, "cown": int(cown), "country": country,
            "year": pd.NA if none else int(r.first_body_year),
            "body": pd.NA if none else r.first_body_name, "body_type": r.body_type,
            "ministry_year": pd.NA if pd.isna(r.ministry_year) else int(r.ministry_year),
            "ministry": r.ministry_name, "confidence": r.confidence, "source": r.source_url,
            # the compilers' flag: an earlier national body existed, its year not found
            # ("possible UPPER BOUND" and "may be an upper bound" are doubts, not flags)
            "upper_bound": (not pd.isna(r.note)) and bool(SP_UPPER_BOUND.search(r.note)),
            "none_by": int(none.group(1)) if none else pd.NA,
        })
    table = pd.DataFrame(rows)
    for col in ("year", "ministry_year", "none_by"):
        table[col] = table[col].astype("Int64")
    check_unique(table, ["iso3"], "science_policy")
    check_unique(table, ["cown"], "science_policy")
    facts = read(src, SP_FACTS, dtype={"year": "Int64"})
    agreement = _finnemore_agreement(table, facts)
    out.mkdir(parents=True, exist_ok=True)
    (out / "science_policy.md").write_text(
        _science_policy_codebook(src, table, merged, review, agreement, state_system),
        encoding="utf-8", newline="\n")
    return table


def _science_policy_codebook(src: Path, table: pd.DataFrame, merged: pd.DataFrame,
                             review: pd.DataFrame, agreement: pd.DataFrame,
                             state_system: pd.DataFrame) -> str:
    lo, hi = SP_YEARS
    cow = state_system[(state_system["system"] == "cow") & (state_system["start"] <= hi)
                       & (state_system["end"] >= lo)]
    members = cow.drop_duplicates("cown").set_index("cown")["country"]
    covered = table["cown"].isin(members.index)
    uncovered = members[~members.index.isin(table["cown"])].sort_index()
    region = table["cown"].map(cow_region).rename("COW region")
    by_conf = pd.crosstab(region, table["confidence"], margins=True, margins_name="all")
    by_conf = by_conf.reindex(columns=[*CONFIDENCE, "all"], fill_value=0)
    by_conf = by_conf.rename_axis(None, axis=1).reset_index()
    shared = {}  # the reference tables' year, for the corrections table
    for name in SP_FILES:
        for r in read(src, f"{SP_DIR}/{name}", dtype=str).itertuples():
            shared[r.iso3] = r.first_body_year
    changed = review[review["change"] != "added"]
    corrections = pd.DataFrame({
        "iso3": changed["iso3"], "change": changed["change"],
        "reference year": changed["iso3"].map(shared),
        "year now": changed["first_body_year"], "confidence": changed["confidence"],
        "source": changed["source_url"]})
    added = review[review["change"] == "added"].merge(
        table[["iso3", "country", "upper_bound"]], on="iso3", suffixes=("_input", ""))
    added = pd.DataFrame({"iso3": added["iso3"], "country": added["country"],
                          "year": added["first_body_year"].fillna(added["first_body_name"]),
                          "body type": added["body_type"],
                          "confidence": added["confidence"],
                          "upper bound": added["upper_bound"].map({True: "yes", False: ""})})
    added = added.sort_values("iso3", kind="mergesort")
    counts = agreement["agreement"].value_counts()
    dated = agreement[agreement["finnemore_year"].notna()]
    peak = agreement[agreement["fact_type"] == "first_science_policy_bureaucracy_peak_year"]
    n_peak_same = int((peak["agreement"] == "same year").sum())
    modal = table["year"].value_counts()
    ub = table[table["upper_bound"]]
    none = table[table["none_by"].notna()]
    none_text = ", ".join(f"{r.country} (none by {r.none_by})" for r in none.itertuples())
    lines = [
        "# science_policy — first national science-policy bodies and science ministries",
        "",
        "File `science_policy.csv`, loader `diffusion.datasets.load_science_policy()`.",
        "Written, with this codebook, by `build_science_policy` in `scripts/build_data.py`;",
        "every count below is computed by that function, not typed.",
        "",
        "## Unit and coverage",
        "",
        f"One row per country: {len(table)} countries (historical states included). "
        f"{int(table['year'].notna().sum())} have a first body, from {table['year'].min()} to "
        f"{table['year'].max()}; {len(none)} {'is' if len(none) == 1 else 'are'} coded as "
        f"having no national body by a year that a source states ({none_text or 'none'}). "
        f"The most frequent year is {modal.index[0]} ({modal.iloc[0]} countries). "
        f"{int(table['ministry_year'].notna().sum())} rows have a ministry year.",
        "",
        f"COW state system, {lo}–{hi} (states with a COW v2016 membership spell overlapping "
        f"those years): {len(members)} states, of which **{int(covered.sum())} have a row**. "
        f"{len(table) - int(covered.sum())} rows fall outside that list. The "
        f"{len(uncovered)} states without a row are *not* coded as non-adopters: no source "
        "was read for them, so they leave the risk set (see Known issues).",
        "",
        "Rows by COW region (conventional code ranges) and confidence:",
        "",
        _md_table(by_conf),
        "",
        f"States of the {lo}–{hi} COW system without a row ({len(uncovered)}): "
        + ", ".join(f"{n} ({c})" for c, n in uncovered.items()) + ".",
        "",
        "## Definitions",
        "",
        "The definitions are those of the reference folder "
        "(`science-policy-bodies/PROVENANCE.md`), which follow Finnemore (1993):",
        "",
        "- **First national science-policy body** (`year`, `body`, `body_type`): the first "
        "central-government organisation charged with coordinating, planning or advising on "
        "national science (and technology) policy: a ministry, state secretariat or minister "
        "for science or research; a national science or S&T council or commission with a "
        "cross-government mandate; a department or agency for national coordination of "
        "research; or a national research council whose founding text gives it that "
        "coordinating or advisory role. Academies, sectoral bodies (atomic energy, "
        "agriculture), purely research-performing institutes and defence bodies do not count. "
        "Where several bodies fit, the earliest is used.",
        "- **First ministry** (`ministry_year`, `ministry`), in the sense of Jang (2000): the "
        "first cabinet-level ministry or minister responsible for science, research or "
        "technology (ministers without portfolio, state committees of ministry rank and "
        "combined portfolios that name science included). A missing value means that no "
        "year was verified, not that there was no ministry.",
        "- **Confidence**: `high`, an official or near-official source (the body's own "
        "history, the founding law, an archive) states the year and the body clearly fits; "
        "`medium`, one good secondary source or a judgement on which body fits; `low`, a "
        "doubtful fit, thin text, or an upper bound.",
        "- **`upper_bound`**: the compilers found that an earlier national body existed but "
        f"not its founding year, so `year` may be too late ({len(ub)} rows: "
        + ", ".join(ub["iso3"]) + ").",
        "- **None by a year** (`body_type` `none`, `none_by`): coded only where a source read "
        "says that the state had no national science-policy body at a date; never because no "
        "source was found.",
        "",
        "## Variables",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
        "| `iso3` | text | ISO 3166-1 alpha-3; withdrawn codes for states that no longer exist "
        "(CSK, SUN, DDR, YUG). |",
        "| `cown` | integer | COW code from `regions.csv`; historical states CSK 315, SUN 365, "
        "DDR 265, YUG 345; DEU is the German Federal Republic, 260. |",
        "| `country` | text | Name as in `regions.csv` (historical states by their own name). |",
        "| `year` | integer, missing | Year of the first national science-policy body; "
        "missing for the rows coded none. |",
        "| `body` | text | Its name (English, original in brackets where useful). |",
        "| `body_type` | text | ministry, council, commission, department or agency; `none` "
        "where a source shows there was no national body. |",
        "| `ministry_year` | integer, missing | Year of the first science/technology ministry. |",
        "| `ministry` | text, missing | Its name. |",
        "| `confidence` | text | high, medium or low. |",
        "| `source` | text | Address of the page the year was read on. |",
        "| `upper_bound` | true/false | See Definitions. |",
        "| `none_by` | integer, missing | For `none` rows: the year by which a source shows "
        "there was no national body (the state is at risk, not an adopter, until then). |",
        "",
        "The quote that contains each founding fact (at most 25 words, checked by the build) "
        "is kept in the build input, not in this table: the reference folder's three tables "
        "and the project's `scripts/sources/science_policy_review.csv`.",
        "",
        "## Source",
        "",
        "Each row cites one public page that was read (agency and ministry histories, "
        "founding laws and official gazettes, archives, CIA National Intelligence Survey "
        "sections transcribed on Wikisource, encyclopaedias and Wikipedia pages and their "
        "copies). Input rows: "
        + ", ".join(f"{n} from `{i}`"
                    for i, n in merged["input"].value_counts().sort_index().items())
        + ".",
        "",
        "## Licence",
        "",
        "The table holds facts (names and years) with citations; the quotes in the build "
        "input are short extracts kept for attribution. Most sources state no reuse licence; "
        "some are CC BY-SA (Wikipedia and its copies) or copyrighted.",
        "",
        "This is not Finnemore's or Jang's data (neither was found); it was compiled "
        "independently to their definitions, and years may differ from theirs.",
        "",
        "## Corrections and additions by this project",
        "",
        f"`scripts/sources/science_policy_review.csv` holds {len(review)} rows, each with its "
        "source and quote. Rows that replace a reference row:",
        "",
        _md_table(corrections) if len(corrections) else "(none)",
        "",
        f"Rows added ({len(added)}):",
        "",
        _md_table(added) if len(added) else "(none)",
        "",
        "## Agreement with Finnemore's stated facts",
        "",
        "Finnemore (1993) gives years for Britain (DSIR, 1915), the United States (NSF, "
        "1950) and the ten states she names as creating their first science-policy "
        "bureaucracy in the peak year 1962 (p. 575); p. 572 names further adopters without a "
        "year. Compared with this table "
        "(`science-policy-published-facts/science_policy_published_facts.csv`):",
        "",
        _md_table(agreement[["fact", "country", "finnemore_year", "page", "table_year",
                             "agreement"]]),
        "",
        f"Summary: of {len(dated)} dated facts, "
        + ", ".join(f"{int(counts.get(k, 0))} {k}" for k in
                    ("same year", "within one year", "differs", "not in table")
                    if k in set(dated["agreement"]) or k == "same year")
        + f"; {n_peak_same} of the {len(peak)} named 1962 adopters have 1962 here. Undated "
        f"adopters: {int(counts.get('adopter by 1990', 0))} of "
        f"{len(agreement) - len(dated)} adopt by 1990 here. The 1962 list is illustrative "
        "(\"countries as dissimilar as ...\"), not the full set of 1962 adopters.",
        "",
        "## Known issues and notes for users",
        "",
        "- A state without a row is not a non-adopter: for an event history, drop it from "
        "the risk set (and count it), or treat the whole analysis as restricted to covered "
        f"states. {len(none)} rows code a state as having no body by a year a source "
        "states (`none_by`); such a state is a non-adopter up to that year.",
        "- Check `upper_bound` and `confidence` before using `year` as an event year; a "
        "sensitivity analysis without `low` rows is cheap.",
        "- Years after 1990 are real first-body years (e.g. Mozambique 2000), so those "
        "states are right-censored in a 1945–1990 analysis.",
        "- Pre-independence bodies are not used (India's CSIR, 1942).",
        "- Germany is the German Federal Republic (COW 260, from 1955); unified Germany "
        "(COW 255, from 1990) has no row of its own and appears among the states without "
        "a row. The Soviet Union carries COW 365, which COW also uses for Russia.",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Environmental treaties (manyenviron 0.4.0: IEADB, ECOLEX and HUGGO memberships)
# ---------------------------------------------------------------------------------------
# The reference folder's PROVENANCE.md describes the files. Rules (each counted in the
# codebooks data/environmental_treaties.md and data/environmental_treaty_counts.md, which
# are written here because their counts are computed):
# * a state's year is the year of its consent to be bound: ratification, accession,
#   acceptance, approval or succession (IEADB `crat`; ECOLEX `Rat`; HUGGO the earliest of
#   StateRatification, Accession and Acceptance). Signature and entry into force are not
#   consent; the counts table alone falls back on entry into force (see ENV_COUNT_RULES);
# * treaties are keyed by the source's own id (IEADB mitch_id, ecolexID, gengID), never by
#   manyID, which the package derived from each row's own first date;
# * placeholder dates (years below 1000 or from 2500: 2899, 2999, 9999, 0001) are blanks;
#   dates after the package's release (March 2024) are typos and blanks too; state dates
#   before the treaty was opened for signature are impossible and blanks;
# * a successor state's date from before its independence is the predecessor's (HUGGO
#   gives Yugoslavia's 1977 Ramsar date to Croatia); it is used only when no source has a
#   date of the state's own;
# * a source whose years for a treaty agree with the other sources for fewer than
#   ENV_MIN_AGREEMENT of the states they share is not used for that treaty's years
#   (ECOLEX's Ramsar and CITES dates are attached to the wrong states);
# * the sources are reconciled by majority; a tie goes to the first source of
#   ENV_PRECEDENCE that gives one of the tied years.
ENV_DIR = "environmental-treaty-memberships"
ENV_CHECKS = REPO / "scripts" / "sources" / "environment_checks.csv"
# code -> (year opened for signature, IEADB mitch_id, ECOLEX ecolexID, HUGGO gengID).
# IEADB lists the Montreal Protocol (3021) and the Kyoto Protocol (3273) as agreements but
# its membership download has no rows for them.
ENV_TREATIES = {
    "RAMSAR": (1971, "2793", "TRE-000531", "GENG-0934"),
    "CITES": (1973, "2814", "TRE-000483", "GENG-1056"),
    "VIENNA": (1985, "2982", "TRE-000829", "MGENG-0364"),
    "MONTREAL": (1987, "3021", "TRE-000953", "MGENG-0402"),
    "BASEL": (1989, "3042", "TRE-001003", "MGENG-0419"),
    "UNFCCC": (1992, "3126", "TRE-001147", "MGENG-0502"),
    "CBD": (1992, "3128", "TRE-001148", "GENG-2706"),
    "KYOTO": (1997, "3273", "TRE-001269", "GENG-1871"),
    "STOCKHOLM": (2001, "3341", "TRE-001338", "GENG-1918"),
}
ENV_SOURCES = ("IEADB", "ECOLEX", "HUGGO")
ENV_PRECEDENCE = ("ECOLEX", "IEADB", "HUGGO")
ENV_MIN_AGREEMENT = 0.8
ENV_MIN_SHARED = 20  # states two sources must share before agreement is judged
ENV_LAST_YEAR = 2024  # manyenviron 0.4.0 was released on 2024-03-05
ENV_COUNT_YEARS = (1900, 2020)
# Parties without a COW or G&W code that are states for treaty purposes (UN treaty
# practice: the Cook Islands and Niue have full treaty-making capacity; Palestine accedes
# as a non-member observer State). Other ISO codes without a COW or G&W code are
# territories (Greenland, Hong Kong, ...) and are dropped with a count.
ENV_EXTRA_STATES = ("COK", "NIU", "PSE")
# Successor states of the dissolutions after 1945 -> first year of independence. A date
# before that year is the predecessor's.
ENV_SUCCESSORS = {
    **dict.fromkeys(["ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU", "LVA", "MDA",
                     "TJK", "TKM", "UKR", "UZB"], 1991),
    **dict.fromkeys(["HRV", "SVN", "MKD"], 1991), "BIH": 1992, "SRB": 1992,
    "CZE": 1993, "SVK": 1993, "ERI": 1993, "MNE": 2006, "TLS": 2002, "SSD": 2011,
}
# Agreement types that are not counted as agreements of their own (IEADB and HUGGO codes;
# ECOLEX has none, so titles are used): amendments and adjustments change an agreement
# already counted; Q, V, W, Y are non-binding (agreed minutes, declarations, resolutions,
# memoranda of understanding).
ENV_NOT_COUNTED = ("E", "Other Binding Modification", "Q", "V", "W", "Y")
ENV_AMENDMENT_TITLE = re.compile(r"^(amendments?|adjustments?)\b", re.IGNORECASE)
_ENV_ISO_DATE = re.compile(r"^(\d{1,4})-\d{1,2}-\d{1,2}$")
_ENV_DOT_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{4})$")


def _env_year(raw: pd.Series, notes: dict, label: str) -> pd.Series:
    """Year of a raw manyenviron date string; placeholders and typos become missing."""
    text = raw.astype("string").str.strip()
    year = pd.to_numeric(text.str.extract(_ENV_ISO_DATE)[0], errors="coerce")
    dotted = pd.to_numeric(text.str.extract(_ENV_DOT_DATE)[0], errors="coerce")
    notes[f"{label}: dd.mm.yyyy dates read"] = int(dotted.notna().sum())
    year = year.fillna(dotted)
    unread = text.notna() & year.isna()
    if unread.any():
        raise SystemExit(f"environmental treaties: {label}: {int(unread.sum())} dates not "
                         f"read, e.g. {list(text[unread].head(3))}")
    placeholder = (year < 1000) | (year >= 2500)
    typo = (year > ENV_LAST_YEAR) & ~placeholder
    notes[f"{label}: placeholder dates dropped"] = int(placeholder.sum())
    notes[f"{label}: dates after {ENV_LAST_YEAR} dropped"] = int(typo.sum())
    return year.where(~placeholder & ~typo).astype("Int64")


def _env_memberships(src: Path, notes: dict) -> pd.DataFrame:
    """One row per source membership row: source, treaty id, iso3, consent, force."""
    folder = src / ENV_DIR

    def rd(name: str) -> pd.DataFrame:
        return pd.read_csv(folder / name, dtype=str, keep_default_na=False, na_values=[""])

    ieadb = rd("ieadb_membership_download_raw.csv.gz")
    ecolex = rd("memberships_ecolex.csv.gz")
    huggo = rd("memberships_huggo_full.csv.gz")
    core = rd("memberships_huggo.csv.gz")
    if len(core) != len(huggo) or not (core["source_treaty_id"] == huggo["gengID"]).all():
        raise SystemExit("environmental treaties: the two HUGGO files are not row-aligned")
    hug_consent = pd.concat([_env_year(huggo[c], notes, f"HUGGO {c}")
                             for c in ("StateRatification", "Accession", "Acceptance")],
                            axis=1).min(axis=1)
    parts = [
        pd.DataFrame({"source": "IEADB", "treaty_id": ieadb["mitch_id"], "iso3": ieadb["iso3"],
                      "state_code": ieadb["country"],
                      "signed": _env_year(ieadb["csig"], notes, "IEADB csig").notna(),
                      "consent": _env_year(ieadb["crat"], notes, "IEADB crat"),
                      "force": _env_year(ieadb["ceif3"], notes, "IEADB ceif3")}),
        pd.DataFrame({"source": "ECOLEX", "treaty_id": ecolex["source_treaty_id"],
                      "iso3": ecolex["iso3"], "state_code": ecolex["stateID"],
                      "signed": _env_year(ecolex["state_signature"], notes,
                                          "ECOLEX stateSignature").notna(),
                      "consent": _env_year(ecolex["state_ratification"], notes,
                                           "ECOLEX Rat"),
                      "force": _env_year(ecolex["state_force"], notes, "ECOLEX Force")}),
        pd.DataFrame({"source": "HUGGO", "treaty_id": huggo["gengID"], "iso3": core["iso3"],
                      "state_code": huggo["stateID"],
                      "signed": _env_year(huggo["StateSignature"], notes,
                                          "HUGGO StateSignature").notna(),
                      "consent": hug_consent.astype("Int64"),
                      "force": _env_year(huggo["StateForce"], notes, "HUGGO StateForce")}),
    ]
    rows = pd.concat(parts, ignore_index=True)
    for source in ENV_SOURCES:
        notes[f"{source}: membership rows"] = int((rows["source"] == source).sum())
    return rows


def _env_states(rows: pd.DataFrame, codes: Codes, notes: dict) -> pd.DataFrame:
    """Keep rows of states (ISO code with a COW or G&W code, or ENV_EXTRA_STATES)."""
    no_iso = rows["iso3"].isna()
    state = rows["iso3"].isin(set(codes.iso_cow) | set(codes.iso_gw) | set(ENV_EXTRA_STATES))
    for source in ENV_SOURCES:
        mine = rows["source"] == source
        notes[f"{source}: rows without an ISO code dropped (EU, historical or ambiguous "
              "codes)"] = int((mine & no_iso).sum())
        notes[f"{source}: rows of territories dropped"] = int((mine & ~no_iso & ~state).sum())
    return rows[state].copy()


def _env_clean_years(rows: pd.DataFrame, opening: pd.Series, notes: dict,
                     label: str) -> pd.DataFrame:
    """Blank dates before the treaty opened; then one row per (source, key, iso3)."""
    rows = rows.copy()
    first = rows["key"].map(opening)
    for col in ("consent", "force"):
        early = rows[col].notna() & first.notna() & (rows[col] < first)
        notes[f"{label}: {col} dates before the treaty was opened dropped"] = int(early.sum())
        rows[col] = rows[col].mask(early)
    n = len(rows)
    rows = rows.groupby(["key", "iso3", "source"], as_index=False, sort=True).agg(
        consent=("consent", "min"), force=("force", "min"), signed=("signed", "any"))
    notes[f"{label}: duplicate rows of a state in one source merged (earliest date)"] = (
        n - len(rows))
    return rows


def _env_successor_years(rows: pd.DataFrame, notes: dict, label: str) -> pd.DataFrame:
    """A successor's consent year from before independence is the predecessor's: where the
    same source row has an entry-into-force year from independence on (the date of effect
    of a succession), that year stands in for it."""
    start = rows["iso3"].map(ENV_SUCCESSORS)
    own_force = rows["force"].notna() & start.notna() & (rows["force"] >= start)
    pred = rows["consent"].notna() & start.notna() & (rows["consent"] < start)
    use = own_force & (pred | rows["consent"].isna())
    notes[f"{label}: successor states dated by their own entry into force"] = int(use.sum())
    rows = rows.copy()
    rows.loc[use, "consent"] = rows.loc[use, "force"]
    return rows


def _env_agreement(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (key, source): states shared with another source, and the share agreeing."""
    wide = rows.pivot_table(index=["key", "iso3"], columns="source", values="year",
                            aggfunc="first")
    out = []
    for source in wide.columns:
        others = [c for c in wide.columns if c != source]
        if not others:
            continue
        mine = wide[source]
        shared = mine.notna() & wide[others].notna().any(axis=1)
        agree = pd.concat([wide[o] == mine for o in others], axis=1).any(axis=1) & shared
        stats = pd.DataFrame({"shared": shared, "agree": agree}).groupby(level="key").sum()
        stats["source"] = source
        out.append(stats.reset_index())
    if not out:
        return pd.DataFrame(columns=["key", "source", "shared", "agree", "rate"])
    stats = pd.concat(out, ignore_index=True)
    stats["rate"] = stats["agree"] / stats["shared"].where(stats["shared"] > 0)
    return stats


def _env_reconcile(rows: pd.DataFrame, notes: dict, label: str
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One year per (key, iso3) from the per-source years in ``rows[year]``.

    Returns the reconciled rows (key, iso3, year, n_sources, disagree, predecessor) and the
    per-(key, source) agreement table with the exclusions.
    """
    last = rows.groupby("source")["year"].max()
    undated = rows[rows["undated"]][["key", "iso3", "source"]]
    rows = rows.dropna(subset=["year"]).copy()
    rows["year"] = rows["year"].astype(int)
    # a year given by one source only is contradicted where another source records the
    # state's signature but no consent and no entry into force, and the year falls before
    # that source's last year (HUGGO dates the United States into Basel and Stockholm; both list the
    # United States as a signatory only)
    single = rows.groupby(["key", "iso3"])["source"].transform("size") == 1
    probe = rows[single].merge(undated, on=["key", "iso3"], suffixes=("", "_other"))
    probe = probe[(probe["source_other"] != probe["source"])
                  & (probe["year"] < probe["source_other"].map(last))]
    contradicted = rows.set_index(["key", "iso3"]).index.isin(
        probe.set_index(["key", "iso3"]).index) & single
    notes[f"{label}: single-source years contradicted by a signature-only row dropped"] = int(
        contradicted.sum())
    rows = rows[~contradicted]
    stats = _env_agreement(rows)
    judged = stats["shared"] >= ENV_MIN_SHARED
    good = judged & (stats["rate"] >= ENV_MIN_AGREEMENT)
    # a source is outvoted only where another source of the treaty passes the test: two
    # sources that disagree with each other have no arbiter and are both kept
    arbiter = stats["key"].isin(stats.loc[good, "key"])
    bad = stats[judged & ~good & arbiter]
    stats["excluded"] = stats.set_index(["key", "source"]).index.isin(
        bad.set_index(["key", "source"]).index)
    excluded = rows.set_index(["key", "source"]).index.isin(
        bad.set_index(["key", "source"]).index)
    # an excluded source still counts where it is the only one naming the state
    only = rows.groupby(["key", "iso3"])["source"].transform("size") == 1
    drop = excluded & ~only
    notes[f"{label}: years of sources excluded for disagreement dropped"] = int(drop.sum())
    notes[f"{label}: years of excluded sources kept (only source for the state)"] = int(
        (excluded & only).sum())
    rows = rows[~drop]
    start = rows["iso3"].map(ENV_SUCCESSORS)
    rows["own"] = start.isna() | (rows["year"] >= start)
    has_own = rows.groupby(["key", "iso3"])["own"].transform("any")
    pred = ~rows["own"] & has_own
    notes[f"{label}: predecessor's years dropped (a year of the state's own exists)"] = int(
        pred.sum())
    rows = rows[~pred]
    rank = {s: i for i, s in enumerate(ENV_PRECEDENCE)}
    rows["rank"] = rows["source"].map(rank)
    rows["votes"] = rows.groupby(["key", "iso3", "year"])["source"].transform("size")
    rows = rows.sort_values(["key", "iso3", "votes", "rank"], ascending=[True, True, False,
                                                                          True])
    grouped = rows.groupby(["key", "iso3"], sort=True)
    out = grouped.head(1)[["key", "iso3", "year", "source", "own"]].reset_index(drop=True)
    summary = grouped.agg(n_sources=("source", "size"), n_years=("year", "nunique"),
                          top=("votes", "max")).reset_index()
    out = out.merge(summary, on=["key", "iso3"], validate="1:1")
    out["disagree"] = out["n_years"] > 1
    out["tie"] = out["disagree"] & (out["top"] == 1)
    out["predecessor"] = ~out["own"]
    return out.drop(columns=["own", "top", "n_years"]), stats


def _env_nine(rows: pd.DataFrame, notes: dict
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = {(source, tid): code for code, (_, *tids) in ENV_TREATIES.items()
           for source, tid in zip(ENV_SOURCES, tids)}
    key = pd.Series(list(zip(rows["source"], rows["treaty_id"])), index=rows.index).map(ids)
    nine = rows.assign(key=key).dropna(subset=["key"])
    opening = {code: spec[0] for code, spec in ENV_TREATIES.items()}
    nine = _env_clean_years(nine, opening, notes, "nine treaties")
    nine = _env_successor_years(nine, notes, "nine treaties")
    no_consent = nine["consent"].isna()
    notes["nine treaties: source rows without a consent date (signature or entry into force "
          "only) not used"] = int(no_consent.sum())
    undated = nine["signed"] & nine["consent"].isna() & nine["force"].isna()
    nine = nine.assign(year=nine["consent"], undated=undated)
    reconciled, stats = _env_reconcile(nine, notes, "nine treaties")
    return reconciled, stats, nine


def _env_clusters(src: Path, rows: pd.DataFrame, notes: dict) -> pd.DataFrame:
    """Agreement nodes (source, id) -> cluster, with multilateral flag and opening year."""
    folder = src / ENV_DIR
    agr = pd.read_csv(folder / "agreements_all_sources.csv.gz", dtype=str,
                      keep_default_na=False, na_values=[""])
    agr = agr[agr["source"].isin(ENV_SOURCES)]
    hug = pd.read_csv(folder / "agreements_huggo_full.csv", dtype=str,
                      keep_default_na=False, na_values=[""])
    nodes = rows[["source", "treaty_id"]].drop_duplicates().reset_index(drop=True)
    meta = agr.rename(columns={"source_treaty_id": "treaty_id"})
    sig = _env_year(meta["signature"], notes, "agreements signature")
    meta = meta.assign(sig=sig)
    per_node = meta.groupby(["source", "treaty_id"]).agg(
        doc=("doc_type", lambda s: "M" if (s == "M").any() else ("B" if (s == "B").any()
                                                                  else pd.NA)),
        kind=("agreement_type", lambda s: next((k for k in s.dropna()
                                                if k in ENV_NOT_COUNTED), pd.NA)),
        sig=("sig", "min"), title=("title", "first"),
        sig_date=("signature", lambda s: s.dropna().min() if s.notna().any() else pd.NA))
    nodes = nodes.join(per_node, on=["source", "treaty_id"])
    # union-find over HUGGO's cross-references and exact (title, signature date) matches
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    known = set(zip(nodes["source"], nodes["treaty_id"]))
    links = 0
    for geng, iea, eco in zip(hug["gengID"], hug["ieaID"], hug["ecolexID"]):
        for other in (("IEADB", iea[4:]) if isinstance(iea, str) and iea.startswith("IEA-")
                      else None, ("ECOLEX", eco) if isinstance(eco, str) else None):
            if other and ("HUGGO", geng) in known and other in known:
                union(("HUGGO", geng), other)
                links += 1
    # the membership rows carry the same cross-references, some of them only there
    mem = pd.read_csv(folder / "memberships_huggo_full.csv.gz", dtype=str,
                      keep_default_na=False, na_values=[""],
                      usecols=["gengID", "ieaID", "ecolexID"]).drop_duplicates()
    for geng, iea, eco in zip(mem["gengID"], mem["ieaID"], mem["ecolexID"]):
        for other in (("IEADB", iea[4:]) if isinstance(iea, str) and iea.startswith("IEA-")
                      else None, ("ECOLEX", eco) if isinstance(eco, str) else None):
            if other and ("HUGGO", geng) in known and other in known:
                if find(("HUGGO", geng)) != find(other):
                    links += 1
                union(("HUGGO", geng), other)
    notes["counts: HUGGO cross-references to IEADB or ECOLEX ids used"] = links
    titled = nodes.dropna(subset=["title", "sig_date"]).copy()
    titled["norm"] = titled["title"].str.lower().str.replace(r"[^a-z0-9]+", " ",
                                                             regex=True).str.strip()
    matched = 0
    for _, group in titled.groupby(["norm", "sig_date"]):
        if group["source"].nunique() > 1:
            first = (group["source"].iloc[0], group["treaty_id"].iloc[0])
            for s, t in zip(group["source"].iloc[1:], group["treaty_id"].iloc[1:]):
                if find((s, t)) != find(first):
                    matched += 1
                union(first, (s, t))
    notes["counts: further links by identical title and signature date"] = matched
    nodes["cluster"] = [":".join(find((s, t))) for s, t in zip(nodes["source"],
                                                                 nodes["treaty_id"])]
    amend = nodes["title"].fillna("").str.match(ENV_AMENDMENT_TITLE)
    nodes["not_counted"] = nodes["kind"].notna() | amend
    states = rows.groupby(["source", "treaty_id"])["state_code"].nunique()
    nodes["n_states"] = [states.get((s, t), 0) for s, t in zip(nodes["source"],
                                                               nodes["treaty_id"])]
    cl = nodes.groupby("cluster").agg(
        any_m=("doc", lambda s: (s == "M").any()), any_b=("doc", lambda s: (s == "B").any()),
        n_states=("n_states", "max"), not_counted=("not_counted", "any"),
        opening=("sig", "min"))
    cl["multilateral"] = cl["any_m"] | (~cl["any_b"] & (cl["n_states"] >= 3))
    cl["flag"] = cl["any_m"].map({True: "doc_type M"}).fillna(
        cl["any_b"].map({True: "doc_type B"})).fillna("no doc_type")
    nodes = nodes.join(cl[["multilateral", "opening", "flag"]].rename(
        columns={"not_counted": "cl_not_counted"}), on="cluster")
    nodes["cl_not_counted"] = nodes["cluster"].map(cl["not_counted"])
    return nodes


def _env_joined(src: Path, rows: pd.DataFrame, notes: dict
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(cluster, iso3, year) for every counted multilateral agreement a state joined."""
    nodes = _env_clusters(src, rows, notes)
    per = nodes.drop_duplicates("cluster")
    notes["counts: agreements (clusters of source ids)"] = len(per)
    notes["counts: of which multilateral"] = int(per["multilateral"].sum())
    notes["counts: multilateral, excluded as amendments, adjustments or non-binding"] = int(
        (per["multilateral"] & per["cl_not_counted"]).sum())
    for flag in ("doc_type M", "no doc_type"):
        notes[f"counts: counted agreements flagged multilateral by {flag}"] = int(
            (per["multilateral"] & ~per["cl_not_counted"] & (per["flag"] == flag)).sum())
    keep = nodes[nodes["multilateral"] & ~nodes["cl_not_counted"]]
    key = dict(zip(zip(keep["source"], keep["treaty_id"]), keep["cluster"]))
    sel = rows.assign(key=pd.Series(list(zip(rows["source"], rows["treaty_id"])),
                                    index=rows.index).map(key)).dropna(subset=["key"])
    opening = keep.drop_duplicates("cluster").set_index("cluster")["opening"].dropna()
    sel = _env_clean_years(sel, opening, notes, "counts")
    sel = _env_successor_years(sel, notes, "counts")
    sel["year"] = sel["consent"].fillna(sel["force"])
    notes["counts: source rows dated by entry into force (no consent date)"] = int(
        (sel["consent"].isna() & sel["force"].notna()).sum())
    notes["counts: source rows without any date (not counted)"] = int(
        sel["year"].isna().sum())
    joined, stats = _env_reconcile(sel.assign(undated=sel["signed"] & sel["year"].isna()),
                                   notes, "counts")
    return joined, stats, nodes


def build_environmental_treaties(src: Path, codes: Codes, state_system: pd.DataFrame,
                                 out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The nine-treaty long table and the yearly MEA counts; writes both codebooks."""
    out.mkdir(parents=True, exist_ok=True)
    notes: dict[str, int] = {}
    rows = _env_states(_env_memberships(src, notes), codes, notes)
    nine, nine_stats, per_source = _env_nine(rows, notes)
    table = nine.rename(columns={"key": "treaty"})
    table["cown"] = as_int(table["iso3"].map(codes.iso_cow))
    table["gwcode"] = as_int(table["iso3"].map(codes.iso_gw))
    table["country"] = [codes.name_iso.get(i, ENV_EXTRA_NAMES.get(i)) for i in table["iso3"]]
    order = {t: i for i, t in enumerate(ENV_TREATIES)}
    table = table.sort_values(["treaty", "iso3"], key=lambda s: s.map(order)
                              if s.name == "treaty" else s, kind="mergesort")
    detail = table.reset_index(drop=True)
    table = detail[["iso3", "cown", "gwcode", "country", "treaty", "year"]].copy()
    table["year"] = table["year"].astype("int64")
    check_unique(table, ["iso3", "treaty"], "environmental_treaties")
    joined, count_stats, nodes = _env_joined(src, rows, notes)
    starts = state_system.dropna(subset=["iso3"]).groupby("iso3")["start"].min()
    counts = _env_counts(joined, codes, starts.astype(int).to_dict())
    checks = pd.read_csv(ENV_CHECKS, dtype=str, keep_default_na=False, na_values=[""])
    (out / "environmental_treaties.md").write_text(
        _env_treaties_codebook(detail, nine_stats, per_source, notes, checks),
        encoding="utf-8")
    (out / "environmental_treaty_counts.md").write_text(
        _env_counts_codebook(counts, joined, count_stats, nodes, notes), encoding="utf-8")
    return table, counts


ENV_EXTRA_NAMES = {"COK": "Cook Islands", "NIU": "Niue", "PSE": "Palestine"}


def _env_counts(joined: pd.DataFrame, codes: Codes, starts: dict[str, int]) -> pd.DataFrame:
    """Cumulative joined agreements per state and year, from the state's first year."""
    y0, y1 = ENV_COUNT_YEARS
    first = joined.groupby("iso3")["year"].min()
    frames = []
    for iso3, years in joined.groupby("iso3")["year"]:
        start = max(y0, min(int(first[iso3]), starts.get(iso3, y1)))
        grid = pd.RangeIndex(start, y1 + 1)
        per_year = years.value_counts().reindex(range(min(int(first[iso3]), start), y1 + 1),
                                                fill_value=0)
        before = int((years < per_year.index.min()).sum())
        cum = per_year.cumsum() + before
        frames.append(pd.DataFrame({"iso3": iso3, "year": grid,
                                    "mea_count": cum.reindex(grid).to_numpy()}))
    counts = pd.concat(frames, ignore_index=True)
    counts["cown"] = as_int(counts["iso3"].map(codes.iso_cow))
    counts = counts[["iso3", "cown", "year", "mea_count"]].sort_values(
        ["iso3", "year"], kind="mergesort").reset_index(drop=True)
    counts["mea_count"] = counts["mea_count"].astype("int64")
    return counts


ENV_CITATIONS = [
    "- Hollway, J. (2021). *Environmental agreements for manydata* (R package "
    "manyenviron 0.4.0, 2024-03-05). https://github.com/globalgov/manyenviron. "
    "Data CC BY 4.0.",
    "- International Environmental Agreements (IEA) Database Project, R. B. Mitchell, "
    "https://iea.uoregon.edu/ (country membership download). The project asks users to "
    "cite both the website and the latest article presenting the dataset: Mitchell, R. B., "
    "Andonova, L. B., Axelrod, M., Balsiger, J., Bernauer, T., Green, J. F., Hollway, J., "
    "Kim, R. E., & Morin, J.-F. (2020). What we know (and could know) about international "
    "environmental agreements. *Global Environmental Politics*, 20(1), 103-121.",
    "- ECOLEX (FAO, IUCN, UNEP), treaty records, https://www.ecolex.org/result/?type=treaty; "
    "as cited by manyenviron: Sommer, J. (2020). Global governance in forestry: a "
    "cross-national analysis. *International Journal of Sustainable Development & World "
    "Ecology*, 27(6), 481-495.",
    "- HUGGO: hand-coded data by the Geneva Global Governance team (manyenviron "
    "`HUGGO_MEM`), merging the GENG/MEA network files with the ECOLEX and IEADB "
    "reconciliations.",
]


def _env_rules_md() -> list[str]:
    years = ", ".join(f"{k} {v}" for k, v in sorted(ENV_SUCCESSORS.items()))
    return [
        "1. **Consent to be bound.** A state's year is the year of its ratification, "
        "accession, acceptance, approval or succession: IEADB `crat`; ECOLEX `Rat`; HUGGO "
        "the earliest of `StateRatification`, `Accession` and `Acceptance` (HUGGO's "
        "`Accession` can be a later act, such as an amendment, hence the earliest). "
        "Signature is never consent; entry into force is not used, except rule 5.",
        "2. **Treaty keys** are the sources' own ids (IEADB mitch_id, ECOLEX ecolexID, HUGGO "
        "gengID), never manyID, which manyenviron derived from each row's first date.",
        "3. **Dates that are not dates.** Years below 1000 or from 2500 (2899, 2999, 9999, "
        "0001) are placeholders; years after 2024 (manyenviron 0.4.0 was released on "
        "2024-03-05) are typos; state dates before the year the treaty was opened for "
        "signature are impossible. All are blanks. HUGGO's 2025-2068 typos are treaty "
        "signature dates (agreements of 1925-1968); no state-level date of the three "
        "sources is later than 2024. Dates written dd.mm.yyyy (HUGGO `Acceptance`) are read.",
        "4. **Duplicates within a source** (same treaty id and state) are merged, keeping "
        "the earliest date.",
        f"5. **Successor states** ({years}: year of independence). A consent year before "
        "independence is the predecessor's (HUGGO gives Yugoslavia's 1977 Ramsar date to "
        "Croatia). Where the same source row has an entry-into-force year from "
        "independence on (the date of effect of a succession), that year is used instead; "
        "a predecessor's year is dropped where any source has a year of the state's own, "
        "and kept (flagged in the counts below) only where none has.",
        "6. **Contradicted single-source parties.** A year that only one source gives is "
        "dropped where another source records the state's signature but neither consent "
        "nor entry into force, and the year falls before that other source's last year "
        "(HUGGO dates the United States into Basel in 1991 and into Stockholm and Kyoto in "
        "2004; ECOLEX and IEADB list it as a signatory only).",
        f"7. **Outvoted sources.** For each treaty and source, the share of the states it "
        f"shares with the other sources on which its year equals another source's year. A "
        f"source below {ENV_MIN_AGREEMENT:.0%} (judged on at least {ENV_MIN_SHARED} "
        "shared states, and only where another source of the treaty passes the test) is "
        "not used for that treaty's years; where it is the only source naming a state, "
        "its year is kept.",
        "8. **Majority, then precedence.** The year most sources give wins; a tie goes to "
        f"the first of {', '.join(ENV_PRECEDENCE)} that gives one of the tied years. "
        "ECOLEX comes first because, where it is not outvoted, it matched the depositary "
        "records read for the spot checks below (e.g. Montreal: Argentina 1990, Chad "
        "1994, where HUGGO has 1989); IEADB second, as it agrees with the other sources "
        "more often than HUGGO (see the agreement shares below).",
        "9. **States.** Rows without an ISO code (European Union, Czechoslovakia, "
        "Yugoslavia, the USSR, ambiguous IEADB codes) and ISO codes of territories "
        "(Greenland, Hong Kong, the Faroes, ...) are dropped. States are ISO codes with a "
        "COW or Gleditsch-Ward code, plus the Cook Islands, Niue and Palestine, which are "
        "parties in their own right (their `cown` is blank).",
    ]


def _env_notes_md(notes: dict, prefixes: tuple[str, ...]) -> list[str]:
    return [f"| {k} | {v:,} |" for k, v in notes.items()
            if k.startswith(prefixes) and v]


def _env_treaties_codebook(detail: pd.DataFrame, stats: pd.DataFrame,
                           per_source: pd.DataFrame, notes: dict,
                           checks: pd.DataFrame) -> str:
    parties = detail.groupby("treaty").size()
    years = detail.groupby("treaty")["year"].agg(["min", "max"])
    dated = per_source.dropna(subset=["year"])
    raw = dated.groupby(["key", "iso3"])["year"].nunique()
    raw_dis = (raw > 1).groupby(level="key").sum()
    lines = [
        "# Environmental treaties: year each state became a party",
        "",
        "`data/environmental_treaties.csv`, loaded by "
        "`diffusion.datasets.load_environmental_treaties()`. Written by "
        "`scripts/build_data.py` (`build_environmental_treaties`); every number below is "
        "computed by the build.",
        "",
        "## Unit and coverage",
        "",
        f"One row per (state, treaty) for the states that became a party; non-parties have "
        f"no row. {len(detail):,} rows, {detail['iso3'].nunique()} states, nine "
        f"treaties, years {int(detail['year'].min())}-{int(detail['year'].max())}. The "
        "sources stop at different dates (ECOLEX 2018, IEADB 2020, HUGGO 2023), so a "
        "state that joined later is right-censored here even if it is a party today.",
        "",
        "| treaty | opened | IEADB mitch_id | ECOLEX ecolexID | HUGGO gengID | parties "
        "| first | last |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for code, (opened, iea, eco, geng) in ENV_TREATIES.items():
        iea_txt = f"{iea} (no membership rows)" if code in ("MONTREAL", "KYOTO") else iea
        lines.append(f"| {code} | {opened} | {iea_txt} | {eco} | {geng} | "
                     f"{int(parties.get(code, 0))} | {int(years.loc[code, 'min'])} | "
                     f"{int(years.loc[code, 'max'])} |")
    lines += [
        "",
        "RAMSAR: Convention on Wetlands of International Importance (Ramsar, 1971). "
        "CITES: Convention on International Trade in Endangered Species (Washington, 1973). "
        "VIENNA: Vienna Convention for the Protection of the Ozone Layer (1985). "
        "MONTREAL: Montreal Protocol on Substances that Deplete the Ozone Layer (1987). "
        "BASEL: Basel Convention on hazardous wastes (1989). UNFCCC: UN Framework "
        "Convention on Climate Change (1992). CBD: Convention on Biological Diversity "
        "(1992). KYOTO: Kyoto Protocol (1997). STOCKHOLM: Stockholm Convention on "
        "Persistent Organic Pollutants (2001). The ids were found by title in each "
        "source and checked against HUGGO's cross-references (`ieaID`, `ecolexID`); "
        "HUGGO's gengIDs are not unique in its agreements table (GENG-1918 is also a "
        "1985 Spain-France exchange of letters), but in the membership file GENG-1918 "
        "carries only the Stockholm Convention.",
        "",
        "## Variables",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
        "| `iso3` | str | ISO 3166-1 alpha-3 code of today's state |",
        "| `cown` | Int64 | Correlates of War code (blank: Cook Islands, Niue, Palestine) |",
        "| `gwcode` | Int64 | Gleditsch-Ward code (blank where G&W have none) |",
        "| `country` | str | name, as in `data/regions.csv` |",
        "| `treaty` | str | one of the nine codes above |",
        "| `year` | int | year of consent to be bound (rules below) |",
        "",
        "The layout is that of `data/treaties.csv` (UN human-rights treaties), so the two "
        "tables can be stacked.",
        "",
        "## Source",
        "",
        "`../shared/reference-data/environmental-treaty-memberships/` (see its "
        "PROVENANCE.md): manyenviron's `IEADB_MEM`, `ECOLEX_MEM` and `HUGGO_MEM` "
        "memberships. For IEADB the raw country-membership download "
        "(`ieadb_membership_download_raw.csv.gz`) is read instead of `IEADB_MEM`, which "
        "dropped every row without an entry-into-force date; HUGGO is read from "
        "`memberships_huggo_full.csv.gz` (for `Acceptance`) with the ISO codes of "
        "`memberships_huggo.csv.gz`. TFDD is not used (no state-level dates).",
        "",
        "Cite:",
        "",
        *ENV_CITATIONS,
        "",
        "## Licence",
        "",
        "manyenviron's data are CC BY 4.0 (its DESCRIPTION; the package code is AGPL-3). "
        "The IEA Database Project provides its data free in return for citing both its "
        "website and Mitchell et al. (2020). ECOLEX's terms were not checked; the table "
        "holds facts (years), derived and reconciled, not ECOLEX's records.",
        "",
        "## Rules",
        "",
        *_env_rules_md(),
        "",
        "## Reconciliation",
        "",
        "Per treaty: states with a consent year in each source, the agreement share of "
        "rule 7 (`-`: no membership rows), the states on which the sources' years differ "
        "before rule 7 (`raw`) and after it (`used`), the ties settled by precedence, and "
        "the predecessor's years kept (rule 5).",
        "",
        "| treaty | IEADB | ECOLEX | HUGGO | agree IEADB | agree ECOLEX | agree HUGGO | "
        "excluded | disagree raw | disagree used | ties | predecessor kept |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for code in ENV_TREATIES:
        mine = dated[dated["key"] == code]
        n = mine.groupby("source")["iso3"].nunique()
        st = stats[stats["key"] == code].set_index("source")
        rate = {s: (f"{st.loc[s, 'rate']:.0%}" if s in st.index and st.loc[s, "shared"]
                    else "-") for s in ENV_SOURCES}
        excl = ", ".join(s for s in ENV_SOURCES if s in st.index and st.loc[s, "excluded"])
        d = detail[detail["treaty"] == code]
        lines.append(
            f"| {code} | {int(n.get('IEADB', 0))} | {int(n.get('ECOLEX', 0))} | "
            f"{int(n.get('HUGGO', 0))} | {rate['IEADB']} | {rate['ECOLEX']} | "
            f"{rate['HUGGO']} | {excl or '-'} | {int(raw_dis.get(code, 0))} | "
            f"{int(d['disagree'].sum())} | {int(d['tie'].sum())} | "
            f"{int(d['predecessor'].sum())} |")
    kept = detail[detail["predecessor"]]
    lines += [
        "",
        "Winning source of each row: " + ", ".join(
            f"{s} {int(v)}" for s, v in detail["source"].value_counts().items()) + ".",
        "",
        "ECOLEX's Ramsar and CITES years, and HUGGO's Vienna years, are outvoted: the "
        "other two sources agree with each other on nearly every state while these agree "
        "with them on well under half (Ramsar) or about two thirds (CITES, Vienna). "
        "ECOLEX's dates for these two treaties are attached to the wrong states (e.g. "
        "CITES: Canada 1997 and Switzerland 1997, where IEADB and HUGGO agree on 1975 and "
        "1974); HUGGO's Vienna years are mostly earlier than the other two sources' "
        "(Argentina 1989, where the depositary's list has 18 January 1990: "
        "http://www.moef.gov.bd/html/env_bangladesh/ozon_convention6.html).",
        "",
        "Predecessor's years kept: " + ("; ".join(
            f"{r.treaty} {r.iso3} {r.year}" for r in kept.itertuples()) or "none") + ". "
        "Belarus's and Ukraine's ozone dates are their own acts: the Byelorussian and "
        "Ukrainian SSRs were UN members and parties in their own right (the Dutch treaty "
        "database lists Belarus's Montreal ratification of 31 October 1988, checked "
        "below).",
        "",
        "## Counts of rows dropped or changed",
        "",
        "| step | rows |",
        "| --- | --- |",
        *_env_notes_md(notes, ("IEADB", "ECOLEX", "HUGGO", "nine")),
        "",
        "## Checks against public records",
        "",
        "Party counts read with the project's search tool (stored public pages). `table` "
        "counts the states with a year up to `as of` (all rows where the page is "
        "undated); `+EU` adds the European Union where the page's count includes it; "
        "`diff` is `table +EU` minus `public`. The expected differences are recorded in "
        "`scripts/sources/environment_checks.csv` and the build stops if one changes.",
        "",
        "| treaty | public | as of | table | table +EU | diff | page | quote |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in checks[checks["kind"] == "parties"].itertuples():
        mine = detail[detail["treaty"] == r.treaty]
        if isinstance(r.as_of, str):
            mine = mine[mine["year"] <= int(r.as_of)]
        eu = len(mine) + (1 if r.includes_eu == "yes" else 0)
        if eu - int(r.value) != int(r.difference):
            raise SystemExit(f"environmental treaties: {r.treaty} has {eu} parties against "
                             f"{r.value} ({r.url}); {ENV_CHECKS.name} expects a difference "
                             f"of {r.difference}. Explain the change, then update the file.")
        lines.append(f"| {r.treaty} | {r.value} | {r.as_of if isinstance(r.as_of, str) else '-'}"
                     f" | {len(mine)} | {eu} | {eu - int(r.value):+d} | {r.url} | "
                     f"\"{r.quote}\" |")
    lines += [
        "",
        "Differences, and why:",
        "",
        "- RAMSAR: the secretariat page (undated, 168) is older than the sources; the "
        "table's 171 by 2019 matches the October 2019 count; Angola (2021) follows.",
        "- MONTREAL: 198 with the EU against the page's 197: the page predates "
        "Palestine's 2019 accession (HUGGO). VIENNA lacks Palestine (2019) because no "
        "used source records it.",
        "- KYOTO: the table keeps Canada (ratified 2002, withdrew with effect from 15 "
        "December 2012; withdrawals are not recorded), so 192 states against 191.",
        "- STOCKHOLM: 182 states against 185 (186 with the EU): the sources' last "
        "Stockholm dates are 2019 (IEADB), 2018 (ECOLEX) and 2013 (HUGGO), so later "
        "parties are missing; rule 6 drops HUGGO's Italy 2002, Israel 2001, Malaysia "
        "2006, Brunei 2004, Haiti 2007 and United States 2004, which the other sources "
        "record as signatures only. The December 2008 count (168, a copy of an encyclopedia "
        "text) is 6 above the table's 162 with the EU; ECOLEX and IEADB agree with the "
        "table (160 and 161 states by 2008), so the page is likely wrong or later than "
        "it says; not resolved.",
        "- BASEL, UNFCCC, CBD (2010), CITES: equal.",
        "- CBD: every UN member but the United States is a party, as the page says.",
        "",
        "Ratification years checked against public status tables (all equal to the "
        "table; `tests/test_environment_data.py` checks them):",
        "",
        "| treaty | state | year | page | quote |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in checks[checks["kind"] == "year"].itertuples():
        lines.append(f"| {r.treaty} | {r.iso3} | {r.value} | {r.url} | \"{r.quote}\" |")
    lines += [
        "",
        "## Corrections",
        "",
        "No year is set by hand: every change is one of the rules above, counted in "
        "\"Counts of rows dropped or changed\". The rules change, among others: Montreal "
        "Argentina 1989 -> 1990 and Chad 1989 -> 1994 (HUGGO against ECOLEX, settled by "
        "precedence and confirmed by the Dutch treaty database); Basel Austria 1992 -> "
        "1993 (HUGGO outvoted by ECOLEX and IEADB; 12 January 1993); Montreal Bosnia "
        "1991 -> 1993 and Croatia 1991 -> 1992 (Yugoslavia's date in HUGGO; successions "
        "of 1 September 1993 and 21 September 1992); the United States removed from "
        "Basel, Stockholm and Kyoto (HUGGO only, contradicted).",
        "",
        "## Known issues",
        "",
        "- Withdrawals and re-accessions are not recorded (Canada's Kyoto withdrawal, "
        "2012): the year is the first consent.",
        "- The year is the deposit year where the sources give the deposit date, which "
        "is what all three record for ratification; a state that signed before the treaty "
        "was in force still became bound only at entry into force (for these treaties "
        "90 days after deposit; Ramsar four months).",
        "- Ties between two sources are settled by precedence without a third source; "
        "the ties in the table above are the rows to re-check first.",
        "- Parties after the sources' cut-offs are missing (see the checks).",
        "- Montreal and Kyoto rest on ECOLEX and HUGGO only (IEADB's download has no "
        "membership rows for them).",
        "",
    ]
    return "\n".join(lines)


def _env_counts_codebook(counts: pd.DataFrame, joined: pd.DataFrame, stats: pd.DataFrame,
                         nodes: pd.DataFrame, notes: dict) -> str:
    y0, y1 = ENV_COUNT_YEARS
    last = counts[counts["year"] == y1].set_index("iso3")["mea_count"]
    per = nodes.drop_duplicates("cluster")
    kept = per[per["multilateral"] & ~per["cl_not_counted"]]
    members = nodes[nodes["cluster"].isin(kept["cluster"])]
    by_sources = members.groupby("cluster")["source"].apply(
        lambda s: "+".join(sorted(set(s)))).value_counts()
    low = stats[(stats["shared"] >= ENV_MIN_SHARED) & (stats["rate"] < ENV_MIN_AGREEMENT)
                & ~stats["excluded"]]
    counted = joined[joined["year"] <= y1]
    n_agreements = notes["counts: agreements (clusters of source ids)"]
    n_multi = notes["counts: of which multilateral"]
    n_changes = notes["counts: multilateral, excluded as amendments, adjustments or "
                      "non-binding"]
    n_three = notes["counts: counted agreements flagged multilateral by no doc_type"]
    lines = [
        "# Environmental treaty counts: multilateral environmental agreements joined",
        "",
        "`data/environmental_treaty_counts.csv`, loaded by "
        "`diffusion.datasets.load_environmental_treaty_counts()`. Written by "
        "`scripts/build_data.py` (`build_environmental_treaties`); every number below is "
        "computed by the build.",
        "",
        "## Unit and coverage",
        "",
        f"State-year, {y0}-{y1}. {len(counts):,} rows, {counts['iso3'].nunique()} states. "
        f"A state's rows start in {y0}, or in its first year in the COW or Gleditsch-Ward "
        "state system (`data/state_system.csv`) or the year of its first agreement, "
        f"whichever is earlier, if that is later than {y0}; they run to {y1}. Years "
        f"before a state's first row have `mea_count` 0 unless it joined agreements before "
        f"{y0}, which are counted in its {y0} value. {y1} is the last year the "
        "IEADB covers; ECOLEX stops in 2018, so agreements joined in 2019-2020 come from "
        "IEADB and HUGGO only.",
        "",
        f"In {y1}: median {int(last.median())}, range {int(last.min())}-{int(last.max())} "
        f"agreements per state.",
        "",
        "## Variables",
        "",
        "| column | type | meaning |",
        "| --- | --- | --- |",
        "| `iso3` | str | ISO 3166-1 alpha-3 code |",
        "| `cown` | Int64 | Correlates of War code (blank: Cook Islands, Niue, Palestine) |",
        "| `year` | int | calendar year |",
        "| `mea_count` | int | multilateral environmental agreements the state had joined "
        "by the end of `year` (cumulative; withdrawals not subtracted) |",
        "",
        "## Source",
        "",
        "The same cleaned memberships as `data/environmental_treaties.md` (IEADB raw "
        "download, ECOLEX_MEM, HUGGO_MEM of manyenviron 0.4.0) and the agreement lists "
        "`agreements_all_sources.csv.gz` and `agreements_huggo_full.csv` for the "
        "agreement-level flags.",
        "",
        "Cite:",
        "",
        *ENV_CITATIONS,
        "",
        "## Licence",
        "",
        "As `data/environmental_treaties.md`: CC BY 4.0 (manyenviron data); cite the IEA "
        "Database website and Mitchell et al. (2020).",
        "",
        "## Rules",
        "",
        "The state-level rules 1-9 of `data/environmental_treaties.md` apply to every "
        "agreement, with one difference: a source row without a consent date counts from "
        "its entry-into-force year (a party with unknown consent date is still a party; "
        "IEADB often records entry into force only). Then:",
        "",
        "1. **Agreements across sources.** The sources' ids are joined into one "
        "agreement by HUGGO's cross-references (`ieaID`, `ecolexID` in its agreement and "
        "membership tables) and, for the rest, by identical normalised title and "
        "signature date. A state joined to one agreement through two sources counts "
        "once.",
        "2. **Multilateral.** An agreement counts if any of its sources flags it "
        "multilateral (`doc_type` M: IEADB's MEA inclusion, ECOLEX's and HUGGO's "
        "document type); if no source gives a document type, it counts when a source "
        "lists three or more states for it. `doc_type` B (bilateral) is never counted.",
        "3. **Agreements, not changes.** Amendments and adjustments (IEADB and HUGGO "
        "type E or 'Other Binding Modification'; ECOLEX titles beginning \"Amendment\" or "
        "\"Adjustment\") and non-binding instruments (HUGGO Q, V, W, Y: agreed minutes, "
        "declarations, resolutions, memoranda of understanding) are not counted: an "
        "amendment changes an agreement already counted. Protocols are counted.",
        "4. The year a state joined an agreement is reconciled across sources as in the "
        "treaties table (majority, outvoted sources, precedence ECOLEX, IEADB, HUGGO).",
        "",
        "## Counts",
        "",
        f"Agreements (after joining ids): {n_agreements:,}; multilateral: {n_multi:,}; "
        f"not counted by rule 3: {n_changes:,}; counted: {len(kept):,}, of which "
        f"{n_three} by the three-states rule. Sources of the counted agreements: "
        + ", ".join(
            f"{k} {int(v)}" for k, v in by_sources.items()) + ".",
        "",
        f"State-agreement memberships with a year: {len(joined):,}; with a year up to "
        f"{y1}: {len(counted):,}; decided against another source's year: "
        f"{int(joined['disagree'].sum()):,} (by precedence in a tie: "
        f"{int(joined['tie'].sum()):,}); predecessor's year kept: "
        f"{int(joined['predecessor'].sum()):,}.",
        "",
        "| step | rows |",
        "| --- | --- |",
        *_env_notes_md(notes, ("counts", "agreements")),
        "",
        "## Corrections",
        "",
        "None by hand; the rules above drop placeholder and typo dates and reconcile the "
        "sources, with the counts listed.",
        "",
        "## Known issues",
        "",
        f"- {low['key'].nunique()} agreements have two sources that agree on fewer than "
        f"{ENV_MIN_AGREEMENT:.0%} of their shared states, with no third source to "
        "arbitrate (mostly ECOLEX against HUGGO); their years follow "
        "precedence and may be wrong for many states, though the membership itself is "
        "not in doubt.",
        "- Title matching joins only identical titles and dates; an agreement listed "
        "under different titles and without a HUGGO cross-reference is counted twice.",
        "- The sources differ in scope (IEADB has many fisheries agreements; ECOLEX and "
        "HUGGO add regional ones), so the level of `mea_count` "
        "depends on their union; use it as a relative measure of embeddedness.",
        "- Withdrawals are not subtracted.",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------

def build_all(src: Path, out: Path) -> dict[str, pd.DataFrame]:
    cow_states = read(src, "state-system/cow_states2016.csv")
    regions = build_regions(src)
    codes = Codes(regions, cow_states)
    state_system = build_state_system(src, codes)
    spid, spid_policies = build_spid(src)
    doctors, nominations = build_medical_innovation(src)
    tables = {
        "regions": regions,
        "state_system": state_system,
        "suffrage": build_suffrage(src, codes),
        "treaties": build_treaties(src, codes),
        "covariates": build_covariates(src, codes, state_system[state_system["system"] == "gw"]),
        "vaw_laws": build_vaw(src, codes),
        "domestic_violence_laws": build_domestic_violence(src, codes),
        "spid": spid,
        "spid_policies": spid_policies,
        "lottery": build_lottery(src),
        "dhb_policies": build_dhb_policies(src),
        "dhb_networks": build_dhb_networks(src),
        "work_injury": build_work_injury(src, regions),
        "medical_innovation": doctors,
        "medical_innovation_ties": nominations,
        "belem_do_para": build_belem_do_para(regions),
        "science_policy": build_science_policy(src, codes, state_system, out),
    }
    (tables["environmental_treaties"],
     tables["environmental_treaty_counts"]) = build_environmental_treaties(
        src, codes, state_system, out)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        write(df, out, name)
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE,
                        help="the reference-data directory (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write the tables (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"error: reference data not found at {args.source}", file=sys.stderr)
        return 2
    tables = build_all(args.source, args.out)
    for name, df in tables.items():
        size = (args.out / f"{name}.csv").stat().st_size
        print(f"{name:14s} {len(df):6d} rows  {size / 1024:7.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
