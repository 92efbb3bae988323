"""Objectives for the executor tests, importable by every worker (Ray, Dask, MPI ranks,
``hyperhop worker`` processes), and the reference run they are compared with.

Faults are one-shot tokens in a control folder (the marker-file technique of Ray Tune's
tests): the first trial to claim ``raise`` raises, the next to claim ``exit`` calls
``os._exit``, the next to claim ``hang`` writes its pid to ``victim.pid`` and sleeps
until the test kills that process from outside. Every other trial returns :func:`quad`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import hyperhop as hh

SPACE = {"x": hh.float(-2.0, 2.0), "n": hh.int(0, 5), "kind": hh.choice("a", "b")}
SEED = 7
N_TRIALS = 16


def quad(cfg: dict[str, Any]) -> float:
    """Deterministic: the same config gives the same value on every backend."""
    return (cfg["x"] - 0.5) ** 2 + 0.1 * cfg["n"] + (0.25 if cfg["kind"] == "b" else 0.0)


def slow_quad(cfg: dict[str, Any]) -> float:
    time.sleep(0.25)
    return quad(cfg)


def pid_quad(cfg: dict[str, Any]) -> dict[str, Any]:
    """:func:`quad`, with the pid of the process that ran it as a user attribute."""
    time.sleep(0.1)
    return {"value": quad(cfg), "pid": os.getpid()}


def claim(control: str, token: str) -> bool:
    """Atomically take a one-shot token (True for exactly one caller, across processes)."""
    try:
        fd = os.open(Path(control) / f"{token}.token", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def chaos(
    cfg: dict[str, Any], *, control: str, faults: tuple[str, ...] = ("raise", "exit", "hang")
) -> float:
    """:func:`quad`, except for one trial per fault in ``faults``."""
    for fault in faults:
        if claim(control, fault):
            if fault == "raise":
                raise ValueError("chaos: this trial raises")
            if fault == "exit":
                os._exit(13)
            if fault == "hang":
                victim = Path(control) / "victim.pid"
                tmp = victim.with_suffix(".tmp")
                tmp.write_text(str(os.getpid()))
                tmp.rename(victim)
                time.sleep(120)
            break
    time.sleep(0.05)
    return quad(cfg)


def reference() -> list[tuple[int, dict[str, Any], float | None]]:
    """The seeded 16-trial study, run inline: (number, params, value) per trial."""
    study = hh.Study(SPACE, algo="random", seed=SEED)
    study.optimize(quad, n_trials=N_TRIALS, progress=False)
    return summary(study)


def summary(study: hh.Study) -> list[tuple[int, dict[str, Any], float | None]]:
    return [(t.number, dict(t.assignment), t.value) for t in study.trials]


def slow_chaos(cfg: dict[str, Any]) -> float:
    """:func:`chaos` with ``raise`` and ``hang`` faults, for ``hyperhop worker`` processes
    (the control folder comes from ``HH_TEST_CONTROL``)."""
    time.sleep(0.2)
    return chaos(cfg, control=os.environ["HH_TEST_CONTROL"], faults=("raise", "hang"))
