"""diffusion: event-history analysis of policy and norm diffusion.

Public API
----------
RiskSet
    Unit-periods at risk, built from events and membership spells or from a panel.
DyadRiskSet
    Directed-dyad event history: (unit, source, year) rows at risk.
exposure
    Regional, world and network exposure measures.
DiscreteTimeHazard
    Discrete-time logit / probit / cloglog hazard models with time dependence.
ChunkedDiscreteTimeHazard, write_chunks, open_chunks
    The discrete-time model fitted chunk by chunk (a directory of Parquet chunks, or a
    Dask DataFrame on a cluster) for risk sets bigger than memory.
FirthHazard, FrailtyHazard
    The same models fitted by bias reduction (rare events, separation; R ``brglm2``)
    and with a normal random intercept per unit (R ``lme4::glmer``).
effects
    Average marginal effects, predicted annual adoption probabilities and first
    differences, with delta-method standard errors.
CoxHazard
    Cox models with time-varying covariates, late entry, strata and Efron, Breslow or
    exact ties, on the calendar or duration clock.
PiecewiseExponentialHazard, WeibullHazard
    Parametric proportional-hazards models on the same risk sets.
FineGray, competing_risk_set, cause_specific
    Competing outcomes: a risk set whose events carry a type, cause-specific hazards and
    Fine-Gray subdistribution hazards (R ``cmprsk::crr``, ``survival::finegray``).
SplitPopulationHazard
    Split-population (cure) model: a logit for ever being at risk and a discrete-time
    cloglog hazard for those at risk (units that may never adopt).
DiffusionError
    Root of every error raised on purpose (subclasses in :mod:`diffusion.errors`).
simulate
    Data-generating processes with explicit seeds; designs on real structures
    (``simulate.from_structure``), Monte Carlo power (``simulate.power``).
permutation_test, PermutationResult
    Permutation and placebo inference for exposure terms (adoptions shuffled within
    years, or the network rewired keeping degrees).
compare
    Likelihood-ratio tests of nested models, AIC and BIC, on a common sample
    (``result.wald_test(...)`` tests groups of terms with the result's covariance).
topdown_test
    Top-down (world) against bottom-up (regional) diffusion: nested tests, information
    criteria and rolling-origin accuracy in one call.
period_interactions, break_search, BreakSearchWarning
    When did an effect change: period-specific effects and a break-year search.
report, regression_table
    Presentation: multi-model regression tables (text, Markdown, LaTeX, HTML) and plots
    (cumulative adoption, Kaplan-Meier, exposure by year, coefficients, baseline
    hazard, predicted adoption).
countries, harmonize
    Country names and codes: ``harmonize(table, "country", to="cown")`` adds ISO3, COW
    or G&W codes (historical states included) and reports what it could not match.
"""

from diffusion import countries, effects, exposure, report, simulate, time_terms
from diffusion.countries import harmonize
from diffusion.data import DyadRiskSet, RiskSet
from diffusion.data.competing import cause_specific, competing_risk_set
from diffusion.errors import DiffusionError
from diffusion.inference.breaks import (
    BreakSearchWarning,
    break_search,
    period_interactions,
)
from diffusion.inference.compare import compare
from diffusion.inference.permutation import PermutationResult, permutation_test
from diffusion.data.chunks import open_chunks, write_chunks
from diffusion.models import (
    ChunkedDiscreteTimeHazard,
    CoxHazard,
    DiscreteTimeHazard,
    FirthHazard,
    FitControl,
    FrailtyHazard,
    PiecewiseExponentialHazard,
    SplitPopulationHazard,
    WeibullHazard,
)
from diffusion.models.competing import FineGray
from diffusion.report import regression_table
from diffusion.results import HazardResults
from diffusion.topdown import topdown_test

__version__ = "0.1.0"

__all__ = [
    "RiskSet",
    "DyadRiskSet",
    "DiscreteTimeHazard",
    "ChunkedDiscreteTimeHazard",
    "write_chunks",
    "open_chunks",
    "FirthHazard",
    "FrailtyHazard",
    "effects",
    "CoxHazard",
    "PiecewiseExponentialHazard",
    "WeibullHazard",
    "SplitPopulationHazard",
    "FineGray",
    "competing_risk_set",
    "cause_specific",
    "HazardResults",
    "DiffusionError",
    "exposure",
    "simulate",
    "time_terms",
    "FitControl",
    "compare",
    "permutation_test",
    "PermutationResult",
    "topdown_test",
    "period_interactions",
    "break_search",
    "BreakSearchWarning",
    "report",
    "regression_table",
    "countries",
    "harmonize",
    "__version__",
]
