"""hyperhop.optuna beyond the tutorials: define-by-run sampling, errors, storages."""

from __future__ import annotations

import logging

import pytest

from hyperhop import optuna


def test_grid_covers_every_combination() -> None:
    study = optuna.create_study(
        sampler=optuna.samplers.GridSampler({"x": [0, 1, 2], "k": ["a", "b"]}, seed=0)
    )
    study.optimize(
        lambda t: t.suggest_int("x", 0, 2) + (t.suggest_categorical("k", ["a", "b"]) == "b"),
        n_trials=6,
    )
    assert sorted((t.params["x"], t.params["k"]) for t in study.trials) == [
        (x, k) for x in range(3) for k in ("a", "b")
    ]


def test_independent_parameters_draw_from_their_own_streams() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=8)
    assert any(t.params["x"] != t.params["y"] for t in study.trials)
    again = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    again.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=8)
    assert [t.params for t in again.trials] == [t.params for t in study.trials]  # seeded


def test_relative_sampling_models_the_shared_parameters() -> None:
    def objective(trial: optuna.trial.Trial) -> float:
        x = trial.suggest_float("x", -3, 3)
        y = trial.suggest_float("y", -3, 3)
        return (x - 1) ** 2 + (y + 1) ** 2

    study = optuna.create_study(
        sampler=optuna.samplers.TPESampler(seed=0, multivariate=True, n_startup_trials=5)
    )
    study.optimize(objective, n_trials=40)
    assert study.best_value < 0.5
    # the relative samples are what the trials used: stored as the core trial's params
    late = study.study.trials[-1]
    assert set(late.params) == {"x", "y"} and late.params["x"]["v"] == study.trials[-1].params["x"]


def test_bad_suggestions_name_the_fix() -> None:
    study = optuna.create_study()
    trial = study.ask()
    with pytest.raises(ValueError, match="low <= high"):
        trial.suggest_float("a", 2, 1)
    with pytest.raises(ValueError, match="log=True"):
        trial.suggest_float("b", 0, 1, log=True)
    with pytest.raises(ValueError, match="choices must be"):
        trial.suggest_categorical("c", [object()])
    trial.suggest_float("d", 0, 1)
    with pytest.raises(ValueError, match="one distribution per trial"):
        trial.suggest_int("d", 0, 1)
    assert trial.suggest_float("e", 0.5, 0.5) == 0.5


def test_samplers_and_storages_are_checked() -> None:
    with pytest.raises(TypeError, match="TPESampler"):
        optuna.create_study(sampler="tpe")
    with pytest.raises(TypeError, match="sqlite"):
        optuna.create_study(storage=3.5)
    with pytest.raises(ValueError, match="direction"):
        optuna.create_study(direction="up")


def test_journal_and_rdb_storage_objects(tmp_path) -> None:
    backend = optuna.storages.JournalFileBackend(tmp_path / "j.jsonl")
    study = optuna.create_study(study_name="j", storage=optuna.storages.JournalStorage(backend))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    optuna.create_study(study_name="r", storage=optuna.storages.RDBStorage(url)).optimize(
        lambda t: float(t.suggest_categorical("c", [1, "two", None]) is None), n_trials=4
    )
    loaded = optuna.load_study(study_name="r", storage=url)
    assert {type(t.params["c"]) for t in loaded.trials} <= {int, str, type(None)}
    memory = optuna.storages.InMemoryStorage()
    optuna.create_study(study_name="m", storage=memory).optimize(
        lambda t: t.suggest_int("n", 0, 3), n_trials=2
    )
    assert len(optuna.load_study(study_name="m", storage=memory).trials) == 2


def test_tell_fail_and_multi_objective_values() -> None:
    study = optuna.create_study(directions=["minimize", "maximize"])
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    assert study.tell(trial, [1.0, 2.0]).values == [1.0, 2.0]
    failed = study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    assert failed.state == optuna.trial.TrialState.FAIL


def test_enqueue_skip_if_exists_and_logging() -> None:
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.25}, skip_if_exists=True)
    study.enqueue_trial({"x": 0.25}, skip_if_exists=True)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert [t.params["x"] for t in study.trials].count(0.25) == 1
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    assert logging.getLogger("hyperhop").level == logging.WARNING
    optuna.logging.set_verbosity(logging.NOTSET)


def test_trials_dataframe_columns() -> None:
    study = optuna.create_study()

    def objective(trial: optuna.trial.Trial) -> float:
        trial.set_user_attr("tag", "t")
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=2)
    df = study.trials_dataframe()
    assert list(df.columns) == [
        "number",
        "value",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params_x",
        "user_attrs_tag",
        "state",
    ]
    assert list(df["state"]) == ["COMPLETE", "COMPLETE"]


def test_parallel_trials_do_not_repeat_each_other() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=16, n_jobs=4)
    xs = [t.params["x"] for t in study.trials]
    assert len(set(xs)) == len(xs) == 16
    gp = optuna.create_study(
        sampler=optuna.samplers.TPESampler(seed=0, multivariate=True, n_startup_trials=4)
    )
    gp.optimize(
        lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=16, n_jobs=4
    )
    pairs = [(t.params["x"], t.params["y"]) for t in gp.trials]
    assert len(set(pairs)) == 16
