from __future__ import annotations

import pytest

import hyperhop as hh
from tests.conftest import require_module

from ._helpers import run_failing, run_rates


@pytest.fixture(scope="module")
def data():
    require_module("lightgbm", "lightgbm")
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return X[:400], y[:400], X[400:], y[400:]


def _objective(data, monitor="binary_logloss", seen=None):
    import lightgbm as lgb

    from hyperhop.integration.lightgbm import LightGBMPruningCallback

    X, y, Xv, yv = data

    def objective(cfg, trial):
        cb = LightGBMPruningCallback(trial, monitor, valid_name="valid")
        params = {
            "learning_rate": cfg["lr"],
            "objective": "binary",
            "verbose": -1,
            "num_threads": 1,
            "num_leaves": 4,
        }
        dtrain = lgb.Dataset(X, y)
        booster = lgb.train(
            params,
            dtrain,
            20,
            valid_sets=[lgb.Dataset(Xv, yv, reference=dtrain)],
            valid_names=["valid"],
            callbacks=[cb],
        )
        if seen is not None:
            seen.append((cb.pruned, booster.current_iteration()))
        return booster.best_score["valid"]["binary_logloss"] if not cb.pruned else 1.0

    return objective


def test_reports_each_round_and_prunes_a_slow_learner(data):
    seen = []
    study = run_rates(_objective(data, seen=seen), [0.001, 0.3], upper=0.5)
    slow, fast = study.trials
    assert slow.state is hh.TrialState.PRUNED
    assert sorted(slow.intermediate) == [0, 1, 2]
    assert fast.state is hh.TrialState.COMPLETE
    assert sorted(fast.intermediate) == list(range(20))
    assert fast.value == pytest.approx(fast.intermediate[19])
    # LightGBM's own early-stop signal: train() returned the booster after 3 rounds
    assert seen == [(True, 3), (False, 20)]


def test_a_metric_never_logged_fails_the_trial_naming_the_logged_ones(data):
    t = run_failing(_objective(data, monitor="auc"))
    assert "valid:binary_logloss" in t.error.message


def test_check_pruned_raises_pruned_once_the_pruner_said_stop():
    require_module("lightgbm", "lightgbm")
    from hyperhop.integration.lightgbm import LightGBMPruningCallback

    class Told:
        reported: list = []

        def report(self, value, step):
            self.reported.append((step, value))

        def should_prune(self):
            return step_now[0] >= 1

    step_now = [0]
    cb = LightGBMPruningCallback(Told(), "binary_logloss")
    assert cb._reporter.step(0.7, 0) is False
    cb.check_pruned()  # not pruned yet: nothing raised
    step_now[0] = 1
    assert cb._reporter.step(0.6, 1) is True
    with pytest.raises(hh.Pruned):
        cb.check_pruned()
    assert Told.reported == [(0, 0.7), (1, 0.6)]
