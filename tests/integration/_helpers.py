"""A study that runs given learning rates in order, pruning curves that stay above a bound."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import hyperhop as hh


def run_rates(
    objective: Callable[..., Any], rates: Sequence[float], upper: float, warmup: int = 2
) -> hh.Study:
    """One trial per learning rate (enqueued), ThresholdPruner(upper) after ``warmup`` steps."""
    study = hh.Study(
        {"lr": hh.float(1e-5, 1.0, log=True)},
        seed=0,
        pruner=hh.pruning.ThresholdPruner(upper=upper, n_warmup_steps=warmup),
    )
    for lr in rates:
        study.enqueue({"lr": lr})
    study.optimize(objective, n_trials=len(rates), progress=False, catch=(Exception,))
    return study


def run_failing(objective: Callable[..., Any]) -> hh.Trial:
    """Run one trial that is expected to fail; return it."""
    study = hh.Study({"lr": hh.float(1e-5, 1.0, log=True)}, seed=0)
    study.enqueue({"lr": 0.1})
    try:
        study.optimize(objective, n_trials=1, progress=False, max_consecutive_failures=1)
    except hh.exceptions.TooManyFailuresError:
        pass
    (trial,) = study.trials
    assert trial.state is hh.TrialState.FAILED
    return trial
