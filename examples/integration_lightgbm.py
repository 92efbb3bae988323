"""LightGBM with pruning: each round's validation log-loss is an intermediate value.

python examples/integration_lightgbm.py       # pip install 'hyperhop[lightgbm]'
"""

from __future__ import annotations

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hyperhop as hh
from hyperhop.integration.lightgbm import LightGBMPruningCallback

X, y = load_breast_cancer(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, random_state=0)


def objective(cfg, trial):
    params = {
        "objective": "binary",
        "learning_rate": cfg["lr"],
        "num_leaves": cfg["leaves"],
        "verbose": -1,
        "num_threads": 1,
    }
    dtrain = lgb.Dataset(X_train, y_train)
    dvalid = lgb.Dataset(X_valid, y_valid, reference=dtrain)
    pruning = LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid")
    booster = lgb.train(
        params, dtrain, 100, valid_sets=[dvalid], valid_names=["valid"], callbacks=[pruning]
    )
    return booster.best_score["valid"]["binary_logloss"]


space = {"lr": hh.float(1e-3, 0.3, log=True), "leaves": hh.int(4, 64, log=True)}
study = hh.Study(space, direction="min", seed=0, pruner="median")
study.optimize(objective, n_trials=20, progress=False)
print(f"best log-loss {study.best_value:.4f} with {study.best.config}")
