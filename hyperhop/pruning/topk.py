"""PyHopper's top-k rule: stop a trial that is worse, at some step, than every one of the
k best fully evaluated trials at that step."""

from __future__ import annotations

from dataclasses import dataclass

from hyperhop.pruning.base import Pruner, check_int, direction_of, final_value, loss
from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState


def full_length(history: History) -> int | None:
    """How many intermediate values a full evaluation reports: those of the first finished
    trial (PyHopper fixes it on the first evaluation it records)."""
    for t in history.trials:
        if t.state in (TrialState.COMPLETE, TrialState.PRUNED) and t.intermediate:
            return len(t.intermediate)
    return None


@dataclass(frozen=True)
class TopKPruner(Pruner):
    """Prune when an intermediate value is worse than the value at the same step of each of
    the ``k`` best completed trials (PyHopper's ``TopKPruner``).

    Never prunes before ``k`` trials completed with every intermediate value, nor once a
    trial has reported as many values as a full evaluation. Each step reported so far is
    checked, so a trial can be pruned for an early step when the top k changed.

    Example:
        >>> import hyperhop as hh
        >>> hh.Study({"x": hh.float(0, 1)}, pruner=hh.pruning.TopKPruner(3)).pruner
        TopKPruner(k=3)
    """

    k: int = 5

    name = "top_k"

    def __post_init__(self) -> None:
        check_int("TopKPruner", "k", self.k, 1)

    def should_prune(self, trial: Trial, history: History) -> bool:
        n = full_length(history)
        if n is None or len(trial.intermediate) >= n:
            return False
        d = direction_of(history)
        ranked: list[tuple[float, int, Trial]] = []
        for t in history.trials:
            if t.state is not TrialState.COMPLETE or len(t.intermediate) != n:
                continue
            v = final_value(t)
            if v is not None:
                ranked.append((loss(v, d), t.number, t))
        if len(ranked) < self.k:
            return False
        ranked.sort(key=lambda r: (r[0], r[1]))
        top = [t for _, _, t in ranked[: self.k]]
        for step, value in trial.intermediate.items():
            ref = [loss(t.intermediate[step], d) for t in top if step in t.intermediate]
            if ref and all(loss(value, d) > r for r in ref):
                return True
        return False
