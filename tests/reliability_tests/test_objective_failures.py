"""C. Objective failures: RELIABILITY scenarios 13 (exceptions), 17 (NaN, inf, wrong types)
and 18 (everything fails)."""

from __future__ import annotations

import decimal
import math
from typing import Any

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.exceptions import NoCompletedTrialsError, TooManyFailuresError
from hyperhop.trial import FailReason, Trial, TrialState
from tests.reliability_tests._backends import ALL, Backend, on
from tests.reliability_tests._harness import check_invariants, count, read_trials
from tests.reliability_tests._objectives import SPACE, value_of

EVERY = on(*ALL)


def _failing_30pct(cfg: dict[str, Any], trial: Trial) -> float:
    if trial.number % 10 in (2, 5, 8):
        raise ValueError(f"bad luck for trial {trial.number}")
    return value_of(cfg)


# --------------------------------------------------------------------------- scenario 13


@pytest.mark.parametrize("backend", EVERY, indirect=True)
def test_exceptions_become_failed_trials_with_text(backend: Backend) -> None:
    """Scenario 13, caught: 30% of trials raise ValueError; each ends FAILED('exception')
    with type, message and traceback stored as text; the study reaches its budget (which
    counts failed trials: 20 trials in all, 6 of them failed)."""
    study = hh.Study(SPACE, storage=backend.target, name="raises", seed=2, algo="random")
    study.optimize(_failing_30pct, n_trials=20, catch=(ValueError,), progress=False)
    trials = check_invariants(backend.open(), "raises", space=SPACE)
    assert len(trials) == 20 and count(trials, TrialState.COMPLETE) == 14
    failed = [t for t in trials if t.state is TrialState.FAILED]
    assert [t.number for t in failed] == [n for n in range(len(trials)) if n % 10 in (2, 5, 8)]
    for t in failed:
        assert t.error is not None
        assert t.error.reason == FailReason.EXCEPTION.value
        assert t.error.type == "ValueError"
        assert t.error.message == f"bad luck for trial {t.number}"
        assert isinstance(t.error.traceback, str)
        assert "_failing_30pct" in t.error.traceback
        assert t.error.traceback.rstrip().endswith(f"ValueError: bad luck for trial {t.number}")
        assert t.values is None


@pytest.mark.parametrize("backend", EVERY, indirect=True)
def test_uncaught_exception_is_reraised_after_the_trial_is_failed(backend: Backend) -> None:
    """Scenario 13, not caught: with ``catch=()`` the error is re-raised, but only after its
    trial was marked FAILED; nothing is left RUNNING (no reaper needed)."""
    study = hh.Study(SPACE, storage=backend.target, name="reraises", seed=2, algo="random")
    with pytest.raises(ValueError, match="bad luck for trial 2") as info:
        study.optimize(_failing_30pct, n_trials=20, catch=(), progress=False)
    # what storage held at the moment the error reached the caller
    trials = read_trials(backend.open(), "reraises")
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2 + [TrialState.FAILED]
    assert trials[2].error is not None and trials[2].error.reason == FailReason.EXCEPTION.value
    assert "bad luck for trial 2" in (trials[2].error.traceback or "")
    assert info.value.__traceback__ is not None
    check_invariants(backend.open(), "reraises", reap=False)


def test_uncaught_exception_under_threads_leaves_nothing_running() -> None:
    """Scenario 13 with ``n_jobs=4``: the first uncaught error stops the study; every trial
    that was in flight in the other threads is finished, none RUNNING."""
    study = hh.Study(SPACE, name="reraises-threads", seed=2, algo="random")
    with pytest.raises(ValueError, match="bad luck"):
        study.optimize(_failing_30pct, n_trials=40, n_jobs=4, catch=(), progress=False)
    trials = check_invariants(study.storage, study.name, reap=False)
    assert count(trials, TrialState.RUNNING) == 0
    assert count(trials, TrialState.FAILED) >= 1


# --------------------------------------------------------------------------- scenario 17

RETURNS: list[tuple[Any, float | None, str | None]] = [
    # (what the objective returns, the stored value if COMPLETE, text the error must name)
    (float("nan"), None, "nan"),
    (math.inf, math.inf, None),
    (-math.inf, -math.inf, None),
    (None, None, "None"),
    ("0.5", None, "'0.5'"),
    (np.float32(1), 1.0, None),
    (np.array(1.0), 1.0, None),
    ((1.0, 2.0), None, "(1.0, 2.0)"),
    (True, None, "True"),
    (decimal.Decimal("1"), 1.0, None),
]


@pytest.mark.parametrize("backend", EVERY, indirect=True)
def test_nan_inf_and_wrong_types(backend: Backend) -> None:
    """Scenario 17: NaN, None, str, wrong length and bool -> FAILED('invalid_value') with a
    message naming the value; +-inf COMPLETE and round-trip exactly through a new handle;
    NumPy scalars, 0-d arrays and Decimal are accepted."""

    def objective(cfg: dict[str, Any], trial: Trial) -> Any:
        return RETURNS[trial.number % len(RETURNS)][0]

    study = hh.Study(SPACE, storage=backend.target, name="returns", seed=3, algo="random")
    study.optimize(objective, n_trials=len(RETURNS), progress=False)
    trials = check_invariants(backend.open(), "returns", space=SPACE)
    assert len(trials) == len(RETURNS)
    for t, (returned, stored, named) in zip(trials, RETURNS, strict=True):
        if stored is not None:
            assert t.state is TrialState.COMPLETE, (returned, t)
            assert t.values == (stored,), (returned, t.values)
            assert type(t.values[0]) is float
        else:
            assert t.state is TrialState.FAILED, (returned, t)
            assert t.error is not None and t.error.reason == FailReason.INVALID_VALUE.value
            assert named is not None and named in t.error.message, (returned, t.error.message)
    assert study.best.value == -math.inf and study.best.number == 2
    reopened = hh.load_study(backend.open(), "returns", space=SPACE)
    assert reopened.best.value == -math.inf
    assert [t.values for t in reopened.trials if t.state is TrialState.COMPLETE] == [
        (math.inf,),
        (-math.inf,),
        (1.0,),
        (1.0,),
        (1.0,),
    ]


