"""Isolated worker processes: a crash, a hang or an out-of-memory objective fails one
trial, never the study.

Each worker runs one trial at a time in a process of its own: a fork of the executor's
zygote (a fresh interpreter that has imported the worker's code and nothing of the user's,
``zygote.py``), so that 64 workers start in well under a second; or, with
``fork_server=False`` or where ``fork`` is missing, a fresh interpreter each
(``python -m hyperhop.execution._worker``). The driver watches every worker: a trial past
``trial_timeout`` gets SIGTERM, then SIGKILL after ``kill_grace`` seconds; ``memory_limit``
caps the worker's address space (``RLIMIT_AS``), so a runaway allocation raises
``MemoryError`` there; a worker that dies (segfault, ``os._exit``, a kill from outside)
fails its trial with the reason and is replaced.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from hyperhop.exceptions import HyperhopError
from hyperhop.execution import _pickle as cloudpickle
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult
from hyperhop.execution.zygote import ForkedProcess, Zygote
from hyperhop.trial import FailReason, TrialError

log = logging.getLogger("hyperhop.execution")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.I)


def parse_memory(limit: int | str | None) -> int | None:
    """Bytes from an int or a string like ``"512MiB"``, ``"2GB"``, ``"1.5g"`` (None: no limit).

    Example:
        >>> parse_memory("512MiB")
        536870912
    """
    if limit is None:
        return None
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        return limit
    m = _SIZE.match(limit) if isinstance(limit, str) else None
    if m is None:
        raise ValueError(
            f"The 'memory_limit' parameter must be bytes or a size like '512MiB'. Got {limit!r} instead."
        )
    value, unit, _ = m.groups()
    return int(float(value) * 1024 ** " kmgt".index(unit.lower() or " "))


class ExecutorError(HyperhopError, RuntimeError):
    """The executor itself cannot work (not one trial: the whole run)."""


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes] | ForkedProcess
    conn: Connection
    env_label: str | None
    ready: bool = False
    task: Task | None = None
    started: float | None = None
    killing_since: float | None = None
    kill_reason: str | None = None


class ProcessExecutor(Executor):
    """``n_workers`` isolated processes; ``gpus`` pins one worker per listed device with
    ``CUDA_VISIBLE_DEVICES``; ``fork_server=False`` starts each worker as a fresh
    interpreter (about 0.3 s of CPU each) instead of forking it from the zygote.

    A trial that crashes, hangs past ``trial_timeout`` or exceeds ``memory_limit`` fails
    with its reason; its worker is replaced.

    Args:
        n_workers: the number of worker processes (ignored when ``gpus`` is given).
        trial_timeout: seconds after which a trial is killed (fails with ``timeout``).
        memory_limit: the memory a trial may use (bytes, or a string such as ``"2GB"``).
        kill_grace: seconds between SIGTERM and SIGKILL when a trial is killed.
        gpus: device ids, one worker per entry.
        fork_server: fork workers from a zygote process (where the platform allows).

    Raises:
        ValueError: fewer than one worker, or a ``trial_timeout`` that is not > 0.

    Example:
        >>> from hyperhop.execution import ProcessExecutor
        >>> ex = ProcessExecutor(2, trial_timeout=60, memory_limit="2GB")
        >>> ex.n_workers, ex.trial_timeout, ex.memory_limit
        (2, 60, 2147483648)

        Pass it as ``study.optimize(objective, n_trials=..., executor=ex)``.
    """

    name = "process"

    def __init__(
        self,
        n_workers: int,
        *,
        trial_timeout: float | None = None,
        memory_limit: int | str | None = None,
        kill_grace: float = 2.0,
        gpus: list[str] | None = None,
        fork_server: bool = True,
    ) -> None:
        if gpus is not None:
            n_workers = len(gpus)
        if n_workers < 1:
            raise ValueError(f"A process executor needs at least one worker. Got {n_workers}.")
        if trial_timeout is not None and not trial_timeout > 0:
            raise ValueError(
                f"The 'trial_timeout' parameter must be > 0 seconds. Got {trial_timeout!r} instead."
            )
        self.n_workers = n_workers
        self.trial_timeout = trial_timeout
        self.memory_limit = parse_memory(memory_limit)
        self.kill_grace = kill_grace
        self.gpus = gpus
        self.fork_server = fork_server and hasattr(os, "fork") and hasattr(socket, "send_fds")
        self._zygote: Zygote | None = None
        self._workers: list[_Worker] = []
        self._payload: bytes = b""
        self._relay: Relay | None = None
        self._n_obj = 1

    # ------------------------------------------------------------ workers
    @staticmethod
    def _env() -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p or os.getcwd() for p in sys.path)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        return env

    def _fork(
        self, env: dict[str, str], fresh: bool = False
    ) -> tuple[ForkedProcess, socket.socket]:
        if fresh or self._zygote is None or self._zygote.proc.poll() is not None:
            if self._zygote is not None:
                log.warning("the process executor's fork server is gone; starting another")
                self._zygote.close()
            self._zygote = Zygote(self._env())
        return self._zygote.spawn(env)

    def _spawn(self, slot: int) -> _Worker:
        label = None if self.gpus is None else self.gpus[slot]
        own = {} if label is None else {"CUDA_VISIBLE_DEVICES": label}
        proc: subprocess.Popen[bytes] | ForkedProcess
        if self.fork_server:
            try:
                proc, parent = self._fork(own)
            except OSError:  # the zygote died since we last looked: one more, then give up
                proc, parent = self._fork(own, fresh=True)
        else:
            parent, child = socket.socketpair()
            proc = subprocess.Popen(
                [sys.executable, "-m", "hyperhop.execution._worker", str(child.fileno())],
                pass_fds=(child.fileno(),),
                env={**self._env(), **own},
                stdin=subprocess.DEVNULL,
            )
            child.close()
        conn = Connection(parent.detach())
        conn.send(("init", self._payload, self.memory_limit))
        return _Worker(proc, conn, label)

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        self._relay = relay
        self._n_obj = spec.n_objectives
        try:
            self._payload = cloudpickle.dumps(
                (spec.objective, dict(spec.kwargs), spec.pass_trial, spec.catch, spec.n_objectives)
            )
        except Exception as e:  # any pickling failure means the same thing
            raise ExecutorError(
                f"The objective cannot be sent to worker processes ({type(e).__name__}: {e}). "
                "Make it a module-level function, or keep unpicklable objects (locks, open files, "
                "connections) out of its closure and create them inside it."
            ) from e
        self._workers = [self._spawn(i) for i in range(self.n_workers)]

    @property
    def capacity(self) -> int:
        return sum(1 for w in self._workers if w.task is None)

    @property
    def in_flight(self) -> int:
        return sum(1 for w in self._workers if w.task is not None)

    def submit(self, task: Task) -> None:
        msg = (
            "task",
            task.trial_id,
            task.number,
            cloudpickle.dumps(task.config),
            dict(task.params),
        )
        # an idle worker may have died since the last collect() (its fork server killed, say):
        # it is replaced, and the task goes to the next free one
        for _ in range(len(self._workers) + 1):
            w = next((w for w in self._workers if w.task is None), None)
            if w is None:
                break
            try:
                w.conn.send(msg)
            except OSError:
                self._lost(w)
                continue
            w.task = task
            w.started = None  # the clock starts when the worker says it began
            return
        raise RuntimeError("submit() called with no free worker")

    def _replace(self, w: _Worker) -> None:
        try:
            w.conn.close()
        except OSError:
            pass
        i = self._workers.index(w)
        self._workers[i] = self._spawn(i)

    def _lost(self, w: _Worker) -> TaskResult | None:
        """A worker's connection closed: collect its exit status and replace it."""
        try:
            code = w.proc.wait(timeout=self.kill_grace + 5)
        except subprocess.TimeoutExpired:
            w.proc.kill()
            code = w.proc.wait()
        task = w.task
        self._replace(w)
        if task is None:
            log.warning("an idle worker exited with code %s; replaced", code)
            return None
        if w.kill_reason == FailReason.TIMEOUT.value:
            err = TrialError(
                FailReason.TIMEOUT.value,
                f"the trial ran past trial_timeout={self.trial_timeout:g} s and was killed",
            )
        elif code is not None and code < 0:
            name = signal.Signals(-code).name
            err = TrialError(FailReason.signal(name), f"the worker process was killed by {name}")
        else:
            err = TrialError(
                FailReason.WORKER_LOST.value,
                f"the worker process exited with code {code} during the trial",
            )
        log.warning("trial %d: %s; the worker was replaced", task.number, err.message)
        return TaskResult(task.trial_id, error=err)

    def _police(self, now: float) -> None:
        for w in self._workers:
            if w.task is None or self.trial_timeout is None or w.started is None:
                continue
            if w.killing_since is None and now - w.started > self.trial_timeout:
                w.kill_reason = FailReason.TIMEOUT.value
                w.killing_since = now
                try:
                    w.proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
            elif w.killing_since is not None and now - w.killing_since > self.kill_grace:
                try:
                    w.proc.kill()
                except ProcessLookupError:
                    pass

    def _next_deadline(self, now: float) -> float | None:
        times = []
        for w in self._workers:
            if w.task is not None and self.trial_timeout is not None and w.started is not None:
                if w.killing_since is None:
                    times.append(w.started + self.trial_timeout - now)
                else:
                    times.append(w.killing_since + self.kill_grace - now)
        return max(min(times), 0.0) + 0.01 if times else None

    # ------------------------------------------------------------ results
    def _handle(self, w: _Worker, msg: Any) -> TaskResult | None:
        assert self._relay is not None
        kind = msg[0]
        if kind == "ready":
            w.ready = True
        elif kind == "start":
            w.started = time.monotonic()
        elif kind == "init-failed":
            self.shutdown(cancel=True)
            raise ExecutorError(
                "A worker process could not load the objective (it must be importable or "
                f"picklable with cloudpickle):\n{msg[1]}"
            )
        elif kind == "report":
            self._relay.report(msg[1], msg[2], msg[3])
        elif kind == "prune?":
            w.conn.send(("prune", self._relay.should_prune(msg[1])))
        elif kind == "done":
            _, trial_id, result, pruned, err, reraise = msg
            w.task = None
            exc = cloudpickle.loads(reraise) if reraise is not None else None
            error = TrialError.from_json(err)
            return TaskResult(trial_id, result=result, error=error, reraise=exc, pruned=pruned)
        return None

    def collect(self, timeout: float | None) -> list[TaskResult]:
        out: list[TaskResult] = []
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            now = time.monotonic()
            self._police(now)
            wait_for = self._next_deadline(now)
            if end is not None:
                left = max(end - now, 0.0)
                wait_for = left if wait_for is None else min(wait_for, left)
            by_conn = {w.conn: w for w in self._workers}
            ready = wait(list(by_conn), timeout=wait_for)
            for conn in ready:
                w = by_conn[conn]  # type: ignore[index]
                try:
                    while w.conn.poll():
                        res = self._handle(w, w.conn.recv())
                        if res is not None:
                            out.append(res)
                except (EOFError, OSError):
                    lost = self._lost(w)
                    if lost is not None:
                        out.append(lost)
            if out or (end is not None and time.monotonic() >= end) or self.in_flight == 0:
                return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = []
        for w in self._workers:
            if w.task is not None and cancel:
                cancelled.append(w.task.trial_id)
                w.proc.kill()
            else:
                try:
                    w.conn.send(("stop",))
                except OSError:
                    pass
        deadline = time.monotonic() + self.kill_grace + 1
        for w in self._workers:
            try:
                w.proc.wait(timeout=max(deadline - time.monotonic(), 0.05))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()
            w.conn.close()
        self._workers = []
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        return cancelled
