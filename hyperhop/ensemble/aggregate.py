"""Combining members' predictions, with the uncertainty split into its two parts.

- Regression: members give a mean and a variance per input; the ensemble is their weighted
  mixture of normals, with mean ``sum w_m mu_m`` and total variance = aleatoric (``sum w_m
  sigma_m^2``, the noise the members see in the data) + epistemic (``sum w_m (mu_m -
  mu)^2``, how much the members disagree).
- Classification: members give class probabilities; the ensemble's are their weighted mean,
  with total entropy ``H(p)`` = aleatoric (``sum w_m H(p_m)``) + epistemic (the mutual
  information between the prediction and the member, ``sum w_m KL(p_m || p)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Uncertainty", "entropy", "mix_categorical", "mix_normals"]


@dataclass(frozen=True)
class Uncertainty:
    """Per-input uncertainty: variances (regression) or entropies in nats (classification);
    ``total == aleatoric + epistemic``.

    Example:
        >>> import numpy as np
        >>> from hyperhop.ensemble import Uncertainty
        >>> u = Uncertainty(np.array([0.5]), np.array([0.3]), np.array([0.2]))
        >>> bool(np.allclose(u.total, u.aleatoric + u.epistemic))
        True
    """

    total: np.ndarray
    aleatoric: np.ndarray
    epistemic: np.ndarray


def _weights(weights: np.ndarray | None, m: int) -> np.ndarray:
    w = np.ones(m) if weights is None else np.asarray(weights, dtype=float).reshape(-1)
    if w.shape != (m,) or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError(
            f"Ensemble weights must be {m} finite numbers >= 0 with a positive sum. Got {w!r} instead."
        )
    return w / w.sum()


def mix_normals(
    means: np.ndarray, variances: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, Uncertainty]:
    """The mixture of ``m`` members' normals at ``n`` inputs (arrays of shape ``(m, n)``).

    Example:
        >>> import numpy as np
        >>> mean, u = mix_normals(np.array([[0.0], [2.0]]), np.array([[1.0], [3.0]]))
        >>> float(mean[0]), float(u.aleatoric[0]), float(u.epistemic[0]), float(u.total[0])
        (1.0, 2.0, 1.0, 3.0)
    """
    mu = np.asarray(means, dtype=float)
    var = np.asarray(variances, dtype=float)
    w = _weights(weights, mu.shape[0])
    mean = w @ mu
    aleatoric = w @ var
    epistemic = w @ (mu - mean) ** 2
    return mean, Uncertainty(aleatoric + epistemic, aleatoric, epistemic)


def entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) along the last axis; ``0 log 0 = 0``.

    Example:
        >>> import numpy as np
        >>> from hyperhop.ensemble import entropy
        >>> np.round(entropy(np.array([[0.5, 0.5], [1.0, 0.0]])), 4).tolist()
        [0.6931, 0.0]
    """
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return np.asarray(terms.sum(axis=-1))


def mix_categorical(
    probs: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, Uncertainty]:
    """The mean of ``m`` members' class probabilities (shape ``(m, n, classes)``).

    Example:
        >>> import numpy as np
        >>> p, u = mix_categorical(np.array([[[1.0, 0.0]], [[0.0, 1.0]]]))
        >>> p.tolist(), round(float(u.epistemic[0]), 4), float(u.aleatoric[0])
        ([[0.5, 0.5]], 0.6931, 0.0)
    """
    P = np.asarray(probs, dtype=float)
    w = _weights(weights, P.shape[0])
    p = np.tensordot(w, P, axes=1)
    total = entropy(p)
    aleatoric = w @ entropy(P)
    epistemic = np.maximum(total - aleatoric, 0.0)  # >= 0 in exact arithmetic (concavity)
    return p, Uncertainty(aleatoric + epistemic, aleatoric, epistemic)
