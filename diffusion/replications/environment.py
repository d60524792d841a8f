"""Environmental treaty ratification, 1971-2016 (Frank, Hironaka & Schofer 2000).

Frank, D. J., Hironaka, A. & Schofer, E. (2000). The nation-state and the natural
environment over the twentieth century. *American Sociological Review* 65(1): 96-116.

Claim: states "environmentalised" in step with world society -- through world-level
institutionalisation and their embeddedness in international organisations -- rather
than because of domestic degradation or wealth. Frank et al. study five indicators
(national parks, chapters of international environmental associations, memberships in
intergovernmental environmental organisations, impact-assessment laws, environmental
ministries); the bundled data carry ratifications of the major multilateral
environmental agreements, so this replication tests the same argument on a sixth
indicator, treaty ratification, rather than reproducing their tables.

Design (fixed in advance):

* for each of the nine agreements of :data:`~diffusion.datasets.ENVIRONMENTAL_TREATIES`
  (Ramsar, CITES, Vienna, Montreal, Basel, UNFCCC, CBD, Kyoto, Stockholm), COW members at
  risk from the year the agreement opened to 2016 (the end of COW v2016), until they
  became a party (consent to be bound, :func:`~diffusion.datasets.load_environmental_treaties`);
* within each agreement: ``world``, the share of members that were parties by t-1;
  ``regional``, the share of the other members of the COW region (regional density);
* embeddedness: ``igo``, COW IGO memberships / 10, and ``mea``, the number of other
  multilateral environmental agreements the state had joined by t-1, / 10
  (:func:`~diffusion.datasets.load_environmental_treaty_counts`). **UIA INGO membership
  counts are proprietary and not used**: the IGO count is the proxy for embeddedness,
  and every output says so;
* domestic: log GDP per capita and Polity2, lagged one year;
* ``pooled`` (the main model): the nine risk sets stacked -- one row per
  state-agreement-year -- with agreement-specific baselines (agreement dummies) and a
  cubic in duration, SEs clustered by state (a state's rows across agreements are not
  independent); one model per agreement beside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.exposure import regional_density, world_share
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES

__all__ = ["run", "treaty_risk_set", "stacked_risk_set", "END", "TERMS"]

END = 2016
TERMS = "world + regional + igo + mea + log_gdppc + polity2"


def _covariates() -> pd.DataFrame:
    cov = datasets.load_covariates()[["cown", "year", "igo_count", "gdppc", "polity2"]]
    cov = cov.dropna(subset=["cown"]).astype({"cown": "int64"})
    mea = datasets.load_environmental_treaty_counts().dropna(subset=["cown"])
    mea = mea.astype({"cown": "int64"}).groupby(["cown", "year"], as_index=False)["mea_count"].max()
    out = pd.DataFrame({"cown": cov["cown"], "year": cov["year"],
                        "igo": cov["igo_count"].astype(float) / 10.0,
                        "log_gdppc": np.log(cov["gdppc"].astype(float)),
                        "polity2": cov["polity2"].astype(float)})
    out = out.merge(mea.rename(columns={"mea_count": "mea"}), on=["cown", "year"], how="outer")
    out["mea"] = out["mea"].astype(float) / 10.0
    return out.drop_duplicates(["cown", "year"])


def treaty_risk_set(treaty: str, covariates: pd.DataFrame | None = None
                    ) -> tuple[RiskSet, pd.DataFrame, list[str]]:
    """One agreement's risk set with its exposures: ``(risk_set, regions, notes)``."""
    table = datasets.load_environmental_treaties(treaties=[treaty])
    start = datasets.ENVIRONMENTAL_TREATIES[treaty]
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    members = set(spells["cown"])
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna()
    regions = regions.astype({"cown": "int64"}).drop_duplicates("cown")
    regions = regions[regions["cown"].isin(members)].rename(columns={"cow_region": "region"})
    ev = table.dropna(subset=["cown"])[["cown", "year"]].astype("int64")
    outside = ~ev["cown"].isin(members)
    notes = []
    if outside.any():
        notes.append(f"{treaty}: {int(outside.sum())} parties are not COW members and are "
                     f"outside the population.")
    ev = ev[~outside]
    cov = _covariates() if covariates is None else covariates
    rs = (RiskSet.from_events(ev, unit="cown", time="year", membership=spells, start=start,
                              end=END, outside="censor")
          .with_covariates(cov, lag=1)
          .with_exposure("regional", regional_density(regions))
          .with_exposure("world", world_share()))
    return rs, regions, notes


