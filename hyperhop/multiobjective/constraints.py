"""Outcome constraints: values the objective returns beside its objectives.

An objective returns ``{"values": ..., "constraints": [c1, c2, ...]}`` (or ``"loss"``
with one objective); the trial is feasible when every ``c_i <= 0``. The values are kept in
the trial's system attributes under :data:`CONSTRAINTS_KEY`, so every storage backend
keeps them without a change of schema. A trial without constraint values is feasible.

Example:
    >>> from hyperhop.trial import Trial, TrialState
    >>> t = Trial(0, 0, 0, TrialState.COMPLETE, {}, (1.0,), system_attrs={"constraints": [0.5, -1]})
    >>> is_feasible(t), violation(t)
    (False, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop.trial import Trial, TrialState

__all__ = ["CONSTRAINTS_KEY", "constraints_of", "is_feasible", "parse_constraints", "violation"]

CONSTRAINTS_KEY = "constraints"
"""The system attribute that holds a trial's constraint values."""


def parse_constraints(raw: Any) -> tuple[float, ...]:
    """Constraint values from what an objective returned: a number or a sequence of
    numbers (NaN and bool refused). Raises ValueError with the rule.

    Example:
        >>> parse_constraints([0.5, -1]), parse_constraints(-2)
        ((0.5, -1.0), (-2.0,))
    """
    from hyperhop.study.results import as_number

    items = list(raw) if isinstance(raw, (list, tuple, np.ndarray)) else [raw]
    out: list[float] = []
    for item in items:
        v = as_number(item)
        if v is None or math.isnan(v):
            raise ValueError(
                "The result's 'constraints' must be numbers (feasible when <= 0), one per "
                f"constraint; got {item!r}."
            )
        out.append(v)
    return tuple(out)


def constraints_of(trial: Trial) -> tuple[float, ...] | None:
    """The trial's constraint values, or None when it has none."""
    raw = trial.system_attrs.get(CONSTRAINTS_KEY)
    if raw is None:
        return None
    return tuple(float(c) for c in raw)


def violation(trial: Trial) -> float:
    """The total violation ``sum_i max(c_i, 0)``; 0 for a feasible trial.

    Args:
        trial: a trial, whose objective may have returned ``"constraints"``.

    Returns:
        The sum of the positive constraint values (0.0 without constraints).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.multiobjective import violation
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.enqueue({"x": 0.8})
        >>> _ = study.optimize(lambda c: {"loss": c["x"], "constraints": [c["x"] - 0.5]},
        ...                    n_trials=1, progress=False)
        >>> round(violation(study.trials[0]), 2)
        0.3
    """
    cs = constraints_of(trial)
    return 0.0 if not cs else float(sum(c for c in cs if c > 0))


def is_feasible(trial: Trial) -> bool:
    """Whether every constraint value of the trial is <= 0 (no values: feasible).

    Args:
        trial: a trial, whose objective may have returned ``"constraints"``.

    Returns:
        True when the trial meets every constraint.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.multiobjective import is_feasible
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(lambda c: {"loss": c["x"], "constraints": [c["x"] - 0.5]},
        ...                    n_trials=4, progress=False)
        >>> all(is_feasible(t) == (t.params["x"] <= 0.5) for t in study.trials)
        True
    """
    return violation(trial) <= 0.0


def violations(trials: Sequence[Trial]) -> np.ndarray:
    """:func:`violation` of each trial, as an array."""
    return np.fromiter((violation(t) for t in trials), dtype=float, count=len(trials))


def feasible_complete(trials: Sequence[Trial]) -> list[Trial]:
    """The completed, feasible trials with values."""
    return [t for t in trials if t.state is TrialState.COMPLETE and t.values and is_feasible(t)]
