from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import (
    InvalidSpaceError,
    NoCompletedTrialsError,
    TooManyFailuresError,
    TrialStateError,
)
from hyperhop.samplers import History, RandomSampler
from hyperhop.storage import MemoryStorage
from hyperhop.study.lease import HOST
from hyperhop.study.progress import ProgressBar
from hyperhop.trial import TrialState

SPACE = {"x": hh.float(-2, 2), "n": hh.int(1, 5)}


def quad(cfg: dict) -> float:
    return (cfg["x"] - 0.3) ** 2 + cfg["n"]


def test_minimize_and_maximize_find_the_right_side() -> None:
    lo = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=30, seed=0, progress=False)
    hi = hh.maximize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=30, seed=0, progress=False)
    assert lo.best.value < 0.1 and hi.best.value > 0.9
    assert lo.best.value == min(t.value for t in lo.trials)
    assert len(lo.trials) == 30 and [t.number for t in lo.trials] == list(range(30))


def test_same_seed_same_trials_bit_for_bit() -> None:
    a = hh.minimize(quad, SPACE, n_trials=15, seed=42, progress=False)
    b = hh.minimize(quad, SPACE, n_trials=15, seed=42, progress=False)
    c = hh.minimize(quad, SPACE, n_trials=15, seed=43, progress=False)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert [t.values for t in a.trials] == [t.values for t in b.trials]
    assert [t.params for t in a.trials] != [t.params for t in c.trials]


def test_best_raises_without_completed_trials() -> None:
    study = hh.Study(SPACE)
    with pytest.raises(NoCompletedTrialsError, match="no completed trial"):
        _ = study.best


def test_resume_total_and_increment() -> None:
    store = MemoryStorage()
    s1 = hh.Study(SPACE, storage=store, name="r", seed=1)
    s1.optimize(quad, n_trials=10, progress=False)
    s2 = hh.Study(SPACE, storage=store, name="r", seed=1)
    assert len(s2.trials) == 10
    s2.optimize(quad, n_trials=10, progress=False)  # total: nothing to do
    assert len(s2.trials) == 10
    s2.optimize(quad, n_trials=5, n_trials_mode="increment", progress=False)
    assert len(s2.trials) == 15
    # the resumed random sampler continues the same sequence as an uninterrupted run
    ref = hh.minimize(quad, SPACE, n_trials=15, seed=1, progress=False)
    assert [t.params for t in s2.trials] == [t.params for t in ref.trials]


def test_resume_with_an_incompatible_space_or_another_direction_is_refused() -> None:
    store = MemoryStorage()
    hh.Study(SPACE, storage=store, name="s").optimize(quad, n_trials=2, progress=False)
    with pytest.raises(InvalidSpaceError, match="'x'"):  # a changed type (a range may change)
        hh.Study({"x": hh.int(-3, 2), "n": hh.int(1, 5)}, storage=store, name="s")
    with pytest.raises(ValueError, match="optimizes"):
        hh.Study(SPACE, direction="max", storage=store, name="s")
    with pytest.raises(hh.exceptions.DuplicateStudyError):
        hh.Study(SPACE, storage=store, name="s", load_if_exists=False)


def test_load_study_rebuilds_the_space() -> None:
    store = MemoryStorage()
    space = {
        "lr": hh.float(1e-4, 1e-1, log=True),
        "m": hh.choice({"k": "a", "c": hh.int(1, 9)}, {"k": "b"}),
    }
    hh.Study(space, storage=store, name="s", seed=0).optimize(
        lambda c: c["lr"], n_trials=5, progress=False
    )
    loaded = hh.load_study(store, "s")
    assert len(loaded.trials) == 5
    assert loaded.trials[0].config == hh.Space(space).to_config(loaded.trials[0].assignment)
    loaded.optimize(lambda c: c["lr"], n_trials=7, progress=False)
    assert len(loaded.trials) == 7


def test_runtime_budget_and_target() -> None:
    import time

    study = hh.Study(SPACE, seed=0)
    t0 = time.monotonic()
    study.optimize(lambda c: time.sleep(0.02) or quad(c), runtime=0.3, progress=False)
    assert time.monotonic() - t0 < 2.0
    assert 3 <= len(study.trials) <= 20
    s2 = hh.Study({"x": hh.int(0, 9)}, seed=0)
    s2.optimize(lambda c: c["x"], n_trials=1000, target=2, progress=False)
    assert s2.best.value <= 2 and len(s2.trials) < 1000


def test_callbacks_and_stop() -> None:
    seen: list[int] = []

    def cb(study: hh.Study, trial: hh.Trial) -> None:
        seen.append(trial.number)
        if trial.number == 4:
            study.stop()

    study = hh.Study(SPACE, seed=0)
    study.optimize(quad, n_trials=50, callbacks=[cb], progress=False)
    assert seen == [0, 1, 2, 3, 4] and len(study.trials) == 5


