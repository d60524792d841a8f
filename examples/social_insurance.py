"""Prerequisites or diffusion? The first social insurance for work injury, 1884-2010.

Run: ``python examples/social_insurance.py``. Collier & Messick (1975) asked whether
countries adopt social insurance when they are modern enough (prerequisites: wealth,
democracy) or when it has spread to their region and the world (diffusion). This
script sets the two against each other on the GWIP data (Breznau & Lanver 2020,
``load_work_injury``): COW member states at risk from 1884 (Germany's law) to 2010;
the domestic block is log GDP per capita and Polity2 (lagged one year), the diffusion
blocks the share of the region's and of the world's members with a social-insurance
law by ``t - 1``; discrete-time cloglog with a cubic in duration, SEs clustered by
country. :func:`diffusion.topdown_test` fits the nested models on one common sample,
tests each block, and scores out-of-sample prediction of the next adopters.
Laws passed before independence (colonial legislation) precede the first year at
risk; those countries are excluded and counted in the notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import RiskSet, datasets, topdown_test
from diffusion.exposure import regional_density, world_share


def main() -> None:
    laws = datasets.load_work_injury().dropna(subset=["first_socins"])
    spells = datasets.load_state_system(system="cow")[["cown", "start", "end"]]
    events = laws[["cown", "first_socins"]].rename(columns={"first_socins": "year"})
    events = events[events["cown"].isin(spells["cown"])].astype("int64")
    regions = datasets.load_regions()[["cown", "cow_region"]].dropna()
    regions = regions.astype({"cown": "int64"}).drop_duplicates("cown")
    regions = regions[regions["cown"].isin(spells["cown"])]
    cov = datasets.load_covariates()[["cown", "year", "polity2", "gdppc"]]
    cov = cov.dropna(subset=["cown"]).astype({"cown": "int64"})
    cov = pd.DataFrame({"cown": cov["cown"], "year": cov["year"],
                        "polity2": cov["polity2"].astype(float),
                        "log_gdppc": np.log(cov["gdppc"].astype(float))})
    rs = (RiskSet.from_events(events, unit="cown", time="year", membership=spells,
                              start=1884, end=2010, outside="censor")
          .with_covariates(cov, lag=1)
          .with_exposure("regional", regional_density(regions, group="cow_region"))
          .with_exposure("world", world_share()))
    result = topdown_test(rs, domestic=["log_gdppc", "polity2"], regional=["regional"],
                          world=["world"], link="cloglog", time="cubic",
                          origin=[1930, 1950, 1970, 1990])
    print(result.summary())


if __name__ == "__main__":
    main()
