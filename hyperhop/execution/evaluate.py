"""Calling the objective: the one place that knows the objective protocols.

``objective(config)``, ``objective(config, trial)`` (the trial reports and asks whether to
stop), generators (each ``yield`` is an intermediate value), and exceptions turned into
:class:`~hyperhop.trial.TrialError` with the traceback as text. Every executor, local or
remote, evaluates through :func:`evaluate`.
"""

from __future__ import annotations

import inspect
import math
import os
import traceback
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from hyperhop.execution.base import EvalSpec, Relay, Task, TaskResult
from hyperhop.trial import FailReason, TrialError


class Pruned(Exception):
    """Raise inside an objective to stop a trial that the pruner (or you) judged hopeless.

    Example:
        >>> import hyperhop as hh
        >>> def objective(cfg, trial):
        ...     for epoch in range(10):
        ...         trial.report(cfg["x"] * epoch, epoch)
        ...         if trial.should_prune():
        ...             raise hh.Pruned()
        ...     return cfg["x"]
    """


class TrialContext:
    """What ``objective(config, trial)`` receives: the trial's number, config and params (by
    label, as values), and ``report``/``should_prune``, which reach the study wherever the
    objective runs.

    Example:
        >>> import hyperhop as hh
        >>> def objective(cfg, trial):
        ...     for step in range(3):
        ...         trial.report(cfg["x"] / (step + 1), step)
        ...     return cfg["x"]
        >>> study = hh.Study({"x": hh.float(0, 1)}, seed=0)
        >>> _ = study.optimize(objective, n_trials=1, progress=False)
        >>> sorted(study.trials[0].intermediate)
        [0, 1, 2]
    """

    def __init__(self, task: Task, relay: Relay) -> None:
        self.id = task.trial_id
        self.number = task.number
        self.config = task.config
        self.params = task.params
        self._relay = relay
        self._step = 0
        self.told_to_stop = False
        """Whether the last call was a ``should_prune()`` that said yes: an objective that
        then returns (instead of raising :class:`Pruned`) ends PRUNED too."""
        self.artifacts: Any = None
        """Where :meth:`save_artifact` writes (set by the study for its run)."""

    def save_artifact(self, name: str, obj: Any, *, pickle: bool = False) -> None:
        """Keep a model, array or file with this trial (see :mod:`hyperhop.artifacts`);
        ``study.load_artifact(trial, name)`` reads it back."""
        if self.artifacts is None:
            raise RuntimeError(
                "This trial has no artifact store: save_artifact works inside study.optimize()."
            )
        self.artifacts.save(name, obj, pickle=pickle)

    def report(self, value: float, step: int | None = None) -> None:
        """Record an intermediate value (``step`` defaults to 0, 1, 2, ...)."""
        s = self._step if step is None else int(step)
        self._step = s + 1
        v = float(value)
        self.told_to_stop = False
        if not math.isnan(v):
            self._relay.report(self.id, s, v)

    def should_prune(self) -> bool:
        """Whether the study's pruner would stop this trial now."""
        self.told_to_stop = bool(self._relay.should_prune(self.id))
        return self.told_to_stop

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            if name.startswith("suggest_"):
                raise AttributeError(
                    f"hyperhop has no trial.{name}(): the space is declared up front "
                    "({'x': hh.float(0, 1)}) and the objective reads cfg['x']."
                )
            raise AttributeError(f"'TrialContext' object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"TrialContext(number={self.number}, config={self.config!r})"


_TRIAL_TYPES = ("Trial", "TrialContext")


def _asks_for_trial(p: inspect.Parameter) -> bool:
    """A parameter named ``trial``, or annotated ``hh.Trial`` (or ``TrialContext``)."""
    if p.name == "trial":
        return True
    ann = p.annotation
    if isinstance(ann, str):
        return ann.strip("'\"").rsplit(".", 1)[-1] in _TRIAL_TYPES
    return isinstance(ann, type) and ann.__name__ in _TRIAL_TYPES and "hyperhop" in ann.__module__


def wants_trial(objective: Callable[..., Any], supplied: Iterable[str] = ()) -> bool:
    """Whether the objective asks for the trial: its second positional parameter is named
    ``trial`` or annotated ``hh.Trial``. Any other second parameter without a default
    (and not among ``supplied``, the ``kwargs=`` of optimize) is a TypeError that names
    the signature: the trial would silently arrive as, say, ``data``.

    Example:
        >>> wants_trial(lambda cfg, trial: 0.0), wants_trial(lambda cfg, scale=2: 0.0)
        (True, False)
    """
    try:
        sig = inspect.signature(objective)
    except (TypeError, ValueError):
        return False
    positional = [
        p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) >= 2 and _asks_for_trial(positional[1]):
        return True
    names = set(supplied)
    extra = [p.name for p in positional[1:] if p.default is p.empty and p.name not in names]
    if extra:
        name = getattr(objective, "__name__", type(objective).__name__)
        bare = sig.replace(
            parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
            return_annotation=sig.empty,
        )
        raise TypeError(
            f"The objective {name}{bare} needs {', '.join(map(repr, extra))} besides the config. "
            "hyperhop passes the trial only to a second parameter named 'trial' (or annotated "
            f"hh.Trial): rename it 'trial' if it is the trial; else give {extra[0]!r} a default "
            f"or pass it with optimize(..., kwargs={{{extra[0]!r}: ...}})."
        )
    return False


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def users_part(exc: BaseException) -> BaseException:
    """``exc`` with hyperhop's own outer frames dropped from its traceback, so that the
    traceback starts at the objective and ends at the line that raised."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE):
            break
        tb = tb.tb_next
    return exc.with_traceback(tb)


def error_from(exc: BaseException, reason: str = FailReason.EXCEPTION.value) -> TrialError:
    """A TrialError with the exception's type, message and traceback as text."""
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return TrialError(reason, str(exc), type(exc).__qualname__, tb)


def _drain(gen: Any, ctx: TrialContext) -> tuple[Any, bool]:
    """Iterate a generator objective, reporting each value; stop early when pruned."""
    last: Any = None
    while True:
        try:
            value = next(gen)
        except StopIteration as stop:
            return (stop.value if stop.value is not None else last), False
        last = value
        try:
            num = float(value)
        except (TypeError, ValueError):
            num = math.nan
        if not math.isnan(num):
            ctx.report(num)
            if ctx.should_prune():
                gen.close()
                return last, True


def evaluate(spec: EvalSpec, task: Task, relay: Relay) -> TaskResult:
    """Run the objective on one task; never raises except KeyboardInterrupt.

    Example:
        >>> from hyperhop.execution import EvalSpec, Task, evaluate
        >>> class Quiet:
        ...     def report(self, trial_id, step, value): pass
        ...     def should_prune(self, trial_id): return False
        >>> evaluate(EvalSpec(lambda c: c["x"] ** 2), Task(0, 0, {"x": 3}, {}), Quiet()).result
        9
    """
    ctx = TrialContext(task, relay)
    try:
        if spec.pass_trial:
            result = spec.objective(task.config, ctx, **spec.kwargs)
        else:
            result = spec.objective(task.config, **spec.kwargs)
        pruned = ctx.told_to_stop
        if inspect.isgenerator(result):
            result, pruned = _drain(result, ctx)
        return TaskResult(task.trial_id, result=result, pruned=pruned)
    except KeyboardInterrupt:
        raise
    except Pruned:
        return TaskResult(task.trial_id, pruned=True)
    except BaseException as e:  # noqa: BLE001 - every failure becomes a FAILED trial
        reason = FailReason.OOM.value if isinstance(e, MemoryError) else FailReason.EXCEPTION.value
        caught = isinstance(e, spec.catch) and not isinstance(e, (SystemExit, GeneratorExit))
        users_part(e)
        return TaskResult(
            task.trial_id,
            error=error_from(e, reason),
            reraise=None if caught else e,
            cause=e if caught else None,
        )
