"""algo='auto': the conformance suite, and the rules that pick a sampler."""

from __future__ import annotations

import logging

import pytest

import hyperhop as hh
from hyperhop.samplers import Sampler
from hyperhop.samplers.anneal import AnnealSampler
from hyperhop.samplers.auto import AutoSampler, choose
from tests.samplers.conformance import SamplerConformance


class TestAuto(SamplerConformance):
    algo_name = "auto"
    n_warmup = 25

    def make(self, seed: int | None) -> Sampler:
        return AutoSampler(seed)


@pytest.mark.parametrize(
    ("template", "n", "expected"),
    [
        ({"x": hh.float(0, 1), "n": hh.int(1, 9)}, 0, "gp"),
        ({"x": hh.float(0, 1), "n": hh.int(1, 9)}, 500, "tpe"),
        ({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, 10, "gp"),
        ({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, 5000, "tpe"),
        ({"m": hh.choice({"C": hh.float(0, 1)}, {"k": hh.int(1, 3)})}, 10, "gp"),
        ({f"c{i}": hh.choice("a", "b") for i in range(20)}, 10, "tpe"),
        ({f"c{i}": hh.choice("a", "b") for i in range(20)}, 5000, "tpe"),
        ({"w": hh.float(0, 1, shape=1000)}, 10, "anneal"),
        ({"c": hh.custom(sample=lambda: 1)}, 10, "anneal"),
        ({f"x{i}": hh.float(0, 1) for i in range(150)}, 10, "anneal"),
        ({f"x{i}": hh.float(0, 1) for i in range(60)}, 10, "tpe"),
    ],
)
def test_choice_rules(template: dict, n: int, expected: str) -> None:
    name, why = choose(hh.Space(template), n)
    assert name == expected and why


def test_small_spaces_end_a_budget_with_local_search() -> None:
    space = hh.Space({"x": hh.float(0, 1), "c": hh.choice("a", "b")})
    names = [choose(space, 80, p)[0] for p in (0.1, 0.69, 0.7, 1.0)]
    assert names == ["gp", "gp", "anneal", "anneal"]
    assert choose(space, 69, 0.9)[0] == "gp"  # a model phase first: at 50, GP to the end
    assert choose(space, 150, None)[0] == "gp" and choose(space, 500, None)[0] == "tpe"
    box = hh.Space({"x": hh.float(-5, 10), "y": hh.float(0, 15)})  # a black-box function
    assert [choose(box, 40, p, 50)[0] for p in (0.1, 0.7, 1.0)] == ["gp", "gp", "gp"]


def test_spaces_of_mostly_integers_end_a_budget_with_trees() -> None:
    # the random forest's space: 3 integers, 1 float, 2 booleans
    forest = {
        "trees": hh.int(4, 24),
        "depth": hh.int(1, 12),
        "features": hh.float(0.05, 1.0),
        "leaf": hh.int(1, 16, log=True),
        "criterion": hh.choice("gini", "entropy"),
        "bootstrap": hh.choice(True, False),
    }
    space = hh.Space(forest)
    assert [choose(space, 80, p)[0] for p in (0.5, 0.7, 1.0)] == ["gp", "cbo", "cbo"]
    assert choose(space, 69, 0.9)[0] == "gp"
    ties = hh.Space({"x": hh.float(0, 1), "n": hh.int(1, 9), "c": hh.choice("a", "b", "c")})
    assert choose(ties, 80, 0.8)[0] == "anneal"  # as many floats as integers


def test_mid_sized_spaces_switch_to_local_search_halfway_through_a_budget() -> None:
    template = {f"x{i}": hh.float(-5, 5) for i in range(20)}
    space = hh.Space(template)
    assert choose(space, 10, 0.2)[0] == "tpe" and choose(space, 60, 0.6)[0] == "anneal"
    assert choose(space, 20, 0.6)[0] == "tpe"
    assert choose(space, 5000, None)[0] == "tpe"  # ask and tell: no budget, no switch
    logs = {f"x{i}": hh.float(1e-3, 1.0, log=True) for i in range(20)}  # not a linear box
    study = hh.Study(logs, algo="auto", seed=0)
    study.optimize(lambda c: sum(v * v for v in c.values()), n_trials=60, progress=False)
    assert isinstance(study.sampler, AutoSampler) and study.sampler.current == "anneal"
    # auto's rules were measured with PyHopper's temperatures, not anneal's own defaults
    local = study.sampler._samplers["anneal"]
    assert isinstance(local, AnnealSampler)
    assert (local.start_temperature, local.end_temperature) == (1.0, 0.2)
    assert AnnealSampler(0).start_temperature == 0.8


def test_constrained_boxes_keep_the_gp() -> None:
    box = {f"x{i}": hh.float(-5, 5) for i in range(6)}
    space = hh.Space(box, constraints=[lambda c: c["x0"] <= c["x1"]])
    assert choose(space, 0, 0.0, 50)[0] == "gp"


@pytest.mark.parametrize(
    ("template", "goal", "expected"),
    [
        ({f"x{i}": hh.float(-5, 5) for i in range(10)}, 100, "cobyla"),
        ({f"x{i}": hh.float(-5, 5) for i in range(10)}, 200, "cobyla"),
        ({f"x{i}": hh.float(-5, 5) for i in range(10)}, 201, "gp"),  # past 20 per parameter
        ({f"x{i}": hh.float(-5, 5) for i in range(10)}, None, "gp"),  # no trial budget
        ({f"x{i}": hh.float(-5, 5) for i in range(4)}, 50, "gp"),  # too few parameters
        ({f"x{i}": hh.float(-5, 5) for i in range(20)}, 60, "cobyla"),
        ({f"x{i}": hh.float(-5, 5) for i in range(20)}, 61, "tpe"),  # past 3 per parameter
        ({f"x{i}": hh.float(-5, 5) for i in range(40)}, 120, "cobyla"),
        ({f"x{i}": hh.float(-5, 5) for i in range(41)}, 100, "tpe"),
        (
            {**{f"x{i}": hh.float(-5, 5) for i in range(9)}, "lr": hh.float(1e-4, 1, log=True)},
            50,
            "gp",
        ),
        ({**{f"x{i}": hh.float(-5, 5) for i in range(9)}, "n": hh.int(1, 9)}, 50, "gp"),
        ({**{f"x{i}": hh.float(-5, 5) for i in range(9)}, "c": hh.choice("a", "b")}, 50, "gp"),
    ],
)
def test_boxes_of_linear_floats_with_a_small_trial_budget_get_cobyla(
    template: dict, goal: int | None, expected: str
) -> None:
    assert choose(hh.Space(template), 0, 0.0 if goal else None, goal)[0] == expected


def test_the_study_tells_auto_its_trial_budget(caplog: pytest.LogCaptureFixture) -> None:
    box = {f"x{i}": hh.float(-5, 5) for i in range(6)}
    study = hh.Study(box, algo="auto", seed=0)
    with caplog.at_level(logging.INFO, logger="hyperhop.samplers"):
        study.optimize(lambda c: sum((v - 1) ** 2 for v in c.values()), n_trials=40, progress=False)
    assert study.sampler.current == "cobyla"
    assert "budget of 40 trials" in caplog.text
    assert study.best_value < 0.01
    asked = hh.Study(box, algo="auto", seed=0)  # ask and tell: no budget, the GP
    t = asked.ask()
    asked.tell(t, 1.0)
    assert asked.sampler.current == "gp"
    first = [t.value for t in study.trials[:30]]
    assert min(t.value for t in study.trials[30:]) <= min(first)  # anneal starts from the best


def test_auto_logs_what_it_picked_and_switches(caplog: pytest.LogCaptureFixture) -> None:
    study = hh.Study({"x": hh.float(0, 1), "c": hh.choice("a", "b")}, algo="auto", seed=0)
    with caplog.at_level(logging.INFO, logger="hyperhop.samplers"):
        study.optimize(lambda c: c["x"], n_trials=3, progress=False)
    assert any(
        "uses 'gp'" in r.getMessage() and "2 parameters" in r.getMessage() for r in caplog.records
    )
    assert isinstance(study.sampler, AutoSampler) and study.sampler.current == "gp"
