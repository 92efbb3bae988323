"""Asynchronous successive halving (ASHA): rungs at ``min_resource * eta**k``; at each rung a
trial goes on only if it is in the top ``1/eta`` of the values recorded there so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from hyperhop.pruning.base import (
    Fidelity,
    Pruner,
    check_int,
    direction_of,
    loss,
    resource,
    rungs,
    value_at_resource,
)
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


def crossed_rungs(trial: Trial, levels: list[int]) -> list[int]:
    """The rungs that ``trial``'s latest report reached (usually none or one)."""
    steps = sorted(trial.intermediate)
    if not steps:
        return []
    now = resource(steps[-1])
    before = resource(steps[-2]) if len(steps) > 1 else 0
    return [r for r in levels if before < r <= now]


def promotable(
    trial: Trial,
    r: int,
    competitors: list[Trial],
    direction: str,
    reduction_factor: int,
) -> bool:
    """Whether ``trial``'s value at rung ``r`` is in the top ``max(1, n // eta)`` of the
    ``n`` values recorded at that rung (its own included; ties go on)."""
    own = value_at_resource(trial, r)
    if own is None:
        return True
    others = [v for t in competitors if (v := value_at_resource(t, r)) is not None]
    return in_top(own, others, direction, reduction_factor)


def in_top(own: float, others: list[float], direction: str, reduction_factor: int) -> bool:
    """Successive halving's quota: whether ``own`` is in the top ``max(1, n // eta)`` of
    the ``n`` scores ``[own, *others]`` (ties go on)."""
    mine = loss(own, direction)
    better = sum(1 for v in others if loss(v, direction) < mine)
    return better < max(1, (len(others) + 1) // reduction_factor)


def halving_decision(
    trial: Trial,
    history: History,
    levels: list[int],
    reduction_factor: int,
    same_group: Callable[[Trial], bool] | None = None,
) -> bool:
    """Prune ``trial`` if it reached a rung of ``levels`` and is not promotable there."""
    reached = crossed_rungs(trial, levels)
    if not reached:
        return False
    d = direction_of(history)
    competitors = [
        t
        for t in history.trials
        if t.id != trial.id and t.intermediate and (same_group is None or same_group(t))
    ]
    return any(not promotable(trial, r, competitors, d, reduction_factor) for r in reached)


@dataclass(frozen=True)
class SuccessiveHalvingPruner(Pruner):
    """Asynchronous successive halving (ASHA, as DeepHyper's ``SuccessiveHalvingStopper``
    and Optuna's ``SuccessiveHalvingPruner``).

    Rungs sit at ``min_resource * reduction_factor**(min_early_stopping_rate + k)`` units
    of resource (1, 3, 9, 27... by default), below ``max_resource`` when it is known. When a
    trial reaches a rung it continues only if its value there is in the top
    ``max(1, n // reduction_factor)`` of the ``n`` values recorded at that rung by any
    trial so far (running, pruned or completed; its own included). Promotions are never
    revisited, so the decision needs no synchronization between workers.

    Args:
        min_resource: resource of the first rung (default: the study's fidelity, else 1).
        reduction_factor: ``eta``; one trial in ``eta`` goes on at each rung.
        max_resource: no rung at or beyond it (default: the study's fidelity, else none).
        min_early_stopping_rate: skips the first rungs (Hyperband's brackets use it).

    Example:
        >>> from hyperhop.pruning import SuccessiveHalvingPruner
        >>> SuccessiveHalvingPruner(min_resource=1, reduction_factor=3, max_resource=81).levels()
        [1, 3, 9, 27]
    """

    min_resource: int | None = None
    reduction_factor: int = 3
    max_resource: int | None = None
    min_early_stopping_rate: int = 0

    name = "sha"

    def __post_init__(self) -> None:
        f = "SuccessiveHalvingPruner"
        if self.min_resource is not None:
            check_int(f, "min_resource", self.min_resource, 1)
        check_int(f, "reduction_factor", self.reduction_factor, 2)
        if self.max_resource is not None:
            check_int(f, "max_resource", self.max_resource, 1)
        check_int(f, "min_early_stopping_rate", self.min_early_stopping_rate, 0)

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        return replace(
            self,
            min_resource=fidelity.min if self.min_resource is None else self.min_resource,
            max_resource=fidelity.max if self.max_resource is None else self.max_resource,
        )

    def levels(self) -> list[int]:
        """The rungs, in units of resource."""
        first = (self.min_resource or 1) * self.reduction_factor**self.min_early_stopping_rate
        return rungs(first, self.reduction_factor, self.max_resource)

    def should_prune(self, trial: Trial, history: History) -> bool:
        return halving_decision(trial, history, self.levels(), self.reduction_factor)
