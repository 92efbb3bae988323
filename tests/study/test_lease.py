from __future__ import annotations

import os
import subprocess
import sys
import time

from hyperhop.study.lease import HOST, local_owner_dead, owner_id, stale_reason
from hyperhop.trial import Trial, TrialState


def _trial(
    owner: str | None, heartbeat: float | None, state: TrialState = TrialState.RUNNING
) -> Trial:
    return Trial(
        id=1, number=0, study_id=1, state=state, assignment={}, owner=owner, heartbeat=heartbeat
    )


def test_owner_id_names_this_process() -> None:
    host, pid, token = owner_id().rsplit(":", 2)
    assert host == HOST and int(pid) == os.getpid() and token
    assert owner_id() == owner_id()
    assert not local_owner_dead(owner_id())


def test_dead_local_process_is_detected() -> None:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    assert local_owner_dead(f"{HOST}:{p.pid}:123")
    assert stale_reason(_trial(f"{HOST}:{p.pid}:123", time.time()), time.time(), 60.0) is not None


def test_reused_pid_is_detected_by_start_token() -> None:
    host, pid, token = owner_id().rsplit(":", 2)
    if token.isdigit():
        assert local_owner_dead(f"{host}:{pid}:{int(token) + 1}")


def test_remote_owner_judged_by_heartbeat() -> None:
    now = time.time()
    remote = "some-other-host:1:1"
    assert not local_owner_dead(remote)
    assert stale_reason(_trial(remote, now - 5), now, 60.0) is None
    reason = stale_reason(_trial(remote, now - 120), now, 60.0)
    assert reason is not None and "no heartbeat" in reason
    assert stale_reason(_trial(remote, now - 120), now, None) is None
    assert stale_reason(_trial(remote, now - 120, TrialState.COMPLETE), now, 60.0) is None


def test_zombie_process_counts_as_dead() -> None:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.time() + 10
    while time.time() < deadline:  # exited but not waited for: a zombie
        with open(f"/proc/{p.pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.02)
    try:
        assert local_owner_dead(f"{HOST}:{p.pid}:123")
    finally:
        p.wait()


def test_recheck_window_trusts_a_live_owner_then_looks_again() -> None:
    """Before an ask, a local owner seen alive is not looked up again for ``recheck``
    seconds (one /proc read per running trial per ask is costly with many workers); the
    public reap (recheck 0) always looks."""
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owner = f"{HOST}:{p.pid}:{local_token(p.pid)}"
        trial = _trial(owner, time.time())
        assert stale_reason(trial, time.time(), None, recheck=30.0) is None  # alive: cached
    finally:
        p.kill()
        p.wait()
    assert stale_reason(trial, time.time(), None, recheck=30.0) is None  # trusted in window
    assert stale_reason(trial, time.time(), None) is not None  # recheck 0: found dead
    assert stale_reason(trial, time.time(), None, recheck=30.0) is not None  # cache dropped


def local_token(pid: int) -> str:
    from hyperhop.study.lease import _start_token

    return _start_token(pid) or "0"
