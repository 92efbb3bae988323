"""The timeline: which worker ran which trial when."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from hyperhop._studydata import study_data
from hyperhop.plot._common import STATE_COLORS, mpl_collections, new_figure


def timeline_bars(data: Any, now: float | None = None) -> tuple[list[str], dict[str, np.ndarray]]:
    """The workers (by first start) and, per state, rows ``(worker index, start, end)`` in
    seconds since the first start; a running trial ends ``now``."""
    started = [t for t in data.trials if t.datetime_start is not None]
    if not started:
        return [], {}
    t0 = min(t.datetime_start for t in started)
    now = time.time() if now is None else now
    workers: dict[str, int] = {}
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for t in sorted(started, key=lambda t: t.datetime_start):
        w = workers.setdefault(t.owner or "?", len(workers))
        end = t.datetime_complete if t.datetime_complete is not None else now
        rows.setdefault(t.state.name, []).append((w, t.datetime_start - t0, end - t0))
    return list(workers), {s: np.array(r, dtype=float) for s, r in rows.items()}


def plot_timeline(study: Any) -> Any:
    """One row per worker and one bar per trial from its start to its end, coloured by
    state (a running trial reaches now): gaps in a row are a worker left idle.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.plot import plot_timeline
        >>> s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=3, seed=0, progress=False)
        >>> len(plot_timeline(s).axes[0].get_yticks())
        1
    """
    PolyCollection = mpl_collections().PolyCollection
    data = study_data(study)
    workers, bars = timeline_bars(data)
    fig = new_figure(1, size=max(3.0, 0.3 * len(workers)))
    ax = fig.axes[0]
    for state, r in bars.items():
        w, x0, x1 = r[:, 0], r[:, 1], np.maximum(r[:, 2], r[:, 1])
        y0, y1 = w - 0.4, w + 0.4
        verts = np.stack(
            [np.column_stack(p) for p in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))], axis=1
        )
        ax.add_collection(
            PolyCollection(
                list(verts),
                facecolors=STATE_COLORS.get(state, "black"),
                edgecolors="none",
                label=state.lower(),
            )
        )
    ax.set_yticks(np.arange(len(workers)), [_short(w) for w in workers])
    ax.set_ylim(max(len(workers), 1) - 0.4, -0.6)  # the first worker on top
    end = max((float(r[:, 2].max()) for r in bars.values()), default=1.0)
    ax.set_xlim(0.0, max(end, 1e-9) * 1.01)
    ax.set_xlabel("seconds since the first trial started")
    ax.set_title(f"Timeline of {data.name} ({len(workers)} workers)")
    if bars:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return fig


def _short(worker: str) -> str:
    return worker if len(worker) <= 28 else worker[:27] + "…"
