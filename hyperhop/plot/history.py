"""Optimization history and the empirical distribution function of values."""

from __future__ import annotations

from typing import Any

import numpy as np

from hyperhop._studydata import StudyData, complete_mask, objective_values
from hyperhop.plot._common import as_groups, new_figure, points, value_label


def best_so_far(data: StudyData, objective: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Trial numbers of the completed trials and the best value up to each of them."""
    ok = complete_mask(data)
    y = objective_values(data, objective)[ok]
    x = data.numbers()[ok]
    acc = np.fmin.accumulate if data.directions[objective] == "min" else np.fmax.accumulate
    return x, acc(y) if len(y) else y


def plot_history(studies: Any, *, objective: int | str = 0, band: float = 0.5) -> Any:
    """Each completed trial's value against its number, and the best value so far.

    Several studies are overlaid; a mapping ``{"tpe": [s1, s2, s3], "random": [...]}``
    compares algorithms over seeds: for each group, the median best-so-far curve with a
    band between the ``(1 - band) / 2`` and ``(1 + band) / 2`` quantiles over its studies
    (up to the length of the shortest one), and no individual values.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_history
        >>> study = hh.minimize(lambda c: c["x"] ** 2, {"x": hh.float(-1, 1)}, n_trials=20, seed=0, progress=False)
        >>> fig = plot_history(study)
        >>> float(fig.axes[0].lines[1].get_ydata()[-1]) == study.best_value
        True
    """
    groups = as_groups(studies)
    fig = new_figure(1)
    ax = fig.axes[0]
    first = next(iter(groups.values()))[0]
    k = first.objective_index(objective)
    banded = any(len(g) > 1 for g in groups.values())
    for i, (name, members) in enumerate(groups.items()):
        color = f"C{i % 10}"
        if not banded:
            data = members[0]
            ok = complete_mask(data)
            points(
                ax,
                data.numbers()[ok],
                objective_values(data, k)[ok],
                color=color,
                alpha=0.5,
                label=f"{name}: values" if len(groups) > 1 else "values",
            )
            x, best = best_so_far(data, k)
            ax.step(
                x,
                best,
                where="post",
                color=color,
                lw=1.8,
                label=f"{name}: best so far" if len(groups) > 1 else "best so far",
            )
            continue
        curves = [best_so_far(d, k)[1] for d in members]
        n = min(len(c) for c in curves)
        if n == 0:
            continue
        Y = np.stack([c[:n] for c in curves])
        x = np.arange(1, n + 1)
        lo, mid, hi = np.quantile(Y, [(1 - band) / 2, 0.5, (1 + band) / 2], axis=0)
        ax.plot(x, mid, color=color, lw=1.8, label=f"{name} (median of {len(members)})")
        ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
    ax.set_xlabel("completed trials" if banded else "trial number")
    ax.set_ylabel(value_label(first, k))
    ax.set_title("Optimization history")
    ax.legend(loc="upper right", fontsize="small")
    return fig


def plot_edf(studies: Any, *, objective: int | str = 0) -> Any:
    """The empirical distribution function of the completed trials' values: for each
    value ``v``, the fraction of trials whose value is at most ``v``. One curve per study.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_edf
        >>> study = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=10, seed=0, progress=False)
        >>> float(plot_edf(study).axes[0].lines[0].get_ydata()[-1])
        1.0
    """
    groups = as_groups(studies)
    fig = new_figure(1)
    ax = fig.axes[0]
    first = next(iter(groups.values()))[0]
    k = first.objective_index(objective)
    for i, (name, members) in enumerate(groups.items()):
        ys = [objective_values(d, k)[complete_mask(d)] for d in members]
        y = np.sort(np.concatenate(ys)) if ys else np.zeros(0)
        if len(y) == 0:
            continue
        ax.step(y, np.arange(1, len(y) + 1) / len(y), where="post", color=f"C{i % 10}", label=name)
    ax.set_xlabel(value_label(first, k))
    ax.set_ylabel("fraction of trials with a value <= x")
    ax.set_ylim(0, 1.02)
    ax.set_title("Empirical distribution of values")
    if ax.lines:
        ax.legend(loc="upper right", fontsize="small")
    return fig
