"""Plots of a study (``pip install 'hyperhop[plot]'``: matplotlib, imported when a plot
is drawn). Each function takes a study (several where comparing makes sense) and returns
a matplotlib ``Figure`` drawn on the Agg canvas (``fig.savefig("f.png")``; in Jupyter it
displays inline). Choices show their options' values; an inactive parameter is a gap.

At 100,000 trials each plot is built and drawn in under 2 s of CPU time
(``benchmarks/plots.py``). Thinning: scatter plots keep every trial, but above 5,000
points their colours are binned into 8 shades; line plots (parallel coordinates,
learning curves) draw at most ``max_lines`` (1,000) trials: the best 10% of them and a
seeded random sample of the rest (the title says "n of N trials"); a contour is the mean
value over a grid of cells, not an interpolation.
"""

from __future__ import annotations

from hyperhop.plot.history import plot_edf, plot_history
from hyperhop.plot.hyperopt import main_plot_histogram, main_plot_history, main_plot_vars
from hyperhop.plot.importance import plot_importance
from hyperhop.plot.intermediate import plot_intermediate
from hyperhop.plot.parallel import plot_parallel_coordinates
from hyperhop.plot.params import plot_contour, plot_slice
from hyperhop.plot.pareto import plot_pareto_front
from hyperhop.plot.timeline import plot_timeline

__all__ = [
    "main_plot_histogram",
    "main_plot_history",
    "main_plot_vars",
    "plot_contour",
    "plot_edf",
    "plot_history",
    "plot_importance",
    "plot_intermediate",
    "plot_parallel_coordinates",
    "plot_pareto_front",
    "plot_slice",
    "plot_timeline",
]
