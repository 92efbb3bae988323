"""PyHopper's pruners, on hyperhop's top-k and quantile rules.

A pruner given to ``Search.run`` becomes the study's pruner (``core``), which decides
from what storage holds; ``append``/``should_prune`` also work on lists of values alone,
as in PyHopper, by asking the same rule about the evaluations appended so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hyperhop import pruning
from hyperhop.samplers.base import History
from hyperhop.space import Space
from hyperhop.trial import Trial, TrialState

_SPACE = Space({})


class Pruner:
    """Base of PyHopper's pruners: ``direction`` is set by ``run``; ``append`` records a
    finished evaluation's intermediate values; ``should_prune`` judges a running one."""

    core: pruning.Pruner

    def __init__(self) -> None:
        self.direction = "max"
        self._records: list[tuple[list[float], bool]] = []

    def append(self, partial_results: Sequence[float], was_pruned: bool = False) -> None:
        """Record the intermediate values of a finished evaluation."""
        self._records.append(([float(v) for v in partial_results], bool(was_pruned)))

    def should_prune(self, partial_results: Sequence[float]) -> bool:
        """Whether an evaluation that reported ``partial_results`` so far should stop."""
        trials = [
            _trial(i, values, TrialState.PRUNED if pruned else TrialState.COMPLETE)
            for i, (values, pruned) in enumerate(self._records)
        ]
        me = _trial(len(trials), [float(v) for v in partial_results], TrialState.RUNNING)
        direction = "max" if str(self.direction).startswith("max") else "min"
        history = History(_SPACE, (direction,), [*trials, me])
        return bool(self.core.should_prune(me, history))

    def state_dict(self) -> dict[str, Any]:
        """The recorded evaluations (a study rebuilds them from its trials)."""
        return {"records": [[v, p] for v, p in self._records], "direction": self.direction}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._records = [(list(v), bool(p)) for v, p in state.get("records", [])]
        self.direction = state.get("direction", self.direction)

    def clear(self) -> None:
        self._records.clear()


def _trial(number: int, values: list[float], state: TrialState) -> Trial:
    value = values[-1] if values and state is not TrialState.RUNNING else None
    return Trial(
        id=number,
        number=number,
        study_id=0,
        state=state,
        assignment={},
        values=None if value is None else (value,),
        intermediate=dict(enumerate(values)),
    )


class TopKPruner(Pruner):
    """Stop an evaluation worse, at some step, than each of the ``k`` best complete ones.

    Example:
        >>> from hyperhop import pyhopper
        >>> p = pyhopper.pruners.TopKPruner(1)
        >>> p.append([5, 6, 7])
        >>> p.should_prune([4]), p.should_prune([6])
        (True, False)
    """

    def __init__(self, k: int) -> None:
        super().__init__()
        self.k = k
        self.core = pruning.TopKPruner(k)


class QuantilePruner(Pruner):
    """Stop an evaluation outside the best ``1 - q`` of the values seen at its step
    (``q`` in (0, 1) or a percentage), after ``warmup`` values there.

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.pruners.QuantilePruner(80).core.q
        0.8
    """

    def __init__(self, q: float, warmup: int = 5) -> None:
        super().__init__()
        self.core = pruning.QuantilePruner(q, warmup)
        self.q = self.core.q
        self.warmup = warmup


__all__ = ["Pruner", "QuantilePruner", "TopKPruner"]
