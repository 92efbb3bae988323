"""A Gaussian process on the unit cube: ARD Matérn-5/2 kernel, MAP hyperparameters.

Categorical columns use the Hamming distance (0 for the same category, 1 otherwise) with a
lengthscale of their own, so categories have no spurious order and each needs a single
column (one-hot would add a column per category and a lengthscale per column). Ordered
columns (floats, ints, ordinal choices) use the plain difference; integers are relaxed to
the continuum and rounded when decoded.

Hyperparameters (lengthscales, signal and noise variance) maximize the log marginal
likelihood plus log priors (see :class:`Prior`) with L-BFGS-B and analytic gradients; everything goes through one Cholesky
factor, O(n^3) in the number of points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize

SQRT5 = math.sqrt(5.0)
LOG_2PI = math.log(2.0 * math.pi)
JITTER = 1e-9

_LOG_L_BOUNDS = (math.log(5e-3), math.log(200.0))
_LOG_SIGNAL_BOUNDS = (math.log(1e-2), math.log(1e2))
_LOG_NOISE_BOUNDS = (math.log(1e-6), math.log(1.0))


def sq_diffs(A: np.ndarray, B: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """Per-column squared differences, shape ``(len(A), len(B), d)`` (indicators of
    inequality on categorical columns)."""
    D = (A[:, None, :] - B[None, :, :]) ** 2
    if categorical.any():
        D[:, :, categorical] = D[:, :, categorical] > 1e-12
    return D


def scaled_sq_dist(
    A: np.ndarray, B: np.ndarray, lengthscales: np.ndarray, categorical: np.ndarray
) -> np.ndarray:
    """``r^2 = sum_j d_j^2 / l_j^2`` without the 3-D array (a matrix product for ordered
    columns, a loop over the categorical ones)."""
    cont = ~categorical
    a = A[:, cont] / lengthscales[cont]
    b = B[:, cont] / lengthscales[cont]
    r2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    for j in np.flatnonzero(categorical):
        r2 += (np.abs(A[:, j, None] - B[None, :, j]) > 1e-12) / lengthscales[j] ** 2
    return np.maximum(r2, 0.0)


def matern52(r2: np.ndarray, signal: float) -> tuple[np.ndarray, np.ndarray]:
    """Kernel values ``s (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r)`` and ``H = -dk/d(r^2) =
    5/6 s (1 + sqrt5 r) exp(-sqrt5 r)`` (for gradients)."""
    r = np.sqrt(r2)
    r *= SQRT5  # sqrt5 r
    e = np.exp(-r)
    e *= signal
    r += 1.0  # 1 + sqrt5 r
    H = r * e
    K = r2 * (5.0 / 3.0)
    K += r
    K *= e
    H *= 5.0 / 6.0
    return K, H


def matern52_values(r2: np.ndarray, signal: float) -> np.ndarray:
    """:func:`matern52` without ``H`` (fewer passes over large candidate matrices)."""
    r = np.sqrt(r2)
    r *= SQRT5
    K = r2 * (5.0 / 3.0)
    K += r
    K += 1.0
    np.negative(r, out=r)
    np.exp(r, out=r)
    K *= r
    K *= signal
    return K


@dataclass(frozen=True)
class GPParams:
    """Kernel hyperparameters: per-column lengthscales, signal and noise variances."""

    lengthscales: np.ndarray
    signal: float = 1.0
    noise: float = 1e-6

    def theta(self) -> np.ndarray:
        return np.r_[np.log(self.lengthscales), math.log(self.signal), math.log(self.noise)]

    @classmethod
    def from_theta(cls, theta: np.ndarray) -> GPParams:
        return cls(np.exp(theta[:-2]), float(np.exp(theta[-2])), float(np.exp(theta[-1])))


SHORT_LENGTHSCALE = 0.7
"""The prior median of the lengthscales of :attr:`Prior.short` columns."""


@dataclass(frozen=True)
class Prior:
    """Log-normal priors (normal on the log scale): lengthscales ``LogNormal(log(d)/2,
    sqrt3)`` (the dimension scaling of Hvarfner et al., 2024, centred at sqrt(d) rather
    than their e^sqrt2 sqrt(d), which let Branin's lengthscales run long and the search
    stall on an edge), signal ``LogNormal(0, 1)``, noise ``LogNormal(-4, 1)``.

    ``short`` marks columns whose lengthscale prior is centred at
    :data:`SHORT_LENGTHSCALE` instead (see ``GPSampler``: linear floats of small spaces).
    """

    dim: int
    short: np.ndarray | None = None

    @property
    def mean(self) -> np.ndarray:
        m = np.full(self.dim, 0.5 * math.log(max(self.dim, 1)))
        if self.short is not None:
            m[self.short] = math.log(SHORT_LENGTHSCALE)
        return np.r_[m, 0.0, -4.0]

    @property
    def var(self) -> np.ndarray:
        return np.r_[np.full(self.dim, 3.0), 1.0, 1.0]

    def initial(self) -> np.ndarray:
        """The prior mode of the lengthscales, signal 1, noise 1e-3."""
        t = self.mean - self.var
        t[-2], t[-1] = 0.0, math.log(1e-3)
        return clip_theta(t)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        t = self.mean + np.sqrt(self.var) * rng.standard_normal(self.dim + 2)
        return clip_theta(t)


def bounds(dim: int) -> list[tuple[float, float]]:
    """L-BFGS-B bounds of ``theta``."""
    return [_LOG_L_BOUNDS] * dim + [_LOG_SIGNAL_BOUNDS, _LOG_NOISE_BOUNDS]


def clip_theta(theta: np.ndarray) -> np.ndarray:
    b = np.array(bounds(len(theta) - 2))
    return np.clip(theta, b[:, 0], b[:, 1])


def _cholesky(K: np.ndarray) -> np.ndarray:
    jitter = JITTER
    for _ in range(8):
        try:
            return np.asarray(linalg.cholesky(K, lower=True, check_finite=False))
        except linalg.LinAlgError:
            K = K + jitter * np.eye(len(K))
            jitter *= 100.0
    raise linalg.LinAlgError("The kernel matrix is not positive definite, even with jitter.")


def neg_log_posterior(
    theta: np.ndarray, D: np.ndarray, y: np.ndarray, prior: Prior
) -> tuple[float, np.ndarray]:
    """Negative log marginal likelihood minus log prior, and its gradient in ``theta``
    (log lengthscales, log signal, log noise). ``D``: :func:`sq_diffs` of the inputs."""
    n, _, d = D.shape
    inv_l2 = np.exp(-2.0 * theta[:d])
    signal, noise = math.exp(theta[d]), math.exp(theta[d + 1])
    r2 = D.reshape(-1, d) @ inv_l2
    Kf, H = matern52(r2.reshape(n, n), signal)
    K = Kf + (noise + JITTER) * np.eye(n)
    try:
        L = _cholesky(K)
    except linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = linalg.cho_solve((L, True), y, check_finite=False)
    nll = 0.5 * float(y @ alpha) + float(np.log(np.diag(L)).sum()) + 0.5 * n * LOG_2PI
    Kinv, info = linalg.lapack.dpotri(L, lower=1)
    if info != 0:
        return 1e25, np.zeros_like(theta)
    Kinv = np.tril(Kinv) + np.tril(Kinv, -1).T
    W = Kinv - np.outer(alpha, alpha)
    grad = np.empty_like(theta)
    grad[:d] = ((W * H).reshape(-1) @ D.reshape(-1, d)) * inv_l2
    grad[d] = 0.5 * float((W * Kf).sum())
    grad[d + 1] = 0.5 * noise * float(np.trace(W))
    diff = theta - prior.mean
    return nll + 0.5 * float((diff * diff / prior.var).sum()), grad + diff / prior.var


def fit_params(
    X: np.ndarray,
    y: np.ndarray,
    categorical: np.ndarray,
    rng: np.random.Generator,
    init: GPParams | None = None,
    n_restarts: int = 2,
    maxiter: int = 100,
    short: np.ndarray | None = None,
) -> GPParams:
    """MAP hyperparameters by L-BFGS-B from ``init`` (a warm start, if any), the prior's
    mode and ``n_restarts`` draws from the prior; the best optimum wins. With a warm start,
    ``n_restarts < 0`` starts from ``init`` alone. ``short``: see :class:`Prior`."""
    d = X.shape[1]
    prior = Prior(d, short)
    D = sq_diffs(X, X, categorical)
    warm = init is not None and len(init.lengthscales) == d
    if warm and n_restarts < 0:
        assert init is not None
        starts = [clip_theta(init.theta())]
    else:
        starts = [prior.initial()] + [prior.sample(rng) for _ in range(max(n_restarts, 0))]
        if warm:
            assert init is not None
            starts.insert(0, clip_theta(init.theta()))
    best: tuple[float, np.ndarray] | None = None
    for t0 in starts:
        res = optimize.minimize(
            neg_log_posterior,
            t0,
            args=(D, y, prior),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds(d),
            options={"maxiter": maxiter},
        )
        if best is None or res.fun < best[0]:
            best = (float(res.fun), np.asarray(res.x))
    assert best is not None
    return GPParams.from_theta(best[1])


class GaussianProcess:
    """A zero-mean GP conditioned on data (standardize the targets first).

    Example:
        >>> import numpy as np
        >>> gp = GaussianProcess(GPParams(np.array([0.3]), 1.0, 1e-6))
        >>> _ = gp.condition(np.array([[0.2], [0.8]]), np.array([1.0, -1.0]))
        >>> mean, var = gp.predict(np.array([[0.2], [0.5]]))
        >>> round(float(mean[0]), 3), bool(var[1] > var[0])
        (1.0, True)
    """

    def __init__(self, params: GPParams, categorical: np.ndarray | None = None) -> None:
        self.params = params
        d = len(params.lengthscales)
        self.categorical = (
            np.zeros(d, dtype=bool) if categorical is None else np.asarray(categorical, bool)
        )

    def condition(self, X: np.ndarray, y: np.ndarray) -> GaussianProcess:
        p = self.params
        self.X = np.asarray(X, dtype=float)
        r2 = scaled_sq_dist(self.X, self.X, p.lengthscales, self.categorical)
        K = matern52_values(r2, p.signal)
        K[np.diag_indices_from(K)] += p.noise + JITTER
        self.L = _cholesky(K)
        self.alpha = linalg.cho_solve((self.L, True), np.asarray(y, float), check_finite=False)
        return self

    def predict(self, Xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of the latent function (noise excluded)."""
        p = self.params
        r2 = scaled_sq_dist(np.asarray(Xs, float), self.X, p.lengthscales, self.categorical)
        Ks = matern52_values(r2, p.signal)
        mean = Ks @ self.alpha
        v = linalg.solve_triangular(self.L, Ks.T, lower=True, check_finite=False)
        var = np.maximum(p.signal - (v * v).sum(axis=0), 1e-12)
        return mean, var

    def predict_grad(self, Xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, variance and their gradients in the inputs, shape ``(m, d)`` (zero on
        categorical columns). For a few points: it builds an ``(m, n, d)`` array."""
        p = self.params
        Xs = np.asarray(Xs, float)
        diff = Xs[:, None, :] - self.X[None, :, :]
        D = diff * diff
        cat = self.categorical
        if cat.any():
            D[:, :, cat] = D[:, :, cat] > 1e-12
        inv_l2 = 1.0 / p.lengthscales**2
        Ks, H = matern52(D @ inv_l2, p.signal)
        mean = Ks @ self.alpha
        Kinv_ks = linalg.cho_solve((self.L, True), Ks.T, check_finite=False)  # (n, m)
        var = np.maximum(p.signal - (Ks * Kinv_ks.T).sum(axis=1), 1e-12)
        # dk/dx_j = -2 H (x_j - x_ij) / l_j^2
        dK = -2.0 * H[:, :, None] * diff * inv_l2  # (m, n, d)
        if cat.any():
            dK[:, :, cat] = 0.0
        dmean = np.einsum("mnd,n->md", dK, self.alpha)
        dvar = -2.0 * np.einsum("mnd,nm->md", dK, Kinv_ks)
        return mean, var, dmean, dvar
