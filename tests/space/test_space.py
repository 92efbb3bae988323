"""The compiled space: labels, conditions, configs, constraints, completion, encoding and
array parameters."""

from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from hyperhop.exceptions import InvalidSpaceError

from .helpers import assert_discrete, values_equal


def conditional_template() -> dict:
    return {
        "lr": hh.float(1e-4, 1e-1, log=True),
        "model": hh.choice(
            {"kind": "svm", "C": hh.float(0.1, 10), "kernel": hh.choice("rbf", "poly")},
            {"kind": "forest", "trees": hh.int(10, 500), "depth": hh.int(2, 8, label="depth")},
            "linear",
        ),
        "layers": [hh.int(1, 4), {"units": hh.int(16, 512, power_of=2)}],
    }


# ----------------------------------------------------------------------- labels
def test_labels_are_paths_and_explicit_labels_override() -> None:
    space = hh.Space(conditional_template())
    assert set(space.labels) == {
        "lr",
        "model",
        "model.C",
        "model.kernel",
        "model.trees",
        "depth",
        "layers.0",
        "layers.1.units",
    }
    assert space["model.C"].conditions == ((("model", 0),),)
    assert space["depth"].conditions == ((("model", 1),),)
    assert not space["lr"].conditional and space["model.C"].conditional
    assert "model.C" in space and "C" not in space
    with pytest.raises(KeyError, match="model.C"):
        space["C"]


def test_a_lone_parameter_is_labelled_x() -> None:
    space = hh.Space(hh.float(0, 1))
    assert space.labels == ("x",)
    assert isinstance(hh.sample(hh.float(0, 1), seed=0), float)


def test_parameters_directly_inside_a_choice_are_labelled_by_option() -> None:
    """hh.choice(hh.float(...), hh.float(...)) used to fail: both floats took the choice's
    own label."""
    space = hh.Space({"m": hh.choice(hh.float(0, 1), hh.float(10, 20), "off")})
    assert space.labels == ("m", "m.0", "m.1")
    assert space["m.1"].conditions == ((("m", 1),),)
    rng = np.random.default_rng(0)
    values = [space.to_config(space.sample_assignment(rng))["m"] for _ in range(300)]
    assert {type(v) for v in values} == {float, str}
    assert any(v < 1 for v in values if isinstance(v, float))
    assert any(v > 10 for v in values if isinstance(v, float))


def test_the_same_object_in_two_branches_is_one_parameter() -> None:
    c = hh.float(0.1, 10, log=True)
    space = hh.Space(
        {"m": hh.choice({"kind": "svm", "C": c}, {"kind": "logreg", "C": c}, {"kind": "tree"})}
    )
    assert space.labels == ("m", "m.C")
    assert space["m.C"].conditions == ((("m", 0),), (("m", 1),))
    assert space["m.C"].is_active({"m": 0}) and space["m.C"].is_active({"m": 1})
    assert not space["m.C"].is_active({"m": 2})
    a = {"m": 1, "m.C": 2.0}
    space.validate(a)
    assert space.to_config(a) == {"m": {"kind": "logreg", "C": 2.0}}


def test_the_same_object_under_two_keys_keeps_its_first_label() -> None:
    p = hh.int(0, 9)
    space = hh.Space({"a": p, "b": {"c": p}})
    assert space.labels == ("a",)
    cfg = hh.sample(space, seed=1)
    assert cfg["a"] == cfg["b"]["c"]


def test_equal_definitions_under_one_label_merge() -> None:
    space = hh.Space(
        {
            "m": hh.choice(
                {"kind": "a", "lr": hh.float(0, 1, label="lr")},
                {"kind": "b", "lr": hh.float(0, 1, label="lr")},
            ),
            "top": hh.float(0, 1, label="lr2"),
        }
    )
    assert set(space.labels) == {"m", "lr", "lr2"}
    assert space["lr"].conditions == ((("m", 0),), (("m", 1),))


