"""importance() on studies whose objective has a known variance decomposition (inputs
drawn uniformly by the random sampler): the fANOVA shares match the analytic ones within
0.05; PED-ANOVA ranks the parameters alike."""

from __future__ import annotations

import math

import pytest

import hyperhop as hh
from hyperhop.importance import Importance, importance

TOL = 0.05


def _study(objective, space, n=400, **kw):  # type: ignore[no-untyped-def]
    return hh.minimize(objective, space, n_trials=n, algo="random", seed=0, progress=False, **kw)


def test_linear_with_an_unused_parameter() -> None:
    s = _study(
        lambda c: 3 * c["a"] + c["b"],
        {"a": hh.float(0, 1), "b": hh.float(0, 1), "c": hh.float(0, 1)},
    )
    imp = importance(s)
    assert imp.params == ("a", "b", "c")
    assert imp["a"] == pytest.approx(0.9, abs=TOL)  # 9/12 against 1/12
    assert imp["b"] == pytest.approx(0.1, abs=TOL)
    assert imp["c"] < TOL
    assert sum(imp.shares) == pytest.approx(1.0)
    assert importance(s, "ped_anova").params[0] == "a"


def test_a_choice_and_a_log_scaled_float() -> None:
    # Var over options {0, 2, 4} = 8/3; log10(lr) uniform on [-4, 0]: Var = 16/12
    effect = {"x": 0.0, "y": 2.0, "z": 4.0}
    s = _study(
        lambda c: effect[c["k"]] + math.log10(c["lr"]),
        {"k": hh.choice("x", "y", "z"), "lr": hh.float(1e-4, 1.0, log=True)},
    )
    imp = importance(s)
    assert imp["k"] == pytest.approx((8 / 3) / (8 / 3 + 16 / 12), abs=TOL)
    assert imp["lr"] == pytest.approx((16 / 12) / (8 / 3 + 16 / 12), abs=TOL)


def test_a_maximized_study_and_each_objective_of_a_multi_objective_one() -> None:
    space = {"a": hh.float(0, 1), "b": hh.float(0, 1)}
    s = hh.Study(space, directions={"acc": "max", "ms": "min"}, algo="random", seed=0)
    s.optimize(
        lambda c: {"acc": 4 * c["a"] + c["b"], "ms": c["a"] + 4 * c["b"]},
        n_trials=300,
        progress=False,
    )
    acc, ms = importance(s, objective="acc"), importance(s, objective=1)
    assert acc.params[0] == "a" and ms.params[0] == "b"
    assert acc["a"] == pytest.approx(16 / 17, abs=TOL) and ms.objective == "ms"
    assert importance(s, "ped_anova", objective="acc").params[0] == "a"


def test_a_subset_of_trials() -> None:
    # b matters only where a > 0.5: within that subset, it is most of the variance
    s = _study(
        lambda c: c["a"] + (10 * c["b"] if c["a"] > 0.5 else 0.0),
        {"a": hh.float(0, 1), "b": hh.float(0, 1)},
    )
    upper = importance(s, trials=lambda t: t.config["a"] > 0.5)
    assert upper["b"] > 0.9
    numbers = [t.number for t in s.trials if t.config["a"] <= 0.5]
    lower = importance(s, trials=numbers)
    assert lower["a"] > 0.9 and lower.n_trials == len(numbers)


def test_conditional_parameters_explain_nothing_where_inactive() -> None:
    space = {
        "m": hh.choice(
            {"kind": "svm", "C": hh.float(0, 1)}, {"kind": "tree", "depth": hh.int(1, 9)}
        )
    }
    s = _study(lambda c: 2.0 if c["m"]["kind"] == "svm" else c["m"]["depth"] / 9, space)
    imp = importance(s)
    assert imp["m.C"] < TOL  # C never matters (and is noise where inactive)
    assert imp.params[0] == "m"
    ped = importance(s, "ped_anova")
    assert ped["m.C"] < ped["m"]


def test_result_and_errors() -> None:
    s = _study(lambda c: c["a"], {"a": hh.float(0, 1), "b": hh.float(0, 1)}, n=30)
    imp = importance(s, params=["a"])
    assert isinstance(imp, Importance) and imp.to_dict() == {"a": 1.0}
    assert "a=1.000" in repr(imp)
    with pytest.raises(ValueError, match="must be one of \\['fanova', 'ped_anova'\\]"):
        importance(s, "shap")
    with pytest.raises(ValueError, match="no parameter 'z'"):
        importance(s, params=["z"])
    with pytest.raises(ValueError, match="at least 2 completed trials"):
        importance(s, trials=[0])
    with pytest.raises(TypeError, match="trials, trial numbers or a predicate"):
        importance(s, trials=3)  # type: ignore[arg-type]
