"""A. Crash, kill and resume: RELIABILITY scenarios 1, 5 and 6 (and issue 3's crash check)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest

import hyperhop as hh
from hyperhop.exceptions import StorageError
from hyperhop.storage import MemoryStorage
from hyperhop.trial import FailReason, Trial, TrialState
from tests.reliability_tests._backends import Backend, on
from tests.reliability_tests._harness import (
    check_invariants,
    count,
    fingerprint,
    kill,
    locks_free,
    read_trials,
    spawn_worker,
    wait_until,
)
from tests.reliability_tests._objectives import SPACE, tiny

PERSISTENT = on("sqlite", "journal", "postgres", "mysql")

N_TRIALS = 100
KILL_AFTER = 37


def _hang_marker(folder: Path, number: int) -> Path:
    return folder / f"hang-{number}"


def _wait_for_hang(worker: object, folder: Path, number: int, timeout: float = 60.0) -> None:
    from tests.reliability_tests._harness import Worker

    assert isinstance(worker, Worker)
    marker = _hang_marker(folder, number)
    wait_until(
        lambda: marker.exists() or not worker.alive(),
        timeout,
        what=f"trial {number} to start in worker {worker.pid}",
    )
    assert worker.alive(), worker.describe()


# --------------------------------------------------------------------------- scenario 1


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", PERSISTENT, indirect=True)
def test_driver_sigkill_mid_study_then_rerun(backend: Backend, tmp_path: Path) -> None:
    """Scenario 1 / issue 3's crash check: SIGKILL the driver right after the 37th COMPLETE
    while trial 37 runs; the rerun keeps the 37 byte-identical, marks 37 FAILED(stale) at
    once (its owner pid is dead on this host) and completes exactly 100."""
    assert backend.url is not None
    name = "crash-study"
    first = spawn_worker(
        backend.url, name, N_TRIALS, "hang_at", hang_at=KILL_AFTER, dir=tmp_path, seed=3
    )
    _wait_for_hang(first, tmp_path, KILL_AFTER)
    store = backend.open()
    before = read_trials(store, name)
    assert count(before, TrialState.COMPLETE) == KILL_AFTER
    assert kill(first.pid, signal.SIGKILL)
    assert first.wait(10) == -signal.SIGKILL

    at_kill = read_trials(backend.open(), name)
    assert [t.state for t in at_kill] == [TrialState.COMPLETE] * KILL_AFTER + [TrialState.RUNNING]
    running = at_kill[KILL_AFTER]
    assert running.owner is not None and f":{first.pid}:" in running.owner
    kept = {t.number: fingerprint(t) for t in at_kill[:KILL_AFTER]}

    second = spawn_worker(backend.url, name, N_TRIALS, "hang_at", hang_at=KILL_AFTER, dir=tmp_path)
    assert second.wait(60) == 0, second.describe()

    trials = check_invariants(backend.open(), name)
    assert count(trials, TrialState.COMPLETE) == N_TRIALS
    assert len(trials) == N_TRIALS + 1
    for number, fp in kept.items():
        assert fingerprint(trials[number]) == fp, f"trial {number} changed after the rerun"
    reaped = trials[KILL_AFTER]
    assert reaped.state is TrialState.FAILED
    assert reaped.error is not None and reaped.error.reason == FailReason.STALE.value
    assert str(first.pid) in reaped.error.message and "no longer running" in reaped.error.message
    assert reaped.assignment == running.assignment
    assert [t.state for t in trials[KILL_AFTER + 1 :]] == [TrialState.COMPLETE] * (
        N_TRIALS - KILL_AFTER
    )


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on("sqlite", "journal"), indirect=True)
def test_sigkilled_trial_is_retried_with_retried_from(backend: Backend, tmp_path: Path) -> None:
    """Scenario 1, retry branch: with ``max_retries=1`` the reaped trial's configuration is
    queued again, linked through ``retried_from``, and evaluated on the rerun."""
    assert backend.url is not None
    name = "retry-study"
    hang = 5
    first = spawn_worker(backend.url, name, 12, "hang_at", hang_at=hang, dir=tmp_path, seed=4)
    _wait_for_hang(first, tmp_path, hang)
    assert kill(first.pid, signal.SIGKILL)
    first.wait(10)
    second = spawn_worker(
        backend.url, name, 12, "hang_at", hang_at=hang, dir=tmp_path, seed=4, max_retries=1
    )
    assert second.wait(60) == 0, second.describe()
    trials = check_invariants(backend.open(), name)
    assert count(trials, TrialState.COMPLETE) == 12
    retries = [t for t in trials if t.retried_from is not None]
    assert len(retries) == 1
    retry = retries[0]
    assert retry.retried_from == hang and retry.state is TrialState.COMPLETE
    assert retry.assignment == trials[hang].assignment


# --------------------------------------------------------------------------- scenario 5


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", PERSISTENT, indirect=True)
def test_sigint_is_graceful_and_restart_continues(backend: Backend, tmp_path: Path) -> None:
    """Scenario 5: SIGINT mid-trial: exit code 130 within 5 s; the in-flight trial is
    FAILED(interrupted) before any reaper runs; no lock is held; a restart finishes."""
    assert backend.url is not None
    name = "sigint-study"
    hang = 6
    w = spawn_worker(backend.url, name, 15, "hang_at", hang_at=hang, dir=tmp_path, seed=5)
    _wait_for_hang(w, tmp_path, hang)
    start = time.monotonic()
    assert kill(w.pid, signal.SIGINT)
    rc = w.wait(5.0)
    assert time.monotonic() - start < 5.0
    assert rc == 130, w.describe()

    trials = check_invariants(backend.open(), name, reap=False)
    assert count(trials, TrialState.RUNNING) == 0, trials
    assert count(trials, TrialState.COMPLETE) == hang
    t = trials[hang]
    assert t.state is TrialState.FAILED
    assert t.error is not None and t.error.reason == FailReason.INTERRUPTED.value
    assert locks_free(tmp_path) == []

    again = spawn_worker(backend.url, name, 15, "hang_at", hang_at=hang, dir=tmp_path)
    assert again.wait(60) == 0, again.describe()
    trials = check_invariants(backend.open(), name)
    assert count(trials, TrialState.COMPLETE) == 15
    assert len(trials) == 16


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on("sqlite"), indirect=True)
def test_sigint_with_threads_leaves_nothing_running(backend: Backend, tmp_path: Path) -> None:
    """Scenario 5 under ``n_jobs=4``: every trial in flight at Ctrl+C ends FAILED(interrupted)
    (or finished), none RUNNING, with no reaper involved."""
    assert backend.url is not None
    name = "sigint-threads"
    hang = 12
    w = spawn_worker(
        backend.url, name, 200, "hang_at", hang_at=hang, dir=tmp_path, seed=6, n_jobs=4
    )
    _wait_for_hang(w, tmp_path, hang)
    assert kill(w.pid, signal.SIGINT)
    assert w.wait(5.0) == 130, w.describe()
    trials = check_invariants(backend.open(), name, reap=False)
    running = [t.number for t in trials if t.state is TrialState.RUNNING]
    assert running == [], f"left RUNNING after Ctrl+C: {running}"
    assert trials[hang].error is not None
    assert trials[hang].error.reason == FailReason.INTERRUPTED.value


# --------------------------------------------------------------------------- scenario 6


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on("sqlite"), indirect=True)
def test_seeded_resume_equivalence_random_sampler(backend: Backend, tmp_path: Path) -> None:
    """Scenario 6 with the random sampler (documented resume-deterministic: the draw for
    trial k depends only on the seed and k): 20 trials, SIGINT, resume to 50 proposes,
    trial number by trial number, what an uninterrupted seeded run of 50 proposes."""
    assert backend.url is not None
    seed, n, cut = 11, 50, 20
    plain = spawn_worker(backend.url, "plain", n, "hang_at", dir=tmp_path, seed=seed)
    assert plain.wait(60) == 0, plain.describe()
    first = spawn_worker(backend.url, "resumed", n, "hang_at", hang_at=cut, dir=tmp_path, seed=seed)
    _wait_for_hang(first, tmp_path, cut)
    assert kill(first.pid, signal.SIGINT)
    assert first.wait(5.0) == 130, first.describe()
    second = spawn_worker(
        backend.url, "resumed", n, "hang_at", hang_at=cut, dir=tmp_path, seed=seed
    )
    assert second.wait(60) == 0, second.describe()

    store = backend.open()
    a = check_invariants(store, "plain")
    b = check_invariants(store, "resumed")
    assert [t.state for t in a] == [TrialState.COMPLETE] * n
    assert count(b, TrialState.COMPLETE) == n and len(b) == n + 1
    # the first 20 are the same trials, values included
    assert [(t.assignment, t.values) for t in b[:cut]] == [
        (t.assignment, t.values) for t in a[:cut]
    ]
    # the interrupted trial had trial 20's draw; every later number has the same draw too
    assert b[cut].state is TrialState.FAILED and b[cut].assignment == a[cut].assignment
    assert [(t.assignment, t.values) for t in b[cut + 1 : n]] == [
        (t.assignment, t.values) for t in a[cut + 1 : n]
    ]


class _InterruptingStorage(MemoryStorage):
    """Memory storage whose ``where`` write meets a Ctrl+C on trial ``at``: after
    ``create_trial`` committed (ask cut short), or before ``update_trial`` (tell cut short)."""

    def __init__(self, where: str, at: int) -> None:
        super().__init__()
        self.where = where
        self.at = at

    def create_trial(self, study_id: int, **kw: Any) -> Trial:
        t = super().create_trial(study_id, **kw)
        if self.where == "ask" and t.number == self.at:
            self.where = "done"
            raise KeyboardInterrupt
        return t

    def update_trial(self, trial_id: int, **kw: Any) -> Trial:
        if (
            self.where == "tell"
            and kw.get("state") is TrialState.COMPLETE
            and self.get_trial(trial_id).number == self.at
        ):
            self.where = "done"
            raise KeyboardInterrupt
        return super().update_trial(trial_id, **kw)


@pytest.mark.parametrize("n_jobs", [1, 3])
@pytest.mark.parametrize("where", ["ask", "tell"])
def test_ctrl_c_inside_ask_or_tell_leaves_nothing_running(where: str, n_jobs: int) -> None:
    """Scenario 5, the storage half of a trial: a Ctrl+C that lands in ask() just after the
    trial row is written, or in tell() before the result is, still ends that trial
    FAILED(interrupted): with a fast objective that is where the signal usually lands."""
    store = _InterruptingStorage(where, at=4)
    study = hh.Study(SPACE, storage=store, name="cut-short", seed=1, algo="random")
    with pytest.raises(KeyboardInterrupt):
        study.optimize(tiny, n_trials=50, n_jobs=n_jobs, progress=False)
    trials = check_invariants(store, "cut-short", reap=False)
    assert count(trials, TrialState.RUNNING) == 0, trials
    t = trials[4]
    assert t.state is TrialState.FAILED and t.error is not None
    assert t.error.reason == FailReason.INTERRUPTED.value


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "backend",
    on("sqlite", "journal", "postgres"),
    indirect=True,
)
def test_sigint_with_a_fast_objective_leaves_nothing_running(
    backend: Backend, tmp_path: Path
) -> None:
    """Scenario 5 with a trivial objective (the signal lands in storage code, not in the
    objective): two rounds, each exits 130 with no trial RUNNING."""
    assert backend.url is not None
    for round_ in range(2):
        name = f"fast-{round_}"
        w = spawn_worker(backend.url, name, 100_000, "tiny", dir=tmp_path)
        store = backend.open()

        def started(name: str = name, store: Any = store) -> bool:
            try:
                return len(read_trials(store, name)) >= 30
            except KeyError:
                return False

        wait_until(started, 60, what="30 trials")
        assert kill(w.pid, signal.SIGINT)
        assert w.wait(5.0) == 130, w.describe()
        trials = check_invariants(backend.open(), name, reap=False)
        running = [t.number for t in trials if t.state is TrialState.RUNNING]
        assert running == [], f"round {round_}: left RUNNING after Ctrl+C: {running}"


class _CtrlCAfterBegin:
    """An sqlite3 connection whose next ``BEGIN IMMEDIATE`` succeeds and is then followed by
    a KeyboardInterrupt: what a Ctrl+C does when it lands just as SQLite took the lock."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.armed = True

    def execute(self, sql: str, *args: Any) -> Any:
        cur = self._conn.execute(sql, *args)
        if self.armed and sql.strip().upper().startswith("BEGIN"):
            self.armed = False
            raise KeyboardInterrupt
        return cur

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_ctrl_c_right_after_begin_leaves_sqlite_usable(tmp_path: Path) -> None:
    """Scenario 5, inside the SQLite backend: after a Ctrl+C that lands between BEGIN
    IMMEDIATE and the statements, the same storage (and another one on the file) can write."""
    from hyperhop.storage.sqlite import SQLiteStorage

    url = f"sqlite:///{tmp_path / 'study.db'}"
    store = SQLiteStorage(url)
    info, _ = store.create_study("s", ["min"])
    real = store._connection()
    proxy = _CtrlCAfterBegin(real)
    store._connection = lambda: proxy  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        store.create_trial(info.id, state=TrialState.RUNNING, assignment={}, owner="h:1:1")
    assert not real.in_transaction, "the interrupted transaction was left open"
    store.create_trial(info.id, state=TrialState.RUNNING, assignment={}, owner="h:1:1")
    other = SQLiteStorage(url + "?timeout=2")
    other.create_trial(info.id, state=TrialState.QUEUED, assignment={})


