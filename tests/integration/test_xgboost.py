from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from tests.conftest import require_module

from ._helpers import run_failing, run_rates


@pytest.fixture(scope="module")
def data():
    require_module("xgboost", "xgboost")
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return xgb.DMatrix(X[:400], y[:400]), xgb.DMatrix(X[400:], y[400:])


def _objective(data, rounds=20, monitor="valid-logloss", seen=None):
    import xgboost as xgb

    from hyperhop.integration.xgboost import XGBoostPruningCallback

    dtrain, dvalid = data

    def objective(cfg, trial):
        cb = XGBoostPruningCallback(trial, monitor)
        params = {"eta": cfg["lr"], "objective": "binary:logistic", "nthread": 1, "max_depth": 2}
        booster = xgb.train(
            params, dtrain, rounds, evals=[(dvalid, "valid")], verbose_eval=False, callbacks=[cb]
        )
        if seen is not None:
            seen.append((cb.pruned, booster.num_boosted_rounds()))
        pred = booster.predict(dvalid)
        return float(np.mean((pred > 0.5) != dvalid.get_label()))

    return objective


def test_reports_each_round_and_prunes_a_slow_learner(data):
    seen = []
    study = run_rates(_objective(data, seen=seen), [0.001, 0.5], upper=0.5)
    slow, fast = study.trials
    assert slow.state is hh.TrialState.PRUNED
    assert sorted(slow.intermediate) == [0, 1, 2]  # warm-up of 2 steps, pruned at step 2
    assert all(v > 0.5 for v in slow.intermediate.values())
    assert fast.state is hh.TrialState.COMPLETE
    assert sorted(fast.intermediate) == list(range(20))
    # the pruned training stopped the framework's way: a booster of 3 rounds came back
    assert seen == [(True, 3), (False, 20)]


def test_a_metric_never_logged_fails_the_trial_naming_the_logged_ones(data):
    t = run_failing(_objective(data, monitor="valid-auc"))
    assert "valid-logloss" in t.error.message and "valid-auc" in t.error.message


def test_check_pruned_raises_pruned_and_a_plain_value_is_refused():
    require_module("xgboost", "xgboost")
    from hyperhop.integration.xgboost import XGBoostPruningCallback

    with pytest.raises(TypeError, match="objective\\(config, trial\\)"):
        XGBoostPruningCallback(0.5, "valid-logloss")
