"""Acquisition functions of a GP posterior, for a minimized objective (higher is better).

``log_ei`` is the logarithm of expected improvement computed without cancellation or
underflow for very negative z (Ament et al., 2023, "Unexpected Improvements to Expected
Improvement"), so that its gradient stays informative far from the incumbent.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

_C1 = 0.5 * math.log(2.0 * math.pi)
_C2 = 0.5 * math.log(math.pi / 2.0)
_Z_TAIL = -1.0 / math.sqrt(np.finfo(float).eps)


def log1mexp(x: np.ndarray) -> np.ndarray:
    """``log(1 - exp(x))`` for ``x < 0``, accurate at both ends."""
    x = np.asarray(x, dtype=float)
    small = x > -math.log(2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(small, np.log(-np.expm1(x)), np.log1p(-np.exp(np.minimum(x, 0.0))))


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(phi(z) + z Phi(z))``, stable for every real z.

    Example:
        >>> round(float(log_h(np.array([-1.0]))[0]), 4), bool(np.isfinite(log_h(np.array([-1e4]))).all())
        (-2.4851, True)
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    hi = z > -1.0
    zh = z[hi]
    out[hi] = np.log(np.exp(-0.5 * zh * zh) / math.sqrt(2 * math.pi) + zh * special.ndtr(zh))
    mid = (~hi) & (z > _Z_TAIL)
    zm = z[mid]
    out[mid] = (
        -0.5 * zm * zm
        - _C1
        + log1mexp(np.log(special.erfcx(-zm / math.sqrt(2.0)) * np.abs(zm)) + _C2)
    )
    lo = ~(hi | mid)
    zl = z[lo]
    out[lo] = -0.5 * zl * zl - _C1 - 2.0 * np.log(np.abs(zl))
    return out


def d_log_h(z: np.ndarray, logh: np.ndarray) -> np.ndarray:
    """``d log h / dz = Phi(z) / h(z)``: through logarithms, and by its expansion
    ``|z| (1 + 2 / z^2)`` far in the tail, where the logarithms are too large to subtract."""
    z = np.asarray(z, dtype=float)
    tail = z < -1e3
    zt = np.where(tail, -1.0, z)
    out = np.exp(special.log_ndtr(zt) - np.where(tail, 0.0, logh))
    zz = np.where(tail, z, -1.0)  # the expansion only where it is used (no 2 / 0 elsewhere)
    return np.where(tail, -zz * (1.0 + 2.0 / (zz * zz)), out)


def log_ei(mean: np.ndarray, var: np.ndarray, best: float) -> np.ndarray:
    """log E[max(best - f, 0)] for ``f ~ N(mean, var)``."""
    sd = np.sqrt(var)
    return np.log(sd) + log_h((best - mean) / sd)


def log_ei_grad(
    mean: np.ndarray, var: np.ndarray, dmean: np.ndarray, dvar: np.ndarray, best: float
) -> tuple[np.ndarray, np.ndarray]:
    """log EI and its gradient in the inputs (from those of the mean and variance)."""
    sd = np.sqrt(var)
    z = (best - mean) / sd
    lh = log_h(z)
    dsd = dvar / (2.0 * sd[:, None])
    dz = (-dmean - z[:, None] * dsd) / sd[:, None]
    grad = dsd / sd[:, None] + d_log_h(z, lh)[:, None] * dz
    return np.log(sd) + lh, grad


def log_feasible(mean: np.ndarray, var: np.ndarray, threshold: float) -> np.ndarray:
    """log P(c <= threshold) for ``c ~ N(mean, var)``: the log probability that an outcome
    constraint holds."""
    return np.asarray(special.log_ndtr((threshold - mean) / np.sqrt(var)))


def log_feasible_grad(
    mean: np.ndarray, var: np.ndarray, dmean: np.ndarray, dvar: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`log_feasible` and its gradient in the inputs."""
    sd = np.sqrt(var)
    z = (threshold - mean) / sd
    lp = special.log_ndtr(z)
    # d log Phi(z) / dz = phi(z) / Phi(z), through logarithms
    ratio = np.exp(-0.5 * z * z - _C1 - lp)
    dsd = dvar / (2.0 * sd[:, None])
    dz = (-dmean - z[:, None] * dsd) / sd[:, None]
    return np.asarray(lp), ratio[:, None] * dz


def ucb(mean: np.ndarray, var: np.ndarray, kappa: float) -> np.ndarray:
    """The upper confidence bound of the negated objective, ``-mean + kappa * sd``."""
    return -mean + kappa * np.sqrt(var)


def ucb_grad(
    mean: np.ndarray, var: np.ndarray, dmean: np.ndarray, dvar: np.ndarray, kappa: float
) -> tuple[np.ndarray, np.ndarray]:
    sd = np.sqrt(var)
    return -mean + kappa * sd, -dmean + kappa * dvar / (2.0 * sd[:, None])
