"""Objectives for the pruning tests on remote executors, importable by every worker."""

from __future__ import annotations

import time
from typing import Any

import hyperhop as hh

XS = [0.1, 0.3, 0.5, 0.7, 0.9, 1.5]
EPOCHS = 6
# x * (step + 1) > 2 stops the trial: the number of values each x reports
EXPECTED = {0.1: 6, 0.3: 6, 0.5: 5, 0.7: 3, 0.9: 3, 1.5: 2}
PAUSE = 0.05
"""Seconds per epoch: a trial that were not stopped would run all of them."""


def generator(cfg: dict[str, Any]) -> Any:
    for step in range(cfg["epochs"]):
        time.sleep(PAUSE)
        yield cfg["x"] * (step + 1)


def trial_aware(cfg: dict[str, Any], trial: Any) -> float:
    for step in range(cfg["epochs"]):
        time.sleep(PAUSE)
        trial.report(cfg["x"] * (step + 1), step)
        if trial.should_prune():
            raise hh.Pruned()
    return float(cfg["x"] * cfg["epochs"])


def _noisy(cfg: dict[str, Any]) -> float:
    time.sleep(PAUSE)
    return float(cfg["x"] * (cfg["seed"] + 1))


repeated = hh.repeat(_noisy, n=EPOCHS, reduce=max)
"""hh.repeat: after seed k the running max is x * (k + 1), the same curve as above."""

OBJECTIVES = {"generator": generator, "trial": trial_aware, "repeat": repeated}


def pruned_study() -> hh.Study:
    """A study that runs :data:`XS` in order and stops a trial once a value passes 2."""
    study = hh.Study(
        {"x": hh.float(0, 2)},
        pruner=hh.pruning.ThresholdPruner(upper=2.0),
        fidelity=hh.Fidelity("epochs", 1, EPOCHS),
        seed=0,
    )
    for x in XS:
        study.enqueue({"x": x})
    return study


def check(study: hh.Study) -> None:
    """Each trial stopped where the pruner said, and not later: only the values up to
    there exist (a trial that ran on would have reported all six)."""
    trials = {t.config["x"]: t for t in study.trials}
    assert {x: len(t.intermediate) for x, t in trials.items()} == EXPECTED
    for x, t in trials.items():
        steps = EXPECTED[x]
        assert t.intermediate == {s: x * (s + 1) for s in range(steps)}, t
        assert t.state.name == ("PRUNED" if steps < EPOCHS else "COMPLETE"), t
