"""XGBoost with pruning: each boosting round's validation log-loss is an intermediate
value, and the median pruner stops rounds of hopeless configurations.

    python examples/integration_xgboost.py        # pip install 'hyperhop[xgboost]'
"""

from __future__ import annotations

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hyperhop as hh
from hyperhop.integration.xgboost import XGBoostPruningCallback

X, y = load_breast_cancer(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, random_state=0)
dtrain, dvalid = xgb.DMatrix(X_train, y_train), xgb.DMatrix(X_valid, y_valid)


def objective(cfg, trial):
    params = {
        "objective": "binary:logistic",
        "eta": cfg["eta"],
        "max_depth": cfg["depth"],
        "nthread": 1,
    }
    pruning = XGBoostPruningCallback(trial, "valid-logloss")
    booster = xgb.train(
        params, dtrain, 100, evals=[(dvalid, "valid")], verbose_eval=False, callbacks=[pruning]
    )
    return float(booster.eval(dvalid).split(":")[1])  # a pruned trial ends PRUNED anyway


space = {"eta": hh.float(1e-3, 0.5, log=True), "depth": hh.int(2, 8)}
study = hh.Study(space, direction="min", seed=0, pruner="median")
study.optimize(objective, n_trials=20, progress=False)
pruned = sum(t.state is hh.TrialState.PRUNED for t in study.trials)
print(f"best log-loss {study.best_value:.4f} with {study.best.config}; {pruned} of 20 pruned")
