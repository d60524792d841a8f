"""Presentation, apart from estimation: plots (and multi-model tables)."""

from diffusion.report.plots import coefficient_plot, cumulative_adoption, cumulative_adoption_table

__all__ = ["cumulative_adoption", "cumulative_adoption_table", "coefficient_plot"]
