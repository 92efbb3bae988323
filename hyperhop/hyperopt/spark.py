"""``SparkTrials`` is not offered: hyperhop runs trials in parallel with its executors."""

from __future__ import annotations

from typing import Any

from hyperhop.exceptions import HyperhopError

__all__ = ["SparkTrials", "SparkTrialsUnavailableError"]


class SparkTrialsUnavailableError(HyperhopError, NotImplementedError):
    """Raised by :class:`SparkTrials`; the message names hyperhop's executors."""


class SparkTrials:
    """Raises :class:`SparkTrialsUnavailableError` naming what to use instead.

    Example:
        >>> from hyperhop.hyperopt import SparkTrials
        >>> try:
        ...     SparkTrials(parallelism=4)
        ... except Exception as e:
        ...     print(type(e).__name__)
        SparkTrialsUnavailableError
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise SparkTrialsUnavailableError(
            "hyperhop.hyperopt has no SparkTrials. To evaluate trials in parallel, use "
            "hyperhop's executors: hh.Study(space).optimize(objective, n_trials=..., n_jobs=8) "
            "(threads, or executor='process'), executor='ray' / 'dask' / 'mpi' on a "
            "cluster, or MongoTrials('postgresql://...') with `hyperhop worker` processes."
        )
