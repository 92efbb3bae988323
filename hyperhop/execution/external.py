"""Workers outside this process: ``n_jobs=0``, and ``hyperhop worker``'s ``module:name``.

Hyperopt's MongoTrials model on any shared storage: ``hyperhop worker`` processes, on any
machines that reach the database, ask the study's sampler (its state comes from storage
only), evaluate and record; the driver with ``n_jobs=0`` evaluates nothing and waits for
them.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from hyperhop.execution.base import EvalSpec, Executor, Relay, Task, TaskResult


class OutsideWorkers(Executor):
    """Evaluates nothing here (``optimize(..., n_jobs=0)``): the study's loop only waits,
    polling storage, until outside workers meet the budget or the runtime ends.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)}, storage="sqlite:///runs.db", name="exp")  # doctest: +SKIP
        >>> study.optimize(lambda c: c["x"], n_trials=100, n_jobs=0)  # doctest: +SKIP
    """

    name = "outside"

    def start(self, spec: EvalSpec, relay: Relay) -> None:
        return None

    @property
    def capacity(self) -> int:
        return 0

    @property
    def in_flight(self) -> int:
        return 0

    def submit(self, task: Task) -> None:
        raise RuntimeError("n_jobs=0 evaluates nothing in this process")

    def collect(self, timeout: float | None) -> list[TaskResult]:
        return []

    def shutdown(self, cancel: bool = False) -> list[int]:
        return []


def load_object(ref: str) -> Any:
    """The object named ``"package.module:attr"`` (attributes may be dotted), importing the
    module from the current directory too, as command-line tools do.

    Example:
        >>> load_object("os.path:join")("a", "b")
        'a/b'
    """
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(
            f"Expected 'module:name' (for example 'train:objective'). Got {ref!r} instead."
        )
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(f"Cannot import module {module_name!r} for {ref!r}: {e}") from e
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"Module {module_name!r} has no attribute {attr!r}.") from None
    return obj


def outside_only(
    n_jobs: Any,
    executor: Any,
    *,
    persistent: bool,
    trial_timeout: float | None = None,
    memory_limit: int | str | None = None,
) -> OutsideWorkers | None:
    """:class:`OutsideWorkers` for ``optimize(n_jobs=0)`` (checked), else None."""
    zero = (isinstance(n_jobs, int) and not isinstance(n_jobs, bool) and n_jobs == 0) or (
        isinstance(n_jobs, str) and n_jobs.strip() == "0"
    )
    if not zero:
        return None
    if executor is not None or trial_timeout is not None or memory_limit is not None:
        raise ValueError(
            "n_jobs=0 evaluates nothing in this process (outside workers do); it takes no "
            "executor, trial_timeout or memory_limit."
        )
    if not persistent:
        raise ValueError(
            "The 'n_jobs' parameter of optimize() is 0 (outside workers only), but no other "
            "process can reach a memory study. Use a storage they share (sqlite:///runs.db, "
            "postgresql://...)."
        )
    return OutsideWorkers()
