"""NSGA-II: an elitist genetic algorithm for several objectives (Deb et al., 2002).

Generations are read off trial numbers, so the sampler is a pure function of the history:
trials ``0 .. P-1`` are generation 0 (random), ``P .. 2P-1`` generation 1, and so on. The
parents of generation ``g`` are the best ``P`` of every completed trial numbered below
``g * P`` (the usual survival of parents plus offspring, over the whole past), ranked by
constraint-domination and, inside the last front that fits, by crowding distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hyperhop.multiobjective.constraints import violation
from hyperhop.multiobjective.dominance import as_minimization, non_dominated_ranks
from hyperhop.samplers.base import History, SerialSampler
from hyperhop.samplers.digests import TrialDigests, digest
from hyperhop.space import Assignment, Space
from hyperhop.trial import Trial, TrialState

__all__ = ["NSGA2Sampler", "crowding_distance", "survivors"]


def crowding_distance(Y: np.ndarray) -> np.ndarray:
    """The crowding distance of each point of one front (rows: points, minimized): the
    sum over objectives of the normalized gap between its two neighbours; the extremes
    of every objective get infinity.

    Example:
        >>> crowding_distance(np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])).tolist()
        [inf, 1.5, 1.25, inf]
    """
    n, k = Y.shape
    d = np.zeros(n)
    if n <= 2:
        return np.full(n, math.inf)
    for j in range(k):
        order = np.argsort(Y[:, j], kind="stable")
        col = Y[order, j]
        span = col[-1] - col[0]
        d[order[0]] = d[order[-1]] = math.inf
        if not np.isfinite(span) or span <= 0:
            continue
        d[order[1:-1]] += (col[2:] - col[:-2]) / span
    return d


def constrained_ranks(Y: np.ndarray, viol: np.ndarray, n_stop: int | None = None) -> np.ndarray:
    """Fronts under constraint-domination: feasible points by Pareto rank first; then
    infeasible ones, by total violation (less is better).

    Example:
        >>> Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])
        >>> constrained_ranks(Y, np.array([0.0, 0.0, 0.0, 2.0])).tolist()
        [0, 0, 1, 2]
    """
    ranks = np.zeros(len(Y), dtype=np.int64)
    feasible = viol <= 0
    base = 0
    if feasible.any():
        ranks[feasible] = non_dominated_ranks(Y[feasible], n_stop)
        base = int(ranks[feasible].max()) + 1
    if (~feasible).any():
        ranks[~feasible] = base + np.unique(viol[~feasible], return_inverse=True)[1].reshape(-1)
    return ranks


def survivors(
    Y: np.ndarray, viol: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NSGA-II survival: ``size`` rows (whole fronts in rank order, the last one cut by
    crowding distance). Returns their indices, ranks and crowding distances.

    Example:
        >>> Y = np.array([[0.0, 3.0], [1.0, 2.0], [2.0, 1.0], [3.0, 0.0], [3.0, 3.0]])
        >>> survivors(Y, np.zeros(5), 3)[0].tolist()
        [0, 3, 1]
    """
    ranks = constrained_ranks(Y, viol, n_stop=size)
    chosen: list[np.ndarray] = []
    crowd: list[np.ndarray] = []
    left = size
    for r in np.unique(ranks):
        if left <= 0:
            break
        front = np.flatnonzero(ranks == r)
        cd = crowding_distance(Y[front])
        if len(front) > left:
            keep = np.argsort(-cd, kind="stable")[:left]
            front, cd = front[keep], cd[keep]
        chosen.append(front)
        crowd.append(cd)
        left -= len(front)
    idx = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    cds = np.concatenate(crowd) if crowd else np.zeros(0)
    return idx, ranks[idx], cds


@dataclass
class _Population:
    key: tuple[int, int, int]
    trials: list[Trial]
    ranks: np.ndarray
    crowding: np.ndarray


