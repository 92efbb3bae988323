"""Optuna's trials: ``Trial`` (suggest, report, should_prune, user attributes),
``FrozenTrial`` (a finished one, as ``study.trials`` lists them) and ``FixedTrial``."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hyperhop.execution.evaluate import Pruned
from hyperhop.optuna import distributions as dist
from hyperhop.optuna.sampling import FIXED, PREFIX, suggested
from hyperhop.trial import Trial as CoreTrial
from hyperhop.trial import TrialState as CoreState

if TYPE_CHECKING:
    from hyperhop.optuna.study import Study


class TrialPruned(Pruned):
    """Raise inside the objective to stop a trial the pruner judged hopeless.

    Example:
        >>> import hyperhop.optuna as optuna
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     trial.report(x, 0)
        ...     if x > 0.5:
        ...         raise optuna.TrialPruned()
        ...     return x
        >>> study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        >>> study.optimize(objective, n_trials=4)
        >>> all((t.state == optuna.trial.TrialState.PRUNED) == (t.params["x"] > 0.5)
        ...     for t in study.trials)
        True
    """


class TrialState(enum.IntEnum):
    """Optuna's trial states."""

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def is_finished(self) -> bool:
        return self not in (TrialState.RUNNING, TrialState.WAITING)


_STATES = {
    CoreState.RUNNING: TrialState.RUNNING,
    CoreState.COMPLETE: TrialState.COMPLETE,
    CoreState.PRUNED: TrialState.PRUNED,
    CoreState.FAILED: TrialState.FAIL,
    CoreState.QUEUED: TrialState.WAITING,
}


def state_of(state: CoreState) -> TrialState:
    return _STATES.get(state, TrialState.FAIL)


class _Suggest:
    """``suggest_*`` on top of one ``_suggest(name, record)``."""

    def _suggest(self, name: str, record: dist.Record) -> Any:
        raise NotImplementedError

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """A float in ``[low, high]`` (``log=True``: on a log scale; ``step``: a grid)."""
        return float(self._suggest(name, dist.FloatDistribution(low, high, log, step).record()))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """An integer in ``[low, high]``, both included."""
        return int(self._suggest(name, dist.IntDistribution(low, high, log, step).record()))

    def suggest_categorical(self, name: str, choices: Sequence[dist.CategoricalChoice]) -> Any:
        """One of ``choices`` (None, bool, int, float or str)."""
        return self._suggest(name, dist.CategoricalDistribution(choices).record())

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Optuna's former name of ``suggest_float(name, low, high)``."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Optuna's former name of ``suggest_float(name, low, high, log=True)``."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Optuna's former name of ``suggest_float(name, low, high, step=q)``."""
        return self.suggest_float(name, low, high, step=q)


class Trial(_Suggest):
    """A running trial: the objective's argument, or what ``study.ask()`` returns.

    Example:
        >>> from hyperhop import optuna
        >>> study = optuna.create_study()
        >>> trial = study.ask()
        >>> x = trial.suggest_float("x", -1, 1)
        >>> study.tell(trial, x**2).state.name
        'COMPLETE'
    """

    def __init__(self, study: Study, core: CoreTrial, reporter: Any = None) -> None:
        self.study = study
        self._core = core
        self._reporter = reporter
        self._relative: dict[str, Any] = {
            k: v for k, v in core.assignment.items() if isinstance(v, dict)
        }
        self._fixed: dict[str, Any] = dict(core.system_attrs.get(FIXED) or {})
        self._params: dict[str, tuple[Any, dist.Record]] = {}
        self._user_attrs: dict[str, Any] = dict(core.user_attrs)

    @property
    def number(self) -> int:
        return self._core.number

    @property
    def params(self) -> dict[str, Any]:
        return {k: v for k, (v, _) in self._params.items()}

    @property
    def distributions(self) -> dict[str, dist.BaseDistribution]:
        return {k: dist.from_record(d) for k, (_, d) in self._params.items()}

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return _when(self._core.datetime_start)

    def _suggest(self, name: str, record: dist.Record) -> Any:
        dist.check(name, record)
        if name in self._params:
            value, old = self._params[name]
            if old != record:
                raise ValueError(
                    f"Parameter {name!r} was suggested with {dist.from_record(old)!r} in this trial "
                    f"and now with {dist.from_record(record)!r}; a name has one distribution per trial."
                )
            return value
        if name in self._fixed:
            value = self._fixed[name]
        elif dist.single(record):
            value = record["low"] if record["type"] != "categorical" else record["choices"][0]
        elif name in self._relative and (
            self._relative[name].get("d") == record or self._relative[name].get("any")
        ):
            value = self._relative[name]["v"]
        else:
            # under the study's lock, so that trials running in parallel see each other's draw
            with self.study._lock:
                value = _plain(self.study._independent(name, record), record)
                self._keep(name, value, record)
            return value
        value = _plain(value, record)
        self._keep(name, value, record)
        return value

    def _keep(self, name: str, value: Any, record: dist.Record) -> None:
        self._params[name] = (value, record)
        self.study._save(self._core.id, {PREFIX + name: {"v": value, "d": record}})

    def report(self, value: float, step: int) -> None:
        """Record an intermediate value at ``step``."""
        if self._reporter is not None:
            self._reporter.report(float(value), int(step))
        else:
            self.study._core.report(self._core, float(value), int(step))

    def should_prune(self) -> bool:
        """Whether the study's pruner would stop this trial now."""
        if self._reporter is not None:
            return bool(self._reporter.should_prune())
        return bool(self.study._core.should_prune(self._core))

    def set_user_attr(self, key: str, value: Any) -> None:
        """Keep a JSON value with the trial."""
        self._user_attrs[key] = value
        self.study._save(self._core.id, {}, user_attrs={key: value})

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self.params!r})"