def test_failures_are_recorded_and_the_study_goes_on() -> None:
    def flaky(cfg: dict) -> float:
        if cfg["n"] == 1:
            raise ValueError(f"bad n={cfg['n']}")
        return quad(cfg)

    study = hh.Study(SPACE, seed=3)
    study.optimize(flaky, n_trials=20, progress=False)
    failed = [t for t in study.trials if t.state is TrialState.FAILED]
    assert failed and all(
        t.error.reason == "exception" and t.error.type == "ValueError" for t in failed
    )
    assert all(
        "bad n=1" in t.error.message and "Traceback" in (t.error.traceback or "") for t in failed
    )
    assert len(study.trials) == 20  # n_trials counts failed trials too
    assert sum(t.state is TrialState.COMPLETE for t in study.trials) == 20 - len(failed)


def test_n_trials_counts_every_trial_that_ran_or_only_successes() -> None:
    """Issue 19: n_trials counts completed, pruned and failed trials (as Hyperopt's
    max_evals and Optuna's n_trials do), so a broken objective runs n_trials times, not 20;
    ``n_trials_counts="successes"`` counts completed and pruned trials only."""

    def broken(cfg: dict) -> float:
        raise KeyError("lrr")

    study = hh.Study(SPACE, seed=0)
    study.optimize(broken, n_trials=5, fail_fast=None, progress=False)
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 5

    def odd_fails(cfg: dict, trial: hh.Trial) -> float:
        if trial.number % 2:
            raise ValueError("hidden constraint")
        return quad(cfg)

    study = hh.Study(SPACE, seed=0)
    study.optimize(odd_fails, n_trials=6, n_trials_counts="successes", progress=False)
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 6 and states.count(TrialState.FAILED) == 5
    with pytest.raises(ValueError, match="'n_trials_counts' parameter of optimize"):
        study.optimize(quad, n_trials=1, n_trials_counts="ok")  # type: ignore[arg-type]


def test_a_stale_trial_counts_once_through_its_retry(tmp_path: Path) -> None:
    """RELIABILITY requirement 10: a trial whose worker died is reaped FAILED(stale) and,
    with max_retries, re-queued; the budget counts it once, through the retry, and an
    interrupted trial not at all."""
    url = f"sqlite:///{tmp_path / 'study.db'}"
    study = hh.Study(SPACE, storage=url, name="s", seed=0, max_retries=1)
    study.tell(study.ask(), TrialState.FAILED)  # failed: counts
    interrupted = study.ask()
    study.storage.update_trial(
        interrupted.id,
        expect_state=TrialState.RUNNING,
        state=TrialState.FAILED,
        error=hh.TrialError("interrupted", "Ctrl+C"),
    )
    dead = study.storage.create_trial(
        study.id,
        state=TrialState.RUNNING,
        assignment=interrupted.assignment,
        owner=f"{HOST}:4194305:1",
    )  # a pid above Linux's pid_max: a worker that is gone
    study.optimize(quad, n_trials=4, progress=False)
    trials = study.trials
    stale = [t for t in trials if t.error is not None and t.error.reason == "stale"]
    assert [t.number for t in stale] == [dead.number]
    [retry] = [t for t in trials if t.retried_from == dead.number]
    assert retry.state is TrialState.COMPLETE and retry.assignment == dead.assignment
    # 4 counted: the failed ask, the retry, two new ones; the stale and interrupted ones not
    assert len(trials) == 6 and sum(t.state is TrialState.COMPLETE for t in trials) == 3


def test_uncaught_exception_is_recorded_then_raised() -> None:
    study = hh.Study(SPACE, seed=0)

    def boom(cfg: dict) -> float:
        raise KeyError("nope")

    with pytest.raises(KeyError):
        study.optimize(boom, n_trials=5, catch=(ValueError,), progress=False)
    (t,) = study.trials
    assert t.state is TrialState.FAILED and t.error.type == "KeyError"


def test_too_many_consecutive_failures() -> None:
    study = hh.Study(SPACE, seed=0)
    with pytest.raises(TooManyFailuresError, match="5 trials in a row"):
        study.optimize(lambda c: math.nan, n_trials=100, max_consecutive_failures=5, progress=False)
    assert len(study.trials) == 5
    assert all(t.error.reason == "invalid_value" for t in study.trials)


def test_keyboard_interrupt_marks_the_trial() -> None:
    study = hh.Study(SPACE, seed=0)

    def interrupted(cfg: dict) -> float:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study.optimize(interrupted, n_trials=3, progress=False)
    (t,) = study.trials
    assert t.state is TrialState.FAILED and t.error.reason == "interrupted"


