"""Optuna's samplers by their class names, each a hyperhop sampler behind define-by-run.

| Optuna | hyperhop |
|---|---|
| ``TPESampler`` | ``tpe`` (Optuna's defaults: 10 startup trials; ``multivariate=True`` models the shared parameters jointly) |
| ``RandomSampler`` | ``random`` |
| ``GPSampler`` | ``gp`` |
| ``CmaEsSampler`` | ``gp`` (hyperhop has no CMA-ES; a warning says so) |
| ``NSGAIISampler`` | ``nsga2`` |
| ``QMCSampler`` | ``sobol`` |
| ``GridSampler(search_space)`` | ``grid`` over the given values |
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from hyperhop import samplers as hs
from hyperhop.optuna.sampling import DefineByRun


class BaseSampler:
    """An Optuna sampler name; ``build()`` gives the hyperhop sampler."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    def _make(self, seed: int | None) -> hs.Sampler:
        raise NotImplementedError

    relative = True

    def build(self) -> DefineByRun:
        return DefineByRun(self._make, self.seed, relative=self.relative)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(seed={self.seed!r})"


class RandomSampler(BaseSampler):
    """Independent draws from each distribution."""

    relative = False

    def _make(self, seed: int | None) -> hs.Sampler:
        return hs.RandomSampler(seed)


class TPESampler(BaseSampler):
    """The Tree-structured Parzen Estimator (hyperhop's ``tpe``)."""

    def __init__(
        self,
        *,
        seed: int | None = None,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        multivariate: bool = False,
        prior_weight: float = 1.0,
        **ignored: Any,
    ) -> None:
        super().__init__(seed)
        self.n_startup_trials = n_startup_trials
        self.n_ei_candidates = n_ei_candidates
        self.prior_weight = prior_weight
        self.relative = bool(multivariate)

    def _make(self, seed: int | None) -> hs.Sampler:
        from hyperhop.samplers.tpe import TPESampler as TPE

        return TPE(
            seed,
            n_startup=self.n_startup_trials,
            n_ei_candidates=self.n_ei_candidates,
            prior_weight=self.prior_weight,
            multivariate=self.relative,
        )


class GPSampler(BaseSampler):
    """Gaussian-process Bayesian optimization (hyperhop's ``gp``)."""

    def __init__(self, *, seed: int | None = None, **ignored: Any) -> None:
        super().__init__(seed)

    def _make(self, seed: int | None) -> hs.Sampler:
        from hyperhop.samplers.gp import GPSampler as GP

        return GP(seed)


class CmaEsSampler(GPSampler):
    """Stands in for CMA-ES, which hyperhop does not have: hyperhop's ``gp`` sampler, its
    model-based search of continuous spaces (a warning says so)."""

    def __init__(self, *, seed: int | None = None, **ignored: Any) -> None:
        super().__init__(seed=seed)
        warnings.warn(
            "hyperhop has no CMA-ES: CmaEsSampler runs hyperhop's GP sampler instead",
            UserWarning,
            stacklevel=2,
        )


class NSGAIISampler(BaseSampler):
    """NSGA-II for several objectives (hyperhop's ``nsga2``)."""

    def __init__(
        self, *, population_size: int = 50, seed: int | None = None, **ignored: Any
    ) -> None:
        super().__init__(seed)
        self.population_size = population_size

    def _make(self, seed: int | None) -> hs.Sampler:
        from hyperhop.samplers.nsga2 import NSGA2Sampler

        return NSGA2Sampler(seed, population_size=self.population_size)


class QMCSampler(BaseSampler):
    """Quasi-random (scrambled Sobol') points (hyperhop's ``sobol``)."""

    def __init__(self, *, seed: int | None = None, scramble: bool = True, **ignored: Any) -> None:
        super().__init__(seed)
        self.scramble = scramble

    def _make(self, seed: int | None) -> hs.Sampler:
        from hyperhop.samplers.sobol import SobolSampler

        return SobolSampler(seed, scramble=self.scramble)


class GridSampler(BaseSampler):
    """Every combination of ``search_space`` (name -> list of values), in a seeded order."""

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        super().__init__(seed)
        self.search_space = {k: list(v) for k, v in search_space.items()}

    def build(self) -> DefineByRun:
        import hyperhop as hh

        space = hh.Space({k: hh.choice(*v) for k, v in self.search_space.items()})
        grid = hs.GridSampler(self.seed, shuffle=True)
        return _Grid(space, grid)


class _Grid(DefineByRun):
    def __init__(self, space: Any, grid: hs.Sampler) -> None:
        super().__init__(lambda seed: hs.RandomSampler(seed), grid.seed)
        self.space = space
        self.grid = grid

    def suggest(self, history: Any) -> dict[str, Any]:
        import dataclasses

        from hyperhop.optuna.sampling import suggested

        trials = []
        for t in history.trials:
            mine = suggested(t)
            try:
                params = {
                    k: self.space[k].param.options.index(mine[k][0]) for k in self.space.labels
                }
            except (KeyError, ValueError):
                continue
            trials.append(dataclasses.replace(t, assignment=params))
        out = self.grid.suggest(dataclasses.replace(history, space=self.space, trials=trials))
        # "any": the grid's value goes to whatever suggest_* asks for under that name
        return {k: {"v": self.space[k].param.options[v], "any": True} for k, v in out.items()}


def resolve(sampler: Any, seed: int | None = None) -> DefineByRun:
    """The define-by-run sampler for an Optuna sampler object (None: TPE)."""
    if sampler is None:
        sampler = TPESampler(seed=seed)
    if isinstance(sampler, BaseSampler):
        return sampler.build()
    raise TypeError(
        f"sampler must be one of hyperhop.optuna.samplers' classes (TPESampler, RandomSampler, "
        f"GPSampler, CmaEsSampler, NSGAIISampler, QMCSampler, GridSampler); got {sampler!r}."
    )


__all__ = [
    "BaseSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIISampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
]
