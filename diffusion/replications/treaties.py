"""Human-rights treaty ratification: CEDAW (Wotipka & Ramirez 2008; Simmons 2009), and CRPD.

Wotipka, C. M. & Ramirez, F. O. (2008). World society and human rights: an event
history analysis of the Convention on the Elimination of All Forms of
Discrimination against Women. In Simmons, Dobbin & Garrett (eds), *The Global
Diffusion of Markets and Democracy*, Cambridge University Press, 303-343.
Simmons, B. A. (2009). *Mobilizing for Human Rights*. Cambridge University Press.

Design (fixed in advance, the same for every treaty, so that a user can run it on
new treaty data):

* COW members at risk from the year the treaty opened for signature to 2016 (the
  end of COW v2016); event: year of ratification, accession or succession (UN
  Treaty Collection, corrected: see the treaties codebook);
* ``regional``: share of the other members of the country's COW region that had
  ratified by t-1 (regional density); ``world``: share of all members that had
  ratified by t-1;
* ``igo``: COW IGO memberships / 10 (a proxy for embeddedness in international
  organisations; UIA INGO membership counts are proprietary), ``polity2`` and log
  GDP per capita (Maddison), all lagged one year;
* discrete-time cloglog with a cubic in duration, SEs clustered by country.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.exposure import regional_density, world_share
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, PublishedStudy, Replication
from diffusion.replications.published import STUDIES, USER_TREATY
from diffusion.report.plots import cumulative_adoption

__all__ = ["run_treaty", "run_cedaw", "run_crpd", "treaty_risk_set", "user_treaty_events"]

OPENED = {"CEDAW": 1980, "CRPD": 2007, "CRC": 1990, "CAT": 1985, "ICCPR": 1966,
          "ICESCR": 1966, "ICERD": 1966}
END = 2016


def user_treaty_events(table: pd.DataFrame, *, name: str = "treaty file") -> pd.DataFrame:
    """Validate a user's ratification table and return it as ``cown``, ``year``.

    ``table`` has a country column -- ``iso3`` (ISO alpha-3) or ``cown`` (COW code) --
    and ``year``. Unknown codes, missing or impossible years (before 1800 or after
    the current year) and countries listed twice are errors naming the rows.
    """
    from datetime import date

    from diffusion.data.checks import check_frame, check_years, listing, show
    from diffusion.errors import DataError, DuplicateKeyError, MissingColumnError

    check_frame(table, name=name)
    code = "iso3" if "iso3" in table.columns else "cown" if "cown" in table.columns else None
    if code is None or "year" not in table.columns:
        raise MissingColumnError(
            f"{name} needs a country column 'iso3' or 'cown' and a column 'year'; it has "
            f"{', '.join(map(str, table.columns))}.")
    years = check_years(table, "year", name=name, unit=code)
    bad = (years < 1800) | (years > date.today().year)
    if bad.any():
        rows = [f"row {i + 2}: {show(table[code].iloc[i])} {int(years[i])}"
                for i in np.flatnonzero(bad)]
        raise DataError(f"{name} has {int(bad.sum())} impossible year(s) in column 'year': "
                        f"{listing(rows)}. Years must lie between 1800 and today.")
    regions = datasets.load_regions()
    if code == "iso3":
        lookup = regions.dropna(subset=["iso3", "cown"]).drop_duplicates("iso3")
        lookup = lookup.set_index("iso3")["cown"].astype("int64")
        keys = table["iso3"].astype(str).str.strip().str.upper()
    else:
        lookup = pd.Series(regions["cown"].dropna().astype("int64").unique())
        lookup = pd.Series(lookup.to_numpy(), index=lookup.to_numpy())
        keys = pd.to_numeric(table["cown"], errors="coerce")
    cown = keys.map(lookup)
    unknown = cown.isna().to_numpy()
    if unknown.any():
        rows = [f"row {i + 2}: {show(table[code].iloc[i])}" for i in np.flatnonzero(unknown)]
        raise DataError(
            f"{name} has {int(unknown.sum())} unknown {code} code(s) in column {code!r}: "
            f"{listing(rows, 8)}. Use ISO 3166 alpha-3 or COW codes (see "
            f"diffusion.datasets.load_regions()).")
    out = pd.DataFrame({"cown": cown.astype("int64").to_numpy(), "year": years.astype("int64")})
    dup = out["cown"].duplicated(keep=False)
    if dup.any():
        rows = [f"row {i + 2}: {show(table[code].iloc[i])}" for i in np.flatnonzero(dup)]
        raise DuplicateKeyError(f"{name} lists {int(dup.sum())} rows for the same country: "
                                f"{listing(rows)}. Keep one ratification year per country.")
    return out


def _iso3_labels(events: pd.DataFrame, table: pd.DataFrame) -> dict[int, str]:
    """COW number -> ISO3 code, so that notes show the codes of a user who gave ISO3.

    The user's own codes first; other members of the population by the regions table.
    """
    regions = datasets.load_regions().dropna(subset=["iso3", "cown"])
    labels = dict(zip(regions["cown"].astype("int64"), regions["iso3"].astype(str)))
    given = events["iso3"].astype(str).str.strip().str.upper()
    labels.update(zip(table["cown"].astype("int64"), given))
    return labels


def treaty_risk_set(
    treaty: str, start: int | None = None, *, events: pd.DataFrame | None = None,
    end: int | None = None,
) -> tuple[RiskSet, pd.DataFrame, list[str]]:
    """Risk set for ratifying ``treaty``: ``(risk_set, regions, notes)``.

    ``treaty`` is a code of the bundled table, or any name when ``events`` (a user's
    table validated by :func:`user_treaty_events`) is given; then ``start`` (the
    year the treaty opened) is required. ``end`` (default and at most ``END``, the
    last year of the COW and covariate data) closes the window earlier.
    """
    if end is None:
        end = END
    elif end > END:
        raise SpecificationError(f"the treaty data end in {END}; end={end} adds no years. "
                                 f"Leave end out or give a year up to {END}.")
    if events is None:
        table = datasets.load_treaty_ratifications()
        known = sorted(table["treaty"].unique())
        if treaty not in known:
            raise SpecificationError(
                f"unknown treaty {treaty!r}; the bundled table has {', '.join(known)}.")
        if start is None:
            start = OPENED.get(treaty, int(table.loc[table["treaty"] == treaty, "year"].min()))
        table = table.loc[table["treaty"] == treaty]
    else:
        if start is None:
            raise SpecificationError("pass start= (the year the treaty opened) with your own table.")
        table = user_treaty_events(events).assign(treaty=treaty)
    labels = _iso3_labels(events, table) if events is not None and "iso3" in events.columns \
        else None
    notes: list[str] = []
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    members = set(spells["cown"])
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna()
    regions = regions.astype({"cown": "int64"}).drop_duplicates("cown")
    regions = regions[regions["cown"].isin(members)].rename(columns={"cow_region": "region"})
    ev = table.dropna(subset=["cown", "year"])[["cown", "year"]].astype("int64")
    outside = ~ev["cown"].isin(members)
    if outside.any():
        shown = sorted(ev.loc[outside, "cown"].tolist())
        if labels is not None:
            shown = [labels.get(c, c) for c in shown]
        notes.append(f"{int(outside.sum())} {treaty} parties are not COW members and are outside "
                     f"the population: {shown}.")
        ev = ev[~outside]
    cov = datasets.load_covariates()[["cown", "year", "igo_count", "polity2", "gdppc"]]
    cov = cov.dropna(subset=["cown"]).astype({"cown": "int64"})
    cov = pd.DataFrame({"cown": cov["cown"], "year": cov["year"],
                        "igo": cov["igo_count"].astype(float) / 10.0,
                        "polity2": cov["polity2"].astype(float),
                        "log_gdppc": np.log(cov["gdppc"].astype(float))})
    rs = (RiskSet.from_events(ev, unit="cown", time="year", membership=spells, start=start,
                              end=end, outside="censor", labels=labels)
          .with_covariates(cov, lag=1)
          .with_exposure("regional", regional_density(regions))
          .with_exposure("world", world_share()))
    return rs, regions, notes


def run_treaty(treaty: str, *, name: str | None = None, claims: tuple[Claim, ...] | None = None,
               citation: str = "", title: str | None = None, events: pd.DataFrame | None = None,
               start: int | None = None, end: int | None = None, firth: bool = False,
               published: PublishedStudy | None = None) -> Replication:
    """Fit the treaty-ratification design to ``treaty``.

    ``treaty`` is a code of the bundled table, or the name of a user's treaty whose
    ratification years are given as ``events`` (``iso3`` or ``cown``, ``year``) with
    ``start``, the year it opened for signature; ``end`` closes the window before
    ``END``. ``firth=True`` fits both models by bias-reduced maximum likelihood
    (:class:`~diffusion.FirthHazard`), for treaties with few ratifications or
    separation.
    """
    rs, regions, notes = treaty_risk_set(treaty, start, events=events, end=end)
    formula = "event ~ regional + world + igo + polity2 + log_gdppc"
    if firth:
        from diffusion.models.discrete_time.firth import FirthHazard

        spec = FirthHazard
    else:
        spec = DiscreteTimeHazard
    results = {
        "main": spec.from_formula(formula, rs, link="cloglog", time="cubic").fit(),
        "diffusion_only": spec.from_formula(
            "event ~ regional + world", rs, link="cloglog", time="cubic").fit(),
    }
    claims = claims or (
        Claim("regional", "ratification by regional peers raises the rate", +1),
        Claim("igo", "states more embedded in international organisations ratify sooner", +1),
    )
    fig = cumulative_adoption(rs, regions, title=f"{treaty}: share of existing states that ratified")
    return Replication(
        name=name or treaty.lower(),
        title=title or f"{treaty} ratification, {rs.start}-{rs.end}",
        citation=citation or ("Ratification years supplied by the user; claims from the CEDAW "
                              "literature (Wotipka & Ramirez 2008; Simmons 2009)."
                              if events is not None else
                              "UN Treaty Collection ratification years (bundled treaties table)."),
        design=(f"COW members {rs.start}-{rs.end} at risk of ratifying {treaty}; "
                f"{'Firth (bias-reduced) ' if firth else ''}cloglog with a "
                f"cubic in duration, SEs clustered by country; regional ratification density "
                f"(COW regions), world share, IGO memberships/10, Polity2 and log GDP per capita "
                f"(lagged one year; rows without them dropped listwise, counted in the notes)."),
        claims=claims,
        results=results,
        data_notes=tuple(notes),
        figure=fig,
        published=published or (USER_TREATY if events is not None
                                 else STUDIES.get(name or treaty.lower(), USER_TREATY)),
    )


def run_cedaw() -> Replication:
    """CEDAW (Wotipka & Ramirez 2008; Simmons 2009)."""
    return run_treaty(
        "CEDAW", name="cedaw",
        citation=("Wotipka & Ramirez (2008), in Simmons, Dobbin & Garrett (eds), The Global "
                  "Diffusion of Markets and Democracy, 303-343; Simmons (2009), Mobilizing for "
                  "Human Rights."),
        title="CEDAW ratification, 1980-2016 (Wotipka & Ramirez 2008; Simmons 2009)",
    )


def run_crpd() -> Replication:
    """The same workflow on a second treaty (CRPD, opened 2007)."""
    return run_treaty("CRPD", name="crpd",
                      title="CRPD ratification, 2007-2016 (the CEDAW design on new treaty data)")
