"""What DeepHyper's run function receives and returns, on hyperhop's trial protocol."""

from __future__ import annotations

import asyncio
import inspect
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

FAILURE_KEY = "deephyper_failure"
"""The user attribute holding a failure string (``"F_out_of_memory"``) as returned."""
BUDGET_KEY = "m:budget"
"""Metadata are stored as user attributes named as their results columns (``m:<key>``),
clear of the result keys hyperhop reads (a metadata ``loss`` is not a loss)."""


class RunningJob(MutableMapping[str, Any]):
    """DeepHyper's ``RunningJob``: the parameters (``job["x"]``, ``job.parameters``), the
    job's ids, and ``record`` / ``stopped`` for stoppers (reports to hyperhop's pruner).

    Example:
        >>> from hyperhop.deephyper import RunningJob
        >>> job = RunningJob({"x": 0.5, "units": 32})
        >>> job["x"], sorted(job), job.parameters["units"]
        (0.5, ['units', 'x'], 32)
    """

    def __init__(
        self,
        parameters: dict[str, Any],
        trial: Any = None,
        max_steps: int | None = None,
        search_id: str = "0",
    ) -> None:
        self.parameters = parameters
        self._trial = trial
        self.max_steps = max_steps
        self.job_id = int(getattr(trial, "number", 0))
        self.id = f"{search_id}.{self.job_id}"
        self.objective: Any = None
        self.budget: float = 0.0
        self._stopped = False

    # the mapping over the parameters (many examples treat the job as a dict)
    def __getitem__(self, key: str) -> Any:
        if key == "job_id" and key not in self.parameters:
            return self.job_id
        return self.parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.parameters[key] = value

    def __delitem__(self, key: str) -> None:
        del self.parameters[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def record(self, budget: float, objective: Any) -> None:
        """Record ``objective`` (maximized) after ``budget`` units of training."""
        self.budget = float(budget)
        self.objective = objective
        if not _is_number(objective):
            self._stopped = True  # a failure ends the job, as DeepHyper's stoppers do
            return
        if self._trial is not None:
            self._trial.report(float(objective), step=max(int(round(budget)) - 1, 0))

    def stopped(self) -> bool:
        """Whether the job should stop: ``max_steps`` reached, a failure recorded, or the
        stopper (hyperhop's pruner) says so."""
        if self._stopped:
            return True
        if self.max_steps is not None and self.budget >= self.max_steps:
            return True
        if self._trial is not None and self.objective is not None:
            self._stopped = bool(self._trial.should_prune())
        return self._stopped

    def __repr__(self) -> str:
        return f"RunningJob(id={self.id!r}, parameters={self.parameters!r})"


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and not math.isnan(float(x))


def _objective_items(objective: Any) -> list[Any] | None:
    if isinstance(objective, (list, tuple)):
        return list(objective)
    return None


def to_result(output: Any, budget: float | None = None) -> Any:
    """DeepHyper's return value as a hyperhop result dict (objectives are maximized; a
    string starting with ``"F"`` is a failure, kept as written)."""
    metadata: dict[str, Any] = {}
    objective = output
    if isinstance(output, Mapping):
        if "objective" not in output:
            raise ValueError(
                "A run function's dict must have an 'objective' key (and optionally "
                f"'metadata'); got keys {sorted(map(str, output))}."
            )
        objective = output["objective"]
        meta = output.get("metadata") or {}
        if not isinstance(meta, Mapping):
            raise ValueError(f"The run function's 'metadata' must be a dict; got {meta!r}.")
        metadata = {f"m:{k}": v for k, v in meta.items()}
    if budget:
        metadata[BUDGET_KEY] = budget
    if isinstance(objective, str):
        if not objective.startswith("F"):
            raise ValueError(
                f"A run function returned the string {objective!r}; only failures are strings, "
                "and they start with 'F' (e.g. 'F_out_of_memory')."
            )
        return {"status": "fail", "failure": objective, FAILURE_KEY: objective, **metadata}
    items = _objective_items(objective)
    return {
        "values" if items is not None else "value": items if items is not None else objective,
        **metadata,
    }


class RunFunction:
    """The objective hyperhop calls: builds the job, runs DeepHyper's run function (a
    coroutine too) and translates its return value."""

    def __init__(
        self,
        run: Callable[..., Any],
        kwargs: Mapping[str, Any] | None = None,
        max_steps: int | None = None,
        search_id: str = "0",
        lower_bounds: list[float | None] | None = None,
    ) -> None:
        self.run = run
        self.kwargs = dict(kwargs or {})
        self.max_steps = max_steps
        self.search_id = search_id
        self.lower_bounds = lower_bounds

    def __call__(self, config: dict[str, Any], trial: Any) -> Any:
        job = RunningJob(dict(config), trial, self.max_steps, self.search_id)
        out = self.run(job, **self.kwargs)
        if inspect.isawaitable(out):
            out = asyncio.run(_await(out))
        result = to_result(out, job.budget or None)
        if self.lower_bounds and "values" in result:
            # DeepHyper's moo_lower_bounds: an objective below its bound is outside the
            # interesting range, as an outcome constraint (feasible when <= 0)
            result["constraints"] = [
                (b - float(y)) if b is not None else -1.0
                for b, y in zip(self.lower_bounds, result["values"], strict=False)
            ]
        return result

    def __repr__(self) -> str:
        return getattr(self.run, "__name__", repr(self.run))


async def _await(aw: Any) -> Any:
    return await aw
