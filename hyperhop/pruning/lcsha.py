"""Learning-curve successive halving: asynchronous successive halving that ranks trials at
its rungs by their predicted final value, and stops between rungs a trial that has little
chance to beat the best completed one. Both predictions borrow the shape of the curve from
the completed trials, so they need two points of a trial, not a fit of its own."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from hyperhop.pruning.base import (
    Fidelity,
    Pruner,
    check_int,
    check_real,
    direction_of,
    final_value,
    finished,
    last_step,
    loss,
    resource,
    rungs,
)
from hyperhop.pruning.curves import FAMILIES, fit_rate
from hyperhop.pruning.sha import crossed_rungs, in_top
from hyperhop.samplers.base import History
from hyperhop.trial import Trial

Shape = tuple[float, float]
"""A completed trial's curve shape: the rate ``b`` of ``c + a x^-b`` and its residual sd."""


@dataclass(frozen=True)
class Prediction:
    """A curve's value at the full budget under the shared-shape model: a mixture of
    normals, one per reference shape, weighted by how well each shape fits the prefix."""

    means: np.ndarray
    sds: np.ndarray
    weights: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.weights @ self.means)

    def prob_below(self, threshold: float) -> float:
        """P(value at the full budget < ``threshold``)."""
        z = (threshold - self.means) / self.sds
        cdf = np.array([0.5 * math.erfc(-zi / math.sqrt(2.0)) for zi in z])
        return float(self.weights @ cdf)


