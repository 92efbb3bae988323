"""Parametric learning-curve families, fitted by least squares with an uncertainty.

Each family maps resource ``x >= 1`` to a value. A fit gives the parameters, the residual
spread and the parameters' covariance (Gauss-Newton, from the Jacobian), so a prediction
at a larger ``x`` has a mean and a standard deviation (the delta method plus the residual
noise). The families are combined as a mixture weighted by their Akaike weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Model = Callable[[np.ndarray, np.ndarray], np.ndarray]
Jacobian = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Family:
    """A curve ``f(x, theta)``, its Jacobian in ``theta`` and a starting point."""

    name: str
    n_params: int
    f: Model
    jac: Jacobian
    start: Callable[[np.ndarray, np.ndarray], list[np.ndarray]]


# Every family is fitted on u = x / x_last (scale-free: the last observation sits at u = 1).


def _rate(t: float) -> float:
    """A positive rate from an unconstrained parameter (clipped: no overflow mid-fit)."""
    return math.exp(min(max(t, -30.0), 30.0))


# pow3: y = c + a * u**(-b), b = exp(t) > 0 (saturates like a power law)
def _pow3(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    c, a, t = p
    return c + a * u ** (-_rate(t))


def _pow3_jac(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    _, a, t = p
    b = _rate(t)
    ub = u ** (-b)
    return np.column_stack([np.ones_like(u), ub, -a * ub * np.log(u) * b])


def _pow3_start(u: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    out = []
    for b in (0.5, 1.5):
        a = (y[0] - y[-1]) / (u[0] ** (-b) - 1.0)
        out.append(np.array([y[-1] - a, a, math.log(b)]))
    return out


# exp3: y = c + a * exp(-b * u), b = 1 + exp(t) > 1: it bends within the observed window
# (a smaller b is close to a straight line, whose extrapolation of a noisy slope is wild)
def _exp3(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    c, a, t = p
    return c + a * np.exp(-(1.0 + _rate(t)) * u)


def _exp3_jac(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    _, a, t = p
    r = _rate(t)
    e = np.exp(-(1.0 + r) * u)
    return np.column_stack([np.ones_like(u), e, -a * e * u * r])


def _exp3_start(u: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    out = []
    for b in (2.0, 5.0):
        a = (y[0] - y[-1]) / (math.exp(-b * u[0]) - math.exp(-b))
        out.append(np.array([y[-1] - a * math.exp(-b), a, math.log(b - 1.0)]))
    return out


# loglin2: y = a * log(u) + b (never saturates: an optimistic extrapolation)
def _loglin(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    return p[0] * np.log(u) + p[1]


def _loglin_jac(u: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.column_stack([np.log(u), np.ones_like(u)])


def _loglin_start(u: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    return [np.array([0.0, float(y[-1])])]


FAMILIES: dict[str, Family] = {
    "pow3": Family("pow3", 3, _pow3, _pow3_jac, _pow3_start),
    "exp3": Family("exp3", 3, _exp3, _exp3_jac, _exp3_start),
    "loglin2": Family("loglin2", 2, _loglin, _loglin_jac, _loglin_start),
}


@dataclass(frozen=True)
class Fit:
    """One family fitted to a curve: the prediction at ``x_target`` as a normal."""

    family: str
    mean: float
    sd: float
    aic: float


def fit_family(
    fam: Family, x: np.ndarray, y: np.ndarray, x_target: float, noise_floor: float
) -> Fit | None:
    """Least squares of ``fam`` on ``(x, y)``; None when it has too few points or fails."""
    from scipy.optimize import least_squares  # on first use: keeps `import hyperhop` fast

    n = len(x)
    if n <= fam.n_params:
        return None
    u = x / x[-1]
    best: tuple[float, np.ndarray] | None = None
    for p0 in fam.start(u, y):
        with np.errstate(all="ignore"):
            try:
                res = least_squares(
                    lambda p: fam.f(u, p) - y,
                    p0,
                    jac=lambda p: fam.jac(u, p),
                    method="lm",
                    max_nfev=200 * fam.n_params,
                )
            except (ValueError, FloatingPointError, np.linalg.LinAlgError):
                continue
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.cost):
            continue
        if best is None or res.cost < best[0]:
            best = (float(res.cost), res.x)
    if best is None:
        return None
    p = best[1]
    with np.errstate(all="ignore"):
        resid = fam.f(u, p) - y
        ssr = float(resid @ resid)
        sigma = max(math.sqrt(ssr / (n - fam.n_params)), noise_floor)
        J = fam.jac(u, p)
        xt = np.array([float(x_target) / float(x[-1])])
        g = fam.jac(xt, p)[0]
        mean = float(fam.f(xt, p)[0])
    if not (math.isfinite(mean) and np.all(np.isfinite(J)) and np.all(np.isfinite(g))):
        return None
    cov = sigma**2 * np.linalg.pinv(J.T @ J)
    var = float(g @ cov @ g) + sigma**2
    if not math.isfinite(var) or var < 0:
        return None
    aic = n * math.log(max(ssr / n, noise_floor**2)) + 2 * fam.n_params
    return Fit(fam.name, mean, math.sqrt(var), aic)


def mixture(fits: list[Fit]) -> list[tuple[float, Fit]]:
    """Akaike weights of the fits (they sum to 1)."""
    lo = min(f.aic for f in fits)
    w = [math.exp(-0.5 * (f.aic - lo)) for f in fits]
    s = sum(w)
    return [(wi / s, f) for wi, f in zip(w, fits, strict=True)]


def mixture_mean(fits: list[Fit]) -> float:
    """The mean prediction of the mixture."""
    return sum(w * f.mean for w, f in mixture(fits))


def prob_below(fits: list[Fit], threshold: float) -> float:
    """P(value at the target < ``threshold``) under the mixture of the fits."""
    total = 0.0
    for w, f in mixture(fits):
        z = (threshold - f.mean) / f.sd if f.sd > 0 else math.copysign(math.inf, threshold - f.mean)
        total += w * 0.5 * math.erfc(-z / math.sqrt(2.0))
    return total
