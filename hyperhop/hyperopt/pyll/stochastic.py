"""``pyll.stochastic.sample``: one draw of a whole space from its prior.

Example:
    >>> import numpy as np
    >>> from hyperhop.hyperopt import hp
    >>> from hyperhop.hyperopt.pyll.stochastic import sample
    >>> sample(hp.randint("k", 3, 5), rng=np.random.default_rng(0)) in (3, 4)
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hyperhop.hyperopt.pyll.base import noise_rng
from hyperhop.space import Space

__all__ = ["sample"]


def sample(expr: Any, rng: np.random.Generator | None = None, **kwargs: Any) -> Any:
    """Draw the config of ``expr`` (hp parameters and noise nodes alike) with ``rng``."""
    if rng is None:
        rng = np.random.default_rng()
    elif not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    space = Space(expr)
    token = noise_rng.set(rng)
    try:
        return space.to_config(space.sample_assignment(rng))
    finally:
        noise_rng.reset(token)
