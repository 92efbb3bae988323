"""Custom parameter types: hh.custom with every supported arity, and Parameter subclasses,
in random sampling and local search."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import hyperhop as hh

from .helpers import assert_discrete

calls: list[tuple[Any, ...]] = []


def sample0() -> int:
    return 7


def sample1(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 10))


def mutate1(value: int) -> int:
    calls.append((value,))
    return value + 100


def mutate2(value: int, temperature: float) -> int:
    calls.append((value, temperature))
    return value + 100


def mutate3(value: int, temperature: float, rng: np.random.Generator) -> int:
    calls.append((value, temperature, rng))
    return value + 100 + int(rng.integers(0, 2))


def mutate_varargs(*args: Any) -> int:
    calls.append(args)
    return args[0] + 100


@pytest.mark.parametrize("sample", [sample0, sample1], ids=["0-arg", "1-arg"])
@pytest.mark.parametrize(
    ("mutate", "n_args"),
    [(mutate1, 1), (mutate2, 2), (mutate3, 3), (mutate_varargs, 3)],
    ids=["1-arg", "2-arg", "3-arg", "varargs"],
)
def test_custom_in_sample_and_perturb(sample: Any, mutate: Any, n_args: int) -> None:
    space = hh.Space({"c": hh.custom(sample, mutate), "f": hh.float(0, 1)})
    assert space["c"].param.kind == "custom"
    assert space["c"].columns.stop == space["c"].columns.start
    rng = np.random.default_rng(0)
    a = space.sample_assignment(rng)
    assert 0 <= a["c"] < 10
    calls.clear()
    for _ in range(20):
        b = space.perturb(a, 0.5, rng)  # one of the two parameters moves
        assert b["c"] == a["c"] or b["c"] >= 100
    assert calls, "mutate was never called"
    for args in calls:
        assert len(args) == n_args and args[0] == a["c"]
        if n_args >= 2:
            assert args[1] == 0.5
        if n_args == 3:
            assert isinstance(args[2], np.random.Generator)
    assert hh.sample({"c": hh.custom(sample, mutate)}, seed=1)["c"] < 10


def test_temperature_one_draws_a_fresh_custom_value() -> None:
    """With a sampling function, temperature 1 is a fresh sample, as for every other type
    (it used to call mutate, which knows nothing of temperature)."""
    space = hh.Space({"c": hh.custom(sample1, mutate1)})
    rng = np.random.default_rng(1)
    moved = [space.perturb({"c": 3}, 1.0, rng)["c"] for _ in range(5000)]
    assert_discrete(moved, {k: 0.1 for k in range(10)})


def test_custom_with_only_init_mutates_from_it() -> None:
    p = hh.custom(init=[1, 2], mutate=lambda v: [*v, len(v) + 1])
    space = hh.Space({"c": p})
    a = space.sample_assignment(seed=0)
    assert a == {"c": [1, 2]}
    a["c"].append(99)
    assert space.sample_assignment(seed=0) == {"c": [1, 2]}, "init is copied, never shared"
    assert space.perturb({"c": [1, 2]}, 0.2, 0) == {"c": [1, 2, 3]}
    assert space.perturb({"c": [1, 2]}, 1.0, 0) == {"c": [1, 2, 3]}
    assert space.default() == {"c": [1, 2]}


def test_custom_without_mutate_resamples() -> None:
    space = hh.Space({"c": hh.custom(sample1)})
    rng = np.random.default_rng(2)
    values = {space.perturb({"c": 3}, 0.1, rng)["c"] for _ in range(300)}
    assert values == set(range(10))


def test_custom_parameters_take_no_encoding_column() -> None:
    space = hh.Space({"c": hh.custom(sample1, mutate1), "f": hh.float(0, 1)})
    assert space.dim == 1
    a = space.sample_assignment(seed=3)
    x, mask = space.encode(a)
    assert x.shape == (1,) and mask.all()
    assert space.decode(x, fill={"c": 5})["c"] == 5
    assert 0 <= space.decode(x, rng=4)["c"] < 10


class Odd(hh.Parameter):
    """Odd numbers in [1, 99]; moves by 2 per step, more when hot."""

    def sample(self, rng: np.random.Generator) -> int:
        return int(rng.integers(0, 50)) * 2 + 1

    def mutate(self, value: int, temperature: float, rng: np.random.Generator) -> int:
        if temperature >= 1.0:
            return self.sample(rng)
        step = 2 * max(1, int(temperature * 10))
        return min(max(value + step * int(rng.choice((-1, 1))), 1), 99)

    def contains(self, value: Any) -> bool:
        return isinstance(value, int) and value % 2 == 1 and 1 <= value <= 99


def test_parameter_subclass() -> None:
    space = hh.Space({"n": Odd(), "m": hh.choice({"k": Odd()}, "none")})
    assert set(space.labels) == {"n", "m", "m.k"}
    rng = np.random.default_rng(5)
    for _ in range(100):
        a = space.sample_assignment(rng)
        space.validate(a)
        b = space.perturb(a, 0.05, rng)
        space.validate(b)
        if b["n"] != a["n"]:
            assert abs(b["n"] - a["n"]) == 2
    with pytest.raises(hh.InvalidAssignmentError):
        space.validate({"n": 4, "m": 1})
    assert space.from_config({"n": 3, "m": {"k": 5}}) == {"n": 3, "m": 0, "m.k": 5}
    assert hh.Space({"a": Odd(), "b": Odd()}).labels == ("a", "b")
    assert repr(Odd()).startswith("custom(")
    with pytest.raises(NotImplementedError):
        Odd().encode(3)


def test_parameter_subclass_with_a_label() -> None:
    p = Odd()
    p.label = "odd"
    space = hh.Space({"x": p})
    assert space.labels == ("odd",)
