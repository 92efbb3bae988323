"""DeepHyper's evaluators (``deephyper.evaluator``) as hyperhop executors.

``Evaluator.create(run, method, method_kwargs)`` names *where* jobs run; the search runs
them through :meth:`hyperhop.Study.optimize`:

| ``method`` | hyperhop |
|---|---|
| ``"serial"`` | ``num_workers`` jobs at once in threads, each with its own event loop (``async def`` or plain ``def``) |
| ``"thread"`` | ``n_jobs=num_workers`` threads |
| ``"process"``, ``"loky"`` | ``executor="process"``: isolated processes |
| ``"ray"`` | ``hh.RayExecutor(address, num_workers)`` |
| ``"mpicomm"`` | ``hh.MPIExecutor(num_workers)`` |
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from hyperhop._validation import describe
from hyperhop.deephyper.evaluator._job import RunningJob

METHODS = ("serial", "thread", "process", "loky", "ray", "mpicomm")


class Evaluator:
    """Where and how many jobs run at once; create it with :meth:`create`.

    Example:
        >>> from hyperhop.deephyper.evaluator import Evaluator
        >>> ev = Evaluator.create(lambda job: job["x"], method="thread",
        ...                       method_kwargs={"num_workers": 2})
        >>> ev.num_workers, ev.method
        (2, 'thread')
    """

    def __init__(
        self,
        run_function: Callable[..., Any],
        method: str = "serial",
        num_workers: int = 1,
        callbacks: list[Any] | None = None,
        run_function_kwargs: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        if not callable(run_function):
            raise TypeError(
                f"The run function must be callable. Got {describe(run_function)} instead."
            )
        if method not in METHODS:
            raise ValueError(
                f"The 'method' parameter of Evaluator.create must be one of {list(METHODS)}. "
                f"Got {method!r} instead."
            )
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 1:
            raise ValueError(
                f"The 'num_workers' method_kwarg must be an int >= 1. Got {describe(num_workers)} instead."
            )
        self.run_function = run_function
        self.method = method
        self.num_workers = num_workers
        self.callbacks = list(callbacks or [])
        self.run_function_kwargs = dict(run_function_kwargs or {})
        self.options = options
        self.num_jobs_submitted = 0
        self.num_jobs_gathered = 0

    @staticmethod
    def create(
        run_function: Callable[..., Any],
        method: str = "serial",
        method_kwargs: Mapping[str, Any] | None = None,
    ) -> Evaluator:
        """An evaluator of ``run_function`` by ``method`` (see the module's table)."""
        kw = dict(method_kwargs or {})
        return Evaluator(run_function, method, **kw)

    def optimize_kwargs(self) -> dict[str, Any]:
        """The arguments of :meth:`hyperhop.Study.optimize` that run the jobs this way."""
        if self.method in ("serial", "thread"):
            return {"n_jobs": self.num_workers}
        if self.method in ("process", "loky"):
            return {"n_jobs": self.num_workers, "executor": "process"}
        if self.method == "ray":
            from hyperhop.execution import RayExecutor

            address = self.options.get("address")
            return {"executor": RayExecutor(address=address, num_workers=self.num_workers)}
        from hyperhop.execution import MPIExecutor

        return {"executor": MPIExecutor(self.num_workers)}

    def close(self) -> None:
        """Nothing to release: executors are closed by each search."""

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Evaluator(method={self.method!r}, num_workers={self.num_workers})"


def profile(
    _func: Callable[..., Any] | None = None, *, memory: bool = False, **ignored: Any
) -> Any:
    """DeepHyper's ``@profile``: hyperhop records every job's start and end times already
    (``m:timestamp_start`` / ``m:timestamp_end`` in the results), so the function is kept
    as it is."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        return inner

    return wrap(_func) if _func is not None else wrap


__all__ = ["Evaluator", "RunningJob", "profile"]
