"""The isolated process executor: every way an objective can go wrong fails one trial only
(RELIABILITY scenarios 14, 15, 16), and the driver survives."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

import hyperhop as hh
from hyperhop.execution import ProcessExecutor, make_executor, parse_memory
from hyperhop.execution.process import ExecutorError
from hyperhop.trial import TrialState

SPACE = {"x": hh.float(0, 1)}


def misbehave(cfg: dict) -> float:
    """Chosen by x: segfault, exit, hang ignoring SIGTERM, raise, allocate 16 GiB, or work."""
    import numpy as np

    x = cfg["x"]
    if x < 0.1:
        os.kill(os.getpid(), signal.SIGSEGV)
    if x < 0.2:
        os._exit(3)
    if x < 0.3:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(3600)
    if x < 0.4:
        raise ValueError("bad x")
    if x < 0.5:
        np.ones(2**31)
    return x


def _study_with(xs: list[float]) -> hh.Study:
    study = hh.Study(SPACE, seed=0)
    for x in xs:
        study.enqueue({"x": x})
    return study


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_each_failure_fails_one_trial_and_the_study_goes_on(fork_server: bool) -> None:
    study = _study_with([0.05, 0.15, 0.25, 0.35, 0.45, 0.75, 0.85])
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    t0 = time.monotonic()
    ex = ProcessExecutor(2, trial_timeout=2.0, memory_limit="1GiB", fork_server=fork_server)
    study.optimize(
        misbehave,
        n_trials=3,
        n_trials_counts="successes",  # the failures are the point: count the successes
        executor=ex,
        progress=False,
        max_consecutive_failures=None,
    )
    elapsed = time.monotonic() - t0
    by_x = {round(t.params["x"], 2): t for t in study.trials}
    assert by_x[0.05].error.reason == "signal:SIGSEGV"
    assert by_x[0.15].error.reason == "worker_lost" and "code 3" in by_x[0.15].error.message
    assert by_x[0.25].error.reason == "timeout"
    assert by_x[0.35].error.reason == "exception" and by_x[0.35].error.type == "ValueError"
    assert "bad x" in by_x[0.35].error.message and "Traceback" in by_x[0.35].error.traceback
    assert by_x[0.45].error.reason == "oom"
    assert by_x[0.75].state is TrialState.COMPLETE and by_x[0.75].value == pytest.approx(0.75)
    assert sum(t.state is TrialState.COMPLETE for t in study.trials) == 3
    assert elapsed < 60
    time.sleep(0.2)
    leftover = {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert not leftover, f"worker processes left behind: {leftover}"


@pytest.mark.timeout(60)
def test_timeout_kills_within_grace() -> None:
    study = _study_with([0.25])
    t0 = time.monotonic()
    ex = ProcessExecutor(1, trial_timeout=1.0, kill_grace=1.0)
    with pytest.raises(hh.exceptions.TooManyFailuresError):
        study.optimize(
            misbehave, n_trials=1, executor=ex, progress=False, max_consecutive_failures=1
        )
    (t,) = study.trials
    assert t.error.reason == "timeout" and time.monotonic() - t0 < 15


def draws(cfg: dict) -> dict:
    import random

    import numpy as np

    time.sleep(0.2)  # every worker gets a trial
    return {"value": cfg["x"], "np": float(np.random.rand()), "py": random.random()}


@pytest.mark.timeout(60)
def test_forked_workers_do_not_share_random_state_and_are_not_the_drivers_forks() -> None:
    study = hh.Study(SPACE, seed=0)
    ex = ProcessExecutor(4)
    study.optimize(draws, n_trials=4, executor=ex, progress=False)
    assert len({t.user_attrs["np"] for t in study.trials}) == 4
    assert len({t.user_attrs["py"] for t in study.trials}) == 4
    assert ex._zygote is None  # shut down with the executor


def kill_the_fork_server(cfg: dict) -> float:
    if cfg["x"] < 0.1:
        os.kill(os.getppid(), signal.SIGKILL)  # the worker's parent is the zygote
        time.sleep(30)  # the worker dies with it
    return cfg["x"]


@pytest.mark.timeout(60)
def test_a_killed_fork_server_fails_its_trials_and_is_replaced() -> None:
    study = _study_with([0.05, 0.5, 0.6, 0.7])
    ex = ProcessExecutor(2)
    study.optimize(  # one or two trials die with the server: count the successes
        kill_the_fork_server,
        n_trials=4,
        n_trials_counts="successes",
        executor=ex,
        progress=False,
        max_consecutive_failures=None,
    )
    # the worker that killed it dies with it, and so would any other trial then running
    failed = [t for t in study.trials if t.state is TrialState.FAILED]
    assert 0.05 in {round(t.params["x"], 2) for t in failed}
    assert {t.error.reason for t in failed} == {"signal:SIGKILL"}
    assert sum(t.state is TrialState.COMPLETE for t in study.trials) == 4


def double(cfg: dict) -> float:
    return 2 * cfg["x"]


class _NoRelay:
    def report(self, trial_id: int, step: int, value: float) -> None:
        pass

    def should_prune(self, trial_id: int) -> bool:
        return False


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fork_server", [True, False], ids=["forked", "fresh"])
def test_idle_workers_that_died_are_replaced_when_a_task_comes(fork_server: bool) -> None:
    from hyperhop.execution.base import EvalSpec, Task

    ex = ProcessExecutor(2, fork_server=fork_server)
    ex.start(EvalSpec(double), _NoRelay())
    try:
        for w in ex._workers:  # both die while idle, before any collect() could see it
            w.proc.kill()
            w.proc.wait(timeout=10)
        ex.submit(Task(1, 0, {"x": 0.25}, {"x": 0.25}))
        out: list = []
        while not out:
            out = ex.collect(timeout=10)
        assert out[0].trial_id == 1 and out[0].result == 0.5 and out[0].error is None
    finally:
        ex.shutdown()


@pytest.mark.timeout(60)
def test_closures_lambdas_reports_and_generators_cross_the_process_boundary() -> None:
    offset = 10.0

    def with_trial(cfg: dict, trial: object) -> float:
        for step in range(3):
            trial.report(cfg["x"] + step)  # type: ignore[attr-defined]
            assert trial.should_prune() is False  # type: ignore[attr-defined]
        return cfg["x"] + offset

    study = hh.Study(SPACE, seed=1)
    study.optimize(with_trial, n_trials=2, n_jobs=2, executor="process", progress=False)
    for t in study.trials:
        assert t.value == pytest.approx(t.params["x"] + 10.0)
        assert t.intermediate == {i: pytest.approx(t.params["x"] + i) for i in range(3)}

    def gen(cfg: dict):
        yield cfg["x"]
        yield cfg["x"] * 2

    s2 = hh.Study(SPACE, seed=1)
    s2.optimize(gen, n_trials=2, executor="process", n_jobs=1, trial_timeout=30, progress=False)
    assert all(
        t.value == pytest.approx(2 * t.params["x"]) and len(t.intermediate) == 2 for t in s2.trials
    )
    s3 = hh.Study(SPACE, seed=1)
    s3.optimize(lambda c: c["x"] * 3, n_trials=2, executor="process", progress=False)
    assert all(t.value == pytest.approx(3 * t.params["x"]) for t in s3.trials)


@pytest.mark.timeout(60)
def test_same_results_inline_threads_and_processes() -> None:
    def f(cfg: dict) -> float:
        return (cfg["x"] - 0.3) ** 2

    runs = {}
    for name, kw in {
        "inline": {},
        "thread": {"n_jobs": 2},
        "process": {"n_jobs": 2, "executor": "process"},
    }.items():
        s = hh.Study(SPACE, seed=7)
        s.optimize(f, n_trials=8, progress=False, **kw)
        runs[name] = sorted((t.number, t.params["x"], t.value) for t in s.trials)
    assert runs["inline"] == runs["thread"] == runs["process"]


def test_unpicklable_objective_is_a_clear_error() -> None:
    import threading

    lock = threading.Lock()

    def f(cfg: dict) -> float:
        with lock:
            return cfg["x"]

    with pytest.raises(ExecutorError, match="cannot be sent to worker processes"):
        hh.Study(SPACE).optimize(f, n_trials=1, executor="process", progress=False)


def test_uncaught_exception_is_reraised_from_the_worker() -> None:
    def f(cfg: dict) -> float:
        raise KeyError("from the worker")

    study = hh.Study(SPACE)
    with pytest.raises(KeyError, match="from the worker"):
        study.optimize(f, n_trials=3, executor="process", catch=(ValueError,), progress=False)
    assert [t.state for t in study.trials] == [TrialState.FAILED]


@pytest.mark.parametrize(
    ("text", "n"),
    [("512MiB", 512 * 2**20), ("2GB", 2 * 2**30), ("1.5g", int(1.5 * 2**30)), (4096, 4096)],
)
def test_parse_memory(text: object, n: int) -> None:
    assert parse_memory(text) == n  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["lots", "-1MB", 0, True])
def test_parse_memory_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="memory_limit"):
        parse_memory(bad)  # type: ignore[arg-type]


def test_make_executor_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(make_executor(1)).__name__ == "InlineExecutor"
    assert type(make_executor(3)).__name__ == "ThreadExecutor"
    assert type(make_executor("2")).__name__ == "ThreadExecutor"
    assert type(make_executor(1, trial_timeout=5)).__name__ == "ProcessExecutor"
    assert make_executor("auto").__class__.__name__ in ("ThreadExecutor", "InlineExecutor")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,3")
    ex = make_executor("per-gpu")
    assert isinstance(ex, ProcessExecutor) and ex.gpus == ["0", "3"]
    ex2 = make_executor("2x per-gpu")
    assert (
        isinstance(ex2, ProcessExecutor) and ex2.gpus == ["0", "0", "3", "3"] and ex2.n_workers == 4
    )
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(ValueError, match="found no GPU"):
        make_executor("per-gpu")
    for bad in (0, -2, "many", 2.5):
        with pytest.raises(ValueError, match="n_jobs"):
            make_executor(bad)
    with pytest.raises(ValueError, match="isolated processes"):
        make_executor(2, "thread", trial_timeout=3)
    with pytest.raises(ValueError, match="executor"):
        make_executor(2, "quantum")


@pytest.mark.timeout(60)
def test_per_gpu_workers_each_see_one_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")

    def which(cfg: dict) -> dict:
        import os

        return {"loss": cfg["x"], "device": os.environ.get("CUDA_VISIBLE_DEVICES")}

    study = hh.Study(SPACE, seed=0)
    study.optimize(which, n_trials=6, n_jobs="per-gpu", progress=False)
    devices = {t.user_attrs["device"] for t in study.trials}
    assert devices <= {"0", "1"} and len(devices) >= 1


_DRIVER = """
import time, hyperhop as hh
def nap(cfg):
    time.sleep(60)
    return cfg["x"]
