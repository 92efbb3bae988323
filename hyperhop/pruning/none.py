"""The pruner that never prunes (the default without a fidelity)."""

from __future__ import annotations

from dataclasses import dataclass

from hyperhop.pruning.base import Pruner
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class NopPruner(Pruner):
    """Never prunes: every trial runs to the end.

    Example:
        >>> import hyperhop as hh
        >>> hh.Study({"x": hh.float(0, 1)}, pruner="none").pruner
        NopPruner()
    """

    name = "none"

    def should_prune(self, trial: Trial, history: History) -> bool:
        return False
