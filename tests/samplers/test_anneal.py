"""The annealed local search (PyHopper's algorithm)."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.samplers import History, Sampler
from hyperhop.samplers.anneal import AnnealSampler
from hyperhop.samplers.digests import TrialDigests, digest
from hyperhop.samplers.sobol import SobolSampler
from hyperhop.storage import codec
from tests.samplers.conformance import SamplerConformance, key, quadratic, quadratic_space


class TestAnneal(SamplerConformance):
    algo_name = "anneal"
    n_warmup = 25

    def make(self, seed: int | None) -> Sampler:
        return AnnealSampler(seed)


# ---------------------------------------------------------------------------- schedule
def test_temperature_falls_linearly_over_the_budget() -> None:
    s = AnnealSampler(0)
    rng = np.random.default_rng(0)
    # the default schedule, 0.8 to 0.2 (PyHopper's starts at 1.0)
    assert [round(s.temperature(p, rng), 6) for p in (0.0, 0.15, 0.5, 1.0)] == [
        0.8,
        0.71,
        0.5,
        0.2,
    ]
    pyhopper = AnnealSampler(0, start_temperature=1.0)
    assert [round(pyhopper.temperature(p, rng), 6) for p in (0.0, 0.25, 0.625, 1.0)] == [
        1.0,
        0.8,
        0.5,
        0.2,
    ]
    cold = AnnealSampler(0, start_temperature=0.5, end_temperature=0.1)
    assert [round(cold.temperature(p, rng), 6) for p in (0.0, 0.5, 1.0)] == [0.5, 0.3, 0.1]
    free = [s.temperature(None, rng) for _ in range(200)]
    assert 0.2 <= min(free) < 0.3 and 0.7 < max(free) <= 0.8


def test_a_cooler_start_takes_smaller_steps() -> None:
    """The temperature sets how many parameters move and how far: at the start of the
    budget the default (0.8) moves fewer parameters, by less, than PyHopper's 1.0."""
    space = hh.Space({f"x{i}": hh.float(0.0, 1.0) for i in range(10)})
    base = {f"x{i}": 0.5 for i in range(10)}

    def moves(sampler: AnnealSampler) -> tuple[set[int], float]:
        rng = np.random.default_rng(5)
        t = sampler.temperature(0.0, rng)
        steps = [
            np.abs(np.array(list(space.perturb(base, t, rng, may_stay=True).values())) - 0.5)
            for _ in range(300)
        ]
        return {int(np.count_nonzero(d)) for d in steps}, float(np.max(steps))

    cool = moves(AnnealSampler(0))
    hot = moves(AnnealSampler(0, start_temperature=1.0))
    assert cool[0] == {8} and hot[0] == {10}  # round(T x 10) parameters move
    assert cool[1] <= 0.4 < hot[1] <= 0.5  # a step is at most T x half the range


def test_pyhopper_schedule_random_phase_is_the_first_quarter_of_the_budget() -> None:
    space = quadratic_space()
    pyhopper = AnnealSampler(3, seeding="random", seeding_ratio=0.25)
    study = hh.Study(space, algo=pyhopper, seed=3)
    study.optimize(quadratic, n_trials=40, progress=False)
    trials = list(study.trials)
    assert trials[0].assignment == space.default()
    sampler = AnnealSampler(3)
    for t in trials[1:10]:  # progress < 0.25: random draws, as the random sampler's
        assert t.assignment == space.sample_assignment(sampler.rng_for(t.number))
    # afterwards: neighbours of the best so far, never a repeat
    assert len({key(t.assignment) for t in trials}) == 40
    assert study.best_value < min(quadratic(t.config) for t in trials[:10])


def test_default_random_phase_is_15_percent_of_sobol_points() -> None:
    space = quadratic_space(4)
    study = hh.Study(space, algo=AnnealSampler(3), seed=3)
    study.optimize(quadratic, n_trials=40, progress=False)
    trials = list(study.trials)
    assert trials[0].assignment == space.default()
    seeds = trials[1:6]  # progress < 0.15: points 1..5 of a scrambled Sobol' sequence
    sobol = SobolSampler(3)
    for t in seeds:
        assert t.assignment == space.decode(sobol.point(space.dim, t.number))
    # a Sobol' sequence puts one of its first 8 points (0..7) in each eighth of every axis
    # (points 1..5 here: 5 different eighths)
    for label in space.labels:
        unit = [float(space[label].param.encode(t.assignment[label])[0]) for t in seeds]
        assert len({int(u * 8) for u in unit}) == 5
    # then local search: neighbours of the best so far, never a repeat
    assert len({key(t.assignment) for t in trials}) == 40
    assert study.best_value < min(quadratic(t.config) for t in trials[:6])
    # another stream (a parallel worker) gets other points
    other = AnnealSampler(3)
    other.stream = 1
    h = History(space, ("min",), trials[:1], 0.05)
    assert other.suggest(h) != AnnealSampler(3).suggest(h)


def test_sobol_limit_is_scipys() -> None:
    from hyperhop.samplers import anneal, sobol

    assert anneal.SOBOL_MAX_DIM == sobol.MAX_DIM


def test_local_search_redraws_choices_as_pyhopper() -> None:
    # a selected choice keeps its option 1/3 of the time; Space.perturb alone always moves it
    space = hh.Space({"c": hh.choice("a", "b", "c")})
    rng = np.random.default_rng(0)
    kept = [space.perturb({"c": 0}, 0.5, rng, redraw_choices=True)["c"] == 0 for _ in range(3000)]
    assert 0.3 < np.mean(kept) < 0.37
    assert all(space.perturb({"c": 0}, 0.5, rng)["c"] != 0 for _ in range(300))
    ordinal = hh.Space({"c": hh.choice(*range(5), ordinal=True)})
    assert all(
        ordinal.perturb({"c": 2}, 0.5, rng, redraw_choices=True)["c"] != 2 for _ in range(300)
    )


