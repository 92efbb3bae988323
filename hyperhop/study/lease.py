"""Who runs a trial, whether that worker still lives, and the heartbeat that proves it.

A RUNNING trial's ``owner`` is ``host:pid:token`` (token: the process's start time, so a
recycled pid is not mistaken for the original). A trial is stale when its owner is a
process on this host that no longer exists (reaped at once), or when its heartbeat is
older than the grace period (any host).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Callable

from hyperhop.storage.base import Storage
from hyperhop.trial import Trial, TrialState

log = logging.getLogger("hyperhop.lease")

HOST = socket.gethostname()


def _start_token(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    fields = data[data.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


_TOKEN: tuple[int, str] | None = None


def owner_id() -> str:
    """This process's worker id, ``host:pid:token`` (recomputed after a fork)."""
    global _TOKEN
    pid = os.getpid()
    if _TOKEN is None or _TOKEN[0] != pid:
        _TOKEN = (pid, _start_token(pid) or uuid.uuid4().hex[:12])
    return f"{HOST}:{pid}:{_TOKEN[1]}"


def local_owner_dead(owner: str | None) -> bool:
    """True when ``owner`` names a process on this host that is gone (or whose pid was reused)."""
    if not owner:
        return False
    parts = owner.rsplit(":", 2)
    if len(parts) != 3:
        return False
    host, pid_text, token = parts
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    if _is_zombie(pid):  # exited, not yet waited for by its parent: as dead as it gets
        return True
    current = _start_token(pid)
    return current is not None and token.isdigit() and current != token


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return False
    return data[data.rfind(")") + 2 : data.rfind(")") + 3] == "Z"


_SEEN_ALIVE: dict[str, float] = {}


def _owner_dead(owner: str | None, recheck: float) -> bool:
    """:func:`local_owner_dead`, trusting for ``recheck`` seconds an owner found alive: with
    several workers on one host, asking /proc about each running trial before every
    suggestion would cost more than the suggestion."""
    if owner is None:
        return False
    if recheck > 0.0:
        seen = _SEEN_ALIVE.get(owner)
        if seen is not None and time.monotonic() - seen < recheck:
            return False
    dead = local_owner_dead(owner)
    if dead:
        _SEEN_ALIVE.pop(owner, None)
    elif recheck > 0.0:
        if len(_SEEN_ALIVE) > 4096:
            _SEEN_ALIVE.clear()
        _SEEN_ALIVE[owner] = time.monotonic()
    return dead


def stale_reason(
    trial: Trial, now: float, grace: float | None, *, recheck: float = 0.0
) -> str | None:
    """Why a RUNNING trial should be reaped, or None if its worker may still be alive.
    ``recheck``: seconds during which a local owner found alive is not asked again."""
    if trial.state is not TrialState.RUNNING:
        return None
    if _owner_dead(trial.owner, recheck):
        return f"its worker {trial.owner} is no longer running"
    if grace is not None and trial.heartbeat is not None and now - trial.heartbeat > grace:
        return (
            f"no heartbeat from {trial.owner} for {now - trial.heartbeat:.1f} s (grace {grace:g} s)"
        )
    return None


class Heartbeat:
    """A daemon thread that refreshes the heartbeat of the trials this process runs."""

    def __init__(
        self, storage: Storage, owner: str, interval: float, on_lost: Callable[[int], None]
    ) -> None:
        self._storage = storage
        self._owner = owner
        self._interval = interval
        self._on_lost = on_lost
        self._ids: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, trial_id: int) -> None:
        with self._lock:
            self._ids.add(trial_id)
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=_beat, args=(weakref.ref(self),), name="hyperhop-heartbeat", daemon=True
                )
                self._thread.start()

    def discard(self, trial_id: int) -> None:
        with self._lock:
            self._ids.discard(trial_id)

    def stop(self) -> None:
        self._stop.set()

    def _tick(self) -> bool:
        with self._lock:
            ids = sorted(self._ids)
        if not ids:
            return True
        try:
            held = set(self._storage.heartbeat(ids, self._owner))
        except Exception as e:  # noqa: BLE001 - a failed beat must not kill the thread
            log.warning("heartbeat failed (will retry): %s", e)
            return True
        for tid in ids:
            if tid not in held:
                with self._lock:
                    was_ours = tid in self._ids
                    self._ids.discard(tid)
                if was_ours:
                    self._on_lost(tid)
        return True


def _beat(ref: weakref.ref[Heartbeat]) -> None:
    while True:
        hb = ref()
        if hb is None:
            return
        stop, interval = hb._stop, hb._interval
        del hb
        if stop.wait(interval):
            return
        hb = ref()
        if hb is None:
            return
        hb._tick()
        del hb


def now() -> float:
    return time.time()
