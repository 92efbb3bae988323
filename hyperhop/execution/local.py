"""Executors in this process: the caller's thread, or a pool of threads."""

from __future__ import annotations

import queue
import threading

from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult, drain
from hyperhop.execution.evaluate import evaluate


class InlineExecutor(Executor):
    """Runs each objective in the caller's thread, one at a time (``n_jobs=1``).

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.execution import InlineExecutor
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(lambda c: c["x"], n_trials=2, executor=InlineExecutor(),
        ...                    progress=False)
        >>> len(study.trials)
        2
    """

    name = "inline"

    def __init__(self) -> None:
        self._done: list[TaskResult] = []
        self._spec: EvalSpec | None = None
        self._relay: Relay | None = None

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        self._spec, self._relay = spec, relay

    @property
    def capacity(self) -> int:
        return 0 if self._done else 1

    @property
    def in_flight(self) -> int:
        return len(self._done)

    def submit(self, task: Task) -> None:
        assert self._spec is not None and self._relay is not None, "start() first"
        self._done.append(evaluate(self._spec, task, self._relay))

    def collect(self, timeout: float | None) -> list[TaskResult]:
        out, self._done = self._done, []
        return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        return []


class ThreadExecutor(Executor):
    """A pool of threads in this process: cheap, shares memory, but a crash or hang in the
    objective is not contained (use the process executor for that).

    Args:
        n_workers: the number of threads.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.execution import ThreadExecutor
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(lambda c: c["x"], n_trials=4, executor=ThreadExecutor(2),
        ...                    progress=False)
        >>> len(study.trials)
        4
    """

    name = "thread"

    def __init__(self, n_workers: int) -> None:
        self.n_workers = n_workers
        self._tasks: queue.Queue[Task | None] = queue.Queue()
        self._results: queue.Queue[TaskResult] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._lock = threading.Lock()

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        def loop() -> None:
            while (task := self._tasks.get()) is not None:
                try:
                    res = evaluate(spec, task, relay)
                except BaseException as e:  # noqa: BLE001 - KeyboardInterrupt in a worker thread
                    res = TaskResult(task.trial_id, reraise=e)
                self._results.put(res)

        self._threads = [
            threading.Thread(target=loop, name=f"hyperhop-thread-{i}", daemon=True)
            for i in range(self.n_workers)
        ]
        for t in self._threads:
            t.start()

    @property
    def capacity(self) -> int:
        return self.n_workers - self._running

    @property
    def in_flight(self) -> int:
        return self._running

    def submit(self, task: Task) -> None:
        with self._lock:
            self._running += 1
        self._tasks.put(task)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        out = drain(self._results, timeout if self._running else 0.0)
        with self._lock:
            self._running -= len(out)
        return out
        while True:
            try:
                out.append(self._results.get_nowait())
            except queue.Empty:
                break
        with self._lock:
            self._running -= len(out)
        return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        for _ in self._threads:
            self._tasks.put(None)
        return []
