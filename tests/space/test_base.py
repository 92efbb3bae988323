"""Arithmetic on parameters and expressions builds expressions (Hyperopt's pyll nodes)."""

from __future__ import annotations

import pytest

import hyperhop as hh


def test_indexing_floordiv_mod_and_abs_build_expressions() -> None:
    pair = hh.choice((1, 10), (2, 20), label="pair")
    n = hh.int(5, 9, label="n")
    space = hh.Space({"a": pair[1], "b": n // 2, "c": 23 % n, "d": abs(-n), "e": 17 // n})
    for i in range(2):
        cfg = space.to_config({"pair": i, "n": 7})
        assert cfg == {"a": (10, 20)[i], "b": 3, "c": 2, "d": 7, "e": 2}


def test_a_parameter_is_not_iterable() -> None:
    with pytest.raises(TypeError, match="not iterable"):
        list(hh.float(0, 1))
    with pytest.raises(TypeError, match="not iterable"):
        a, b = hh.choice((1, 2), (3, 4))
