"""How a Hyperopt ``algo`` becomes a hyperhop sampler.

``tpe.suggest``, ``rand.suggest``, ``anneal.suggest`` and ``mix.suggest`` (bare or in a
``functools.partial`` with their settings) are registered here with a factory that
builds the matching core sampler; ``fmin`` then lets the study ask that sampler. Any
other callable is called the Hyperopt way, ``algo(new_ids, domain, trials, seed)``, and
the documents it returns are queued in the study.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from hyperhop.hyperopt.constants import (
    JOB_STATE_DONE,
    JOB_STATE_ERROR,
    JOB_STATE_NEW,
    STATUS_NEW,
    STATUS_OK,
)
from hyperhop.hyperopt.docs import Doc, spec_from_misc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import History, Sampler
from hyperhop.space import Space
from hyperhop.trial import FailReason, Trial, TrialError, TrialState

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
    """Hyperopt's ``suggest`` protocol on a core sampler: NEW documents for ``new_ids``
    (not inserted), each drawn from a history of the documents of ``trials`` plus the
    suggestions before it (as running trials)."""
    from hyperhop.hyperopt.engine import misc_of

    space = domain.space
    cache: dict[int, tuple[Any, ...]] = trials.__dict__.setdefault("_hh_as_trial", {})
    past = []
    for i, d in enumerate(trials._dynamic_trials):
        key = (d, i, d["state"], d["result"], space)
        hit = cache.get(id(d))
        if hit is None or not _same(hit[0], key):
            hit = cache[id(d)] = (key, _as_trial(d, i, space))
        if hit[1] is not None:
            past.append(hit[1])
    labels = space.labels
    docs = []
    for tid in new_ids:
        a = sampler.suggest(History(space, ("min",), list(past)))
        n = len(past)
        past.append(_core_trial(n, TrialState.RUNNING, a))
        docs.append(
            {
                "state": JOB_STATE_NEW,
                "tid": tid,
                "spec": None,
                "result": {"status": STATUS_NEW},
                "misc": misc_of(tid, a, labels),
                "exp_key": trials._exp_key,
                "owner": None,
                "version": 0,
                "book_time": None,
                "refresh_time": None,
            }
        )
    return docs


def _core_trial(number: int, state: TrialState, assignment: Any, **more: Any) -> Trial:
    """A core trial (not stored) for a sampler's history."""
    return Trial(id=number, number=number, study_id=0, state=state, assignment=assignment, **more)


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether a cached conversion is still valid: same document, place, state, result, space."""
    return a[0] is b[0] and a[1] == b[1] and a[2] == b[2] and a[3] is b[3] and a[4] is b[4]


def _as_trial(doc: Doc, i: int, space: Space) -> Trial | None:
    """A document as the core trial a sampler reads (None when it does not fit the space)."""
    a = spec_from_misc(doc["misc"])
    if not space.is_valid(a):
        return None
    state, values, error = TrialState.RUNNING, None, None
    result = doc["result"]
    if doc["state"] == JOB_STATE_DONE:
        loss = result.get("loss")
        if result.get("status") == STATUS_OK and loss is not None and not math.isnan(float(loss)):
            state, values = TrialState.COMPLETE, (float(loss),)
        else:
            state, error = TrialState.FAILED, TrialError(FailReason.USER.value, "status fail")
    elif doc["state"] == JOB_STATE_ERROR:
        state, error = TrialState.FAILED, TrialError(FailReason.EXCEPTION.value, "error")
    return _core_trial(i, state, a, values=values, error=error)
