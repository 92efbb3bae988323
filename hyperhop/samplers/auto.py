"""``algo="auto"``: pick a sampler from the space, and switch as the history grows.

The rules (logged at INFO when a choice is made or changes):

- array-valued or custom parameters, or more than 100 parameters: ``anneal`` (local search
  scales to millions of entries; models do not);
- conditional parameters: ``tpe`` (it models each parameter only where it is active);
- up to 10 parameters, none categorical: ``gp`` for the first 200 trials (the best model
  per evaluation on small smooth problems), then ``tpe`` (a GP's cost grows with n^3);
- up to 40 parameters with categories: ``cbo`` for the first 1,000 trials, then ``tpe``;
- anything else: ``tpe``.
"""

from __future__ import annotations

import logging

from hyperhop.samplers.anneal import AnnealSampler
from hyperhop.samplers.base import History, Sampler
from hyperhop.samplers.cbo import CBOSampler
from hyperhop.samplers.gp import GPSampler
from hyperhop.samplers.tpe import TPESampler
from hyperhop.space import Assignment, Space

log = logging.getLogger("hyperhop.samplers")

GP_MAX_DIM = 10
GP_MAX_TRIALS = 200
CBO_MAX_DIM = 40
CBO_MAX_TRIALS = 1000
ANNEAL_MIN_DIM = 100


def choose(space: Space, n_trials: int) -> tuple[str, str]:
    """The sampler name ``auto`` uses for ``space`` after ``n_trials`` trials, and why."""
    kinds = [s.param.kind for s in space.params]
    arrays = any(s.param.shape is not None for s in space.params)
    if arrays or "custom" in kinds:
        return "anneal", "the space has array-valued or custom parameters"
    if len(space.params) > ANNEAL_MIN_DIM:
        return "anneal", f"the space has {len(space.params)} parameters (> {ANNEAL_MIN_DIM})"
    if any(s.conditional for s in space.params):
        return "tpe", "the space has conditional parameters"
    categorical = "categorical" in kinds
    if len(space.params) <= GP_MAX_DIM and not categorical:
        if n_trials < GP_MAX_TRIALS:
            return (
                "gp",
                f"{len(space.params)} parameters without categories, {n_trials} trials so far",
            )
        return "tpe", f"{n_trials} trials: past {GP_MAX_TRIALS}, a GP costs too much per suggestion"
    if len(space.params) <= CBO_MAX_DIM:
        if n_trials < CBO_MAX_TRIALS:
            return "cbo", f"{len(space.params)} mixed parameters, {n_trials} trials so far"
        return "tpe", f"{n_trials} trials: past {CBO_MAX_TRIALS}"
    return "tpe", f"{len(space.params)} parameters"


class AutoSampler(Sampler):
    """Delegates each suggestion to the sampler :func:`choose` names (all seeded alike).

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1), "y": hh.float(0, 1)}, algo="auto", seed=0)
        >>> type(study.sampler).__name__
        'AutoSampler'
    """

    name = "auto"

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self._samplers: dict[str, Sampler] = {}
        self._current: str | None = None

    def _get(self, name: str) -> Sampler:
        if name not in self._samplers:
            cls = {"gp": GPSampler, "cbo": CBOSampler, "tpe": TPESampler, "anneal": AnnealSampler}[
                name
            ]
            self._samplers[name] = cls(self._entropy)
        return self._samplers[name]

    @property
    def current(self) -> str | None:
        """The name of the sampler used for the last suggestion."""
        return self._current

    def suggest(self, history: History) -> Assignment:
        name, why = choose(history.space, history.n)
        if name != self._current:
            log.info("algo='auto' uses %r from trial %d: %s", name, history.n, why)
            self._current = name
        return self._get(name).suggest(history)
