"""Failures that speak: the user's traceback in the log, an early stop chained to it."""

from __future__ import annotations

import logging
import math
import traceback
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import TooManyFailuresError

SPACE = {"lr": hh.float(0, 1)}


def typo(cfg: dict[str, Any]) -> float:
    return cfg["lrr"]  # the user's mistake


def returns_none(cfg: dict[str, Any]) -> Any:
    return None


def test_a_typo_stops_after_three_trials_with_the_users_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    study = hh.Study(SPACE, seed=0)
    with caplog.at_level(logging.INFO, logger="hyperhop"):
        with pytest.raises(TooManyFailuresError, match="first 3 trials") as info:
            study.optimize(typo, n_trials=50, progress=False)
    assert len(study.trials) == 3
    cause = info.value.__cause__
    assert isinstance(cause, KeyError) and cause.args == ("lrr",)
    frames = traceback.extract_tb(cause.__traceback__)
    assert (
        frames[0].name == "typo" and frames[-1].line == 'return cfg["lrr"]  # the user\'s mistake'
    )
    assert f"{__file__}:{frames[-1].lineno}" in str(info.value)
    # the first failure is a warning with the user's traceback (not hyperhop's frames);
    # the same failure again is INFO, one line
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and 'cfg["lrr"]' in warnings[0].getMessage()
    assert "evaluate.py" not in warnings[0].getMessage()
    assert sum("failed" in r.getMessage() for r in caplog.records) == 3
    (first,) = [t for t in study.trials if t.number == 0]
    assert first.error is not None and first.error.traceback is not None
    assert "hyperhop" not in first.error.traceback.split("\n")[1]  # starts at the user's code


def test_returning_none_stops_early_too() -> None:
    with pytest.raises(TooManyFailuresError, match="returned None"):
        hh.minimize(returns_none, SPACE, n_trials=20, progress=False)


def test_a_study_that_mixes_successes_and_failures_goes_on() -> None:
    def sometimes(cfg: dict[str, Any]) -> float:
        if cfg["lr"] > 0.5:
            raise ValueError("diverged")
        return cfg["lr"]

    study = hh.Study(SPACE, seed=0)
    for lr in (0.9, 0.8, 0.1, 0.7, 0.6, 0.95):
        study.enqueue({"lr": lr})
    study.optimize(sometimes, n_trials=10, progress=False)  # failed trials count too
    states = [t.state for t in study.trials]
    assert len(states) == 10 and states.count(hh.TrialState.COMPLETE) >= 1
    assert states[:3] == [hh.TrialState.FAILED, hh.TrialState.FAILED, hh.TrialState.COMPLETE]


def test_different_failures_do_not_stop_early_and_fail_fast_none_turns_it_off() -> None:
    calls = []

    def varied(cfg: dict[str, Any]) -> float:
        calls.append(1)
        if len(calls) % 2:
            raise ValueError("odd")
        raise KeyError("even")

    with pytest.raises(TooManyFailuresError, match="5 trials in a row") as info:
        hh.minimize(varied, SPACE, n_trials=50, max_consecutive_failures=5, progress=False)
    assert isinstance(info.value.__cause__, ValueError)  # the last failure, chained
    with pytest.raises(TooManyFailuresError, match="4 trials in a row"):
        hh.minimize(typo, SPACE, n_trials=50, max_consecutive_failures=4, fail_fast=None)
    with pytest.raises(ValueError, match="fail_fast"):
        hh.minimize(typo, SPACE, n_trials=5, fail_fast=0)


def test_nan_and_timeouts_are_not_a_reason_to_stop_early() -> None:
    study = hh.Study(SPACE, seed=0)
    with pytest.raises(TooManyFailuresError, match="6 trials in a row"):
        study.optimize(lambda c: math.nan, n_trials=50, max_consecutive_failures=6, progress=False)


def test_a_process_executor_chains_the_objectives_traceback_as_text() -> None:
    with pytest.raises(TooManyFailuresError) as info:
        hh.minimize(typo, SPACE, n_trials=10, executor="process", progress=False)
    cause = info.value.__cause__
    assert cause is not None and 'cfg["lrr"]' in str(cause) and "KeyError" in str(cause)


def test_system_exit_with_one_allowed_failure_is_the_system_exit() -> None:
    def leaves(cfg: dict[str, Any]) -> float:
        raise SystemExit(3)

    study = hh.Study(SPACE, seed=0)
    with pytest.raises(SystemExit) as info:
        study.optimize(leaves, n_trials=5, max_consecutive_failures=1, progress=False)
    assert info.value.code == 3
    assert [t.state for t in study.trials] == [hh.TrialState.FAILED]


def test_parallel_threads_stop_early_too_and_leave_nothing_running() -> None:
    study = hh.Study(SPACE, seed=0)
    with pytest.raises(TooManyFailuresError, match="first 3 trials") as info:
        study.optimize(typo, n_trials=100, n_jobs=3, progress=False)
    assert isinstance(info.value.__cause__, KeyError)
    states = [t.state for t in study.trials]
    assert 3 <= len(states) <= 6 and set(states) == {hh.TrialState.FAILED}
