"""A small study in a SQLite file, and a dashboard serving it from a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from tests.conftest import require_module

HOSTILE = "<script>alert(1)</script>"


def objective(cfg: dict[str, Any]) -> Any:
    for step in range(3):
        yield (cfg["x"] - 0.5) ** 2 + 1.0 / (step + 1)
    if cfg["x"] > 1.5:
        raise ValueError("diverged at x > 1.5")


SPACE = {
    "x": hh.float(-2.0, 2.0),
    "opt": hh.choice("adam", "sgd"),
    "model": hh.choice({"kind": "a", "c": hh.int(1, 9)}, {"kind": "b"}),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = Path(tmp_path_factory.mktemp("dash")) / "study.db"
    url = f"sqlite:///{path}"
    hh.Study(SPACE, storage=url, name="demo", seed=0).optimize(
        objective, n_trials=24, progress=False
    )
    hh.Study({"y": hh.float(0, 1)}, storage=url, name=HOSTILE, seed=1).optimize(
        lambda c: c["y"], n_trials=3, progress=False
    )
    return url


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[Any]:
    require_module("plotly", "dashboard")
    from hyperhop.dashboard import make_server

    srv = make_server(db, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
