"""Objects the space language does not know are errors (hyperhop/space/foreign.py)."""

from __future__ import annotations

import pytest

import hyperhop as hh


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        (int, r"hh\.int\(low, high\)"),
        (float, r"hh\.float\(low, high\)"),
        (bool, r"hh\.choice\(True, False\)"),
    ],
)
def test_a_builtin_type_names_the_parameter_to_write(value: type, fix: str) -> None:
    with pytest.raises(hh.InvalidSpaceError, match=fix):
        hh.Space({"units": value})


def test_a_class_names_const_and_choice() -> None:
    class Model:
        pass

    with pytest.raises(hh.InvalidSpaceError, match=r"'net\.cls'.*hh\.const\(.*Model\)"):
        hh.Space({"net": {"cls": Model}})


def test_classes_are_options_of_a_choice_and_consts() -> None:
    cfg = hh.sample({"m": hh.choice(dict, list), "c": hh.const(set), "n": 3}, seed=0)
    assert cfg["m"] in (dict, list) and cfg["c"] is set and cfg["n"] == 3


def test_an_uncalled_constructor_says_call_it() -> None:
    with pytest.raises(hh.InvalidSpaceError, match=r"call it.*hh\.float\("):
        hh.Space({"lr": hh.float})


def test_configspace_objects_name_the_hyperhop_parameter() -> None:
    cs = pytest.importorskip("ConfigSpace")
    with pytest.raises(
        hh.InvalidSpaceError, match=r"ConfigSpace's UniformFloatHyperparameter.*hh\.float"
    ):
        hh.Space({"x": cs.UniformFloatHyperparameter("x", 0, 1)})
    with pytest.raises(hh.InvalidSpaceError, match=r"hh\.choice"):
        hh.Space({"x": hh.choice(cs.CategoricalHyperparameter("c", ["a", "b"]), 1)})


def test_plain_objects_stay_constants() -> None:
    class Thing:
        pass

    thing = Thing()
    assert hh.sample({"t": thing, "f": len}, seed=0) == {"t": thing, "f": len}
