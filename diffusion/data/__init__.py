"""Adoption events, membership spells and risk-set construction."""

from diffusion.data.riskset import RiskSet

__all__ = ["RiskSet"]
