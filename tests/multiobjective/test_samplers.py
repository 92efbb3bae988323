"""Every sampler on multi-objective and constrained studies: valid suggestions, a front,
feasible regions favoured, failing regions avoided."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import CBOSampler, GPSampler, History, NSGA2Sampler, TPESampler
from hyperhop.samplers.auto import AutoSampler, choose_multi
from hyperhop.samplers.tpe.columns import compile_plan
from hyperhop.samplers.tpe.observations import TrialTable
from hyperhop.trial import TrialState

SPACE = {"x": hh.float(0.0, 1.0), "y": hh.float(0.0, 1.0)}


def two(cfg: dict[str, float]) -> tuple[float, float]:
    """A convex trade-off (ZDT1 in two variables)."""
    g = 1 + 9 * cfg["y"]
    return cfg["x"], g * (1 - math.sqrt(cfg["x"] / g))


def make(name: str, seed: int) -> Any:
    return {
        "tpe": lambda: TPESampler(seed, n_startup=8),
        "cbo": lambda: CBOSampler(seed, n_initial_points=8),
        "gp": lambda: GPSampler(seed, n_initial_points=8),
        "nsga2": lambda: NSGA2Sampler(seed, population_size=8),
        "random": lambda: "random",
        "auto": lambda: "auto",
    }[name]()


ALL = ["tpe", "cbo", "gp", "nsga2", "random", "auto"]


@pytest.mark.parametrize("name", ALL)
def test_two_objectives_give_a_front(name: str) -> None:
    study = hh.Study(SPACE, directions=["min", "min"], algo=make(name, 0), seed=0)
    study.optimize(two, n_trials=30, progress=False)
    front = study.pareto_front()
    assert len(front) >= 3
    assert study.hypervolume([1.1, 11.0]) > 0
    again = hh.Study(SPACE, directions=["min", "min"], algo=make(name, 0), seed=0)
    again.optimize(two, n_trials=30, progress=False)
    assert [t.params for t in again.trials] == [t.params for t in study.trials]


@pytest.mark.parametrize("name", ["tpe", "cbo", "gp"])
def test_model_based_samplers_beat_random_on_hypervolume(name: str) -> None:
    mine, rand = [], []
    for seed in range(3):
        for algo, out in ((make(name, seed), mine), ("random", rand)):
            study = hh.Study(SPACE, directions=["min", "min"], algo=algo, seed=seed)
            study.optimize(two, n_trials=40, progress=False)
            out.append(study.hypervolume([1.1, 11.0]))
    assert np.median(mine) > np.median(rand), (mine, rand)


@pytest.mark.parametrize("name", ["tpe", "cbo", "gp", "nsga2"])
def test_outcome_constraints_steer_towards_the_feasible_region(name: str) -> None:
    """Feasible only where x + y >= 1.2 (a quarter of the square's corner)."""

    def f(cfg: dict[str, float]) -> dict[str, Any]:
        return {"values": two(cfg), "constraints": [1.2 - cfg["x"] - cfg["y"]]}

    mine, rand = [], []
    for seed in range(2):
        for algo, out in ((make(name, seed), mine), ("random", rand)):
            study = hh.Study(SPACE, directions=["min", "min"], algo=algo, seed=seed)
            study.optimize(f, n_trials=40, progress=False)
            late = [t for t in study.trials if t.number >= 20]
            out.append(np.mean([t.system_attrs["constraints"][0] <= 0 for t in late]))
            assert all(t.config["x"] + t.config["y"] >= 1.2 for t in study.pareto_front())
    assert np.mean(mine) > np.mean(rand), (mine, rand)


@pytest.mark.parametrize("name", ["tpe", "cbo", "gp", "nsga2"])
def test_failing_region_is_avoided(name: str) -> None:
    """Trials with x > 0.6 crash (a hidden constraint)."""

    def f(cfg: dict[str, float]) -> tuple[float, float]:
        if cfg["x"] > 0.6:
            raise MemoryError("out of memory")
        return two(cfg)

    mine, rand = [], []
    for seed in range(2):
        for algo, out in ((make(name, seed), mine), ("random", rand)):
            study = hh.Study(SPACE, directions=["min", "min"], algo=algo, seed=seed)
            study.optimize(f, n_trials=40, progress=False, max_consecutive_failures=None)
            late = [t for t in study.trials if t.number >= 20]
            out.append(np.mean([t.state is TrialState.FAILED for t in late]))
    assert np.mean(mine) < np.mean(rand), (mine, rand)


def test_single_objective_constraints_with_tpe_and_gp() -> None:
    for algo in (TPESampler(1, n_startup=8), GPSampler(1, n_initial_points=8)):
        study = hh.Study({"x": hh.float(-2.0, 2.0)}, algo=algo, seed=1)
        # the unconstrained optimum (x = 0) is infeasible; the best feasible is x = 0.5
        study.optimize(
            lambda c: {"loss": c["x"] ** 2, "constraints": [0.5 - c["x"]]},
            n_trials=30,
            progress=False,
        )
        assert 0.5 <= study.best.config["x"] < 0.8


def test_tpe_losses_hook() -> None:
    study = hh.Study(SPACE, directions=["min", "max"], algo="random", seed=0)
    study.optimize(
        lambda c: {"values": (c["x"], c["y"]), "constraints": [c["x"] - 0.5]}, 20, progress=False
    )
    sampler = TPESampler(0)
    history = History(study.space, study.directions, list(study.trials))
    table = TrialTable(compile_plan(study.space))
    table.update(history)
    loss = sampler.losses(history, table)
    assert loss is not None and loss.shape == (20,)
    feasible = np.array([t.config["x"] <= 0.5 for t in study.trials])
    assert loss[feasible].max() < loss[~feasible].min()  # infeasible trials rank last
    single = hh.Study(SPACE, algo="random", seed=0)
    single.optimize(lambda c: c["x"], 5, progress=False)
    h1 = History(single.space, single.directions, list(single.trials))
    t1 = TrialTable(compile_plan(single.space))
    t1.update(h1)
    assert sampler.losses(h1, t1) is None  # one objective, no constraints: as before


@pytest.mark.parametrize(
    ("template", "n", "expected"),
    [
        ({f"x{i}": hh.float(0, 1) for i in range(30)}, 0, "gp"),
        ({f"x{i}": hh.float(0, 1) for i in range(30)}, 250, "nsga2"),
        ({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, 10, "cbo"),
        ({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, 5000, "nsga2"),
        ({"m": hh.choice({"C": hh.float(0, 1)}, {"k": hh.int(1, 3)})}, 10, "tpe"),
        ({"m": hh.choice({"C": hh.float(0, 1)}, {"k": hh.int(1, 3)})}, 2000, "nsga2"),
        ({"w": hh.float(0, 1, shape=1000)}, 10, "nsga2"),
        ({f"x{i}": hh.float(0, 1) for i in range(150)}, 10, "nsga2"),
        ({f"x{i}": hh.choice("a", "b") for i in range(60)}, 10, "nsga2"),
    ],
)
def test_auto_rules_for_several_objectives(template: dict[str, Any], n: int, expected: str) -> None:
    name, why = choose_multi(hh.Space(template), n)
    assert name == expected and "objectives" in why


def test_auto_switches_by_the_number_of_objectives() -> None:
    sampler = AutoSampler(0)
    study = hh.Study(SPACE, directions=["min", "min"], algo=sampler, seed=0)
    study.optimize(two, n_trials=3, progress=False)
    assert sampler.current == "gp"
    # a conditional space: one objective -> gp (small space), several -> tpe
    conditional = {"m": hh.choice({"C": hh.float(0, 1)}, {"k": hh.int(1, 3)})}
    single = AutoSampler(0)
    hh.Study(conditional, algo=single, seed=0).optimize(lambda c: 1.0, n_trials=2, progress=False)
    assert single.current == "gp"
    multi = AutoSampler(0)
    hh.Study(conditional, directions=["min", "min"], algo=multi, seed=0).optimize(
        lambda c: (1.0, 2.0), n_trials=2, progress=False
    )
    assert multi.current == "tpe"