class NSGA2Sampler(SerialSampler):
    """NSGA-II for one or more objectives, on any space.

    The first ``population_size`` trials are random. Every later trial is a child of two
    parents, each the winner of a binary tournament (lower front, then larger crowding
    distance) in the current parent population: a uniform crossover of their flat
    assignments (each parameter from either parent; a parameter that only one parent has
    comes from it; one that becomes active with neither comes from the prior, so
    conditional spaces stay valid), then a mutation of each parameter with probability
    ``mutation_prob`` (default ``1 / active parameters``) by the parameter's own move (as
    ``space.perturb`` makes them), with a step scale drawn log-uniformly from
    ``mutation_scale``.

    Outcome constraints are handled by constraint-domination: feasible trials first, then
    the least violating. Failed and pruned trials are never parents (they count as
    dominated by everything), and no child repeats a trial already tried or running.
    Explicit constraints of the space are checked on every child.

    Args:
        seed: makes the suggestions reproducible.
        population_size: the parent population, and the length of one generation.
        crossover_prob: the probability that a child mixes two parents (else it copies one).
        swapping_prob: in a crossover, the probability that a parameter comes from the
            second parent.
        mutation_prob: the probability that a parameter mutates (None: 1 / active parameters).
        mutation_scale: the range of the step scale (the ``temperature`` of the
            parameters' moves), drawn log-uniformly per mutation.
        max_retries: children drawn when one repeats a trial, before a random sample.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(0, 1)}, directions=["min", "min"],
        ...                  algo=NSGA2Sampler(seed=0, population_size=10))
        >>> _ = study.optimize(lambda c: (c["x"], (1 - c["x"]) ** 2), n_trials=30, progress=False)
        >>> len(study.pareto_front()) >= 10
        True
    """

    name = "nsga2"
    resume_deterministic = True

    def __init__(
        self,
        seed: int | None = None,
        *,
        population_size: int = 50,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        mutation_prob: float | None = None,
        mutation_scale: tuple[float, float] = (0.02, 0.5),
        max_retries: int = 30,
    ) -> None:
        super().__init__(seed)
        if (
            isinstance(population_size, bool)
            or not isinstance(population_size, int)
            or population_size < 2
        ):
            raise ValueError(
                f"The 'population_size' parameter of NSGA2Sampler must be an int >= 2. Got {population_size!r} instead."
            )
        for name, p in (("crossover_prob", crossover_prob), ("swapping_prob", swapping_prob)):
            if not (isinstance(p, (int, float)) and 0.0 <= p <= 1.0):
                raise ValueError(
                    f"The '{name}' parameter of NSGA2Sampler must be in [0, 1]. Got {p!r} instead."
                )
        if mutation_prob is not None and not (
            isinstance(mutation_prob, (int, float)) and 0.0 <= mutation_prob <= 1.0
        ):
            raise ValueError(
                "The 'mutation_prob' parameter of NSGA2Sampler must be in [0, 1] or None. "
                f"Got {mutation_prob!r} instead."
            )
        lo, hi = mutation_scale
        if not 0.0 < lo <= hi <= 1.0:
            raise ValueError(
                "The 'mutation_scale' parameter of NSGA2Sampler must be (low, high) with "
                f"0 < low <= high <= 1. Got {mutation_scale!r} instead."
            )
        self.population_size = population_size
        self.crossover_prob = float(crossover_prob)
        self.swapping_prob = float(swapping_prob)
        self.mutation_prob = None if mutation_prob is None else float(mutation_prob)
        self.mutation_scale = (float(lo), float(hi))
        self.max_retries = int(max_retries)
        self._digests = TrialDigests()
        self._population: _Population | None = None

    def __repr__(self) -> str:
        return f"NSGA2Sampler(seed={self.seed!r}, population_size={self.population_size})"

    # ------------------------------------------------------------------ suggest
    def _suggest(self, history: History) -> Assignment:
        space = history.space
        rng = self.rng_for(history.n)
        self._digests.update(history.trials)
        seen = self._digests.seen
        pop = self.population(history)
        if pop is None:
            return self._fresh_sample(space, rng, seen)
        for _ in range(self.max_retries):
            a = pop.trials[self._tournament(pop, rng)].assignment
            if rng.random() < self.crossover_prob:
                b = pop.trials[self._tournament(pop, rng)].assignment
            else:
                b = a
            child = self._child(space, a, b, rng)
            if digest(child) not in seen and space.is_feasible(child):
                return child
        return self._fresh_sample(space, rng, seen)

    def population(self, history: History) -> _Population | None:
        """The parents of the current generation (None in the first, random one)."""
        size = self.population_size
        g = history.n // size
        if g == 0:
            return None
        cutoff = g * size
        k = len(history.directions)
        cands = [
            t
            for t in history.trials[:cutoff]
            if t.state is TrialState.COMPLETE and t.values is not None and len(t.values) == k
        ]
        if not cands:
            return None
        key = (g, len(cands), id(history.space))
        if self._population is not None and self._population.key == key:
            return self._population
        Y = as_minimization([t.values or () for t in cands], history.directions)
        Y = np.where(np.isnan(Y), np.inf, Y)
        viol = np.array([violation(t) for t in cands])
        idx, ranks, crowd = survivors(Y, viol, size)
        self._population = _Population(key, [cands[i] for i in idx], ranks, crowd)
        return self._population

    def _tournament(self, pop: _Population, rng: np.random.Generator) -> int:
        n = len(pop.trials)
        i, j = (int(v) for v in rng.integers(0, n, size=2))
        if pop.ranks[i] != pop.ranks[j]:
            return i if pop.ranks[i] < pop.ranks[j] else j
        return i if pop.crowding[i] >= pop.crowding[j] else j

    def _child(
        self,
        space: Space,
        a: dict[str, Any],
        b: dict[str, Any],
        rng: np.random.Generator,
    ) -> Assignment:
        """Uniform crossover of ``a`` and ``b`` and mutation, in one walk of the space so
        that every parameter is set only where it is active."""
        pm = self.mutation_prob if self.mutation_prob is not None else 1.0 / max(len(a), 1)
        lo, hi = self.mutation_scale
        swap = self.swapping_prob if b is not a else 0.0
        out: Assignment = {}
        for spec in space.params:
            if spec.conditions and not spec.is_active(out):
                continue
            label = spec.label
            in_a, in_b = label in a, label in b
            if in_a and in_b:
                v = b[label] if rng.random() < swap else a[label]
            elif in_a or in_b:
                v = a[label] if in_a else b[label]
            else:
                out[label] = spec.param.sample(rng)
                continue
            if rng.random() < pm:
                t = math.exp(rng.uniform(math.log(lo), math.log(hi)))
                v = spec.param.mutate(v, t, rng)
            out[label] = v
        return out

    def _fresh_sample(self, space: Space, rng: np.random.Generator, seen: set[bytes]) -> Assignment:
        a = space.sample_assignment(rng)
        for _ in range(self.max_retries):
            if digest(a) not in seen:
                break
            a = space.sample_assignment(rng)
        return a
