"""Categorical parameters: choices (plain, weighted, ordinal, nested) and randint."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

import hyperhop as hh

from .helpers import assert_discrete, draws

N = 20_000


def test_choice_is_uniform() -> None:
    x = draws(hh.choice("a", "b", "c", "d"), N, seed=1)
    assert_discrete(x, {k: 0.25 for k in "abcd"})


def test_choice_with_probs() -> None:
    x = draws(hh.choice("a", "b", "c", probs=[0.5, 0.3, 0.2]), N, seed=2)
    assert_discrete(x, {"a": 0.5, "b": 0.3, "c": 0.2})


def test_choice_with_a_zero_probability_never_picks_it() -> None:
    x = draws(hh.choice("a", "b", "c", probs=[0.0, 0.9, 0.1]), N, seed=3)
    assert "a" not in x
    assert_discrete(x, {"b": 0.9, "c": 0.1})


def test_pchoice() -> None:
    x = draws(hh.pchoice([(0.1, "x"), (0.9, "y")]), N, seed=4)
    assert_discrete(x, {"x": 0.1, "y": 0.9})


def test_probs_close_to_one_are_normalized() -> None:
    p = hh.choice("a", "b", "c", probs=[1 / 3, 1 / 3, 1 / 3])
    assert p.probs is not None and p.probs.sum() == pytest.approx(1.0, abs=1e-15)


def test_weighted_nested_choice_gives_each_branch_its_weight() -> None:
    space = hh.Space(
        {
            "m": hh.choice(
                {"k": "svm", "C": hh.float(0.1, 10, log=True)},
                {"k": "tree", "depth": hh.int(1, 3)},
                "none",
                probs=[0.2, 0.5, 0.3],
            )
        }
    )
    rng = np.random.default_rng(5)
    configs = [space.to_config(space.sample_assignment(rng))["m"] for _ in range(N)]
    kinds = [c if isinstance(c, str) else c["k"] for c in configs]
    assert_discrete(kinds, {"svm": 0.2, "tree": 0.5, "none": 0.3})
    depths = [c["depth"] for c in configs if isinstance(c, dict) and c["k"] == "tree"]
    assert_discrete(depths, {1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_raw_value_is_the_index_so_any_option_is_storable() -> None:
    class Model:
        pass

    m1, m2 = Model(), Model()
    space = hh.Space({"model": hh.choice(m1, m2), "f": hh.choice(np.float32(1.5), {1, 2})})
    a = space.sample_assignment(seed=0)
    assert json.loads(json.dumps(a)) == a
    assert space.to_config(a)["model"] in (m1, m2)
    assert space.from_config({"model": m2, "f": {1, 2}}) == {"model": 1, "f": 1}


def test_unhashable_and_array_options() -> None:
    p = hh.choice([1, 2], {"a": [3]}, np.arange(3))
    space = hh.Space({"x": p})
    for i, opt in enumerate(p.options):
        assert space.from_config({"x": opt}) == {"x": i}
    with pytest.raises(hh.InvalidAssignmentError):
        space.from_config({"x": [1, 3]})


def test_from_config_tells_equal_numbers_of_different_types_apart() -> None:
    space = hh.Space({"x": hh.choice(1, 1.0, True)})
    assert [space.from_config({"x": v})["x"] for v in (1, 1.0, True)] == [0, 1, 2]
    assert hh.Space({"x": hh.choice(1, 2)}).from_config({"x": 2.0}) == {"x": 1}


def test_non_ordinal_moves_pick_another_option_uniformly() -> None:
    p = hh.choice("a", "b", "c", "d")
    rng = np.random.default_rng(6)
    moves = [p.mutate(0, 0.01, rng) for _ in range(6000)]
    assert_discrete(moves, {1: 1 / 3, 2: 1 / 3, 3: 1 / 3})


def test_ordinal_moves_stay_near_at_low_temperature() -> None:
    p = hh.choice(*range(20), ordinal=True)
    assert p.kind == "ordinal"
    rng = np.random.default_rng(7)
    moves = [p.mutate(10, 0.05, rng) for _ in range(2000)]
    assert set(moves) <= {9, 10, 11} and 10 not in moves
    far = [abs(p.mutate(10, 0.9, rng) - 10) for _ in range(2000)]
    assert max(far) >= 5
    edge = Counter(p.mutate(0, 0.05, rng) for _ in range(500))
    assert set(edge) == {1}


def test_temperature_one_resamples_a_choice() -> None:
    p = hh.choice("a", "b", "c", probs=[0.6, 0.3, 0.1], ordinal=True)
    rng = np.random.default_rng(8)
    assert_discrete([p.mutate(2, 1.0, rng) for _ in range(6000)], {0: 0.6, 1: 0.3, 2: 0.1})


def test_randint_moves_and_encoding() -> None:
    p = hh.randint(3, 9)
    rng = np.random.default_rng(9)
    moves = [p.mutate(5, 0.1, rng) for _ in range(3000)]
    assert 5 not in moves and set(moves) == {3, 4, 6, 7, 8}
    for v in range(3, 9):
        assert p.decode(p.encode(v)) == v
    assert not p.contains(9) and not p.contains(True) and p.contains(np.int64(4))


def test_choice_encoding_is_one_column_per_choice() -> None:
    p = hh.choice("a", "b", "c")
    assert p.n_columns == 1
    assert [p.decode(p.encode(k)) for k in range(3)] == [0, 1, 2]
    assert p.decode(np.array([1.0])) == 2 and p.decode(np.array([0.0])) == 0


def test_defaults() -> None:
    assert hh.choice("a", "b", "c").default() == 0
    assert hh.choice(*range(5), ordinal=True).default() == 2
    assert hh.randint(4, 9).default() == 4


def test_display_value_is_what_a_person_reads() -> None:
    p = hh.choice(8, True, [64, 64], {"kind": "svm", "C": hh.float(0.1, 1)}, {"kind": "tree"})
    assert [p.display_value(i) for i in range(3)] == [8, True, [64, 64]]
    assert p.display_value(3) == "svm" and p.display_value(4) == "tree"
    two = hh.choice({"kind": "mlp", "act": "relu", "w": hh.int(1, 4)}, {"w": hh.int(1, 9)})
    assert two.display_value(0) == {"kind": "mlp", "act": "relu"}
    assert two.display_value(1) == 1  # nothing constant to show: the option's index
    assert hh.choice(hh.float(0, 1), 3).display_value(0) == 0
    assert hh.randint(3, 9).display_value(5) == 5
