"""The kill harness of the reliability suite (see ../shared/RELIABILITY.md, "Notes").

- :func:`spawn_worker` starts a real worker process (``python -m tests.reliability_tests._worker``);
  it runs an objective named in the fixed table of :mod:`._objectives` (never pickled).
- :func:`wait_until` polls (storage, files, processes) against a deadline.
- :func:`kill` sends a signal to a pid.
- :func:`check_invariants` checks what must hold for every study at rest.

Every wait has a deadline; every process the harness started is killed at the end of the
test that started it (see ``conftest.py``), so nothing outlives a failing test.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import hyperhop as hh
from hyperhop.storage import Storage, codec, get_storage
from hyperhop.trial import FailReason, Trial, TrialState

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]

FAIL_REASONS = frozenset(r.value for r in FailReason)


# --------------------------------------------------------------------------- processes


class Worker:
    """A running worker process; its stdout and stderr go to files (no pipe can fill up)."""

    def __init__(self, proc: subprocess.Popen[bytes], out: Path, err: Path, argv: list[str]):
        self.proc = proc
        self.out_path = out
        self.err_path = err
        self.argv = argv

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.poll()

    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float) -> int:
        """The exit code; a worker still running after ``timeout`` s is killed and the test fails."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(
                f"worker {self.pid} did not exit within {timeout} s and was killed.\n"
                f"argv: {self.argv}\nstderr:\n{self.stderr[-4000:]}"
            ) from None

    def result(self) -> dict[str, Any]:
        """The worker's final ``RESULT {json}`` line."""
        for line in reversed(self.stdout.splitlines()):
            if line.startswith("RESULT "):
                out: dict[str, Any] = json.loads(line[len("RESULT ") :])
                return out
        raise AssertionError(f"worker {self.pid} printed no RESULT line; stderr:\n{self.stderr}")

    def describe(self) -> str:
        return f"worker {self.pid} (exit {self.returncode}); stderr:\n{self.stderr[-4000:]}"


_LIVE: list[Worker] = []


def spawn_worker(
    storage_url: str,
    study_name: str,
    n_trials: int,
    objective_name: str,
    **opts: Any,
) -> Worker:
    """Start ``python -m tests.reliability_tests._worker`` on a study.

    ``opts`` become command-line flags (``hang_at=37`` -> ``--hang-at 37``): ``mode``,
    ``seed``, ``algo``, ``n_jobs``, ``dir``, ``hang_at``, ``barrier``, ``heartbeat``,
    ``grace``, ``max_retries``. Logs go to ``dir`` (a temporary folder when not given).
    """
    from tests.reliability_tests._objectives import OBJECTIVES

    if objective_name not in OBJECTIVES:
        raise KeyError(f"unknown objective {objective_name!r}; known: {sorted(OBJECTIVES)}")
    folder = Path(opts.get("dir") or tempfile.mkdtemp(prefix="hh-worker-"))
    opts["dir"] = str(folder)
    argv = [
        sys.executable,
        "-m",
        "tests.reliability_tests._worker",
        "--storage",
        storage_url,
        "--study",
        study_name,
        "--n-trials",
        str(n_trials),
        "--objective",
        objective_name,
    ]
    for key, value in opts.items():
        if value is None:
            continue
        argv += ["--" + key.replace("_", "-"), str(value)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("CI", None)
    n = len(list(folder.glob("worker-*.out")))
    out = folder / f"worker-{n}.out"
    err = folder / f"worker-{n}.err"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fo,
            stderr=fe,
            preexec_fn=_default_sigint,
        )
    worker = Worker(proc, out, err, argv)
    _LIVE.append(worker)
    return worker