def test_local_search_steps_ints_as_pyhopper(monkeypatch: pytest.MonkeyPatch) -> None:
    # the local phase asks Space.perturb for PyHopper's moves: choices redrawn, and ints
    # that may round back onto their value (measured better on the mixed problem)
    calls: list[dict[str, object]] = []
    original = hh.Space.perturb

    def spy(self: hh.Space, *args: object, **kwargs: object) -> object:
        calls.append(kwargs)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hh.Space, "perturb", spy)
    study = hh.Study(quadratic_space(3), algo=AnnealSampler(0), seed=0)
    study.optimize(quadratic, n_trials=30, progress=False)
    assert calls and all(c == {"redraw_choices": True, "may_stay": True} for c in calls)


def test_without_a_budget_the_random_phase_counts_trials() -> None:
    space = quadratic_space(6)  # n_random = max(10, 2 * 6) = 12
    s = AnnealSampler(1, seeding="random")
    study = hh.Study(space, algo=s, seed=1)
    for _ in range(14):
        t = study.ask()
        study.tell(t, quadratic(t.config))
    trials = list(study.trials)
    for t in trials[1:12]:
        assert t.assignment == space.sample_assignment(s.rng_for(t.number))
    assert AnnealSampler(1, n_random=3).in_random_phase(History(space, ("min",), trials[:2]))


def test_duplicates_raise_the_temperature_by_5_percent_up_to_1() -> None:
    seen: list[float] = []

    def stuck(v: int, t: float, rng: np.random.Generator) -> int:
        seen.append(t)
        return v  # every neighbour is a duplicate

    space = hh.Space({"c": hh.custom(sample=lambda rng: int(rng.integers(0, 10**9)), mutate=stuck)})
    study = hh.Study(space, algo=AnnealSampler(0, n_random=2, start_at_default=False), seed=0)
    for _ in range(4):
        t = study.ask()
        study.tell(t, float(t.assignment["c"]))
    assert len({t.assignment["c"] for t in study.trials}) == 4
    assert seen and all(t < 1.0 for t in seen)
    ratios = [b / a for a, b in zip(seen, seen[1:], strict=False) if b > a]
    assert ratios and np.allclose(ratios, 1.05)


def test_no_duplicates_in_a_small_finite_space() -> None:
    space = hh.Space({"a": hh.choice("x", "y", "z"), "b": hh.int(0, 3), "c": hh.choice(1, 2, 3)})
    study = hh.Study(space, algo=AnnealSampler(2), seed=2)
    study.optimize(lambda c: c["b"] + c["c"], n_trials=30, progress=False)
    assert len({key(t.assignment) for t in study.trials}) == 30


def test_start_from_given_configurations() -> None:
    space = quadratic_space(10)
    starts = [{f"x{i}": 1.0 for i in range(10)}, {"x0": 2.0}]
    study = hh.Study(space, algo=AnnealSampler(4, start_from=starts), seed=4)
    study.optimize(quadratic, n_trials=12, progress=False)
    trials = list(study.trials)
    assert trials[0].assignment == starts[0]
    assert trials[1].assignment["x0"] == 2.0
    best = trials[0].assignment
    # no random phase: the third trial is a neighbour of the best start (at
    # T = 0.8 - 0.6 * 2/12 = 0.7, round(7.0) = 7 of the 10 parameters move)
    assert sum(trials[2].assignment[k] == best[k] for k in best) == 3


def test_start_from_must_be_a_list() -> None:
    with pytest.raises(ValueError, match="start_from"):
        AnnealSampler(0, start_from={"x": 1.0})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seeding_ratio": 1.0},
        {"n_random": -1},
        {"start_temperature": 0.0},
        {"end_temperature": 2},
        {"seeding": "lhs"},
    ],
)
def test_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="AnnealSampler"):
        AnnealSampler(0, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- digests
def test_digest_survives_storage() -> None:
    params = {
        "w": np.arange(6, dtype=np.float64).reshape(2, 3),
        "n": np.arange(3, dtype=np.int64),
        "x": 0.1,
        "k": 3,
        "c": (1, "a", None, {"z": 1.5}),
    }
    assert digest(codec.loads(codec.dumps(params))) == digest(params)
    assert digest({**params, "x": 0.1 + 1e-12}) != digest(params)
    assert digest({"k": 1}) != digest({"k": 1.0}) != digest({"k": True})


def test_best_prefers_the_earliest_of_equal_values() -> None:
    space = hh.Space({"x": hh.float(0, 1)})
    study = hh.Study(space, algo="random", seed=0)
    for v in (3.0, 1.0, 2.0, 1.0):
        study.tell(study.ask(), v)
    d = TrialDigests()
    d.update(list(study.trials))
    assert d.best("min") == 1 and d.best("max") == 0


def test_array_parameter_with_a_million_entries() -> None:
    space = hh.Space({"w": hh.float(-1.0, 1.0, shape=1_000_000), "b": hh.float(0.0, 1.0)})
    study = hh.Study(space, algo=AnnealSampler(0, n_random=2), seed=0)
    for _ in range(5):
        t = study.ask()
        study.tell(t, float(np.mean(t.assignment["w"] ** 2)) + t.assignment["b"])
    trials = list(study.trials)
    assert len({digest(t.assignment) for t in trials}) == 5
    for t in trials:
        space.validate(t.assignment)
