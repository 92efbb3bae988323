"""Parametric learning-curve families, fitted by least squares with an uncertainty.

Every family is ``y = c + a * phi(u; b)`` on ``u = x / x_last`` (the last observation sits
at ``u = 1``): linear in ``(c, a)``, so a fit is a closed-form regression for each rate
``b`` on a grid, refined on a finer grid around the best one (variable projection: no
iterative solver, no starting point, no divergence; about 0.1 ms a fit). The parameters'
covariance (from the Jacobian) and the residual spread give a prediction at a larger
``x`` with a mean and a standard deviation (the delta method plus the residual noise).
The families are combined as a mixture weighted by their Akaike weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Basis = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``phi(b, u)`` for rates ``b`` of shape (G, 1) and points ``u`` of shape (1, n)."""


@dataclass(frozen=True)
class Family:
    """``y = c + a * phi(u; b)``; ``rates`` is the grid of ``b`` (None: no rate)."""

    name: str
    phi: Basis
    dphi: Basis
    """The derivative of ``phi`` in ``b``."""
    rates: np.ndarray | None

    @property
    def n_params(self) -> int:
        return 2 if self.rates is None else 3


def _pow(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return u ** (-b)


def _dpow(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return -np.log(u) * u ** (-b)


def _exp(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.exp(-b * u)


def _dexp(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return -u * np.exp(-b * u)


def _log(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.log(u) + 0.0 * b


def _dlog(b: np.ndarray, u: np.ndarray) -> np.ndarray:
    return 0.0 * (b + u)


FAMILIES: dict[str, Family] = {
    # pow3: c + a u^-b, a power law that saturates (b small: close to log-linear)
    "pow3": Family("pow3", _pow, _dpow, np.geomspace(0.02, 5.0, 48)),
    # exp3: c + a e^(-b u) with b >= 1, so it bends within the observed window (a smaller
    # b is close to a straight line, whose extrapolation of a noisy slope is wild)
    "exp3": Family("exp3", _exp, _dexp, np.geomspace(1.0, 60.0, 48)),
    # loglin2: c + a log u, never saturates (an optimistic extrapolation)
    "loglin2": Family("loglin2", _log, _dlog, None),
}


@dataclass(frozen=True)
class Fit:
    """One family fitted to a curve: the prediction at ``x_target`` as a normal."""

    family: str
    mean: float
    sd: float
    aic: float


def _regress(phi: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of ``y ~ c + a * phi`` for every row of ``phi``: (c, a, ssr)."""
    pm = phi.mean(axis=1, keepdims=True)
    dp = phi - pm
    dy = y - y.mean()
    var = np.einsum("gn,gn->g", dp, dp)
    ok = var > 1e-300
    a = np.where(ok, (dp @ dy) / np.where(ok, var, 1.0), 0.0)
    c = y.mean() - a * pm[:, 0]
    resid = y[None, :] - c[:, None] - a[:, None] * phi
    return c, a, np.einsum("gn,gn->g", resid, resid)


def _best_rate(fam: Family, u: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(b, c, a) minimizing the squared error: the grid, then a finer grid around its best."""
    assert fam.rates is not None
    grid = fam.rates
    for _ in range(2):
        with np.errstate(all="ignore"):
            c, a, ssr = _regress(fam.phi(grid[:, None], u[None, :]), y)
        ssr = np.where(np.isfinite(ssr), ssr, np.inf)
        i = int(np.argmin(ssr))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
        best = (float(grid[i]), float(c[i]), float(a[i]))
        grid = np.geomspace(lo, hi, 24)
    return best


def fit_family(
    fam: Family, x: np.ndarray, y: np.ndarray, x_target: float, noise_floor: float
) -> Fit | None:
    """Least squares of ``fam`` on ``(x, y)``; None when it has too few points or fails."""
    n = len(x)
    k = fam.n_params
    if n <= k:
        return None
    u = x / x[-1]
    ut = np.array([float(x_target) / float(x[-1])])
    if fam.rates is None:
        b = 0.0
        c_, a_, _ = _regress(fam.phi(np.zeros((1, 1)), u[None, :]), y)
        c, a = float(c_[0]), float(a_[0])
    else:
        b, c, a = _best_rate(fam, u, y)
    bb = np.array([[b]])
    with np.errstate(all="ignore"):
        phi = fam.phi(bb, u[None, :])[0]
        resid = y - c - a * phi
        ssr = float(resid @ resid)
        sigma = max(math.sqrt(ssr / (n - k)), noise_floor)
        cols = [np.ones_like(u), phi]
        gt = [1.0, float(fam.phi(bb, ut[None, :])[0, 0])]
        if k == 3:
            cols.append(a * fam.dphi(bb, u[None, :])[0])
            gt.append(a * float(fam.dphi(bb, ut[None, :])[0, 0]))
        J = np.column_stack(cols)
        g = np.array(gt)
        mean = c + a * gt[1]
    if not (math.isfinite(mean) and np.all(np.isfinite(J)) and np.all(np.isfinite(g))):
        return None
    cov = sigma**2 * np.linalg.pinv(J.T @ J)
    var = float(g @ cov @ g) + sigma**2
    if not math.isfinite(var) or var < 0:
        return None
    aic = n * math.log(max(ssr / n, noise_floor**2, 1e-300)) + 2 * k  # an exact fit: no log(0)
    return Fit(fam.name, float(mean), math.sqrt(var), aic)


def mixture(fits: list[Fit]) -> list[tuple[float, Fit]]:
    """Akaike weights of the fits (they sum to 1)."""
    lo = min(f.aic for f in fits)
    w = [math.exp(-0.5 * (f.aic - lo)) for f in fits]
    s = sum(w)
    return [(wi / s, f) for wi, f in zip(w, fits, strict=True)]


def mixture_mean(fits: list[Fit]) -> float:
    """The mean prediction of the mixture."""
    return sum(w * f.mean for w, f in mixture(fits))


def mixture_variance(fits: list[Fit]) -> float:
    """The predictive variance of the mixture: the weighted variances of the families plus
    the spread of their means."""
    m = mixture_mean(fits)
    return sum(w * (f.sd**2 + (f.mean - m) ** 2) for w, f in mixture(fits))


def prob_below(fits: list[Fit], threshold: float) -> float:
    """P(value at the target < ``threshold``) under the mixture of the fits."""
    total = 0.0
    for w, f in mixture(fits):
        z = (threshold - f.mean) / f.sd if f.sd > 0 else math.copysign(math.inf, threshold - f.mean)
        total += w * 0.5 * math.erfc(-z / math.sqrt(2.0))
    return total


def fit_rate(fam: Family, x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """The rate ``b`` of ``fam`` that fits ``(x, y)`` best and the residual standard
    deviation there: a curve's shape, apart from its level and scale; None when the
    family has no rate, too few points or the fit fails."""
    n = len(x)
    if fam.rates is None or n <= fam.n_params:
        return None
    u = x / x[-1]
    b, c, a = _best_rate(fam, u, y)
    with np.errstate(all="ignore"):
        resid = y - c - a * fam.phi(np.array([[b]]), u[None, :])[0]
    ssr = float(resid @ resid)
    if not (math.isfinite(b) and math.isfinite(ssr)):
        return None
    return b, math.sqrt(ssr / (n - fam.n_params))
