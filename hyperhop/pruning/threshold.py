"""Stop a trial whose latest value crosses a fixed bound (or is not a number)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hyperhop.pruning.base import Pruner, check_int, direction_of, in_interval, last_step
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class ThresholdPruner(Pruner):
    """Prune when the latest intermediate value is worse than ``value`` for the study's
    direction, below ``lower`` or above ``upper`` (Optuna's ``ThresholdPruner``, plus the
    direction-aware ``value``). Infinite values are pruned by ``value``, ``lower`` and
    ``upper`` alike when they are on the wrong side.

    Example:
        >>> from hyperhop.pruning import ThresholdPruner
        >>> ThresholdPruner(0.5, n_warmup_steps=2)
        ThresholdPruner(value=0.5, lower=None, upper=None, n_warmup_steps=2, interval_steps=1)
    """

    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    n_warmup_steps: int = 0
    interval_steps: int = 1

    name = "threshold"

    def __post_init__(self) -> None:
        if self.value is None and self.lower is None and self.upper is None:
            raise ValueError(
                "ThresholdPruner needs a bound: value= (worse than it for the study's direction), "
                "lower= or upper=. Example: hh.pruning.ThresholdPruner(value=0.5)."
            )
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(
                f"The 'lower' parameter of ThresholdPruner must be <= upper. Got lower={self.lower}, "
                f"upper={self.upper} instead."
            )
        check_int("ThresholdPruner", "n_warmup_steps", self.n_warmup_steps, 0)
        check_int("ThresholdPruner", "interval_steps", self.interval_steps, 1)

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        if step is None:
            return False
        if not in_interval(
            step, list(trial.intermediate), self.n_warmup_steps, self.interval_steps
        ):
            return False
        v = trial.intermediate[step]
        if math.isnan(v):
            return True
        if self.lower is not None and v < self.lower:
            return True
        if self.upper is not None and v > self.upper:
            return True
        if self.value is not None:
            return v > self.value if direction_of(history) == "min" else v < self.value
        return False
