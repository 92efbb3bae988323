"""Trials: states, structured failure reasons and the immutable trial snapshot."""

from __future__ import annotations

import enum
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hyperhop.space import Space

__all__ = ["FailReason", "Trial", "TrialError", "TrialState"]


class TrialState(enum.Enum):
    """Where a trial is in its life. QUEUED and RUNNING are live; the rest are final.

    Example:
        >>> from hyperhop import TrialState
        >>> TrialState.COMPLETE.is_finished, TrialState.RUNNING.is_finished
        (True, False)
    """

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    FAILED = "FAILED"

    @property
    def is_finished(self) -> bool:
        return self in _FINISHED

    # members are singletons compared by identity: hashing by identity is consistent and
    # several times faster than Enum's hash of the name (the loop hashes states a lot)
    __hash__ = object.__hash__


_FINISHED = frozenset({TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED})


class FailReason(str, enum.Enum):
    """Why a trial failed. A signal is stored as ``"signal:<NAME>"`` (see :meth:`signal`).

    The members are strings, so they compare equal to :attr:`TrialError.reason`.

    Example:
        >>> from hyperhop import FailReason
        >>> FailReason.TIMEOUT == "timeout", FailReason.signal("SIGKILL")
        (True, 'signal:SIGKILL')
    """

    EXCEPTION = "exception"
    TIMEOUT = "timeout"
    OOM = "oom"
    STALE = "stale"
    INVALID_VALUE = "invalid_value"
    INTERRUPTED = "interrupted"
    WORKER_LOST = "worker_lost"
    USER = "user"
    """The objective said so itself (a result dict with ``status='fail'``)."""
    STORAGE_ERROR = "storage_error"
    """The storage refused the result (the database raised while it was written)."""
    TOO_LARGE = "too_large"
    """The result is larger than the storage stores in one value (see ``max_value_bytes``)."""

    @staticmethod
    def signal(name: str) -> str:
        return f"signal:{name}"


NOT_RUN_REASONS = frozenset({FailReason.STALE.value, FailReason.INTERRUPTED.value})
"""Failures that are not an outcome of the trial itself: its worker died (``stale``; the
retry, if any, counts instead) or the user stopped the run (``interrupted``). An
``n_trials`` budget does not count them."""


def counts_as_run(trial: Trial) -> bool:
    """Whether a finished trial reached an outcome of its own (COMPLETE, PRUNED, or FAILED
    for any reason but those in :data:`NOT_RUN_REASONS`)."""
    if trial.state is TrialState.FAILED:
        return trial.error is None or trial.error.reason not in NOT_RUN_REASONS
    return trial.state.is_finished


@dataclass(frozen=True)
class TrialError:
    """A failure, all as text: the reason, the exception's type and message, the traceback.

    ``reason`` is a :class:`FailReason` value (or ``"signal:<NAME>"``).

    Example:
        >>> from hyperhop import FailReason, TrialError
        >>> err = TrialError(FailReason.EXCEPTION.value, "too big", type="ValueError")
        >>> str(err), TrialError.from_json(err.to_json()) == err
        ('exception (ValueError): too big', True)
    """

    reason: str
    message: str = ""
    type: str | None = None
    traceback: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "message": self.message,
            "type": self.type,
            "traceback": self.traceback,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> TrialError | None:
        if not data:
            return None
        return cls(
            reason=str(data.get("reason", "")),
            message=str(data.get("message", "")),
            type=data.get("type"),
            traceback=data.get("traceback"),
        )

    def __str__(self) -> str:
        head = f"{self.reason}"
        if self.type:
            head += f" ({self.type})"
        return f"{head}: {self.message}" if self.message else head


@dataclass(frozen=True, eq=False)
class Trial:
    """An immutable snapshot of one trial, as read from storage.

    ``params`` shows the parameters as a person reads them (flat, by label, values: a
    choice's option rather than its index); ``config`` is the nested config the objective
    received; ``assignment`` is the raw form samplers and storages work with (label -> raw
    value; a choice's option index). ``params`` and ``config`` need the study's space, which
    every trial a study returns has.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"opt": hh.choice("adam", "sgd")}, seed=0)
        >>> _ = study.optimize(lambda c: 1.0, n_trials=1, progress=False)
        >>> t = study.trials[0]
        >>> t.state, t.value, t.params["opt"] in ("adam", "sgd"), t.assignment["opt"] in (0, 1)
        (<TrialState.COMPLETE: 'COMPLETE'>, 1.0, True, True)
    """

    id: int
    number: int
    study_id: int
    state: TrialState
    assignment: dict[str, Any]
    values: tuple[float, ...] | None = None
    intermediate: dict[int, float] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    error: TrialError | None = None
    owner: str | None = None
    heartbeat: float | None = None
    datetime_start: float | None = None
    datetime_complete: float | None = None
    enqueue_key: str | None = None
    retried_from: int | None = None
    seq: int = 0

    @property
    def value(self) -> float | None:
        """The (first) objective value: None unless the trial completed, or was pruned after
        reporting (then its last intermediate value)."""
        return None if not self.values else self.values[0]

    @property
    def duration(self) -> float | None:
        """Seconds from start to completion (None while running or never started)."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def worker(self) -> str | None:
        """Deprecated: :attr:`owner`, the worker (``host:pid:token``) that ran the trial."""
        warnings.warn(
            "trial.worker is deprecated; use trial.owner (one name for each thing).",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.owner

    @property
    def params(self) -> dict[str, Any]:
        """The parameters by label, as values (a choice's option, not its index)."""
        cached = self.__dict__.get("_params")
        if cached is None:
            cached = self._need_space("params").values(self.assignment)
            object.__setattr__(self, "_params", cached)
        return cached

    @property
    def config(self) -> Any:
        """The config the objective received, rebuilt from the assignment through the space."""
        cached = self.__dict__.get("_config", _UNSET)
        if cached is _UNSET:
            cached = self._need_space("config").to_config(self.assignment)
            object.__setattr__(self, "_config", cached)
        return cached

    def _need_space(self, what: str) -> Space:
        space: Space | None = self.__dict__.get("_space")
        if space is None:
            raise AttributeError(
                f"trial.{what} needs the study's space, and this trial came straight from a "
                "storage; read it through the study (study.trials, study.best), or use "
                "trial.assignment (label -> raw value, a choice's option index)."
            )
        return space

    def attach(self, space: Space) -> Trial:
        """Let :attr:`config` use ``space`` (done by the study for every trial it returns)."""
        if self.__dict__.get("_space") is not space:
            object.__setattr__(self, "_space", space)
            self.__dict__.pop("_params", None)
            self.__dict__.pop("_config", None)
        return self

    def __repr__(self) -> str:
        v = "" if self.values is None else f", value={self.value!r}"
        e = "" if self.error is None else f", error={self.error.reason!r}"
        if "_space" in self.__dict__:
            shown = f"params={self.params!r}"
        else:
            shown = f"assignment={self.assignment!r}"
        return f"Trial(number={self.number}, state={self.state.name}{v}{e}, {shown})"


_UNSET = object()


def is_better(a: float, b: float, direction: str) -> bool:
    """Whether ``a`` is strictly better than ``b`` for a direction ('min' or 'max')."""
    return a < b if direction == "min" else a > b


def finite_or_inf(x: float) -> bool:
    return not math.isnan(x)
