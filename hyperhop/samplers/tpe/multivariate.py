"""Joint kernel densities over a group of parameters (Optuna's multivariate TPE).

Each observation is one kernel over all the group's columns: a truncated Gaussian per
numeric column (bandwidth ``0.2 * n ** (-1 / (d + 4))`` times the prior width, clipped as
in the univariate case) and a smoothed one-hot distribution per categorical column; the
prior is one more kernel (centre of the range, sigma = the range width; the prior
probabilities). Kernel weights follow linear forgetting, plus ``prior_weight`` for the
prior. Candidates are drawn from l(x) kernel by kernel and scored jointly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from hyperhop.samplers.tpe.columns import Group
from hyperhop.samplers.tpe.parzen import TINY, linear_forgetting_weights
from hyperhop.samplers.tpe.workspace import Workspace, scratch

SIGMA0 = 0.2
"""Optuna's bandwidth factor for multivariate kernels."""


@dataclass
class JointKernels:
    """``k`` product kernels over a group (kernel 0 is the prior)."""

    log_w: np.ndarray
    """(k,) log kernel weights."""
    mu: np.ndarray
    """(k, C) numeric centres."""
    sigma: np.ndarray
    """(k, C) numeric bandwidths."""
    log_z: np.ndarray
    """(k, C) log mass of each numeric kernel inside the bounds."""
    probs: list[np.ndarray]
    """Per categorical column, (k, n_categories) kernel probabilities."""


BANDWIDTH = "adaptive"


def neighbour_sigmas(
    obs: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    width: np.ndarray,
    order: np.ndarray | None = None,
    out: np.ndarray | None = None,
    ws: Workspace | None = None,
) -> np.ndarray:
    """Per-dimension bandwidths (n, C): the larger distance to the sorted neighbours, the
    range ends counting as neighbours except for the outermost observations (Optuna 5).
    ``order``: each column's stable argsort, one row per column (C, n), when known (see
    :mod:`.ordering`). The work runs column by column on contiguous rows, in ``out`` (a
    C-contiguous (n, C) array) and ``ws``'s scratch arrays when given."""
    n, c = obs.shape
    if n == 0:
        return np.zeros((0, c))
    obs = np.ascontiguousarray(obs)
    if order is None:
        cols = obs.T.copy()
        order = np.argsort(cols, axis=1)
        srt = np.take_along_axis(cols, order, axis=1)
        tied = (srt[:, 1:] == srt[:, :-1]).any(axis=1)
        if tied.any():
            # ties are broken by time order (a stable sort), which is slower: only where needed
            order[tied] = np.argsort(cols[tied], axis=1, kind="stable")
    flat = np.multiply(order, c, out=scratch(ws, "flat", (c, n), np.intp))
    flat += np.arange(c)[:, None]
    ext = scratch(ws, "ext", (c, n + 2))
    np.take(obs, flat, out=ext[:, 1:-1], mode="wrap")  # "wrap": unbuffered; all in range
    ext[:, 0] = np.where(np.isfinite(lo), lo, ext[:, 1] - width)
    ext[:, -1] = np.where(np.isfinite(hi), hi, ext[:, -2] + width)
    d = np.subtract(ext[:, 1:], ext[:, :-1], out=scratch(ws, "diff", (c, n + 1)))
    ss = np.maximum(d[:, :-1], d[:, 1:], out=ext[:, 1:-1])
    if n >= 2:
        ss[:, 0] = d[:, 1]
        ss[:, -1] = d[:, -2]
    sig = np.empty((n, c)) if out is None else out
    assert sig.flags.c_contiguous  # so that the flat view below writes into it
    sig.reshape(-1)[flat] = ss
    np.maximum(sig, width / min(100.0, 2.0 + n), out=sig)
    np.minimum(sig, width, out=sig)
    return sig


def fit_joint(
    group: Group,
    xn: np.ndarray,
    xc: np.ndarray,
    prior_weight: float,
    lf: int | None,
    order: np.ndarray | None = None,
    ws: Workspace | None = None,
    key: str = "",
) -> JointKernels:
    """Kernels from observations ``xn`` (n, C numeric) and ``xc`` (n, categorical) in time
    order; ``order``: the columns' stable argsorts of ``xn``, one row each (C, n), if known.
    With ``ws``, the kernels' arrays live in it under names starting with ``key`` (valid
    until the next fit under that key)."""
    n = xn.shape[0] if xn.size else xc.shape[0]
    k = n + 1
    w = np.concatenate([[prior_weight], linear_forgetting_weights(n, lf)])
    log_w = np.log(w / w.sum())
    ps = group.prior_sigma
    c = len(ps)
    obs = xn.reshape(n, c)
    mu = scratch(ws, key + "mu", (k, c))
    mu[0] = group.prior_mu
    mu[1:] = obs
    sigma = scratch(ws, key + "sigma", (k, c))
    sigma[0] = ps
    if BANDWIDTH == "scott":
        bw = SIGMA0 * max(n, 1) ** (-1.0 / (group.dim + 4)) * ps
        sigma[1:] = np.clip(bw, ps / min(100.0, 1.0 + k), ps)
    elif n:
        neighbour_sigmas(obs, group.lo, group.hi, ps, order, out=sigma[1:], ws=ws)
    a = np.subtract(group.lo, mu, out=scratch(ws, "a", (k, c)))
    a /= sigma
    b = np.subtract(group.hi, mu, out=scratch(ws, "b", (k, c)))
    b /= sigma
    # a kernel 9 sigmas inside both bounds has all its mass in them (ndtr rounds to 0
    # and 1 exactly there): the CDF is computed only for the others
    edge = (a > -9.0) | (b < 9.0)
    mass = special.ndtr(b[edge]) - special.ndtr(a[edge])
    log_z = scratch(ws, key + "log_z", (k, c))
    log_z.fill(0.0)
    log_z[edge] = np.log(np.maximum(mass, TINY))
    probs = []
    for j, cat in enumerate(group.categorical):
        p = np.full((k, cat.n), prior_weight / k)
        if n:
            p[np.arange(1, k), xc[:, j].astype(np.intp)] += 1.0
        p[0] = cat.p
        probs.append(p / p.sum(axis=1, keepdims=True))
    return JointKernels(log_w, mu, sigma, log_z, probs)


