"""Choosing members from their validation predictions: top-k, and Caruana's greedy forward
selection with replacement (with bagging, early stopping and a size limit).

A selector returns one non-negative weight per candidate (summing to 1); the members are the
candidates with a positive weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hyperhop._validation import describe
from hyperhop.ensemble.aggregate import mix_categorical, mix_normals
from hyperhop.ensemble.metrics import Loss


@dataclass(frozen=True)
class Pool:
    """Candidates' validation predictions: ``means``/``variances`` of shape ``(m, n)``
    (regression) or ``probs`` of shape ``(m, n, classes)`` (classification).

    Example:
        >>> import numpy as np
        >>> from hyperhop.ensemble import Pool, greedy, top_k
        >>> y = np.array([0, 1, 1])
        >>> probs = np.array([[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]],    # wrong on the third
        ...                   [[0.6, 0.4], [0.4, 0.6], [0.1, 0.9]],    # wrong on the second
        ...                   [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]])
        >>> nll = lambda y, p: float(-np.log(p[np.arange(len(y)), y]).mean())
        >>> top_k(Pool(probs=probs), y, nll, k=2).tolist()
        [0.5, 0.5, 0.0]
        >>> w = greedy(Pool(probs=probs), y, nll, k=3)
        >>> bool(w[2] == 0 and abs(w.sum() - 1) < 1e-12)
        True
    """

    means: np.ndarray | None = None
    variances: np.ndarray | None = None
    probs: np.ndarray | None = None

    @property
    def size(self) -> int:
        arr = self.probs if self.probs is not None else self.means
        assert arr is not None
        return int(arr.shape[0])

    def predict(self, weights: np.ndarray) -> Any:
        """The ensemble's prediction with these weights (mean, variance) or probabilities."""
        if self.probs is not None:
            return mix_categorical(self.probs, weights)[0]
        assert self.means is not None and self.variances is not None
        mean, u = mix_normals(self.means, self.variances, weights)
        return mean, u.total

    def single(self, i: int) -> Any:
        if self.probs is not None:
            return self.probs[i]
        assert self.means is not None and self.variances is not None
        return self.means[i], self.variances[i]

    def losses_if_added(
        self, counts: np.ndarray, allowed: np.ndarray, y: np.ndarray, loss: Loss
    ) -> np.ndarray:
        """The loss of the ensemble ``counts`` with one more copy of each allowed candidate."""
        n = counts.sum()
        out = np.full(self.size, np.inf)
        if self.probs is not None:
            S = np.tensordot(counts, self.probs, axes=1)
            for i in allowed:
                out[i] = loss(y, (S + self.probs[i]) / (n + 1))
            return out
        assert self.means is not None and self.variances is not None
        second = self.variances + self.means**2
        S1, S2 = counts @ self.means, counts @ second
        for i in allowed:
            mean = (S1 + self.means[i]) / (n + 1)
            var = np.maximum((S2 + second[i]) / (n + 1) - mean**2, 0.0)
            out[i] = loss(y, (mean, var))
        return out


def member_losses(pool: Pool, y: np.ndarray, loss: Loss) -> np.ndarray:
    """Each candidate's validation loss on its own."""
    return np.array([loss(y, pool.single(i)) for i in range(pool.size)])


def top_k(pool: Pool, y: np.ndarray, loss: Loss, k: int) -> np.ndarray:
    """Equal weights on the ``k`` candidates with the lowest validation loss (an example
    with :func:`greedy` is on :class:`Pool`).

    Example:
        >>> import numpy as np
        >>> from hyperhop.ensemble import Pool, top_k
        >>> mse = lambda y, pred: float(np.mean((pred[0] - y) ** 2))
        >>> means = np.array([[0.0, 1.0], [0.1, 0.9], [5.0, 5.0]])
        >>> top_k(Pool(means=means, variances=np.ones_like(means)), np.array([0.0, 1.0]), mse, 2).tolist()
        [0.5, 0.5, 0.0]
    """
    own = member_losses(pool, y, loss)
    w = np.zeros(pool.size)
    w[np.argsort(own, kind="stable")[: min(k, pool.size)]] = 1.0
    return w / w.sum()


def _greedy_counts(
    pool: Pool,
    y: np.ndarray,
    loss: Loss,
    own: np.ndarray,
    subset: np.ndarray,
    k: int,
    max_iter: int,
    patience: int | None,
    tol: float,
    init: int,
) -> np.ndarray:
    order = subset[np.argsort(own[subset], kind="stable")]
    counts = np.zeros(pool.size)
    counts[order[: min(init, k, len(order))]] = 1.0
    best, best_loss = counts.copy(), float(loss(y, pool.predict(counts)))
    stall = 0
    for _ in range(max_iter):
        distinct = np.flatnonzero(counts)
        allowed = subset if len(distinct) < k else distinct
        trial = pool.losses_if_added(counts, allowed, y, loss)
        j = int(np.argmin(trial))
        counts[j] += 1.0
        if trial[j] < best_loss - tol:
            best, best_loss, stall = counts.copy(), float(trial[j]), 0
        else:
            stall += 1
            if patience is not None and stall >= patience:
                break
    return best


def greedy(
    pool: Pool,
    y: np.ndarray,
    loss: Loss,
    k: int,
    *,
    max_iter: int = 50,
    patience: int | None = 5,
    tol: float = 1e-6,
    bagging: int = 0,
    bag_fraction: float = 0.5,
    init: int = 1,
    random_state: Any = None,
) -> np.ndarray:
    """Caruana's ensemble selection: start from the best candidate and repeatedly add (with
    replacement) the one that lowers the validation loss most; at most ``k`` distinct
    members and ``max_iter`` additions; stop after ``patience`` additions without a gain
    of ``tol`` (None: never early); keep the best ensemble seen. With ``bagging=B``, run
    it on ``B`` random subsets of ``bag_fraction`` of the candidates and average the
    weights. ``init=N`` starts from the ``N`` best candidates (Caruana's sorted
    initialization, which resists overfitting a small validation set). With ``init=1``
    the result is never worse on the validation loss than the best candidate (a bagged
    average that is falls back to that candidate). An example is on :class:`Pool`.
    """
    checks = (("k", k, 1), ("max_iter", max_iter, 0), ("bagging", bagging, 0), ("init", init, 1))
    for name, v, low in checks:
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise ValueError(
                f"The '{name}' parameter of the greedy selector must be an int >= {low}. Got {describe(v)} instead."
            )
    own = member_losses(pool, y, loss)
    everyone = np.arange(pool.size)
    if not bagging:
        counts = _greedy_counts(pool, y, loss, own, everyone, k, max_iter, patience, tol, init)
        return counts / counts.sum()
    if not 0 < bag_fraction <= 1:
        raise ValueError(f"bag_fraction must be in (0, 1]. Got {bag_fraction!r} instead.")
    rng = np.random.default_rng(random_state)
    size = max(1, int(round(bag_fraction * pool.size)))
    total = np.zeros(pool.size)
    for _ in range(bagging):
        subset = np.sort(rng.choice(pool.size, size=size, replace=False))
        counts = _greedy_counts(pool, y, loss, own, subset, k, max_iter, patience, tol, init)
        total += counts / counts.sum()
    w = total / bagging
    if len(np.flatnonzero(w)) > k:  # the size limit holds for the average too
        keep = np.argsort(-w, kind="stable")[:k]
        w = np.where(np.isin(everyone, keep), w, 0.0)
    w = w / w.sum()
    best = int(np.argmin(own))
    if init == 1 and loss(y, pool.predict(w)) > own[best]:
        w = np.zeros(pool.size)
        w[best] = 1.0
    return w
