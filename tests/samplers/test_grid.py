"""Grid search: the conformance suite, exact coverage, conditional spaces, clear errors."""

from __future__ import annotations

import itertools

import pytest

import hyperhop as hh
from hyperhop.exceptions import InvalidSpaceError
from hyperhop.samplers import GridExhaustedError, GridSampler, Sampler
from hyperhop.samplers.grid import param_values
from tests.samplers.conformance import SamplerConformance, key


class TestGrid(SamplerConformance):
    algo_name = "grid"
    seeded = True
    adaptive = False

    def make(self, seed: int | None) -> Sampler:
        # shuffled, so that 45 trials reach both branches of a deep conditional space
        return GridSampler(seed, resolution=9, shuffle=True)

    def test_custom_parameter_types(self) -> None:
        # the custom parameter is not enumerated: the grid is the 9 values of x
        from tests.samplers.conformance import custom_space

        space = custom_space()
        s = self.run(self.study(space, seed=5), lambda c: c["x"] ** 2 + c["odd"] / 100, 9)
        self.assert_valid(space, list(s.trials))
        assert len({t.assignment["x"] for t in s.trials}) == 9

    def test_registered_name(self) -> None:
        s = hh.samplers.make_sampler("grid", hh.Space({"a": hh.choice(1, 2)}), 0)
        assert isinstance(s, GridSampler)


def _run(space: hh.Space, n: int, **kwargs: object) -> list[dict[str, object]]:
    study = hh.Study(space, algo=GridSampler(0, **kwargs), seed=0)  # type: ignore[arg-type]
    study.optimize(lambda c: 0.0, n_trials=n, progress=False)
    return [t.assignment for t in study.trials]


def test_covers_exactly_the_product_in_order() -> None:
    space = hh.Space({"a": hh.choice("x", "y", "z"), "b": hh.int(1, 4), "c": hh.randint(2)})
    got = _run(space, 24)
    want = [
        {"a": a, "b": b, "c": c} for a, b, c in itertools.product(range(3), range(1, 5), range(2))
    ]
    assert got == want


def test_resolution_for_continuous_parameters() -> None:
    space = hh.Space({"x": hh.float(0.0, 1.0), "lr": hh.float(1e-4, 1e-1, log=True)})
    got = _run(space, 16, resolution=4)
    assert sorted({p["x"] for p in got}) == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    assert sorted({p["lr"] for p in got}) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1])
    assert len({key(p) for p in got}) == 16


def test_values_of_each_kind() -> None:
    def values(p: object, r: int | None = None) -> list[object]:
        return param_values(hh.Space({"p": p})["p"], r)

    assert values(hh.int(16, 512, power_of=2)) == [16, 32, 64, 128, 256, 512]
    assert values(hh.int(0, 100), 3) == [0, 50, 100]
    assert values(hh.float(0.0, 1.0, q=0.25)) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert values(hh.quniform(1, 10, 4)) == [0.0, 4.0, 8.0]
    assert values(hh.int(1, 1000, log=True), 4) == [1, 10, 100, 1000]
    assert values(hh.normal(0.0, 1.0), 3) == pytest.approx([-0.9674, 0.0, 0.9674], abs=1e-3)
    assert values(hh.choice("a", "b", "c")) == [0, 1, 2]


def test_conditional_spaces_enumerate_active_combinations_only() -> None:
    space = hh.Space(
        {
            "m": hh.choice(
                {"kind": "svm", "k": hh.choice("rbf", "poly")},
                {"kind": "tree", "depth": hh.int(1, 3)},
                "none",
            ),
            "o": hh.choice(0, 1),
        }
    )
    got = _run(space, 12)
    assert len(got) == len({key(p) for p in got}) == 12  # (2 + 3 + 1) * 2
    for p in got:
        space.validate(p)
    study = hh.Study(space, algo=GridSampler(0), seed=0)
    study.optimize(lambda c: 0.0, n_trials=12, progress=False)
    with pytest.raises(GridExhaustedError, match="All 12 points"):
        study.ask()