def sample_joint(
    group: Group, kern: JointKernels, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``size`` candidates: numeric latents (size, C) and category indices (size, n_cat)."""
    w = np.exp(kern.log_w)
    cum = np.cumsum(w)
    comp = np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), len(w) - 1)
    m, s = kern.mu[comp], kern.sigma[comp]
    a = special.ndtr((group.lo - m) / s)
    b = special.ndtr((group.hi - m) / s)
    u = rng.random(m.shape)
    x = m + s * special.ndtri(np.clip(a + (b - a) * u, 1e-16, 1.0 - 1e-16))
    x = np.clip(x, group.lo, group.hi)
    for col, pos in group.quantized:
        x[:, pos] = col.centre(col.grid_index(x[:, pos]))
    cats = np.zeros((size, len(group.categorical)), dtype=np.intp)
    for j, p in enumerate(kern.probs):
        c = np.cumsum(p[comp], axis=1)
        r = rng.random(size)[:, None] * c[:, -1:]
        cats[:, j] = np.minimum((r >= c).sum(axis=1), p.shape[1] - 1)
    return x, cats


def _log_bin_mass(lo: np.ndarray, hi: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """(K, k) log mass of bins ``[lo, hi]`` (K,) under each kernel's Gaussian (k,).

    A quantized column's kernels repeat a few (mu, sigma) pairs and its candidates a few
    bin edges: the CDF is computed once per distinct edge and pair, then gathered.
    """
    k = len(lo)
    edges, einv = np.unique(np.concatenate([lo, hi]), return_inverse=True)
    order = np.lexsort((sigma, mu))
    m, s = mu[order], sigma[order]
    new = np.concatenate([[True], (np.diff(m) != 0) | (np.diff(s) != 0)])
    pinv = np.empty(len(mu), dtype=np.intp)
    pinv[order] = np.cumsum(new) - 1
    cdf = special.ndtr((edges[:, None] - m[new][None, :]) / s[new][None, :])
    mass = cdf[einv[k:]][:, pinv] - cdf[einv[:k]][:, pinv]
    return np.asarray(np.log(np.maximum(mass, TINY)))


def log_density_joint(
    group: Group,
    kern: JointKernels,
    x: np.ndarray,
    cats: np.ndarray,
    ws: Workspace | None = None,
) -> np.ndarray:
    """Log density of candidates (K,) under the kernel mixture (up to a constant).

    The continuous columns' squared distances to every kernel come from two matrix
    products on standardized values; quantized columns use the CDF at each distinct bin
    edge; categorical columns a lookup.
    """
    total = (kern.log_w - kern.log_z.sum(axis=1))[None, :].repeat(x.shape[0], axis=0)
    cont = group.continuous
    if len(cont):
        # every column continuous: cont is 0, 1, ..., and a slice takes views, not copies
        sel = slice(None) if len(cont) == kern.mu.shape[1] else cont
        centre = group.prior_mu[sel]
        scale = group.prior_sigma[sel]
        xs = (x[:, sel] - centre) / scale
        shape = (kern.mu.shape[0], len(centre))
        m = np.subtract(kern.mu[:, sel], centre, out=scratch(ws, "m", shape))
        m /= scale
        ratio = np.divide(scale, kern.sigma[:, sel], out=scratch(ws, "ratio", shape))
        i2 = np.multiply(ratio, ratio, out=scratch(ws, "i2", shape))
        a = np.multiply(i2, -0.5, out=scratch(ws, "a", shape))
        quad = (xs * xs) @ a.T
        i2 *= m
        quad += xs @ i2.T
        total += quad
        a *= m
        a *= m
        a += np.log(ratio, out=ratio)
        total += a.sum(axis=1)[None, :]
    for col, pos in group.quantized:
        lo, hi = col.bins(col.grid_index(x[:, pos]))
        for r, i in enumerate(pos.tolist()):
            total += _log_bin_mass(lo[:, r], hi[:, r], kern.mu[:, i], kern.sigma[:, i])
    for j, p in enumerate(kern.probs):
        total += np.log(p[:, cats[:, j]]).T
    mx = total.max(axis=1, keepdims=True)
    shifted = np.maximum(total - mx, -700.0)  # keeps exp off its slow underflow path
    return np.asarray(np.log(np.exp(shifted).sum(axis=1)) + mx[:, 0])
