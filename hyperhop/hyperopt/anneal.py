"""``anneal.suggest``: Hyperopt's annealing (``HyperoptAnnealSampler``).

Settings: ``avg_best_idx`` (2.0: the reference trial is about the second best) and
``shrink_coef`` (0.1: the window shrinks as ``1 / (1 + T * shrink_coef)`` after ``T``
observations).

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import anneal, fmin, hp
    >>> best = fmin(lambda x: (x - 1) ** 2, hp.uniform("x", -3, 3), algo=anneal.suggest,
    ...             max_evals=40, rstate=np.random.default_rng(0), show_progressbar=False)
    >>> abs(best["x"] - 1) < 0.5
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hyperhop.hyperopt import algo
from hyperhop.hyperopt.docs import Doc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import Sampler

__all__ = ["suggest"]


def _sampler(seed: int, settings: dict[str, Any]) -> Sampler:
    from hyperhop.samplers import HyperoptAnnealSampler

    s = dict(settings)
    kwargs = {k: s.pop(k) for k in ("avg_best_idx", "shrink_coef") if k in s}
    if s:
        raise TypeError(
            f"anneal.suggest got unknown settings {sorted(s)}; it takes avg_best_idx and shrink_coef."
        )
    sampler: Sampler = HyperoptAnnealSampler(seed, **kwargs)
    return sampler


def suggest(
    new_ids: Sequence[Any], domain: Domain, trials: Trials, seed: Any, *args: Any, **kwargs: Any
) -> list[Doc]:
    """NEW documents proposed by annealing around the best trials, one per id."""
    if args:
        raise TypeError("anneal.suggest takes its settings by keyword (avg_best_idx, shrink_coef)")
    return algo.suggest_with(_sampler(algo.seed_of(seed), kwargs), new_ids, domain, trials)


algo.register(suggest, _sampler)
