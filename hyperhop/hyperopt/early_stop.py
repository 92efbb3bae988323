"""``no_progress_loss``: stop ``fmin`` when the loss stops improving.

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import Trials, fmin, hp, rand
    >>> from hyperhop.hyperopt.early_stop import no_progress_loss
    >>> trials = Trials()
    >>> _ = fmin(lambda x: 1.0, hp.uniform("x", 0, 1), algo=rand.suggest, max_evals=100,
    ...          trials=trials, early_stop_fn=no_progress_loss(5), show_progressbar=False,
    ...          rstate=np.random.default_rng(0))
    >>> len(trials)
    5
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

__all__ = ["no_progress_loss"]

log = logging.getLogger("hyperhop.hyperopt")


def no_progress_loss(
    iteration_stop_count: int = 20, percent_increase: float = 0.0
) -> Callable[..., tuple[bool, list[Any]]]:
    """An ``early_stop_fn`` that stops after ``iteration_stop_count`` trials in a row whose
    loss is not below ``best - |best| * percent_increase / 100`` (the first trial counts
    as one). A trial without a loss (failed) counts as no progress; Hyperopt raised a
    KeyError on it, or took it as the new best."""

    def stop_fn(
        trials: Any, best_loss: float | None = None, iteration_no_progress: int = 0
    ) -> tuple[bool, list[Any]]:
        docs = trials.trials
        new_loss = docs[-1]["result"].get("loss") if docs else None
        if best_loss is None:
            iteration_no_progress += 1
            stop = new_loss is None and iteration_no_progress >= iteration_stop_count
            return stop, [new_loss, iteration_no_progress]
        threshold = best_loss - abs(best_loss * (percent_increase / 100.0))
        if new_loss is not None and new_loss < threshold:
            best_loss, iteration_no_progress = new_loss, 0
        else:
            iteration_no_progress += 1
            log.debug(
                "no progress for %d of %d trials (best loss %s)",
                iteration_no_progress,
                iteration_stop_count,
                best_loss,
            )
        return iteration_no_progress >= iteration_stop_count, [best_loss, iteration_no_progress]

    return stop_fn
