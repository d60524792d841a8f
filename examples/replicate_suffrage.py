"""Reproduce Ramirez, Soysal & Shanahan (1997) on the bundled data, step by step.

Run: ``python examples/replicate_suffrage.py [figure.png]``. The same analysis is
``python -m diffusion replicate suffrage``; this script shows the pieces.
"""

from __future__ import annotations

import sys

import numpy as np

from diffusion import DiscreteTimeHazard, RiskSet, datasets
from diffusion.exposure import regional_share, world_share
from diffusion.report import cumulative_adoption


def main() -> None:
    # the study's event: the national vote for women on the same terms as men
    suffrage = datasets.load_suffrage(definition="equal_terms").dropna(subset=["cown", "year"])
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna().drop_duplicates("cown")
    regions = regions.astype({"cown": "int64"})
    regions = regions[regions["cown"].isin(spells["cown"])]
    events = suffrage[["cown", "year"]].astype("int64")
    events = events[events["cown"].isin(spells["cown"])]
    cov = datasets.load_covariates().dropna(subset=["cown"]).astype({"cown": "int64"})
    cov = cov.assign(log_gdppc=np.log(cov["gdppc"].astype(float)))[["cown", "year", "log_gdppc"]]

    rs = (RiskSet.from_events(events, unit="cown", time="year", membership=spells,
                              start=1890, end=1990, outside="censor")
          .with_covariates(cov, lag=1)
          .with_exposure("regional5", regional_share(regions, window=5))
          .with_exposure("world", world_share())
          .assign(post1930=lambda f: (f["year"] >= 1930).astype(float)))
    print(rs)
    res = DiscreteTimeHazard.from_formula(
        "event ~ regional5 + world + post1930 + regional5:post1930 + world:post1930",
        rs, link="cloglog").fit()
    print(res.summary())
    if len(sys.argv) > 1:
        cumulative_adoption(rs, regions.rename(columns={"cow_region": "region"})).savefig(sys.argv[1])


if __name__ == "__main__":
    main()