def stacked_risk_set() -> tuple[RiskSet, dict[str, RiskSet], pd.DataFrame, list[str]]:
    """The nine agreements' risk sets, exposures computed within each, stacked.

    Returns ``(stacked, by_treaty, regions, notes)``. The stacked panel has one row per
    state-agreement-year, a ``treaty`` column and a ``dyad`` unit key
    (``"<cown>:<treaty>"``); it is a :class:`RiskSet` built from the panel, so every
    state-agreement has at most one event and no rows after it.
    """
    cov = _covariates()
    by_treaty, frames, notes, regions = {}, [], [], None
    for treaty in datasets.ENVIRONMENTAL_TREATIES:
        rs, regions, treaty_notes = treaty_risk_set(treaty, cov)
        by_treaty[treaty] = rs
        notes += treaty_notes
        frames.append(rs.frame.assign(treaty=treaty))
    stacked = pd.concat(frames, ignore_index=True)
    stacked["dyad"] = stacked["cown"].astype(str) + ":" + stacked["treaty"]
    panel = RiskSet.from_panel(stacked, unit="dyad", time="year", event="event")
    return panel, by_treaty, regions, notes


def run() -> Replication:
    """Fit the pooled and per-agreement ratification models."""
    stacked, by_treaty, regions, notes = stacked_risk_set()
    results = {"main": DiscreteTimeHazard.from_formula(
        f"event ~ {TERMS} + C(treaty)", stacked, link="cloglog", time="cubic"
    ).fit(cluster="cown")}
    for treaty, rs in by_treaty.items():
        results[treaty.lower()] = DiscreteTimeHazard.from_formula(
            f"event ~ {TERMS}", rs, link="cloglog", time="cubic").fit()
    claims = (
        Claim("world", "states ratify as world-wide ratification rises", +1),
        Claim("igo", "states embedded in international organisations ratify sooner "
              "(IGO memberships: a proxy, UIA INGO counts are proprietary)", +1),
        Claim("mea", "states already in the environmental regime ratify sooner", +1),
        Claim("log_gdppc", "ratification is unrelated to national wealth", 0),
    )
    per_treaty = pd.DataFrame({
        name.upper(): {term: f"{res.params[term]:+.3f} ({res.std_errors[term]:.3f})"
                       for term in ("world", "regional", "igo", "mea", "log_gdppc")}
        | {"N": res.n_obs, "events": res.n_events}
        for name, res in results.items() if name != "main"}).T
    from diffusion.report.plots import cumulative_adoption

    unfccc = by_treaty["UNFCCC"]
    fig = cumulative_adoption(unfccc, regions,
                              title="UNFCCC: share of existing states that ratified")
    notes = [*notes,
             "Embeddedness is measured by COW IGO memberships and the count of other "
             "environmental agreements joined: UIA INGO membership counts are proprietary "
             "and not used.",
             "Frank, Hironaka & Schofer model five other indicators (parks, association "
             "chapters, IGO memberships, impact-assessment laws, ministries); treaty "
             "ratification is a sixth indicator of the same argument, not a reproduction "
             "of their tables.",
             "Pooled model: agreement-specific intercepts (C(treaty)) and a cubic in "
             "duration; SEs clustered by state across agreements."]
    return Replication(
        name="environment",
        title="Environmental treaty ratification, 1971-2016 (Frank, Hironaka & Schofer 2000)",
        citation="Frank, Hironaka & Schofer (2000), American Sociological Review 65(1):96-116.",
        design=("COW members at risk of ratifying each of nine multilateral environmental "
                "agreements from its opening year to 2016, stacked with agreement-specific "
                "baselines; cloglog with a cubic in duration, SEs clustered by state; world "
                "and regional ratification within each agreement, IGO memberships/10 and "
                "other environmental agreements joined/10 (embeddedness; UIA INGO counts are "
                "proprietary), log GDP per capita and Polity2, all at t-1."),
        claims=claims,
        results=results,
        data_notes=tuple(notes),
        figure=fig,
        published=STUDIES["environment"],
        tables={"Per agreement (coef (SE)); the pooled model is 'main':": per_treaty},
    )
