"""HpProblem on real ConfigSpace objects, and its translation into a hyperhop space."""

from __future__ import annotations

import ConfigSpace as cs
import numpy as np
import pandas as pd
import pytest

from hyperhop.deephyper.hpo import HpProblem, RandomSearch


def test_shorthands_make_configspace_objects() -> None:
    p = HpProblem()
    assert isinstance(p.add_hyperparameter((1, 10), "i"), cs.UniformIntegerHyperparameter)
    f = p.add_hyperparameter((1e-4, 1e-1, "log-uniform"), "lr")
    assert isinstance(f, cs.UniformFloatHyperparameter) and f.log
    assert isinstance(p.add_hyperparameter(["a", "b"], "cat"), cs.CategoricalHyperparameter)
    assert isinstance(p.add_hyperparameter([1, 2, 4], "ord"), cs.OrdinalHyperparameter)
    n = p.add_hyperparameter({"mu": 0.5, "sigma": 0.1, "lower": 0.0, "upper": 1.0}, "n")
    assert isinstance(n, cs.NormalFloatHyperparameter)
    assert isinstance(
        p.add_hyperparameter({"mu": 5, "sigma": 2, "lower": 0, "upper": 10}, "ni"),
        cs.NormalIntegerHyperparameter,
    )
    assert isinstance(p.add_hyperparameter("fixed", "k"), cs.Constant)
    d = p.add_hyperparameter((0.0, 1.0), "d", default_value=0.25)
    assert d.default_value == 0.25 and p.default_configuration["d"] == 0.25
    assert p["cat"] is p.space["cat"] and len(p) == 8
    assert p.hyperparameter_names == list(p.space.keys())


def test_samples_follow_types_and_priors() -> None:
    p = HpProblem(seed=1)
    p.add_hyperparameter((1, 10), "i")
    p.add_hyperparameter((1e-4, 1e-1, "log-uniform"), "lr")
    p.add_hyperparameter({"mu": 0.5, "sigma": 0.05, "lower": 0.0, "upper": 1.0}, "n")
    p.add_hyperparameter([1, 2, 4], "ord")
    p.add_hyperparameter("fixed", "k")
    df = pd.DataFrame(p.sample(300))
    assert df["i"].map(type).eq(int).all() and df["i"].between(1, 10).all()
    assert df["lr"].between(1e-4, 1e-1).all() and np.median(df["lr"]) < 0.01  # log scale
    assert abs(df["n"].mean() - 0.5) < 0.02 and df["n"].std() < 0.08  # the normal prior
    assert set(df["ord"]) == {1, 2, 4} and (df["k"] == "fixed").all()


@pytest.mark.parametrize(
    "make, active",
    [
        (lambda a, c: cs.EqualsCondition(c, a, "x"), lambda v: v["a"] == "x"),
        (lambda a, c: cs.NotEqualsCondition(c, a, "x"), lambda v: v["a"] != "x"),
        (lambda a, c: cs.InCondition(c, a, ["x", "y"]), lambda v: v["a"] in ("x", "y")),
    ],
)
def test_conditions_on_a_categorical(make, active) -> None:
    p = HpProblem(seed=0)
    a = p.add_hyperparameter(["x", "y", "z"], "a")
    c = p.add_hyperparameter((0.0, 1.0), "c")
    p.add_condition(make(a, c))
    for v in p.sample(60):
        assert ("c" in v) is active(v)


