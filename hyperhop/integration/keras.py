"""Keras 3: a callback that reports a logged metric each epoch and prunes.

``KerasPruningCallback(trial, monitor="val_loss")`` reports ``logs[monitor]`` at the end
of each epoch and sets ``model.stop_training`` when the study's pruner says so: ``fit``
returns its history as after any early stop and the trial ends PRUNED. Works with every
Keras 3 backend (the tests use ``KERAS_BACKEND=torch``). ``pip install 'hyperhop[keras]'``.

Example (run by tests/integration/test_keras.py)::

    def objective(cfg, trial):
        model = make_model(cfg["lr"])
        history = model.fit(x, y, validation_split=0.25, epochs=10, verbose=0,
                            callbacks=[KerasPruningCallback(trial, "val_loss")])
        return history.history["val_loss"][-1]
"""

from __future__ import annotations

import functools
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._report import PruningReporter


@functools.cache
def _build() -> type:
    keras = require("keras", "keras", "hyperhop.integration.keras")

    base: Any = keras.callbacks.Callback

    class KerasPruningCallback(base):
        """Report ``monitor`` after each epoch; stop training when pruned.

        Args:
            trial: the trial that ``objective(config, trial)`` receives.
            monitor: a key of Keras's epoch logs (``"val_loss"``, ``"val_accuracy"``...).

        After pruning, ``pruned`` is True and ``check_pruned()`` raises ``hh.Pruned``.
        """

        def __init__(self, trial: Any, monitor: str = "val_loss") -> None:
            super().__init__()
            self._reporter = PruningReporter(trial, monitor, "KerasPruningCallback")

        @property
        def pruned(self) -> bool:
            return self._reporter.pruned

        def check_pruned(self) -> None:
            self._reporter.check_pruned()

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            logs = logs or {}
            monitor = self._reporter.monitor
            if monitor not in logs:
                raise self._reporter.missing(logs)
            if self._reporter.step(logs[monitor], epoch):
                self.model.stop_training = True

    return KerasPruningCallback


def __getattr__(name: str) -> Any:
    if name == "KerasPruningCallback":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
