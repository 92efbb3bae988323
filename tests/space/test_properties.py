"""Property tests over random spaces (see strategies.py): sampling, validation, encoding,
configs and local moves hold for every template hypothesis builds."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hyperhop as hh
from hyperhop.space import Choice, Float, Int, Normal

from .helpers import assert_same_assignment, is_continuous, values_equal
from .strategies import templates

# Derandomized, so that CI sees the same 60 examples every run; HYPOTHESIS_EXPLORE=N draws
# N new ones per test instead, when hunting for bugs.
EXPLORE = int(os.environ.get("HYPOTHESIS_EXPLORE") or 0)
SETTINGS = settings(
    max_examples=EXPLORE or 60,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
seeds = st.integers(0, 2**32 - 1)


def expected_active(template: Any, assignment: Mapping[str, Any]) -> set[str]:
    """The labels that should be active, found by walking the template (independently of
    the space's compiled conditions): path labels, explicit labels, the first label given
    to a reused object, and option indices for parameters given directly as options."""
    labels: dict[int, str] = {}
    active: set[str] = set()

    def walk(obj: Any, path: tuple[str, ...], on: bool) -> None:
        if isinstance(obj, hh.Parameter):
            label = labels.setdefault(id(obj), obj.label or ".".join(path) or "x")
            if on:
                active.add(label)
            if isinstance(obj, Choice):
                chosen = assignment.get(label) if on else None
                for i, opt in enumerate(obj.options):
                    direct = isinstance(opt, (hh.Parameter, hh.Expr))
                    walk(opt, (*path, str(i)) if direct else path, on and chosen == i)
        elif isinstance(obj, hh.Expr):
            for i, arg in enumerate(obj.args):
                walk(arg, (*path, str(i)), on)
            for k, arg in obj.kwargs.items():
                walk(arg, (*path, str(k)), on)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, (*path, str(k)), on)
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj):
                walk(v, (*path, str(i)), on)

    walk(template, (), True)
    return active


class _Recorder(dict[str, Any]):
    """An assignment that remembers which labels the config builder read."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def in_native_bounds(param: Any, value: Any) -> bool:
    v = np.asarray(value, dtype=float)
    if isinstance(param, Float) and param.q_mode == "grid":
        return bool(np.all((v >= param.low) & (v <= param.high)))
    if isinstance(param, Int):
        return bool(np.all((v >= param.low) & (v <= param.high)))
    return True


@SETTINGS
@given(templates(), seeds)
def test_samples_validate_and_only_active_parameters_appear(template: Any, seed: int) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        a = space.sample_assignment(rng)
        space.validate(a)
        assert set(a) == expected_active(template, a)
        for spec in space:
            assert (spec.label in a) == spec.is_active(a)
            if spec.label in a:
                assert in_native_bounds(spec.param, a[spec.label]), (spec.label, a[spec.label])
        rec = _Recorder(a)
        config = space.to_config(rec)
        assert rec.read == set(a), "the config must use every active value and no other"
        # values of inactive parameters change nothing in the config
        extra = {s.label: s.param.sample(rng) for s in space if s.label not in a}
        assert values_equal(space.to_config({**a, **extra}), config)
        assert not space.is_valid({**a, **extra}) or not extra


@SETTINGS
@given(templates(), seeds)
def test_decode_inverts_encode(template: Any, seed: int) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        a = space.sample_assignment(rng)
        x, mask = space.encode(a)
        assert x.shape == mask.shape == (space.dim,)
        assert np.all((x[mask] >= 0.0) & (x[mask] <= 1.0))
        assert np.all(np.isnan(x[~mask]))
        for spec in space:
            assert bool(mask[spec.columns].all()) == (spec.label in a)
        b = space.decode(x)
        space.validate(b)
        assert_same_assignment(space, a, b)


@SETTINGS
@given(templates(), seeds)
def test_decode_of_any_point_in_the_cube_is_valid(template: Any, seed: int) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    for u in (np.zeros(space.dim), np.ones(space.dim), rng.random(space.dim)):
        space.validate(space.decode(u))


@SETTINGS
@given(templates(), seeds)
def test_same_seed_same_samples(template: Any, seed: int) -> None:
    space = hh.Space(template)
    first = [space.sample_assignment(seed=seed + i) for i in range(3)]
    again = [space.sample_assignment(seed=seed + i) for i in range(3)]
    for a, b in zip(first, again, strict=True):
        assert values_equal(a, b)
    assert values_equal(hh.sample(template, seed=seed), hh.sample(template, seed=seed))
    assert values_equal(hh.sample(template, seed=seed), space.to_config(first[0]))


@SETTINGS
@given(templates(exprs=False, direct_options=False), seeds)
def test_from_config_inverts_to_config(template: Any, seed: int) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        a = space.sample_assignment(rng)
        b = space.from_config(space.to_config(a))
        assert set(a) == set(b)
        for label in a:
            assert values_equal(a[label], b[label]), (label, a[label], b[label])


@SETTINGS
@given(templates(), seeds, st.floats(0.0, 1.5), st.booleans())
def test_perturb_returns_valid_assignments(
    template: Any, seed: int, temperature: float, pyhopper: bool
) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    a = space.sample_assignment(rng)
    for _ in range(5):
        b = space.perturb(a, temperature, rng, redraw_choices=pyhopper, may_stay=pyhopper)
        space.validate(b)
        a = b


@SETTINGS
@given(templates(), seeds, st.sampled_from([1e-4, 0.01, 0.05]))
def test_small_temperature_moves_something_and_floats_only_a_little(
    template: Any, seed: int, temperature: float
) -> None:
    space = hh.Space(template)
    rng = np.random.default_rng(seed)
    a = space.sample_assignment(rng)
    if not a:  # a template of constants only
        assert space.perturb(a, temperature, rng) == {}
        return
    for _ in range(5):
        b = space.perturb(a, temperature, rng)
        changed = [k for k in a if k not in b or not values_equal(a[k], b[k])]
        assert changed, "a perturbation must move at least one parameter"
        for label in set(a) & set(b):
            param = space[label].param
            if is_continuous(param) and isinstance(param, (Float, Normal)):
                step = np.abs(param.encode(b[label]) - param.encode(a[label]))
                assert np.all(step <= 0.5 * temperature + 1e-9), (label, a[label], b[label])


@SETTINGS
@given(templates(), seeds)
def test_round_trip_is_encode_after_decode(template: Any, seed: int) -> None:
    # what surrogate models rely on to score a point where its value encodes
    rng = np.random.default_rng(seed)
    for spec in hh.Space(template):
        p = spec.param
        if not hasattr(p, "round_trip"):
            continue
        x = rng.random((7, p.n_columns))
        x[0], x[1] = 0.0, 1.0  # the edges, where a log int's first cell is widest
        got = p.round_trip(x)
        want = np.stack([np.asarray(p.encode(p.decode(row))).reshape(-1) for row in x])
        np.testing.assert_allclose(got, want, atol=1e-12)
        np.testing.assert_allclose(p.round_trip(got), got, atol=1e-12)  # idempotent
        if not p.rounds:
            np.testing.assert_array_equal(got, x)
