"""State lotteries (Berry & Berry 1990): the probit, reproduced on the archive's data.

Berry, F. S. & Berry, W. D. (1990). State lottery adoptions as policy innovations:
an event history analysis. *American Political Science Review* 84(2): 395-415.
Data: the Desmarais, Harden & Boehmke (2015) replication archive (Harvard Dataverse,
doi:10.7910/DVN/A1GIMB), bundled as ``load_lottery()``.

Design: the archive's state-year panel (48 contiguous states, 1964-1986, states leave
after adopting), probit of adoption on fiscal health, one-party control, election
years, income, religious fundamentalism and the number of neighbouring states that
had adopted; classic (model-based) standard errors as in the article. Rows missing
``party`` (Nebraska and Minnesota) are dropped listwise, which leaves R's N = 857;
the test suite checks every number against R ``glm`` to 1e-6.
"""

from __future__ import annotations

from diffusion import datasets
from diffusion.data.riskset import RiskSet
from diffusion.models.discrete_time import DiscreteTimeHazard
from diffusion.replications.base import Claim, Replication
from diffusion.replications.published import STUDIES

__all__ = ["run"]

FORMULA = "adopt ~ fiscal + party + elect1 + elect2 + income1 + religion + neighbor"


def run() -> Replication:
    """Fit Berry & Berry's lottery probit."""
    panel = datasets.load_lottery()
    panel["party"] = panel["party"].astype("float64")
    rs = RiskSet.from_panel(panel, unit="state", time="year", event="adopt")
    main = DiscreteTimeHazard.from_formula(FORMULA, rs, link="probit").fit(cov_type="classic")
    clustered = DiscreteTimeHazard.from_formula(FORMULA, rs, link="probit").fit()
    claims = (
        Claim("neighbor", "more neighbouring adopters raise the probability of adoption", +1),
        Claim("fiscal", "states in poorer fiscal health adopt sooner", -1),
        Claim("religion", "more fundamentalist populations delay adoption", -1),
        Claim("income1", "richer states adopt sooner", +1),
        Claim("elect1", "adoption is more likely in election years", +1),
    )
    return Replication(
        name="lottery",
        title="State lottery adoptions, 1964-1986 (Berry & Berry 1990)",
        citation="Berry & Berry (1990), American Political Science Review 84(2):395-415.",
        design=("48 states 1964-1986 (DHB 2015 archive); probit, classic SEs (clustered by "
                "state as a variant); N = 857 after dropping the rows without party control."),
        claims=claims,
        results={"main": main, "clustered": clustered},
        data_notes=("The archive has no codebook; variable meanings follow the article.",),
        published=STUDIES["lottery"],
    )
