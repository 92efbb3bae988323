"""NSGA-II: the conformance suite, its parts on hand-computed cases, and its behaviour on
multi-objective, constrained and failing problems."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import History, NSGA2Sampler, Sampler
from hyperhop.samplers.nsga2 import constrained_ranks, crowding_distance, survivors
from hyperhop.trial import TrialState
from tests.samplers.conformance import SamplerConformance, mixed_objective, mixed_space


class TestNSGA2(SamplerConformance):
    algo_name = "nsga2"
    n_warmup = 10

    def make(self, seed: int | None) -> Sampler:
        return NSGA2Sampler(seed, population_size=10)


# ---------------------------------------------------------------------------- parts
def test_crowding_distance_by_hand() -> None:
    Y = np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])
    # middle points: (3 - 0) / 4 + (4 - 1) / 4 and (4 - 1) / 4 + (2 - 0) / 4
    assert crowding_distance(Y).tolist() == [math.inf, 1.5, 1.25, math.inf]
    assert crowding_distance(Y[:2]).tolist() == [math.inf, math.inf]
    # a constant objective adds nothing
    assert crowding_distance(np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]))[1] == 1.0


def test_constraint_domination() -> None:
    Y = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [-9.0, -9.0], [-9.0, -9.0]])
    viol = np.array([0.0, 0.0, 0.0, 0.5, 3.0])
    # feasible fronts first (0, 1, 2), then the infeasible by violation
    assert constrained_ranks(Y, viol).tolist() == [0, 1, 2, 3, 4]
    assert constrained_ranks(Y, np.full(5, 1.0)).tolist() == [0, 0, 0, 0, 0]


def test_survivors_keep_whole_fronts_then_the_least_crowded() -> None:
    Y = np.array([[0.0, 3.0], [1.0, 2.0], [2.0, 1.0], [3.0, 0.0], [3.0, 3.0], [1.1, 2.05]])
    idx, ranks, crowd = survivors(Y, np.zeros(6), 5)
    assert sorted(idx.tolist()) == [0, 1, 2, 3, 5]
    assert ranks.tolist() == [0, 0, 0, 0, 1]
    idx, _, _ = survivors(Y, np.zeros(6), 3)
    # the extremes (infinite crowding) and the point of the largest gap
    assert set(idx.tolist()) >= {0, 3}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="population_size"):
        NSGA2Sampler(population_size=1)
    with pytest.raises(ValueError, match="crossover_prob"):
        NSGA2Sampler(crossover_prob=1.5)
    with pytest.raises(ValueError, match="mutation_scale"):
        NSGA2Sampler(mutation_scale=(0.5, 0.1))


# ---------------------------------------------------------------------------- behaviour
def zdt1(cfg: dict[str, Any]) -> tuple[float, float]:
    x = [cfg[f"x{i}"] for i in range(6)]
    g = 1 + 9 * sum(x[1:]) / 5
    return x[0], g * (1 - math.sqrt(x[0] / g))


ZDT_SPACE = {f"x{i}": hh.float(0.0, 1.0) for i in range(6)}


def test_improves_on_random_on_zdt1() -> None:
    hv: dict[str, list[float]] = {"nsga2": [], "random": []}
    for seed in range(3):
        for algo in hv:
            sampler: Any = NSGA2Sampler(seed, population_size=20) if algo == "nsga2" else algo
            study = hh.Study(ZDT_SPACE, directions=["min", "min"], algo=sampler, seed=seed)
            study.optimize(zdt1, n_trials=200, progress=False)
            hv[algo].append(study.hypervolume([1.1, 11.0]))
    assert np.median(hv["nsga2"]) > np.median(hv["random"]), hv


def test_parents_are_completed_feasible_first_and_never_failed() -> None:
    space = hh.Space({"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)})
    sampler = NSGA2Sampler(0, population_size=10)
    study = hh.Study(space, directions=["min", "min"], algo=sampler, seed=0)

    def f(c: dict[str, float]) -> Any:
        if c["x"] > 0.8:
            raise RuntimeError("out of memory")  # a hidden constraint
        return {"values": (c["x"], 1 - c["y"]), "constraints": [c["y"] - 0.7]}

    study.optimize(f, n_trials=80, progress=False, max_consecutive_failures=None)
    trials = study.trials
    history = History(study.space, study.directions, list(trials))
    pop = sampler.population(history)
    assert pop is not None
    assert all(t.state is TrialState.COMPLETE for t in pop.trials)
    assert all(t.config["x"] <= 0.8 for t in pop.trials)
    # constraint-domination: with enough feasible trials, the parents are all feasible
    assert all(t.system_attrs["constraints"][0] <= 0 for t in pop.trials)
    late = [t for t in trials if t.number >= 50]
    early = [t for t in trials if t.number < 10]
    failed = lambda ts: sum(t.state is TrialState.FAILED for t in ts) / len(ts)  # noqa: E731
    assert failed(late) < failed(early) + 0.15
    front = study.pareto_front()
    assert front and all(t.config["y"] <= 0.7 for t in front)


def test_mixed_conditional_space_with_two_objectives() -> None:
    space = mixed_space()
    study = hh.Study(
        space, directions=["min", "max"], algo=NSGA2Sampler(1, population_size=8), seed=1
    )
    study.optimize(lambda c: (mixed_objective(c), c["layers"]), n_trials=40, progress=False)
    for t in study.trials:
        space.validate(t.assignment)
    assert len({tuple(sorted(t.assignment.items())) for t in study.trials}) == 40
    assert {t.assignment["model"] for t in study.trials} == {0, 1}


def test_three_objectives_and_named_results() -> None:
    study = hh.Study(
        {"a": hh.float(0, 1), "b": hh.float(0, 1)},
        directions={"f1": "min", "f2": "min", "f3": "min"},
        algo=NSGA2Sampler(2, population_size=10),
        seed=2,
    )
    study.optimize(
        lambda c: {"f3": c["a"] * c["b"], "f1": c["a"], "f2": 1 - c["b"]},
        n_trials=30,
        progress=False,
    )
    assert len(study.pareto_front()) >= 5
    assert study.hypervolume([2, 2, 2]) > 0
