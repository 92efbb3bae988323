"""hh.repeat: n seeded evaluations of one configuration, prunable between seeds."""

from __future__ import annotations

import statistics

import pytest

import hyperhop as hh
from hyperhop.pruning import QuantilePruner

CALLS: list[tuple[float, int]] = []


def noisy(cfg: dict) -> float:
    CALLS.append((cfg["x"], cfg["seed"]))
    return cfg["x"] + 0.01 * cfg["seed"]


def keyword(cfg: dict, seed: int = -1) -> float:
    return cfg["x"] * 10 + seed


def test_seeds_reach_the_objective_in_the_config_or_as_a_keyword() -> None:
    CALLS.clear()
    assert list(hh.repeat(noisy, n=3)({"x": 1.0})) == pytest.approx([1.0, 1.005, 1.01])
    assert CALLS == [(1.0, 0), (1.0, 1), (1.0, 2)]
    assert list(hh.repeat(keyword, n=2)({"x": 1.0})) == [10.0, 10.5]
    assert list(hh.repeat(keyword, n=2, seeds=[7, 9])({"x": 0.0})) == [7.0, 8.0]
    assert list(hh.repeat(lambda c: 2.0, n=2, seed_key=None)({"x": 0.0})) == [2.0, 2.0]
    cfg = {"x": 0.5}
    list(hh.repeat(noisy, n=2)(cfg))
    assert cfg == {"x": 0.5}  # the caller's config is not modified


def test_reductions_and_yield_after() -> None:
    f = lambda c, seed: [3.0, 1.0, 2.0, 10.0][seed]  # noqa: E731
    assert list(hh.repeat(f, n=4, reduce="median")({})) == [3.0, 2.0, 2.0, 2.5]
    assert list(hh.repeat(f, n=4, reduce=max)({})) == [3.0, 3.0, 3.0, 10.0]
    assert list(hh.repeat(f, n=4, yield_after=2)({})) == [2.0, 4.0]
    # yield_after=None: one plain value (PyHopper's version lost it)
    assert hh.repeat(f, n=4, yield_after=None)({}) == statistics.fmean([3.0, 1.0, 2.0, 10.0])
    study = hh.minimize(
        hh.repeat(f, n=4, yield_after=None),
        {"y": hh.float(0, 1)},
        n_trials=2,
        algo="random",
        progress=False,
    )
    assert study.best_value == 4.0


def test_bad_arguments_and_returns() -> None:
    with pytest.raises(ValueError, match="'n'"):
        hh.repeat(noisy, n=0)
    with pytest.raises(ValueError, match="'reduce'"):
        hh.repeat(noisy, reduce="mode")
    with pytest.raises(ValueError, match="yield_after"):
        hh.repeat(noisy, n=3, yield_after=3)
    with pytest.raises(ValueError, match="seeds"):
        hh.repeat(noisy, n=3, seeds=[1])
    with pytest.raises(TypeError, match="miss a 'return'"):
        list(hh.repeat(lambda c: None, n=2)({}))
    with pytest.raises(TypeError, match="seed_key=None"):
        list(hh.repeat(lambda c: 1.0, n=2)([1, 2]))


def test_a_pruner_abandons_bad_configurations_after_their_first_seeds() -> None:
    CALLS.clear()
    study = hh.Study({"x": hh.float(0, 1)}, pruner=QuantilePruner(0.5, warmup=3), seed=0)
    for x in [0.1, 0.2, 0.3, 0.9, 0.8, 0.05]:
        study.enqueue({"x": x})
    study.optimize(hh.repeat(noisy, n=5), n_trials=6, progress=False)
    states = {t.config["x"]: t.state.name for t in study.trials}
    assert states == {
        0.1: "COMPLETE", 0.2: "COMPLETE", 0.3: "COMPLETE",
        0.9: "PRUNED", 0.8: "PRUNED", 0.05: "COMPLETE",
    }  # fmt: skip
    seeds_of = {x: [s for xx, s in CALLS if xx == x] for x in (0.9, 0.05)}
    assert seeds_of == {0.9: [0], 0.05: [0, 1, 2, 3, 4]}
    pruned = [t for t in study.trials if t.state is hh.TrialState.PRUNED]
    assert all(t.intermediate == {0: t.config["x"]} and t.value == t.config["x"] for t in pruned)
    assert study.best.value == pytest.approx(statistics.fmean(0.05 + 0.01 * s for s in range(5)))
