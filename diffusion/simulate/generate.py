"""Draw one simulated history from a :class:`SimulationDesign`.

The hazard is the one documented in :mod:`diffusion.simulate.design`. Exposures are
computed year by year from the history simulated so far, on the unit-by-year
membership grid, with the same definitions (and the same treatment of units that
adopted before they entered, left, or have no peers) as :mod:`diffusion.exposure`;
the values used are returned in :attr:`SimulatedData.exposures`, so that a test can
check them against the library's computation on the simulated risk set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.exposure import network as network_exposure
from diffusion.exposure import regional_share, world_share
from diffusion.inference._replicate import check_seed
from diffusion.simulate.design import SimulationDesign

__all__ = ["SimulatedData", "generate"]


@dataclass(frozen=True, eq=False)
class SimulatedData:
    """Tables of one simulated history and the truth that generated them.

    Attributes
    ----------
    events : DataFrame
        ``unit``, ``year``: adoptions (absent for units that never adopt), including
        adoptions before entry.
    membership : DataFrame
        ``unit``, ``start``, ``end``: inclusive spells (the structure's).
    groups : DataFrame
        ``unit``, ``region``.
    edges : DataFrame or None
        ``source``, ``target``, ``weight``.
    covariates : DataFrame
        ``unit``, ``year``, ``ingo``, ``domestic``: values observed in ``year``, from
        ``start - 1`` to ``end`` (join with ``lag=1``).
    exposures : DataFrame
        The rows at risk with the values the simulation used: ``unit``, ``year``,
        ``regional``, ``world``, ``network`` (with a network), ``hazard`` (true
        probability of adoption) and ``event``.
    truth : dict
        True coefficients keyed as the terms of the fitted model (``Intercept``,
        ``trend``, ``regional``, ``world``, ``network``, ``ingo``, ``domestic``).
    design : SimulationDesign
    seed : int or None
        The seed given to :func:`generate` (None when drawn from a spawned
        :class:`numpy.random.SeedSequence`).
    """

    events: pd.DataFrame = field(repr=False)
    membership: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame | None = field(repr=False)
    covariates: pd.DataFrame = field(repr=False)
    exposures: pd.DataFrame = field(repr=False)
    truth: dict[str, float]
    design: SimulationDesign = field(repr=False)
    seed: int | None = None

    def __repr__(self) -> str:
        s = self.design.structure
        return (f"SimulatedData({len(self.events)} adoptions, {s.n_units} units, "
                f"{s.start}-{s.end}, {len(self.exposures)} rows at risk)")

    def risk_set(self) -> RiskSet:
        """The risk set with every term of the truth.

        Columns: ``trend`` (``(year - start) / 10``), ``ingo`` and ``domestic`` (lag 1),
        ``regional`` (:func:`~diffusion.exposure.regional_share` with the design's
        window), ``world`` (:func:`~diffusion.exposure.world_share`) and, with a
        network, ``network`` (:func:`~diffusion.exposure.network`).
        """
        d = self.design
        s = d.structure
        rs = RiskSet.from_events(self.events, unit="unit", time="year",
                                 membership=self.membership, start=s.start, end=s.end)
        rs = rs.with_covariates(self.covariates, lag=1)
        rs = rs.assign(trend=lambda f: (f["year"].to_numpy() - s.start) / 10.0)
        rs = rs.with_exposure("regional", regional_share(self.groups, window=d.window))
        rs = rs.with_exposure("world", world_share())
        if self.edges is not None:
            rs = rs.with_exposure("network", network_exposure(self.edges, weight="weight"))
        return rs


def _inverse_link(link: str):
    if link == "logit":
        return special.expit
    if link == "probit":
        return special.ndtr
    return lambda eta: -np.expm1(-np.exp(eta))


def generate(design: SimulationDesign, *, seed: Any) -> SimulatedData:
    """Simulate one history of adoptions from ``design``.

    Parameters
    ----------
    design : SimulationDesign
    seed : int or numpy.random.SeedSequence
        Seed of this history (required: simulations are reproducible).

    Returns
    -------
    SimulatedData
        The tables, the exposures used, and the truth.

    Examples
    --------
    >>> import diffusion as d
    >>> design = d.simulate.synthetic(seed=1, n_units=60, regional=2.0)
    >>> data = d.simulate.generate(design, seed=7)
    >>> rs = data.risk_set()
    >>> res = d.DiscreteTimeHazard.from_formula(
    ...     "event ~ trend + regional + world + ingo + domestic", rs, link="cloglog").fit()
    >>> sorted(res.params.index) == sorted(t for t in data.truth if t != "network")
    True
    """
    if not isinstance(design, SimulationDesign):
        raise SpecificationError(
            f"design must be a SimulationDesign (simulate.from_structure or "
            f"simulate.synthetic), got {type(design).__name__}.")
    if isinstance(seed, np.random.SeedSequence):
        rng, seed_out = np.random.default_rng(seed), None
    else:
        seed_out = check_seed(seed)
        rng = np.random.default_rng(seed_out)
    s = design.structure
    n = s.n_units
    years = np.arange(s.start - 1, s.end + 1)  # column k is year start - 1 + k
    n_years = len(years)
    member = s.member
    decades = (years - s.start) / 10.0

    # ---- covariates observed in each year (drawn first: fixed order of draws)
    ingo = (rng.normal(size=n)[:, None] + design.ingo_growth * decades[None, :]
            + 0.5 * rng.normal(size=(n, n_years)))
    rho = design.domestic_persistence
    shocks = rng.normal(size=(n, n_years))
    domestic = np.empty((n, n_years))
    domestic[:, 0] = shocks[:, 0]
    for k in range(1, n_years):
        domestic[:, k] = rho * domestic[:, k - 1] + np.sqrt(1 - rho**2) * shocks[:, k]

    # ---- adoptions before entry (never at risk, count as adopters)
    adopt = np.full(n, np.nan)
    late = s.first_year > s.start
    pre = late & (rng.random(n) < design.pre_entry_adoption)
    adopt[pre] = s.first_year[pre] - rng.integers(1, 15, n)[pre]

    inv = _inverse_link(design.link)
    onehot = np.zeros((n, max(s.n_groups, 1)))
    onehot[np.arange(n), s.group_code] = 1.0
    W = s.weights
    window = design.window
    # the rows at risk, year by year: (unit code, year, regional, world, network,
    # hazard, event) arrays, joined once at the end
    chunks: list[tuple[np.ndarray, ...]] = []
    no_network = np.zeros(n)
    for k in range(1, n_years):
        t = int(years[k])
        prev = member[:, k - 1]
        adopted_prev = ~np.isnan(adopt) & (adopt <= t - 1)
        in_window = adopted_prev & (adopt >= t - window)
        # regional_share: other members of the group in t-1 with an event in [t-w, t-1]
        hit = (prev & in_window).astype(float)
        num = (onehot.T @ hit)[s.group_code] - hit
        den = (onehot.T @ prev.astype(float))[s.group_code] - prev
        regional = np.divide(num, den, out=np.zeros(n), where=den > 0)
        # world_share: members in t-1 (own unit included) that adopted by t-1
        n_members = prev.sum()
        world = (prev & adopted_prev).sum() / n_members if n_members else 0.0
        eta = (design.intercept + design.trend * (t - s.start) / 10.0
               + design.regional * regional + design.world * world
               + design.ingo * ingo[:, k - 1] + design.domestic * domestic[:, k - 1])
        net = no_network
        if W is not None:
            # network: weighted share of member sources that adopted by t-1
            num_n = W @ (prev & adopted_prev).astype(float)
            den_n = W @ prev.astype(float)
            net = np.divide(num_n, den_n, out=np.zeros(n), where=den_n > 0)
            eta = eta + design.network * net
        hazard = inv(eta)
        at_risk = member[:, k] & np.isnan(adopt)
        event = at_risk & (rng.random(n) < hazard)
        adopt[event] = t
        idx = np.flatnonzero(at_risk)
        chunks.append((idx, np.full(len(idx), t), regional[idx], np.full(len(idx), world),
                       net[idx], hazard[idx], event[idx].astype(np.int64)))

    adopters = ~np.isnan(adopt)
    events = pd.DataFrame({"unit": s.units[adopters], "year": adopt[adopters].astype(np.int64)})
    code, year, reg, wor, net, haz, ev = (np.concatenate(c) for c in zip(*chunks))
    order = np.lexsort((year, code))  # by unit (as the structure orders them), then year
    rows = {"unit": s.units[code[order]], "year": year[order], "regional": reg[order],
            "world": wor[order]}
    if W is not None:
        rows["network"] = net[order]
    rows["hazard"] = haz[order]
    rows["event"] = ev[order]
    exposures = pd.DataFrame(rows)
    uu, kk = np.meshgrid(np.arange(n), np.arange(n_years), indexing="ij")
    covariates = pd.DataFrame({"unit": s.units[uu.ravel()], "year": years[kk.ravel()],
                               "ingo": ingo.ravel(), "domestic": domestic.ravel()})
    return SimulatedData(events, s.membership.copy(), s.groups.copy(),
                         None if s.edges is None else s.edges.copy(), covariates, exposures,
                         design.truth, design, seed_out)
