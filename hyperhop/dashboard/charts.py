"""The data behind the study page's charts, thinned to a few thousand points.

Selection (which trials are drawn) runs over the view's numpy columns; only the chosen
trials are turned into JSON-ready lists, so the cost past ``max_points`` trials does not
grow with the study.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from hyperhop.dashboard.columns import CODE, Columns, rows_of, thin
from hyperhop.dashboard.formatting import jsonable, params_of
from hyperhop.trial import Trial, TrialState

if TYPE_CHECKING:
    from hyperhop.dashboard.data import StudyView

CURVES = 200
"""Learning curves drawn at most."""


def series(view: StudyView, max_points: int) -> dict[str, Any]:
    """The data of the study page's charts, thinned past ``max_points`` trials.

    The history keeps every trial that improved the best (so the best-so-far line is
    exact) and an even sample of the others; the parameter charts use the best tenth
    (at most half of ``max_points``) and an even sample of the rest, ``max_points`` in
    all; the learning curves, the best ``CURVES / 2`` and an even sample of the rest.
    """
    cols = view.cols
    order = view.by_number()
    state = cols.state[order]
    sign = view.sign
    scored = order[cols.has_values[order] & (state != CODE[TrialState.RUNNING])]
    v = sign * cols.values[scored, 0]
    v = np.where(np.isnan(v), np.inf, v)
    # best so far, in number order: a completed trial improves on every earlier one
    complete = cols.state[scored] == CODE[TrialState.COMPLETE]
    run = np.where(complete, v, np.inf)
    before = np.concatenate([[np.inf], np.minimum.accumulate(run)[:-1]])
    improved = complete & (run < before)
    keep_rows = thin(scored, improved, max_points)
    best_rows = scored[improved]
    best_first = scored[np.lexsort((cols.number[scored], v))]
    top = np.zeros(cols.n, bool)
    top[best_first[: max(1, min(len(scored) // 10, max_points // 2))]] = True
    param_rows = thin(scored, top[scored], max_points)
    with_curves = order[cols.curves[order]]
    top_curves = np.zeros(cols.n, bool)
    top_curves[best_first[cols.curves[best_first]][: CURVES // 2]] = True
    curves = rows_of(cols, thin(with_curves, top_curves[with_curves], CURVES))
    started = order[~np.isnan(cols.start[order])]
    timeline = thin(started, np.zeros(len(started), bool), max_points)
    end = cols.complete[timeline]
    return {
        "n": cols.n,
        "shown": len(keep_rows),
        "directions": list(view.info.directions),
        "history": {
            "number": cols.number[keep_rows].tolist(),
            "value": floats(cols.values[keep_rows, 0]),
            "state": cols.state_names(keep_rows),
            "hover": [_hover(t) for t in rows_of(cols, keep_rows)],
            "best_number": cols.number[best_rows].tolist(),
            "best_value": floats(cols.values[best_rows, 0]),
        },
        "params": {
            "value": floats(cols.values[param_rows, 0]),
            "number": cols.number[param_rows].tolist(),
            "columns": {k: _param(cols, k, param_rows) for k in view.labels},
        },
        "curves": [
            {
                "number": t.number,
                "state": t.state.name,
                "steps": sorted(t.intermediate),
                "values": [jsonable(t.intermediate[s]) for s in sorted(t.intermediate)],
            }
            for t in curves
        ],
        "timeline": {  # one bar per trial; a running trial's bar ends now
            "number": cols.number[timeline].tolist(),
            "worker": [t.owner or "?" for t in rows_of(cols, timeline)],
            "state": cols.state_names(timeline),
            "start": cols.start[timeline].tolist(),
            "end": np.where(np.isnan(end), time.time(), end).tolist(),
        },
    }


def floats(x: np.ndarray) -> list[Any]:
    """``x`` as a list for JSON: non-finite numbers as the strings :func:`jsonable` gives."""
    out: list[Any] = x.tolist()
    for i in np.flatnonzero(~np.isfinite(x)).tolist():
        out[i] = jsonable(out[i])
    return out


def _param(cols: Columns, label: str, rows: np.ndarray) -> list[Any]:
    """Parameter ``label`` of ``rows`` for JSON: numbers, else the value, else None."""
    x = cols.param(label)[rows]
    out: list[Any] = x.tolist()
    other = cols.other(label)
    for i in np.flatnonzero(np.isnan(x)).tolist():
        out[i] = jsonable(other.get(int(rows[i])))
    return out


def _hover(t: Trial) -> str:
    parts = [f"#{t.number} {t.state.name}"]
    parts += [f"{k} = {v}" for k, v in params_of(t).items()]
    return "\n".join(parts)
