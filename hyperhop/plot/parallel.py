"""Parallel coordinates: one vertical axis per parameter, one line per trial."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop._studydata import column, complete_mask, objective_values, study_data
from hyperhop.plot._common import (
    MAX_LINES,
    labels_to_plot,
    mpl_collections,
    new_figure,
    thin,
    value_label,
)


def plot_parallel_coordinates(
    study: Any,
    params: Sequence[str] | None = None,
    *,
    objective: int | str = 0,
    max_lines: int = MAX_LINES,
) -> Any:
    """One line per completed trial across an axis for its value and one per parameter,
    coloured by value (best drawn on top). An inactive parameter leaves a gap in the line;
    a choice's axis is labelled with its options. Above ``max_lines`` trials, the best
    10% of them (up to ``max_lines // 2``) and a seeded random sample of the rest are drawn.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_parallel_coordinates
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1), "o": hh.choice("a", "b")}, n_trials=6, seed=0, progress=False)
        >>> len(plot_parallel_coordinates(s).axes[0].collections[0].get_segments())
        6
    """
    LineCollection = mpl_collections().LineCollection
    data = study_data(study)
    k = data.objective_index(objective)
    labels = labels_to_plot(data, params)
    ok = np.flatnonzero(complete_mask(data))
    y = objective_values(data, k)[ok]
    sign = 1.0 if data.directions[k] == "min" else -1.0
    order = np.argsort(sign * y, kind="stable")
    n_best = min(max_lines // 2, max(1, len(ok) // 10))
    pick = thin(len(ok), max_lines, keep=order[:n_best])
    rows, yv = ok[pick], y[pick]
    draw = np.argsort(-sign * yv, kind="stable")  # worst first, best drawn last (on top)
    rows, yv = rows[draw], yv[draw]
    ymin, ymax = (float(np.min(yv)), float(np.max(yv))) if len(yv) else (0.0, 1.0)
    span = ymax - ymin if ymax > ymin else 1.0
    cols = [(yv - ymin) / span]
    ticks: list[list[tuple[float, str]]] = [[(0.0, f"{ymin:.3g}"), (1.0, f"{ymax:.3g}")]]
    for label in labels:
        s, t = column(data, label).unit()
        cols.append(s[rows])
        ticks.append(t)
    names = [data.objective_label(k), *labels]
    n_axes = len(names)
    fig = new_figure(1, size=max(4.0, 1.2 * n_axes))
    ax = fig.axes[0]
    xs = np.arange(n_axes, dtype=float)
    segs = (
        np.stack([np.column_stack([xs, [c[i] for c in cols]]) for i in range(len(rows))])
        if len(rows)
        else np.zeros((0, n_axes, 2))
    )
    cmap = "viridis" if sign > 0 else "viridis_r"
    lc = LineCollection(list(segs), array=yv, cmap=cmap, linewidths=0.8, alpha=0.6)
    ax.add_collection(lc)
    if len(rows):
        # a value between two inactive axes joins no segment: mark it with a dot
        Yv = segs[:, :, 1]
        prev = np.pad(Yv, ((0, 0), (1, 0)), constant_values=np.nan)[:, :-1]
        nxt = np.pad(Yv, ((0, 0), (0, 1)), constant_values=np.nan)[:, 1:]
        lone = ~np.isnan(Yv) & np.isnan(prev) & np.isnan(nxt)
        r, c = np.nonzero(lone)
        if len(r):
            ax.scatter(xs[c], Yv[r, c], c=yv[r], cmap=cmap, norm=lc.norm, s=6, linewidths=0)
    fig.colorbar(lc, ax=ax, label=value_label(data, k))
    for x, tk in zip(xs, ticks, strict=True):
        ax.axvline(x, color="black", lw=0.8)
        for pos, text in tk:
            ax.text(x, pos, f" {text}", fontsize="x-small", va="center", ha="left")
    ax.set_xticks(xs, names, rotation=30 if n_axes > 5 else 0)
    ax.set_xlim(-0.2, n_axes - 0.6)
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([])
    shown = f" ({len(rows)} of {len(ok)} trials)" if len(rows) < len(ok) else ""
    ax.set_title(f"Parallel coordinates of {data.name}{shown}")
    return fig
