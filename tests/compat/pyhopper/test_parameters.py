"""PyHopper's parameter constructors (hyperhop/pyhopper/parameters.py)."""

from __future__ import annotations

import numpy as np
import pytest

from hyperhop import pyhopper


def values(template: dict, n: int = 40) -> list[dict]:
    """Configs of a short search (seeding and local phases) on a constant objective."""
    seen: list[dict] = []
    search = pyhopper.Search(template)
    search.run(lambda p: seen.append(p) or 0.0, "max", steps=n, quiet=True, seed=1)
    return seen


@pytest.mark.parametrize(
    "bad", [lambda: pyhopper.float(-1), lambda: pyhopper.int(-5), lambda: pyhopper.int(0)]
)
def test_a_single_bound_is_a_positive_upper_bound(bad) -> None:
    with pytest.raises(ValueError, match="upper bound above 0"):
        bad()


def test_single_and_swapped_bounds() -> None:
    assert (pyhopper.float(2).low, pyhopper.float(2).high) == (0.0, 2.0)
    assert (pyhopper.int(10, -10).low, pyhopper.int(10, -10).high) == (-10, 10)
    for cfg in values({"i": pyhopper.int(10), "f": pyhopper.float(1, -1)}):
        assert 0 <= cfg["i"] <= 10 and isinstance(cfg["i"], int)
        assert -1 <= cfg["f"] <= 1


def test_initial_values_follow_pyhopper() -> None:
    assert pyhopper.float(0, 10).initial_value == 5.0
    assert abs(pyhopper.float(1e-4, 1, log=True).initial_value - 0.01) < 1e-12
    assert pyhopper.int(8, 64, power_of=2).initial_value == 16
    assert pyhopper.float().initial_value == 0.0
    assert pyhopper.float(init=0.3).initial_value == 0.3
    assert pyhopper.choice("a", "b", "c").initial_value == "a"
    assert pyhopper.choice("a", "b", "c", is_ordinal=True).initial_value == "b"
    assert pyhopper.choice("a", "b", "c", init_index=2).initial_value == "c"
    assert pyhopper.choice([1, 2, 3]).options == (1, 2, 3)


def test_bool_starts_at_its_init() -> None:
    # PyHopper's bool(True) started at False (init passed as an index): fixed
    assert pyhopper.bool(True).initial_value is True
    assert pyhopper.bool(False).initial_value is False
    assert pyhopper.bool().initial_value is True


def test_init_is_evaluated_first_even_outside_the_bounds() -> None:
    seen = values({"lr": pyhopper.float(1e-5, 1e-3, init=0.005)}, n=5)
    assert seen[0]["lr"] == 0.005
    assert all(1e-5 <= c["lr"] <= 1e-3 for c in seen[1:])


def test_unbounded_float_moves_around_zero() -> None:
    xs = [c["x"] for c in values({"x": pyhopper.float()}, n=60)]
    assert xs[0] == 0.0 and len(set(xs)) > 30 and max(abs(x) for x in xs) < 10


def test_power_of_and_multiple_of() -> None:
    for cfg in values(
        {"p": pyhopper.int(8, 64, power_of=2), "m": pyhopper.int(5, 50, multiple_of=5)}
    ):
        assert cfg["p"] in (8, 16, 32, 64) and cfg["m"] % 5 == 0
    with pytest.raises(ValueError, match="power_of"):
        pyhopper.int(1, 100, power_of=3)


def test_arrays_shapes_and_array_bounds() -> None:
    template = {
        "a": pyhopper.int(8, 1024, shape=4, power_of=2),
        "f": pyhopper.float(0.05, 50, shape=(2, 3), log=True),
        "b": pyhopper.float(np.zeros(3), np.array([1.0, 2.0, 3.0])),
        "z": pyhopper.int(init=np.zeros(5), multiple_of=8),
    }
    for cfg in values(template, n=20):
        assert cfg["a"].dtype == np.int64 and cfg["a"].shape == (4,)
        assert np.all(np.log2(cfg["a"]) % 1 == 0)
        assert cfg["f"].shape == (2, 3) and np.all((cfg["f"] >= 0.05) & (cfg["f"] <= 50))
        assert np.all(cfg["b"] >= 0) and np.all(cfg["b"] <= [1, 2, 3])
        assert cfg["z"].shape == (5,) and np.all(cfg["z"] % 8 == 0)
    with pytest.raises(NotImplementedError):
        pyhopper.float(0, 1, precision=2, shape=3)


def test_fmt_is_log_and_precision() -> None:
    p = pyhopper.float(1e-5, 1e-2, ":0.1g")
    assert p.log and p.precision == 1
    for cfg in values({"g": p, "f": pyhopper.float(1, 10, "0.1f")}):
        assert len(f"{cfg['g']:.0e}") <= 5 and round(cfg["f"], 1) == cfg["f"]
    with pytest.raises(ValueError, match="fmt alone"):
        pyhopper.float(1e-5, 1e-2, "0.1g", log=True)


def test_seeding_and_mutation_functions() -> None:
    calls: list[str] = []

    def seed() -> float:
        calls.append("seed")
        return 0.5

    def mutate(value: float, temperature: float) -> float:
        calls.append("mutate")
        assert 0 <= temperature <= 1
        return value + 1.0

    seen = values({"x": pyhopper.float(0, 1, seeding_fn=seed, mutation_fn=mutate)}, n=20)
    assert "seed" in calls and "mutate" in calls
    assert any(c["x"] > 1 for c in seen)  # your functions decide, the bounds do not


def test_choice_functions_work_on_indices() -> None:
    template = {
        "c": pyhopper.choice("a", "b", "c", seeding_fn=lambda: 2, mutation_fn=lambda i: (i + 1) % 3)
    }
    assert {c["c"] for c in values(template, n=20)} <= {"a", "b", "c"}


def test_custom_needs_init_or_seeding() -> None:
    with pytest.raises(ValueError, match="init"):
        pyhopper.custom()
    seen = values(
        {"w": pyhopper.custom(init=[1, 2], mutation_fn=lambda v: [x + 1 for x in v])}, n=10
    )
    assert seen[0]["w"] == [1, 2] and any(c["w"] != [1, 2] for c in seen)


def test_your_own_parameter_class() -> None:
    class Odd(pyhopper.Parameter):
        initial_value = 1

        def sample(self) -> int:
            return 7

        def mutate(self, value: int, temperature: float) -> int:
            return value + 2

    seen = values({"n": Odd()}, n=10)
    assert seen[0]["n"] == 1 and all(c["n"] % 2 == 1 for c in seen)


def test_register_names_are_the_constructors() -> None:
    assert pyhopper.register_int(0, 4).high == 4 and pyhopper.register_float(1).high == 1.0
    assert pyhopper.register_choice("a", "b").options == ("a", "b")
    assert pyhopper.register_bool(False).initial_value is False
    assert pyhopper.register_custom(init=3).default() == 3
    with pytest.raises(ValueError, match="both bounds"):
        pyhopper.register_float(log=True)
