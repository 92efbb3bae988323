from __future__ import annotations

import numpy as np
import pytest

import hyperhop as hh
from tests.conftest import require_module

from ._helpers import run_failing, run_rates


def _objective(monitor="val_loss", seen=None):
    require_module("lightning", "lightning")
    import lightning.pytorch as L
    import torch
    from torch.nn import functional as F
    from torch.utils.data import DataLoader, TensorDataset

    from hyperhop.integration.lightning import LightningPruningCallback

    rng = np.random.default_rng(0)
    x = torch.tensor(rng.normal(size=(64, 4)), dtype=torch.float32)
    y = x @ torch.tensor([[3.0], [-2.0], [1.0], [4.0]])
    train = DataLoader(TensorDataset(x[:48], y[:48]), batch_size=8)
    valid = DataLoader(TensorDataset(x[48:], y[48:]), batch_size=16)

    class Tiny(L.LightningModule):
        def __init__(self, lr):
            super().__init__()
            self.lin = torch.nn.Linear(4, 1)
            self.lr = lr

        def training_step(self, batch, i):
            return F.mse_loss(self.lin(batch[0]), batch[1])

        def validation_step(self, batch, i):
            self.log("val_loss", F.mse_loss(self.lin(batch[0]), batch[1]))

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.lr)

    def objective(cfg, trial):
        torch.manual_seed(0)
        cb = LightningPruningCallback(trial, monitor=monitor)
        trainer = L.Trainer(
            max_epochs=6,
            callbacks=[cb],
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            accelerator="cpu",
            num_sanity_val_steps=0,
        )
        trainer.fit(Tiny(cfg["lr"]), train, valid)
        if seen is not None:
            seen.append((cb.pruned, trainer.current_epoch, trainer.state.finished))
        return trainer.callback_metrics["val_loss"].item()

    return objective


def test_reports_each_epoch_and_stops_the_trainer_when_pruned():
    seen = []
    study = run_rates(_objective(seen=seen), [1e-5, 0.1], upper=1.0)
    slow, fast = study.trials
    assert slow.state is hh.TrialState.PRUNED
    assert sorted(slow.intermediate) == [0, 1, 2]
    assert fast.state is hh.TrialState.COMPLETE
    assert sorted(fast.intermediate) == list(range(6))
    assert fast.value == pytest.approx(fast.intermediate[5])
    # trainer.fit returned normally after epoch 2 and the trainer finished cleanly
    assert seen == [(True, 3, True), (False, 6, True)]


def test_a_metric_never_logged_fails_the_trial_naming_the_logged_ones():
    t = run_failing(_objective(monitor="val_acc"))
    assert "val_acc" in t.error.message and "val_loss" in t.error.message
