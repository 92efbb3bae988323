"""Learning-curve extrapolation: stop a trial whose curve, extrapolated to the full budget,
is unlikely to beat the best completed trial."""

from __future__ import annotations

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
)
from hyperhop.pruning.curves import FAMILIES, Fit, fit_family, prob_below
from hyperhop.samplers.base import History
from hyperhop.trial import Trial


@dataclass(frozen=True)
class LCEPruner(Pruner):
    """Fit parametric curves to the values reported so far, extrapolate them to
    ``max_resource``, and prune when the probability of beating the best completed trial
    there falls below ``prob_threshold`` (DeepHyper's ``LCModelStopper``, with least
    squares instead of MCMC).

    Each family (``pow3``: ``c + a x^-b``; ``exp3``: ``c + a e^(-b x)``; ``loglin2``:
    ``a log x + b``) is fitted by Levenberg-Marquardt; its prediction is a normal whose
    spread is the parameters' uncertainty (delta method) plus the residual noise, floored
    at ``noise_floor`` times the scale of the values. The families form a mixture with
    Akaike weights.

    Args:
        max_resource: the full budget (default: the study's fidelity; else the resource of
            the longest completed trial).
        min_points: no decision before this many reports.
        prob_threshold: prune when P(final value beats the best) is below it.
        families: curve families to fit.
        n_startup_trials: no pruning until this many trials completed.
        interval_steps: fit only every that many steps (fits cost about 1 ms each).
        noise_floor: the smallest noise, relative to the largest absolute value seen.

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

    def with_fidelity(self, fidelity: Fidelity) -> Pruner:
        if self.max_resource is not None:
            return self
        return replace(self, max_resource=fidelity.max)

    def _target(self, history: History) -> int | None:
        if self.max_resource is not None:
            return self.max_resource
        longest = [resource(max(t.intermediate)) for t in finished(history) if t.intermediate]
        return max(longest) if longest else None

    def fits(self, trial: Trial, x_target: float) -> list[Fit]:
        """Every family fitted to ``trial``'s curve, predicting at ``x_target``."""
        steps = sorted(trial.intermediate)
        x = np.array([resource(s) for s in steps], dtype=float)
        y = np.array([trial.intermediate[s] for s in steps], dtype=float)
        finite = np.isfinite(y)
        x, y = x[finite], y[finite]
        if len(x) < self.min_points:
            return []
        scale = max(float(np.max(np.abs(y))), float(np.ptp(y)), 1e-12)
        out = []
        for name in self.families:
            fit = fit_family(FAMILIES[name], x, y, x_target, self.noise_floor * scale)
            if fit is not None:
                out.append(fit)
        return out

    def prob_beating(self, trial: Trial, best: float, x_target: float, direction: str) -> float:
        """P(the trial's value at ``x_target`` is better than ``best``); 1 when no fit."""
        fits = self.fits(trial, x_target)
        if not fits:
            return 1.0
        below = prob_below(fits, best)
        return below if direction == "min" else 1.0 - below

    def should_prune(self, trial: Trial, history: History) -> bool:
        step = last_step(trial)
        if step is None or len(trial.intermediate) < self.min_points:
            return False
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
        return self.prob_beating(trial, best, float(target), d) < self.prob_threshold
