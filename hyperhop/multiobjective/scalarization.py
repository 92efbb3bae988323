"""Several objectives turned into one number per trial, in DeepHyper's manner.

Each suggestion of a scalarized sampler (``tpe``, ``cbo``, ``gp`` on a multi-objective
study) draws fresh weights uniform on the simplex (``w = -log(1 - U)``, normalized), so
that successive suggestions aim at different parts of the Pareto front. Objectives are
first rescaled from the history, so that an objective in milliseconds does not drown one
in [0, 1]:

- ``"quantile"`` (default): each value becomes its average rank among the observed
  values, scaled to [0, 1] (robust to outliers and to any monotone change of units);
- ``"minmax"``: ``(y - min) / (max - min)`` over the observed values.

Then one of the scalarizations (``s`` the rescaled objectives, all minimized, the utopia
point at 0):

- ``"linear"``: ``sum_i w_i s_i``;
- ``"chebyshev"``: ``max_i w_i s_i`` (reaches every Pareto-optimal point, also on
  non-convex fronts);
- ``"augmented_chebyshev"``: Chebyshev plus ``0.05 * sum_i w_i s_i`` (no weakly optimal ties);
- ``"pbi"``: penalty-boundary intersection, ``d1 + theta * d2`` with ``d1`` the distance
  along the weight direction and ``d2`` the distance from that line (``theta = 5``).

Outcome constraints: trials that violate them get a value above every feasible one,
ordered by their total violation, so a model prefers feasible regions and, among
infeasible ones, the least violating.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "SCALARIZATIONS",
    "SCALERS",
    "chebyshev",
    "linear",
    "pbi",
    "random_weights",
    "rescale",
    "scalarize",
]


def random_weights(k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` weights uniform on the simplex (DeepHyper's ``-log(1 - U)``, normalized).

    Example:
        >>> w = random_weights(3, np.random.default_rng(0))
        >>> bool(abs(w.sum() - 1) < 1e-12 and (w > 0).all())
        True
    """
    w = -np.log1p(-rng.random(k))
    w = np.maximum(w, 1e-12)
    return np.asarray(w / w.sum())


def _quantile(y: np.ndarray) -> np.ndarray:
    n = len(y)
    if n < 2:
        return np.zeros(n)
    order = np.argsort(y, kind="stable")
    ranks = np.empty(n)
    ranks[order] = np.arange(n, dtype=float)
    # ties share their average rank
    _, inv, counts = np.unique(y, return_inverse=True, return_counts=True)
    sums = np.bincount(inv.reshape(-1), weights=ranks)
    ranks = (sums / counts)[inv.reshape(-1)]
    return np.asarray(ranks / (n - 1))


def _minmax(y: np.ndarray) -> np.ndarray:
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return np.zeros_like(y)
    lo, hi = float(finite.min()), float(finite.max())
    s = (np.clip(y, lo, hi) - lo) / (hi - lo) if hi > lo else np.zeros_like(y)
    return np.asarray(s)


SCALERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "quantile": _quantile,
    "minmax": _minmax,
}


def rescale(Y: np.ndarray, method: str = "quantile") -> np.ndarray:
    """Each column of ``Y`` (rows: trials, minimized) mapped to [0, 1] from its own values.

    Example:
        >>> rescale(np.array([[1.0, 100.0], [2.0, 300.0], [4.0, 200.0]])).tolist()
        [[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]]
        >>> rescale(np.array([[1.0], [2.0], [4.0]]), "minmax").ravel().tolist()
        [0.0, 0.3333333333333333, 1.0]
    """
    if method not in SCALERS:
        raise ValueError(
            f"The objective scaler must be one of {sorted(SCALERS)}. Got {method!r} instead."
        )
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"Expected a matrix (trials, objectives); got shape {Y.shape}.")
    f = SCALERS[method]
    return np.column_stack([f(Y[:, j]) for j in range(Y.shape[1])]) if Y.size else Y.copy()