def _default_sigint() -> None:
    # A test run started in the background by a non-interactive shell inherits SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler: the workers would
    # not hear the Ctrl+C the scenarios send. A driver in a terminal has the default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kill_leftovers() -> None:
    """SIGKILL every worker this process started that still runs (test teardown)."""
    while _LIVE:
        w = _LIVE.pop()
        if w.alive():
            kill(w.pid, signal.SIGKILL)
        try:
            w.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def kill(pid: int, sig: int = signal.SIGKILL) -> bool:
    """Send ``sig`` to ``pid``; False when the process was already gone."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    return True


class FileBarrier:
    """Releases ``n`` workers at once: each writes ``ready-<pid>`` into ``folder`` and spins
    until the ``go`` file appears (the workers' side is in ``_worker.py``)."""

    def __init__(self, folder: Path, n: int) -> None:
        self.folder = folder
        self.n = n
        folder.mkdir(parents=True, exist_ok=True)

    def release(self, timeout: float = 60.0) -> None:
        wait_until(
            lambda: len(list(self.folder.glob("ready-*"))) >= self.n,
            timeout,
            what=f"{self.n} workers at the barrier in {self.folder}",
        )
        (self.folder / "go").write_text("", encoding="utf-8")


# --------------------------------------------------------------------------- waiting


def wait_until(
    predicate: Callable[[], T], timeout: float, *, interval: float = 0.01, what: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy (returned); fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


# --------------------------------------------------------------------------- storage


def read_trials(storage: Storage | str, study_name: str) -> list[Trial]:
    """Every trial of the study, ordered by number, read straight from storage."""
    store = get_storage(storage)
    info = store.get_study(study_name)
    trials, _ = store.get_trials(info.id, 0)
    return sorted(trials, key=lambda t: t.number)


def count(trials: list[Trial], state: TrialState) -> int:
    return sum(1 for t in trials if t.state is state)


def fingerprint(t: Trial) -> str:
    """Every stored field of a trial as canonical JSON (for byte-identity checks)."""
    data = {f.name: getattr(t, f.name) for f in dataclasses.fields(t)}
    data["state"] = t.state.name
    data["error"] = None if t.error is None else t.error.to_json()
    data["values"] = None if t.values is None else list(t.values)
    data["intermediate"] = {str(k): v for k, v in t.intermediate.items()}
    return json.dumps(json.loads(codec.dumps(data)), sort_keys=True)


def locks_free(folder: Path) -> list[str]:
    """Files in ``folder`` whose name says lock (and the storage files) that someone still
    holds an exclusive ``flock`` on; an empty list when every one can be taken at once."""
    held = []
    for p in sorted(folder.iterdir()):
        if not p.is_file():
            continue
        with open(p, "rb") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(p.name)
            else:
                fcntl.flock(f, fcntl.LOCK_UN)
    return held


def check_invariants(
    storage: Storage | str,
    study_name: str,
    *,
    reap: bool = True,
    space: Any = None,
) -> list[Trial]:
    """Check a study at rest and return its trials (ordered by number).

    - numbers are unique and contiguous from 0;
    - no COMPLETE trial without values (nor with NaN);
    - with ``reap`` (all workers have exited): the reaper runs first (``load_study``), then
      no trial may be RUNNING;
    - every FAILED trial has an error with a known reason (``signal:<NAME>`` included);
    - enqueue keys are unique; every retry names its original through ``retried_from``, and
      that original failed as stale and had the same parameters.
    """
    store = get_storage(storage)
    if reap:
        hh.load_study(store, study_name, space=space, algo="random")
    trials = read_trials(store, study_name)
    numbers = [t.number for t in trials]
    assert numbers == list(range(len(trials))), f"numbers not 0..n-1: {numbers}"
    by_number = {t.number: t for t in trials}
    keys = [t.enqueue_key for t in trials if t.enqueue_key is not None]
    assert len(keys) == len(set(keys)), "an enqueue key appears twice"
    for t in trials:
        if t.state is TrialState.COMPLETE:
            assert t.values, f"trial {t.number} is COMPLETE without values"
            assert not any(math.isnan(v) for v in t.values), f"trial {t.number} has NaN values"
        else:
            assert t.state is not TrialState.COMPLETE
        if reap:
            assert t.state is not TrialState.RUNNING, f"trial {t.number} left RUNNING: {t}"
        if t.state is TrialState.FAILED:
            assert t.error is not None, f"FAILED trial {t.number} has no error"
            assert t.error.reason in FAIL_REASONS or t.error.reason.startswith("signal:"), (
                f"trial {t.number} failed with an unknown reason {t.error.reason!r}"
            )
        if t.enqueue_key is not None and t.enqueue_key.startswith("retry:"):
            assert t.retried_from is not None, f"retry trial {t.number} has no retried_from"
        if t.retried_from is not None:
            orig = by_number.get(t.retried_from)
            assert orig is not None, f"trial {t.number} retries a missing trial {t.retried_from}"
            assert orig.state is TrialState.FAILED and orig.error is not None
            assert orig.error.reason == FailReason.STALE.value
            assert orig.assignment == t.assignment, f"retry {t.number} changed the parameters"
    return trials
