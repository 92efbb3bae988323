"""Optuna's first tutorials and pruning examples, with one import changed.

Written from Optuna's public tutorials (10_key_features and 20_recipes); each keeps the
tutorial's code as users copy it, only ``import optuna`` became
``from hyperhop import optuna``. Budgets are smaller so that the suite stays fast.
"""

from __future__ import annotations

import pytest

from hyperhop import optuna  # the only change: was `import optuna`


def test_first_optimization() -> None:
    # 001_first: minimize (x - 2)^2
    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        return (x - 2) ** 2

    study = optuna.create_study()
    study.optimize(objective, n_trials=60)

    best_params = study.best_params
    found_x = best_params["x"]
    assert abs(found_x - 2) < 0.5
    assert study.best_value == min(t.value for t in study.trials)
    assert study.best_trial.params == best_params
    assert len(study.trials) == 60

    study.optimize(objective, n_trials=20)  # continue the same study
    assert len(study.trials) == 80


def test_pythonic_search_space() -> None:
    # 002_configurations: categorical, int, float (log, step), branches and loops
    def objective(trial):
        optimizer = trial.suggest_categorical("optimizer", ["MomentumSGD", "Adam"])
        num_layers = trial.suggest_int("num_layers", 1, 3)
        num_channels = trial.suggest_int("num_channels", 32, 512, log=True)
        num_units = trial.suggest_int("num_units", 10, 100, step=5)
        dropout_rate = trial.suggest_float("dropout_rate", 0.0, 1.0)
        learning_rate = trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)
        drop_path_rate = trial.suggest_float("drop_path_rate", 0.0, 1.0, step=0.1)

        classifier_name = trial.suggest_categorical("classifier", ["SVC", "RandomForest"])
        if classifier_name == "SVC":
            svc_c = trial.suggest_float("svc_c", 1e-10, 1e10, log=True)
            score = abs(svc_c - 1.0) / 1e10
        else:
            rf_max_depth = trial.suggest_int("rf_max_depth", 2, 32, log=True)
            score = rf_max_depth / 32

        layers = []
        for i in range(num_layers):
            n_units = trial.suggest_int(f"n_units_l{i}", 4, 128, log=True)
            layers.append(n_units)

        assert optimizer in ("MomentumSGD", "Adam")
        assert 32 <= num_channels <= 512 and num_units % 5 == 0
        assert 0 <= dropout_rate <= 1 and 1e-5 <= learning_rate <= 1e-2
        assert round(drop_path_rate * 10) == pytest.approx(drop_path_rate * 10)
        return score + sum(layers) / 1000 + learning_rate

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=30)
    kinds = {t.params["classifier"] for t in study.trials}
    assert kinds == {"SVC", "RandomForest"}
    for t in study.trials:
        assert ("svc_c" in t.params) == (t.params["classifier"] == "SVC")
        assert ("rf_max_depth" in t.params) == (t.params["classifier"] == "RandomForest")
        assert all(f"n_units_l{i}" in t.params for i in range(t.params["num_layers"]))
        assert not any(f"n_units_l{i}" in t.params for i in range(t.params["num_layers"], 3))


