"""The study's multi-objective API: named objectives, Pareto front, hypervolume, outcome
constraints (best and pareto_front ignore infeasible trials)."""

from __future__ import annotations

import math

import pytest

import hyperhop as hh
from hyperhop.multiobjective.constraints import CONSTRAINTS_KEY, is_feasible
from hyperhop.storage import MemoryStorage
from hyperhop.study.results import interpret
from hyperhop.trial import TrialState

SPACE = {"x": hh.float(0.0, 1.0)}


def tell_all(study: hh.Study, results: list[object]) -> None:
    for r in results:
        study.tell(study.ask(), r)


def test_pareto_front_and_hypervolume_by_hand() -> None:
    study = hh.Study(SPACE, directions=["min", "max"], seed=0, algo="random")
    tell_all(study, [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (2.0, 3.0), (4.0, 4.0), (5.0, 0.0)])
    front = study.pareto_front()
    assert [t.number for t in front] == [0, 1, 3, 4]
    assert all(t.state is TrialState.COMPLETE for t in front)
    # in the study's own units: min the first up to 5, max the second down to 0
    # boxes: (1..5) x (0..1) = 4, (2..5) x (1..3) = 6, (4..5) x (3..4) = 1
    assert study.hypervolume([5.0, 0.0]) == pytest.approx(11.0)
    assert study.hypervolume([0.0, 10.0]) == 0.0  # a reference that nothing beats
    with pytest.raises(ValueError, match="coordinate"):
        study.hypervolume([1.0])
    with pytest.raises(ValueError, match="pareto_front"):
        _ = study.best


def test_three_objectives() -> None:
    study = hh.Study(SPACE, directions=["min", "min", "min"], seed=0, algo="random")
    tell_all(study, [(0, 1, 1), (1, 0, 1), (1, 1, 0), (1, 1, 1), (2, 2, 2)])
    assert [t.number for t in study.pareto_front()] == [0, 1, 2]
    assert study.hypervolume([2, 2, 2]) == pytest.approx(4.0)  # three unit-slab unions: 8 - 4


def test_single_objective_front_and_empty_study() -> None:
    study = hh.Study(SPACE, seed=0, algo="random")
    assert study.pareto_front() == []
    tell_all(study, [3.0, 1.0, 2.0, 1.0])
    assert [t.number for t in study.pareto_front()] == [1, 3]
    assert study.hypervolume([4.0]) == 3.0


def test_failed_and_running_trials_are_not_on_the_front() -> None:
    study = hh.Study(SPACE, directions=["min", "min"], seed=0, algo="random")
    tell_all(study, [(1.0, 1.0), RuntimeError("boom"), TrialState.PRUNED])
    study.ask()
    assert [t.number for t in study.pareto_front()] == [0]


def test_named_objectives_follow_the_declared_order() -> None:
    study = hh.Study(SPACE, directions={"acc": "max", "ms": "min"}, seed=0, algo="random")
    assert study.objective_names == ("acc", "ms")
    t = study.tell(study.ask(), {"ms": 12.0, "acc": 0.9})
    assert t.state is TrialState.COMPLETE and t.values == (0.9, 12.0)
    t = study.tell(study.ask(), {"values": {"acc": 0.8, "ms": 3.0}, "epoch": 4})
    assert t.values == (0.8, 3.0) and t.user_attrs == {"epoch": 4}
    bad = study.tell(study.ask(), {"accuracy": 0.9, "ms": 1.0})
    assert bad.state is TrialState.FAILED and bad.error is not None
    assert bad.error.reason == "invalid_value" and "acc" in bad.error.message


def test_names_are_recorded_by_the_first_named_result_and_kept_in_storage() -> None:
    storage = MemoryStorage()
    study = hh.Study(SPACE, directions=["max", "min"], storage=storage, name="s", algo="random")
    assert study.objective_names is None
    study.tell(study.ask(), {"acc": 0.5, "ms": 2.0})
    again = hh.Study(SPACE, directions=["max", "min"], storage=storage, name="s", algo="random")
    assert again.objective_names == ("acc", "ms")
    t = again.tell(again.ask(), {"ms": 1.0, "acc": 0.7})
    assert t.values == (0.7, 1.0)
    with pytest.raises(ValueError, match="names its objectives"):
        hh.Study(SPACE, directions={"a": "max", "b": "min"}, storage=storage, name="s")


