"""PyHopper's quantile rule: stop a trial whose latest value is outside the best share of
all values recorded at that step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hyperhop.pruning.base import Pruner, check_int, direction_of, last_step
from hyperhop.pruning.topk import full_length
from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState


@dataclass(frozen=True)
class QuantilePruner(Pruner):
    """Prune when the latest intermediate value is worse than the ``q``-quantile of the
    values that finished trials (completed and pruned) reported at the same step
    (PyHopper's ``QuantilePruner``): with ``q=0.8``, a trial not in the top 20 % stops.

    Args:
        q: in (0, 1), or a percentage in [1, 100).
        warmup: no pruning at a step until this many finished trials reported it.

    Never prunes at the last step of a full evaluation (the length of the first finished
    trial).

    Example:
        >>> from hyperhop.pruning import QuantilePruner
        >>> QuantilePruner(80).q
        0.8
    """

    q: float = 0.8
    warmup: int = 5

    name = "quantile"

    def __post_init__(self) -> None:
        q = self.q
        if isinstance(q, bool) or not isinstance(q, (int, float)):
            raise ValueError(
                f"The 'q' parameter of QuantilePruner must be a number in (0, 1) or [1, 100). Got {q!r} instead."
            )
        if 1 <= q < 100:
            q = q / 100
        if not 0 < q < 1:
            raise ValueError(
                f"The 'q' parameter of QuantilePruner must be in (0, 1) or [1, 100). Got {self.q!r} instead."
            )
        object.__setattr__(self, "q", float(q))
        check_int("QuantilePruner", "warmup", self.warmup, 0)

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        n = full_length(history)
        if step is None or n is None or len(trial.intermediate) >= n:
            return False
        done = (TrialState.COMPLETE, TrialState.PRUNED)
        ref = [
            t.intermediate[step]
            for t in history.trials
            if t.state in done and t.id != trial.id and step in t.intermediate
        ]
        if len(ref) < max(self.warmup, 1):
            return False
        value = trial.intermediate[step]
        if direction_of(history) == "max":
            return bool(value < float(np.quantile(ref, self.q)))
        return bool(value > float(np.quantile(ref, 1.0 - self.q)))