def test_enqueue_runs_first_and_once() -> None:
    study = hh.Study(SPACE, seed=0)
    study.enqueue({"x": 0.3, "n": 1})
    study.enqueue({"x": 0.3, "n": 1})  # same config: one trial
    partial = study.enqueue({"x": -1.0})
    assert partial.params["x"] == -1.0 and 1 <= partial.params["n"] <= 5
    study.optimize(quad, n_trials=5, progress=False)
    trials = study.trials
    assert trials[0].config == {"x": 0.3, "n": 1} and trials[0].value == pytest.approx(1.0)
    assert trials[1].params["x"] == -1.0
    assert len(trials) == 5
    with pytest.raises(hh.InvalidAssignmentError):
        study.enqueue({"x": 99.0})


def test_ask_tell() -> None:
    study = hh.Study(SPACE, seed=0)
    t = study.ask()
    assert t.state is TrialState.RUNNING and set(t.config) == {"x", "n"}
    done = study.tell(t, 1.5)
    assert done.state is TrialState.COMPLETE and done.value == 1.5
    with pytest.raises(TrialStateError):
        study.tell(t, 2.0)
    t2 = study.ask()
    assert study.tell(t2, ZeroDivisionError("z")).error.type == "ZeroDivisionError"
    t3 = study.ask()
    assert study.tell(t3.number, TrialState.PRUNED).state is TrialState.PRUNED
    t4 = study.ask()
    assert study.tell(t4, "oops").error.reason == "invalid_value"
    assert [x.state.name for x in study.trials] == ["COMPLETE", "FAILED", "PRUNED", "FAILED"]


def test_generator_and_trial_aware_objectives() -> None:
    def gen(cfg: dict):
        for epoch in range(4):
            yield cfg["x"] + epoch

    study = hh.Study(SPACE, seed=0)
    study.optimize(gen, n_trials=2, progress=False)
    t = study.trials[0]
    assert (
        t.intermediate == {i: t.params["x"] + i for i in range(4)} and t.value == t.params["x"] + 3
    )

    numbers: list[int] = []

    def aware(cfg: dict, trial: hh.Trial, scale: float = 1.0) -> float:
        numbers.append(trial.number)
        return cfg["x"] * scale

    s2 = hh.Study(SPACE, seed=0)
    s2.optimize(aware, n_trials=3, kwargs={"scale": 2.0}, progress=False)
    assert numbers == [0, 1, 2] and s2.trials[0].value == 2.0 * s2.trials[0].params["x"]


def test_threads_complete_exactly_the_budget() -> None:
    study = hh.Study(SPACE, seed=0)
    lock = threading.Lock()
    active, peak = [0], [0]

    def slow(cfg: dict) -> float:
        import time

        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        return quad(cfg)

    study.optimize(slow, n_trials=40, n_jobs=4, progress=False)
    trials = study.trials
    assert len(trials) == 40 and sorted(t.number for t in trials) == list(range(40))
    assert all(t.state is TrialState.COMPLETE for t in trials) and peak[0] > 1


def test_reaper_fails_and_requeues_trials_of_dead_workers() -> None:
    store = MemoryStorage()
    s = hh.Study(SPACE, storage=store, name="s", seed=0)
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    ghost = store.create_trial(
        s.id, state=TrialState.RUNNING, assignment={"x": 0.5, "n": 2}, owner=f"{HOST}:{p.pid}:1"
    )
    s2 = hh.Study(SPACE, storage=store, name="s", seed=0, max_retries=1)
    reaped = store.get_trial(ghost.id)
    assert reaped.state is TrialState.FAILED and reaped.error.reason == "stale"
    retry = s2.ask()
    assert retry.retried_from == ghost.number and retry.assignment == ghost.assignment
    s2.tell(retry, 1.0)
    assert sum(t.retried_from == ghost.number for t in s2.trials) == 1


