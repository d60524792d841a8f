"""Presentation, apart from estimation: multi-model tables and plots.

Tables
------
regression_table
    One or several fitted models side by side; a :class:`RegressionTable` rendered as
    text, Markdown, LaTeX or HTML.

Plots (each returns a matplotlib Figure; ``*_table`` functions return the numbers)
-----------------------------------------------------------------------------------
cumulative_adoption, cumulative_adoption_table
kaplan_meier, kaplan_meier_table
exposure_over_time, exposure_over_time_table
coefficient_plot
baseline_hazard, baseline_hazard_table
predicted_adoption, predicted_adoption_table
network_plot, network_plot_table
threshold_plot
"""

from diffusion.report.curves import exposure_over_time_table, kaplan_meier_table
from diffusion.report.networks import network_plot, network_plot_table
from diffusion.report.plots import (
    baseline_hazard,
    baseline_hazard_table,
    coefficient_plot,
    cumulative_adoption,
    cumulative_adoption_table,
    exposure_over_time,
    kaplan_meier,
    predicted_adoption,
    predicted_adoption_table,
)
from diffusion.report.tables import RegressionTable, regression_table
from diffusion.report.thresholds import threshold_plot

__all__ = [
    "RegressionTable",
    "baseline_hazard",
    "baseline_hazard_table",
    "coefficient_plot",
    "cumulative_adoption",
    "cumulative_adoption_table",
    "exposure_over_time",
    "exposure_over_time_table",
    "kaplan_meier",
    "threshold_plot",
    "network_plot",
    "network_plot_table",
    "kaplan_meier_table",
    "predicted_adoption",
    "predicted_adoption_table",
    "regression_table",
]
