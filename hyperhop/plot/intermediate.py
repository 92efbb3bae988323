"""Learning curves: the intermediate values each trial reported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop._studydata import study_data
from hyperhop.plot._common import MAX_LINES, STATE_COLORS, mpl_collections, new_figure, thin


def plot_intermediate(
    study: Any, *, rungs: Sequence[int] | None = None, max_lines: int = MAX_LINES
) -> Any:
    """Each trial's intermediate values against the step, coloured by the trial's state
    (pruned trials end with a cross). Vertical dashed lines mark the pruner's rungs
    (successive halving, Hyperband; a report at step ``s`` used ``s + 1`` units, so rung
    ``r`` is drawn at step ``r - 1``), or the ``rungs`` given. Above ``max_lines``
    trials, the best 10% (by last value) and a seeded random sample of the rest are drawn.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_intermediate
        >>> s = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> t = s.ask()
        >>> for step in range(3):
        ...     s.report(t, 1.0 / (step + 1), step)
        >>> _ = s.tell(t, 0.3)
        >>> plot_intermediate(s).axes[0].collections[0].get_segments()[0][:, 1].tolist()
        [1.0, 0.5, 0.3333333333333333]
    """
    LineCollection = mpl_collections().LineCollection
    data = study_data(study)
    curves = [(i, t) for i, t in enumerate(data.trials) if t.intermediate]
    if data.n_objectives == 1 and curves:
        sign = 1.0 if data.directions[0] == "min" else -1.0
        last = np.array([sign * t.intermediate[max(t.intermediate)] for _, t in curves])
        order = np.argsort(last, kind="stable")
        keep = order[: min(max_lines // 2, max(1, len(curves) // 10))]
    else:
        keep = None
    pick = thin(len(curves), max_lines, keep=keep)
    fig = new_figure(1)
    ax = fig.axes[0]
    by_state: dict[str, list[np.ndarray]] = {}
    ends: list[tuple[float, float]] = []
    for j in pick:
        t = curves[j][1]
        steps = sorted(t.intermediate)
        line = np.array([(s, t.intermediate[s]) for s in steps], dtype=float)
        by_state.setdefault(t.state.name, []).append(line)
        if t.state.name == "PRUNED":
            ends.append((line[-1, 0], line[-1, 1]))
    for state, lines in by_state.items():
        color = STATE_COLORS.get(state, "black")
        ax.add_collection(
            LineCollection(lines, colors=color, linewidths=0.8, alpha=0.7, label=state.lower())
        )
    if ends:
        e = np.array(ends)
        ax.scatter(
            e[:, 0], e[:, 1], marker="x", s=20, color=STATE_COLORS["PRUNED"], label="pruned here"
        )
    ax.autoscale_view()
    marks = list(rungs) if rungs is not None else list(data.rungs)
    for i, r in enumerate(marks):
        ax.axvline(
            r - 1, color="black", ls="--", lw=0.8, alpha=0.6, label="rungs" if i == 0 else None
        )
    ax.set_xlabel("step")
    ax.set_ylabel("intermediate value")
    shown = f" ({len(pick)} of {len(curves)} trials)" if len(pick) < len(curves) else ""
    ax.set_title(f"Learning curves of {data.name}{shown}")
    if by_state or marks:
        ax.legend(loc="upper right", fontsize="small")
    return fig
