"""Gates on numeric parents and on several conditions (hh.gated, hh.ref)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperhop as hh
from hyperhop.exceptions import InvalidSpaceError
from hyperhop.samplers.modelspace import ModelSpace
from hyperhop.space.serialize import space_from_definition


def _space() -> hh.Space:
    return hh.Space(
        {
            "kind": hh.choice("linear", "rbf", "poly"),
            "depth": hh.int(1, 10),
            "gamma": hh.gated(
                hh.float(0.0, 1.0),
                when=hh.ref("kind").isin(["rbf", "poly"]) & (hh.ref("depth") > 5),
            ),
            "coef": hh.gated(
                hh.float(0.0, 1.0), when=(hh.ref("gamma") < 0.5) | (hh.ref("kind") != "poly")
            ),
            "lvl": hh.gated(hh.choice("a", "b"), when=hh.ref("depth") == 3),
        }
    )


def _expected_active(a: dict) -> dict[str, bool]:
    kind, depth = a["kind"], a["depth"]
    gamma_on = kind in (1, 2) and depth > 5
    coef_on = (gamma_on and a["gamma"] < 0.5) or kind != 2
    return {"gamma": gamma_on, "coef": coef_on, "lvl": depth == 3}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_inactive_parameters_are_exactly_those_whose_condition_fails(seed: int) -> None:
    space = _space()
    a = space.sample_assignment(seed=seed)
    for label, on in _expected_active(a).items():
        assert (label in a) is on, (label, a)
        assert space[label].is_active(a) is on
    space.validate(a)
    config = space.to_config(a)
    assert set(config) == set(a)  # inactive keys are left out of the config
    assert space.from_config(config) == a
    x, m = space.encode(a)
    for label in ("gamma", "coef", "lvl"):
        assert bool(m[space[label].columns].all()) is (label in a)
    assert space.decode(x) == {k: pytest.approx(v) for k, v in a.items()}


def test_modelspace_masks_follow_gates_on_numbers() -> None:
    space = _space()
    ms = ModelSpace(space)
    rng = np.random.default_rng(0)
    Z = ms.random(200, rng)
    M = ms.active(Z)
    for r in range(len(Z)):
        a = space.decode(Z[r])
        for spec in space.params:
            assert bool(M[r, spec.columns].all()) is (spec.label in a)


def test_gated_samplers_respect_activity() -> None:
    from hyperhop.samplers.cbo import CBOSampler
    from hyperhop.samplers.tpe import TPESampler

    for algo in (TPESampler(0, n_startup=5), CBOSampler(0, n_initial_points=5)):
        study = hh.Study(_space(), algo=algo)
        study.optimize(lambda c: c["depth"] + c.get("gamma", 0.0), n_trials=12, progress=False)
        for t in study.trials:
            study.space.validate(t.assignment)


def test_choice_conditions_keep_their_stored_definition() -> None:
    space = hh.Space({"m": hh.choice({"k": "svm", "C": hh.float(0.1, 1.0)}, {"k": "tree"})})
    assert space.definition()["params"][1]["conditions"] == [[["m", 0]]]


def test_stored_gated_space_rebuilds_with_the_same_fingerprint() -> None:
    space = _space()
    again = space_from_definition(space.definition())
    assert again.fingerprint() == space.fingerprint()
    a = space.sample_assignment(seed=3)
    assert again.to_config(a) == space.to_config(a)


def test_ordinal_and_numeric_comparisons() -> None:
    space = hh.Space(
        {
            "size": hh.choice("s", "m", "l", ordinal=True),
            "n": hh.choice(1, 5, 10),
            "a": hh.gated(hh.float(0, 1), when=hh.ref("size") > "s"),
            "b": hh.gated(hh.float(0, 1), when=hh.ref("n") < 6),
        }
    )
    assert space["a"].is_active({"size": 1}) and not space["a"].is_active({"size": 0})
    assert space["b"].is_active({"n": 1}) and not space["b"].is_active({"n": 2})


def test_parent_inactive_makes_child_inactive() -> None:
    space = _space()
    assert not space["coef"].is_active({"kind": 2, "depth": 2})  # gamma absent, kind == poly


def test_bad_conditions_are_clear_errors() -> None:
    with pytest.raises(InvalidSpaceError, match="not a parameter of this space"):
        hh.Space({"x": hh.gated(hh.float(0, 1), when=hh.ref("nope") > 1)})
    with pytest.raises(InvalidSpaceError, match="not one of its options"):
        hh.Space({"k": hh.choice("a", "b"), "x": hh.gated(hh.float(0, 1), when=hh.ref("k") == "c")})
    with pytest.raises(InvalidSpaceError, match="cycle"):
        hh.Space(
            {
                "x": hh.gated(hh.float(0, 1), when=hh.ref("y") > 0.5),
                "y": hh.gated(hh.float(0, 1), when=hh.ref("x") > 0.5),
            }
        )
    with pytest.raises(TypeError, match="condition"):
        hh.gated(hh.float(0, 1), when=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="&"):
        bool(hh.ref("x") > 1)
    with pytest.raises(InvalidSpaceError, match="ordinal"):
        hh.Space({"k": hh.choice("a", "b"), "x": hh.gated(hh.float(0, 1), when=hh.ref("k") > 1)})


def test_gated_templates_nest_with_choices_and_containers() -> None:
    space = hh.Space(
        {
            "n": hh.int(1, 10),
            "opt": hh.gated(
                {
                    "name": "adam",
                    "sched": hh.choice({"k": "cos", "T": hh.int(1, 5)}, {"k": "none"}),
                },
                when=hh.ref("n") > 3,
            ),
            "m": hh.choice(
                {"C": hh.float(0, 1), "g": hh.gated(hh.float(0, 1), when=hh.ref("m.C") > 0.5)},
                {"k": "tree"},
            ),
            "lst": [hh.gated(hh.int(0, 3), when=hh.ref("n") < 3), 5],
        }
    )
    assert space["opt.sched.T"].parents == {"n", "opt.sched"}
    assert space["m.g"].parents == {"m", "m.C"}
    for seed in range(40):
        a = space.sample_assignment(seed=seed)
        c = space.to_config(a)
        assert ("opt" in c) is (a["n"] > 3)
        assert (c["lst"][0] is None) is (a["n"] >= 3) and c["lst"][1] == 5
        assert ("g" in c["m"]) is (a["m"] == 0 and a["m.C"] > 0.5)
        assert space.from_config(c) == a