def test_inf_round_trips_through_the_json_export() -> None:
    """Scenario 17: the exports keep +-inf too."""
    study = hh.Study(SPACE, name="inf-export", seed=3, algo="random")
    for v in (math.inf, -math.inf):
        study.tell(study.ask(), v)
    import json

    data = json.loads(study.trials.to_json())
    assert [d["values"] for d in data] == [[math.inf], [-math.inf]]


# --------------------------------------------------------------------------- scenario 18


def _always_raises(cfg: dict[str, Any]) -> float:
    raise RuntimeError("the objective is broken")


def _always_nan(cfg: dict[str, Any]) -> float:
    return math.nan


@pytest.mark.parametrize("objective", [_always_raises, _always_nan], ids=["raises", "nan"])
@pytest.mark.parametrize("backend", EVERY, indirect=True)
def test_everything_fails_stops_after_max_consecutive_failures(
    backend: Backend, objective: Any
) -> None:
    """Scenario 18: an objective that always raises (caught) or always returns NaN stops
    after ``max_consecutive_failures=20`` with TooManyFailuresError; ``study.best`` raises a
    clear NoCompletedTrialsError (``fail_fast=None``: the early stop on the first 3 alike
    failures is tested in tests/study/test_failures.py)."""
    study = hh.Study(SPACE, storage=backend.target, name="hopeless", seed=4, algo="random")
    with pytest.raises(TooManyFailuresError, match="20 trials in a row failed"):
        study.optimize(
            objective, n_trials=100, max_consecutive_failures=20, fail_fast=None, progress=False
        )
    trials = check_invariants(backend.open(), "hopeless", space=SPACE)
    assert len(trials) == 20
    assert count(trials, TrialState.FAILED) == 20
    reason = FailReason.EXCEPTION if objective is _always_raises else FailReason.INVALID_VALUE
    assert {t.error.reason for t in trials if t.error is not None} == {reason.value}
    with pytest.raises(NoCompletedTrialsError, match=r"no completed (feasible )?trial") as info:
        _ = study.best
    assert "20 failed" in str(info.value)
    with pytest.raises(NoCompletedTrialsError):
        _ = hh.load_study(backend.open(), "hopeless", space=SPACE).best


def test_everything_fails_under_threads() -> None:
    """Scenario 18 with ``n_jobs=4``: the run still stops with TooManyFailuresError, and no
    trial is left RUNNING."""
    study = hh.Study(SPACE, name="hopeless-threads", seed=4, algo="random")
    with pytest.raises(TooManyFailuresError):
        study.optimize(_always_raises, n_trials=1000, n_jobs=4, fail_fast=None, progress=False)
    trials = check_invariants(study.storage, study.name, reap=False)
    assert 20 <= len(trials) <= 24
    assert count(trials, TrialState.RUNNING) == 0


# --------------------------------------------------------------------------- samplers (17, 18)

SAMPLERS = ["random", "tpe", "gp", "cbo", "anneal", "hyperopt_anneal", "sobol", "auto"]
SPECIAL: list[Any] = [math.inf, -math.inf, math.nan, ValueError, None, 1e308, -1e308, math.inf]


def _in_space(params: dict[str, Any]) -> bool:
    return -5.0 <= params["x"] <= 5.0 and 0 <= params["y"] <= 10 and params["c"] in (0, 1, 2)


def _study_with(algo: str, name: str) -> hh.Study:
    try:
        return hh.Study(SPACE, name=name, seed=0, algo=algo)
    except ValueError as e:
        pytest.skip(f"no sampler {algo!r} here: {e}")


@pytest.mark.filterwarnings("error::RuntimeWarning")  # an overflow on +-inf is a bug too
@pytest.mark.parametrize("algo", SAMPLERS)
def test_samplers_keep_working_with_inf_nan_and_failures_in_history(algo: str) -> None:
    """Scenario 17: with +-inf, NaN, exceptions and wrong types in the history, every
    sampler keeps proposing valid configurations and the study reaches its budget."""

    def objective(cfg: dict[str, Any], trial: Trial) -> Any:
        if trial.number < len(SPECIAL):
            special = SPECIAL[trial.number]
            if special is ValueError:
                raise ValueError("boom")
            return special
        return value_of(cfg)

    study = _study_with(algo, "special-history")
    study.optimize(objective, n_trials=20, progress=False)
    trials = check_invariants(study.storage, study.name, space=SPACE)
    assert len(trials) == 20  # the failed trials count toward n_trials
    assert all(t.state is TrialState.COMPLETE for t in trials[len(SPECIAL) :])
    assert all(_in_space(t.assignment) for t in trials)
    assert study.best.value == -math.inf


@pytest.mark.parametrize("algo", SAMPLERS)
def test_samplers_survive_a_history_of_failures_only(algo: str) -> None:
    """Scenario 18: with nothing but failed trials in the history no sampler crashes; the
    study stops with TooManyFailuresError."""
    study = _study_with(algo, "only-failures")
    with pytest.raises(TooManyFailuresError):
        study.optimize(_always_nan, n_trials=50, progress=False)
    trials = check_invariants(study.storage, study.name, space=SPACE)
    assert len(trials) == 20 and all(_in_space(t.assignment) for t in trials)
