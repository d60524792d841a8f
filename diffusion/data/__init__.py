"""Adoption events, membership spells and risk-set construction."""

from diffusion.data.riskset import RiskSet
from diffusion.data.dyads import DyadRiskSet

__all__ = ["RiskSet", "DyadRiskSet"]