class _LostConnectionOnInterrupt(MemoryStorage):
    """Memory storage that fails (as a server gone away would) when asked to record an
    interrupted trial."""

    def update_trial(self, trial_id: int, **kw: Any) -> Trial:
        error = kw.get("error")
        if error is not None and error.reason == FailReason.INTERRUPTED.value:
            raise StorageError("connection to the server was lost")
        return super().update_trial(trial_id, **kw)


def test_ctrl_c_still_reaches_the_caller_when_storage_fails() -> None:
    """Scenario 5: when marking the interrupted trial fails (storage gone), the caller still
    gets KeyboardInterrupt, not the storage error; the trial stays RUNNING for the reaper."""

    def objective(cfg: dict[str, Any], trial: Trial) -> float:
        if trial.number == 3:
            raise KeyboardInterrupt
        return tiny(cfg)

    store = _LostConnectionOnInterrupt()
    study = hh.Study(SPACE, storage=store, name="gone", seed=1, algo="random")
    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=10, progress=False)
    trials = check_invariants(store, "gone", reap=False)
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3 + [TrialState.RUNNING]


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on("sqlite", "postgres"), indirect=True)
def test_sigkill_with_threads_reaps_every_running_trial_at_once(
    backend: Backend, tmp_path: Path
) -> None:
    """Scenario 1 under ``n_jobs=4``: every trial RUNNING at the SIGKILL is reaped as stale
    the moment a study is opened (its owner pid is gone; no grace period is waited for, even
    with a grace of an hour), and the rerun completes the budget."""
    assert backend.url is not None
    name = "crash-threads"
    w = spawn_worker(backend.url, name, 30, "hang_at", hang_at=10, dir=tmp_path, n_jobs=4)
    _wait_for_hang(w, tmp_path, 10)
    assert kill(w.pid, signal.SIGKILL)
    w.wait(10)
    at_kill = read_trials(backend.open(), name)
    running = [t.number for t in at_kill if t.state is TrialState.RUNNING]
    assert 10 in running
    hh.load_study(backend.open(), name, space=SPACE, algo="random", grace_period=3600.0)
    reaped = read_trials(backend.open(), name)
    for number in running:
        t = reaped[number]
        assert t.state is TrialState.FAILED and t.error is not None, t
        assert t.error.reason == FailReason.STALE.value
    again = spawn_worker(backend.url, name, 30, "hang_at", hang_at=10, dir=tmp_path, n_jobs=4)
    assert again.wait(60) == 0, again.describe()
    trials = check_invariants(backend.open(), name)
    assert count(trials, TrialState.COMPLETE) == 30
    assert count(trials, TrialState.FAILED) == len(running)