def linear(S: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``S @ w``.

    Example:
        >>> linear(np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([0.5, 0.5])).tolist()
        [0.5, 0.5]
    """
    return np.asarray(S @ w)


def chebyshev(S: np.ndarray, w: np.ndarray, augment: float = 0.0) -> np.ndarray:
    """``max_i w_i s_i`` (plus ``augment * sum_i w_i s_i``).

    Example:
        >>> chebyshev(np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([0.5, 0.5])).tolist()
        [0.5, 0.25]
    """
    out = (S * w).max(axis=1)
    if augment:
        out = out + augment * (S @ w)
    return np.asarray(out)


def pbi(S: np.ndarray, w: np.ndarray, theta: float = 5.0) -> np.ndarray:
    """Penalty-boundary intersection: ``d1 + theta * d2`` along the direction ``w``.

    Example:
        >>> pbi(np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([0.5, 0.5])).round(3).tolist()
        [0.707, 4.243]
    """
    u = w / np.linalg.norm(w)
    d1 = S @ u
    d2 = np.linalg.norm(S - d1[:, None] * u, axis=1)
    return np.asarray(d1 + theta * d2)


SCALARIZATIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "linear": linear,
    "chebyshev": chebyshev,
    "augmented_chebyshev": lambda S, w: chebyshev(S, w, augment=0.05),
    "pbi": pbi,
}


def check_scalarization(name: str, owner: str) -> str:
    """``name`` if it is a known scalarization, else a ValueError naming ``owner``."""
    if name not in SCALARIZATIONS:
        raise ValueError(
            f"The 'scalarization' parameter of {owner} must be one of {sorted(SCALARIZATIONS)}. "
            f"Got {name!r} instead."
        )
    return name


def scalarize(
    Y: np.ndarray,
    rng: np.random.Generator | None = None,
    *,
    method: str = "chebyshev",
    scaler: str = "quantile",
    weights: Sequence[float] | np.ndarray | None = None,
    directions: Sequence[str] | None = None,
    violation: np.ndarray | None = None,
) -> np.ndarray:
    """One number per row of ``Y`` (rows: trials, columns: objectives), lower is better.

    ``directions`` (``"min"``/``"max"`` per column) negates maximized objectives first;
    without it every column is minimized. ``weights`` default to a draw of
    :func:`random_weights` from ``rng``. ``violation`` (>= 0 per row, 0 when feasible)
    puts infeasible rows above every feasible one, ordered by violation. A single
    objective without constraints comes back unchanged (as minimization).

    Example:
        >>> Y = np.array([[1.0, 9.0], [5.0, 5.0], [9.0, 1.0], [9.0, 9.0]])
        >>> scalarize(Y, weights=[0.5, 0.5]).round(3).tolist()
        [0.417, 0.167, 0.417, 0.417]
        >>> bool(scalarize(Y, weights=[0.5, 0.5], violation=np.array([0, 0, 2.0, 0]))[2] > 0.42)
        True
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"Expected a matrix (trials, objectives); got shape {Y.shape}.")
    if directions is not None:
        Y = Y * np.array([-1.0 if d == "max" else 1.0 for d in directions])
    k = Y.shape[1]
    if k == 1:
        y = Y[:, 0].copy()
    else:
        check_scalarization(method, "scalarize()")
        if weights is None:
            if rng is None:
                raise ValueError("scalarize() needs weights or an rng to draw them from.")
            w = random_weights(k, rng)
        else:
            w = np.asarray(weights, dtype=float)
            if w.shape != (k,) or np.any(w < 0) or not w.sum() > 0:
                raise ValueError(
                    f"The weights must be {k} non-negative numbers, not all 0. Got {w.tolist()} instead."
                )
            w = w / w.sum()
        feasible = np.ones(len(Y), dtype=bool) if violation is None else violation <= 0
        S = np.zeros_like(Y)
        if feasible.any():
            # Rescaled on the feasible trials, the ones the front is made of.
            S[feasible] = rescale(Y[feasible], scaler)
        y = SCALARIZATIONS[method](S, w)
    if violation is None or not np.any(violation > 0):
        return np.asarray(y)
    bad = violation > 0
    ok = ~bad
    top = float(np.max(y[ok])) if ok.any() else 0.0
    span = float(np.ptp(y[ok])) if ok.sum() > 1 else 1.0
    span = span if np.isfinite(span) and span > 0 else 1.0
    # Above the worst feasible value by at least a span, then by violation rank.
    rank = _quantile(violation[bad]) if bad.sum() > 1 else np.zeros(int(bad.sum()))
    y = y.copy()
    y[bad] = top + span * (1.0 + rank)
    return np.asarray(y)
