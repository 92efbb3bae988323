"""Scrambled Sobol' points (SciPy's quasi-Monte Carlo engine) through the space's encoding."""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from hyperhop.samplers.base import History, SerialSampler
from hyperhop.space import Assignment

MAX_DIM = 21201
"""The most dimensions SciPy's Sobol' engine supports."""


class SobolSampler(SerialSampler):
    """Quasi-random search: the k-th trial gets the k-th point of a scrambled, seeded
    Sobol' sequence in the unit cube, decoded by the space (log scales, integers, choices
    and inactive branches included). The index is the number of trials so far, so a
    resumed study continues the sequence. Custom parameters, which have no unit-cube
    encoding, are drawn from their prior; a point that breaks the space's constraints is
    replaced by a random draw that satisfies them.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1), "y": hh.float(0, 1)}, algo="sobol", seed=0)
        >>> _ = study.optimize(lambda c: c["x"] + c["y"], n_trials=8, progress=False)
        >>> xs = sorted(t.config["x"] for t in study.trials)
        >>> all(k / 8 <= x < (k + 1) / 8 for k, x in enumerate(xs))  # one point per eighth
        True
    """

    name = "sobol"
    resume_deterministic = True

    def __init__(self, seed: int | None = None, *, scramble: bool = True) -> None:
        super().__init__(seed)
        self.scramble = bool(scramble)
        self._engine: qmc.Sobol | None = None

    def __repr__(self) -> str:
        return f"SobolSampler(seed={self.seed!r}, scramble={self.scramble!r})"

    def point(self, d: int, index: int) -> np.ndarray:
        """The ``index``-th point of the ``d``-dimensional sequence."""
        e = self._engine
        if e is None or e.d != d:
            gen = np.random.default_rng(self._entropy)
            try:
                e = qmc.Sobol(d, scramble=self.scramble, rng=gen)
            except TypeError:  # SciPy < 1.15 calls it seed
                e = qmc.Sobol(d, scramble=self.scramble, seed=gen)
            self._engine = e
        if index < e.num_generated:
            e.reset()
        if index > e.num_generated:
            e.fast_forward(index - e.num_generated)
        return np.asarray(e.random(1)[0], dtype=float)

    def _suggest(self, history: History) -> Assignment:
        space = history.space
        rng = self.rng_for(history.n)
        if space.dim == 0 or space.dim > MAX_DIM:
            return space.sample_assignment(rng)
        a = space.decode(self.point(space.dim, history.n), rng)
        return a if space.is_feasible(a) else space.sample_assignment(rng)
