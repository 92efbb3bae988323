"""Studies: the optimization loop and its one-call forms."""

from __future__ import annotations

from typing import Any

from hyperhop.study.runtime import parse_runtime
from hyperhop.study.study import Study
from hyperhop.study.trials import TrialList

__all__ = ["Study", "TrialList", "load_study", "maximize", "minimize", "parse_runtime"]

_STUDY_KEYS = (
    "storage",
    "name",
    "algo",
    "seed",
    "load_if_exists",
    "heartbeat_interval",
    "grace_period",
    "max_retries",
    "pruner",
    "fidelity",
)


def _split(kw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    study_kw = {k: kw.pop(k) for k in _STUDY_KEYS if k in kw}
    return study_kw, kw


def minimize(objective: Any, space: Any, **kw: Any) -> Study:
    """Create a study (``storage``, ``name``, ``algo``, ``seed``... go to it), minimize, return it.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.minimize(lambda c: abs(c["x"] - 3), {"x": hh.int(0, 9)}, n_trials=30, seed=0, progress=False)
        >>> study.best.config
        {'x': 3}
    """
    study_kw, run_kw = _split(kw)
    study = Study(space, direction="min", **study_kw)
    return study.optimize(objective, **run_kw)


def maximize(objective: Any, space: Any, **kw: Any) -> Study:
    """Like :func:`minimize`, for objectives to maximize."""
    study_kw, run_kw = _split(kw)
    study = Study(space, direction="max", **study_kw)
    return study.optimize(objective, **run_kw)


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

    store = get_storage(storage)
    info = store.get_study(name)
    if space is None:
        space = space_from_definition(info.space)
    return Study(space, storage=store, name=name, directions=info.directions, **kw)
