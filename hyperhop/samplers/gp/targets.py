"""What the GP is fitted to: the objective values, standardized and optionally warped.

A GP with a stationary kernel and Gaussian noise fits a skewed objective badly: a long
tail of bad values (Rosenbrock's, a diverged training run's) sets the signal variance,
and the differences that matter, among the good values, shrink to noise. The Yeo-Johnson
power transform with its maximum-likelihood exponent (as HEBO does) makes the values
closer to Gaussian. It is monotone, so the best trial stays the best and expected
improvement keeps its meaning on the warped scale.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

_LAMBDA_BOUNDS = (0.0, 2.0)

Transform = tuple[np.ndarray, Callable[[float], float]]


def standardize(y: np.ndarray) -> Transform:
    """Z-scores of ``y`` and the map that gives any value's z-score. Computed on
    ``y / max|y|``, so values near the float limits (1e308) do not overflow; +-inf, which
    are valid objective values, stand just beyond the finite extremes.

    Example:
        >>> z, to_z = standardize(np.array([1.0, 2.0, 3.0]))
        >>> z.round(3).tolist(), round(to_z(2.0), 3)
        ([-1.225, 0.0, 1.225], 0.0)
    """
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    scale = float(np.abs(y[finite]).max()) if finite.any() else 1.0
    scale = scale if scale > 0 else 1.0
    lo, hi = (
        (float(y[finite].min()) / scale, float(y[finite].max()) / scale)
        if finite.any()
        else (0.0, 0.0)
    )

    def scaled(v: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(v, dtype=float) / scale, lo - 1.0, hi + 1.0)

    ys = scaled(y)
    mu, sd = float(ys.mean()), float(ys.std())
    sd = sd if sd > 0 else 1.0
    return (ys - mu) / sd, lambda v: float((scaled(np.asarray(v)) - mu) / sd)


def yeo_johnson(z: np.ndarray, lam: float) -> np.ndarray:
    """The Yeo-Johnson transform of ``z`` with exponent ``lam`` (monotone increasing)."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    if abs(lam) > 1e-12:
        out[pos] = np.expm1(lam * np.log1p(z[pos])) / lam
    else:
        out[pos] = np.log1p(z[pos])
    if abs(lam - 2.0) > 1e-12:
        out[~pos] = -np.expm1((2.0 - lam) * np.log1p(-z[~pos])) / (2.0 - lam)
    else:
        out[~pos] = -np.log1p(-z[~pos])
    return out


def warp(y: np.ndarray) -> Transform:
    """:func:`standardize`, then the Yeo-Johnson transform whose exponent maximizes the
    likelihood of a normal fit (clipped to [-2, 2]), then standardized again.

    Example:
        >>> y = np.exp(np.linspace(0.0, 8.0, 20))  # a long tail of large values
        >>> z, to_z = warp(y)
        >>> bool(np.all(np.diff(z) > 0)), round(to_z(float(y[3])), 6) == round(float(z[3]), 6)
        (True, True)
    """
    z, to_z = standardize(y)
    if len(z) < 3 or float(np.ptp(z)) == 0.0:
        return z, to_z
    from scipy import stats  # imported when first needed (slow)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            lam = float(stats.yeojohnson_normmax(z))
        except (ValueError, FloatingPointError, ArithmeticError):
            return z, to_z
    if not math.isfinite(lam):
        return z, to_z
    lam = min(max(lam, _LAMBDA_BOUNDS[0]), _LAMBDA_BOUNDS[1])
    w = yeo_johnson(z, lam)
    mu, sd = float(w.mean()), float(w.std())
    if not (math.isfinite(mu) and math.isfinite(sd)) or sd == 0.0:
        return z, to_z
    return (w - mu) / sd, lambda v: float((yeo_johnson(np.array([to_z(v)]), lam)[0] - mu) / sd)
