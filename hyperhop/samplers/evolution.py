"""Regularized evolution (DeepHyper's ``RegularizedEvolution``, after Real et al., 2019):
random samples until a population exists, then a tournament among the latest trials and a
mutation of its winner."""

from __future__ import annotations

from hyperhop.exceptions import InfeasibleSpaceError
from hyperhop.samplers.base import History, Sampler
from hyperhop.space import Assignment
from hyperhop.trial import TrialState


class EvolutionSampler(Sampler):
    """Aging evolution: the population is the ``population_size`` latest completed trials;
    each suggestion takes ``sample_size`` of them at random, and the best of those, with one
    of its active parameters drawn again from the prior (parameters that a new choice makes
    active are sampled, ones it makes inactive dropped), is the child. Random samples until
    the population is full. Several objectives: the first one ranks.

    Example:
        >>> import hyperhop as hh
        >>> study = hh.Study({"x": hh.float(-2, 2), "n": hh.int(0, 9)},
        ...                  algo=EvolutionSampler(0, population_size=10, sample_size=3))
        >>> _ = study.optimize(lambda c: c["x"] ** 2 + c["n"], n_trials=60, progress=False)
        >>> study.best_value < 0.5
        True
    """

    name = "evolution"
    resume_deterministic = True

    def __init__(
        self, seed: int | None = None, *, population_size: int = 100, sample_size: int = 10
    ) -> None:
        super().__init__(seed)
        if not isinstance(population_size, int) or population_size < 1:
            raise ValueError(
                "The 'population_size' parameter of EvolutionSampler must be an int >= 1. "
                f"Got {population_size!r} instead."
            )
        if not isinstance(sample_size, int) or not 1 <= sample_size <= population_size:
            raise ValueError(
                "The 'sample_size' parameter of EvolutionSampler must be an int in "
                f"[1, population_size={population_size}]. Got {sample_size!r} instead."
            )
        self.population_size = population_size
        self.sample_size = sample_size

    def suggest(self, history: History) -> Assignment:
        rng = self.rng_for(history.n)
        space = history.space
        done = [t for t in history.trials if t.state is TrialState.COMPLETE and t.values]
        if len(done) < self.population_size:
            return space.sample_assignment(rng)
        population = done[-self.population_size :]
        picks = rng.choice(len(population), size=self.sample_size, replace=False)
        sign = -1.0 if history.directions[0] == "max" else 1.0
        parent = min((population[int(i)] for i in picks), key=lambda t: sign * t.values[0])  # type: ignore[index]
        active = [s for s in space.params if s.label in parent.assignment]
        for _ in range(20):  # a mutation that breaks a constraint is drawn again
            child = dict(parent.assignment)
            spec = active[int(rng.integers(len(active)))]
            child[spec.label] = spec.param.sample(rng)
            kept: Assignment = {}
            for s in space.params:  # in order: a parent's new value decides its children
                if s.label in child and s.is_active(kept):
                    kept[s.label] = child[s.label]
            if space.is_valid(kept):
                if space.is_feasible(kept):
                    return kept
                continue
            try:
                return space.complete(kept, rng)
            except InfeasibleSpaceError:
                continue
        return space.sample_assignment(rng)
