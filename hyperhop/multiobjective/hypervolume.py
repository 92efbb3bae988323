"""The hypervolume indicator: the volume a set of points dominates, up to a reference point.

Minimization throughout (negate maximized objectives first). Only points strictly better
than the reference in every objective add volume; the others are ignored, so a reference
point that no point beats gives 0.

- 2 objectives: exact, by a sort (``O(n log n)``);
- 3 objectives: exact, by a sweep over the third objective that keeps the 2-D front of the
  points seen so far and its area (``O(n log n)``);
- 4 and more: an estimate (:func:`hypervolume_estimate`): uniform samples in the box
  between the front's ideal point and the reference, counted when some point dominates
  them; seeded, with its standard error. ``hypervolume`` returns the estimate's value
  with 100,000 samples and seed 0 there, so it is repeatable but approximate: compare
  such values at equal sample counts and seeds only.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hyperhop.multiobjective.dominance import _matrix, non_dominated_mask

__all__ = ["HypervolumeEstimate", "hypervolume", "hypervolume_estimate"]

MC_SAMPLES = 100_000
"""Samples of the estimate that :func:`hypervolume` uses above 3 objectives."""


@dataclass(frozen=True)
class HypervolumeEstimate:
    """A Monte Carlo hypervolume: the value and its standard error.

    Returned by :func:`hypervolume_estimate`.

    Example:
        >>> from hyperhop.multiobjective import hypervolume_estimate
        >>> est = hypervolume_estimate([[1, 3], [2, 2], [3, 1]], [4, 4], n_samples=1000, seed=0)
        >>> est.n_samples, abs(est.value - 6.0) < 4 * est.stderr
        (1000, True)
    """

    value: float
    stderr: float
    n_samples: int


def _prepare(
    values: np.ndarray | Sequence[Sequence[float]], reference_point: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    Y = _matrix(values)
    ref = np.asarray(reference_point, dtype=float).reshape(-1)
    if len(Y) and Y.shape[1] != len(ref):
        raise ValueError(
            f"The reference point has {len(ref)} coordinate(s) but the points have {Y.shape[1]}."
        )
    if not np.all(np.isfinite(ref)):
        raise ValueError(f"The reference point must be finite. Got {ref.tolist()} instead.")
    Y = Y[np.all(Y < ref, axis=1)] if len(Y) else Y.reshape(0, len(ref))
    if len(Y) > 1:
        Y = np.unique(Y, axis=0)
        Y = Y[non_dominated_mask(Y)]
    return Y, ref


def hypervolume(
    values: np.ndarray | Sequence[Sequence[float]], reference_point: Sequence[float]
) -> float:
    """The volume dominated by ``values`` (rows are points, minimization) and bounded by
    ``reference_point``: exact in 1, 2 and 3 objectives, a seeded Monte Carlo estimate
    above (see :func:`hypervolume_estimate`).

    Example:
        >>> hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])
        6.0
        >>> hypervolume([[1, 1, 1]], [2, 3, 4])
        6.0
    """
    Y, ref = _prepare(values, reference_point)
    if len(Y) == 0:
        return 0.0
    k = Y.shape[1]
    if np.isinf(Y).any():
        return math.inf
    if k == 1:
        return float(ref[0] - Y[:, 0].min())
    if k == 2:
        return _hv2(Y, ref)
    if k == 3:
        return _hv3(Y, ref)
    return _monte_carlo(Y, ref, MC_SAMPLES, 0).value


def _hv2(Y: np.ndarray, ref: np.ndarray) -> float:
    """A non-dominated set: sorted by the first objective, the second falls."""
    order = np.argsort(Y[:, 0], kind="stable")
    x, y = Y[order, 0], Y[order, 1]
    widths = np.diff(np.r_[x, ref[0]])
    return float(np.sum(widths * (ref[1] - y)))


def _hv3(Y: np.ndarray, ref: np.ndarray) -> float:
    """Sweep up the third objective; between two levels the dominated slice is the 2-D
    area of the points below, kept up to date as each point enters its staircase."""
    order = np.argsort(Y[:, 2], kind="stable")
    pts = Y[order].tolist()
    r1, r2, r3 = float(ref[0]), float(ref[1]), float(ref[2])
    xs: list[float] = []  # staircase: x rising, y falling
    ys: list[float] = []
    area = 0.0
    volume = 0.0
    for i, (a, b, c) in enumerate(pts):
        area += _insert(xs, ys, a, b, r1, r2)
        nxt = pts[i + 1][2] if i + 1 < len(pts) else r3
        volume += area * (nxt - c)
    return volume


def _insert(xs: list[float], ys: list[float], a: float, b: float, r1: float, r2: float) -> float:
    """Put ``(a, b)`` in the staircase; return the area it adds (0 when dominated)."""
    j = bisect.bisect_right(xs, a) - 1
    if j >= 0 and ys[j] <= b:
        return 0.0
    # The height already dominated just right of a: from the nearest point at x <= a.
    p = bisect.bisect_left(xs, a)
    e = p
    while e < len(xs) and ys[e] >= b:
        e += 1
    right = xs[e] if e < len(xs) else r1
    # Area already dominated in the strip [a, right): piecewise, left neighbour then the
    # points that the new one replaces.
    old = 0.0
    x0 = a
    h = r2 - ys[j] if j >= 0 else 0.0
    for q in range(p, e):
        old += (xs[q] - x0) * h
        x0, h = xs[q], r2 - ys[q]
    old += (right - x0) * h
    xs[p:e] = [a]
    ys[p:e] = [b]
    return (right - a) * (r2 - b) - old


def hypervolume_estimate(
    values: np.ndarray | Sequence[Sequence[float]],
    reference_point: Sequence[float],
    n_samples: int = MC_SAMPLES,
    seed: int | None = 0,
) -> HypervolumeEstimate:
    """A Monte Carlo hypervolume in any number of objectives, with its standard error.

    Samples are uniform in the box from the front's ideal point to the reference point;
    the estimate is the box volume times the fraction of samples some point dominates.
    The error shrinks as ``1 / sqrt(n_samples)``.

    Example:
        >>> est = hypervolume_estimate([[1, 3], [2, 2], [3, 1]], [4, 4], 20_000, seed=0)
        >>> abs(est.value - 6.0) < 4 * est.stderr
        True
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1. Got {n_samples!r} instead.")
    Y, ref = _prepare(values, reference_point)
    if len(Y) == 0:
        return HypervolumeEstimate(0.0, 0.0, n_samples)
    if np.isinf(Y).any():
        return HypervolumeEstimate(math.inf, 0.0, n_samples)
    return _monte_carlo(Y, ref, n_samples, seed)


def _monte_carlo(
    Y: np.ndarray, ref: np.ndarray, n_samples: int, seed: int | None
) -> HypervolumeEstimate:
    rng = np.random.default_rng(seed)
    lo = Y.min(axis=0)
    box = float(np.prod(ref - lo))
    hits = 0
    # Chunks keep the (samples x points x objectives) comparison near 16 MB.
    chunk = max(1, 2_000_000 // max(1, len(Y) * Y.shape[1]))
    left = n_samples
    while left:
        m = min(chunk, left)
        S = lo + rng.random((m, len(ref))) * (ref - lo)
        hits += int(np.any(np.all(Y[None, :, :] <= S[:, None, :], axis=2), axis=1).sum())
        left -= m
    p = hits / n_samples
    return HypervolumeEstimate(box * p, box * math.sqrt(p * (1 - p) / n_samples), n_samples)
