"""Hyperopt's three plots (``hyperopt.plotting``), with their meaning, on a hyperhop study."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop._studydata import column, complete_mask, objective_values, study_data
from hyperhop.plot._common import labels_to_plot, new_figure, points, set_param_axis


def main_plot_history(study: Any, *, objective: int | str = 0, title: str = "Loss History") -> Any:
    """Hyperopt's history: each completed trial's loss against its number, and a
    horizontal line at the best loss.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import main_plot_history
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=5, seed=0, progress=False)
        >>> float(main_plot_history(s).axes[0].lines[1].get_ydata()[0]) == s.best_value
        True
    """
    data = study_data(study)
    k = data.objective_index(objective)
    ok = complete_mask(data)
    y = objective_values(data, k)[ok]
    fig = new_figure(1)
    ax = fig.axes[0]
    points(ax, data.numbers()[ok], y, label="ok")
    if len(y):
        best = float(np.min(y) if data.directions[k] == "min" else np.max(y))
        ax.axhline(best, color="tab:green", label=f"best {best:.4g}")
    ax.set_xlabel("time (trial number)")
    ax.set_ylabel(data.objective_label(k) if data.n_objectives > 1 else "loss")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    return fig


def main_plot_histogram(
    study: Any, *, objective: int | str = 0, bins: int = 30, title: str = "Loss Histogram"
) -> Any:
    """Hyperopt's histogram of the completed trials' losses.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import main_plot_histogram
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=7, seed=0, progress=False)
        >>> int(sum(p.get_height() for p in main_plot_histogram(s).axes[0].patches))
        7
    """
    data = study_data(study)
    k = data.objective_index(objective)
    y = objective_values(data, k)[complete_mask(data)]
    fig = new_figure(1)
    ax = fig.axes[0]
    ax.hist(y, bins=bins, color="tab:blue")
    ax.set_xlabel(data.objective_label(k) if data.n_objectives > 1 else "loss")
    ax.set_ylabel("frequency")
    ax.set_title(f"{title} ({len(y)} trials)")
    return fig


def main_plot_vars(
    study: Any, params: Sequence[str] | None = None, *, objective: int | str = 0
) -> Any:
    """Hyperopt's per-parameter plot: for each parameter, the value each trial tried
    against the trial's number (absent where the parameter is inactive), coloured by the
    trial's loss (darker is better).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import main_plot_vars
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=5, seed=0, progress=False)
        >>> main_plot_vars(s).axes[0].get_title()
        'x'
    """
    data = study_data(study)
    k = data.objective_index(objective)
    labels = labels_to_plot(data, params)
    ok = complete_mask(data)
    y = objective_values(data, k)
    cmap = "viridis" if data.directions[k] == "min" else "viridis_r"
    fig = new_figure(len(labels), size=3.0)
    for ax, label in zip(fig.axes, labels, strict=False):
        col = column(data, label)
        m = ok & col.active
        points(ax, data.numbers()[m], col.values[m], y[m], cmap=cmap)
        set_param_axis(ax, col, "y")
        ax.set_ylabel("")
        ax.set_xlabel("trial number")
        ax.set_title(label)
    return fig
