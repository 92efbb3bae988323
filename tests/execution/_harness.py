"""Helpers of the executor tests: kill a trial's process from outside, make a PostgreSQL
database for one test, and check a finished fault study."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import hyperhop as hh
from hyperhop.trial import NOT_RUN_REASONS, TrialState
from tests.execution._objectives import N_TRIALS, quad

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


class Killer:
    """A thread that waits (bounded) for ``victim.pid`` in the control folder, then
    SIGKILLs that process: a worker killed from outside in the middle of a trial."""

    def __init__(self, control: Path, timeout: float = 90.0) -> None:
        self.victim = control / "victim.pid"
        self.timeout = timeout
        self.killed: int | None = None
        self.reap: Callable[[int], object] | None = None
        """Called with the pid after the kill: a parent must wait() its killed child, or
        the zombie still looks alive to the lease check."""
        self._thread = threading.Thread(target=self._run, name="killer", daemon=True)

    def start(self) -> Killer:
        self._thread.start()
        return self

    def _run(self) -> None:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            if self.victim.exists():
                pid = int(self.victim.read_text())
                time.sleep(0.2)  # let the trial settle into its sleep
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self.killed = pid
                if self.reap is not None:
                    self.reap(pid)
                return
            time.sleep(0.05)

    def join(self) -> None:
        self._thread.join(self.timeout + 5)


def check_fault_study(study: hh.Study, reasons: dict[str, int]) -> None:
    """The budget is met exactly (it counts completed trials and failed ones, except those
    failed as stale: their retry, or another trial, takes their place), every completed
    value is right, the faulty trials failed with exactly these reasons, nothing is left
    running and no number is missing."""
    trials = study.trials
    states = Counter(t.state for t in trials)
    not_run = sum(n for r, n in reasons.items() if r in NOT_RUN_REASONS)
    assert len(trials) - not_run == N_TRIALS, states
    assert states[TrialState.RUNNING] == 0 and states[TrialState.QUEUED] == 0, states
    for t in trials:
        if t.state is TrialState.COMPLETE:
            assert t.value == quad(t.config), t
    got = Counter(t.error.reason for t in trials if t.state is TrialState.FAILED and t.error)
    assert dict(got) == reasons, [(t.number, t.error) for t in trials if t.error]
    assert [t.number for t in trials] == list(range(len(trials)))
    assert len(trials) == states[TrialState.COMPLETE] + sum(reasons.values())


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A uniquely named PostgreSQL database for one test (its URL), dropped afterwards."""
    import psycopg

    name = f"hh_exec_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ROOT = Path(__file__).resolve().parents[2]


def run_mpi(script: Path, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``mpirun -n 3 python -m mpi4py.futures script args...`` from the repository root
    (rank 0 runs the study, ranks 1 and 2 evaluate); skips without MPI, fails under CI."""
    from tests.conftest import require_module

    require_module("mpi4py", "mpi")
    exe = shutil.which("mpirun")
    if exe is None:
        require_module("an MPI runtime (mpirun)", "mpi")  # skips, or fails under CI=true
    argv = [str(exe), "-n", "3", "--oversubscribe", "--allow-run-as-root", sys.executable]
    argv += ["-m", "mpi4py.futures", str(script), *args]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        argv,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
