"""``atpe``: Hyperopt's Adaptive TPE is not offered.

ATPE chooses TPE's settings with LightGBM models that Hyperopt trained and ships as
data files; hyperhop does not copy them, and an imitation without them would not be
ATPE. Use ``tpe.suggest``, or hyperhop's own ``algo="auto"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hyperhop.exceptions import HyperhopError

__all__ = ["ATPEUnavailableError", "suggest"]


class ATPEUnavailableError(HyperhopError, NotImplementedError):
    """ATPE needs Hyperopt's pretrained models, which hyperhop does not ship."""


def suggest(new_ids: Sequence[Any], domain: Any, trials: Any, seed: Any, **kwargs: Any) -> Any:
    """Raises :class:`ATPEUnavailableError`: use ``tpe.suggest`` or hyperhop's ``auto``."""
    raise ATPEUnavailableError(
        "hyperhop.hyperopt does not offer atpe.suggest: Adaptive TPE runs on LightGBM models "
        "trained by Hyperopt and shipped with it. Use algo=tpe.suggest, or "
        "hh.Study(space, algo='auto') for hyperhop's own adaptive choice."
    )
