"""One ``Search.run`` in hyperhop's terms: PyHopper's objective protocol, its budget
arguments and its callbacks, over ``Study.optimize`` with the ``anneal`` sampler."""

from __future__ import annotations

import contextvars
import dataclasses
import inspect
import math
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hyperhop.execution.evaluate import Pruned, TrialContext
from hyperhop.pyhopper.callbacks import Callback, CandidateType, ParamInfo
from hyperhop.pyhopper.utils import parse_runtime
from hyperhop.samplers import AnnealSampler
from hyperhop.samplers.base import History as SamplerHistory
from hyperhop.space import Assignment
from hyperhop.study.results import as_number
from hyperhop.trial import Trial

_CURRENT: contextvars.ContextVar[tuple[TrialContext, list[int]] | None] = contextvars.ContextVar(
    "pyhopper_trial", default=None
)

_DIRECTIONS = {
    "max": "max",
    "maximize": "max",
    "maximise": "max",
    "min": "min",
    "minimize": "min",
    "minimise": "min",
}

_LEGACY = {
    "max_steps": "steps",
    "timeout": "runtime",
    "seeding_timeout": "seeding_runtime",
    "seeding_max_steps": "seeding_steps",
}


class PruneEvaluation(Pruned):
    """Raise inside an objective to stop (prune) the current evaluation.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.pyhopper import PruneEvaluation
        >>> issubclass(PruneEvaluation, hh.Pruned)
        True
    """


class NaNResult(Pruned):
    """An evaluation that returned NaN with ``ignore_nans=True``: kept as pruned."""


class SilentObjective(BaseException):
    """A run with a pruner whose objective reported no intermediate value: ends the run."""


class NaNAbort(BaseException):
    """An evaluation that returned NaN without ``ignore_nans``: ends the run (a
    BaseException so that hyperhop's ``catch`` does not keep it)."""


def should_prune(value: float) -> bool:
    """Report an intermediate value of the current evaluation and ask the run's pruner
    whether to stop (False outside a run, or without a pruner).

    Example:
        >>> from hyperhop import pyhopper
        >>> pyhopper.should_prune(0.5)
        False
    """
    current = _CURRENT.get()
    if current is None:
        return False
    trial, reported = current
    reported[0] += 1
    trial.report(value)
    return trial.should_prune()


def direction_of(direction: str) -> str:
    d = _DIRECTIONS.get(str(direction).lower())
    if d is None:
        raise ValueError(
            f"Unknown direction {direction!r}; use 'max', 'maximize', 'min' or 'minimize'."
        )
    return d


def legacy_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """PyHopper's older keyword names (``max_steps``, ``timeout``...), with a warning."""
    out: dict[str, Any] = {}
    for k, v in kwargs.items():
        if k not in _LEGACY:
            raise TypeError(f"run() got an unexpected keyword argument {k!r}")
        warnings.warn(
            f"run({k}=...) is PyHopper's former name; use {_LEGACY[k]}=...",
            FutureWarning,
            stacklevel=3,
        )
        out[_LEGACY[k]] = v
    return out


class Objective:
    """The user's ``f(param, **kwargs)`` as a hyperhop objective that takes the trial:
    generators report each value, NaN follows ``ignore_nans``, ``should_prune`` works."""

    def __init__(
        self,
        fn: Callable[..., Any],
        ignore_nans: bool,
        on_start: Callable[[Any, int], None] | None,
        nan: set[int],
        pruned: bool = False,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"The objective must be callable. Got {fn!r} instead.")
        self.fn = fn
        self.ignore_nans = ignore_nans
        self.on_start = on_start
        self.nan = nan
        self.pruned = pruned
        self.__name__ = getattr(fn, "__name__", "objective")

    def __call__(self, config: Any, trial: TrialContext, **kwargs: Any) -> Any:
        if self.on_start is not None:
            self.on_start(config, trial.number)
        reported = [0]
        token = _CURRENT.set((trial, reported))
        try:
            result = self.fn(config, **kwargs)
            if inspect.isgenerator(result):
                result = self._drain(result, trial, reported)
        finally:
            _CURRENT.reset(token)
        value = as_number(result)
        if value is None:
            raise TypeError(
                f"The objective returned {result!r}; PyHopper's objectives return (or yield) a number."
            )
        if math.isnan(value):
            if self.ignore_nans:
                self.nan.add(trial.number)
                raise NaNResult()
            raise NaNAbort()
        if self.pruned and not reported[0]:
            raise SilentObjective()
        return value

    @staticmethod
    def _drain(gen: Any, trial: TrialContext, reported: list[int]) -> Any:
        last: Any = None
        for value in gen:
            last = value
            v = as_number(value)
            if v is None or math.isnan(v):
                continue
            reported[0] += 1
            trial.report(v)
            if trial.should_prune():
                gen.close()
                raise Pruned()
        return last


