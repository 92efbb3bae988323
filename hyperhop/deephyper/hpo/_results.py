"""DeepHyper's results DataFrame from a hyperhop study: ``p:<name>`` columns (alphabetical),
``objective`` (or ``objective_0``...), ``job_id``, ``job_status``, ``m:*`` metadata with
``m:timestamp_submit`` / ``m:timestamp_gather``, ``pareto_efficient`` with several
objectives. A failed job's objective is its ``"F..."`` string."""

from __future__ import annotations

from typing import Any

import numpy as np

from hyperhop.deephyper.evaluator._job import BUDGET_KEY, FAILURE_KEY
from hyperhop.multiobjective.dominance import non_dominated_mask
from hyperhop.trial import Trial, TrialState


def failure_string(t: Trial) -> str:
    """The objective DeepHyper shows for a failed job: the returned ``"F..."`` string, else
    ``"F_"`` and the exception's type (``"F_ValueError"``), ``"F_timeout"``, ..."""
    s = t.user_attrs.get(FAILURE_KEY)
    if isinstance(s, str):
        return s
    err = t.error
    if err is None:
        return "F"
    return "F_" + (err.type or err.reason or "failed")


def _objectives(t: Trial, k: int) -> list[Any]:
    if t.state is TrialState.COMPLETE and t.values:
        return list(t.values)
    if t.state is TrialState.PRUNED:  # a stopped job: its last recorded objective
        if t.values:
            return list(t.values)
        steps = sorted(t.intermediate)
        return [t.intermediate[steps[-1]] if steps else np.nan] * k
    return [failure_string(t)] * k


def results_frame(study: Any, names: list[str], t0: float) -> Any:
    """The DataFrame DeepHyper's ``search()`` returns (None without any finished job)."""
    import pandas as pd

    k = len(study.directions)
    trials = [t for t in study.trials if t.state.is_finished]
    if not trials:
        return None
    space = study.space
    rows: list[dict[str, Any]] = []
    for t in trials:
        config = space.to_config(t.assignment)
        row: dict[str, Any] = {f"p:{n}": config.get(n, np.nan) for n in names}
        objs = _objectives(t, k)
        if k == 1:
            row["objective"] = objs[0]
        else:
            row.update({f"objective_{i}": v for i, v in enumerate(objs)})
        row["job_id"] = t.number
        row["job_status"] = "DONE"  # a stopped job is done too, as in DeepHyper
        row["m:timestamp_submit"] = (t.datetime_start or t0) - t0
        row["m:timestamp_gather"] = (t.datetime_complete or t0) - t0
        row.update({k: v for k, v in t.user_attrs.items() if k.startswith("m:")})
        if t.state is TrialState.PRUNED and t.intermediate:  # stopped: the budget it reached
            row[BUDGET_KEY] = max(t.intermediate) + 1
        rows.append(row)
    df = pd.DataFrame(rows)
    if k > 1:
        ok = np.array([t.state is TrialState.COMPLETE for t in trials])
        eff = np.zeros(len(trials), dtype=bool)
        if ok.any():
            Y = -np.array([t.values for t in trials if t.state is TrialState.COMPLETE], dtype=float)
            eff[ok] = non_dominated_mask(Y)
        df["pareto_efficient"] = eff
    return df