def reference_shapes(curves: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[Shape]:
    """The power-law shape (``pow3``) of each full curve ``(x, y)`` (curves it does not fit
    are left out)."""
    out = []
    for x, y in curves:
        key = (x.tobytes(), y.tobytes())
        shape = _SHAPES.get(key)
        if shape is None:
            shape = fit_rate(FAMILIES["pow3"], x, y)
            if len(_SHAPES) >= _CACHE_MAX:
                _SHAPES.clear()
            _SHAPES[key] = shape
        if shape is not None:
            out.append(shape)
    return out


def predict(
    x: np.ndarray, y: np.ndarray, shapes: Sequence[Shape], x_target: float, noise: float
) -> Prediction | None:
    """The value at ``x_target`` of the curve whose first points are ``(x, y)``, if it has the
    shape of one of ``shapes`` with its own level and scale.

    For each shape ``b``, ``y = c + a x^-b`` is a linear regression in ``(c, a)`` (two points
    suffice); its prediction is a normal with the regression's parameter uncertainty plus
    the noise ``max(noise, median residual sd of the shapes)``. The shapes are weighted by
    their likelihood on the prefix (an equal prior: the completed curves are the sample of
    shapes this study produces). None with fewer than two points or no shape.
    """
    if len(x) < 2 or not shapes:
        return None
    b = np.array([s[0] for s in shapes])
    sigma = max(noise, float(np.median([s[1] for s in shapes])), 1e-12)
    # the reference fits are on x / x_last: the same family, the scale goes into a
    with np.errstate(all="ignore"):
        phi = (x[None, :] / x[-1]) ** (-b[:, None])  # (K, n)
        g = (x_target / x[-1]) ** (-b)  # (K,)
    n = float(len(x))
    s1 = phi.sum(axis=1)
    s2 = (phi * phi).sum(axis=1)
    det = n * s2 - s1 * s1
    ok = np.isfinite(det) & (det > 1e-12 * np.maximum(n * s2, 1e-300)) & np.isfinite(g)
    if not ok.any():
        return None
    phi, g, s1, s2, det = phi[ok], g[ok], s1[ok], s2[ok], det[ok]
    sy = float(y.sum())
    spy = phi @ y
    c = (s2 * sy - s1 * spy) / det
    a = (n * spy - s1 * sy) / det
    resid = y[None, :] - c[:, None] - a[:, None] * phi
    ssr = np.einsum("kn,kn->k", resid, resid)
    # g' (X'X)^-1 g with g = (1, g_k), X'X = [[n, s1], [s1, s2]]
    lever = (s2 - 2.0 * s1 * g + n * g * g) / det
    means = c + a * g
    sds = sigma * np.sqrt(1.0 + np.maximum(lever, 0.0))
    logw = -0.5 * ssr / sigma**2
    good = np.isfinite(means) & np.isfinite(sds) & np.isfinite(logw)
    if not good.any():
        return None
    w = np.exp(logw[good] - logw[good].max())
    return Prediction(means[good], sds[good], w / w.sum())


def prefix(trial: Trial, r: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``trial``'s finite values up to ``r`` units of resource (all without ``r``) as
    ``(resource, value)`` arrays."""
    steps = [s for s in sorted(trial.intermediate) if r is None or resource(s) <= r]
    x = np.array([resource(s) for s in steps], dtype=float)
    y = np.array([trial.intermediate[s] for s in steps], dtype=float)
    keep = np.isfinite(y)
    return x[keep], y[keep]


@dataclass(frozen=True)
class CurveHalvingPruner(Pruner):
    """Successive halving that ranks by predicted final values (a learning-curve-aware ASHA).

    Rungs are successive halving's (``min_resource * reduction_factor**k``, below
    ``max_resource``), and at a rung a trial goes on only in the top
    ``max(1, n // reduction_factor)`` of the ``n`` trials recorded there, as with ``sha``.
    The difference is what is ranked: from the second point on, each trial's curve up to
    the rung, extrapolated to ``max_resource``, instead of its value at the rung. Curves
    cross (a fast starter is not always the best finisher), and the extrapolation needs
    only two points of a trial because it borrows the curve's shape from the completed
    trials: each completed curve gives a power-law rate ``b`` (of ``c + a x^-b``), and a
    trial's prefix is fitted for its own level ``c`` and scale ``a`` under each, the shapes
    weighted by how well they fit it (see :func:`predict`).

    Between rungs, a trial also stops when the probability that its final value beats
    the best completed trial is below ``prob_threshold`` under the same model (as ``lce``
    does with curves fitted on each trial alone, which need four points). Without a
    completed trial that reached ``max_resource`` this is plain ``sha``.

    Args:
        min_resource: resource of the first rung (default: the study's fidelity, else 1).
        reduction_factor: ``eta``; one trial in ``eta`` goes on at each rung.
        max_resource: the full budget, where finals are predicted (default: the study's
            fidelity, else the resource of the longest completed trial; no rung there).
        prob_threshold: stop when P(final beats the best completed) is below it (0: never).
        n_reference_trials: the latest completed trials whose shapes are used.
        noise_floor: the least noise, relative to the largest absolute value of the shapes'
            curves.

    Example:
        >>> from hyperhop.pruning import CurveHalvingPruner
        >>> CurveHalvingPruner(min_resource=1, max_resource=27).levels()
        [1, 3, 9]
    """

    min_resource: int | None = None
    reduction_factor: int = 3
    max_resource: int | None = None
    prob_threshold: float = 0.05
    n_reference_trials: int = 20
    noise_floor: float = 1e-3

    name = "lcsha"

    def __post_init__(self) -> None:
        f = "CurveHalvingPruner"
        if self.min_resource is not None:
            check_int(f, "min_resource", self.min_resource, 1)
        check_int(f, "reduction_factor", self.reduction_factor, 2)
        if self.max_resource is not None:
            check_int(f, "max_resource", self.max_resource, 1)
        check_real(f, "prob_threshold", self.prob_threshold, 0.0, 1.0)
        check_int(f, "n_reference_trials", self.n_reference_trials, 1)
        check_real(f, "noise_floor", self.noise_floor, 0.0, 1.0)

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        return replace(
            self,
            min_resource=fidelity.min if self.min_resource is None else self.min_resource,
            max_resource=fidelity.max if self.max_resource is None else self.max_resource,
        )

    def levels(self, target: int | None = None) -> list[int]:
        """The rungs, in units of resource (below ``target`` when no ``max_resource``)."""
        top = self.max_resource if self.max_resource is not None else target
        return rungs(self.min_resource or 1, self.reduction_factor, top)

    def _target(self, history: History) -> int | None:
        if self.max_resource is not None:
            return self.max_resource
        longest = [resource(max(t.intermediate)) for t in finished(history) if t.intermediate]
        return max(longest) if longest else None

    def shapes(self, history: History, target: int) -> tuple[list[Shape], float]:
        """The shapes of the latest completed trials that reached ``target``, and the noise
        floor in the units of their values."""
        full = [
            prefix(t)
            for t in finished(history)
            if t.intermediate and resource(max(t.intermediate)) >= target
        ]
        full = [(x, y) for x, y in full[-self.n_reference_trials :] if len(x) >= 4]
        if not full:
            return [], 0.0
        scale = max(max(float(np.max(np.abs(y))) for _, y in full), 1e-12)
        return reference_shapes(full), self.noise_floor * scale

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        if step is None:
            return False
        target = self._target(history)
        d = direction_of(history)
        shapes, noise = self.shapes(history, target) if target is not None else ([], 0.0)
        reached = crossed_rungs(trial, self.levels(target))
        if reached:
            others = [t for t in history.trials if t.id != trial.id and t.intermediate]
            for r in reached:
                if not self._promotable(trial, r, others, d, shapes, noise, target):
                    return True
        if not shapes or self.prob_threshold <= 0.0 or target is None:
            return False
        if resource(step) >= target:
            return False
        done = [v for t in finished(history) if (v := final_value(t)) is not None]
        if not done:
            return False
        best = min(done, key=lambda v: loss(v, d))
        x, y = prefix(trial)
        pred = _predict_cached(x, y, shapes, float(target), noise)
        if pred is None:
            return False
        below = pred.prob_below(best)
        p = below if d == "min" else 1.0 - below
        return p < self.prob_threshold

    def _promotable(
        self,
        trial: Trial,
        r: int,
        others: list[Trial],
        direction: str,
        shapes: list[Shape],
        noise: float,
        target: int | None,
    ) -> bool:
        """Whether ``trial`` is in the top ``max(1, n // eta)`` of the ``n`` trials recorded
        at rung ``r`` (ties go on), ranked by predicted final value where every one of
        them has a prediction, else by the value at the rung."""
        at_rung = [t for t in [trial, *others] if resource(max(t.intermediate)) >= r]
        if trial not in at_rung:
            return True
        scores = self._scores(at_rung, r, shapes, noise, target)
        return in_top(scores[0], scores[1:], direction, self.reduction_factor)

    def _scores(
        self,
        trials: list[Trial],
        r: int,
        shapes: list[Shape],
        noise: float,
        target: int | None,
    ) -> list[float]:
        prefixes = [prefix(t, r) for t in trials]
        if shapes and target is not None and r < target:
            preds = [_predict_cached(x, y, shapes, float(target), noise) for x, y in prefixes]
            if all(p is not None for p in preds):
                return [p.mean for p in preds if p is not None]
        return [float(y[-1]) if len(y) else math.nan for _, y in prefixes]


def _predict_cached(
    x: np.ndarray, y: np.ndarray, shapes: list[Shape], x_target: float, noise: float
) -> Prediction | None:
    key = (x.tobytes(), y.tobytes(), tuple(shapes), x_target, noise)
    if key in _PREDICTIONS:
        return _PREDICTIONS[key]
    out = predict(x, y, shapes, x_target, noise)
    if len(_PREDICTIONS) >= _CACHE_MAX:
        _PREDICTIONS.clear()
    _PREDICTIONS[key] = out
    return out


_SHAPES: dict[tuple[bytes, bytes], Shape | None] = {}
"""Shapes by curve (immutable data, so a cache cannot go stale)."""
_PREDICTIONS: dict[tuple[object, ...], Prediction | None] = {}
"""Predictions by prefix and shapes."""
_CACHE_MAX = 50_000
