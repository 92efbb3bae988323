"""Objectives that ``hyperhop worker`` processes import in the pruning tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

EPOCHS = 9


def curve(cfg: dict[str, Any]) -> Iterator[float]:
    """A loss curve per epoch, ordered by ``x`` at every epoch: ``x + 1 / epoch``. It
    insists on the fidelity's budget, so a worker that lost the stored fidelity fails."""
    if cfg.get("epochs") != EPOCHS:
        raise ValueError(f"expected the fidelity's epochs={EPOCHS}, got {cfg.get('epochs')!r}")
    for epoch in range(1, cfg["epochs"] + 1):
        time.sleep(0.02)  # the two workers interleave
        yield cfg["x"] + 1.0 / epoch
