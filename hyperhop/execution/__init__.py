"""Executors: where objectives run, chosen by ``n_jobs=`` and ``executor=``.

=================  =========================================================
``n_jobs=1``       the caller's thread (default)
``n_jobs=4``       4 threads (``executor="thread"``) or processes (``"process"``)
``n_jobs="auto"``  one per core
``"per-gpu"``      one isolated process per visible GPU (``"2x per-gpu"``: two)
``"ray"``          ``n_jobs`` Ray tasks at a time on a local cluster (:class:`RayExecutor`)
``"dask"``         ``n_jobs`` workers of a Dask ``LocalCluster`` (:class:`DaskExecutor`)
``"mpi"``          the ranks of ``mpiexec ... python -m mpi4py.futures`` (:class:`MPIExecutor`)
``n_jobs=0``       (``optimize`` only) wait for ``hyperhop worker`` processes (:class:`OutsideWorkers`)
=================  =========================================================

``trial_timeout=`` or ``memory_limit=`` imply isolated processes (the process executor, or
a child process per trial on each Ray, Dask or MPI worker).
"""

from __future__ import annotations

import os
from typing import Any

from hyperhop._validation import describe
from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult
from hyperhop.execution.dask import DaskExecutor
from hyperhop.execution.evaluate import Pruned, TrialContext, evaluate
from hyperhop.execution.external import OutsideWorkers
from hyperhop.execution.gpu import parse_per_gpu, visible_gpus
from hyperhop.execution.local import InlineExecutor, ThreadExecutor
from hyperhop.execution.mpi import MPIExecutor
from hyperhop.execution.process import ProcessExecutor, parse_memory
from hyperhop.execution.ray import RayExecutor

__all__ = [
    "DaskExecutor",
    "EvalSpec",
    "Executor",
    "InlineExecutor",
    "MPIExecutor",
    "OutsideWorkers",
    "ProcessExecutor",
    "Pruned",
    "RayExecutor",
    "Relay",
    "Task",
    "TaskResult",
    "ThreadExecutor",
    "TrialContext",
    "evaluate",
    "make_executor",
    "n_workers",
    "parse_memory",
    "visible_gpus",
]

_EXECUTORS = ("thread", "process", "ray", "dask", "mpi")


def n_workers(n_jobs: Any) -> int:
    """Workers for ``n_jobs``: an int >= 1, a digit string (PyHopper), or ``"auto"`` (cores).

    Args:
        n_jobs: an int >= 1, ``-1`` or ``"auto"`` (every core this process may use), or a
            string of digits.

    Returns:
        The number of workers.

    Raises:
        ValueError: ``n_jobs`` is none of those.

    Example:
        >>> from hyperhop.execution import n_workers
        >>> n_workers(4), n_workers("2"), n_workers("auto") >= 1
        (4, 2, True)
    """
    if isinstance(n_jobs, str):
        text = n_jobs.strip().lower()
        if text == "auto":
            return (
                len(os.sched_getaffinity(0))
                if hasattr(os, "sched_getaffinity")
                else (os.cpu_count() or 1)
            )
        if text.lstrip("-").isdigit():
            n_jobs = int(text)
    if n_jobs == -1:
        return n_workers("auto")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(
            "The 'n_jobs' parameter of optimize() must be an int >= 1, -1 or 'auto' (all cores), "
            f"'per-gpu', or 0 (outside workers only). Got {describe(n_jobs)} instead."
        )
    return n_jobs


def make_executor(
    n_jobs: Any = 1,
    executor: Any = None,
    *,
    trial_timeout: float | None = None,
    memory_limit: int | str | None = None,
) -> Executor:
    """An executor for ``optimize()``'s arguments (an Executor instance is used as given).

    Without ``executor``: inline for one worker, threads for several, processes when a
    ``trial_timeout`` or ``memory_limit`` must be enforced.

    Args:
        n_jobs: the workers (see :func:`n_workers`), or ``"per-gpu"`` / ``"2x per-gpu"``.
        executor: ``"thread"``, ``"process"``, ``"ray"``, ``"dask"``, ``"mpi"``, or an
            :class:`Executor`.
        trial_timeout: seconds after which a trial is killed and fails with ``timeout``.
        memory_limit: the memory a trial may use (bytes, or ``"2GB"``).

    Returns:
        The executor.

    Raises:
        ValueError: an unknown executor, limits that it cannot enforce, limits given with an
            Executor instance, or ``"per-gpu"`` on a machine with no GPU.

    Example:
        >>> from hyperhop.execution import make_executor
        >>> make_executor(1), make_executor(4), make_executor(1, trial_timeout=60)
        (InlineExecutor(), ThreadExecutor(), ProcessExecutor())
    """
    if isinstance(executor, Executor):
        if trial_timeout is not None or memory_limit is not None:
            raise ValueError(
                "trial_timeout and memory_limit go to the executor when you pass one: "
                f"{type(executor).__name__}(..., trial_timeout=..., memory_limit=...)."
            )
        return executor
    per_gpu = parse_per_gpu(n_jobs)
    if per_gpu is not None:
        gpus = visible_gpus()
        if not gpus:
            raise ValueError(
                "n_jobs='per-gpu' found no GPU: CUDA_VISIBLE_DEVICES is unset or empty and nvidia-smi "
                "lists none. Use an integer n_jobs on a machine without GPUs."
            )
        if executor not in (None, "process"):
            raise ValueError(
                f"n_jobs='per-gpu' runs isolated processes; executor={executor!r} cannot pin GPUs."
            )
        return ProcessExecutor(
            len(gpus) * per_gpu,
            trial_timeout=trial_timeout,
            memory_limit=memory_limit,
            gpus=[g for g in gpus for _ in range(per_gpu)],
        )
    workers = n_workers(n_jobs)
    isolated = trial_timeout is not None or memory_limit is not None
    if executor is None:
        executor = "process" if isolated else ("thread" if workers > 1 else "inline")
    if not isinstance(executor, str):
        raise ValueError(
            f"The 'executor' parameter of optimize() must be one of {list(_EXECUTORS)} or an Executor. "
            f"Got {describe(executor)} instead."
        )
    name = executor.lower()
    if name == "process":
        return ProcessExecutor(workers, trial_timeout=trial_timeout, memory_limit=memory_limit)
    limits: dict[str, Any] = {"trial_timeout": trial_timeout, "memory_limit": memory_limit}
    if name == "ray":
        return RayExecutor(num_workers=workers, **limits)
    if name == "dask":
        return DaskExecutor(n_workers=workers, **limits)
    if name == "mpi":
        return MPIExecutor(**limits)
    if isolated:
        raise ValueError(
            f"trial_timeout and memory_limit need isolated processes; executor={executor!r} cannot enforce them. "
            "Use executor='process', 'ray', 'dask' or 'mpi' (or leave it unset)."
        )
    if name == "inline" or (name == "thread" and workers == 1):
        return InlineExecutor()
    if name == "thread":
        return ThreadExecutor(workers)
    raise ValueError(
        f"Unknown executor {executor!r}; choose one of {list(_EXECUTORS)} or pass an Executor."
    )
