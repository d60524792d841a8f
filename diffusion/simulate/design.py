"""The design of a diffusion simulation: a structure plus the true hazard.

In every year ``t`` of ``[start, end]``, each unit ``i`` that is a member in ``t`` and
has not adopted by ``t - 1`` adopts with probability ``h_it = F(eta_it)``, ``F`` the
inverse logit, probit or complementary log-log link, and::

    eta_it = intercept + trend * (t - start) / 10
             + regional * regional_it + world * world_t + network * network_it
             + ingo * ingo_{i,t-1} + domestic * domestic_{i,t-1}

with exactly the exposure definitions of :mod:`diffusion.exposure` (at lag 1):

* ``regional_it``: share of the *other* units of ``i``'s group that are members in
  ``t - 1`` with an adoption in ``[t - window, t - 1]``
  (:func:`~diffusion.exposure.regional_share`);
* ``world_t``: share of the members in ``t - 1`` that adopted by ``t - 1``
  (:func:`~diffusion.exposure.world_share`);
* ``network_it``: weighted share of ``i``'s sources (ties ``j -> i``) that are
  members in ``t - 1`` and adopted by ``t - 1`` (:func:`~diffusion.exposure.network`);
  0 when ``i`` has no member source.

Two covariates are drawn afresh in each replication and observed in every year from
``start - 1`` (they enter the hazard lagged one year, as ``with_covariates(lag=1)``):

* ``ingo`` -- embeddedness in international non-governmental organisations, a
  time-varying covariate that grows over time: ``ingo_it = a_i + ingo_growth *
  (t - start) / 10 + 0.5 e_it`` with ``a_i, e_it ~ N(0, 1)``;
* ``domestic`` -- a domestic condition (e.g. democracy), a stationary AR(1) with
  standard-normal margins and persistence ``domestic_persistence``.

A share ``pre_entry_adoption`` of the units that enter after ``start`` adopted 1-14
years before they entered (colonial adoption): they are never at risk but count as
adopters in every exposure, as in real data.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

import pandas as pd

from diffusion.data.checks import check_option, check_positive_int, show
from diffusion.errors import SpecificationError
from diffusion.simulate.structure import Structure, _is_real, check_probability

__all__ = ["SimulationDesign", "from_structure", "synthetic", "LINKS", "EFFECTS"]

Link = Literal["logit", "probit", "cloglog"]
LINKS = ("logit", "probit", "cloglog")
#: the true coefficients of a design, named as the terms of the fitted model
EFFECTS = ("Intercept", "trend", "regional", "world", "network", "ingo", "domestic")


@dataclass(frozen=True, eq=False)
class SimulationDesign:
    """A validated simulation design: the structure and the true hazard.

    Build it with :func:`from_structure` (real spells, groups, network) or
    :func:`synthetic` (a random structure), or directly from a :class:`Structure`.
    It is checked once, when created; change it with :func:`dataclasses.replace`
    (checked again), e.g. ``replace(design, regional=1.0)``.

    Parameters
    ----------
    structure : Structure
    link : {"logit", "probit", "cloglog"}, default "cloglog"
    intercept, trend, regional, world, network, ingo, domestic : float
        True coefficients (see the module docstring); ``trend`` is per decade.
    window : int, default 5
        Window (years) of the regional share.
    pre_entry_adoption : float, default 0.0
        Probability that a unit entering after ``start`` adopted before entering.
    ingo_growth : float, default 0.3
        Growth of the mean INGO embeddedness per decade.
    domestic_persistence : float, default 0.8
        AR(1) coefficient of the domestic covariate, in [0, 1).

    Raises
    ------
    SpecificationError
        Unknown link, a non-finite coefficient, a probability outside [0, 1],
        ``window < 1``, a network effect without a network.
    """

    structure: Structure
    link: Link = "cloglog"
    intercept: float = -4.0
    trend: float = 0.0
    regional: float = 0.0
    world: float = 0.0
    network: float = 0.0
    ingo: float = 0.0
    domestic: float = 0.0
    window: int = 5
    pre_entry_adoption: float = 0.0
    ingo_growth: float = 0.3
    domestic_persistence: float = 0.8

    def __post_init__(self) -> None:
        if not isinstance(self.structure, Structure):
            raise SpecificationError(
                f"structure must be a diffusion.simulate.Structure, got "
                f"{type(self.structure).__name__}; build one with Structure.from_tables or "
                f"Structure.synthetic (or use simulate.from_structure / simulate.synthetic).")
        check_option(self.link, LINKS, name="link")
        for name in ("intercept", "trend", "regional", "world", "network", "ingo", "domestic",
                     "ingo_growth"):
            value = getattr(self, name)
            if not _is_real(value):
                raise SpecificationError(f"{name} must be a finite number, got {show(value)}.")
            object.__setattr__(self, name, float(value))
        object.__setattr__(self, "window", check_positive_int(self.window, name="window"))
        object.__setattr__(self, "pre_entry_adoption",
                           check_probability(self.pre_entry_adoption, "pre_entry_adoption"))
        rho = self.domestic_persistence
        if not _is_real(rho) or not 0 <= rho < 1:
            raise SpecificationError(
                f"domestic_persistence is an AR(1) coefficient and must lie in [0, 1), got "
                f"{show(rho)}.")
        object.__setattr__(self, "domestic_persistence", float(rho))
        if self.network != 0 and self.structure.edges is None:
            raise SpecificationError(
                f"network={self.network} needs a network: pass edges= (or network_degree > 0 "
                f"for a synthetic structure), or set network=0.")

    @property
    def truth(self) -> dict[str, float]:
        """True coefficients keyed as the terms of the fitted model.

        ``network`` is present only when the structure has a network.
        """
        out = {name: float(getattr(self, "intercept" if name == "Intercept" else name))
               for name in EFFECTS}
        if self.structure.edges is None:
            del out["network"]
        return out

    def __repr__(self) -> str:
        effects = ", ".join(f"{k}={v:g}" for k, v in self.truth.items())
        return f"SimulationDesign({self.structure!r}, link={self.link!r}, {effects})"


def _design(structure: Structure, values: dict[str, Any]) -> SimulationDesign:
    names = {f.name for f in fields(SimulationDesign)} - {"structure"}
    return SimulationDesign(structure, **{k: v for k, v in values.items() if k in names})


def from_structure(
    *,
    membership: pd.DataFrame,
    groups: pd.DataFrame,
    start: int,
    end: int,
    edges: Any = None,
    unit: str = "unit",
    group: str | None = None,
    source: str = "source",
    target: str = "target",
    weight: str | None = None,
    link: Link = "cloglog",
    intercept: float = -4.0,
    trend: float = 0.0,
    regional: float = 0.0,
    world: float = 0.0,
    network: float = 0.0,
    ingo: float = 0.0,
    domestic: float = 0.0,
    window: int = 5,
    pre_entry_adoption: float = 0.0,
    ingo_growth: float = 0.3,
    domestic_persistence: float = 0.8,
) -> SimulationDesign:
    """A design on the structure of real data (units, spells, groups, network).

    The structure arguments are those of :meth:`Structure.from_tables`, the others
    those of :class:`SimulationDesign`.

    Examples
    --------
    >>> from diffusion import simulate
    >>> from diffusion.datasets import load_regions, load_state_system
    >>> cow = load_state_system(system="cow")[["cown", "start", "end"]]
    >>> regions = load_regions()[["cown", "cow_region"]].dropna()
    >>> design = simulate.from_structure(membership=cow, groups=regions, unit="cown",
    ...                                  start=1950, end=2000, regional=2.0, ingo=0.5)
    >>> data = simulate.generate(design, seed=1)
    >>> data.truth["regional"]
    2.0
    """
    structure = Structure.from_tables(membership=membership, groups=groups, start=start,
                                      end=end, edges=edges, unit=unit, group=group,
                                      source=source, target=target, weight=weight)
    return _design(structure, locals())


def synthetic(
    *,
    seed: int,
    n_units: int = 150,
    n_groups: int = 6,
    start: int = 1900,
    end: int = 1999,
    late_entry: float = 0.3,
    exit_rate: float = 0.05,
    network_degree: float = 0.0,
    homophily: float = 0.7,
    link: Link = "cloglog",
    intercept: float = -4.0,
    trend: float = 0.0,
    regional: float = 0.0,
    world: float = 0.0,
    network: float = 0.0,
    ingo: float = 0.0,
    domestic: float = 0.0,
    window: int = 5,
    pre_entry_adoption: float = 0.0,
    ingo_growth: float = 0.3,
    domestic_persistence: float = 0.8,
) -> SimulationDesign:
    """A design on a random structure (:meth:`Structure.synthetic`, seeded by ``seed``).

    ``seed`` fixes the structure only; the outcomes are drawn by
    :func:`~diffusion.simulate.generate` with their own seed.

    Examples
    --------
    >>> from diffusion import simulate
    >>> design = simulate.synthetic(seed=1, n_units=80, network_degree=3, regional=2.0,
    ...                             network=1.0)
    >>> sorted(design.truth)
    ['Intercept', 'domestic', 'ingo', 'network', 'regional', 'trend', 'world']
    """
    structure = Structure.synthetic(seed=seed, n_units=n_units, n_groups=n_groups,
                                    start=start, end=end, late_entry=late_entry,
                                    exit_rate=exit_rate, network_degree=network_degree,
                                    homophily=homophily)
    return _design(structure, locals())