def test_named_objectives_through_optimize() -> None:
    study = hh.Study(SPACE, directions={"err": "min", "size": "min"}, seed=1, algo="random")
    study.optimize(lambda c: {"size": 1 - c["x"], "err": c["x"] ** 2}, n_trials=10, progress=False)
    for t in study.trials:
        assert t.values == pytest.approx((t.config["x"] ** 2, 1 - t.config["x"]))
    assert len(study.pareto_front()) == 10  # a trade-off curve: every point is optimal


def test_interpret_named_and_constraints() -> None:
    out = interpret({"a": 1, "b": 2, "constraints": [0.0, -1]}, 2)
    assert out.values == (1.0, 2.0) and out.names == ("a", "b")
    assert out.system_attrs == {CONSTRAINTS_KEY: [0.0, -1.0]} and out.user_attrs == {}
    out = interpret({"loss": 1.0, "constraints": 0.5})
    assert out.values == (1.0,) and out.system_attrs[CONSTRAINTS_KEY] == [0.5]
    bad = interpret({"loss": 1.0, "constraints": [float("nan")]})
    assert bad.state is TrialState.FAILED and "constraints" in bad.error.message  # type: ignore[union-attr]
    bad = interpret({"a": 1.0}, 1)  # one objective: a dict needs 'loss' or 'value'
    assert bad.state is TrialState.FAILED and "'loss'" in bad.error.message  # type: ignore[union-attr]
    bad = interpret({"a": 1.0, "b": 2.0, "c": 3.0}, 2)
    assert bad.state is TrialState.FAILED and "3 value" in bad.error.message  # type: ignore[union-attr]


def test_best_ignores_infeasible_trials() -> None:
    study = hh.Study(SPACE, seed=0, algo="random")
    tell_all(
        study,
        [
            {"loss": 5.0, "constraints": [-1.0]},
            {"loss": 1.0, "constraints": [0.1]},  # better but infeasible
            {"loss": 3.0, "constraints": [0.0, -2.0]},  # feasible on the boundary
            {"loss": 0.5, "constraints": [-1.0, 1e-9]},
        ],
    )
    assert study.best.number == 2 and study.best_value == 3.0
    trials = study.trials
    assert [is_feasible(t) for t in trials] == [True, False, True, False]
    assert trials[1].system_attrs[CONSTRAINTS_KEY] == [0.1]


def test_best_raises_when_nothing_is_feasible() -> None:
    study = hh.Study(SPACE, seed=0, algo="random")
    tell_all(study, [{"loss": 1.0, "constraints": 1.0}])
    with pytest.raises(hh.exceptions.NoCompletedTrialsError, match="constraints"):
        _ = study.best


def test_pareto_front_ignores_infeasible_trials() -> None:
    study = hh.Study(SPACE, directions=["min", "min"], seed=0, algo="random")
    tell_all(
        study,
        [
            {"values": [1.0, 1.0], "constraints": [2.0]},  # would dominate everything
            {"values": [2.0, 3.0], "constraints": [-1.0]},
            {"values": [3.0, 2.0]},
            {"values": [4.0, 4.0], "constraints": [0.0]},
        ],
    )
    assert [t.number for t in study.pareto_front()] == [1, 2]
    assert study.hypervolume([5.0, 5.0]) == pytest.approx(3 * 2 + 2 * 1)


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_constraints_and_names_survive_a_persistent_storage(tmp_path: object, kind: str) -> None:
    url = f"sqlite:///{tmp_path}/mo.db" if kind == "sqlite" else f"journal:///{tmp_path}/mo.jsonl"
    study = hh.Study(SPACE, directions=["min", "min"], storage=url, name="c", algo="random")
    study.optimize(
        lambda c: {"a": c["x"], "b": 1 - c["x"], "constraints": [c["x"] - 0.5]},
        n_trials=12,
        progress=False,
    )
    again = hh.Study(SPACE, directions=["min", "min"], storage=url, name="c", algo="random")
    assert again.objective_names == ("a", "b")
    front = again.pareto_front()
    assert front and all(t.config["x"] <= 0.5 for t in front)
    assert all(math.isfinite(v) for t in front for v in t.values or ())
