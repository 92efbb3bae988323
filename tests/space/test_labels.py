"""Labels of parameters in different branches of a choice (hyperhop/space/labels.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperhop as hh
from hyperhop.space.labels import branch_labels


def pyhopper_conditional() -> dict:
    # PyHopper's documented conditional example: "lr" in two branches, different ranges
    return {
        "opt": hh.choice(
            {"type": "adam", "lr": hh.float(1e-5, 1e-2, log=True)},
            {"type": "sgd", "lr": hh.float(1e-4, 1e-1, log=True), "momentum": hh.float(0, 1)},
        )
    }


def test_colliding_branch_parameters_get_the_option_index() -> None:
    space = hh.Space(pyhopper_conditional())
    assert space.labels == ("opt", "opt.0.lr", "opt.1.lr", "opt.momentum")
    for seed in range(20):
        a = space.sample_assignment(seed=seed)
        cfg = space.to_config(a)
        assert set(cfg["opt"]) == ({"type", "lr"} if a["opt"] == 0 else {"type", "lr", "momentum"})
        lo = 1e-5 if cfg["opt"]["type"] == "adam" else 1e-4
        assert lo <= cfg["opt"]["lr"] <= lo * 1000
        assert space.from_config(cfg) == a


def test_conditions_follow_the_branch() -> None:
    space = hh.Space(pyhopper_conditional())
    assert space["opt.0.lr"].conditions == ((("opt", 0),),)
    assert space["opt.1.lr"].conditions == ((("opt", 1),),)


def test_labels_without_collision_do_not_change() -> None:
    space = hh.Space({"m": hh.choice({"k": "svm", "C": hh.float(0.1, 10)}, {"k": "tree"})})
    assert space.labels == ("m", "m.C")


def test_the_same_object_in_two_branches_is_one_parameter() -> None:
    lr = hh.float(0, 1)
    space = hh.Space({"m": hh.choice({"lr": lr}, {"lr": lr, "x": 1})})
    assert space.labels == ("m", "m.lr")
    assert space["m.lr"].conditions == ((("m", 0),), (("m", 1),))


def test_equal_definitions_are_still_two_parameters() -> None:
    space = hh.Space({"m": hh.choice({"lr": hh.float(0, 1)}, {"lr": hh.float(0, 1)})})
    assert space.labels == ("m", "m.0.lr", "m.1.lr")


def test_old_labels_on_request() -> None:
    template = {"m": hh.choice({"lr": hh.float(0, 1)}, {"lr": hh.float(0, 1)})}
    assert hh.Space(template, branch_labels=False).labels == ("m", "m.lr")
    with pytest.raises(hh.InvalidSpaceError, match="two different parameters"):
        hh.Space(pyhopper_conditional(), branch_labels=False)


def test_nested_choices_split_only_where_the_branches_differ() -> None:
    template = {
        "o": hh.choice(
            {"m": hh.choice({"C": hh.float(0, 1)}, {"D": 1})},
            {"m": hh.choice({"C": hh.int(0, 3)})},
        )
    }
    space = hh.Space(template)
    assert space.labels == ("o", "o.0.m", "o.1.m", "o.0.m.C", "o.1.m.C")
    cfgs = [space.to_config(space.sample_assignment(seed=s)) for s in range(30)]
    assert {type(c["o"]["m"].get("C")) for c in cfgs} >= {float, int}


def test_explicit_labels_win() -> None:
    a, b = hh.float(0, 1, label="a_lr"), hh.float(0, 2, label="b_lr")
    assert branch_labels({"m": hh.choice({"lr": a}, {"lr": b})}) == {}
    assert hh.Space({"m": hh.choice({"lr": a}, {"lr": b})}).labels == ("m", "a_lr", "b_lr")


def test_a_study_stored_with_the_old_labels_opens(tmp_path) -> None:
    def template() -> dict:
        return {"m": hh.choice({"lr": hh.float(0, 1)}, {"lr": hh.float(0, 1)})}

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = hh.Study(hh.Space(template(), branch_labels=False), storage=url, name="s", seed=0)
    old.optimize(lambda c: c["m"]["lr"], n_trials=5, progress=False)
    again = hh.Study(template(), storage=url, name="s", seed=1)
    assert again.space.labels == ("m", "m.lr")
    again.optimize(lambda c: c["m"]["lr"], n_trials=8, progress=False)
    assert len(again.trials) == 8
    assert again.best_value == min(t.value for t in again.trials)


@st.composite
def branchy(draw: st.DrawFn) -> dict:
    """A choice whose options are dicts drawing their keys from a small set (collisions)."""

    def leaf() -> hh.Parameter:
        lo = draw(st.integers(-5, 5))
        width = draw(st.integers(1, 5))
        return hh.float(lo, lo + width) if draw(st.booleans()) else hh.int(lo, lo + width)

    shared = leaf()
    options = []
    for i in range(draw(st.integers(2, 4))):
        keys = draw(st.lists(st.sampled_from("abc"), unique=True, max_size=3))
        option: dict = {"kind": f"o{i}"}
        for k in keys:
            option[k] = shared if draw(st.booleans()) else leaf()
        if draw(st.booleans()):
            option["inner"] = hh.choice({"a": leaf()}, {"a": leaf(), "b": leaf()})
        options.append(option)
    return {"m": hh.choice(*options)}


@settings(max_examples=60, deadline=None)
@given(branchy(), st.integers(0, 2**31))
def test_branch_labels_are_unique_and_configs_round_trip(template: dict, seed: int) -> None:
    space = hh.Space(template)
    assert len(set(space.labels)) == len(space.labels)
    objects = {id(s.param) for s in space.params}
    assert len(objects) == len(space.params)  # one label per parameter object
    a = space.sample_assignment(seed=seed)
    cfg = space.to_config(a)
    assert space.from_config(cfg) == a
    space.validate(a)