def test_a_parameter_also_used_unconditionally_is_always_active() -> None:
    p = hh.float(0, 1)
    space = hh.Space({"p": p, "m": hh.choice({"q": p}, "none")})
    assert space["p"].conditions == ()


def test_a_choice_inside_itself_is_rejected() -> None:
    c = hh.choice("a", "b")
    c.options = (c, "b")
    with pytest.raises(hh.InvalidSpaceError, match="contains itself"):
        hh.Space({"c": c})


def test_space_of_a_space_keeps_its_constraints() -> None:
    inner = hh.Space({"a": hh.int(0, 9)}, constraints=[lambda c: c["a"] > 4])
    outer = hh.Space(inner, constraints=[lambda c: c["a"] < 8])
    rng = np.random.default_rng(2)
    assert {outer.to_config(outer.sample_assignment(rng))["a"] for _ in range(200)} == {5, 6, 7}


# ----------------------------------------------------------------------- nested choices
def test_a_choice_nested_in_a_choice() -> None:
    space = hh.Space(
        {
            "opt": hh.choice(
                {
                    "name": "sgd",
                    "lr": hh.float(1e-3, 1, log=True),
                    "momentum": hh.choice("none", {"beta": hh.float(0.5, 0.99)}),
                },
                {"name": "adam", "lr": hh.float(1e-5, 1e-2, log=True, label="adam_lr")},
            )
        }
    )
    assert space["opt.momentum.beta"].conditions == ((("opt", 0), ("opt.momentum", 1)),)
    rng = np.random.default_rng(3)
    seen = []
    for _ in range(4000):
        a = space.sample_assignment(rng)
        cfg = space.to_config(a)["opt"]
        if cfg["name"] == "adam":
            assert set(a) == {"opt", "adam_lr"}
            seen.append("adam")
        elif cfg["momentum"] == "none":
            assert set(a) == {"opt", "opt.lr", "opt.momentum"}
            seen.append("sgd")
        else:
            assert set(a) == {"opt", "opt.lr", "opt.momentum", "opt.momentum.beta"}
            assert 0.5 <= cfg["momentum"]["beta"] <= 0.99
            seen.append("sgd+beta")
    assert_discrete(seen, {"adam": 0.5, "sgd": 0.25, "sgd+beta": 0.25})


# ----------------------------------------------------------------------- configs
def test_to_config_builds_the_template_shape() -> None:
    space = hh.Space(conditional_template())
    a = {"lr": 0.01, "model": 1, "model.trees": 50, "depth": 3, "layers.0": 2}
    a["layers.1.units"] = 64
    assert space.to_config(a) == {
        "lr": 0.01,
        "model": {"kind": "forest", "trees": 50, "depth": 3},
        "layers": [2, {"units": 64}],
    }
    with pytest.raises(hh.InvalidAssignmentError, match="depth"):
        space.to_config({k: v for k, v in a.items() if k != "depth"})


def test_tuples_stay_tuples() -> None:
    cfg = hh.sample({"t": (hh.int(0, 3), "c")}, seed=0)
    assert isinstance(cfg["t"], tuple) and cfg["t"][1] == "c"


def test_from_config_partial() -> None:
    space = hh.Space(conditional_template())
    assert space.from_config({"model": {"kind": "svm", "C": 2.0}}, partial=True) == {
        "model": 0,
        "model.C": 2.0,
    }
    assert space.from_config({"lr": 0.001}, partial=True) == {"lr": 0.001}
    with pytest.raises(hh.InvalidAssignmentError, match="missing key"):
        space.from_config({"lr": 0.001})
    with pytest.raises(hh.InvalidAssignmentError, match="unknown key"):
        space.from_config({"lr": 0.001, "nope": 1}, partial=True)
    with pytest.raises(hh.InvalidAssignmentError, match="not a valid value"):
        space.from_config({"lr": 5.0}, partial=True)
    with pytest.raises(hh.InvalidAssignmentError, match="not one of the options"):
        space.from_config({"model": "quadratic"}, partial=True)


