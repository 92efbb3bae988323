"""Hyperband: several successive-halving brackets, from aggressive (first rung at
``min_resource``) to none (trials run to ``max_resource``), trials spread over them."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from hyperhop.pruning.base import Fidelity, Pruner, check_int, final_value, resource, rungs
from hyperhop.pruning.sha import halving_decision
from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState

_GOLDEN = 0.6180339887498949


@dataclass(frozen=True)
class HyperbandPruner(Pruner):
    """Hyperband over asynchronous successive halving (as Optuna's ``HyperbandPruner``).

    Bracket ``b`` (0, 1, ..., ``floor(log_eta(max/min))``) runs ASHA with its first rung at
    ``min_resource * eta**b``, and trials compete only within their bracket. A trial's
    bracket is a function of its number alone (a golden-ratio sequence cut in proportion
    to Hyperband's bracket sizes, ``ceil((s+1) / (s-b+1) * eta**(s-b))`` with ``s`` the
    largest bracket), so any worker assigns it the same way and the brackets fill evenly.

    Args:
        min_resource: resource of the first rung of bracket 0 (default: fidelity, else 1).
        max_resource: the full budget (default: the study's fidelity; else, as Optuna's
            ``"auto"``, the resource of the first completed trial, no pruning before it).
        reduction_factor: ``eta``.

    Example:
        >>> from hyperhop.pruning import HyperbandPruner
        >>> hb = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
        >>> [hb.bracket_levels(b, 27) for b in range(hb.n_brackets(27))]
        [[1, 3, 9], [3, 9], [9], []]
    """

    min_resource: int | None = None
    max_resource: int | None = None
    reduction_factor: int = 3

    name = "hyperband"

    def __post_init__(self) -> None:
        f = "HyperbandPruner"
        if self.min_resource is not None:
            check_int(f, "min_resource", self.min_resource, 1)
        if self.max_resource is not None:
            check_int(f, "max_resource", self.max_resource, 1)
        check_int(f, "reduction_factor", self.reduction_factor, 2)

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        return replace(
            self,
            min_resource=fidelity.min if self.min_resource is None else self.min_resource,
            max_resource=fidelity.max if self.max_resource is None else self.max_resource,
        )

    def n_brackets(self, max_resource: int) -> int:
        lo = self.min_resource or 1
        if max_resource <= lo:
            return 1
        s = int(math.floor(math.log(max_resource / lo, self.reduction_factor) + 1e-9))
        return s + 1

    def bracket_sizes(self, max_resource: int) -> list[int]:
        """Hyperband's number of configurations per bracket (bracket 0 is the largest)."""
        n = self.n_brackets(max_resource)
        s = n - 1
        eta = self.reduction_factor
        return [math.ceil((s + 1) / (s - b + 1) * eta ** (s - b)) for b in range(n)]

    def bracket_of(self, number: int, max_resource: int) -> int:
        """The bracket of trial ``number`` (deterministic)."""
        return _pick(number, _cumulative(self.bracket_sizes(max_resource)))

    def bracket_levels(self, bracket: int, max_resource: int) -> list[int]:
        first = (self.min_resource or 1) * self.reduction_factor**bracket
        return rungs(first, self.reduction_factor, max_resource)

    def _max_resource(self, history: History) -> int | None:
        if self.max_resource is not None:
            return self.max_resource
        for t in history.trials:
            if t.state is TrialState.COMPLETE and t.intermediate and final_value(t) is not None:
                return resource(max(t.intermediate))
        return None

    def should_prune(self, trial: Trial, history: History) -> bool:
        top = self._max_resource(history)
        if top is None:
            return False
        cum = _cumulative(self.bracket_sizes(top))
        b = _pick(trial.number, cum)
        levels = self.bracket_levels(b, top)
        if not levels:
            return False
        return halving_decision(
            trial, history, levels, self.reduction_factor, lambda t: _pick(t.number, cum) == b
        )


def _cumulative(sizes: list[int]) -> list[float]:
    total = float(sum(sizes))
    out, acc = [], 0.0
    for size in sizes:
        acc += size / total
        out.append(acc)
    out[-1] = 1.0
    return out


def _pick(number: int, cumulative: list[float]) -> int:
    u = (number * _GOLDEN) % 1.0
    for b, edge in enumerate(cumulative):
        if u < edge:
            return b
    return len(cumulative) - 1
