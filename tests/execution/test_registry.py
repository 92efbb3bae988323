"""Choosing the distributed executors by name, their install hints, and the pieces they
share (no cluster needed)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import MissingDependencyError
from hyperhop.execution import (
    DaskExecutor,
    EvalSpec,
    MPIExecutor,
    OutsideWorkers,
    RayExecutor,
    Task,
    make_executor,
)
from hyperhop.execution.external import load_object, outside_only
from hyperhop.execution.remote import run_task
from tests.execution._objectives import quad


def test_names_choose_the_executors() -> None:
    ray = make_executor(3, "ray")
    assert isinstance(ray, RayExecutor) and ray.num_workers == 3
    dask = make_executor("2", "dask")
    assert isinstance(dask, DaskExecutor) and dask.n_workers == 2
    assert isinstance(make_executor(1, "mpi"), MPIExecutor)
    assert isinstance(outside_only(0, None, persistent=True), OutsideWorkers)
    assert isinstance(outside_only("0", None, persistent=True), OutsideWorkers)
    assert outside_only(1, None, persistent=True) is None
    assert outside_only(False, None, persistent=True) is None
    assert hh.RayExecutor is RayExecutor and hh.DaskExecutor is DaskExecutor


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n_jobs": 2, "executor": "thread", "trial_timeout": 1.0}, "trial_timeout"),
        ({"n_jobs": 2, "executor": "spark"}, "ray"),
        ({"n_jobs": False}, "n_jobs"),
    ],
)
def test_bad_combinations(kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make_executor(**kwargs)


@pytest.mark.parametrize(
    ("make", "hidden", "extra"),
    [
        (lambda: RayExecutor(num_workers=1), ("ray",), "ray"),
        (lambda: DaskExecutor(n_workers=1), ("distributed",), "dask"),
        (lambda: MPIExecutor(), ("mpi4py", "mpi4py.futures"), "mpi"),
    ],
)
def test_a_missing_library_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, make: Any, hidden: tuple[str, ...], extra: str
) -> None:
    for name in hidden:
        monkeypatch.setitem(__import__("sys").modules, name, None)  # import fails
    with pytest.raises(MissingDependencyError, match=rf"pip install 'hyperhop\[{extra}\]'"):
        make().start(EvalSpec(quad), _NoRelay())


@pytest.mark.parametrize("name", ["ray", "dask", "mpi"])
def test_limits_isolate_the_remote_executors(name: str) -> None:
    ex: Any = make_executor(2, name, trial_timeout=1.5, memory_limit="1GiB")
    assert ex.isolate and ex.trial_timeout == 1.5 and ex.memory_limit == "1GiB"
    assert not make_executor(2, name).isolate
    with pytest.raises(ValueError, match="'trial_timeout' parameter of"):
        make_executor(2, name, trial_timeout=0)
    with pytest.raises(ValueError, match="'memory_limit' parameter"):
        make_executor(2, name, memory_limit="lots")
    given = make_executor(2, name)
    with pytest.raises(ValueError, match="go to the executor"):  # never ignored silently
        make_executor(2, given, trial_timeout=1.0)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"executor": "thread"}, "n_jobs=0"),
        ({"trial_timeout": 1.0}, "n_jobs=0"),
        ({"persistent": False}, "memory study"),
    ],
)
def test_n_jobs_0_takes_no_local_options(kwargs: dict[str, Any], fragment: str) -> None:
    args: dict[str, Any] = {"executor": None, "persistent": True, **kwargs}
    with pytest.raises(ValueError, match=fragment):
        outside_only(0, args.pop("executor"), **args)


@pytest.mark.parametrize(
    ("kwargs", "cls"),
    [({"num_workers": 0}, RayExecutor), ({"n_workers": -1}, DaskExecutor)],
)
def test_bad_worker_counts(kwargs: dict[str, Any], cls: Any) -> None:
    with pytest.raises(ValueError, match="must be an int >= 1"):
        cls(**kwargs)


class _NoRelay:
    def report(self, trial_id: int, step: int, value: float) -> None:
        raise AssertionError("remote trials buffer their intermediate values")

    def should_prune(self, trial_id: int) -> bool:
        raise AssertionError("remote trials cannot ask")


TASK = Task(1, 0, {"x": 0.5, "n": 0, "kind": "a"}, {})


def test_run_task_buffers_intermediate_values_and_never_prunes() -> None:
    def gen(cfg: dict[str, Any]) -> Any:
        yield 3.0
        yield 2.0
        return 1.0

    res = run_task(EvalSpec(gen), TASK)
    assert res.result == 1.0 and res.intermediate == {0: 3.0, 1: 2.0} and not res.pruned


def test_run_task_results_that_cannot_travel() -> None:
    res = run_task(EvalSpec(lambda cfg: threading.Lock()), TASK)
    assert res.error is not None and res.error.reason == "invalid_value"

    class Local(Exception):
        def __reduce__(self) -> Any:
            raise TypeError("cannot pickle")

    def boom(cfg: dict[str, Any]) -> float:
        raise Local("boom")

    res = run_task(EvalSpec(boom, catch=()), TASK)
    assert res.error is not None and res.error.reason == "exception"
    assert isinstance(res.reraise, RuntimeError) and "boom" in str(res.reraise)


def test_load_object() -> None:
    assert load_object("tests.execution._objectives:quad") is quad
    for bad, fragment in [
        ("quad", "module:name"),
        ("tests.execution.nowhere:quad", "Cannot import"),
        ("tests.execution._objectives:nothing", "no attribute"),
    ]:
        with pytest.raises(ValueError, match=fragment):
            load_object(bad)


def test_an_isolated_remote_worker_lives_on() -> None:
    """What an isolated Ray actor, Dask worker or MPI rank does: trials in a child process
    that may die or hang; the worker itself goes on."""
    import os
    import time

    from hyperhop.execution.remote import Isolation, RemoteWorker, dumps_spec

    def gen(cfg: dict[str, Any]) -> Any:
        if cfg["n"] == 1:
            os._exit(3)
        if cfg["n"] == 2:
            time.sleep(60)
        yield 2.0
        return quad(cfg)

    worker = RemoteWorker(dumps_spec(EvalSpec(gen)), None, Isolation(trial_timeout=1.0))
    try:
        res = worker.run(TASK)
        assert res.result == quad(TASK.config) and res.intermediate == {0: 2.0}
        res = worker.run(Task(2, 1, {**TASK.config, "n": 1}, {}))
        assert res.error is not None and res.error.reason == "worker_lost"
        res = worker.run(Task(3, 2, {**TASK.config, "n": 2}, {}))
        assert res.error is not None and res.error.reason == "timeout"
        res = worker.run(TASK)  # a fresh child for the next trial
        assert res.result == quad(TASK.config)
    finally:
        worker.close()


def test_an_isolated_remote_worker_caps_memory() -> None:
    from hyperhop.execution.remote import Isolation, RemoteWorker, dumps_spec

    def hog(cfg: dict[str, Any]) -> float:
        block = bytearray(3 * 1024**3)
        return float(len(block))

    worker = RemoteWorker(dumps_spec(EvalSpec(hog)), None, Isolation(memory_limit="1GiB"))
    try:
        res = worker.run(TASK)
        assert res.error is not None and res.error.reason == "oom", res
    finally:
        worker.close()


def test_a_worker_that_cannot_load_the_objective_fails_each_trial() -> None:
    from hyperhop.execution.process import ExecutorError
    from hyperhop.execution.remote import RemoteWorker

    worker = RemoteWorker(b"not a pickle", None, None)
    assert not worker.ready()
    with pytest.raises(ExecutorError, match="could not load the objective"):
        worker.run(TASK)


def test_ray_runs_no_more_trials_than_the_nodes_hold(caplog: pytest.LogCaptureFixture) -> None:
    """An actor that never gets its CPUs would keep its trials waiting: num_workers is
    lowered to what the nodes hold, with a warning; a process no node can hold is an error."""
    from hyperhop.execution.process import ExecutorError

    assert RayExecutor(num_workers=3)._fit([2.0, 2.0]) == 3
    assert RayExecutor()._fit([2.0, 3.5]) == 5
    assert RayExecutor(cpus_per_trial=0.5, trials_per_process=4)._fit([2.0, 3.0]) == 8
    with caplog.at_level("WARNING", logger="hyperhop.execution"):
        assert RayExecutor(num_workers=8)._fit([2.0, 2.0]) == 4
    assert "num_workers=8" in caplog.text and "running 4" in caplog.text
    with pytest.raises(ExecutorError, match="trials_per_process=16"):
        RayExecutor(num_workers=4, trials_per_process=16)._fit([8.0])
