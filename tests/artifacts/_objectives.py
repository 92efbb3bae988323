"""Objectives that save artifacts, importable by worker processes (``hyperhop worker``)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.tree import DecisionTreeRegressor

import hyperhop as hh

SPACE = {"depth": hh.int(1, 8)}
X, Y = load_diabetes(return_X_y=True)
X_TRAIN, Y_TRAIN, X_VAL, Y_VAL = X[:300], Y[:300], X[300:], Y[300:]


def fit_tree(cfg: dict[str, Any], trial: Any) -> float:
    """Fit a tree, save it and its validation predictions; trial 3 saves its model and then
    hangs until killed (when HH_HANG_DIR is set, it first writes a marker there)."""
    model = DecisionTreeRegressor(max_depth=cfg["depth"], random_state=0).fit(X_TRAIN, Y_TRAIN)
    trial.save_artifact("model", model)
    pred = model.predict(X_VAL)
    trial.save_artifact("val_pred", pred)
    hang = os.environ.get("HH_HANG_DIR")
    if hang and trial.number == 3:
        Path(hang, "hanging").write_text(str(os.getpid()))
        time.sleep(600)
    return float(np.mean((pred - Y_VAL) ** 2))
