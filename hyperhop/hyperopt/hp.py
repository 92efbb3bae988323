"""``hp.*``: Hyperopt's search-space primitives, as hyperhop parameters carrying a label.

Each call returns a hyperhop parameter (``hh.uniform(..., label=...)`` and friends), so a
Hyperopt space is also a hyperhop space: arithmetic and indexing on it build
expressions, and ``hh.Study(space)`` takes it as it is. Stored values follow Hyperopt:
a choice stores the index of the option, ``quniform`` the rounded float.

Example:
    >>> from hyperhop.hyperopt import hp
    >>> from hyperhop.hyperopt.pyll.stochastic import sample
    >>> space = {"lr": hp.loguniform("lr", -5, 0), "act": hp.choice("act", ["relu", "tanh"])}
    >>> sorted(sample(space))
    ['act', 'lr']
"""

from __future__ import annotations

from typing import Any

import hyperhop as hh
from hyperhop.space import Choice, Float, Normal, RandInt

__all__ = [
    "choice",
    "lognormal",
    "loguniform",
    "normal",
    "pchoice",
    "qlognormal",
    "qloguniform",
    "qnormal",
    "quniform",
    "randint",
    "uniform",
    "uniformint",
]


def _label(label: Any) -> str:
    if isinstance(label, bytes):
        label = label.decode()
    if not isinstance(label, str):
        raise TypeError(f"require string label, got {label!r} (the first argument of hp.*)")
    return label


def choice(label: str, options: Any) -> Choice:
    """One of ``options`` (any iterable; an option may be a nested space). The stored value
    is the option's index."""
    return Choice(tuple(options), label=_label(label), func="hp.choice()")


def pchoice(label: str, p_options: Any) -> Choice:
    """One of the options of ``[(probability, option), ...]``."""
    return hh.pchoice(list(p_options), label=_label(label))


def randint(label: str, *args: Any, **kwargs: Any) -> RandInt:
    """An integer in ``[0, upper)`` (``randint(label, upper)``) or ``[low, upper)``
    (``randint(label, low, upper)``), treated as unordered."""
    label = _label(label)
    low = kwargs.pop("low", None)
    upper = kwargs.pop("upper", kwargs.pop("high", None))
    if kwargs:
        raise TypeError(f"hp.randint() got unexpected arguments {sorted(kwargs)}")
    values = [*args, *(v for v in (low, upper) if v is not None)]
    if len(values) == 1:
        return hh.randint(values[0], label=label)
    if len(values) == 2:
        return hh.randint(values[0], values[1], label=label)
    raise TypeError("hp.randint() takes (label, upper) or (label, low, upper)")


def uniform(label: str, low: float, high: float) -> Float:
    """A float drawn uniformly in ``[low, high)``."""
    return hh.uniform(low, high, label=_label(label))


def quniform(label: str, low: float, high: float, q: float) -> Float:
    """``round(uniform(low, high) / q) * q``: may leave the range."""
    return hh.quniform(low, high, q, label=_label(label))


def uniformint(label: str, low: int, high: int, q: float = 1.0, **kwargs: Any) -> Float:
    """``int(quniform(low, high, 1))``: both ends included, with half the mass of the others."""
    return hh.uniformint(low, high, label=_label(label))


def loguniform(label: str, low: float, high: float) -> Float:
    """``exp(uniform(low, high))``: **the bounds are logarithms**."""
    return hh.loguniform(low, high, label=_label(label))


def qloguniform(label: str, low: float, high: float, q: float) -> Float:
    """``round(exp(uniform(low, high)) / q) * q`` (bounds are logarithms)."""
    return hh.qloguniform(low, high, q, label=_label(label))


def normal(label: str, mu: float, sigma: float) -> Normal:
    """A normal draw ``N(mu, sigma)``."""
    return hh.normal(mu, sigma, label=_label(label))


def qnormal(label: str, mu: float, sigma: float, q: float) -> Normal:
    """``round(N(mu, sigma) / q) * q``."""
    return hh.qnormal(mu, sigma, q, label=_label(label))


def lognormal(label: str, mu: float, sigma: float) -> Normal:
    """``exp(N(mu, sigma))``."""
    return hh.lognormal(mu, sigma, label=_label(label))


def qlognormal(label: str, mu: float, sigma: float, q: float) -> Normal:
    """``round(exp(N(mu, sigma)) / q) * q`` (may be 0)."""
    return hh.qlognormal(mu, sigma, q, label=_label(label))