def test_from_config_refuses_exprs_unless_partial() -> None:
    space = hh.Space({"lr": hh.expr(lambda e: 10.0**e, hh.int(-5, -1)), "b": hh.int(0, 3)})
    cfg = hh.sample(space, seed=0)
    with pytest.raises(hh.InvalidAssignmentError, match="flat assignment"):
        space.from_config(cfg)
    assert space.from_config(cfg, partial=True) == {"b": cfg["b"]}


class _Model:
    """An estimator-like class: its constructor arguments come back from get_params."""

    def __init__(self, c: float = 1.0, kind: str = "a", seed: int = 0) -> None:
        self.c, self.kind, self.seed = c, kind, seed

    def get_params(self, deep: bool = True) -> dict:
        return {"c": self.c, "kind": self.kind, "seed": self.seed}


class _Other(_Model):
    pass


def test_from_config_reads_an_estimators_parameters_back_and_matches_its_class() -> None:
    space = hh.Space(
        {
            "pre": hh.choice("none", _Model(c=3.0)),
            "model": hh.choice(
                hh.expr(_Other, c=hh.float(0.1, 10), seed=7),
                hh.expr(_Model, c=hh.float(0.1, 10), kind=hh.choice("a", "b"), seed=7),
            ),
        }
    )
    cfg = {"pre": _Model(c=3.0), "model": _Model(c=2.0, kind="b", seed=7)}
    # a _Model is no _Other: the second option; "pre" is the constant of equal get_params
    assert space.from_config(cfg) == {"pre": 1, "model": 1, "model.1.c": 2.0, "model.1.kind": 1}
    assert space.from_config({"model": _Other(c=0.5, seed=7)}, partial=True) == {
        "model": 0,
        "model.0.c": 0.5,
    }
    with pytest.raises(hh.InvalidAssignmentError, match="not one of the options"):
        space.from_config({"model": _Model(c=2.0, seed=8)}, partial=True)  # a fixed seed
    with pytest.raises(hh.InvalidAssignmentError, match="not one of the options"):
        space.from_config({"model": "svm"}, partial=True)  # no longer any value at all
    with pytest.raises(hh.InvalidAssignmentError, match="not one of the options"):
        space.from_config({"pre": _Model(c=4.0)}, partial=True)
    study = hh.Study(space, seed=0)
    assert study.enqueue(cfg).params["model.1.c"] == 2.0


def test_exprs_are_computed_from_their_arguments() -> None:
    a, b = hh.int(1, 5), hh.float(0, 1)
    space = hh.Space({"sum": a + b, "neg": -a, "pow": 2**a, "kw": hh.expr(dict, x=a, y=b)})
    rng = np.random.default_rng(4)
    for _ in range(50):
        x = space.sample_assignment(rng)
        cfg = space.to_config(x)
        ia, fb = cfg["kw"]["x"], cfg["kw"]["y"]
        assert cfg["sum"] == ia + fb and cfg["neg"] == -ia and cfg["pow"] == 2**ia
    assert set(space.labels) == {"sum.0", "sum.1"}


def test_complete_fills_the_missing_active_parameters() -> None:
    space = hh.Space(conditional_template())
    rng = np.random.default_rng(5)
    for _ in range(50):
        a = space.complete({"model": 0, "model.C": 3.0}, rng)
        space.validate(a)
        assert a["model"] == 0 and a["model.C"] == 3.0 and "model.trees" not in a
    # values of parameters that the given ones make inactive are dropped
    a = space.complete({"model": 2, "model.C": 3.0}, rng)
    space.validate(a)
    assert "model.C" not in a
    with pytest.raises(hh.InvalidAssignmentError, match="Unknown parameter 'nope'"):
        space.complete({"nope": 1})
    with pytest.raises(hh.InvalidAssignmentError, match="not a valid value of 'model.C'"):
        space.complete({"model.C": 300.0})


