"""What the pruning callbacks share: report a value, ask the pruner, remember the answer."""

from __future__ import annotations

import math
from typing import Any

from hyperhop.execution.evaluate import Pruned


class PruningReporter:
    """Reports a monitored metric of one trial and asks the study's pruner after each.

    ``trial`` is what ``objective(config, trial)`` receives (anything with
    ``report(value, step)`` and ``should_prune()``). Once the pruner says stop, ``pruned``
    is True; the framework is then stopped its own way, and the objective may return as
    usual (the trial ends PRUNED) or call :meth:`check_pruned`, which raises
    :class:`hyperhop.Pruned`.
    """

    def __init__(self, trial: Any, monitor: str, owner: str) -> None:
        if not (
            callable(getattr(trial, "report", None))
            and callable(getattr(trial, "should_prune", None))
        ):
            raise TypeError(
                f"{owner} needs the trial that objective(config, trial) receives (with report() "
                f"and should_prune()); got {trial!r}. Declare the objective with two arguments."
            )
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(
                f"The 'monitor' parameter of {owner} must name a metric (a non-empty str). "
                f"Got {monitor!r} instead."
            )
        self.trial = trial
        self.monitor = monitor
        self.owner = owner
        self.pruned = False
        self.pruned_at: int | None = None

    def step(self, value: Any, step: int) -> bool:
        """Report ``value`` at ``step``; True when the trial should stop now."""
        v = float(value)
        if math.isnan(v):
            return False
        self.trial.report(v, int(step))
        if self.trial.should_prune():
            self.pruned = True
            self.pruned_at = int(step)
        return self.pruned

    def missing(self, available: Any) -> KeyError:
        """The error for a monitored metric that the framework did not log."""
        names = sorted(str(k) for k in available)
        return KeyError(
            f"{self.owner}: the monitored metric {self.monitor!r} was not logged; the logged "
            f"ones are {names}. Pass one of them as monitor=."
        )

    def check_pruned(self) -> None:
        """Raise :class:`hyperhop.Pruned` when the pruner stopped the training."""
        if self.pruned:
            raise Pruned(f"pruned at step {self.pruned_at}")
