"""Trials as Ray tasks, on a Ray cluster or a local one started for the run."""

from __future__ import annotations

import logging
import queue
from typing import Any

from hyperhop._lazy import require
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult, drain
from hyperhop.execution.remote import failed, lost, run_task
from hyperhop.trial import FailReason

log = logging.getLogger("hyperhop.execution")

_LOST = (
    "WorkerCrashedError",
    "NodeDiedError",
    "LocalRayletDiedError",
    "ObjectLostError",
    "OwnerDiedError",
    "RayActorError",
    "TaskCancelledError",
    "RaySystemError",
)


class RayExecutor(Executor):
    """Each trial is one Ray remote call of the objective (``cpus_per_trial`` CPUs each).

    With ``address=None`` and no Ray session yet, a local cluster of ``num_workers`` CPUs is
    started (no dashboard) and shut down after the run; with an address (``"auto"``,
    ``"ray://head:10001"``) the executor joins that cluster and leaves it running. Extra
    keyword arguments go to ``ray.init``.

    On a Ray worker the objective cannot reach the study while it runs: intermediate values
    are buffered and recorded when the trial ends, and ``trial.should_prune()`` always
    answers False. Tasks are not retried: a worker that dies mid-trial (``os._exit``, a
    kill, a lost node) fails that trial with reason ``worker_lost`` (``oom`` when Ray's
    memory monitor killed it), and the study goes on.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)})
        >>> study.optimize(lambda c: c["x"], n_trials=32, executor=hh.RayExecutor(num_workers=4))  # doctest: +SKIP
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_workers: int | None = None,
        *,
        cpus_per_trial: float = 1.0,
        **ray_init_kwargs: Any,
    ) -> None:
        if num_workers is not None and (
            isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1
        ):
            raise ValueError(
                f"The 'num_workers' parameter of RayExecutor must be an int >= 1 or None. Got {num_workers!r} instead."
            )
        if not cpus_per_trial > 0:
            raise ValueError(
                f"The 'cpus_per_trial' parameter of RayExecutor must be > 0. Got {cpus_per_trial!r} instead."
            )
        self.address = address
        self.num_workers = num_workers
        self.cpus_per_trial = float(cpus_per_trial)
        self.ray_init_kwargs = ray_init_kwargs
        self._ray: Any = None
        self._owns = False
        self._remote: Any = None
        self._spec_ref: Any = None
        self._slots = 0
        self._pending: dict[Any, Task] = {}
        self._done: queue.Queue[Any] = queue.Queue()

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        ray = self._ray = require("ray", "ray", "RayExecutor")
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": True}
            if self.address is None and self.num_workers is not None:
                kwargs["num_cpus"] = max(1, round(self.num_workers * self.cpus_per_trial))
            kwargs.update(self.ray_init_kwargs)
            ray.init(address=self.address, **kwargs)
            self._owns = True
        if self.num_workers is not None:
            self._slots = self.num_workers
        else:
            cpus = float(ray.cluster_resources().get("CPU", 1.0))
            self._slots = max(1, int(cpus / self.cpus_per_trial))
        self._remote = ray.remote(run_task).options(
            num_cpus=self.cpus_per_trial, max_retries=0, retry_exceptions=False
        )
        self._spec_ref = ray.put(spec)
        self._pending = {}
        self._done = queue.Queue()

    @property
    def capacity(self) -> int:
        return self._slots - len(self._pending)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, task: Task) -> None:
        assert self._remote is not None, "start() first"
        ref = self._remote.remote(self._spec_ref, task)
        self._pending[ref] = task
        ref.future().add_done_callback(lambda _: self._done.put(ref))

    def _result(self, ref: Any, task: Task) -> TaskResult:
        errors = self._ray.exceptions
        try:
            res: TaskResult = self._ray.get(ref)
            return res
        except errors.OutOfMemoryError as e:
            return failed(task, "Ray", e, FailReason.OOM.value)
        except errors.RayTaskError as e:
            cause = getattr(e, "cause", None)
            if type(cause).__name__ in _LOST:
                return lost(task, "Ray", e)
            return failed(task, "Ray", e)
        except errors.RayError as e:
            return lost(task, "Ray", e)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        if not self._pending:
            return []
        # done callbacks fill a queue: no per-call wait over every pending task
        ready = drain(self._done, timeout)
        return [self._result(ref, self._pending.pop(ref)) for ref in ready if ref in self._pending]

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = []
        if cancel and self._ray is not None:
            for ref, task in self._pending.items():
                try:
                    self._ray.cancel(ref, force=True)
                except Exception as e:  # noqa: BLE001 - best effort while shutting down
                    log.warning("could not cancel Ray task of trial %d: %s", task.number, e)
                cancelled.append(task.trial_id)
        self._pending = {}
        self._spec_ref = None
        if self._owns and self._ray is not None:
            self._ray.shutdown()
            self._owns = False
        return cancelled

    def __repr__(self) -> str:
        return f"RayExecutor(address={self.address!r}, num_workers={self.num_workers!r})"