def test_samplers_and_pruning_with_sgd() -> None:
    # 003_efficient_optimization_algorithms: MedianPruner on SGDClassifier / iris
    import sklearn.datasets
    import sklearn.linear_model
    import sklearn.model_selection

    def objective(trial):
        iris = sklearn.datasets.load_iris()
        classes = list(set(iris.target))
        train_x, valid_x, train_y, valid_y = sklearn.model_selection.train_test_split(
            iris.data, iris.target, test_size=0.25, random_state=0
        )

        alpha = trial.suggest_float("alpha", 1e-5, 1e-1, log=True)
        clf = sklearn.linear_model.SGDClassifier(alpha=alpha, random_state=0)

        for step in range(30):
            clf.partial_fit(train_x, train_y, classes=classes)

            # Report intermediate objective value.
            intermediate_value = 1.0 - clf.score(valid_x, valid_y)
            trial.report(intermediate_value, step)

            # Handle pruning based on the intermediate value.
            if trial.should_prune():
                raise optuna.TrialPruned()

        return 1.0 - clf.score(valid_x, valid_y)

    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=20)
    pruned = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.PRUNED])
    complete = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.COMPLETE])
    assert len(pruned) + len(complete) == 20 and pruned and complete
    assert all(t.last_step is not None and t.last_step < 29 for t in pruned)
    assert study.best_value < 0.5

    for sampler in (optuna.samplers.RandomSampler(seed=0), optuna.samplers.QMCSampler(seed=0)):
        study = optuna.create_study(sampler=sampler, pruner=optuna.pruners.NopPruner())
        study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=10)
        assert len(study.trials) == 10


def test_hyperband_and_successive_halving() -> None:
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        for step in range(27):
            trial.report(1.0 / (1 + lr * (step + 1)), step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return 1.0 / (1 + lr * 27)

    for pruner in (
        optuna.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3),
        optuna.pruners.SuccessiveHalvingPruner(),
        optuna.pruners.PercentilePruner(25.0, n_startup_trials=3),
        optuna.pruners.ThresholdPruner(upper=0.99),
    ):
        study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=1))
        study.optimize(objective, n_trials=15)
        states = [t.state for t in study.trials]
        assert len(states) == 15
        assert optuna.trial.TrialState.PRUNED in states, pruner


def test_rdb_save_and_resume(tmp_path) -> None:
    # 001_rdb: a study in SQLite, resumed by name, its trials as a DataFrame
    study_name = "example-study"
    storage_name = f"sqlite:///{tmp_path / study_name}.db"
    study = optuna.create_study(study_name=study_name, storage=storage_name)

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        return (x - 2) ** 2

    study.optimize(objective, n_trials=3)

    study = optuna.create_study(study_name=study_name, storage=storage_name, load_if_exists=True)
    study.optimize(objective, n_trials=3)
    df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    assert list(df.columns) == ["number", "value", "params_x", "state"]
    assert len(df) == 6 and set(df["state"]) == {"COMPLETE"}

    loaded = optuna.load_study(study_name=study_name, storage=storage_name)
    assert loaded.best_params == study.best_params and len(loaded.trials) == 6
    loaded.optimize(objective, n_trials=2)
    assert len(loaded.trials) == 8
    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        optuna.create_study(study_name=study_name, storage=storage_name)
    with pytest.raises(KeyError):
        optuna.load_study(study_name="absent", storage=storage_name)


def test_multi_objective() -> None:
    # 002_multi_objective: minimize one value, maximize another
    def objective(trial):
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)
        v0 = 4 * x**2 + 4 * y**2
        v1 = (x - 5) ** 2 + (y - 5) ** 2
        return v0, -v1

    study = optuna.create_study(directions=["minimize", "maximize"])
    study.optimize(objective, n_trials=30)
    assert len(study.best_trials) >= 1
    for t in study.best_trials:
        assert len(t.values) == 2
    assert study.directions == [
        optuna.study.StudyDirection.MINIMIZE,
        optuna.study.StudyDirection.MAXIMIZE,
    ]
    with pytest.raises(RuntimeError):
        _ = study.best_trial


def test_user_attributes() -> None:
    # 003_attributes
    study = optuna.create_study(storage="sqlite:///:memory:")
    study.set_user_attr("contributors", ["Akiba", "Sano"])
    study.set_user_attr("dataset", "MNIST")
    assert study.user_attrs == {"contributors": ["Akiba", "Sano"], "dataset": "MNIST"}

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("accuracy", 1 - x)
        return x

    study.optimize(objective, n_trials=3)
    assert study.trials[0].user_attrs["accuracy"] == 1 - study.trials[0].params["x"]


