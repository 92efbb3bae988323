"""Trials on Ray actors, on a Ray cluster or a local one started for the run."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from hyperhop._lazy import require
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult
from hyperhop.execution.relay_server import RelayServer
from hyperhop.execution.remote import (
    Isolation,
    RemoteWorker,
    check_limits,
    dumps_spec,
    failed,
    lost,
)
from hyperhop.trial import FailReason

log = logging.getLogger("hyperhop.execution")


@dataclass
class _Actor:
    handle: Any
    slots: int
    busy: int = 0


class RayExecutor(Executor):
    """Trials run on a pool of Ray actors that load the objective once and then take one
    trial after another (``cpus_per_trial`` CPUs per trial).

    With ``address=None`` and no Ray session yet, a local cluster of ``num_workers`` CPUs is
    started (no dashboard) and shut down after the run; with an address (``"auto"``,
    ``"ray://head:10001"``) the executor joins that cluster and leaves it running. Extra
    keyword arguments go to ``ray.init``.

    Each actor is one Ray worker process running ``trials_per_process`` trials at a time
    (in threads; default 1). More than one lets many simulated workers share a few CPUs,
    but a worker that dies then fails all the trials it was running. ``num_workers`` above
    what the cluster's nodes hold now is lowered to that, with a warning (an actor that
    never gets its CPUs would keep its trials waiting).

    ``trial.report()``, generator objectives and ``trial.should_prune()`` reach the study
    while the trial runs, through a small authenticated TCP relay in the driver (JSON
    messages); a worker that cannot reach the driver records its values when the trial
    ends and is not pruned. Trials are not retried: a worker that dies mid-trial
    (``os._exit``, a kill, a lost node) fails its trial with reason ``worker_lost``
    (``oom`` when Ray's memory monitor killed it), a new actor takes its place, and the
    study goes on. With ``isolate=True`` (implied by ``trial_timeout`` or
    ``memory_limit``) each actor runs its trials in a child process, as the process
    executor does: an objective that hangs past ``trial_timeout`` seconds is killed and
    fails with reason ``timeout``, one past ``memory_limit`` with ``oom``.

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
        trials_per_process: int = 1,
        isolate: bool = False,
        trial_timeout: float | None = None,
        memory_limit: int | str | None = None,
        relay_host: str | None = None,
        **ray_init_kwargs: Any,
    ) -> None:
        for label, value in (
            ("num_workers", num_workers),
            ("trials_per_process", trials_per_process),
        ):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise ValueError(
                    f"The '{label}' parameter of RayExecutor must be an int >= 1"
                    f"{' or None' if label == 'num_workers' else ''}. Got {value!r} instead."
                )
        if not cpus_per_trial > 0:
            raise ValueError(
                f"The 'cpus_per_trial' parameter of RayExecutor must be > 0. Got {cpus_per_trial!r} instead."
            )
        check_limits("RayExecutor", trial_timeout, memory_limit)
        self.address = address
        self.num_workers = num_workers
        self.cpus_per_trial = float(cpus_per_trial)
        self.trials_per_process = trials_per_process
        self.isolate = isolate or trial_timeout is not None or memory_limit is not None
        self.trial_timeout = trial_timeout
        self.memory_limit = memory_limit
        self.relay_host = relay_host
        self.ray_init_kwargs = ray_init_kwargs
        self._ray: Any = None
        self._owns = False
        self._cls: Any = None
        self._args: tuple[Any, ...] = ()
        self._actors: list[_Actor] = []
        self._pending: dict[Any, tuple[Task, _Actor]] = {}
        self._running: set[int] = set()
        self._server: RelayServer | None = None

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        ray = self._ray = require("ray", "ray", "RayExecutor")
        payload = dumps_spec(spec)
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": True}
            if self.address is None and self.num_workers is not None:
                per = self.trials_per_process
                need = -(-self.num_workers // per) * per * self.cpus_per_trial
                kwargs["num_cpus"] = max(1, math.ceil(need - 1e-9))
            kwargs.update(self.ray_init_kwargs)
            ray.init(address=self.address, **kwargs)
            self._owns = True
        try:
            self._start(ray, payload, relay)
        except BaseException:
            self.shutdown(cancel=True)
            raise

    def _start(self, ray: Any, payload: bytes, relay: Relay) -> None:
        slots = self._fit(self._node_cpus())
        if self.relay_host is not None:
            host = self.relay_host
        elif self._owns and self.address is None:
            host = "127.0.0.1"  # a cluster on this machine only
        else:
            host = ray.util.get_node_ip_address()
        self._running = set()
        self._server = RelayServer(relay, host, accepts=self._running.__contains__)
        isolation = Isolation(self.trial_timeout, self.memory_limit) if self.isolate else None
        self._args = (ray.put(payload), self._server.endpoint, isolation)
        self._cls = ray.remote(RemoteWorker)
        self._pending = {}
        self._actors = []
        left = slots
        while left > 0:
            n = min(self.trials_per_process, left)
            self._actors.append(_Actor(self._new_actor(n), n))
            left -= n

    def _node_cpus(self) -> list[float]:
        """The CPUs of each live node of the cluster."""
        try:
            nodes = self._ray.nodes()
        except Exception as e:  # noqa: BLE001 - a client that cannot list nodes: trust the total
            log.debug("could not list the Ray nodes: %s", e)
            return [float(self._ray.cluster_resources().get("CPU", 1.0))]
        return [float(n.get("Resources", {}).get("CPU", 0.0)) for n in nodes if n.get("Alive")]

    def _fit(self, node_cpus: list[float]) -> int:
        """How many trials run at once: ``num_workers``, or as many as the nodes hold, and
        never more than the nodes hold now (an actor that never gets its CPUs would keep
        its trials waiting forever)."""
        per, cpt = self.trials_per_process, self.cpus_per_trial
        room = sum(int(c / (cpt * per) + 1e-9) for c in node_cpus) * per
        if room == 0:
            from hyperhop.execution.process import ExecutorError

            raise ExecutorError(
                f"No node of the Ray cluster has the {cpt * per:g} CPUs one worker process needs "
                f"(cpus_per_trial={cpt:g} x trials_per_process={per}); the nodes have "
                f"{'+'.join(f'{c:g}' for c in node_cpus) or 'no'} CPUs. Lower cpus_per_trial or "
                "trials_per_process."
            )
        if self.num_workers is None:
            return room
        if self.num_workers > room:
            log.warning(
                "RayExecutor: num_workers=%d, but the Ray cluster's nodes (%s CPUs) hold %d "
                "trials of cpus_per_trial=%g at a time; running %d",
                self.num_workers,
                "+".join(f"{c:g}" for c in node_cpus),
                room,
                cpt,
                room,
            )
            return room
        return self.num_workers

    def _new_actor(self, slots: int) -> Any:
        return self._cls.options(
            num_cpus=self.cpus_per_trial * slots,
            max_concurrency=slots,
            max_restarts=0,
            max_task_retries=0,
        ).remote(*self._args)

    @property
    def capacity(self) -> int:
        return sum(a.slots for a in self._actors) - len(self._pending)

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def submit(self, task: Task) -> None:
        assert self._cls is not None, "start() first"
        actor = max(self._actors, key=lambda a: a.slots - a.busy)
        if actor.busy >= actor.slots:
            raise RuntimeError("submit() called with no free worker")
        # known to the relay before the trial can start: its first reports must not be dropped
        self._running.add(task.trial_id)
        try:
            ref = actor.handle.run.remote(task)
        except BaseException:
            self._running.discard(task.trial_id)
            raise
        actor.busy += 1
        self._pending[ref] = (task, actor)

    def _replace(self, actor: _Actor) -> None:
        """A new actor in the place of one that died (once, whatever it was running)."""
        if actor in self._actors:
            i = self._actors.index(actor)
            self._actors[i] = _Actor(self._new_actor(actor.slots), actor.slots)

    def _result(self, ref: Any, task: Task, actor: _Actor) -> TaskResult:
        errors = self._ray.exceptions
        try:
            res: TaskResult = self._ray.get(ref)
            return res
        except errors.OutOfMemoryError as e:
            return failed(task, "Ray", e, FailReason.OOM.value)
        except errors.RayActorError as e:
            self._replace(actor)
            if getattr(e, "actor_init_failed", False):  # hyperhop not importable there, say
                return failed(task, "Ray", e)
            text = str(e).lower()  # what Ray's memory monitor says when it kills a worker
            oom = "due to memory pressure" in text or "running low on memory" in text
            return lost(task, "Ray", e, FailReason.OOM.value if oom else None)
        except errors.RayTaskError as e:
            return failed(task, "Ray", e)
        except errors.RayError as e:
            return lost(task, "Ray", e)

    def collect(self, timeout: float | None) -> list[TaskResult]:
        if not self._pending:
            return []
        refs = list(self._pending)
        ready, _ = self._ray.wait(refs, num_returns=1, timeout=timeout)
        if not ready:
            return []
        ready, _ = self._ray.wait(refs, num_returns=len(refs), timeout=0)
        out = []
        for ref in ready:
            task, actor = self._pending.pop(ref)
            actor.busy -= 1
            out.append(self._result(ref, task, actor))
            self._running.discard(task.trial_id)
        return out

    def shutdown(self, cancel: bool = False) -> list[int]:
        cancelled = [task.trial_id for task, _ in self._pending.values()] if cancel else []
        if self._ray is not None and self._ray.is_initialized():
            for actor in self._actors:
                try:
                    self._ray.kill(actor.handle, no_restart=True)
                except Exception as e:  # noqa: BLE001 - best effort while shutting down
                    log.warning("could not stop a Ray actor: %s", e)
        self._actors = []
        self._pending = {}
        self._running = set()
        self._args = ()
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._owns and self._ray is not None:
            self._ray.shutdown()
            self._owns = False
        return cancelled

    def __repr__(self) -> str:
        return f"RayExecutor(address={self.address!r}, num_workers={self.num_workers!r})"
