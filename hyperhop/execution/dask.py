"""Trials as Dask futures, on a Dask distributed cluster or a local one started for the run."""

from __future__ import annotations

import logging
import queue
from typing import Any
from urllib.parse import urlsplit

from hyperhop._lazy import require
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult, drain
from hyperhop.execution.relay_server import RelayServer
from hyperhop.execution.remote import (
    Isolation,
    check_limits,
    drop_worker,
    dumps_spec,
    failed,
    lost,
    run_digest,
    run_shipped,
)

log = logging.getLogger("hyperhop.execution")

_LOST = ("KilledWorker", "CommClosedError", "FutureCancelledError", "CancelledError")


class DaskExecutor(Executor):
    """Each trial is one ``client.submit``; each Dask worker loads the objective once per
    run and keeps it for the next trials.

    With ``client=None`` a ``LocalCluster`` of ``n_workers`` single-threaded worker
    processes is started (no dashboard) and closed after the run; with a
    ``distributed.Client`` the executor uses that cluster and leaves it running, with one
    trial per worker thread unless ``n_workers`` says otherwise.

    ``trial.report()``, generator objectives and ``trial.should_prune()`` reach the study
    while the trial runs, through a small authenticated TCP relay in the driver (JSON
    messages); a worker that cannot reach the driver records its values when the trial
    ends and is not pruned. A worker that dies mid-trial (``os._exit``, a kill) fails that
    trial with reason ``worker_lost`` and the study goes on. The local cluster is started
    with ``allowed-failures`` 0, so Dask does not rerun the trial elsewhere; on your own
    cluster, set ``distributed.scheduler.allowed-failures`` to 0 for the same behaviour.

    A Dask task cannot be stopped from outside, so ``isolate=True`` (implied by
    ``trial_timeout`` or ``memory_limit``) runs each trial in a child process of the worker
    thread (hyperhop's process executor): an objective that hangs past ``trial_timeout``
    seconds is killed and fails with reason ``timeout``, one past ``memory_limit`` with
    ``oom``, one that crashes with ``worker_lost`` or ``signal:<NAME>``, and the Dask
    worker lives on.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)})
        >>> study.optimize(lambda c: c["x"], n_trials=32, executor=hh.DaskExecutor(n_workers=4))  # doctest: +SKIP
    """

    name = "dask"

    def __init__(
        self,
        client: Any = None,
        n_workers: int | None = None,
        *,
        isolate: bool = False,
        trial_timeout: float | None = None,
        memory_limit: int | str | None = None,
        relay_host: str | None = None,
    ) -> None:
        if n_workers is not None and (
            isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1
        ):
            raise ValueError(
                f"The 'n_workers' parameter of DaskExecutor must be an int >= 1 or None. Got {n_workers!r} instead."
            )
        check_limits("DaskExecutor", trial_timeout, memory_limit)
        self.client = client
        self.n_workers = n_workers
        self.isolate = isolate or trial_timeout is not None or memory_limit is not None
        self.trial_timeout = trial_timeout
        self.memory_limit = memory_limit
        self.relay_host = relay_host
        self._distributed: Any = None
        self._own_client: Any = None
        self._cluster: Any = None
        self._args: tuple[Any, ...] = ()
        self._done: queue.Queue[Any] = queue.Queue()
        self._slots = 0
        self._pending: dict[Any, Task] = {}
        self._running: set[int] = set()
        self._server: RelayServer | None = None

    def _client(self) -> Any:
        return self.client if self.client is not None else self._own_client

    def _relay_host(self, client: Any) -> str:
        """The driver's address as the cluster's workers see it."""
        if self.relay_host is not None:
            return self.relay_host
        if self.client is None:
            return "127.0.0.1"  # our LocalCluster
        parts = urlsplit(str(client.scheduler.address))
        host = parts.hostname or "127.0.0.1"
        if parts.scheme == "inproc" or host in ("127.0.0.1", "localhost", "::1"):
            return "127.0.0.1"
        try:
            return str(self._distributed.utils.get_ip(host))
        except OSError:
            return "127.0.0.1"

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        self._distributed = distributed = require("distributed", "dask", "DaskExecutor")
        payload = dumps_spec(spec)
        if self.client is None:
            import dask

            n = self.n_workers or 1
            settings = {
                "distributed.scheduler.allowed-failures": 0,  # a lost trial is not rerun
                "distributed.scheduler.worker-saturation": 1.0,  # no trial waits on a busy worker
            }
            with dask.config.set(settings):
                self._cluster = distributed.LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            self._own_client = distributed.Client(self._cluster)
        client = self._client()
        if self.n_workers is not None:
            self._slots = self.n_workers
        else:
            self._slots = max(1, sum(client.nthreads().values()))
        self._running = set()
        self._server = RelayServer(
            relay, self._relay_host(client), accepts=self._running.__contains__
        )
        isolation = Isolation(self.trial_timeout, self.memory_limit) if self.isolate else None
        endpoint = self._server.endpoint
        # the spec travels with each task (a scattered copy would die with the workers that
        # hold it); each worker unpickles it once, under this digest
        self._args = (run_digest(payload, endpoint, isolation), payload, endpoint, isolation)
        self._pending = {}
        self._done = queue.Queue()

    @property
    def capacity(self) -> int:
        return self._slots - len(self._pending)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, task: Task) -> None:
        client = self._client()
        assert client is not None and self._args, "start() first"
        # known to the relay before the trial can start: its first reports must not be dropped
        self._running.add(task.trial_id)
        try:
            fut = client.submit(run_shipped, *self._args, task, pure=False, retries=0)
        except BaseException:
            self._running.discard(task.trial_id)
            raise
        self._pending[fut] = task
        # the result is fetched in the client's event loop as soon as it exists, many at
        # once: the loop's thread only takes finished results from the queue
        client.loop.add_callback(self._fetch, client, fut)

    async def _fetch(self, client: Any, fut: Any) -> None:
        try:
            (res,) = await client.gather([fut], asynchronous=True)
        except BaseException as e:  # noqa: BLE001 - mapped to a failed trial in collect()
            self._done.put((fut, None, e))
        else:
            self._done.put((fut, res, None))

    def _failed(self, fut: Any, task: Task, exc: BaseException) -> TaskResult:
        if type(exc).__name__ in _LOST or fut.status in ("lost", "cancelled"):
            return lost(task, "Dask", exc)
        return failed(task, "Dask", exc)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        if not self._pending:
            return []
        out: list[TaskResult] = []
        for fut, res, exc in drain(self._done, timeout):
            task = self._pending.pop(fut, None)
            if task is None:
                continue
            self._running.discard(task.trial_id)
            out.append(res if exc is None else self._failed(fut, task, exc))
        return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = [t.trial_id for t in self._pending.values()] if cancel else []
        client = self._client()
        if client is not None and self._pending:
            try:
                client.cancel(list(self._pending), force=True)
            except Exception as e:  # noqa: BLE001 - best effort while shutting down
                log.warning("could not cancel Dask futures: %s", e)
        if self.client is not None and self._args:
            try:  # free the objective (and stop isolated children) on the user's workers
                self.client.run(drop_worker, self._args[0])
            except Exception as e:  # noqa: BLE001 - best effort while shutting down
                log.debug("could not clean the Dask workers up: %s", e)
        self._pending = {}
        self._running = set()
        self._args = ()
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        return cancelled

    def __repr__(self) -> str:
        return f"DaskExecutor(client={self.client!r}, n_workers={self.n_workers!r})"
