"""Optuna's ``Study`` on a hyperhop study: ``create_study``, ``load_study``, ``optimize``,
``ask``/``tell``, ``enqueue_trial``, the best trial(s) and ``trials_dataframe``."""

from __future__ import annotations

import enum
import gc
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import hyperhop as hh
from hyperhop.exceptions import DuplicateStudyError
from hyperhop.optuna import samplers as _samplers
from hyperhop.optuna import storages as _storages
from hyperhop.optuna.pruners import MedianPruner
from hyperhop.optuna.sampling import FIXED, DefineByRun
from hyperhop.optuna.trial import FrozenTrial, Trial, TrialState
from hyperhop.pruning import Pruner
from hyperhop.storage import get_storage
from hyperhop.trial import Trial as CoreTrial
from hyperhop.trial import TrialState as CoreState

_USER = "optuna:user:"


class StudyDirection(enum.IntEnum):
    """Optuna's directions.

    Example:
        >>> import hyperhop.optuna as optuna
        >>> optuna.create_study(direction="maximize").direction == optuna.StudyDirection.MAXIMIZE
        True
    """

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


def _direction(d: Any) -> str:
    if isinstance(d, StudyDirection):
        d = d.name.lower()
    text = str(d).lower()
    if text in ("minimize", "min"):
        return "min"
    if text in ("maximize", "max"):
        return "max"
    raise ValueError(f"Unknown direction {d!r}; use 'minimize' or 'maximize'.")


class _Objective:
    """``func(trial)`` as a hyperhop objective that takes the core's trial handle."""

    def __init__(self, study: Study, func: Callable[[Trial], Any]) -> None:
        self.study = study
        self.func = func
        self.__name__ = getattr(func, "__name__", "objective")

    def __call__(self, config: Any, trial: Any, **kwargs: Any) -> Any:
        core = self.study._core.storage.get_trial(trial.id)
        return self.func(Trial(self.study, core, reporter=_Reporter(trial)))


class _Reporter:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    def report(self, value: float, step: int) -> None:
        self.ctx.report(value, step)

    def should_prune(self) -> bool:
        return bool(self.ctx.should_prune())


