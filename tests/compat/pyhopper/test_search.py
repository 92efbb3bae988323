"""PyHopper's Search on hyperhop (hyperhop/pyhopper/search.py, run.py)."""

from __future__ import annotations

import math
import warnings

import pytest

import hyperhop as hh
from hyperhop import pyhopper


def quadratic(p: dict) -> float:
    return -((p["x"] - 1.0) ** 2)


def test_template_from_dicts_and_kwargs() -> None:
    search = pyhopper.Search({"a": pyhopper.int(0, 10)}, {"b": pyhopper.int(0, 10)}, c="hello")
    best = search.run(lambda p: p["a"] + p["b"], "max", steps=30, quiet=True, seed=0)
    assert set(best) == {"a", "b", "c"} and best["c"] == "hello"
    assert search.best_f == best["a"] + best["b"] >= 15


def test_conflicting_keys_are_errors() -> None:
    with pytest.raises(ValueError, match="'a'"):
        pyhopper.merge_dicts({"a": pyhopper.int(0, 10)}, {"a": pyhopper.float(0, 10)})
    with pytest.raises(ValueError):
        pyhopper.Search({"a": pyhopper.int(0, 10)}, a="hello")
    assert pyhopper.merge_dicts({"a": 1}, {"a": 1}) == {"a": 1}


def test_direction_and_budget_are_checked() -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    with pytest.raises(ValueError, match="direction"):
        search.run(quadratic, "up", steps=3)
    with pytest.raises(ValueError, match="exactly one budget"):
        search.run(quadratic, "max", steps=3, runtime=10)
    with pytest.raises(ValueError, match="exactly one budget"):
        search.run(quadratic, "max")


def test_steps_count_evaluations_and_runs_continue() -> None:
    search = pyhopper.Search(x=pyhopper.float(-5, 5))
    search.run(quadratic, "maximize", steps=20, quiet=True, seed=0)
    first = search.best_f
    best = search.run(quadratic, "max", steps=30, quiet=True, seed=1)
    assert len(search.history) == 50
    assert search.best_f >= first and abs(best["x"] - 1) < 0.3
    assert search.history.best_fs == sorted(search.history.best_fs)
    assert search.history.best_f == search.best_f
    assert len(search.history["x"]) == 50


def test_minimize_and_runtime_string() -> None:
    search = pyhopper.Search(x=pyhopper.float(-5, 5))
    best = search.run(lambda p: (p["x"] - 2) ** 2, "min", runtime="0.5s", quiet=True, seed=0)
    assert abs(best["x"] - 2) < 1.0 and len(search.history) > 5


def test_guesses_run_first_and_fill_from_the_best() -> None:
    seen: list[dict] = []
    search = pyhopper.Search(a=pyhopper.int(-10, 10, init=5), b=pyhopper.float(0, 1))
    search += {"b": 2}  # a guess is evaluated as given, even outside the bounds (PyHopper)
    search.enqueue({"a": -3})
    assert search.manual_queue_count == 2
    search.run(lambda p: seen.append(p) or p["a"] * p["b"], "max", steps=6, quiet=True)
    assert seen[0] == {"a": 5, "b": 2} and seen[1] == {"a": -3, "b": 0.5}
    assert search.manual_queue_count == 0
    kinds = search.history.types
    assert kinds[:2] == [pyhopper.CandidateType.MANUALLY_ADDED] * 2
    assert pyhopper.CandidateType.INIT not in kinds


def test_bad_guesses_are_errors() -> None:
    search = pyhopper.Search(g1={"lr": pyhopper.float(0, 1), "x": 1}, g2={"d": pyhopper.int(0, 10)})
    with pytest.raises(ValueError, match="dict"):
        search += {"g2": 1}
    with pytest.raises(ValueError, match="Search\\(zz=None"):
        search += {"zz": 1}
    with pytest.raises(ValueError, match="dummy parameter"):
        search += {"g1": {"x": 2}}


def test_none_is_a_dummy_parameter_for_guesses() -> None:
    search = pyhopper.Search(lr=None)
    for lr in (0.1, 0.2, 0.3):
        search += {"lr": lr}
    best = search.run(
        lambda p: -abs(p["lr"] - 0.2), "max", steps=search.manual_queue_count, quiet=True
    )
    assert best == {"lr": 0.2} and len(search.history) == 3