def test_numeric_parents_and_conjunctions() -> None:
    p = HpProblem(seed=0)
    n = p.add_hyperparameter((1, 10), "n")
    k = p.add_hyperparameter(["a", "b"], "k")
    gt = p.add_hyperparameter((0.0, 1.0), "gt")
    lt = p.add_hyperparameter((0.0, 1.0), "lt")
    both = p.add_hyperparameter((0.0, 1.0), "both")
    either = p.add_hyperparameter((0.0, 1.0), "either")
    p.add_conditions(
        [
            cs.GreaterThanCondition(gt, n, 5),
            cs.LessThanCondition(lt, n, 3),
            cs.AndConjunction(
                cs.GreaterThanCondition(both, n, 5), cs.EqualsCondition(both, k, "a")
            ),
            cs.OrConjunction(
                cs.LessThanCondition(either, n, 3), cs.EqualsCondition(either, k, "b")
            ),
        ]
    )
    samples = p.sample(150)
    for v in samples:
        assert ("gt" in v) is (v["n"] > 5)
        assert ("lt" in v) is (v["n"] < 3)
        assert ("both" in v) is (v["n"] > 5 and v["k"] == "a")
        assert ("either" in v) is (v["n"] < 3 or v["k"] == "b")
    assert any("both" in v for v in samples) and any("either" not in v for v in samples)
    # ConfigSpace agrees on every sample
    for v in samples[:30]:
        cs.Configuration(p.space, values=v).check_valid_configuration()


def test_forbidden_clauses_and_constraint_fn() -> None:
    p = HpProblem(seed=0)
    a = p.add_hyperparameter(["x", "y"], "a")
    n = p.add_hyperparameter((1, 4), "n")
    m = p.add_hyperparameter((1, 4), "m")
    p.add_forbidden_clause(
        cs.ForbiddenAndConjunction(
            cs.ForbiddenEqualsClause(a, "y"), cs.ForbiddenInClause(n, [1, 2])
        )
    )
    p.add_forbidden_clause(cs.ForbiddenGreaterThanRelation(n, m))
    p.set_constraint_fn(lambda df: df["n"] + df["m"] != 5)
    samples = p.sample(200)
    for v in samples:
        assert not (v["a"] == "y" and v["n"] in (1, 2))
        assert v["n"] <= v["m"] and v["n"] + v["m"] != 5
    assert p.check_configuration({"a": "x", "n": 1, "m": 1})
    assert not p.check_configuration({"a": "y", "n": 1, "m": 3}, raise_if_not_valid=False)
    with pytest.raises(ValueError, match="not valid"):
        p.check_configuration({"a": "x", "n": 3, "m": 2})


def test_inactive_parameters_are_nan_in_results() -> None:
    p = HpProblem()
    n = p.add_hyperparameter((1, 10), "n")
    w = p.add_hyperparameter((0.0, 1.0), "w")
    p.add_condition(cs.GreaterThanCondition(w, n, 5))
    seen = []

    def run(job):
        seen.append(dict(job.parameters))
        return job["n"] + job.parameters.get("w", 0.0)

    df = RandomSearch(p, random_state=0).search(run, max_evals=20)
    assert df["p:w"].isna().eq(df["p:n"] <= 5).all()
    assert all(("w" in s) is (s["n"] > 5) for s in seen)


def test_bad_input_is_a_clear_error() -> None:
    p = HpProblem()
    with pytest.raises(TypeError, match="must be a str"):
        p.add_hyperparameter((0, 1), 3)
    with pytest.raises(ValueError, match="'uniform' or 'log-uniform'"):
        p.add_hyperparameter((0, 1, "normal"), "x")
    with pytest.raises(ValueError, match="'mu' and 'sigma'"):
        p.add_hyperparameter({"mu": 1}, "x")
    with pytest.raises(TypeError, match="cannot read"):
        p.add_hyperparameter(object(), "x")
    with pytest.raises(TypeError, match="ConfigurationSpace"):
        HpProblem(config_space={"x": (0, 1)})
    beta = HpProblem(cs.ConfigurationSpace({"b": cs.BetaFloatHyperparameter("b", 2, 2, 0.0, 1.0)}))
    with pytest.raises(TypeError, match="does not translate"):
        beta.to_space()


def test_to_json_is_configspace_s_description() -> None:
    import json

    p = HpProblem()
    p.add_hyperparameter((1, 10), "n")
    p.add_hyperparameter(["a", "b"], "k")
    d = p.to_json()
    assert json.loads(json.dumps(d)) == d
    assert {h["name"] for h in d["hyperparameters"]} == {"n", "k"}
