"""``tpe.suggest``: Hyperopt's Tree-structured Parzen Estimator (``HyperoptTPESampler``).

Settings bind with ``functools.partial``: ``prior_weight`` (1.0), ``n_startup_jobs``
(20 random trials first), ``n_EI_candidates`` (24), ``gamma`` (0.25: the good set is the
``min(ceil(gamma * sqrt(N)), 25)`` best trials), ``linear_forgetting`` (25).

Example:
    >>> from functools import partial
    >>> import numpy as np
    >>> from hyperhop.hyperopt import fmin, hp, tpe
    >>> best = fmin(lambda x: (x - 1) ** 2, hp.uniform("x", -3, 3),
    ...             algo=partial(tpe.suggest, n_startup_jobs=5), max_evals=25,
    ...             rstate=np.random.default_rng(0), show_progressbar=False)
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

_default_prior_weight = 1.0
_default_n_startup_jobs = 20
_default_n_EI_candidates = 24
_default_gamma = 0.25
_default_linear_forgetting = 25
DEFAULT_LF = _default_linear_forgetting


def _sampler(seed: int, settings: dict[str, Any]) -> Sampler:
    from hyperhop.samplers import HyperoptTPESampler

    s = dict(settings)
    s.pop("verbose", None)
    kwargs = {
        "prior_weight": s.pop("prior_weight", _default_prior_weight),
        "n_startup": s.pop("n_startup_jobs", _default_n_startup_jobs),
        "n_ei_candidates": s.pop("n_EI_candidates", _default_n_EI_candidates),
        "gamma": s.pop("gamma", _default_gamma),
        "linear_forgetting": s.pop("linear_forgetting", _default_linear_forgetting),
    }
    if s:
        raise TypeError(
            f"tpe.suggest got unknown settings {sorted(s)}; it takes prior_weight, "
            "n_startup_jobs, n_EI_candidates, gamma, linear_forgetting and verbose."
        )
    sampler: Sampler = HyperoptTPESampler(seed, **kwargs)
    return sampler


def suggest(
    new_ids: Sequence[Any],
    domain: Domain,
    trials: Trials,
    seed: Any,
    prior_weight: float = _default_prior_weight,
    n_startup_jobs: int = _default_n_startup_jobs,
    n_EI_candidates: int = _default_n_EI_candidates,
    gamma: float = _default_gamma,
    verbose: bool = True,
    linear_forgetting: int = _default_linear_forgetting,
) -> list[Doc]:
    """NEW documents proposed by TPE from the trials so far, one per id."""
    settings = {
        "prior_weight": prior_weight,
        "n_startup_jobs": n_startup_jobs,
        "n_EI_candidates": n_EI_candidates,
        "gamma": gamma,
        "linear_forgetting": linear_forgetting,
    }
    return algo.suggest_with(_sampler(algo.seed_of(seed), settings), new_ids, domain, trials)


algo.register(suggest, _sampler)