def test_setitem_freezes_a_parameter() -> None:
    search = pyhopper.Search(a=pyhopper.int(-10, 10, init=5), b=pyhopper.float(0, 1))
    search["a"] = search.best["a"]
    search.run(lambda p: p["a"] * p["b"], "max", steps=10, quiet=True, seed=0)
    search["a"] = 3
    seen: list[dict] = []
    search.run(lambda p: seen.append(p) or p["a"] * p["b"], "max", steps=10, quiet=True, seed=1)
    assert {c["a"] for c in seen} == {3}
    assert search.best_f >= 0


def test_pyhoppers_conditional_example() -> None:
    # two branches with their own "lr": distinct parameters with their own ranges
    search = pyhopper.Search(
        opt=pyhopper.choice(
            {"type": "adam", "lr": pyhopper.float(1e-5, 1e-2, log=True)},
            {
                "type": "sgd",
                "lr": pyhopper.float(1e-4, 1e-1, log=True),
                "momentum": pyhopper.float(0, 1),
            },
        )
    )
    seen: list[dict] = []

    def objective(p: dict) -> float:
        seen.append(p)
        o = p["opt"]
        return -abs(math.log10(o["lr"]) + 3) - (o["type"] == "sgd") * (1 - o.get("momentum", 0))

    search.run(objective, "max", steps=40, quiet=True, seed=0)
    assert {c["opt"]["type"] for c in seen} == {"adam", "sgd"}
    for c in seen:
        lo = 1e-5 if c["opt"]["type"] == "adam" else 1e-4
        assert lo <= c["opt"]["lr"] <= lo * 1000
    assert search.study is not None
    assert {"opt.0.lr", "opt.1.lr"} <= set(search.study.space.labels)


def test_kwargs_reach_the_objective() -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    best = search.run(
        lambda p, shift: -((p["x"] - shift) ** 2),
        "max",
        steps=20,
        kwargs={"shift": 0.25},
        quiet=True,
    )
    assert abs(best["x"] - 0.25) < 0.2


def test_callbacks_see_every_event() -> None:
    events: list[str] = []

    class Spy(pyhopper.callbacks.Callback):
        def on_search_start(self, search: object) -> None:
            events.append("start")

        def on_evaluate_start(self, candidate: dict, info: object) -> None:
            events.append("eval")

        def on_evaluate_end(self, candidate: dict, f: float, info: pyhopper.ParamInfo) -> None:
            events.append("end")

        def on_new_best(self, new_best: dict, f: float, info: object) -> None:
            events.append("best")

        def on_evaluate_pruned(self, candidate: dict, info: pyhopper.ParamInfo) -> None:
            assert info.is_pruned
            events.append("pruned")

        def on_search_end(self) -> None:
            events.append("stop")

    def objective(p: dict) -> float:
        if p["x"] > 0.9:
            raise pyhopper.PruneEvaluation()
        return p["x"]

    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(objective, "max", steps=30, callbacks=[Spy()], quiet=True, seed=3)
    assert events[0] == "start" and events[-1] == "stop"
    assert events.count("eval") == 30
    assert events.count("end") + events.count("pruned") == 30 and events.count("pruned") >= 1
    assert 1 <= events.count("best") <= events.count("end")
    assert search.history.types[0] is pyhopper.CandidateType.INIT


def test_nan_is_an_error_unless_ignored() -> None:
    calls = [0]

    def objective(p: dict) -> float:
        calls[0] += 1
        return math.nan if calls[0] % 3 == 1 else p["x"]

    search = pyhopper.Search(x=pyhopper.float(0, 1))
    with pytest.raises(ValueError, match="ignore_nans=True"):
        search.run(objective, "max", steps=5, quiet=True)
    nans: list[dict] = []

    class Nan(pyhopper.callbacks.Callback):
        def on_evaluate_nan(self, candidate: dict, info: pyhopper.ParamInfo) -> None:
            assert info.is_nan
            nans.append(candidate)

    calls[0] = 0
    search.run(objective, "max", steps=9, ignore_nans=True, callbacks=[Nan()], quiet=True)
    assert len(nans) == 3 and search.best_f is not None