if __name__ == "__main__":
    hh.Study({"x": hh.float(0, 1)}).optimize(nap, n_trials=2, n_jobs=2, executor="process",
                                              progress=False)
"""


@pytest.mark.timeout(60)
def test_a_sigkilled_driver_leaves_no_worker_or_fork_server_behind(tmp_path) -> None:
    import subprocess
    import sys

    script = tmp_path / "driver.py"
    script.write_text(_DRIVER)
    driver = subprocess.Popen([sys.executable, str(script)])
    try:
        proc = psutil.Process(driver.pid)
        deadline = time.monotonic() + 30
        while len(proc.children(recursive=True)) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)  # the zygote and its two workers
        family = proc.children(recursive=True)
        assert len(family) == 3
    finally:
        driver.kill()
        driver.wait()
    _, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"left behind: {[p.pid for p in alive]}"


_MAIN_SCRIPT = """
import hyperhop as hh
def f(cfg):
    return (cfg["x"] - 0.3) ** 2
if __name__ == "__main__":
    s = hh.Study({"x": hh.float(0, 1)}, seed=0)
    s.optimize(f, n_trials=4, n_jobs=2, executor="process", progress=False)
    print(len(s.trials), sum(t.value is not None for t in s.trials))
"""


@pytest.mark.timeout(60)
def test_an_objective_of_main_runs_on_forked_workers_without_warnings(tmp_path) -> None:
    import subprocess
    import sys

    script = tmp_path / "main_objective.py"
    script.write_text(_MAIN_SCRIPT)
    out = subprocess.run(
        [sys.executable, "-W", "default", str(script)], capture_output=True, text=True, timeout=50
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["4", "4"]
    assert "Warning" not in out.stderr, out.stderr
