"""Keras 3 with pruning (any backend; here PyTorch's): each epoch's validation loss is an
intermediate value; when the pruner says stop, ``fit`` stops as after any early stop.

    KERAS_BACKEND=torch python examples/integration_keras.py   # pip install 'hyperhop[keras]'
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
from sklearn.datasets import load_digits

import hyperhop as hh
from hyperhop.integration.keras import KerasPruningCallback

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")


def objective(cfg, trial):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(cfg["width"], activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(cfg["lr"]), "sparse_categorical_crossentropy")
    history = model.fit(
        X,
        y,
        validation_split=0.2,
        epochs=8,
        batch_size=64,
        verbose=0,
        callbacks=[KerasPruningCallback(trial, "val_loss")],
    )
    return history.history["val_loss"][-1]


space = {"width": hh.int(16, 128, log=True), "lr": hh.float(1e-4, 1e-1, log=True)}
study = hh.Study(space, direction="min", seed=0, pruner="median")
study.optimize(objective, n_trials=10, progress=False)
print(f"best validation loss {study.best_value:.4f} with {study.best.config}")