def test_validate_names_the_problem() -> None:
    space = hh.Space(conditional_template())
    a = space.sample_assignment(seed=6)
    space.validate(a)
    with pytest.raises(hh.InvalidAssignmentError, match="Unknown parameter"):
        space.validate({**a, "zzz": 1})
    with pytest.raises(hh.InvalidAssignmentError, match="has no value"):
        space.validate({k: v for k, v in a.items() if k != "lr"})
    with pytest.raises(hh.InvalidAssignmentError, match="inactive"):
        space.validate({**a, "model": 2, "model.C": 1.0, "model.kernel": 0})
    with pytest.raises(hh.InvalidAssignmentError, match="not a valid value of 'lr'"):
        space.validate({**a, "lr": 1.0})
    assert not space.is_valid({**a, "lr": "x"})


def test_default_is_the_centre() -> None:
    space = hh.Space({"a": hh.float(0, 10), "m": hh.choice({"b": hh.int(0, 4)}, "z")})
    assert space.default() == {"a": 5.0, "m": 0, "m.b": 2}


def test_definition_and_fingerprint_are_stable() -> None:
    s1, s2 = hh.Space(conditional_template()), hh.Space(conditional_template())
    assert s1.fingerprint() == s2.fingerprint()
    assert s1.definition()["params"][0]["label"] == "lr"
    other = conditional_template()
    other["lr"] = hh.float(1e-4, 1e-2, log=True)
    assert hh.Space(other).fingerprint() != s1.fingerprint()


# ----------------------------------------------------------------------- constraints
def test_constraints_reject_infeasible_points() -> None:
    space = hh.Space(
        {"a": hh.int(0, 9), "b": hh.int(0, 9)}, constraints=[lambda c: c["a"] < c["b"]]
    )
    rng = np.random.default_rng(7)
    pairs = [space.to_config(space.sample_assignment(rng)) for _ in range(3000)]
    assert all(c["a"] < c["b"] for c in pairs)
    assert len({(c["a"], c["b"]) for c in pairs}) == 45  # every feasible pair is reachable
    a = space.sample_assignment(rng)
    for t in (0.01, 0.5, 1.0):
        for _ in range(50):
            b = space.perturb(a, t, rng)
            assert space.is_feasible(b)
    assert space.is_feasible(space.complete({"a": 8}, rng))


def test_impossible_constraints_raise_a_clear_error() -> None:
    def never(config: dict) -> bool:
        return config["a"] > 100

    space = hh.Space({"a": hh.int(0, 9)}, constraints=[never])
    with pytest.raises(hh.InfeasibleSpaceError) as info:
        space.sample_assignment(seed=0)
    msg = str(info.value)
    assert "never" in msg and "1000 attempts" in msg and "widen" in msg
    with pytest.raises(hh.InfeasibleSpaceError, match="completion"):
        space.complete({"a": 3})
    with pytest.raises(hh.InfeasibleSpaceError, match="perturbation"):
        space.perturb({"a": 3}, 0.5, np.random.default_rng(0))
    with pytest.raises(hh.InfeasibleSpaceError):
        hh.sample(space, seed=1)


# ----------------------------------------------------------------------- encoding
def test_encode_masks_inactive_parameters() -> None:
    space = hh.Space(conditional_template())
    a = {"lr": 0.01, "model": 2, "layers.0": 1, "layers.1.units": 16}
    x, mask = space.encode(a)
    for spec in space:
        assert bool(mask[spec.columns].all()) == (spec.label in a)
    assert np.isnan(x[space["model.C"].columns]).all()
    x0, _ = space.encode(a, inactive=0.0)
    assert (x0[~mask] == 0).all()
    b = space.decode(x)
    assert b == {**a, "lr": pytest.approx(0.01, rel=1e-12)}
    X, M = space.encode_many([a, space.sample_assignment(seed=1)])
    assert X.shape == M.shape == (2, space.dim)
    with pytest.raises(hh.InvalidAssignmentError, match="Expected a vector"):
        space.decode(np.zeros(space.dim + 1))


