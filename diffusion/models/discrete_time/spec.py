"""The specification shared by every discrete-time (binary-response) hazard model.

:class:`BinaryHazardSpec` holds what the user asked for -- a risk set, a covariate
specification (formula or column names), a link and a time term -- validated once.
The estimators (:class:`~diffusion.DiscreteTimeHazard` by maximum likelihood,
:class:`~diffusion.FirthHazard` by bias reduction) subclass it and add ``fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from diffusion._notes import Note
from diffusion.data.checks import show
from diffusion.data.riskset import RiskSet
from diffusion.errors import SpecificationError
from diffusion.models.design import Design, Spec, columns_spec, formula_spec
from diffusion.models.discrete_time.absorb import check_absorb
from diffusion.models.links import Link, get_link
from diffusion.models.time_terms import TimeSpec, TimeTerm, resolve_time
from diffusion.results.hazard import HazardResults

__all__ = ["BinaryHazardSpec", "check_risk_set"]

S = TypeVar("S", bound="BinaryHazardSpec")


def check_risk_set(risk_set: object) -> None:
    """Refuse anything that is not a :class:`~diffusion.RiskSet`."""
    if not isinstance(risk_set, RiskSet):
        raise SpecificationError(
            f"risk_set must be a diffusion.RiskSet, got {type(risk_set).__name__}; build one "
            f"with RiskSet.from_events or RiskSet.from_panel."
        )


@dataclass(frozen=True, eq=False, init=False)
class BinaryHazardSpec:
    """Risk set, covariates, link and time term of a discrete-time hazard model."""

    risk_set: RiskSet
    spec: Spec
    link: Link
    time: TimeTerm | None
    #: absorbed fixed effects (column names), see :mod:`diffusion.models.discrete_time.absorb`
    absorb: tuple[str, ...] = ()

    def __init__(
        self,
        risk_set: RiskSet,
        *,
        covariates: Sequence[str] = (),
        link: str,
        time: TimeSpec = None,
        intercept: bool = True,
    ) -> None:
        self._set(risk_set, link, time)
        object.__setattr__(self, "spec", columns_spec(covariates, risk_set, intercept))

    @classmethod
    def from_formula(cls: type[S], formula: str, risk_set: RiskSet, *, link: str,
                     time: TimeSpec = None, absorb: Sequence[str] | None = None) -> S:
        """Specify the model with a formulaic formula.

        ``formula`` may name the event on the left (``"event ~ x1 + x2"``) or give
        only the right side (``"x1 + x2 + C(region)"``); ``0 +`` removes the intercept.
        ``absorb`` (maximum-likelihood models only): columns whose fixed effects are
        absorbed rather than estimated, e.g. ``["policy", "year"]`` on a pooled risk
        set (see :mod:`diffusion.models.discrete_time.absorb`).
        """
        self = cls.__new__(cls)
        self._set(risk_set, link, time)
        object.__setattr__(self, "spec", formula_spec(formula, risk_set))
        if absorb is not None:
            if not getattr(cls, "_absorbs", False):
                raise SpecificationError(
                    f"{cls.__name__} does not absorb fixed effects; use DiscreteTimeHazard, "
                    f"or put the effects in the formula as C(name).")
            object.__setattr__(self, "absorb",
                               check_absorb(absorb, risk_set, self.spec.variables))
        return self

    def _set(self, risk_set: RiskSet, link: str, time: TimeSpec) -> None:
        check_risk_set(risk_set)
        object.__setattr__(self, "risk_set", risk_set)
        object.__setattr__(self, "link", get_link(link))
        object.__setattr__(self, "time", resolve_time(time))

    def _results(self, design: Design, *, model: str, params: np.ndarray, cov: np.ndarray,
                 loglik: float, cov_type: str, cluster: str | None, n_clusters: int | None,
                 information: str, small_sample: str, notes: tuple[Note, ...],
                 converged: bool, n_iter: int, extra: dict[str, Any]) -> HazardResults:
        """Frozen results: the estimator's numbers plus what the design and spec say."""
        return HazardResults(
            model=model,
            terms=design.names,
            _params=params,
            _cov=cov,
            loglik=loglik,
            n_obs=len(design.y),
            n_events=int(design.y.sum()),
            n_units=int(design.frame[self.risk_set.unit].nunique()),
            cov_type=cov_type,
            cluster=cluster,
            n_clusters=n_clusters,
            information=information,
            small_sample=small_sample,
            time_term=self.time.describe() if self.time else None,
            dependent=self.risk_set.event,
            formula=self.spec.text,
            notes=notes,
            converged=converged,
            n_iter=n_iter,
            estimation_rows=design.rows,
            extra={"link": self.link.name, "n_time_terms": design.n_time_terms,
                   # what effects and refits on other rows need (diffusion.effects,
                   # diffusion.compare)
                   "model": self, **extra},
        )

    def __repr__(self) -> str:
        time = self.time.describe() if self.time else "none"
        return (f"{type(self).__name__}({show(self.spec.text)}, link={show(self.link.name)}, "
                f"time={time})")
