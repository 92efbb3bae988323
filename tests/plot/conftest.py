"""Studies for the plot tests: a conditional space, values known from the configs."""

from __future__ import annotations

import math
from typing import Any

import pytest

import hyperhop as hh
from tests.conftest import require_module

SPACE = {
    "lr": hh.float(1e-4, 1e-1, log=True),
    "opt": hh.choice("adam", "sgd"),
    "model": hh.choice(
        {"kind": "svm", "C": hh.float(0.1, 10)}, {"kind": "tree", "depth": hh.int(1, 9)}
    ),
}


def loss(cfg: dict[str, Any]) -> float:
    """Depends on every parameter, so each panel has something to show."""
    m = cfg["model"]
    extra = m["C"] / 10 if m["kind"] == "svm" else m["depth"] / 9
    return abs(math.log10(cfg["lr"]) + 2) + (cfg["opt"] == "sgd") + extra


@pytest.fixture(autouse=True)
def _matplotlib() -> None:
    require_module("matplotlib", "plot")


@pytest.fixture
def study() -> hh.Study:
    return hh.minimize(loss, SPACE, n_trials=40, algo="random", seed=3, progress=False)