def _plain(value: Any, record: dist.Record) -> Any:
    if record["type"] == "int":
        return int(value)
    if record["type"] == "float":
        return float(value)
    return value


def _when(t: float | None) -> datetime.datetime | None:
    return None if t is None else datetime.datetime.fromtimestamp(t)


class FrozenTrial(_Suggest):
    """A trial as stored: ``number``, ``state``, ``value(s)``, ``params``,
    ``distributions``, ``user_attrs``, ``intermediate_values``, ``datetime_start``,
    ``datetime_complete``, ``duration``. Its ``suggest_*`` return the stored values, so
    an objective can be run again on a finished trial."""

    def __init__(self, core: CoreTrial) -> None:
        self._core = core
        self.number = core.number
        self.state = state_of(core.state)
        self.values = list(core.values) if core.values is not None else None
        mine = suggested(core)
        self.params = {k: v for k, (v, _) in mine.items()}
        self.distributions = {k: dist.from_record(d) for k, (_, d) in mine.items()}
        self.user_attrs = dict(core.user_attrs)
        self.system_attrs = {
            k: v for k, v in core.system_attrs.items() if not k.startswith("optuna:")
        }
        self.intermediate_values = dict(core.intermediate)
        self.datetime_start = _when(core.datetime_start)
        self.datetime_complete = _when(core.datetime_complete)

    @property
    def value(self) -> float | None:
        if self.values is not None and len(self.values) > 1:
            raise RuntimeError("This trial has several values: use trial.values.")
        return self.values[0] if self.values else None

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def last_step(self) -> int | None:
        return max(self.intermediate_values) if self.intermediate_values else None

    def _suggest(self, name: str, record: dist.Record) -> Any:
        if name not in self.params:
            raise ValueError(f"The trial has no parameter {name!r}; it has {sorted(self.params)}.")
        return self.params[name]

    def report(self, value: float, step: int) -> None:
        """Nothing: a frozen trial's values are stored."""

    def should_prune(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"FrozenTrial(number={self.number}, state={self.state.name}, values={self.values}, params={self.params!r})"


class FixedTrial(_Suggest):
    """Runs an objective with given parameter values (Optuna's ``FixedTrial``).

    Example:
        >>> from hyperhop import optuna
        >>> optuna.trial.FixedTrial({"x": 2.0}).suggest_float("x", -10, 10)
        2.0
    """

    def __init__(self, params: dict[str, Any], number: int = 0) -> None:
        self.params = dict(params)
        self.number = number
        self.user_attrs: dict[str, Any] = {}

    def _suggest(self, name: str, record: dist.Record) -> Any:
        if name not in self.params:
            raise ValueError(f"FixedTrial has no value for {name!r}; it has {sorted(self.params)}.")
        return self.params[name]

    def report(self, value: float, step: int) -> None:
        """Nothing to record."""

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = value


__all__ = ["FixedTrial", "FrozenTrial", "Trial", "TrialPruned", "TrialState"]
