"""Several pruners at once: stop a trial as soon as any of them would."""

from __future__ import annotations

from dataclasses import dataclass

from hyperhop.pruning.base import Fidelity, Pruner
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class AnyPruner(Pruner):
    """Prune when any of ``pruners`` would; ``pruner="sha+lce"`` builds one by name.

    ``sha+lce`` is successive halving that also stops, between rungs, a trial whose
    extrapolated curve has little chance to beat the best: a trial promoted at a rung no
    longer runs to the next rung unconditionally.

    Example:
        >>> from hyperhop.pruning import Fidelity, make_pruner
        >>> [p.name for p in make_pruner("sha+lce", Fidelity("epochs", 1, 27)).pruners]
        ['sha', 'lce']
    """

    pruners: tuple[Pruner, ...]

    name = "any"

    def __post_init__(self) -> None:
        ps = tuple(self.pruners)
        if not ps or not all(isinstance(p, Pruner) for p in ps):
            raise ValueError(
                f"The 'pruners' parameter of AnyPruner must be one or more Pruners. Got {self.pruners!r} instead."
            )
        object.__setattr__(self, "pruners", ps)

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        return AnyPruner(tuple(p.with_fidelity(fidelity) for p in self.pruners))

    def should_prune(self, trial: Trial, history: History) -> bool:
        return any(p.should_prune(trial, history) for p in self.pruners)
