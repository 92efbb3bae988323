"""Optuna's percentile and median rules: stop a trial whose best value so far is worse than a
percentile of the completed trials' values at the same step."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hyperhop.pruning.base import (
    Pruner,
    check_int,
    check_real,
    direction_of,
    finished,
    in_interval,
    last_step,
    loss,
)
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class PercentilePruner(Pruner):
    """Prune when the trial's best intermediate value is outside the best ``percentile`` %
    of the completed trials' values at the current step.

    Args:
        percentile: the share (0-100) of trials kept: 25 keeps the top quarter.
        n_startup_trials: no pruning until this many trials completed.
        n_warmup_steps: no pruning before this step.
        interval_steps: prune only every that many steps after the warm-up.
        n_min_trials: at least this many completed trials must have reported the step.

    Example:
        >>> from hyperhop.pruning import PercentilePruner
        >>> PercentilePruner(25.0, n_startup_trials=2).percentile
        25.0
    """

    percentile: float = 25.0
    n_startup_trials: int = 5
    n_warmup_steps: int = 0
    interval_steps: int = 1
    n_min_trials: int = 1

    name = "percentile"

    def __post_init__(self) -> None:
        f = type(self).__name__
        object.__setattr__(
            self, "percentile", check_real(f, "percentile", self.percentile, 0.0, 100.0)
        )
        check_int(f, "n_startup_trials", self.n_startup_trials, 0)
        check_int(f, "n_warmup_steps", self.n_warmup_steps, 0)
        check_int(f, "interval_steps", self.interval_steps, 1)
        check_int(f, "n_min_trials", self.n_min_trials, 1)

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        if step is None:
            return False
        if not in_interval(
            step, list(trial.intermediate), self.n_warmup_steps, self.interval_steps
        ):
            return False
        complete = list(finished(history))
        if len(complete) < max(self.n_startup_trials, 1):
            return False
        d = direction_of(history)
        best = min(loss(v, d) for v in trial.intermediate.values())
        if math.isnan(best):
            return True
        at_step = [loss(t.intermediate[step], d) for t in complete if step in t.intermediate]
        if len(at_step) < self.n_min_trials:
            return False
        cut = float(np.nanpercentile(np.asarray(at_step, dtype=float), self.percentile))
        return bool(best > cut)


@dataclass(frozen=True)
class MedianPruner(PercentilePruner):
    """Prune when the trial's best intermediate value is worse than the median of the
    completed trials' values at the same step (Optuna's ``MedianPruner``; defaults: 5
    startup trials, no warm-up, every step).

    Example:
        >>> import hyperhop as hh
        >>> hh.Study({"x": hh.float(0, 1)}, pruner="median").pruner.percentile
        50.0
    """

    percentile: float = field(default=50.0, init=False)

    name = "median"