class Study:
    """A study of define-by-run trials; make one with :func:`create_study`.

    Example:
        >>> from hyperhop import optuna
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", -10, 10)
        ...     return (x - 2) ** 2
        >>> study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
        >>> study.optimize(objective, n_trials=30)
        >>> abs(study.best_params["x"] - 2) < 1.5
        True
    """

    def __init__(self, core: hh.Study, sampler: DefineByRun) -> None:
        self._core = core
        self._sampler = sampler
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ facts
    @property
    def study_name(self) -> str:
        return self._core.name

    @property
    def directions(self) -> list[StudyDirection]:
        return [
            StudyDirection.MINIMIZE if d == "min" else StudyDirection.MAXIMIZE
            for d in self._core.directions
        ]

    @property
    def direction(self) -> StudyDirection:
        if len(self._core.directions) != 1:
            raise RuntimeError(
                "A multi-objective study has several directions: use study.directions."
            )
        return self.directions[0]

    @property
    def study(self) -> hh.Study:
        """The hyperhop study underneath (its storage, dashboard, plots)."""
        return self._core

    @property
    def trials(self) -> list[FrozenTrial]:
        return self.get_trials()

    def get_trials(
        self, deepcopy: bool = True, states: Iterable[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """The trials, by number (``states``: only those)."""
        wanted = None if states is None else set(states)
        out = [FrozenTrial(t) for t in self._core.trials]
        return [t for t in out if wanted is None or t.state in wanted]

    @property
    def best_trial(self) -> FrozenTrial:
        if len(self._core.directions) != 1:
            raise RuntimeError(
                "A multi-objective study has no single best trial: use study.best_trials."
            )
        return FrozenTrial(self._core.best)

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        return self.best_trial.params

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front (one objective: the trials tied for the best value)."""
        return [FrozenTrial(t) for t in self._core.pareto_front()]

    @property
    def user_attrs(self) -> dict[str, Any]:
        attrs = self._core.storage.get_study(self._core.name).attrs
        return {k[len(_USER) :]: v for k, v in attrs.items() if k.startswith(_USER)}

    def set_user_attr(self, key: str, value: Any) -> None:
        """Keep a JSON value with the study."""
        self._core.storage.set_study_attr(self._core.id, _USER + key, value)

    # ------------------------------------------------------------------ running
    def optimize(
        self,
        func: Callable[[Trial], Any],
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Sequence[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
    ) -> None:
        """Run ``func(trial)`` for ``n_trials`` trials or ``timeout`` seconds (neither:
        until ``study.stop()``); ``n_jobs`` threads (-1: one per CPU)."""
        hooks = list(callbacks or [])

        def bridge(core_study: hh.Study, trial: CoreTrial) -> None:
            frozen = FrozenTrial(trial)
            for cb in hooks:
                cb(self, frozen)
            if gc_after_trial:
                gc.collect()

        catch_t = (catch,) if isinstance(catch, type) else tuple(catch)
        self._core.optimize(
            _Objective(self, func),
            n_trials=n_trials,
            runtime=timeout if timeout is not None or n_trials is not None else 10.0**9,
            n_jobs="auto" if n_jobs == -1 else n_jobs,
            callbacks=[bridge],
            catch=catch_t,
            progress=show_progress_bar,
            n_trials_mode="increment",
        )

    def stop(self) -> None:
        """End ``optimize`` after the running trials."""
        self._core.stop()

    def ask(self, fixed_distributions: dict[str, Any] | None = None) -> Trial:
        """Start a trial (ask-and-tell); ``fixed_distributions`` are suggested at once."""
        trial = Trial(self, self._core.ask())
        for name, d in (fixed_distributions or {}).items():
            trial._suggest(name, d.record())
        return trial

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial with its value(s), or ``state=TrialState.PRUNED``/``FAIL``."""
        core = trial._core if isinstance(trial, Trial) else self._core._resolve(trial)
        if skip_if_finished and core.state.is_finished:
            return FrozenTrial(core)
        if state is TrialState.PRUNED:
            result: Any = CoreState.PRUNED
        elif state is TrialState.FAIL or (values is None and state is None):
            result = CoreState.FAILED
        elif isinstance(values, Sequence):
            result = tuple(float(v) for v in values) if len(values) > 1 else float(values[0])
        else:
            result = values
        return FrozenTrial(self._core.tell(core, result))

    def enqueue_trial(
        self,
        params: dict[str, Any],
        user_attrs: dict[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue parameter values: the next trial's suggestions return them."""
        key = (
            "optuna:" + json.dumps(params, sort_keys=True, default=str) if skip_if_exists else None
        )
        trial = self._core.storage.create_trial(
            self._core.id,
            state=CoreState.QUEUED,
            assignment={},
            enqueue_key=key,
            system_attrs={FIXED: dict(params)},
        )
        if user_attrs:
            self._core.storage.update_trial(
                trial.id, expect_state=CoreState.QUEUED, user_attrs=user_attrs
            )

    def trials_dataframe(
        self,
        attrs: Sequence[str] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> Any:
        """The trials as a pandas DataFrame, with Optuna's columns (``params_x``...)."""
        from hyperhop._lazy import require

        pd = require("pandas", "pandas", "trials_dataframe()")
        rows = []
        n_obj = len(self._core.directions)
        for t in self.trials:
            row: dict[str, Any] = {}
            for a in attrs:
                if a == "value" or a == "values":
                    if n_obj == 1:
                        row["value"] = t.values[0] if t.values else None
                    else:
                        for i in range(n_obj):
                            row[f"values_{i}"] = t.values[i] if t.values else None
                elif a in ("params", "user_attrs", "system_attrs", "intermediate_values"):
                    for k, v in getattr(t, a).items():
                        row[f"{a}_{k}"] = v
                elif a == "state":
                    row["state"] = t.state.name
                else:
                    row[a] = getattr(t, a)
            rows.append(row)
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ for Trial
    def _independent(self, name: str, record: dict[str, Any]) -> Any:
        return self._sampler.independent(
            name, record, list(self._core.trials), tuple(self._core.directions)
        )

    def _save(
        self, trial_id: int, system_attrs: dict[str, Any], user_attrs: dict[str, Any] | None = None
    ) -> None:
        self._core.storage.update_trial(
            trial_id,
            expect_state=CoreState.RUNNING,
            system_attrs=system_attrs or None,
            user_attrs=user_attrs,
        )

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r}, storage={self._core.storage.url!r})"


def create_study(
    *,
    storage: Any = None,
    sampler: Any = None,
    pruner: Pruner | None = None,
    study_name: str | None = None,
    direction: Any = None,
    load_if_exists: bool = False,
    directions: Sequence[Any] | None = None,
) -> Study:
    """A new study (or, with ``load_if_exists``, the stored one of that name).

    Example:
        >>> from hyperhop import optuna
        >>> optuna.create_study(direction="maximize").direction
        <StudyDirection.MAXIMIZE: 2>
    """
    if direction is not None and directions is not None:
        raise ValueError("Pass direction or directions, not both.")
    dirs = [_direction(d) for d in (directions or [direction or "minimize"])]
    define_by_run = _samplers.resolve(sampler)
    try:
        core = hh.Study(
            {},
            storage=_storages.resolve(storage),
            name=study_name or f"no-name-{uuid.uuid4()}",
            algo=define_by_run,
            directions=dirs,
            load_if_exists=load_if_exists,
            pruner=pruner if pruner is not None else MedianPruner(),
        )
    except DuplicateStudyError as e:
        raise DuplicatedStudyError(str(e)) from None
    return Study(core, define_by_run)


def load_study(
    *, study_name: str, storage: Any, sampler: Any = None, pruner: Pruner | None = None
) -> Study:
    """Open a stored study (KeyError when there is none of that name).

    Args:
        study_name: the study's name.
        storage: a storage URL (``"sqlite:///study.db"``, ...) or storage object.
        sampler: the sampler to continue with (by default, hyperhop's ``auto``).
        pruner: the pruner to continue with.

    Returns:
        The study, with its stored trials.

    Raises:
        KeyError: the storage holds no study of that name.

    Example:
        >>> import os, tempfile
        >>> import hyperhop.optuna as optuna
        >>> with tempfile.TemporaryDirectory() as d:
        ...     url = "sqlite:///" + os.path.join(d, "optuna.db")
        ...     study = optuna.create_study(study_name="demo", storage=url)
        ...     study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        ...     len(optuna.load_study(study_name="demo", storage=url).trials)
        3
    """
    store = get_storage(_storages.resolve(storage))
    info = store.get_study(study_name)
    define_by_run = _samplers.resolve(sampler)
    core = hh.Study(
        {},
        storage=store,
        name=study_name,
        algo=define_by_run,
        directions=list(info.directions),
        pruner=pruner,
    )
    return Study(core, define_by_run)


class DuplicatedStudyError(DuplicateStudyError):
    """A study of that name exists and ``load_if_exists`` is False."""


__all__ = ["DuplicatedStudyError", "Study", "StudyDirection", "create_study", "load_study"]
