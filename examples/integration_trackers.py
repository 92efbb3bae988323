"""MLflow and TensorBoard: every finished trial logged as a run and as an HParams session.

python examples/integration_trackers.py       # pip install 'hyperhop[mlflow,tensorboard]'
mlflow ui --backend-store-uri sqlite:///runs/mlflow.db   # and/or
tensorboard --logdir runs/tensorboard
"""

from __future__ import annotations

from pathlib import Path

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

import hyperhop as hh
from hyperhop.integration.mlflow import MLflowCallback
from hyperhop.integration.tensorboard import TensorBoardCallback
from hyperhop.integration.wandb import WandbCallback

X, y = load_wine(return_X_y=True)
Path("runs").mkdir(exist_ok=True)


def objective(cfg, trial):
    model = RandomForestClassifier(n_estimators=50, random_state=0, **cfg)
    scores = cross_val_score(model, X, y, cv=3)
    for fold, score in enumerate(scores):
        trial.report(score, fold)  # the intermediate values appear as a curve
    return scores.mean()


space = {"max_depth": hh.int(1, 12), "min_samples_leaf": hh.int(1, 20, log=True)}
study = hh.Study(space, direction="max", name="wine-forest", seed=0)
callbacks = [
    MLflowCallback("sqlite:///runs/mlflow.db"),
    TensorBoardCallback("runs/tensorboard"),
    WandbCallback(mode="offline", dir="runs"),
]
study.optimize(objective, n_trials=10, progress=False, callbacks=callbacks)
print(
    f"best accuracy {study.best_value:.3f}; runs in the 'wine-forest' experiment and runs/tensorboard"
)