def test_generators_are_pruned_by_topk() -> None:
    epochs: list[int] = []

    def objective(p: dict):
        for i in range(10):
            epochs.append(i)
            yield -((p["x"] - 4) ** 2) * (i + 1)

    search = pyhopper.Search(x=pyhopper.float(0, 10))
    pruner = pyhopper.pruners.TopKPruner(3)
    search.run(objective, "max", steps=40, pruner=pruner, quiet=True, seed=0)
    assert len(epochs) < 40 * 10
    assert abs(search.best["x"] - 4) < 1.0
    assert len(pruner.state_dict()["records"]) == 40


def test_should_prune_in_a_plain_objective() -> None:
    def objective(p: dict) -> float:
        for i in range(10):
            if pyhopper.should_prune(p["x"] * i):
                raise pyhopper.PruneEvaluation()
        return p["x"] * 9

    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(
        objective, "max", steps=40, pruner=pyhopper.pruners.QuantilePruner(0.5), quiet=True, seed=0
    )
    pruned = [t for t in search.study.trials if t.state is hh.TrialState.PRUNED]
    assert pruned and search.best_f > 7


def test_a_pruner_needs_intermediate_values() -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    with pytest.raises(ValueError, match="no intermediate value"):
        search.run(
            lambda p: p["x"], "max", steps=5, pruner=pyhopper.pruners.TopKPruner(2), quiet=True
        )


def test_wrap_n_times() -> None:
    f = pyhopper.wrap_n_times(lambda p: p["x"], 3, yield_after=1)
    assert list(f({"x": 2.0})) == [2.0, 2.0]
    median = pyhopper.wrap_n_times(
        lambda p, i: p["x"] * i, 3, reduction="median", pass_index_arg=True, yield_after=None
    )
    assert median({"x": 1.0}) == 1.0  # PyHopper's yield_after=None lost the result
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(pyhopper.wrap_n_times(quadratic, 3), "max", steps=10, quiet=True, seed=0)
    assert search.best_f is not None


def test_threads_and_per_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    search.run(quadratic, "max", steps=12, n_jobs=3, quiet=True, seed=0)
    assert len(search.history) == 12
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ValueError, match="GPU"):
        search.run(quadratic, "max", steps=2, n_jobs="per-gpu", quiet=True)


def test_pyhoppers_former_argument_names_warn() -> None:
    search = pyhopper.Search(x=pyhopper.float(0, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.run(quadratic, "max", max_steps=4, quiet=True)
    assert any("steps=" in str(w.message) for w in caught) and len(search.history) == 4
    with pytest.raises(TypeError, match="unexpected keyword"):
        search.run(quadratic, "max", steps=1, nonsense=1)


def test_endless_mode_ends_on_ctrl_c() -> None:
    calls = [0]

    def objective(p: dict) -> float:
        calls[0] += 1
        if calls[0] == 8:
            raise KeyboardInterrupt
        return p["x"]

    search = pyhopper.Search(x=pyhopper.float(0, 1))
    best = search.run(objective, "max", endless_mode=True, quiet=True, seed=0)
    assert len(search.history) == 7 and best == search.best


def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    pyhopper.Search(x=pyhopper.float(0, 1)).run(quadratic, "max", steps=3, quiet=True)
    assert capsys.readouterr().out == ""


def test_classes_and_own_types_inside_choice_options() -> None:
    class Model:
        pass

    class Odd(pyhopper.Parameter):
        initial_value = 1

        def sample(self) -> int:
            return 3

        def mutate(self, value: int, temperature: float) -> int:
            return value + 2

    shared = pyhopper.float(0, 1)
    search = pyhopper.Search(
        m=pyhopper.choice({"cls": Model, "n": Odd(), "x": shared}, {"cls": dict, "x": shared}),
    )
    seen: list[dict] = []
    search.run(lambda p: seen.append(p) or p["m"]["x"], "max", steps=15, quiet=True, seed=0)
    assert {c["m"]["cls"] for c in seen} == {Model, dict}
    assert all(c["m"]["n"] % 2 == 1 for c in seen if c["m"]["cls"] is Model)
    assert "m.x" in search.study.space.labels  # the shared object is one parameter
