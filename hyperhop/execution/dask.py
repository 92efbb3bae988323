"""Trials as Dask futures, on a Dask distributed cluster or a local one started for the run."""

from __future__ import annotations

import logging
import queue
from typing import Any

from hyperhop._lazy import require
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult, drain
from hyperhop.execution.remote import dumps_spec, failed, lost, run_pickled

log = logging.getLogger("hyperhop.execution")

_LOST = ("KilledWorker", "CommClosedError", "FutureCancelledError", "CancelledError")


class DaskExecutor(Executor):
    """Each trial is one ``client.submit`` of the objective.

    With ``client=None`` a ``LocalCluster`` of ``n_workers`` single-threaded worker
    processes is started (no dashboard) and closed after the run; with a
    ``distributed.Client`` the executor uses that cluster and leaves it running, with one
    trial per worker thread unless ``n_workers`` says otherwise.

    On a Dask worker the objective cannot reach the study while it runs: intermediate
    values are buffered and recorded when the trial ends, and ``trial.should_prune()``
    always answers False. A worker that dies mid-trial (``os._exit``, a kill) fails that
    trial with reason ``worker_lost`` and the study goes on. The local cluster is started
    with ``allowed-failures`` 0, so Dask does not rerun the trial elsewhere; on your own
    cluster, set ``distributed.scheduler.allowed-failures`` to 0 for the same behaviour.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)})
        >>> study.optimize(lambda c: c["x"], n_trials=32, executor=hh.DaskExecutor(n_workers=4))  # doctest: +SKIP
    """

    name = "dask"

    def __init__(self, client: Any = None, n_workers: int | None = None) -> None:
        if n_workers is not None and (
            isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1
        ):
            raise ValueError(
                f"The 'n_workers' parameter of DaskExecutor must be an int >= 1 or None. Got {n_workers!r} instead."
            )
        self.client = client
        self.n_workers = n_workers
        self._distributed: Any = None
        self._own_client: Any = None
        self._cluster: Any = None
        self._payload = b""
        self._done: queue.Queue[Any] = queue.Queue()
        self._slots = 0
        self._pending: dict[Any, Task] = {}

    def _client(self) -> Any:
        return self.client if self.client is not None else self._own_client

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        self._distributed = distributed = require("distributed", "dask", "DaskExecutor")
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
        # the spec travels with each task, pickled once here (a scattered copy would die with
        # the workers that hold it)
        self._payload = dumps_spec(spec)
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
        assert client is not None, "start() first"
        fut = client.submit(run_pickled, self._payload, task, pure=False, retries=0)
        self._pending[fut] = task
        fut.add_done_callback(self._done.put)

    def _result(self, fut: Any, task: Task) -> TaskResult:
        try:
            res: TaskResult = fut.result(timeout=60)
            return res
        except Exception as e:  # noqa: BLE001 - mapped to a failed trial below
            if type(e).__name__ in _LOST or fut.status in ("lost", "cancelled"):
                return lost(task, "Dask", e)
            return failed(task, "Dask", e)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        if not self._pending:
            return []
        # done callbacks fill a queue: no per-call wait over every pending future
        done = drain(self._done, timeout)
        return [self._result(f, self._pending.pop(f)) for f in done if f in self._pending]

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = [t.trial_id for t in self._pending.values()] if cancel else []
        client = self._client()
        if client is not None and self._pending:
            try:
                client.cancel(list(self._pending), force=True)
            except Exception as e:  # noqa: BLE001 - best effort while shutting down
                log.warning("could not cancel Dask futures: %s", e)
        self._pending = {}
        self._payload = b""
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        return cancelled

    def __repr__(self) -> str:
        return f"DaskExecutor(client={self.client!r}, n_workers={self.n_workers!r})"
