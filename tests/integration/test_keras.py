from __future__ import annotations

import os

import numpy as np
import pytest

import hyperhop as hh
from tests.conftest import require_module

from ._helpers import run_failing, run_rates

os.environ.setdefault("KERAS_BACKEND", "torch")  # no second deep-learning framework


def _objective(monitor="val_loss", seen=None):
    require_module("keras", "keras")
    if os.environ["KERAS_BACKEND"] != "torch":
        pytest.skip("the Keras tests run on the torch backend")
    import keras

    from hyperhop.integration.keras import KerasPruningCallback

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = x @ np.array([[3.0], [-2.0], [1.0], [4.0]], dtype="float32")

    def objective(cfg, trial):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(cfg["lr"]), loss="mse")
        cb = KerasPruningCallback(trial, monitor)
        history = model.fit(
            x, y, validation_split=0.25, epochs=6, batch_size=8, verbose=0, callbacks=[cb]
        )
        if seen is not None:
            seen.append((cb.pruned, len(history.history["val_loss"]), model.stop_training))
        return history.history["val_loss"][-1]

    return objective


def test_reports_each_epoch_and_stops_fit_when_pruned():
    seen = []
    study = run_rates(_objective(seen=seen), [1e-5, 0.2], upper=1.0)
    slow, fast = study.trials
    assert slow.state is hh.TrialState.PRUNED
    assert sorted(slow.intermediate) == [0, 1, 2]
    assert fast.state is hh.TrialState.COMPLETE
    assert sorted(fast.intermediate) == list(range(6))
    assert fast.value == pytest.approx(fast.intermediate[5])
    # fit returned its history after 3 epochs, as after Keras's own early stopping
    assert seen == [(True, 3, True), (False, 6, False)]


def test_a_metric_never_logged_fails_the_trial_naming_the_logged_ones():
    t = run_failing(_objective(monitor="val_accuracy"))
    assert "val_accuracy" in t.error.message and "val_loss" in t.error.message
