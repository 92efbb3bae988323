"""DeepHyper's evaluator callbacks (``deephyper.evaluator.callback``) on hyperhop's study
callbacks."""

from __future__ import annotations

import math
from typing import Any


class Callback:
    """Base of the callbacks: ``on_done(job)`` after each job (a hyperhop trial)."""

    def on_done(self, job: Any) -> None:
        """Called after each finished job."""

    def __call__(self, study: Any, trial: Any) -> None:
        self.on_done(trial)
        if getattr(self, "search_stopped", False):
            study.stop()


class TqdmCallback(Callback):
    """A progress bar: hyperhop's own (shown while this callback is given)."""

    def __init__(self, description: str | None = None) -> None:
        self.description = description


class LoggerCallback(Callback):
    """Logs each finished job (hyperhop logs them under the ``hyperhop`` logger)."""


class SearchEarlyStopping(Callback):
    """Stops the search after ``patience`` jobs without a better objective, or once the
    objective reaches ``threshold``.

    Example:
        >>> SearchEarlyStopping(patience=5).patience
        5
    """

    def __init__(
        self,
        patience: int = 10,
        objective_func: Any = None,
        threshold: float | None = None,
        verbose: int = 1,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(
                f"The 'patience' parameter must be an int >= 1. Got {patience!r} instead."
            )
        self.patience = patience
        self.objective_func = objective_func
        self.threshold = threshold
        self.verbose = verbose
        self.best = -math.inf
        self.waited = 0
        self.search_stopped = False

    def on_done(self, job: Any) -> None:
        values = getattr(job, "values", None)
        if not values:
            return
        v = self.objective_func(values) if self.objective_func else values[0]
        if v > self.best:
            self.best, self.waited = v, 0
        else:
            self.waited += 1
        if self.waited >= self.patience or (
            self.threshold is not None and self.best >= self.threshold
        ):
            self.search_stopped = True


__all__ = ["Callback", "LoggerCallback", "SearchEarlyStopping", "TqdmCallback"]
