"""The acquisition maximizer: a batch genetic search over the unit-cube encoding.

A first pool mixes uniform samples of the space with mutations of the best observed
points; the best ``pop_size`` distinct points form the population, and each generation
breeds as many children (binary tournaments, uniform crossover, mutation) and keeps the
best distinct points of parents and children. Every pool and every generation is scored
in one vectorized call, so the cost is a few forest predictions on a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hyperhop.samplers.modelspace import ModelSpace

Score = Callable[[np.ndarray], np.ndarray]
"""Latent matrix -> acquisition values (higher is better)."""


@dataclass
class Result:
    """Every distinct point scored, best first: ``Z`` (latent rows) and their scores."""

    Z: np.ndarray
    scores: np.ndarray


@dataclass
class GeneticOptimizer:
    """Maximizes an acquisition over a :class:`ModelSpace`.

    Example:
        >>> import numpy as np, hyperhop as hh
        >>> ms = ModelSpace(hh.Space({"x": hh.float(0, 1), "y": hh.float(0, 1)}))
        >>> best = GeneticOptimizer().maximize(
        ...     lambda Z: -((Z - 0.3) ** 2).sum(axis=1), ms, np.empty((0, 2)),
        ...     np.random.default_rng(0))
        >>> bool(np.abs(best.Z[0] - 0.3).max() < 0.05)
        True
    """

    pop_size: int = 100
    n_generations: int = 10
    n_random: int = 1000
    mutants_per_seed: int = 20
    patience: int = 3

    def maximize(
        self, score: Score, ms: ModelSpace, seeds: np.ndarray, rng: np.random.Generator
    ) -> Result:
        """``seeds``: latent rows to search around (e.g. the best observed points)."""
        parts = [ms.random(self.n_random, rng)]
        if len(seeds):
            parts.append(seeds)
            parts.append(ms.mutate(np.repeat(seeds, self.mutants_per_seed, axis=0), rng))
        Z = np.vstack(parts)
        s = score(Z)
        seen = _Distinct(ms)
        Z, s = seen.add(Z, s)
        all_Z, all_s = [Z], [s]
        order = np.argsort(-s, kind="stable")[: self.pop_size]
        pop, pop_s = Z[order], s[order]
        best, stall = pop_s[0] if len(pop_s) else -np.inf, 0
        for _ in range(self.n_generations):
            if len(pop) < 2:
                break
            children = self._breed(pop, pop_s, ms, rng)
            c, cs = seen.add(children, score(children))
            if len(c):
                all_Z.append(c)
                all_s.append(cs)
                Zm, sm = np.vstack([pop, c]), np.concatenate([pop_s, cs])
                order = np.argsort(-sm, kind="stable")[: self.pop_size]
                pop, pop_s = Zm[order], sm[order]
            if pop_s[0] > best:
                best, stall = pop_s[0], 0
            else:
                stall += 1
                if stall >= self.patience:
                    break
        Za, sa = np.vstack(all_Z), np.concatenate(all_s)
        order = np.argsort(-sa, kind="stable")
        return Result(Za[order], sa[order])

    def _breed(
        self, pop: np.ndarray, pop_s: np.ndarray, ms: ModelSpace, rng: np.random.Generator
    ) -> np.ndarray:
        n = self.pop_size
        a, b = rng.integers(0, len(pop), size=(2, n))
        p1 = np.where(pop_s[a] >= pop_s[b], a, b)
        a, b = rng.integers(0, len(pop), size=(2, n))
        p2 = np.where(pop_s[a] >= pop_s[b], a, b)
        cross = rng.random((n, pop.shape[1])) < 0.5
        cross[rng.random(n) < 0.5] = False  # half the children are plain mutants
        children = np.where(cross, pop[p2], pop[p1])
        return ms.mutate(children, rng)


class _Distinct:
    """Drops rows whose model-matrix key was scored before (and duplicates within a batch)."""

    def __init__(self, ms: ModelSpace) -> None:
        self.ms = ms
        self.keys: set[bytes] = set()

    def add(self, Z: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = np.zeros(len(Z), dtype=bool)
        for i, k in enumerate(self.ms.keys(self.ms.model_matrix(Z))):
            if k not in self.keys:
                self.keys.add(k)
                keep[i] = True
        return Z[keep], s[keep]
