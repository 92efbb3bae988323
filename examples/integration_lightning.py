"""PyTorch Lightning with pruning: the validation loss of each epoch is an intermediate
value; when the pruner says stop, the trainer stops as after any early stop.

    python examples/integration_lightning.py      # pip install 'hyperhop[lightning]'
"""

from __future__ import annotations

import lightning.pytorch as L
import torch
from sklearn.datasets import load_digits
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

import hyperhop as hh
from hyperhop.integration.lightning import LightningPruningCallback

X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
train = DataLoader(TensorDataset(X[:1400], y[:1400]), batch_size=64, shuffle=True)
valid = DataLoader(TensorDataset(X[1400:], y[1400:]), batch_size=256)


class MLP(L.LightningModule):
    def __init__(self, width: int, lr: float) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, width), torch.nn.ReLU(), torch.nn.Linear(width, 10)
        )
        self.lr = lr

    def training_step(self, batch, _):
        return F.cross_entropy(self.net(batch[0]), batch[1])

    def validation_step(self, batch, _):
        self.log("val_loss", F.cross_entropy(self.net(batch[0]), batch[1]))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def objective(cfg, trial):
    torch.manual_seed(0)
    trainer = L.Trainer(
        max_epochs=8,
        callbacks=[LightningPruningCallback(trial, "val_loss")],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(MLP(cfg["width"], cfg["lr"]), train, valid)
    return trainer.callback_metrics["val_loss"].item()


space = {"width": hh.int(16, 128, log=True), "lr": hh.float(1e-4, 1e-1, log=True)}
study = hh.Study(space, direction="min", seed=0, pruner="median")
study.optimize(objective, n_trials=10, progress=False)
print(f"best validation loss {study.best_value:.4f} with {study.best.config}")
