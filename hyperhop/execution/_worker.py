"""The child side of the process executor: ``python -m hyperhop.execution._worker FD``.

Started as a fresh interpreter, or forked from the executor's zygote (itself a fresh
interpreter that imported this module and nothing of the user's; see ``zygote.py``): never
a fork of the driver, never a re-import of the user's ``__main__``. It receives the user's
objective (cloudpickled by the driver that started it: the user's own code going to the
user's own worker), then evaluates tasks one at a time, relaying intermediate values and
pruning questions to the driver.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

from hyperhop.execution import _pickle as cloudpickle
from hyperhop.execution.base import EvalSpec, Task
from hyperhop.execution.evaluate import error_from, evaluate
from hyperhop.trial import FailReason


class _PipeRelay:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def report(self, trial_id: int, step: int, value: float) -> None:
        self.conn.send(("report", trial_id, step, value))

    def should_prune(self, trial_id: int) -> bool:
        self.conn.send(("prune?", trial_id))
        reply = self.conn.recv()
        return bool(reply[1])


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the driver dies (no orphans after kill -9)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_memory(limit: int | None) -> None:
    if limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(conn: Connection) -> None:
    kind, payload, memory_limit = conn.recv()
    assert kind == "init"
    try:
        _limit_memory(memory_limit)
        objective, kwargs, pass_trial, catch, n_obj = cloudpickle.loads(payload)
    except BaseException as e:  # noqa: BLE001 - reported to the driver, which raises it
        conn.send(("init-failed", error_from(e).traceback or repr(e)))
        return
    spec = EvalSpec(objective, kwargs, pass_trial, catch, n_obj)
    relay = _PipeRelay(conn)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "stop":
            return
        _, trial_id, number, config_bytes, params = msg
        conn.send(("start", trial_id))
        try:
            config = cloudpickle.loads(config_bytes)
            res = evaluate(spec, Task(trial_id, number, config, params), relay)
        except MemoryError as e:
            conn.send(
                ("done", trial_id, None, False, error_from(e, FailReason.OOM.value).to_json(), None)
            )
            continue
        err = None if res.error is None else res.error.to_json()
        reraise: Any = None
        if res.reraise is not None:
            try:
                reraise = cloudpickle.dumps(res.reraise)
            except Exception:  # noqa: BLE001 - an unpicklable exception is re-raised as text
                reraise = None
        try:
            conn.send(("done", trial_id, res.result, res.pruned, err, reraise))
        except Exception as e:  # noqa: BLE001 - the result could not be sent back
            msg_err = error_from(e, FailReason.INVALID_VALUE.value).to_json()
            msg_err["message"] = f"the objective's result cannot be sent back to the driver: {e}"
            conn.send(("done", trial_id, None, False, msg_err, None))


def run(fd: int) -> None:
    """Serve the driver on the connected socket ``fd`` until it says stop or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the driver's to handle
    die_with_parent()
    conn = Connection(fd)
    try:
        serve(conn)
    finally:
        conn.close()


if __name__ == "__main__":
    run(int(sys.argv[1]))