def test_ask_and_tell() -> None:
    # 009_ask_and_tell
    study = optuna.create_study(direction="maximize")
    n_trials = 10
    for _ in range(n_trials):
        trial = study.ask()  # `trial` is a `Trial` and not a `FrozenTrial`.
        c = trial.suggest_float("C", 1e-7, 10.0, log=True)
        solver = trial.suggest_categorical("solver", ("lbfgs", "saga"))
        accuracy = -abs(c - 1.0) - (solver == "saga") * 0.1
        study.tell(trial, accuracy)  # tell the pair of trial and objective value
    assert len(study.trials) == n_trials and study.best_value <= 0

    distributions = {
        "C": optuna.distributions.FloatDistribution(1e-7, 10.0, log=True),
        "solver": optuna.distributions.CategoricalDistribution(("lbfgs", "saga")),
    }
    trial = study.ask(distributions)  # the parameters are sampled at once
    assert 1e-7 <= trial.params["C"] <= 10 and trial.params["solver"] in ("lbfgs", "saga")
    study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    assert study.trials[-1].state == optuna.trial.TrialState.PRUNED


def test_enqueue_trial() -> None:
    # 008_specify_params
    def objective(trial):
        bagging_fraction = trial.suggest_float("bagging_fraction", 0.4, 1.0)
        bagging_freq = trial.suggest_int("bagging_freq", 0, 7)
        min_child_samples = trial.suggest_int("min_child_samples", 5, 100)
        return bagging_fraction + bagging_freq + min_child_samples / 100

    study = optuna.create_study(direction="maximize")
    study.enqueue_trial({"bagging_fraction": 1.0, "bagging_freq": 0, "min_child_samples": 20})
    study.enqueue_trial({"bagging_fraction": 0.75, "bagging_freq": 5, "min_child_samples": 20})
    study.optimize(objective, n_trials=5)
    assert study.trials[0].params == {
        "bagging_fraction": 1.0,
        "bagging_freq": 0,
        "min_child_samples": 20,
    }
    assert study.trials[1].params["bagging_freq"] == 5


def test_callback_stops_after_pruned_trials() -> None:
    # 007_optuna_callback: stop the study once enough trials were pruned
    class StopWhenTrialKeepBeingPrunedCallback:
        def __init__(self, threshold: int):
            self.threshold = threshold
            self._consequtive_pruned_count = 0

        def __call__(self, study, trial) -> None:
            if trial.state == optuna.trial.TrialState.PRUNED:
                self._consequtive_pruned_count += 1
            else:
                self._consequtive_pruned_count = 0
            if self._consequtive_pruned_count >= self.threshold:
                study.stop()

    def objective(trial):
        if trial.number > 4:
            raise optuna.TrialPruned()
        return trial.suggest_float("x", 0, 1)

    study_stop_cb = StopWhenTrialKeepBeingPrunedCallback(2)
    study = optuna.create_study()
    study.optimize(objective, n_trials=10, callbacks=[study_stop_cb])
    assert len(study.trials) == 7


def test_reuse_the_best_trial() -> None:
    # 010_reuse_best_trial: run the objective again on study.best_trial
    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        return x**2

    study = optuna.create_study()
    study.optimize(objective, n_trials=10)
    assert objective(study.best_trial) == study.best_value
    assert objective(optuna.trial.FixedTrial({"x": 0.5})) == 0.25


def test_timeout_catch_and_threads() -> None:
    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        if x > 0.8:
            raise ValueError("unstable")
        return x**2

    study = optuna.create_study()
    study.optimize(objective, timeout=0.5, n_jobs=2, catch=(ValueError,))
    assert len(study.trials) > 2
    failed = study.get_trials(states=[optuna.trial.TrialState.FAIL])
    assert all(t.params["x"] > 0.8 for t in failed)
    with pytest.raises(ValueError, match="unstable"):
        study.optimize(lambda t: objective(optuna.trial.FixedTrial({"x": 0.9})), n_trials=1)