class EndlessAnneal(AnnealSampler):
    """``anneal`` without a budget: PyHopper's endless mode (a random temperature per
    step, and random seeding with probability ``seeding_ratio``)."""

    def _suggest(self, history: SamplerHistory) -> Assignment:
        return super()._suggest(dataclasses.replace(history, progress=None))


def make_sampler(
    seed: int | None,
    ratio: float,
    start_temperature: float,
    end_temperature: float,
    endless: bool,
    start_at_default: bool,
) -> AnnealSampler:
    """PyHopper's schedule: independent random draws for ``ratio`` of the budget, then
    local search from ``start_temperature`` down to ``end_temperature``."""
    cls = EndlessAnneal if endless else AnnealSampler
    return cls(
        seed,
        seeding="random",
        seeding_ratio=min(max(float(ratio), 0.0), 0.99),
        start_temperature=float(start_temperature),
        end_temperature=float(end_temperature),
        start_at_default=start_at_default,
    )


def n_workers(n_jobs: Any) -> Any:
    """PyHopper's ``n_jobs``: -1 is every CPU this process may use; strings pass on."""
    if n_jobs == -1:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return n_jobs


def executor_for(mp_backend: str) -> str | None:
    backend = str(mp_backend).lower()
    if backend in ("auto", "thread", "threads"):
        return None
    if backend in ("multiprocessing", "process"):
        return "process"
    if backend in ("dask", "dask-cuda"):
        return "dask"
    raise ValueError(
        f"Unknown mp_backend {mp_backend!r}; use 'auto' (threads), 'multiprocessing' or 'dask'."
    )


def callback_list(callbacks: Callback | Iterable[Callback] | None) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    out = list(callbacks)
    for c in out:
        if not isinstance(c, Callback):
            raise TypeError(
                f"callbacks must be pyhopper.callbacks.Callback objects; got {c!r}. "
                "Subclass Callback and override its on_* methods."
            )
    return out


class Dispatcher:
    """Turns finished hyperhop trials into PyHopper's callback calls, in trial order."""

    def __init__(
        self,
        search: Any,
        callbacks: list[Callback],
        seeding_steps: int | None,
        initial: Mapping[str, Any] | None,
    ) -> None:
        self.search = search
        self.callbacks = callbacks
        self.seeding_steps = seeding_steps
        self.initial = initial
        self.nan: set[int] = set()
        self.lock = threading.Lock()
        self.done = 0

    def kind(self, trial: Trial) -> CandidateType:
        if trial.enqueue_key is not None or trial.system_attrs.get("enqueued"):
            return CandidateType.MANUALLY_ADDED
        if trial.number == 0 and self.initial is not None:
            return CandidateType.INIT
        if self.seeding_steps is not None and self.done <= self.seeding_steps:
            return CandidateType.RANDOM_SEEDING
        return CandidateType.LOCAL_SAMPLING

    def started(self, config: Any, number: int) -> None:
        info = ParamInfo(CandidateType.LOCAL_SAMPLING)
        for c in self.callbacks:
            c.on_evaluate_start(config, info)

    def __call__(self, study: Any, trial: Trial) -> None:
        with self.lock:
            self.done += 1
            self.search._record(trial, self, self.kind(trial))


def budget(
    steps: Any,
    runtime: Any,
    endless_mode: bool,
    seeding_steps: Any,
    seeding_runtime: Any,
    seeding_ratio: Any,
) -> tuple[int | None, float | None, float]:
    """``(n_trials, seconds, seeding ratio)`` from PyHopper's budget arguments."""
    given = [x is not None for x in (steps, runtime)] + [bool(endless_mode)]
    if sum(given) != 1:
        raise ValueError(
            "Pass exactly one budget to run(): steps=..., runtime=... (e.g. '1h 30min') or endless_mode=True."
        )
    ratio = 0.25 if seeding_ratio is None else float(seeding_ratio)
    n = None if steps is None else int(steps)
    seconds = None if runtime is None else parse_runtime(runtime)
    if n is not None and n < 0:
        raise ValueError(f"steps must be >= 0. Got {steps!r}.")
    if seeding_steps is not None:
        if n is None:
            raise ValueError("seeding_steps goes with steps=...; with runtime use seeding_runtime.")
        ratio = int(seeding_steps) / max(n, 1)
    if seeding_runtime is not None:
        if seconds is None:
            warnings.warn(
                "seeding_runtime applies to runtime=... budgets; the seeding ratio is used instead.",
                UserWarning,
                stacklevel=3,
            )
        else:
            ratio = parse_runtime(seeding_runtime) / max(seconds, 1e-9)
    return n, seconds, ratio
