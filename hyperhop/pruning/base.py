"""The pruner interface and the helpers every pruner shares.

A pruner is a pure function of storage: ``should_prune(trial, history)`` looks at the
running trial's intermediate values and at the study's other trials, nothing else. It
keeps no state between calls, so workers on different machines that share a database
take the same decision for the same data, and a resumed study prunes as before.

Steps and resource: a report at step ``s`` means ``s + 1`` units of resource were used
(steps count from 0, as the yields of a generator objective do: the first yield is step 0,
after one epoch). Rung and budget arguments (``min_resource``, ``max_resource``) are in
resource units.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hyperhop._validation import describe
from hyperhop.samplers.base import History
from hyperhop.trial import Trial, TrialState


@dataclass(frozen=True)
class Fidelity:
    """A budget parameter (epochs, data chunks...) that pruners allocate.

    The objective receives ``config[name] = max`` (the most it may use) and reports one
    intermediate value per unit of resource used; successive halving, Hyperband and
    learning-curve extrapolation take their ``min_resource`` and ``max_resource`` from
    here unless given. Resources are whole units: express a data fraction as chunks
    (``Fidelity("chunks", 1, 27)`` and ``fraction = chunks / 27``).

    Example:
        >>> import hyperhop as hh
        >>> hh.Fidelity("epochs", min=1, max=27).rungs(3)
        [1, 3, 9]
    """

    name: str
    min: int = 1
    max: int = 81

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(
                f"The 'name' parameter of Fidelity must be a non-empty string. Got {describe(self.name)} instead."
            )
        for arg in ("min", "max"):
            v = getattr(self, arg)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(
                    f"The '{arg}' parameter of Fidelity must be an int >= 1. Got {describe(v)} instead."
                )
        if self.min > self.max:
            raise ValueError(
                f"The 'min' parameter of Fidelity must be <= max. Got min={self.min}, max={self.max} instead."
            )

    def rungs(self, reduction_factor: int = 3) -> list[int]:
        """Successive-halving rungs below ``max``: ``min * eta**k``."""
        return rungs(self.min, reduction_factor, self.max)


class Pruner(abc.ABC):
    """Decides whether a running trial should stop, from storage alone.

    Subclasses implement :meth:`should_prune`. A pruner that allocates a resource
    overrides :meth:`with_fidelity` to take its defaults from the study's
    :class:`Fidelity`.

    Example:
        >>> from hyperhop.pruning import Pruner
        >>> class StopBelow(Pruner):
        ...     def should_prune(self, trial, history):
        ...         return bool(trial.intermediate) and last_value(trial) < 0.1
        >>> StopBelow()
        StopBelow()
    """

    name: str = "pruner"

    @abc.abstractmethod
    def should_prune(self, trial: Trial, history: History) -> bool:
        """Whether ``trial`` (RUNNING, with its intermediate values so far) should stop.

        ``history.trials`` holds every trial of the study (the running one included), and
        ``history.directions[0]`` says whether intermediate values are minimized or
        maximized.
        """

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        """This pruner with unset resource arguments taken from ``fidelity``."""
        return self

    def to_dict(self) -> dict[str, Any]:
        """This pruner as JSON data (built-in pruners only), as a study stores it.

        Example:
            >>> from hyperhop.pruning import MedianPruner, Pruner
            >>> Pruner.from_dict(MedianPruner(n_startup_trials=3).to_dict()).n_startup_trials
            3
        """
        from hyperhop.pruning.serialize import pruner_to_dict

        return pruner_to_dict(self)

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Pruner:
        """The built-in pruner that :meth:`to_dict` described."""
        from hyperhop.pruning.serialize import pruner_from_dict

        return pruner_from_dict(data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# ---------------------------------------------------------------------- helpers
def resource(step: int) -> int:
    """Units of resource used by the report at ``step`` (steps count from 0)."""
    return step + 1


def rungs(min_resource: int, reduction_factor: int, max_resource: int | None) -> list[int]:
    """``min_resource * eta**k`` for k = 0, 1, ... strictly below ``max_resource``.

    Example:
        >>> rungs(1, 3, 81)
        [1, 3, 9, 27]
    """
    out: list[int] = []
    r = min_resource
    while max_resource is None or r < max_resource:
        out.append(r)
        r *= reduction_factor
        if max_resource is None and len(out) >= 64:
            break
    return out


def loss(value: float, direction: str) -> float:
    """``value`` oriented so that lower is better."""
    return value if direction == "min" else -value


def direction_of(history: History) -> str:
    """The direction intermediate values follow (the first objective's)."""
    return history.directions[0]


def last_step(trial: Trial) -> int | None:
    return max(trial.intermediate) if trial.intermediate else None


def last_value(trial: Trial) -> float:
    """The value reported at the latest step (NaN when none)."""
    s = last_step(trial)
    return math.nan if s is None else trial.intermediate[s]


def value_at_resource(trial: Trial, r: int) -> float | None:
    """The value reported when ``trial`` first had used at least ``r`` units of resource."""
    inter = trial.intermediate
    v = inter.get(r - 1)
    if v is not None:
        return v
    later = [s for s in inter if resource(s) >= r]
    return inter[min(later)] if later else None


def final_value(trial: Trial) -> float | None:
    """A finished trial's value: its first objective, else its last intermediate value."""
    if trial.values:
        return trial.values[0]
    return last_value(trial) if trial.intermediate else None


def finished(history: History, *states: TrialState) -> Iterable[Trial]:
    want = states or (TrialState.COMPLETE,)
    return (t for t in history.trials if t.state in want)


def others(history: History, trial: Trial) -> Iterable[Trial]:
    """Every trial of the history except ``trial`` itself."""
    return (t for t in history.trials if t.id != trial.id)


def check_int(func: str, name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(
            f"The '{name}' parameter of {func} must be an int >= {low}. Got {describe(value)} instead."
        )
    return value


def check_real(func: str, name: str, value: object, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not low <= float(value) <= high
    ):
        raise ValueError(
            f"The '{name}' parameter of {func} must be a number in [{low:g}, {high:g}]. "
            f"Got {describe(value)} instead."
        )
    return float(value)


def in_interval(step: int, steps: Sequence[int], n_warmup_steps: int, interval_steps: int) -> bool:
    """Whether ``step`` is the first report at or past a pruning step (Optuna's rule: pruning
    happens at ``n_warmup_steps + k * interval_steps``, or at the first report after it)."""
    if step < n_warmup_steps:
        return False
    nearest = (step - n_warmup_steps) // interval_steps * interval_steps + n_warmup_steps
    previous = max((s for s in steps if s < step), default=-1)
    return previous < nearest
