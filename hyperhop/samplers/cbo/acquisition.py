"""UCBd and the schedules of its exploration weight kappa.

Internally every objective is minimized (maximized ones are negated first) and scaled to
[0, 1]; the acquisition is then the upper confidence bound of the *negated* objective,
``-mean + kappa * std`` with the epistemic std, and is maximized.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def ucbd(mean: np.ndarray, std: np.ndarray, kappa: float) -> np.ndarray:
    """UCBd for a minimized objective: ``-mean + kappa * std`` (higher is better).

    Example:
        >>> import numpy as np
        >>> ucbd(np.array([0.2, 0.5]), np.array([0.0, 0.3]), 1.96).round(3).tolist()
        [-0.2, 0.088]
    """
    return -np.asarray(mean) + kappa * np.asarray(std)


@dataclass(frozen=True)
class PeriodicExpDecay:
    """DeepHyper's periodic exponential decay: ``kappa * exp(-rate * ((i - 1 - delay) mod
    period))`` with ``rate = ln(kappa / kappa_final) / period`` unless given, where ``i`` is
    the number of trials asked so far (a saw-tooth from ``kappa`` down to about
    ``kappa_final``, then back up; Python's modulo, so the pattern also runs before ``delay``).

    Example:
        >>> s = PeriodicExpDecay(delay=3)
        >>> round(s(3), 5), s(4)
        (0.01695, 1.96)
    """

    kappa: float = 1.96
    kappa_final: float = 0.01
    period: int = 10
    delay: int = 0
    rate: float | None = None

    def __call__(self, i: int) -> float:
        rate = self.rate
        if rate is None:
            rate = math.log(self.kappa / self.kappa_final) / self.period
        return self.kappa * math.exp(-rate * ((i - 1 - self.delay) % self.period))


@dataclass(frozen=True)
class ConstantKappa:
    """The same kappa at every step."""

    kappa: float = 1.96

    def __call__(self, i: int) -> float:
        return self.kappa


@dataclass(frozen=True)
class BanditKappa:
    """DeepHyper's "bandit" schedule (GP-UCB's): ``sqrt(2 * lamb * log(D * i'^2 * pi^2 /
    (6 * delta)))`` with ``i' = max(i + 1 - delay, 1)`` and D the number of parameters."""

    n_params: int
    delta: float = 0.05
    lamb: float = 0.2
    delay: int = 0

    def __call__(self, i: int) -> float:
        ip = max(i + 1 - self.delay, 1)
        arg = max(self.n_params, 1) * ip * ip * math.pi**2 / (6.0 * self.delta)
        return math.sqrt(2.0 * self.lamb * math.log(arg))


Schedule = Callable[[int], float]


def make_schedule(
    scheduler: str | Schedule,
    *,
    kappa: float,
    kappa_final: float,
    period: int,
    delay: int,
    n_params: int,
) -> Schedule:
    """A kappa schedule from a name ("periodic-exp-decay", "constant", "bandit") or a
    callable ``i -> kappa``."""
    if callable(scheduler):
        return scheduler
    if scheduler == "periodic-exp-decay":
        return PeriodicExpDecay(kappa, kappa_final, period, delay)
    if scheduler == "constant":
        return ConstantKappa(kappa)
    if scheduler == "bandit":
        return BanditKappa(n_params, delay=delay)
    raise ValueError(
        "The 'scheduler' parameter of CBOSampler must be 'periodic-exp-decay', 'constant', "
        f"'bandit' or a callable i -> kappa. Got {scheduler!r} instead."
    )