# ----------------------------------------------------------------------- perturb
def test_perturb_temperature_one_is_a_fresh_sample_in_distribution() -> None:
    space = hh.Space(
        {
            "a": hh.int(0, 1),
            "b": hh.int(0, 3),
            "m": hh.choice("x", {"k": hh.int(0, 2)}),
            "f": hh.float(0, 1, q=0.5),
        }
    )
    rng = np.random.default_rng(8)
    start = {"a": 0, "b": 3, "m": 1, "m.k": 0, "f": 0.5}
    moved = [space.perturb(start, 1.0, rng) for _ in range(4000)]
    assert_discrete([m["a"] for m in moved], {0: 0.5, 1: 0.5})
    assert_discrete([m["b"] for m in moved], {k: 0.25 for k in range(4)})
    assert_discrete([m["m"] for m in moved], {0: 0.5, 1: 0.5})
    assert_discrete([m["m.k"] for m in moved if "m.k" in m], {k: 1 / 3 for k in range(3)})
    assert_discrete([m["f"] for m in moved], {0.0: 0.25, 0.5: 0.5, 1.0: 0.25})


def test_perturb_moves_about_temperature_times_the_parameters() -> None:
    space = hh.Space({f"p{i}": hh.float(0, 1) for i in range(20)})
    rng = np.random.default_rng(9)
    a = space.sample_assignment(rng)
    for t, n in ((0.0, 1), (0.01, 1), (0.25, 5), (0.5, 10), (1.0, 20)):
        b = space.perturb(a, t, rng)
        assert sum(a[k] != b[k] for k in a) == n


def test_perturb_may_leave_a_selected_int_in_place_as_pyhopper() -> None:
    # one int of 21 values at temperature 0.05: a step of at most 0.05 x 10.5 values
    # rounds back onto the value most of the time; mutate (the default) always moves it
    space = hh.Space({"k": hh.int(0, 20), "x": hh.float(0.0, 1.0)})
    rng = np.random.default_rng(12)
    a = {"k": 10, "x": 0.5}
    kept = [space.perturb(a, 0.05, rng, may_stay=True)["k"] == 10 for _ in range(2000)]
    moved = [space.perturb(a, 0.05, rng)["k"] != 10 for _ in range(2000)]
    # "k" is the selected one of the two half the time; a step of 0.05 * U(-10.5, 10.5)
    # values leaves its cell only beyond +-0.5, 1 time in 21: kept 0.5 + 0.5 * 20 / 21
    assert np.mean(kept) == pytest.approx(0.976, abs=0.012)
    assert np.mean(moved) == pytest.approx(0.5, abs=0.04)
    b = [space.perturb(a, 0.05, rng, may_stay=True)["k"] for _ in range(500)]
    assert set(b) <= {9, 10, 11}


def test_perturb_resamples_parameters_that_become_active() -> None:
    space = hh.Space({"m": hh.choice("off", {"k": hh.int(0, 9)})})
    rng = np.random.default_rng(10)
    for _ in range(50):
        b = space.perturb({"m": 0}, 0.01, rng)
        assert b["m"] == 1 and 0 <= b["m.k"] <= 9
        c = space.perturb(b, 0.01, rng)
        space.validate(c)


def test_perturb_is_seeded() -> None:
    space = hh.Space(conditional_template())
    a = space.sample_assignment(seed=11)
    assert values_equal(space.perturb(a, 0.3, 5), space.perturb(a, 0.3, 5))


