"""PyTorch Lightning: a ``Callback`` that reports a logged metric each epoch and prunes.

``LightningPruningCallback(trial, monitor="val_loss")`` reads the metric from
``trainer.callback_metrics`` at the end of each training epoch (after that epoch's
validation), reports it at step ``current_epoch``, and sets ``trainer.should_stop`` when
the study's pruner says so: ``trainer.fit`` returns normally, the trainer is left as after
any early stop, and the trial ends PRUNED. ``pip install 'hyperhop[lightning]'``.

Example (run by tests/integration/test_lightning.py)::

    def objective(cfg, trial):
        pruning = LightningPruningCallback(trial, monitor="val_loss")
        trainer = L.Trainer(max_epochs=10, callbacks=[pruning], logger=False,
                            enable_checkpointing=False, enable_progress_bar=False)
        trainer.fit(model, train_loader, val_loader)
        return trainer.callback_metrics["val_loss"].item()
"""

from __future__ import annotations

import functools
from typing import Any

from hyperhop._lazy import require
from hyperhop.integration._report import PruningReporter


@functools.cache
def _build() -> type:
    pl = require("lightning.pytorch", "lightning", "hyperhop.integration.lightning")

    base: Any = pl.Callback

    class LightningPruningCallback(base):
        """Report ``monitor`` after each training epoch; stop the trainer when pruned.

        Args:
            trial: the trial that ``objective(config, trial)`` receives.
            monitor: a metric logged with ``self.log`` (``"val_loss"``, ``"val_acc"``...).

        After pruning, ``pruned`` is True and ``check_pruned()`` raises ``hh.Pruned``.
        """

        def __init__(self, trial: Any, monitor: str) -> None:
            super().__init__()
            self._reporter = PruningReporter(trial, monitor, "LightningPruningCallback")

        @property
        def pruned(self) -> bool:
            return self._reporter.pruned

        def check_pruned(self) -> None:
            self._reporter.check_pruned()

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            if trainer.sanity_checking:
                return
            metrics = trainer.callback_metrics
            monitor = self._reporter.monitor
            if monitor not in metrics:
                raise self._reporter.missing(metrics)
            if self._reporter.step(metrics[monitor].item(), trainer.current_epoch):
                trainer.should_stop = True

    return LightningPruningCallback


def __getattr__(name: str) -> Any:
    if name == "LightningPruningCallback":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
