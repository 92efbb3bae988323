"""PED-ANOVA (Watanabe et al., 2023): how much the distribution of each parameter among
the best trials (the top ``gamma`` quantile) differs from its distribution among all of
them (the baseline), measured by the Pearson divergence of one-dimensional densities.

A parameter that does not matter is spread alike in both sets (divergence 0); one that
matters is concentrated among the best. The cost is a histogram per parameter: cheap at
any number of trials."""

from __future__ import annotations

import numpy as np

GRID = 50
"""Points of the grid on [0, 1] on which a numeric parameter's densities are compared."""


def _density(x: np.ndarray, n_categories: int | None) -> np.ndarray:
    """A smoothed density of values ``x`` in [0, 1] on the grid (or on the categories):
    a Gaussian kernel density with Scott's bandwidth (at least one grid cell), mixed with
    one pseudo-observation spread uniformly, so it is never zero."""
    if n_categories is not None:
        idx = np.clip(np.floor(x * n_categories), 0, n_categories - 1).astype(int)
        p = np.bincount(idx, minlength=n_categories) + 1.0 / n_categories
        return p / p.sum()
    grid = (np.arange(GRID) + 0.5) / GRID
    n = len(x)
    if n == 0:
        return np.full(GRID, 1.0 / GRID)
    sd = float(np.std(x)) if n > 1 else 0.0
    bw = max(1.06 * sd * n ** (-0.2), 1.0 / GRID)
    counts = np.bincount(np.clip((x * GRID).astype(int), 0, GRID - 1), minlength=GRID)
    k = np.exp(-0.5 * ((grid[:, None] - grid[None, :]) / bw) ** 2)
    k /= k.sum(axis=0, keepdims=True)
    p = k @ counts + 1.0 / GRID
    return p / p.sum()


def pearson_divergence(local: np.ndarray, base: np.ndarray, n_categories: int | None) -> float:
    """Pearson divergence of the local (best) values' density from the baseline's."""
    p, q = _density(local, n_categories), _density(base, n_categories)
    return float(np.sum(q * (p / q - 1.0) ** 2))


def ped_anova(
    X: np.ndarray,
    y: np.ndarray,
    categories: list[int | None],
    *,
    gamma: float = 0.1,
    baseline: float = 1.0,
    n_bootstrap: int = 20,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Each column's divergence between its top-``gamma`` trials (smallest ``y``) and its
    top-``baseline`` trials, and a bootstrap standard deviation. ``X`` holds values in
    [0, 1] with NaN where a parameter is inactive (left out of its densities);
    ``categories[j]`` is the number of options of a choice column, else None.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.random((2000, 2))
        >>> v, _ = ped_anova(X, (X[:, 0] - 0.3) ** 2, [None, None])
        >>> bool(v[0] > 10 * v[1])
        True
    """
    if not 0.0 < gamma < baseline <= 1.0:
        raise ValueError(
            f"PED-ANOVA needs 0 < gamma < baseline <= 1. Got gamma={gamma}, baseline={baseline}."
        )
    rng = np.random.default_rng(seed)

    def once(rows: np.ndarray) -> np.ndarray:
        order = rows[np.argsort(y[rows], kind="stable")]
        n_base = max(2, int(np.ceil(baseline * len(order))))
        n_top = max(1, int(np.ceil(gamma * len(order))))
        top, base = order[:n_top], order[:n_base]
        out = np.zeros(X.shape[1])
        for j in range(X.shape[1]):
            a, b = X[top, j], X[base, j]
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            if len(a) and len(b):
                out[j] = pearson_divergence(a, b, categories[j]) * (len(a) / len(top))
        return out

    n = len(y)
    full = once(np.arange(n))
    boots = np.array([once(rng.integers(0, n, n)) for _ in range(n_bootstrap)])
    return full, boots.std(axis=0) if n_bootstrap > 1 else np.zeros_like(full)
