"""Multi-fidelity histories for the model-based samplers: compare trials at one budget.

With a pruner that allocates a budget (successive halving, Hyperband), most trials stop
early, and a trial's last value was measured after however many epochs it got. Values
measured at different budgets are not comparable: a good configuration stopped after one
epoch usually looks worse than a mediocre one trained to the end. BOHB's rule avoids the
mix: the model is fitted at the largest budget that enough trials reached, on every
trial's value *at that budget* (its first report at or past it).

Budgets are read from the trials alone (a report at step ``s`` used ``s + 1`` units, as
in :mod:`hyperhop.pruning`), so samplers need not know the study's fidelity. Only finished
trials (complete or pruned) count; running trials stay pending for the samplers.

Example:
    >>> import hyperhop as hh
    >>> from hyperhop.samplers.base import History
    >>> from hyperhop.trial import Trial, TrialState
    >>> def t(n, curve, state):
    ...     return Trial(n + 1, n, 1, TrialState[state], assignment={"x": 0.5},
    ...                  values=(curve[-1],), intermediate=dict(enumerate(curve)))
    >>> trials = [t(0, [3.0, 2.0, 1.0], "COMPLETE"), t(1, [2.5], "PRUNED"),
    ...           t(2, [2.8], "PRUNED")]
    >>> b, v = budget_values(History(hh.Space({"x": hh.float(0, 1)}), ("min",), trials), 3)
    >>> b, v.tolist()
    (1, [3.0, 2.5, 2.8])
"""

from __future__ import annotations

import math

import numpy as np

from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState


def min_points(history: History) -> int:
    """How many trials a budget needs to be modelled at: BOHB's ``d + 1`` plus one, ``d``
    being the number of parameters."""
    return len(history.space.params) + 2


def _value_at(trial: Trial, budget: int) -> float:
    """The value ``trial`` reported when it first had used ``budget`` units (NaN: never)."""
    inter = trial.intermediate
    v = inter.get(budget - 1)
    if v is not None:
        return float(v)
    later = [s for s in inter if s + 1 >= budget]
    return float(inter[min(later)]) if later else math.nan


def budget_values(history: History, n_min: int | None = None) -> tuple[int, np.ndarray] | None:
    """``(budget, values)``: the largest budget that at least ``n_min`` finished trials
    reached, and each trial's value there (NaN for trials that did not reach it, are still
    running, or reported nothing); one value per trial of ``history``, in its order.

    None when there is nothing to correct: several objectives, no trial stopped early with
    intermediate values, or ``n_min`` trials already completed (those ran the full budget
    and the model is fitted on them, as BOHB does when the largest budget has enough); and
    when a completed trial reported no intermediate value (its budget is unknown).
    """
    if len(history.directions) != 1:
        return None
    n_min = min_points(history) if n_min is None else n_min
    trials = history.trials
    reached: list[int] = []
    n_complete = 0
    stopped = False
    for t in trials:
        if t.state is TrialState.COMPLETE and t.values:
            n_complete += 1
            if n_complete >= n_min:
                return None  # usually within the first trials: no pass over them all
            if not t.intermediate:
                return None  # a value without a budget: nothing to compare it with
            reached.append(max(t.intermediate) + 1)
        elif t.state is TrialState.PRUNED and t.intermediate:
            stopped = True
            reached.append(max(t.intermediate) + 1)
    if not stopped or len(reached) < n_min:
        return None
    budget = sorted(reached, reverse=True)[n_min - 1]  # the n_min-th largest: n_min reach it
    values = np.full(len(trials), math.nan)
    for i, t in enumerate(trials):
        if t.intermediate and (
            t.state is TrialState.PRUNED or (t.state is TrialState.COMPLETE and t.values)
        ):
            values[i] = _value_at(t, budget)
    return budget, values
