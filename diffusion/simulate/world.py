"""A small simulated world of states that adopt a policy.

Units sit in groups (regions), enter the state system at independence (some late),
some leave and re-enter, and a few adopt before they enter (colonial adoption).
Each year every member that has not yet adopted adopts with probability::

    h_it = F(intercept + b_x1 x1_{i,t-1} + b_x2 x2_i
             + b_regional regional_share_{it} + b_world world_share_{it})

where ``regional_share`` is the share of the other members of ``i``'s group (members
in ``t - 1``) that adopted in ``[t - window, t - 1]`` and ``world_share`` the share
of members in ``t - 1`` that adopted by ``t - 1`` -- exactly the definitions of
:mod:`diffusion.exposure`, so fitted models recover the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from diffusion.data.checks import check_option, check_positive_int, show
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.exposure import regional_share, world_share

__all__ = ["SimulatedWorld", "world"]


@dataclass(frozen=True)
class SimulatedWorld:
    """Tables of a simulated world and the truth that generated them.

    Attributes
    ----------
    events : DataFrame
        ``unit``, ``year``: first adoption (absent for units that never adopt).
    membership : DataFrame
        ``unit``, ``start``, ``end``: inclusive membership spells.
    groups : DataFrame
        ``unit``, ``region``.
    covariates : DataFrame
        ``unit``, ``year``, ``x1`` (time-varying), ``x2`` (constant): values
        observed in ``year`` (join with ``lag=1``).
    truth : dict
        True coefficients, keyed as the terms of the fitted model.
    """

    events: pd.DataFrame = field(repr=False)
    membership: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    covariates: pd.DataFrame = field(repr=False)
    truth: dict[str, float]
    link: str
    window: int
    start: int
    end: int
    seed: int

    def risk_set(self) -> RiskSet:
        """The risk set with ``x1``, ``x2`` (lag 1), ``regional`` and ``world`` exposure."""
        rs = RiskSet.from_events(self.events, unit="unit", time="year",
                                 membership=self.membership, start=self.start, end=self.end)
        rs = rs.with_covariates(self.covariates, lag=1)
        rs = rs.with_exposure("regional", regional_share(self.groups, window=self.window))
        return rs.with_exposure("world", world_share())


def world(
    *,
    seed: int,
    n_units: int = 200,
    n_groups: int = 6,
    start: int = 1890,
    end: int = 2019,
    link: str = "cloglog",
    intercept: float = -4.0,
    x1: float = 0.4,
    x2: float = -0.5,
    regional: float = 3.0,
    world_effect: float = 0.0,
    window: int = 5,
    late_entry: float = 0.5,
    exit_rate: float = 0.1,
    pre_entry_adoption: float = 0.03,
) -> SimulatedWorld:
    """Simulate a world of states adopting a policy (see module docstring).

    Parameters
    ----------
    seed : int
        Seed of the random generator (required: simulations are reproducible).
    n_units, n_groups : int
    start, end : int
        Years simulated (inclusive).
    link : {"logit", "probit", "cloglog"}
    intercept, x1, x2, regional, world_effect : float
        True coefficients.
    window : int
        Window of the regional share.
    late_entry : float
        Share of units that enter the system after ``start``.
    exit_rate : float
        Share of units that leave the system once (half of them re-enter later).
    pre_entry_adoption : float
        Share of late entrants that adopted before entering.

    Returns
    -------
    SimulatedWorld
    """
    link = check_option(link, ("logit", "probit", "cloglog"), name="link")
    n_units = check_positive_int(n_units, name="n_units")
    n_groups = check_positive_int(n_groups, name="n_groups")
    window = check_positive_int(window, name="window")
    for name, p in [("late_entry", late_entry), ("exit_rate", exit_rate),
                    ("pre_entry_adoption", pre_entry_adoption)]:
        if not 0 <= p <= 1:
            raise SpecificationError(f"{name} is a probability and must lie in [0, 1], got {show(p)}.")
    if end - start < 20:
        raise SpecificationError(f"simulate at least 20 years; got {start}-{end}.")
    rng = np.random.default_rng(seed)
    units = np.array([f"u{i:04d}" for i in range(n_units)])
    group = rng.integers(0, n_groups, n_units)
    years = np.arange(start - 1, end + 1)  # column 0 is start - 1 (for the first lag)
    n_years = len(years)

    # ---- membership: entry, one exit for some, re-entry for half of those
    late = rng.random(n_units) < late_entry
    entry = np.where(late, rng.integers(start + 1, end - 10, n_units),
                     start - rng.integers(1, 60, n_units))
    spells = []
    member = np.zeros((n_units, n_years), dtype=bool)
    exits = rng.random(n_units) < exit_rate
    for i in range(n_units):
        first_end = end
        if exits[i] and entry[i] < end - 15:
            first_end = int(rng.integers(max(entry[i], start) + 2, end - 8))
            spells.append((units[i], int(entry[i]), first_end))
            if rng.random() < 0.5:
                back = first_end + int(rng.integers(2, 8))
                spells.append((units[i], back, end))
        else:
            spells.append((units[i], int(entry[i]), end))
    for u, a, b in spells:
        i = int(u[1:])
        member[i, max(a, years[0]) - years[0]: b - years[0] + 1] = True

    # ---- covariates observed in each year (x1 varies, x2 constant)
    x1v = rng.normal(size=(n_units, n_years))
    x2v = (rng.random(n_units) < 0.4).astype(float)

    # ---- events
    adopt_year = np.full(n_units, np.nan)
    pre = late & (rng.random(n_units) < pre_entry_adoption)
    adopt_year[pre] = entry[pre] - rng.integers(1, 15, pre.sum())
    inv = {"logit": special.expit, "probit": special.ndtr,
           "cloglog": lambda e: -np.expm1(-np.exp(e))}[link]
    onehot = np.eye(n_groups)[group]  # (units, groups)
    for k in range(1, n_years):
        t = years[k]
        prev = member[:, k - 1]
        adopted_prev = ~np.isnan(adopt_year) & (adopt_year <= t - 1)
        in_win = ~np.isnan(adopt_year) & (adopt_year >= t - window) & (adopt_year <= t - 1)
        num_g = onehot.T @ (prev & in_win)
        den_g = onehot.T @ prev
        num = num_g[group] - (prev & in_win)
        den = den_g[group] - prev
        reg = np.divide(num, den, out=np.zeros(n_units), where=den > 0)
        wor = (prev & adopted_prev).sum() / max(prev.sum(), 1)
        at_risk = member[:, k] & np.isnan(adopt_year)
        eta = intercept + x1 * x1v[:, k - 1] + x2 * x2v + regional * reg + world_effect * wor
        draw = rng.random(n_units) < inv(eta)
        adopt_year[at_risk & draw] = t

    adopters = ~np.isnan(adopt_year)
    events = pd.DataFrame({"unit": units[adopters], "year": adopt_year[adopters].astype(int)})
    membership = pd.DataFrame(spells, columns=["unit", "start", "end"])
    groups = pd.DataFrame({"unit": units, "region": [f"R{g}" for g in group]})
    uu, yy = np.meshgrid(np.arange(n_units), np.arange(n_years), indexing="ij")
    covariates = pd.DataFrame({"unit": units[uu.ravel()], "year": years[yy.ravel()],
                               "x1": x1v.ravel(), "x2": x2v[uu.ravel()]})
    truth = {"Intercept": intercept, "x1": x1, "x2": x2, "regional": regional,
             "world": world_effect}
    return SimulatedWorld(events, membership, groups, covariates, truth, link, window,
                          start, end, seed)