def test_exports(tmp_path) -> None:
    study = hh.minimize(quad, SPACE, n_trials=6, seed=0, progress=False)
    df = study.trials.to_pandas()
    assert list(df["number"]) == list(range(6)) and "params.x" in df and df["value"].notna().all()
    study.trials.to_csv(tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text()
    assert text.splitlines()[0].startswith("number,state,value") and len(text.splitlines()) == 7
    data = json.loads(study.trials.to_json(tmp_path / "t.json"))
    assert [d["number"] for d in data] == list(range(6)) and data[0]["values"][0] == study.trials[
        0
    ].value


def test_attachments_and_extra_keys() -> None:
    study = hh.minimize(
        lambda c: {"loss": c["x"], "note": "hi", "attachments": {"blob": b"\x01\x02"}},
        SPACE,
        n_trials=2,
        progress=False,
    )
    t = study.trials[0]
    assert t.user_attrs == {"note": "hi"} and study.attachment(t, "blob") == b"\x01\x02"


def test_progress_bar() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    bar = ProgressBar(True, total=10, runtime=None, stream=Tty())
    line = bar.line(5, 0.125, failed=1)
    assert "5/10" in line and "best 0.125" in line and "1 failed" in line and "50%" in line
    assert ProgressBar(True, 10, None, stream=io.StringIO()).mode == "plain"  # not a terminal
    assert not ProgressBar(False, 10, None, stream=Tty()).enabled


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n_trials": -1}, "n_trials"),
        ({"n_trials": 2.5}, "n_trials"),
        ({}, "budget"),
        ({"n_trials": 1, "runtime": "soon"}, "runtime"),
        ({"n_trials": 1, "n_jobs": 0}, "n_jobs"),
        ({"n_trials": 1, "n_jobs": "many"}, "n_jobs"),
        ({"n_trials": 1, "n_trials_mode": "more"}, "n_trials_mode"),
    ],
)
def test_bad_optimize_arguments(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        hh.Study(SPACE).optimize(quad, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"direction": "up"}, "direction"),
        ({"name": ""}, "name"),
        ({"name": "a\x00b"}, "NUL"),
        ({"name": "n" * 10_001}, "10000"),
        ({"algo": "magic"}, "magic"),
        ({"max_retries": -1}, "max_retries"),
    ],
)
def test_bad_study_arguments(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        hh.Study(SPACE, **kwargs)


def test_objective_must_be_callable() -> None:
    with pytest.raises(TypeError, match="callable"):
        hh.Study(SPACE).optimize(3, n_trials=1)  # type: ignore[arg-type]


def test_checkpoint_path_is_a_file_storage_that_resumes(tmp_path) -> None:
    path = tmp_path / "run.jsonl"
    hh.Study(SPACE, checkpoint_path=path, seed=0).optimize(quad, n_trials=5, progress=False)
    again = hh.Study(SPACE, checkpoint_path=str(path), seed=0)
    assert len(again.trials) == 5 and again.name == "default"
    again.optimize(quad, n_trials=8, progress=False)
    assert len(again.trials) == 8
    with pytest.raises(ValueError, match="not both"):
        hh.Study(SPACE, storage="memory://", checkpoint_path=path)


def test_load_study_keeps_explicit_labels() -> None:
    store = MemoryStorage()
    space = {
        "m": hh.choice({"C": hh.float(0.1, 10, label="svm_C")}, {"C": hh.float(1, 2, label="lr_C")})
    }
    hh.Study(space, storage=store, name="s", seed=0).optimize(
        lambda c: c["m"]["C"], n_trials=4, progress=False
    )
    loaded = hh.load_study(store, "s")
    assert loaded.space.labels == hh.Space(space).labels == ("m", "svm_C", "lr_C")


def test_deterministic_parallel_runs_repeat_whatever_the_finishing_order() -> None:
    import random
    import time

    def jittery(cfg: dict) -> float:
        time.sleep(random.random() * 0.01)  # finishing order varies from run to run
        return (cfg["x"] - 0.3) ** 2 + cfg["n"]

    def run(deterministic: bool) -> list:
        s = hh.Study(SPACE, seed=5, algo="tpe")
        s.optimize(jittery, n_trials=30, n_jobs=3, deterministic=deterministic, progress=False)
        return [(t.number, t.params) for t in s.trials]

    first = run(True)
    assert all(run(True) == first for _ in range(2))


class _Recorder(RandomSampler):
    """Random search that records what each suggestion saw of the budget."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self.seen: list[tuple[int, float | None, int | None]] = []

    def suggest(self, history: History) -> Any:
        self.seen.append((history.n, history.progress, history.goal))
        return super().suggest(history)


def test_samplers_see_the_budget_of_the_optimize_call() -> None:
    rec = _Recorder(0)
    study = hh.Study(SPACE, algo=rec, seed=0)
    study.optimize(quad, n_trials=4, progress=False)
    assert [g for _, _, g in rec.seen] == [4, 4, 4, 4]
    assert [p for _, p, _ in rec.seen] == [0.0, 0.25, 0.5, 0.75]
    study.optimize(quad, n_trials=3, n_trials_mode="increment", progress=False)
    assert [g for _, _, g in rec.seen[4:]] == [7, 7, 7]
    t = study.ask()  # ask and tell: no budget
    study.tell(t, 1.0)
    assert rec.seen[-1] == (7, None, None)
