"""Hyperopt's quick plots of a :class:`~hyperhop.hyperopt.Trials` (matplotlib,
``pip install 'hyperhop[plot]'``). Each returns the figure; ``do_show`` also shows it.

``main_plot_1D_attachment`` is not offered: its error names what to use.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from hyperhop._lazy import require
from hyperhop.exceptions import HyperhopError
from hyperhop.hyperopt.trials import Trials

__all__ = ["main_plot_1D_attachment", "main_plot_histogram", "main_plot_history", "main_plot_vars"]

default_status_colors = {"new": "k", "running": "g", "ok": "b", "fail": "r"}


def _plt() -> Any:
    return require("matplotlib.pyplot", "plot", "hyperopt.plotting")


def _finish(plt: Any, fig: Any, do_show: Any) -> Any:
    if do_show:
        plt.show()
    return fig


def main_plot_history(
    trials: Trials,
    do_show: Any = True,
    status_colors: dict[str, str] | None = None,
    title: str = "Loss History",
) -> Any:
    """Each trial's loss by trial order, coloured by status, with the best so far."""
    plt = _plt()
    colors = status_colors or default_status_colors
    points = [
        (i, float(y), colors.get(str(s), "k"))
        for i, (y, s) in enumerate(zip(trials.losses(), trials.statuses(), strict=True))
        if y is not None
    ]
    fig, ax = plt.subplots()
    if points:
        xs, ys, cs = zip(*points, strict=True)
        ax.scatter(xs, ys, c=cs)
        best, running = math.inf, []
        for y in ys:
            best = min(best, y) if not math.isnan(y) else best
            running.append(best)
        ax.plot(xs, running, color="g", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss")
    ax.set_title(title)
    return _finish(plt, fig, do_show)


def main_plot_histogram(trials: Trials, do_show: Any = True, title: str = "Loss Histogram") -> Any:
    """A histogram of the losses of the trials with status ``ok``."""
    plt = _plt()
    ys = [
        float(y)
        for y, s in zip(trials.losses(), trials.statuses(), strict=True)
        if s == "ok" and y is not None and not math.isnan(float(y))
    ]
    fig, ax = plt.subplots()
    if ys:
        ax.hist(ys, bins=min(50, max(5, len(ys) // 5)))
    ax.set_xlabel("loss")
    ax.set_ylabel("trials")
    ax.set_title(title)
    return _finish(plt, fig, do_show)


def main_plot_vars(
    trials: Trials,
    do_show: Any = True,
    fontsize: int = 10,
    colorize_best: int | None = None,
    columns: int = 5,
    arrange_by_loss: bool = False,
) -> Any:
    """One panel per label: its stored values by trial, darker for lower losses (the
    ``colorize_best`` best in red)."""
    plt = _plt()
    idxs, vals = trials.idxs_vals
    loss_of = {
        d["tid"]: float(d["result"]["loss"])
        for d in trials.trials
        if d["result"].get("loss") is not None
    }
    finite = sorted(v for v in loss_of.values() if not math.isnan(v))
    lo, hi = (finite[0], finite[-1]) if finite else (0.0, 1.0)
    cut = finite[colorize_best - 1] if colorize_best and len(finite) >= colorize_best else None
    labels = sorted(idxs)
    rows = max(1, math.ceil(len(labels) / columns))
    fig, axes = plt.subplots(rows, min(columns, max(1, len(labels))), squeeze=False)
    for ax in axes.flat[len(labels) :]:
        ax.set_visible(False)
    for ax, label in zip(axes.flat, labels, strict=False):
        xs, ys, cs = [], [], []
        for tid, v in zip(idxs[label], vals[label], strict=True):
            loss = loss_of.get(tid, math.nan)
            shade = 0.9 if math.isnan(loss) or hi == lo else 0.9 * (loss - lo) / (hi - lo)
            xs.append(loss if arrange_by_loss else tid)
            ys.append(v)
            cs.append("r" if cut is not None and loss <= cut else (shade, shade, shade))
        ax.scatter(xs, ys, c=cs, s=8)
        ax.set_title(label, fontsize=fontsize)
    return _finish(plt, fig, do_show)


class PlottingUnavailableError(HyperhopError, NotImplementedError):
    """Raised by the plots the front end does not offer."""


def main_plot_1D_attachment(*args: Any, **kwargs: Any) -> NoReturn:
    """Not offered: plot the attachments you read with ``trials.trial_attachments``."""
    raise PlottingUnavailableError(
        "hyperhop.hyperopt.plotting.main_plot_1D_attachment is not offered; read each "
        "trial's attachment with trials.trial_attachments(trial)[name] and plot it with "
        "matplotlib."
    )
