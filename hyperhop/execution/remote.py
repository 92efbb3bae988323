"""What the Ray, Dask and MPI executors share: the worker side of a run, and how a lost
worker becomes a failed trial.

A remote worker holds one run's objective (unpickled once, not per trial) in a
:class:`RemoteWorker`. Intermediate values and pruning questions go live to the driver
through its :class:`~hyperhop.execution.relay_server.RelayServer`; a worker that cannot
reach it buffers the values, which come back with the result
(:attr:`TaskResult.intermediate`), and is not pruned. With an :class:`Isolation`, each
worker thread runs its trials in a child process (hyperhop's process executor), so an
objective that crashes, exits, hangs past ``trial_timeout`` or exceeds ``memory_limit``
fails its trial and the worker lives on.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hyperhop.execution import _pickle as cloudpickle
from hyperhop.execution.base import EvalSpec, Relay, Task, TaskResult
from hyperhop.execution.evaluate import evaluate
from hyperhop.execution.relay_server import Endpoint, RemoteRelay
from hyperhop.trial import FailReason, TrialError

if TYPE_CHECKING:
    from hyperhop.execution.process import ProcessExecutor

log = logging.getLogger("hyperhop.execution")


@dataclass(frozen=True)
class Isolation:
    """Run each trial of a remote worker in a child process with these limits."""

    trial_timeout: float | None = None
    memory_limit: int | str | None = None


def check_limits(owner: str, trial_timeout: float | None, memory_limit: int | str | None) -> None:
    """The shared rules for ``trial_timeout`` (None, or seconds > 0) and ``memory_limit``
    (checked here, in the driver, rather than on every worker)."""
    from hyperhop.execution.process import parse_memory

    if trial_timeout is not None and not (
        isinstance(trial_timeout, (int, float))
        and not isinstance(trial_timeout, bool)
        and trial_timeout > 0
    ):
        raise ValueError(
            f"The 'trial_timeout' parameter of {owner} must be > 0 seconds. Got {trial_timeout!r} instead."
        )
    parse_memory(memory_limit)


class _Forward:
    """The relay of an isolated child: forwards to the current trial's relay."""

    def __init__(self) -> None:
        self.target: Relay | None = None

    def report(self, trial_id: int, step: int, value: float) -> None:
        if self.target is not None:
            self.target.report(trial_id, step, value)

    def should_prune(self, trial_id: int) -> bool:
        return self.target is not None and self.target.should_prune(trial_id)


def sendable(res: TaskResult) -> TaskResult:
    """The result, made safe to send back to the driver: an exception that cannot travel
    goes back as text; a return value that cannot fails the trial."""
    res.cause = None  # the traceback travels as text in res.error
    if res.reraise is not None:
        try:
            cloudpickle.dumps(res.reraise)
        except Exception:  # noqa: BLE001 - an exception that cannot travel goes back as text
            res.reraise = RuntimeError(f"{type(res.reraise).__name__}: {res.reraise}")
    try:
        cloudpickle.dumps(res.result)
    except Exception as e:  # noqa: BLE001 - any pickling failure means the same thing
        return TaskResult(
            res.trial_id,
            error=TrialError(
                FailReason.INVALID_VALUE.value,
                f"the objective's result cannot be sent back to the driver: {e}",
                type(e).__name__,
            ),
            intermediate=res.intermediate,
        )
    return res


