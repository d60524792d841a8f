"""Country codes and several regional classifications, one row per country."""

from __future__ import annotations

import pandas as pd

from diffusion.datasets._files import read_table

__all__ = ["load_regions"]

_DTYPES = {
    "iso3": "object", "cown": "Int64", "gwcode": "Int64", "country": "object",
    "cow_region": "object", "wb_region": "object", "un_region": "object",
    "un_subregion": "object", "continent": "object",
}


def load_regions() -> pd.DataFrame:
    """Codes (ISO, COW, G&W) and five regional schemes for every country and state.

    Unit: the country or historical state, one row each (281 rows). ``iso3``, ``cown``
    and ``gwcode`` are each unique where present, and every code used in the other
    bundled tables has a row, so any of them can be merged on any code.

    Returns
    -------
    pandas.DataFrame
        A new frame, sorted by name, with columns

        ``iso3`` (str), ``cown`` (Int64), ``gwcode`` (Int64), ``country`` (str)
            Codes and English short name (countrycode's ``country.name.en``). 249 rows
            have an ISO code, 217 a COW code, 225 a G&W code; dependent territories
            (Aruba, Greenland, ...) have an ISO code only, historical states (Baden,
            Czechoslovakia, ...) COW/G&W codes only.
        ``cow_region`` (str)
            The conventional split of COW codes into Americas (2-165), Europe
            (200-399), Africa (400-626), Middle East (630-698) and Asia & Oceania
            (700-990); from the G&W code where there is no COW code. Not an official COW
            file. Empty for territories without either code.
        ``wb_region`` (str)
            World Bank region (7).
        ``un_region``, ``un_subregion`` (str)
            UN M49 region and sub-region ("Latin America and the Caribbean" is one
            sub-region in M49).
        ``continent`` (str)
            countrycode's continent (Africa, Americas, Asia, Europe, Oceania,
            Antarctica).

        Every row without an ISO code (historical states, Kosovo) has all four
        regional schemes: those of today's state holding its capital (Austria-Hungary
        -> Austria, the German states -> Germany, Czechoslovakia -> Czechia,
        Yugoslavia -> Serbia, Tibet -> China, Zanzibar -> Tanzania, United Province
        of Central America -> Guatemala, ...); Kosovo takes Serbia's (Europe, Southern
        Europe, as all its neighbours). Among rows with an ISO code, some territories
        and Taiwan lack a UN region, World Bank region or continent, as in countrycode.

    Notes
    -----
    Code fixes to countrycode, each also in ``data/regions.md``: COW 345 belongs to
    Serbia (COW keeps one code for Serbia/Yugoslavia), not to the Yugoslavia row; G&W
    678 to Yemen (G&W treat unified Yemen as the Yemen Arab Republic continued); Vietnam
    is G&W 816 (countrycode gives 815, G&W's code for Annam before 1893); the G&W codes
    of the 21 microstates (countrycode has none; Kiribati, Nauru, Tonga and Tuvalu have
    G&W codes different from their COW codes) and of Württemberg and the two Hesses
    (271, 273, 275). Seven rows are added for codes countrycode lacks: COW 260 (German
    Federal Republic), COW/G&W 730 (Korea to 1905/1910), G&W 255 (Germany/Prussia),
    99 (Great Colombia), 815 (Vietnam/Annam), 396 (Abkhazia) and 397 (South Ossetia);
    their regions are those of today's state on their territory. Since the German
    Federal Republic has its own row, German country-years coded 260 get Germany's
    regions only through that row.

    Source: countrycode 1.8.0 (Arel-Bundock, Enevoldsen & Yetman 2018, "countrycode:
    An R package to convert country names and country codes", *Journal of Open Source
    Software* 3(28): 848), ``dictionary/codelist_without_cldr.csv``; the package is
    GPL-3, the code lists are public facts. Regions from the World Bank and UN M49.
    Codebook: ``data/regions.md``.

    Examples
    --------
    >>> from diffusion.datasets import load_regions
    >>> r = load_regions()
    >>> r.loc[r["iso3"] == "NAM", ["cown", "wb_region"]].to_numpy().tolist()
    [[565, 'Sub-Saharan Africa']]
    """
    return read_table("regions", _DTYPES)
