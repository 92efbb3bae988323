"""Stop a trial that has not improved for a number of steps."""

from __future__ import annotations

from dataclasses import dataclass

from hyperhop.pruning.base import Pruner, check_int, direction_of, loss
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class PatiencePruner(Pruner):
    """Prune when none of the last ``patience + 1`` values improves on the best value before
    them by more than ``min_delta`` (Keras's early-stopping rule; Optuna's
    ``PatienceWrapper`` waits for a strict worsening instead, so a plateau never stops).
    With ``wrapped``, prune only when that pruner agrees too.

    Example:
        >>> from hyperhop.pruning import MedianPruner, PatiencePruner
        >>> PatiencePruner(3, wrapped=MedianPruner()).patience
        3
    """

    patience: int = 5
    min_delta: float = 0.0
    wrapped: Pruner | None = None

    name = "patience"

    def __post_init__(self) -> None:
        check_int("PatiencePruner", "patience", self.patience, 0)
        if not self.min_delta >= 0:
            raise ValueError(
                f"The 'min_delta' parameter of PatiencePruner must be >= 0. Got {self.min_delta!r} instead."
            )
        if self.wrapped is not None and not isinstance(self.wrapped, Pruner):
            raise ValueError(
                f"The 'wrapped' parameter of PatiencePruner must be a Pruner or None. Got {self.wrapped!r} instead."
            )

    def with_fidelity(self, fidelity: object) -> Pruner:
        from dataclasses import replace

        from hyperhop.pruning.base import Fidelity

        if self.wrapped is None or not isinstance(fidelity, Fidelity):
            return self
        return replace(self, wrapped=self.wrapped.with_fidelity(fidelity))

    def should_prune(self, trial: Trial, history: History) -> bool:
        steps = sorted(trial.intermediate)
        if len(steps) <= self.patience + 1:
            return False
        d = direction_of(history)
        cut = len(steps) - self.patience - 1
        before = min(loss(trial.intermediate[s], d) for s in steps[:cut])
        after = min(loss(trial.intermediate[s], d) for s in steps[cut:])
        if after < before - self.min_delta:
            return False
        return self.wrapped is None or self.wrapped.should_prune(trial, history)