class RemoteWorker:
    """One run's objective on a remote worker (a Ray actor, or cached in a Dask worker or
    an MPI rank), able to run several trials at once from different threads."""

    def __init__(
        self, payload: bytes, endpoint: Endpoint | None, isolation: Isolation | None
    ) -> None:
        self.endpoint = endpoint
        self.isolation = isolation
        self._spec: EvalSpec | None = None
        self._error: str | None = None
        try:
            self._spec = cloudpickle.loads(payload)
        except Exception as e:  # noqa: BLE001 - reported by every trial that needs it
            self._error = f"{type(e).__name__}: {e}"
        self._local = threading.local()
        self._children: list[ProcessExecutor] = []
        self._lock = threading.Lock()

    def ready(self) -> bool:
        """Whether the objective loaded (a cheap call that waits for the worker to start)."""
        return self._error is None

    def run(self, task: Task) -> TaskResult:
        """Evaluate one task; the result is safe to send back."""
        if self._spec is None:
            from hyperhop.execution.process import ExecutorError

            raise ExecutorError(f"the worker could not load the objective: {self._error}")
        relay = RemoteRelay(self.endpoint)
        if self.isolation is None:
            res = evaluate(self._spec, task, relay)
        else:
            res = self._run_isolated(self._spec, self.isolation, task, relay)
        relay.flush()
        res.intermediate = {**res.intermediate, **relay.values}
        return sendable(res)

    def _run_isolated(
        self, spec: EvalSpec, iso: Isolation, task: Task, relay: RemoteRelay
    ) -> TaskResult:
        from hyperhop.execution.process import ProcessExecutor

        entry = getattr(self._local, "child", None)
        if entry is None:
            forward = _Forward()
            # one child per worker thread: a fork server would only add a process
            child = ProcessExecutor(
                1, trial_timeout=iso.trial_timeout, memory_limit=iso.memory_limit, fork_server=False
            )
            child.start(spec, forward)
            with self._lock:
                self._children.append(child)
            entry = self._local.child = (child, forward)
        child, forward = entry
        forward.target = relay
        try:
            child.submit(task)
            done: list[TaskResult] = []
            while not done:
                done = child.collect(timeout=1.0)
        except BaseException:
            self._local.child = None  # a child that could not run the trial is not reused
            with self._lock:
                if child in self._children:
                    self._children.remove(child)
            child.shutdown(cancel=True)
            raise
        finally:
            forward.target = None
        return done[0]

    def close(self) -> None:
        """Stop the child processes of isolated trials."""
        with self._lock:
            children, self._children = self._children, []
        for child in children:
            child.shutdown(cancel=True)


_WORKERS: OrderedDict[str, RemoteWorker] = OrderedDict()
"""This process's workers by run (Dask workers, MPI ranks), the most recent last."""
_WORKERS_LOCK = threading.Lock()
_KEEP = 4


def run_digest(payload: bytes, endpoint: Endpoint | None, isolation: Isolation | None) -> str:
    """The key under which workers cache one run's :class:`RemoteWorker`."""
    h = hashlib.sha256(payload)
    h.update(repr((endpoint, isolation)).encode())
    return h.hexdigest()


def run_shipped(
    digest: str,
    payload: bytes,
    endpoint: Endpoint | None,
    isolation: Isolation | None,
    task: Task,
) -> TaskResult:
    """What a Dask worker or an MPI rank runs per trial: the run's :class:`RemoteWorker`
    (made on the first trial, kept for the next ones) evaluates the task."""
    with _WORKERS_LOCK:
        worker = _WORKERS.get(digest)
        if worker is None:
            worker = _WORKERS[digest] = RemoteWorker(payload, endpoint, isolation)
            while len(_WORKERS) > _KEEP:
                _, old = _WORKERS.popitem(last=False)
                old.close()
        else:
            _WORKERS.move_to_end(digest)
    return worker.run(task)


def drop_worker(digest: str) -> bool:
    """Forget a run's worker here and stop its child processes (after the run)."""
    with _WORKERS_LOCK:
        worker = _WORKERS.pop(digest, None)
    if worker is not None:
        worker.close()
    return worker is not None


def run_task(spec: EvalSpec, task: Task, endpoint: Endpoint | None = None) -> TaskResult:
    """Evaluate one task here as a remote worker would (no isolation)."""
    relay = RemoteRelay(endpoint)
    res = evaluate(spec, task, relay)
    relay.flush()
    res.intermediate = {**res.intermediate, **relay.values}
    return sendable(res)


def lost(task: Task, backend: str, exc: BaseException, reason: str | None = None) -> TaskResult:
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
            reason or FailReason.WORKER_LOST.value,
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