# ----------------------------------------------------------------------- array parameters
def test_a_million_entry_float_array() -> None:
    space = hh.Space({"w": hh.float(-1.0, 1.0, shape=1_000_000), "b": hh.float(0, 1)})
    assert space.dim == 1_000_001
    rng = np.random.default_rng(12)
    a = space.sample_assignment(rng)
    w = a["w"]
    assert w.shape == (1_000_000,) and w.dtype == np.float64
    assert w.min() >= -1.0 and w.max() <= 1.0 and abs(w.mean()) < 0.01
    space.validate(a)
    x, mask = space.encode(a)
    assert mask.all() and x.shape == (1_000_001,)
    b = space.decode(x)
    assert np.allclose(b["w"], w, rtol=0, atol=1e-12)
    c = space.perturb(a, 0.01, rng)
    space.validate(c)
    if "w" in c and not np.array_equal(c["w"], w):
        step = np.abs(c["w"] - w)
        assert step.max() <= 0.01 * 2.0 / 2 + 1e-12
    assert np.array_equal(space.to_config(a)["w"], w)
    d = space.perturb(a, 1.0, rng)
    assert d["w"].min() >= -1.0 and d["w"].max() <= 1.0


def test_int_and_log_arrays() -> None:
    space = hh.Space(
        {
            "i": hh.int(0, 100, step=5, shape=(100, 100)),
            "l": hh.float(1e-3, 1e3, log=True, shape=10_000),
            "p": hh.int(1, 1024, power_of=2, shape=500),
            "g": hh.float(0, 1, q=0.25, shape=1000),
        }
    )
    rng = np.random.default_rng(13)
    a = space.sample_assignment(rng)
    space.validate(a)
    assert a["i"].dtype.kind == "i" and set(np.unique(a["i"]) % 5) == {0}
    assert a["l"].min() >= 1e-3 and a["l"].max() <= 1e3
    assert set(np.unique(a["g"])) == {0.0, 0.25, 0.5, 0.75, 1.0}
    b = space.decode(space.encode(a)[0])
    for k in ("i", "p", "g"):
        assert np.array_equal(a[k], b[k])
    for t in (1e-4, 0.1, 1.0):
        c = space.perturb(a, t, rng)
        space.validate(c)


def test_batched_draws_equal_one_call_per_parameter() -> None:
    import numpy as np

    space = hh.Space(
        {
            "a": hh.float(0, 1),
            "b": hh.float(1e-3, 1, log=True),
            "c": hh.int(1, 5),
            "d": hh.float(-5, 5),
            "e": hh.float(2, 3),
            "m": hh.choice({"z": hh.float(0, 1)}, 3),
        }
    )
    assert space._batch is not None
    for seed in range(100):
        batched = space._draw(np.random.default_rng(seed))
        plan, space._batch = space._batch, None
        try:
            assert space._draw(np.random.default_rng(seed)) == batched
        finally:
            space._batch = plan


def test_a_dotted_key_and_a_nested_path_with_one_label_are_refused() -> None:
    """Issue 18 item 5: ``{"a.b": ..., "a": {"b": ...}}`` used to become one parameter (both
    values always equal, a search in one dimension instead of two). Now an error names
    both places. Sibling branches of a choice are no collision: two parameters at one path
    get the option's index in their labels, one object used twice stays one parameter."""
    with pytest.raises(InvalidSpaceError, match=r"\['a.b'\] and another at \['a'\]\['b'\]"):
        hh.Space({"a.b": hh.float(0, 1), "a": {"b": hh.float(0, 1)}})
    with pytest.raises(InvalidSpaceError, match="'x.0'"):
        hh.Space({"x": [hh.int(0, 3)], "x.0": hh.int(0, 3)})
    apart = hh.Space({"m": hh.choice({"k": "a", "C": hh.float(0, 1)}, {"C": hh.float(0, 1)})})
    assert apart.labels == ("m", "m.0.C", "m.1.C")
    c = hh.float(0, 1)
    assert hh.Space({"m": hh.choice({"k": "a", "C": c}, {"C": c})}).labels == ("m", "m.C")
    labelled = hh.Space({"a.b": hh.float(0, 1), "a": {"b": hh.float(0, 1, label="ab2")}})
    assert set(labelled.labels) == {"a.b", "ab2"}
