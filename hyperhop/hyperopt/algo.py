"""How a Hyperopt ``algo`` becomes a hyperhop sampler.

``tpe.suggest``, ``rand.suggest``, ``anneal.suggest`` and ``mix.suggest`` (bare or in a
``functools.partial`` with their settings) are registered here with a factory that
builds the matching core sampler; ``fmin`` then lets the study ask that sampler. Any
other callable is called the Hyperopt way, ``algo(new_ids, domain, trials, seed)``, and
the documents it returns are queued in the study.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hyperhop.hyperopt.constants import JOB_STATE_NEW, STATUS_NEW
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Doc, Trials
from hyperhop.samplers import Sampler

__all__ = ["register", "sampler_for", "seed_of", "suggest_with"]

Factory = Callable[[int, dict[str, Any]], Sampler | None]
_FACTORIES: dict[Callable[..., Any], Factory] = {}


def register(suggest: Callable[..., Any], factory: Factory) -> None:
    """Let ``fmin`` run ``suggest`` (with partial settings) as ``factory(seed, settings)``."""
    _FACTORIES[suggest] = factory


def unwrap(algo: Any) -> tuple[Any, dict[str, Any]]:
    """The function under nested ``functools.partial`` wrappers, and their keywords."""
    settings: dict[str, Any] = {}
    while isinstance(algo, functools.partial):
        if algo.args:
            raise TypeError(
                "Bind an algorithm's settings by keyword, e.g. "
                "functools.partial(tpe.suggest, n_startup_jobs=10)."
            )
        settings = {**algo.keywords, **settings}
        algo = algo.func
    return algo, settings


def sampler_for(algo: Any, seed: int) -> Sampler | None:
    """The core sampler for a registered algorithm, or None for any other callable."""
    func, settings = unwrap(algo)
    factory = _FACTORIES.get(func)
    return None if factory is None else factory(seed, settings)


def seed_of(seed: Any) -> int:
    """An int seed from what Hyperopt passes (an int, a NumPy bit generator, a Generator)."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return int(seed)
    return int(np.random.default_rng(seed).integers(2**31 - 1))


def suggest_with(
    sampler: Sampler, new_ids: Sequence[Any], domain: Domain, trials: Trials
) -> list[Doc]:
    """Hyperopt's ``suggest`` protocol on a core sampler: NEW documents for ``new_ids``,
    drawn from a study that holds the documents of ``trials`` (not inserted)."""
    from hyperhop.hyperopt.engine import Engine, assignment_of, misc_of

    engine = Engine(_memory_copy(trials), domain, sampler)
    docs = []
    for tid in new_ids:
        trial = engine.study.ask()  # RUNNING in this scratch study: the next one knows it
        docs.append(
            {
                "state": JOB_STATE_NEW,
                "tid": tid,
                "spec": None,
                "result": {"status": STATUS_NEW},
                "misc": misc_of(tid, assignment_of(trial), engine.labels),
                "exp_key": trials._exp_key,
                "owner": None,
                "version": 0,
                "book_time": None,
                "refresh_time": None,
            }
        )
    return docs


def _memory_copy(trials: Trials) -> Trials:
    """An in-memory Trials holding the same documents (a stored one reads its own)."""
    rval = Trials(exp_key=trials._exp_key, refresh=False)
    rval._dynamic_trials = [d for d in trials._dynamic_trials if d["state"] != JOB_STATE_NEW]
    rval.refresh()
    return rval
