"""Learning-curve extrapolation: stop a trial whose curve, extrapolated to the full budget,
is unlikely to beat the best completed trial."""

from __future__ import annotations

import math
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
    in_interval,
    last_step,
    loss,
    resource,
    value_at_resource,
)
from hyperhop.pruning.curves import (
    FAMILIES,
    Fit,
    fit_family,
    mixture_mean,
    mixture_variance,
    prob_below,
)
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class LCEPruner(Pruner):
    """Fit parametric curves to the values reported so far, extrapolate them to
    ``max_resource``, and prune when the probability of beating the best completed trial
    there falls below ``prob_threshold`` (DeepHyper's ``LCModelStopper``, with least
    squares instead of MCMC).

    Each family (``pow3``: ``c + a x^-b``; ``exp3``: ``c + a e^(-b x)``, bending within
    the observed window; ``loglin2``: ``a log x + b``) is fitted by least squares;
    its prediction is a normal whose spread is the parameters' uncertainty (delta method)
    plus the residual noise, floored at ``noise_floor`` times the scale of the values. The
    families form a mixture with Akaike weights.

    Extrapolations from a few noisy points are overconfident, so the prediction is
    calibrated on the study itself: the same fit, made on the first values of each
    completed trial, is compared with what that trial reached, the miss measured in that
    fit's own predictive standard deviations (``z = (final - mean) / sd``). The mean ``z``
    (shrunk toward 0) shifts the prediction and the root-mean-square ``z`` widens it
    (never narrows: a factor of at least 1). In units of each fit's spread, a trial whose
    few first points said little (a slow starter, a wide fit) and missed by a lot weighs
    no more than a sharp fit that missed by a little; in absolute units one such trial
    would shift every prediction by its miss. Before
    ``min_points`` reports, a trial is stopped only when its latest value is an outlier,
    worse than ``Q1 - outlier_iqr * IQR`` of the values other trials reported at that
    step (with at least ``min_outlier_trials`` of them).

    Args:
        max_resource: the full budget (default: the study's fidelity; else the resource of
            the longest completed trial).
        min_points: no fit before this many reports.
        prob_threshold: prune when P(final value beats the best) is below it.
        families: curve families to fit.
        n_startup_trials: no pruning until this many trials completed.
        interval_steps: fit only every that many steps (a fit costs about 1 ms).
        noise_floor: the smallest noise, relative to the largest absolute value seen.
        calibrate: calibrate on completed trials (the ``calibration_trials`` latest).
        outlier_iqr: the outlier fence before ``min_points`` (None: no early test).
        min_outlier_trials: values needed at a step for the outlier test.

    Example:
        >>> from hyperhop.pruning import LCEPruner
        >>> LCEPruner(max_resource=50).families
        ('pow3', 'exp3', 'loglin2')
    """

    max_resource: int | None = None
    min_points: int = 4
    prob_threshold: float = 0.05
    families: tuple[str, ...] = ("pow3", "exp3", "loglin2")
    n_startup_trials: int = 1
    interval_steps: int = 1
    noise_floor: float = 1e-3
    calibrate: bool = True
    calibration_trials: int = 20
    outlier_iqr: float | None = 1.5
    min_outlier_trials: int = 10

    name = "lce"

    def __post_init__(self) -> None:
        f = "LCEPruner"
        if self.max_resource is not None:
            check_int(f, "max_resource", self.max_resource, 1)
        check_int(f, "min_points", self.min_points, 3)
        check_real(f, "prob_threshold", self.prob_threshold, 0.0, 1.0)
        fams = tuple(self.families)
        unknown = [n for n in fams if n not in FAMILIES]
        if not fams or unknown:
            raise ValueError(
                f"The 'families' parameter of LCEPruner must name curve families among "
                f"{sorted(FAMILIES)}. Got {list(self.families)!r} instead."
            )
        object.__setattr__(self, "families", fams)
        check_int(f, "n_startup_trials", self.n_startup_trials, 1)
        check_int(f, "interval_steps", self.interval_steps, 1)
        check_real(f, "noise_floor", self.noise_floor, 0.0, 1.0)
        check_int(f, "calibration_trials", self.calibration_trials, 1)
        if self.outlier_iqr is not None:
            check_real(f, "outlier_iqr", self.outlier_iqr, 0.0, math.inf)
        check_int(f, "min_outlier_trials", self.min_outlier_trials, 1)

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        if self.max_resource is not None:
            return self
        return replace(self, max_resource=fidelity.max)

    def _target(self, history: History) -> int | None:
        if self.max_resource is not None:
            return self.max_resource
        longest = [resource(max(t.intermediate)) for t in finished(history) if t.intermediate]
        return max(longest) if longest else None

    def fits(self, trial: Trial, x_target: float, n_points: int | None = None) -> list[Fit]:
        """Every family fitted to ``trial``'s curve (its first ``n_points`` values, or
        all), predicting at ``x_target``."""
        steps = sorted(trial.intermediate)[:n_points]
        x = np.array([resource(s) for s in steps], dtype=float)
        y = np.array([trial.intermediate[s] for s in steps], dtype=float)
        finite = np.isfinite(y)
        x, y = x[finite], y[finite]
        if len(x) < self.min_points:
            return []
        key = (self.families, self.noise_floor, x.tobytes(), y.tobytes(), float(x_target))
        cached = _FITS.get(key)
        if cached is not None:
            return cached
        scale = max(float(np.max(np.abs(y))), float(np.ptp(y)), 1e-12)
        out = []
        for name in self.families:
            fit = fit_family(FAMILIES[name], x, y, x_target, self.noise_floor * scale)
            if fit is not None:
                out.append(fit)
        if len(_FITS) >= _FITS_MAX:
            _FITS.clear()
        _FITS[key] = out
        return out

    def calibration(self, history: History, n_points: int, x_target: float) -> tuple[float, float]:
        """How far extrapolations from ``n_points`` values missed on completed trials, in
        predictive standard deviations: the mean ``z = (final - mean) / sd`` (shrunk
        toward 0: ``sum(z) / (n + 1)``) and ``max(1, rms(z))``; (0, 1) without data."""
        zs = []
        done = [t for t in finished(history) if len(t.intermediate) > n_points]
        for t in done[-self.calibration_trials :]:
            final = value_at_resource(t, int(x_target))
            if final is None or resource(max(t.intermediate)) < x_target:
                continue
            fits = self.fits(t, x_target, n_points)
            if fits:
                sd = max(math.sqrt(mixture_variance(fits)), _tiny(final))
                zs.append((final - mixture_mean(fits)) / sd)
        if not zs:
            return 0.0, 1.0
        n = len(zs)
        return sum(zs) / (n + 1), max(1.0, math.sqrt(sum(z * z for z in zs) / n))

    def prob_beating(
        self,
        trial: Trial,
        best: float,
        x_target: float,
        direction: str,
        history: History | None = None,
    ) -> float:
        """P(the trial's value at ``x_target`` is better than ``best``); 1 when no fit.
        With ``history``, the prediction is calibrated on the completed trials: shifted by
        the mean miss times the mixture's spread, each spread scaled by the rms miss."""
        fits = self.fits(trial, x_target)
        if not fits:
            return 1.0
        if history is not None and self.calibrate:
            shift, scale = self.calibration(history, len(trial.intermediate), x_target)
            sd = math.sqrt(mixture_variance(fits))
            fits = [
                Fit(f.family, f.mean + shift * sd, max(f.sd, _tiny(f.mean)) * scale, f.aic)
                for f in fits
            ]
        below = prob_below(fits, best)
        return below if direction == "min" else 1.0 - below

    def is_outlier(self, trial: Trial, history: History) -> bool:
        """Whether the latest value is below (worse than) the lower fence ``Q1 - k IQR`` of
        the values other trials reported at that step (DeepHyper's test before a fit)."""
        step = last_step(trial)
        if step is None or self.outlier_iqr is None:
            return False
        d = direction_of(history)
        at = [
            loss(t.intermediate[step], d)
            for t in history.trials
            if t.id != trial.id and step in t.intermediate
        ]
        if len(at) < self.min_outlier_trials:
            return False
        q1, q3 = np.percentile(at, [25.0, 75.0])
        return bool(loss(trial.intermediate[step], d) > q3 + self.outlier_iqr * (q3 - q1))

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        if step is None:
            return False
        if len(trial.intermediate) < self.min_points:
            return self.is_outlier(trial, history)
        if not in_interval(step, list(trial.intermediate), 0, self.interval_steps):
            return False
        target = self._target(history)
        if target is None or resource(step) >= target:
            return False
        d = direction_of(history)
        done = [v for t in finished(history) if (v := final_value(t)) is not None]
        if len(done) < self.n_startup_trials:
            return False
        best = min(done, key=lambda v: loss(v, d))
        p = self.prob_beating(trial, best, float(target), d, history)
        return p < self.prob_threshold


def _tiny(value: float) -> float:
    """The least spread of a prediction near ``value`` (an exact fit, possible with
    ``noise_floor=0``, has none): a miss is then very many sds, and a calibration scale
    still widens it."""
    return 1e-12 * max(1.0, abs(value))


_FITS: dict[tuple[object, ...], list[Fit]] = {}
"""Fits by curve prefix (immutable data, so a cache cannot go stale)."""
_FITS_MAX = 50_000
