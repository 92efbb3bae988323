"""Calibrating a chosen ensemble on its validation predictions, so that its aleatoric part
estimates the noise in the data and not the members' own errors.

- Regression, members without a variance of their own: one shared noise variance,
  ``sigma^2 = MSE - mean(epistemic) - mean(own variances)`` on the validation data, where
  ``MSE`` is the ensemble mean's mean squared residual. A member's residual variance alone
  counts its own error as noise; averaged over the members it equals the ensemble's ``MSE``
  plus the members' spread, so taking it as aleatoric counts the epistemic part twice.
  With the shared estimate the ensemble's mean total variance on the validation data equals
  its squared error there. It never goes below 1% of ``MSE``.
- Classification: temperature scaling (Guo et al., 2017), ``p_m ** (1 / T)`` renormalized,
  one ``T`` shared by the chosen members that minimizes the ensemble's validation NLL.
  Scaling the members rather than the mixture keeps ``total = aleatoric + epistemic``.
  (A temperature per candidate before the selection was tried: it overfits validation
  sets of 45-150 rows, e.g. ``wine`` and ``breast_cancer`` in ``benchmarks/ensembles.py``.)
"""

from __future__ import annotations

import numpy as np

from hyperhop.ensemble.aggregate import mix_categorical, mix_normals
from hyperhop.ensemble.metrics import log_loss

__all__ = ["shared_noise", "scale_temperature", "fit_temperature"]


def shared_noise(y: np.ndarray, means: np.ndarray, own: np.ndarray, weights: np.ndarray) -> float:
    """The noise variance for members without their own: ``means`` ``(m, n)``, ``own``
    ``(m, n)`` the members' own variances (NaN rows for those without), ``weights`` ``(m,)``.

    Example:
        >>> import numpy as np
        >>> y = np.array([1.0, -1.0]); means = np.array([[0.1, 0.1], [-0.1, -0.1]])
        >>> round(shared_noise(y, means, np.full((2, 2), np.nan), np.array([0.5, 0.5])), 4)
        0.99
    """
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    without = np.isnan(own).all(axis=1)
    mean, u = mix_normals(means, np.where(np.isnan(own), 0.0, own), w)
    mse = float(np.mean((y - mean) ** 2))
    # u.aleatoric holds the own variances only (the others count 0 here)
    rest = mse - float(np.mean(u.epistemic)) - float(np.mean(u.aleatoric))
    share = float(w[without].sum())
    sigma2 = rest / share if share > 0 else rest
    return max(sigma2, 0.01 * mse)


def scale_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Members' probabilities ``(m, n, classes)`` sharpened (``T < 1``) or softened."""
    if temperature == 1.0:
        return probs
    with np.errstate(divide="ignore"):
        logp = np.log(probs) / temperature
    logp = logp - logp.max(axis=-1, keepdims=True)
    e = np.exp(logp)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def fit_temperature(probs: np.ndarray, weights: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature in ``[0.05, 20]`` that minimizes the ensemble's NLL on
    ``y_index``; 1.0 unless another one is lower.

    Example:
        >>> import numpy as np
        >>> p = np.array([[[0.6, 0.4]] * 9 + [[0.4, 0.6]]])  # 90% right at 60% confidence
        >>> fit_temperature(p, np.array([1.0]), np.array([0] * 10)) < 1.0
        True
    """
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        return log_loss(
            y_index, mix_categorical(scale_temperature(probs, np.exp(log_t)), weights)[0]
        )

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(res.x)) if res.fun < nll(0.0) else 1.0
