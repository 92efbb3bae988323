"""``rand.suggest``: random search (hyperhop's ``RandomSampler``).

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import fmin, hp, rand
    >>> best = fmin(lambda x: x ** 2, hp.uniform("x", -1, 1), algo=rand.suggest,
    ...             max_evals=30, rstate=np.random.default_rng(0), show_progressbar=False)
    >>> abs(best["x"]) < 0.2
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hyperhop.hyperopt import algo
from hyperhop.hyperopt.docs import Doc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import RandomSampler

__all__ = ["suggest", "suggest_batch"]


def _sampler(seed: int, settings: dict[str, Any]) -> RandomSampler:
    if settings:
        raise TypeError(f"rand.suggest takes no settings, got {sorted(settings)}")
    return RandomSampler(seed)


def suggest(new_ids: Sequence[Any], domain: Domain, trials: Trials, seed: Any) -> list[Doc]:
    """NEW documents drawn from the prior, one per id."""
    return algo.suggest_with(_sampler(algo.seed_of(seed), {}), new_ids, domain, trials)


def suggest_batch(new_ids: Sequence[Any], domain: Domain, trials: Trials, seed: Any) -> list[Doc]:
    """The same as :func:`suggest` (kept for Hyperopt's name)."""
    return suggest(new_ids, domain, trials, seed)


algo.register(suggest, _sampler)