@pytest.mark.chaos
@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", on("sqlite"), indirect=True)
def test_grid_resume_evaluates_no_point_twice(backend: Backend, tmp_path: Path) -> None:
    """Scenario 6 with the grid sampler: 20 trials, SIGINT, resume to 40: no grid point is
    evaluated twice, and the completed points follow the uninterrupted run's order."""
    assert backend.url is not None
    n, cut = 40, 20
    opts: dict[str, Any] = {"dir": tmp_path, "algo": "grid", "grid_resolution": 5, "seed": 0}
    plain = spawn_worker(backend.url, "plain", n, "hang_at", **opts)
    assert plain.wait(60) == 0, plain.describe()
    first = spawn_worker(backend.url, "resumed", n, "hang_at", hang_at=cut, **opts)
    _wait_for_hang(first, tmp_path, cut)
    assert kill(first.pid, signal.SIGINT)
    assert first.wait(5.0) == 130, first.describe()
    second = spawn_worker(backend.url, "resumed", n, "hang_at", hang_at=cut, **opts)
    assert second.wait(60) == 0, second.describe()
    store = backend.open()
    a = [t.assignment for t in check_invariants(store, "plain") if t.state is TrialState.COMPLETE]
    b = [t.assignment for t in check_invariants(store, "resumed") if t.state is TrialState.COMPLETE]
    assert len(a) == len(b) == n
    keys = [tuple(sorted(p.items())) for p in b]
    assert len(set(keys)) == n, "a grid point was evaluated twice"
    assert b[:cut] == a[:cut]
    order = [tuple(sorted(p.items())) for p in a]
    later = [order.index(k) if k in order else n + 1 for k in keys[cut:]]
    assert later == sorted(later), "the resumed run left the grid order"
