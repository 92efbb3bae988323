"""Where objectives run: the executor interface the study's loop drives.

The study asks for a trial, hands it to an executor, and later collects what the objective
returned (or how it failed). Executors only evaluate; every state change stays with the
study and its storage.
"""

from __future__ import annotations

import abc
import queue
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from hyperhop.trial import TrialError


@dataclass(frozen=True)
class EvalSpec:
    """What to run for every trial: the objective, extra keyword arguments, whether it takes
    the trial as second argument, and which exceptions fail a trial without stopping.

    Example:
        >>> from hyperhop.execution import EvalSpec, Task, evaluate
        >>> class Log:  # a Relay: where intermediate values go, who decides pruning
        ...     def report(self, trial_id, step, value): print("step", step, value)
        ...     def should_prune(self, trial_id): return False
        >>> def f(cfg, trial):
        ...     trial.report(cfg["x"] / 2)
        ...     return cfg["x"]
        >>> res = evaluate(EvalSpec(f, pass_trial=True), Task(0, 0, {"x": 3.0}, {"x": 3.0}), Log())
        step 0 1.5
        >>> res.result, res.error is None
        (3.0, True)
    """

    objective: Callable[..., Any]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    pass_trial: bool = False
    catch: tuple[type[BaseException], ...] = (Exception,)
    n_objectives: int = 1


@dataclass(frozen=True)
class Task:
    """One trial to evaluate: its id and number, the config the objective receives, and the
    parameters by label (see :class:`EvalSpec` for an example)."""

    trial_id: int
    number: int
    config: Any
    params: Mapping[str, Any]
    """The parameters by label, as values (``trial.params``)."""


@dataclass
class TaskResult:
    """How an evaluation ended: the objective's raw return value, or an error. ``reraise``
    holds an exception outside ``catch`` (the study re-raises it after recording).

    Example:
        >>> from hyperhop.execution import EvalSpec, Task, evaluate
        >>> class Quiet:
        ...     def report(self, trial_id, step, value): pass
        ...     def should_prune(self, trial_id): return False
        >>> res = evaluate(EvalSpec(lambda c: 1 / c["x"]), Task(7, 0, {"x": 0}, {}), Quiet())
        >>> res.trial_id, res.result, res.error.type
        (7, None, 'ZeroDivisionError')
    """

    trial_id: int
    result: Any = None
    error: TrialError | None = None
    reraise: BaseException | None = None
    pruned: bool = False
    intermediate: dict[int, float] = field(default_factory=dict)
    """Intermediate values a remote worker could not relay live (written on completion)."""
    cause: BaseException | None = None
    """The objective's exception itself, when it ran in this process (chained to the error
    that stops a run, so that its traceback ends at the user's line)."""


class Relay(Protocol):
    """The study's side of a running trial: intermediate values and pruning decisions.

    Any object with these two methods will do (see :class:`EvalSpec` for an example)."""

    def report(self, trial_id: int, step: int, value: float) -> None: ...

    def should_prune(self, trial_id: int) -> bool: ...


T = TypeVar("T")


def drain(q: queue.Queue[T], timeout: float | None) -> list[T]:
    """Wait up to ``timeout`` for the first item of ``q``, then take every item already
    there (how executors collect results that callbacks or threads put in a queue)."""
    try:
        out = [q.get(timeout=timeout)]
    except queue.Empty:
        return []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


class Executor(abc.ABC):
    """Runs evaluations; the study keeps it busy (``capacity``) and collects results.

    A study accepts any executor as ``optimize(..., executor=...)``; the built-in ones are
    made by :func:`make_executor` from ``n_jobs``.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.execution import Executor, InlineExecutor
        >>> class Counting(InlineExecutor):
        ...     submitted = 0
        ...     def submit(self, task):
        ...         self.submitted += 1
        ...         super().submit(task)
        >>> ex = Counting()
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(lambda c: c["x"], n_trials=3, executor=ex, progress=False)
        >>> isinstance(ex, Executor), ex.submitted
        (True, 3)
    """

    name: str = "executor"

    @abc.abstractmethod
    def start(self, spec: EvalSpec, relay: Relay) -> None:
        """Prepare workers for this objective."""

    @property
    @abc.abstractmethod
    def capacity(self) -> int:
        """How many more tasks may be submitted now."""

    @property
    @abc.abstractmethod
    def in_flight(self) -> int:
        """How many submitted tasks have not been collected."""

    @abc.abstractmethod
    def submit(self, task: Task) -> None:
        """Start evaluating a task (may run it right away, in the caller's thread)."""

    @abc.abstractmethod
    def collect(self, timeout: float | None) -> list[TaskResult]:
        """Finished tasks, waiting up to ``timeout`` seconds for at least one."""

    @abc.abstractmethod
    def shutdown(self, cancel: bool = False) -> list[int]:
        """Stop the workers; with ``cancel``, kill running evaluations and return their ids."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
