"""Hyperopt's adaptive Parzen estimators, batched over columns.

Every function works on ``C`` columns at once that share their observations' trials (the
numeric members of a group), so one suggestion costs a handful of NumPy calls per group,
not a Python loop per observation.

The mixture of a column has ``n + 1`` components: the prior (component 0, weight
``prior_weight``, at the centre of the range with sigma = the range width, or the normal
family's ``mu``/``sigma``) and one Gaussian per observation, whose sigma is the larger
distance to its sorted neighbours (the prior included), clipped to
``[prior_sigma / min(100, n + 2), prior_sigma]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

TINY = 1e-300


def linear_forgetting_weights(n: int, lf: int | None) -> np.ndarray:
    """Weights of ``n`` observations in time order: the ``lf`` most recent weigh 1, older
    ones ramp linearly from ``1/n`` up (Hyperopt's ``linear_forgetting_weights``).

    Example:
        >>> linear_forgetting_weights(4, 2).tolist()
        [0.25, 1.0, 1.0, 1.0]
    """
    if not lf or n <= lf:
        return np.ones(n)
    return np.concatenate([np.linspace(1.0 / n, 1.0, num=n - lf), np.ones(lf)])


@dataclass
class Mixture:
    """``C`` one-dimensional Gaussian mixtures of ``k`` components each, truncated to
    ``[lo, hi]`` per column."""

    mu: np.ndarray
    """(C, k) component means (component 0 is the prior)."""
    sigma: np.ndarray
    """(C, k) component standard deviations."""
    weights: np.ndarray
    """(k,) normalized component weights (the same for every column)."""
    lo: np.ndarray
    """(C, 1) lower truncation bounds (may be -inf)."""
    hi: np.ndarray
    """(C, 1) upper truncation bounds (may be +inf)."""


def adaptive_sigmas(mus: np.ndarray, prior_mu: np.ndarray, prior_sigma: np.ndarray) -> np.ndarray:
    """Sigmas of the components ``[prior, obs...]`` for observations ``mus`` (C, n).

    Example:
        >>> adaptive_sigmas(np.array([[0.1, 0.2, 0.9]]), np.array([0.5]), np.array([1.0]))
        array([[1. , 0.2, 0.3, 0.4]])
    """
    c, n = mus.shape
    ps = prior_sigma[:, None]
    if n == 0:
        return ps.copy()
    if n == 1:
        sig = np.concatenate([ps, 0.5 * ps], axis=1)
    else:
        # Hyperopt inserts the prior before equal observations; ties are rare (and then
        # only change which of two equal components gets which sigma), so the fast
        # (SIMD) unstable sort is used
        allm = np.concatenate([prior_mu[:, None], mus], axis=1)
        order = np.argsort(allm, axis=1)
        srt = np.take_along_axis(allm, order, axis=1)
        d = np.diff(srt, axis=1)
        ss = np.empty_like(srt)
        ss[:, 1:-1] = np.maximum(d[:, :-1], d[:, 1:])
        ss[:, 0] = d[:, 0]
        ss[:, -1] = d[:, -1]
        sig = np.empty_like(ss)
        sig[np.arange(c)[:, None], order] = ss
    minsigma = ps / min(100.0, 1.0 + (n + 1))
    sig = np.clip(sig, minsigma, ps)
    sig[:, 0] = prior_sigma
    return sig


def fit(
    mus: np.ndarray,
    prior_mu: np.ndarray,
    prior_sigma: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    prior_weight: float,
    lf: int | None,
) -> Mixture:
    """The adaptive Parzen estimators of ``C`` columns from observations ``mus`` (C, n) in
    time order (oldest first)."""
    n = mus.shape[1]
    w = np.concatenate([[prior_weight], linear_forgetting_weights(n, lf)])
    return Mixture(
        np.concatenate([prior_mu[:, None], mus], axis=1),
        adaptive_sigmas(mus, prior_mu, prior_sigma),
        w / w.sum(),
        lo[:, None],
        hi[:, None],
    )


def sample(mix: Mixture, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` draws per column from the truncated mixtures: (C, size).

    A component is picked with probability proportional to its weight times its mass
    inside the bounds, then drawn from that truncated Gaussian, which is the same law as
    Hyperopt's rejection sampling.
    """
    mu, sig = mix.mu, mix.sigma
    a = special.ndtr((mix.lo - mu) / sig)
    b = special.ndtr((mix.hi - mu) / sig)
    p = mix.weights * np.maximum(b - a, TINY)
    cum = np.cumsum(p, axis=1)
    u = rng.random((mu.shape[0], size)) * cum[:, -1:]
    comp = np.minimum((u[:, :, None] >= cum[:, None, :]).sum(axis=2), mu.shape[1] - 1)
    m = np.take_along_axis(mu, comp, axis=1)
    s = np.take_along_axis(sig, comp, axis=1)
    ca = np.take_along_axis(a, comp, axis=1)
    cb = np.take_along_axis(b, comp, axis=1)
    v = rng.random(m.shape)
    x = m + s * special.ndtri(np.clip(ca + (cb - ca) * v, 1e-16, 1.0 - 1e-16))
    return np.clip(x, mix.lo, mix.hi)


def log_density(mix: Mixture, x: np.ndarray) -> np.ndarray:
    """Log density (up to a constant per column) of points ``x`` (C, K): (C, K).

    The truncation's normalizer is left out: it is the same for every point of a column,
    so it does not change which candidate wins. The squared distances come from one
    batched matrix product, ``[x^2, x, 1] @ [a, b, c]`` per column, on standardized values
    (so that the expansion loses no precision), which is several times faster than
    broadcasting ``x - mu`` over a (C, K, n) array.
    """
    centre = mix.mu[:, :1]
    bounded = bool(np.all(np.isfinite(mix.hi - mix.lo)))
    scale = np.where(np.isfinite(mix.hi - mix.lo), mix.hi - mix.lo, mix.sigma[:, :1])
    m = (mix.mu - centre) / scale
    i2 = (scale / mix.sigma) ** 2
    coefs = np.stack([-0.5 * i2, i2 * m, -0.5 * i2 * m * m], axis=1)
    xs = (x - centre) / scale
    feats = np.stack([xs * xs, xs, np.ones_like(xs)], axis=2)
    coef = (mix.weights / mix.sigma)[:, :, None]
    if bounded:
        # Standardized points lie within half a width of the prior's centre, and the prior
        # term keeps every exponent's maximum above -1/2: float32 (10x faster exponentials
        # here) loses nothing that matters, and no shift is needed.
        e32 = np.matmul(feats.astype(np.float32), coefs.astype(np.float32))
        # exp(-80) is negligible next to the prior's term, and clipping first keeps the
        # exponential off its slow underflow path (several times slower)
        np.maximum(e32, -80.0, out=e32)
        np.exp(e32, out=e32)
        dens = np.matmul(e32, coef.astype(np.float32))[:, :, 0].astype(float)
        return np.log(np.maximum(dens, TINY))
    e = np.matmul(feats, coefs)
    mx = e.max(axis=2, keepdims=True)
    np.subtract(e, mx, out=e)
    np.maximum(e, -700.0, out=e)
    np.exp(e, out=e)
    dens = np.matmul(e, coef)[:, :, 0]
    return np.log(np.maximum(dens, TINY)) + mx[:, :, 0]


def dedupe(mu: np.ndarray, sigma: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
    """One component per distinct (mu, sigma), weights summed: exact, and short for a
    quantized column, whose observations repeat a few values.

    Example:
        >>> [a.tolist() for a in dedupe(np.array([1.0, 2.0, 1.0]), np.ones(3), np.ones(3))]
        [[1.0, 2.0], [1.0, 1.0], [2.0, 1.0]]
    """
    order = np.lexsort((sigma, mu))
    m, s = mu[order], sigma[order]
    start = np.concatenate([[True], (np.diff(m) != 0) | (np.diff(s) != 0)])
    idx = np.flatnonzero(start)
    return m[idx], s[idx], np.add.reduceat(weights[order], idx)


def log_mass_1d(
    mu: np.ndarray, sigma: np.ndarray, weights: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Log probability (up to a constant) of the bins ``[lo, hi]`` (K,) under one mixture.

    The CDF is evaluated once per distinct bin edge and distinct component.
    """
    mu, sigma, weights = dedupe(mu, sigma, weights)
    edges, inv = np.unique(np.concatenate([lo, hi]), return_inverse=True)
    cdf = special.ndtr((edges[:, None] - mu[None, :]) / sigma[None, :]) @ weights
    k = len(lo)
    return np.log(np.maximum(cdf[inv[k:]] - cdf[inv[:k]], TINY))


def categorical_probs(
    obs: np.ndarray, n: int, p: np.ndarray, weighted: bool, prior_weight: float, lf: int | None
) -> np.ndarray:
    """Posterior category probabilities from observed indices ``obs`` (time order).

    Pseudo-counts as Hyperopt: ``counts + prior_weight`` for a plain choice or randint,
    ``counts + n * prior_weight * p`` for a weighted choice; counts carry the
    linear-forgetting weights.

    Example:
        >>> categorical_probs(np.array([0, 0, 2]), 3, np.full(3, 1 / 3), False, 1.0, 25).tolist()
        [0.5, 0.16666666666666666, 0.3333333333333333]
    """
    counts = np.bincount(
        obs.astype(np.intp), weights=linear_forgetting_weights(len(obs), lf), minlength=n
    )[:n]
    pseudo = counts + (n * prior_weight * p if weighted else prior_weight)
    return np.asarray(pseudo / pseudo.sum(), dtype=float)


def n_good(n: int, gamma: float, cap: int) -> int:
    """Hyperopt's split: the best ``min(ceil(gamma * sqrt(n)), cap)`` of ``n`` trials.

    Example:
        >>> [n_good(n, 0.25, 25) for n in (20, 100, 1000, 100000)]
        [2, 3, 8, 25]
    """
    return min(int(math.ceil(gamma * math.sqrt(n))), cap)
