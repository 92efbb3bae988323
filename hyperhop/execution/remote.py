"""What the Ray, Dask and MPI executors share: the function their workers run, and how a
lost worker becomes a failed trial.

A remote worker cannot call back into the study while the objective runs, so intermediate
values are buffered and come back with the result (:attr:`TaskResult.intermediate`), and
``trial.should_prune()`` answers False there.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from hyperhop.execution import _pickle as cloudpickle
from hyperhop.execution.base import EvalSpec, Task, TaskResult
from hyperhop.execution.evaluate import evaluate
from hyperhop.trial import FailReason, TrialError

log = logging.getLogger("hyperhop.execution")


class BufferRelay:
    """The relay of a remote trial: keeps intermediate values; never prunes."""

    def __init__(self) -> None:
        self.values: dict[int, float] = {}

    def report(self, trial_id: int, step: int, value: float) -> None:
        self.values[step] = value

    def should_prune(self, trial_id: int) -> bool:
        return False


def run_task(spec: EvalSpec, task: Task) -> TaskResult:
    """Evaluate one task on a remote worker; the result is safe to send back."""
    relay = BufferRelay()
    res = evaluate(spec, task, relay)
    res.intermediate = relay.values
    if res.reraise is not None:
        try:
            cloudpickle.dumps(res.reraise)
        except Exception:  # noqa: BLE001 - an exception that cannot travel goes back as text
            res.reraise = RuntimeError(f"{type(res.reraise).__name__}: {res.reraise}")
    try:
        cloudpickle.dumps(res.result)
    except Exception as e:  # noqa: BLE001 - any pickling failure means the same thing
        return TaskResult(
            task.trial_id,
            error=TrialError(
                FailReason.INVALID_VALUE.value,
                f"the objective's result cannot be sent back to the driver: {e}",
                type(e).__name__,
            ),
            intermediate=relay.values,
        )
    return res


def run_pickled(payload: bytes, task: Task) -> TaskResult:
    """:func:`run_task` on a spec cloudpickled by the driver (for pools that pickle with the
    standard library, as mpi4py does)."""
    spec: EvalSpec = cloudpickle.loads(payload)
    return run_task(spec, task)


_ISOLATED: dict[tuple[str, float | None, int | str | None], Any] = {}
"""This worker's child process for isolated trials (one objective at a time)."""


def run_isolated(
    payload: bytes,
    task: Task,
    trial_timeout: float | None = None,
    memory_limit: int | str | None = None,
) -> TaskResult:
    """:func:`run_pickled` in a child process of this worker (hyperhop's process executor,
    started on first use and kept), so an objective that crashes, exits, hangs past
    ``trial_timeout`` or exceeds ``memory_limit`` fails its trial and the worker lives on."""
    from hyperhop.execution.process import ProcessExecutor

    key = (hashlib.sha256(payload).hexdigest(), trial_timeout, memory_limit)
    entry = _ISOLATED.get(key)
    if entry is None:
        for old, _ in _ISOLATED.values():
            old.shutdown(cancel=True)
        _ISOLATED.clear()
        relay = BufferRelay()
        child = ProcessExecutor(1, trial_timeout=trial_timeout, memory_limit=memory_limit)
        child.start(cloudpickle.loads(payload), relay)
        entry = _ISOLATED[key] = (child, relay)
    child, relay = entry
    relay.values = {}
    child.submit(task)
    done: list[TaskResult] = []
    while not done:
        done = child.collect(timeout=1.0)
    res = done[0]
    res.intermediate = dict(relay.values)
    if res.reraise is not None:
        try:
            cloudpickle.dumps(res.reraise)
        except Exception:  # noqa: BLE001 - an exception that cannot travel goes back as text
            res.reraise = RuntimeError(f"{type(res.reraise).__name__}: {res.reraise}")
    return res


def lost(task: Task, backend: str, exc: BaseException) -> TaskResult:
    """A FAILED(worker_lost) result for a task whose worker died or vanished."""
    log.warning(
        "trial %d: the %s worker running it was lost (%s: %s)",
        task.number,
        backend,
        type(exc).__name__,
        exc,
    )
    return TaskResult(
        task.trial_id,
        error=TrialError(
            FailReason.WORKER_LOST.value,
            f"the {backend} worker running the trial was lost: {exc}",
            type(exc).__name__,
        ),
    )


def failed(task: Task, backend: str, exc: BaseException, reason: str | None = None) -> TaskResult:
    """A FAILED result for a task whose evaluation broke down outside the objective."""
    return TaskResult(
        task.trial_id,
        error=TrialError(
            reason or FailReason.EXCEPTION.value,
            f"{backend} could not run the trial: {exc}",
            type(exc).__name__,
        ),
    )


def dumps_spec(spec: EvalSpec) -> bytes:
    """The spec as bytes for the workers, or an error that says how to fix the objective."""
    from hyperhop.execution.process import ExecutorError

    try:
        return cloudpickle.dumps(spec)
    except Exception as e:
        raise ExecutorError(
            f"The objective cannot be sent to remote workers ({type(e).__name__}: {e}). "
            "Make it a module-level function, or keep unpicklable objects (locks, open files, "
            "connections) out of its closure and create them inside it."
        ) from e
