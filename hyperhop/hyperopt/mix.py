"""``mix.suggest``: each suggestion from one algorithm picked at random.

``p_suggest = [(probability, suggest), ...]`` binds with ``functools.partial``; the
probabilities must sum to 1.

Example:
    >>> from functools import partial
    >>> import numpy as np
    >>> from hyperhop.hyperopt import anneal, fmin, hp, mix, rand, tpe
    >>> algo = partial(mix.suggest, p_suggest=[(0.1, rand.suggest), (0.2, anneal.suggest),
    ...                                        (0.7, tpe.suggest)])
    >>> best = fmin(lambda x: x ** 2, hp.uniform("x", -1, 1), algo=algo, max_evals=20,
    ...             rstate=np.random.default_rng(0), show_progressbar=False)
    >>> abs(best["x"]) < 0.5
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hyperhop.hyperopt import algo
from hyperhop.hyperopt.docs import Doc
from hyperhop.hyperopt.domain import Domain
from hyperhop.hyperopt.trials import Trials
from hyperhop.samplers import History, Sampler
from hyperhop.space import Assignment

__all__ = ["MixSampler", "suggest"]


def _check(p_suggest: Any) -> tuple[np.ndarray, list[Any]]:
    try:
        ps = np.asarray([float(p) for p, _ in p_suggest])
        fns = [fn for _, fn in p_suggest]
    except (TypeError, ValueError):
        raise ValueError(
            f"p_suggest must be a list of (probability, suggest) pairs, got {p_suggest!r}"
        ) from None
    if not fns or np.any(ps < 0) or not np.isclose(ps.sum(), 1.0):
        raise ValueError(
            f"The probabilities of p_suggest must be >= 0 and sum to 1, got {list(ps)}"
        )
    return ps, fns


class MixSampler(Sampler):
    """Picks one of several samplers per suggestion, with fixed probabilities."""

    name = "mix"

    def __init__(self, seed: int, parts: Sequence[tuple[float, Sampler]]) -> None:
        super().__init__(seed)
        self.probs = np.asarray([p for p, _ in parts], dtype=float)
        self.parts = [s for _, s in parts]

    def suggest(self, history: History) -> Assignment:
        k = int(self.rng_for(history.n).choice(len(self.parts), p=self.probs / self.probs.sum()))
        return self.parts[k].suggest(history)


def _sampler(seed: int, settings: dict[str, Any]) -> Sampler | None:
    s = dict(settings)
    if "p_suggest" not in s:
        raise TypeError("mix.suggest needs p_suggest=[(probability, suggest), ...]")
    ps, fns = _check(s.pop("p_suggest"))
    if s:
        raise TypeError(f"mix.suggest got unknown settings {sorted(s)}")
    parts = []
    for i, (p, fn) in enumerate(zip(ps, fns, strict=True)):
        sub = algo.sampler_for(fn, seed + 7919 * (i + 1))
        if sub is None:
            return None  # a suggest function of your own: run the mix the Hyperopt way
        parts.append((float(p), sub))
    return MixSampler(seed, parts)


def suggest(
    new_ids: Sequence[Any], domain: Domain, trials: Trials, seed: Any, p_suggest: Any
) -> list[Doc]:
    """NEW documents from one algorithm of ``p_suggest``, picked with its probability."""
    ps, fns = _check(p_suggest)
    rng = np.random.default_rng(algo.seed_of(seed))
    k = int(rng.choice(len(fns), p=ps / ps.sum()))
    docs: list[Doc] = fns[k](new_ids, domain, trials, int(rng.integers(2**31 - 1)))
    return docs


algo.register(suggest, _sampler)
