"""Trials on MPI ranks, through ``mpi4py.futures.MPIPoolExecutor``."""

from __future__ import annotations

import concurrent.futures as cf
import logging
import socket
import threading
from typing import Any

from hyperhop._lazy import require
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult
from hyperhop.execution.process import ExecutorError
from hyperhop.execution.relay_server import RelayServer
from hyperhop.execution.remote import (
    Isolation,
    check_limits,
    dumps_spec,
    failed,
    lost,
    run_digest,
    run_shipped,
)

log = logging.getLogger("hyperhop.execution")


class MPIExecutor(Executor):
    """Each trial runs on one MPI worker rank of an ``MPIPoolExecutor``.

    Start the script under MPI with the pool's runner, so that rank 0 runs the study and
    every other rank is a worker::

        mpiexec -n 17 python -m mpi4py.futures search.py     # 16 workers

    Without ``mpiexec``, ``max_workers`` ranks are spawned with ``MPI_Comm_spawn`` where
    the MPI library allows it (a pool that has not started within ``start_timeout``
    seconds is an error, not a hang). The objective is sent with cloudpickle, so closures and
    functions defined in the script work.

    ``trial.report()``, generator objectives and ``trial.should_prune()`` reach the study
    while the trial runs, through a small authenticated TCP relay in rank 0 (JSON messages).
    It listens on this machine's loopback only, unless ``relay_host`` names the address to
    listen on and give the ranks, or ``relay_public=True`` opens it on every interface
    (ranks try the loopback, then this host's addresses): a job whose ranks run on other
    machines needs one of them. A rank that cannot reach it records its values when the
    trial ends and is not pruned. Each rank
    loads the objective once per run. An objective that raises fails its trial as
    everywhere. MPI itself has no worker fault tolerance: a rank that dies (``os._exit``,
    a segfault, a kill) makes ``mpiexec`` abort the whole job under Open MPI's defaults. With ``isolate=True`` (implied by
    ``trial_timeout`` or ``memory_limit``) each rank runs its trials in a child process, as
    the process executor does: an objective that crashes, exits, hangs past
    ``trial_timeout`` or exceeds ``memory_limit`` then fails its trial (``signal:<NAME>``,
    ``worker_lost``, ``timeout``, ``oom``) and the rank lives on. A rank killed from
    outside still ends the job.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)})
        >>> study.optimize(lambda c: c["x"], n_trials=32, executor=hh.MPIExecutor())  # doctest: +SKIP
    """

    name = "mpi"

    def __init__(
        self,
        max_workers: int | None = None,
        *,
        isolate: bool = False,
        trial_timeout: float | None = None,
        memory_limit: int | str | None = None,
        start_timeout: float = 120.0,
        relay_host: str | None = None,
        relay_public: bool = False,
    ) -> None:
        if max_workers is not None and (
            isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1
        ):
            raise ValueError(
                f"The 'max_workers' parameter of MPIExecutor must be an int >= 1 or None. Got {max_workers!r} instead."
            )
        check_limits("MPIExecutor", trial_timeout, memory_limit)
        self.max_workers = max_workers
        self.isolate = isolate or trial_timeout is not None or memory_limit is not None
        self.trial_timeout = trial_timeout
        self.memory_limit = memory_limit
        self.start_timeout = start_timeout
        self.relay_host = relay_host
        self.relay_public = bool(relay_public)
        self._pool: Any = None
        self._args: tuple[Any, ...] = ()
        self._running: set[int] = set()
        self._server: RelayServer | None = None
        self._slots = 0
        self._pending: dict[cf.Future[TaskResult], Task] = {}

    def relay_address(self) -> tuple[str, tuple[str, ...]]:
        """Where the relay listens, and the addresses the ranks try (see the class doc)."""
        if self.relay_host is not None:
            return self.relay_host, (self.relay_host,)
        if self.relay_public:  # ranks on other hosts: every interface (the token guards it)
            return "0.0.0.0", ("127.0.0.1", *_host_addresses())
        return "127.0.0.1", ("127.0.0.1",)  # private by default: ranks on this machine

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        futures = require("mpi4py.futures", "mpi", "MPIExecutor")
        payload = dumps_spec(spec)
        self._pool = pool = futures.MPIPoolExecutor(max_workers=self.max_workers)
        sizes: list[int] = []
        waiter = threading.Thread(target=lambda: sizes.append(pool.num_workers), daemon=True)
        waiter.start()
        waiter.join(self.start_timeout)
        if not sizes:  # the pool's lock is held by the waiter: leave the pool as it is
            self._pool = None
            raise ExecutorError(
                f"The MPI worker pool did not start within {self.start_timeout:g} s. Run the script "
                "as 'mpiexec -n N python -m mpi4py.futures script.py', or check that this MPI "
                "library can spawn processes (Open MPI as root needs OMPI_ALLOW_RUN_AS_ROOT=1 "
                "and OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)."
            )
        self._slots = max(1, int(sizes[0]))
        self._pending = {}
        self._running = set()
        bind, hosts = self.relay_address()
        self._server = RelayServer(relay, bind, hosts, accepts=self._running.__contains__)
        isolation = Isolation(self.trial_timeout, self.memory_limit) if self.isolate else None
        endpoint = self._server.endpoint
        self._args = (run_digest(payload, endpoint, isolation), payload, endpoint, isolation)

    @property
    def capacity(self) -> int:
        return self._slots - len(self._pending)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, task: Task) -> None:
        assert self._pool is not None and self._args, "start() first"
        # known to the relay before the trial can start: its first reports must not be dropped
        self._running.add(task.trial_id)
        try:
            fut = self._pool.submit(run_shipped, *self._args, task)
        except BaseException:
            self._running.discard(task.trial_id)
            raise
        self._pending[fut] = task

    def _result(self, fut: cf.Future[TaskResult], task: Task) -> TaskResult:
        try:
            return fut.result(timeout=0)
        except (cf.CancelledError, cf.BrokenExecutor, OSError) as e:
            return lost(task, "MPI", e)
        except Exception as e:  # noqa: BLE001 - anything else the pool reports fails the trial
            return failed(task, "MPI", e)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        if not self._pending:
            return []
        done, _ = cf.wait(list(self._pending), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        out = []
        for f in done:
            task = self._pending.pop(f)
            out.append(self._result(f, task))
            self._running.discard(task.trial_id)
        return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = [t.trial_id for t in self._pending.values()] if cancel else []
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None
        self._pending = {}
        self._running = set()
        self._args = ()
        if self._server is not None:
            self._server.close()
            self._server = None
        return cancelled

    def __repr__(self) -> str:
        return f"MPIExecutor(max_workers={self.max_workers!r})"


def _host_addresses() -> tuple[str, ...]:
    """This host's own addresses, as other hosts may reach it (none when unknown)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return ()
    return tuple(dict.fromkeys(str(i[4][0]) for i in infos if not str(i[4][0]).startswith("127.")))
