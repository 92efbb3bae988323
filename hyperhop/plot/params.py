"""Values against parameters: slice (one parameter at a time) and contour (a pair)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop._studydata import Column, column, complete_mask, objective_values, study_data
from hyperhop.plot._common import labels_to_plot, new_figure, points, set_param_axis, value_label


def plot_slice(study: Any, params: Sequence[str] | None = None, *, objective: int | str = 0) -> Any:
    """The value of each completed trial against each parameter (one panel per
    parameter; a trial where the parameter is inactive is absent from its panel; a
    choice's options are the tick labels). Colour: the trial's number.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_slice
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1), "o": hh.choice("a", "b")}, n_trials=8, seed=0, progress=False)
        >>> [t.get_text() for t in plot_slice(s).axes[1].get_xticklabels()]
        ['a', 'b']
    """
    data = study_data(study)
    k = data.objective_index(objective)
    labels = labels_to_plot(data, params)
    fig = new_figure(len(labels), size=3.2)
    ok = complete_mask(data)
    y = objective_values(data, k)
    numbers = data.numbers()
    for ax, label in zip(fig.axes, labels, strict=False):
        col = column(data, label)
        m = ok & col.active
        points(ax, col.values[m], y[m], numbers[m])
        set_param_axis(ax, col, "x")
        ax.set_ylabel(value_label(data, k))
    fig.suptitle(f"Slice plot of {data.name}")
    return fig


def _edges(col: Column, bins: int) -> np.ndarray:
    if col.categories is not None:
        return np.arange(len(col.categories) + 1) - 0.5
    v = col.values[col.active]
    lo = col.low if col.low is not None else float(np.min(v)) if len(v) else 0.0
    hi = col.high if col.high is not None else float(np.max(v)) if len(v) else 1.0
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    if col.log and lo > 0:
        return np.geomspace(lo, hi, bins + 1)
    return np.linspace(lo, hi, bins + 1)


def contour_grid(
    data: Any, x: str, y: str, objective: int = 0, bins: int = 30
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x_edges, y_edges, Z)``: the mean value of the completed trials in each cell of a
    grid over two parameters (``Z[j, i]`` for x cell i and y cell j; NaN in an empty cell
    or where either parameter is inactive)."""
    cx, cy = column(data, x), column(data, y)
    v = objective_values(data, objective)
    m = complete_mask(data) & cx.active & cy.active
    ex, ey = _edges(cx, bins), _edges(cy, bins)
    s, _, _ = np.histogram2d(cx.values[m], cy.values[m], bins=[ex, ey], weights=v[m])
    n, _, _ = np.histogram2d(cx.values[m], cy.values[m], bins=[ex, ey])
    with np.errstate(invalid="ignore", divide="ignore"):
        Z = np.where(n > 0, s / n, np.nan).T
    return ex, ey, Z


def plot_contour(
    study: Any, params: Sequence[str] | None = None, *, objective: int | str = 0, bins: int = 30
) -> Any:
    """The mean value over a grid of two parameters (empty cells blank, no
    interpolation), with the trials on top; a choice has one cell per option. With more
    than two ``params``, one panel per pair, on one colour scale (default: the first two
    parameters).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_contour
        >>> s = hh.minimize(lambda c: c["x"] + c["y"], {"x": hh.float(0, 1), "y": hh.float(0, 1)}, n_trials=20, seed=0, progress=False)
        >>> fig = plot_contour(s, ["x", "y"], bins=4)
        >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
        ('x', 'y')
    """
    data = study_data(study)
    k = data.objective_index(objective)
    labels = labels_to_plot(data, params)
    if len(labels) < 2:
        raise ValueError(f"A contour plot needs two parameters; study {data.name!r} has {labels}.")
    if params is None:
        labels = labels[:2]
    pairs = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1 :]]
    fig = new_figure(len(pairs), size=3.4 if len(pairs) > 1 else 4.0)
    cmap = "viridis" if data.directions[k] == "min" else "viridis_r"
    grids = [contour_grid(data, x, y, k, bins) for x, y in pairs]
    finite = [Z[np.isfinite(Z)] for _, _, Z in grids]
    vals = np.concatenate(finite) if finite else np.zeros(0)
    lo, hi = (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0)
    ok = complete_mask(data)
    mesh = None
    for ax, (x, y), (ex, ey, Z) in zip(fig.axes, pairs, grids, strict=False):
        mesh = ax.pcolormesh(
            ex, ey, np.ma.masked_invalid(Z), cmap=cmap, shading="flat", vmin=lo, vmax=hi
        )
        cx, cy = column(data, x), column(data, y)
        m = ok & cx.active & cy.active
        points(ax, cx.values[m], cy.values[m], color="black", size=2, alpha=0.3)
        set_param_axis(ax, cx, "x")
        set_param_axis(ax, cy, "y")
    fig.colorbar(
        mesh, ax=[a for a in fig.axes if a.get_visible()], label=f"mean {value_label(data, k)}"
    )
    fig.suptitle(f"Contour of {data.name}")
    return fig