def test_skips_tried_running_and_infeasible_points() -> None:
    space = hh.Space(
        {"a": hh.int(0, 3), "b": hh.int(0, 3)}, constraints=[lambda c: c["a"] <= c["b"]]
    )
    study = hh.Study(space, algo=GridSampler(0), seed=0)
    study.enqueue({"a": 0, "b": 1})
    first = study.ask()  # the queued point
    running = study.ask()  # the grid's first point, left running
    study.tell(first, 0.0)
    rest = []
    while True:
        try:
            t = study.ask()
        except GridExhaustedError:
            break
        rest.append(t.assignment)
        study.tell(t, 0.0)
    assert running.assignment == {"a": 0, "b": 0}
    pts = [first.assignment, running.assignment, *rest]
    assert len(pts) == len({key(p) for p in pts}) == 10  # a <= b on a 4 x 4 grid
    assert all(p["a"] <= p["b"] for p in pts)


def test_random_access_matches_enumeration() -> None:
    from tests.samplers.conformance import mixed_space

    space = mixed_space()
    g = GridSampler(0, resolution=2)
    g._prepare(space)
    pts = [g.point(i) for i in range(g._size)]
    assert g.point(g._size) is None
    assert (
        len({key(p) for p in pts if p is not None})
        == g._size
        == 2 * 2 * 2 * 2 * 3 * (2 * 4 + 2 * 3)
    )
    for p in pts[:: max(1, g._size // 50)]:
        assert p is not None
        space.validate(p)
    g2 = GridSampler(3, resolution=2, shuffle=True)
    g2._prepare(space)
    shuffled = [key(g2.point(i) or {}) for i in range(g2._size)]
    assert sorted(shuffled) == sorted(key(p or {}) for p in pts) and shuffled != [
        key(p or {}) for p in pts
    ]


def test_resumes_where_it_stopped() -> None:
    storage = hh.storage.MemoryStorage()
    space = hh.Space({"a": hh.int(0, 9)})
    s1 = hh.Study(space, storage=storage, name="g", algo=GridSampler(0), seed=0)
    s1.optimize(lambda c: 0.0, n_trials=4, progress=False)
    s2 = hh.Study(space, storage=storage, name="g", algo=GridSampler(0), seed=0)
    s2.optimize(lambda c: 0.0, n_trials=10, progress=False)
    assert [t.assignment["a"] for t in s2.trials] == list(range(10))


@pytest.mark.parametrize(
    ("space", "match"),
    [
        ({"x": hh.float(0, 1)}, "needs a resolution"),
        ({"x": hh.normal(0, 1)}, "needs a resolution"),
    ],
)
def test_spaces_that_are_not_finite(space: dict[str, object], match: str) -> None:
    study = hh.Study(space, algo=GridSampler(0), seed=0)
    with pytest.raises(InvalidSpaceError, match=match):
        study.ask()


def test_custom_and_array_parameters_are_drawn_at_each_point() -> None:
    space = hh.Space(
        {"a": hh.choice(1, 2, 3), "w": hh.float(0, 1, shape=3), "c": hh.custom(sample=lambda: 7)}
    )
    got = _run(space, 3)
    assert [p["a"] for p in got] == [0, 1, 2] and all(p["c"] == 7 for p in got)
    for p in got:
        space.validate(p)


def test_too_large_a_grid() -> None:
    space = hh.Space({f"x{i}": hh.int(0, 99) for i in range(4)})
    with pytest.raises(InvalidSpaceError, match="100,000,000 points"):
        hh.Study(space, algo=GridSampler(0), seed=0).ask()


def test_bad_resolution() -> None:
    with pytest.raises(ValueError, match="resolution"):
        GridSampler(0, resolution=0)


def test_optimize_stops_cleanly_when_the_grid_is_exhausted() -> None:
    study = hh.Study({"a": hh.choice(1, 2, 3), "b": hh.int(0, 1)}, algo="grid")
    study.optimize(lambda c: c["a"] + c["b"], n_trials=100, progress=False)
    assert len(study.trials) == 6 and study.best.value == 1
    with pytest.raises(hh.exceptions.SearchExhaustedError):
        study.ask()
