"""The fixed table of objectives (and the one space) that worker processes run.

A worker is told an objective's *name*; it looks the function up here. Nothing is pickled
into the child. Objectives that need a side channel (marker files, evaluation logs) read
it from :data:`CONTEXT`, which the worker fills from its command line.

Marker-file technique (Ray Tune's ``test_tuner_restore.py``): ``hang_at`` makes trial
number ``CONTEXT["hang_at"]`` write ``hang-<number>`` into ``CONTEXT["dir"]`` and then
block, so a test knows exactly which trial is in flight when it kills the process. On
the rerun the marker exists and that trial number runs normally.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hyperhop as hh

SPACE: dict[str, Any] = {
    "x": hh.float(-5.0, 5.0),
    "y": hh.int(0, 10),
    "c": hh.choice("a", "b", "c"),
}
"""The space every worker uses (a study reopened with a different space is refused)."""

CONTEXT: dict[str, Any] = {"dir": None, "hang_at": None}
"""Set by the worker: ``dir`` (a folder for markers and logs), ``hang_at`` (a trial number)."""

HANG_SECONDS = 60.0
"""How long ``hang_at`` blocks: far longer than any test waits before it kills."""


def value_of(cfg: dict[str, Any]) -> float:
    """The deterministic value of a config (what every objective below returns)."""
    return (float(cfg["x"]) - 1.0) ** 2 + 0.1 * int(cfg["y"]) + (0.5 if cfg["c"] == "b" else 0.0)


def _dir() -> Path:
    d = CONTEXT["dir"]
    if d is None:
        raise RuntimeError("this objective needs the worker's --dir")
    return Path(d)


def tiny(cfg: dict[str, Any]) -> float:
    """No waiting at all: for tight ask/tell loops."""
    return value_of(cfg)


def sleep10ms(cfg: dict[str, Any]) -> float:
    """A 10 ms objective (scenario 1)."""
    time.sleep(0.01)
    return value_of(cfg)


def sleep100ms(cfg: dict[str, Any]) -> float:
    """A 100 ms objective (the chaos test: long enough to be killed in the middle)."""
    time.sleep(0.1)
    return value_of(cfg)


def hang_at(cfg: dict[str, Any], trial: hh.Trial) -> float:
    """Like :func:`sleep10ms`, but trial ``CONTEXT['hang_at']`` marks itself and blocks (once)."""
    target = CONTEXT["hang_at"]
    if target is not None and trial.number == int(target):
        marker = _dir() / f"hang-{trial.number}"
        if not marker.exists():
            marker.write_text(str(os.getpid()), encoding="utf-8")
            time.sleep(HANG_SECONDS)
    time.sleep(0.01)
    return value_of(cfg)


def record(cfg: dict[str, Any]) -> float:
    """Log every evaluation to ``evals-<pid>.jsonl`` (counts evaluations outside storage)."""
    line = json.dumps({"x": cfg["x"], "y": cfg["y"], "c": cfg["c"]}, sort_keys=True)
    with open(_dir() / f"evals-{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
        f.write(line + "\n")
    time.sleep(0.002)
    return value_of(cfg)


OBJECTIVES: dict[str, Callable[..., Any]] = {
    "tiny": tiny,
    "sleep10ms": sleep10ms,
    "sleep100ms": sleep100ms,
    "hang_at": hang_at,
    "record": record,
}
