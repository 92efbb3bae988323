"""The Pareto front of a multi-objective study (2 or 3 objectives)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop._studydata import complete_mask, objective_values, study_data
from hyperhop.multiobjective import as_minimization, hypervolume, non_dominated_mask
from hyperhop.multiobjective.constraints import violation
from hyperhop.plot._common import new_figure, value_label


def plot_pareto_front(
    study: Any,
    *,
    objectives: Sequence[int | str] | None = None,
    reference_point: Sequence[float] | None = None,
) -> Any:
    """The completed trials in objective space: the Pareto front (non-dominated feasible
    trials, joined by a staircase with 2 objectives), the dominated feasible trials, and
    the infeasible ones (outcome constraints violated) as crosses. With
    ``reference_point`` (in the objectives' own units), the front's hypervolume is in the
    title. ``objectives`` picks 2 or 3 of the study's objectives (default: the first 2 or 3).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_pareto_front
        >>> s = hh.Study({"x": hh.float(0, 1)}, directions=["min", "min"], seed=0)
        >>> for a, b in [(1, 3), (2, 2), (3, 3)]:
        ...     _ = s.tell(s.ask(), (a, b))
        >>> plot_pareto_front(s, reference_point=[4, 4]).axes[0].get_title()
        'Pareto front of default (2 of 3 trials); hypervolume 5'
    """
    data = study_data(study)
    if data.n_objectives < 2:
        raise ValueError(
            f"Study {data.name!r} has one objective; a Pareto front needs 2 or 3 "
            "(use plot_history for one)."
        )
    ks = (
        [data.objective_index(o) for o in objectives]
        if objectives is not None
        else list(range(min(3, data.n_objectives)))
    )
    if len(ks) not in (2, 3):
        raise ValueError(f"A Pareto front plot shows 2 or 3 objectives; got {len(ks)}.")
    ok = np.flatnonzero(complete_mask(data))
    Y = (
        np.column_stack([objective_values(data, k)[ok] for k in ks])
        if len(ok)
        else np.zeros((0, len(ks)))
    )
    feasible = np.fromiter(
        (violation(data.trials[int(i)]) <= 0 for i in ok), dtype=bool, count=len(ok)
    )
    dirs = [data.directions[k] for k in ks]
    front = np.zeros(len(ok), dtype=bool)
    if feasible.any():
        front[np.flatnonzero(feasible)] = non_dominated_mask(as_minimization(Y[feasible], dirs))
    dominated = feasible & ~front
    three = len(ks) == 3
    fig = new_figure(1)
    if three:
        fig.delaxes(fig.axes[0])
        ax = fig.add_subplot(projection="3d")
    else:
        ax = fig.axes[0]

    def scatter(mask: np.ndarray, marker: str, **kw: Any) -> None:
        pts = [Y[mask, j] for j in range(len(ks))]
        ax.plot(*pts, marker, linestyle="none", **kw)

    scatter(dominated, ".", ms=3, color="tab:gray", alpha=0.5, label="dominated")
    scatter(front, "o", ms=4, color="tab:blue", label="Pareto front")
    scatter(np.logical_not(feasible), "x", ms=4, color="tab:red", label="infeasible")
    if not three and front.any():
        P = Y[front]
        P = P[np.argsort(P[:, 0], kind="stable")]
        ax.step(
            P[:, 0],
            P[:, 1],
            where="post" if dirs[0] == "min" else "pre",
            color="tab:blue",
            lw=1,
            alpha=0.7,
        )
    ax.set_xlabel(value_label(data, ks[0]))
    ax.set_ylabel(value_label(data, ks[1]))
    if three:
        ax.set_zlabel(value_label(data, ks[2]))
    title = f"Pareto front of {data.name} ({int(front.sum())} of {len(ok)} trials)"
    if reference_point is not None:
        ref = np.asarray(reference_point, dtype=float).reshape(-1)
        if len(ref) != len(ks):
            raise ValueError(
                f"The reference point needs {len(ks)} coordinates, one per plotted objective. "
                f"Got {ref.tolist()} instead."
            )
        hv = (
            hypervolume(as_minimization(Y[front], dirs), as_minimization(ref[None, :], dirs)[0])
            if front.any()
            else 0.0
        )
        title += f"; hypervolume {hv:.4g}"
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    return fig
