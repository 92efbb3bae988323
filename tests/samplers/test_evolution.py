"""Regularized evolution passes the conformance suite; its tournament and mutation."""

from __future__ import annotations

import pytest

import hyperhop as hh
from hyperhop.samplers import Sampler
from hyperhop.samplers.base import History
from hyperhop.samplers.evolution import EvolutionSampler
from tests.samplers.conformance import SamplerConformance


class TestEvolution(SamplerConformance):
    algo_name = None
    n_warmup = 10

    def make(self, seed: int | None) -> Sampler:
        return EvolutionSampler(seed, population_size=10, sample_size=3)


def test_a_child_differs_from_its_parent_in_one_parameter_and_its_children() -> None:
    space = hh.Space(
        {
            "a": hh.float(0, 1),
            "b": hh.float(0, 1),
            "m": hh.choice({"k": "svm", "C": hh.float(0.1, 1.0)}, {"k": "tree"}),
        }
    )
    study = hh.Study(space, algo=EvolutionSampler(0, population_size=5, sample_size=5))
    study.optimize(lambda c: c["a"] + c["b"], n_trials=5, progress=False)
    best = study.best.assignment
    sampler = EvolutionSampler(1, population_size=5, sample_size=5)
    for i in range(20):
        sampler = EvolutionSampler(i, population_size=5, sample_size=5)
        child = sampler.suggest(History(space, ("min",), study.trials))
        space.validate(child)
        changed = {k for k in set(best) | set(child) if best.get(k) != child.get(k)}
        top = changed - {"m.C"}
        assert len(top) <= 1, (best, child)


def test_bad_sizes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="population_size"):
        EvolutionSampler(population_size=0)
    with pytest.raises(ValueError, match="sample_size"):
        EvolutionSampler(population_size=5, sample_size=6)
