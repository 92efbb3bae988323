"""Studies: the optimization loop and its one-call forms."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hyperhop.pruning import Fidelity, Pruner
from hyperhop.study.runtime import parse_runtime
from hyperhop.study.spellings import spelled
from hyperhop.study.study import Study
from hyperhop.study.trials import TrialList
from hyperhop.trial import Trial

__all__ = ["Study", "TrialList", "load_study", "maximize", "minimize", "parse_runtime"]


def _run(direction: str, args: dict[str, Any]) -> Study:
    """Create the study from the arguments that are Study's, optimize with the rest."""
    objective, space = args.pop("objective"), args.pop("space")
    study_keys = inspect.signature(Study.__init__).parameters
    study_kw = {k: args.pop(k) for k in list(args) if k in study_keys}
    study = Study(space, direction=direction, **study_kw)
    return study.optimize(objective, **args)


@spelled("minimize()")
def minimize(
    objective: Callable[..., Any],
    space: Any,
    *,
    n_trials: int | None = None,
    runtime: float | str | None = None,
    storage: Any = None,
    name: str | None = None,
    algo: Any = "auto",
    seed: int | None = None,
    n_jobs: int | str = 1,
    progress: bool = True,
    target: float | None = None,
    pruner: str | Pruner | None = None,
    fidelity: Fidelity | None = None,
    callbacks: Iterable[Callable[[Study, Trial], Any]] = (),
    catch: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
    load_if_exists: bool = True,
    checkpoint_path: str | os.PathLike[str] | None = None,
    artifacts: str | os.PathLike[str] | None = None,
    heartbeat_interval: float | None = 10.0,
    grace_period: float = 60.0,
    max_retries: int = 0,
    n_trials_mode: str = "total",
    n_trials_counts: str = "all",
    count_pruned: bool = True,
    max_consecutive_failures: int | None = 20,
    fail_fast: int | None = 3,
    kwargs: Mapping[str, Any] | None = None,
    executor: Any = None,
    trial_timeout: float | None = None,
    memory_limit: int | str | None = None,
    deterministic: bool = False,
) -> Study:
    """Create a study, minimize ``objective`` over ``space``, return the study.

    Every keyword is :class:`Study`'s or :meth:`Study.optimize`'s, documented there.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.minimize(lambda c: abs(c["x"] - 3), {"x": hh.int(0, 9)}, n_trials=30, seed=0, progress=False)
        >>> study.best.config
        {'x': 3}
    """
    return _run("min", dict(locals()))


@spelled("maximize()")
def maximize(
    objective: Callable[..., Any],
    space: Any,
    *,
    n_trials: int | None = None,
    runtime: float | str | None = None,
    storage: Any = None,
    name: str | None = None,
    algo: Any = "auto",
    seed: int | None = None,
    n_jobs: int | str = 1,
    progress: bool = True,
    target: float | None = None,
    pruner: str | Pruner | None = None,
    fidelity: Fidelity | None = None,
    callbacks: Iterable[Callable[[Study, Trial], Any]] = (),
    catch: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
    load_if_exists: bool = True,
    checkpoint_path: str | os.PathLike[str] | None = None,
    artifacts: str | os.PathLike[str] | None = None,
    heartbeat_interval: float | None = 10.0,
    grace_period: float = 60.0,
    max_retries: int = 0,
    n_trials_mode: str = "total",
    n_trials_counts: str = "all",
    count_pruned: bool = True,
    max_consecutive_failures: int | None = 20,
    fail_fast: int | None = 3,
    kwargs: Mapping[str, Any] | None = None,
    executor: Any = None,
    trial_timeout: float | None = None,
    memory_limit: int | str | None = None,
    deterministic: bool = False,
) -> Study:
    """Like :func:`minimize`, for objectives to maximize.

    Example:
        >>> import hyperhop as hh
        >>> hh.maximize(lambda c: -abs(c["x"] - 3), {"x": hh.int(0, 9)}, n_trials=30, seed=0, progress=False).best.config
        {'x': 3}
    """
    return _run("max", dict(locals()))


def load_study(storage: Any, name: str, space: Any = None, **kw: Any) -> Study:
    """Open an existing study. Without ``space`` it is rebuilt from the stored description
    (possible unless the space uses expressions, custom types or constraints); without
    ``pruner=``/``fidelity=`` the study's stored ones apply.

    Example:
        >>> import hyperhop as hh
        >>> from hyperhop.storage import MemoryStorage
        >>> store = MemoryStorage()
        >>> _ = hh.Study({"x": hh.float(0, 1)}, storage=store, name="s", pruner="median")
        >>> hh.load_study(store, "s").pruner.name
        'median'
    """
    from hyperhop.space.serialize import space_from_definition
    from hyperhop.storage import get_storage
    from hyperhop.study.evolve import current_definition

    store = get_storage(storage)
    info = store.get_study(name)
    if space is None:  # the current space: the one it was created with, or changed to
        space = space_from_definition(current_definition(info.space, info.attrs))
    return Study(space, storage=store, name=name, directions=info.directions, **kw)
