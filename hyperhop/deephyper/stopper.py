"""DeepHyper's stoppers (``deephyper.stopper``) as hyperhop pruners.

| DeepHyper | hyperhop |
|---|---|
| ``SuccessiveHalvingStopper`` | :class:`~hyperhop.pruning.SuccessiveHalvingPruner` |
| ``MedianStopper`` | :class:`~hyperhop.pruning.MedianPruner` |
| ``LCModelStopper`` | :class:`~hyperhop.pruning.LCEPruner` (least squares, not MCMC) |
| ``ConstantStopper`` | a pruner that stops every trial at ``stop_step`` |
| ``IdleStopper`` | :class:`~hyperhop.pruning.NopPruner` |

``job.record(budget, objective)`` reports ``objective`` at step ``budget - 1`` (hyperhop
counts resources as steps + 1); every stopper also stops a job at ``max_steps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hyperhop import pruning
from hyperhop.pruning import Pruner
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


def _positive(owner: str, name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(
            f"The {name!r} parameter of {owner} must be an int >= {low}. Got {value!r} instead."
        )
    return value


class Stopper:
    """Base of the stoppers: stops a job at ``max_steps``; :meth:`pruner` is hyperhop's."""

    def __init__(self, max_steps: int) -> None:
        self.max_steps = _positive(type(self).__name__, "max_steps", max_steps)

    def pruner(self) -> Pruner:
        return pruning.NopPruner()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_steps={self.max_steps})"


class IdleStopper(Stopper):
    """Never stops a job early (only at ``max_steps``)."""


@dataclass(frozen=True, repr=False)
class _AtStep(Pruner):
    stop_step: int = 1

    name = "constant"

    def should_prune(self, trial: Trial, history: History) -> bool:
        return bool(trial.intermediate) and max(trial.intermediate) + 1 >= self.stop_step

    def __repr__(self) -> str:
        return f"stop at step {self.stop_step}"


class ConstantStopper(Stopper):
    """Stops every job once it recorded the budget ``stop_step``."""

    def __init__(self, max_steps: int, stop_step: int) -> None:
        super().__init__(max_steps)
        self.stop_step = _positive("ConstantStopper", "stop_step", stop_step)

    def pruner(self) -> Pruner:
        return _AtStep(self.stop_step)


class SuccessiveHalvingStopper(Stopper):
    """Asynchronous successive halving (rungs at ``min_steps * reduction_factor**k``)."""

    def __init__(
        self,
        max_steps: int,
        min_steps: int = 1,
        reduction_factor: int = 3,
        min_early_stopping_rate: int = 0,
        min_competing: int = 0,
        min_fully_completed: int = 0,
        epsilon: float = 1e-10,
    ) -> None:
        super().__init__(max_steps)
        self.min_steps = _positive("SuccessiveHalvingStopper", "min_steps", min_steps)
        self.reduction_factor = _positive(
            "SuccessiveHalvingStopper", "reduction_factor", reduction_factor, 2
        )
        self.min_early_stopping_rate = min_early_stopping_rate

    def pruner(self) -> Pruner:
        return pruning.SuccessiveHalvingPruner(
            min_resource=self.min_steps,
            reduction_factor=self.reduction_factor,
            max_resource=self.max_steps,
            min_early_stopping_rate=self.min_early_stopping_rate,
        )


class MedianStopper(Stopper):
    """Stops a job below the median of the others at the same budget."""

    def __init__(
        self,
        max_steps: int,
        min_steps: int = 1,
        min_competing: int = 10,
        interval_steps: int = 1,
        epsilon: float = 1e-10,
    ) -> None:
        super().__init__(max_steps)
        self.min_steps = _positive("MedianStopper", "min_steps", min_steps)
        self.min_competing = _positive("MedianStopper", "min_competing", min_competing, 0)
        self.interval_steps = _positive("MedianStopper", "interval_steps", interval_steps)

    def pruner(self) -> Pruner:
        return pruning.MedianPruner(
            n_startup_trials=0,
            n_warmup_steps=self.min_steps - 1,
            interval_steps=self.interval_steps,
            n_min_trials=max(self.min_competing, 1),
        )


class LCModelStopper(Stopper):
    """Learning-curve extrapolation: stops a job unlikely to beat the best one."""

    def __init__(
        self,
        max_steps: int,
        min_steps: int = 1,
        lc_model: str = "mmf4",
        min_obs_to_fit_lc_model: int = 4,
        min_done_for_outlier_detection: int = 10,
        iqr_factor_for_outlier_detection: float = 1.5,
        prob_promotion: float = 0.9,
        early_stopping_patience: float = 0.25,
        reduction_factor: int = 1,
        objective_returned: str = "last",
        random_state: Any = None,
    ) -> None:
        super().__init__(max_steps)
        if not 0.0 < prob_promotion < 1.0:
            raise ValueError(
                f"The 'prob_promotion' parameter of LCModelStopper must be in (0, 1). Got {prob_promotion!r} instead."
            )
        self.min_obs = _positive(
            "LCModelStopper", "min_obs_to_fit_lc_model", min_obs_to_fit_lc_model
        )
        self.min_done = min_done_for_outlier_detection
        self.iqr_factor = iqr_factor_for_outlier_detection
        self.prob_promotion = float(prob_promotion)

    def pruner(self) -> Pruner:
        return pruning.LCEPruner(
            max_resource=self.max_steps,
            min_points=self.min_obs,
            prob_threshold=1.0 - self.prob_promotion,
            outlier_iqr=self.iqr_factor,
            min_outlier_trials=self.min_done,
        )


__all__ = [
    "ConstantStopper",
    "IdleStopper",
    "LCModelStopper",
    "MedianStopper",
    "Stopper",
    "SuccessiveHalvingStopper",
]
